"""Guided restore (issue 14 item 4): when the store cannot be opened, or the last integrity check
found damage, the window offers the backups, newest first, and puts the chosen one in place."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ..domain.errors import DomainError
from ..services.backup import BackupFile, backup_dir, list_backups, restore
from ..services.unlock import is_plain_sqlite
from .runner import OperationRunner

DAMAGE_FLAG = ".needs-restore"  # written when the daily backup's integrity check finds damage
_KIND_LABELS = {
    "manual": QT_TRANSLATE_NOOP("RestoreDialog", "手动"),
    "daily": QT_TRANSLATE_NOOP("RestoreDialog", "每日自动"),
    "import": QT_TRANSLATE_NOOP("RestoreDialog", "导入前"),
    "encrypt": QT_TRANSLATE_NOOP("RestoreDialog", "加密前"),
}


def kind_label(kind: str) -> str:
    return QCoreApplication.translate("RestoreDialog", _KIND_LABELS[kind]) if kind in _KIND_LABELS else kind


class RestoreDialog(QDialog):
    """Lists the store's backups; 从所选备份恢复 verifies the chosen one and restores it."""

    def __init__(self, store_path: Path, problem: str, *, can_continue: bool, parent: QWidget | None = None,
                 runner: OperationRunner | None = None, key: bytes | None = None) -> None:
        super().__init__(parent)
        self.key = key  # the data key of an encrypted store (its backups share it)
        self.setObjectName("restore_dialog")
        self.setWindowTitle(self.tr("数据库需要恢复"))
        self.store_path = store_path
        self.runner = runner or OperationRunner(self)
        self.restored_aside: Path | None = None
        self.backups: list[BackupFile] = list_backups(backup_dir(store_path))
        intro = QLabel(self.tr("数据库 {path} 有问题：\n{problem}\n\n可以从下面的备份恢复（最新的在前）。"
                               "恢复前会先校验备份；当前的数据库文件会另存保留，不会删除。").format(
            path=store_path, problem=problem))
        intro.setWordWrap(True)
        intro.setObjectName("restore_intro")
        self.table = QTableWidget(len(self.backups), 3)
        self.table.setObjectName("restore_table")
        self.table.setHorizontalHeaderLabels([self.tr("备份时间"), self.tr("类型"), self.tr("大小")])
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        for row, b in enumerate(self.backups):
            for col, text in enumerate((f"{b.made:%Y-%m-%d %H:%M:%S}", kind_label(b.kind),
                                        f"{b.path.stat().st_size / 1e6:.1f} MB")):
                item = QTableWidgetItem(text)
                item.setData(Qt.ItemDataRole.UserRole, str(b.path))
                self.table.setItem(row, col, item)
        self.table.resizeColumnsToContents()
        self.table.horizontalHeader().setStretchLastSection(True)
        if self.backups:
            self.table.selectRow(0)
        self.status = QLabel(self.tr("没有找到备份。请联系技术支持，不要删除数据库文件。") if not self.backups else "")
        self.status.setObjectName("restore_status")
        self.status.setWordWrap(True)
        self.restore_button = QPushButton(self.tr("从所选备份恢复"))
        self.restore_button.setObjectName("restore_button")
        self.restore_button.setEnabled(bool(self.backups))
        self.restore_button.clicked.connect(lambda: self.restore_selected())
        self.continue_button = QPushButton(self.tr("继续使用当前数据库"))
        self.continue_button.setObjectName("restore_continue")
        self.continue_button.setVisible(can_continue)
        self.continue_button.clicked.connect(lambda: self.done(QDialog.DialogCode.Rejected.value))
        quit_button = QPushButton(self.tr("退出"))
        quit_button.setObjectName("restore_quit")
        quit_button.clicked.connect(lambda: self.done(2))
        buttons = QHBoxLayout()
        buttons.addWidget(self.restore_button)
        buttons.addStretch(1)
        buttons.addWidget(self.continue_button)
        buttons.addWidget(quit_button)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.table)
        layout.addWidget(self.status)
        layout.addLayout(buttons)
        self.resize(720, 420)

    def selected_backup(self) -> Path | None:
        rows = self.table.selectionModel().selectedRows()
        if not rows:
            return None
        return Path(self.table.item(rows[0].row(), 0).data(Qt.ItemDataRole.UserRole))

    def restore_selected(self) -> None:
        """Verify and restore the selected backup in the background; accept the dialog when done."""
        chosen = self.selected_backup()
        if chosen is None:
            return
        self.restore_button.setEnabled(False)
        self.status.setText(self.tr("正在校验并恢复 {file}…").format(file=chosen.name))

        def done(aside: Path) -> None:
            self.restored_aside = aside
            (self.store_path.parent / DAMAGE_FLAG).unlink(missing_ok=True)
            self.accept()

        def failed(error: BaseException) -> None:
            self.restore_button.setEnabled(True)
            message = error.message if isinstance(error, DomainError) else f"{type(error).__name__}: {error}"
            self.status.setText(self.tr("恢复失败：{error}\n请选择更早的备份。").format(error=message))

        self.runner.run(self.tr("从备份恢复"), lambda _p: restore(self.store_path, chosen, username="system",
                                                                 key=None if is_plain_sqlite(chosen) else self.key),
                        on_done=done, on_error=failed, show_progress=False)
