"""文件 → 导入批次: the ledger import batches, and 撤销 (void a whole batch) for reviewers."""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ..county.timeliness import aware
from ..domain.formatting import time_text
from ..domain.models import ImportBatch
from ..domain.roles import Perm, has_perm
from ..ledger.fields import LEDGER_KINDS
from ..ledger.importer import list_batches, undo_import
from ..services import Services
from .errors import show_message
from .runner import OperationRunner


def china_time(dt: Any) -> str:
    """A stored UTC timestamp as China time (the clerk's clock)."""
    return time_text(aware(dt))


class BatchesDialog(QDialog):
    """Lists import batches; a reviewer selects one, writes a reason and clicks 撤销所选批次."""

    def __init__(self, services: Services, runner: OperationRunner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("ledger_batches")
        self.setWindowTitle(self.tr("台账导入批次"))
        self.services, self.runner = services, runner
        self.batches: list[ImportBatch] = []
        self.undone = 0
        self.table = QTableWidget(0, 7)
        self.table.setObjectName("batch_table")
        self.table.setHorizontalHeaderLabels([self.tr("批次"), self.tr("导入时间"), self.tr("台账"), self.tr("文件"),
                                              self.tr("条数"), self.tr("导入人"), self.tr("状态")])
        self.table.verticalHeader().setVisible(False)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.reason = QLineEdit()
        self.reason.setObjectName("undo_reason")
        self.reason.setPlaceholderText(self.tr("撤销原因（必填）"))
        self.undo = QPushButton(self.tr("撤销所选批次"))
        self.undo.setObjectName("undo_batch")
        self.may_undo = has_perm(services.actor.role, Perm.REVIEW)
        note = QLabel(self.tr("撤销会作废该批次导入的全部记录（不删除，留有审计记录）。") if self.may_undo
                      else self.tr("撤销导入需要审核权限。"))
        row = QHBoxLayout()
        row.addWidget(self.reason, 1)
        row.addWidget(self.undo)
        lay = QVBoxLayout(self)
        lay.addWidget(self.table, 1)
        lay.addWidget(note)
        lay.addLayout(row)
        self.table.itemSelectionChanged.connect(self._update)
        self.reason.textChanged.connect(lambda _t: self._update())
        self.undo.clicked.connect(lambda: self._undo())
        self.resize(900, 420)
        self.reload()

    def reload(self) -> None:
        self.batches = list_batches(self.services)
        self.table.setRowCount(len(self.batches))
        people = self.services.people()  # 导入人: the person's name
        for r, b in enumerate(self.batches):
            state = self.tr("已撤销：{reason}").format(reason=b.undo_reason) if b.undone_at else self.tr("有效")
            values: list[Any] = [b.id[:8], china_time(b.created_at), LEDGER_KINDS.get(b.kind, b.kind),
                                 b.file_name, b.imported, people.get(b.created_by, b.created_by), state]
            for c, v in enumerate(values):
                self.table.setItem(r, c, QTableWidgetItem(str(v)))
        self._update()

    def selected(self) -> ImportBatch | None:
        rows = self.table.selectionModel().selectedRows()
        return self.batches[rows[0].row()] if rows else None

    def _update(self) -> None:
        b = self.selected()
        self.undo.setEnabled(self.may_undo and b is not None and b.undone_at is None and bool(self.reason.text().strip()))

    def _undo(self) -> None:
        b = self.selected()
        if b is None:
            return
        reason = self.reason.text().strip()

        def done(n: int) -> None:
            self.undone += n
            self.reason.clear()
            self.reload()
            show_message(self, self.tr("撤销导入"), self.tr("已撤销批次 {b}：作废 {n} 条记录").format(b=b.id[:8], n=n),
                         warning=False)

        self.runner.run(self.tr("撤销导入"), lambda _p: undo_import(self.services, b.id, reason), on_done=done)


def open_batches(window: Any) -> BatchesDialog:
    dlg = BatchesDialog(window.services, window.runner, window)
    dlg.finished.connect(lambda _r: window.record_saved() if dlg.undone else None)
    dlg.show()
    window.ledger_batches = dlg
    return dlg
