"""Search-and-pick dialog for linked cases, volunteers and teams."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ...services import Services
from ...services.kinds import KINDS
from . import lookup
from .display import t


class RecordPickerDialog(QDialog):
    """Type any part of a serial, name or title; Enter or double-click takes the selected rows."""

    def __init__(self, services: Services, kinds: Sequence[str], title: str = "",
                 exclude: set[str] | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("record_picker")
        self.services = services
        self.kinds = list(kinds)
        self.exclude = exclude or set()
        self.setWindowTitle(title or self.tr("选择"))
        self.resize(720, 460)
        self.search_edit = QLineEdit(self)
        self.search_edit.setObjectName("picker_search")
        self.search_edit.setPlaceholderText(self.tr("输入编号、姓名或标题的任意部分"))
        self.kind_combo = QComboBox(self)
        self.kind_combo.setObjectName("picker_kind")
        if len(self.kinds) > 1:
            self.kind_combo.addItem(self.tr("全部"), None)
        for k in self.kinds:
            self.kind_combo.addItem(t(KINDS[k].label), k)
        self.kind_combo.setVisible(len(self.kinds) > 1)
        top = QHBoxLayout()
        top.addWidget(QLabel(self.tr("查找："), self))
        top.addWidget(self.search_edit, 1)
        top.addWidget(self.kind_combo)
        self.table = QTableWidget(0, 3, self)
        self.table.setObjectName("picker_results")
        self.table.setHorizontalHeaderLabels([self.tr("类型"), self.tr("名称"), self.tr("情况")])
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().setVisible(False)
        hh = self.table.horizontalHeader()
        hh.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        hh.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        hh.setSectionResizeMode(2, QHeaderView.ResizeMode.ResizeToContents)
        self.table.doubleClicked.connect(self.accept)
        self.status = QLabel(self)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText(self.tr("选定"))
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(self.tr("取消"))
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        lay = QVBoxLayout(self)
        lay.addLayout(top)
        lay.addWidget(self.table, 1)
        lay.addWidget(self.status)
        lay.addWidget(buttons)
        self._options: list[lookup.RefOption] = []
        self.search_edit.textChanged.connect(self.refresh)
        self.kind_combo.currentIndexChanged.connect(self.refresh)
        self.refresh()

    def refresh(self) -> None:
        text = self.search_edit.text()
        only = self.kind_combo.currentData()
        options: list[lookup.RefOption] = []
        for k in self.kinds:
            if only is None or only == k:
                options += [o for o in lookup.search(self.services, k, text) if o.id not in self.exclude]
        self._options = options
        self.table.setRowCount(len(options))
        for i, opt in enumerate(options):
            for col, text_ in enumerate((t(KINDS[opt.kind].label), opt.label, opt.detail)):
                self.table.setItem(i, col, QTableWidgetItem(text_))
        if options:
            self.table.selectRow(0)
        self.status.setText(self.tr("找到 {n} 条（最多显示每类 {limit} 条）").format(n=len(options), limit=lookup.DEFAULT_LIMIT))

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in (Qt.Key.Key_Down, Qt.Key.Key_Up) and self.search_edit.hasFocus():
            self.table.setFocus()
            self.table.keyPressEvent(event)
            return
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self.accept()
            return
        super().keyPressEvent(event)

    def selected(self) -> list[lookup.RefOption]:
        rows = sorted({i.row() for i in self.table.selectionModel().selectedRows()})
        return [self._options[r] for r in rows if r < len(self._options)]
