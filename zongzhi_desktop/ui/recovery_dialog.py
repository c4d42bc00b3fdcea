"""The recovery key, shown once (issue 14): after the set-up wizard, and to the first administrator who
signs in to a store that has none (a store converted from an earlier release)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont, QGuiApplication
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QPushButton, QVBoxLayout, QWidget


class RecoveryKeyDialog(QDialog):
    """Shows the key in large type with what to do with it; 复制 puts it on the clipboard."""

    def __init__(self, key_text: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("recovery_dialog")
        self.setWindowTitle(self.tr("恢复密钥（只显示这一次）"))
        self.setMinimumWidth(560)
        intro = QLabel(self.tr(
            "数据库已加密。下面是它的恢复密钥：请现在打印或抄写在纸上，交管理员锁好保管。\n"
            "忘记全部密码、或换电脑从备份恢复时，用它打开数据库（zongzhi key reset-password）。\n"
            "它只显示这一次；丢失后管理员可在命令行用 zongzhi key recovery 生成新的，旧的随即失效。"))
        intro.setWordWrap(True)
        self.key_label = QLabel(key_text)
        self.key_label.setObjectName("recovery_key")
        font = QFont("monospace")
        font.setStyleHint(QFont.StyleHint.Monospace)
        font.setPointSize(13)
        font.setBold(True)
        self.key_label.setFont(font)
        self.key_label.setWordWrap(True)
        self.key_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.key_label.setStyleSheet("background: #fff8e1; border: 1px solid #e0c36a; padding: 10px;")
        self.key_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        buttons = QDialogButtonBox()
        self.copy_button = QPushButton(self.tr("复制"))
        self.copy_button.setObjectName("recovery_copy")
        self.copy_button.clicked.connect(lambda: QGuiApplication.clipboard().setText(key_text))
        buttons.addButton(self.copy_button, QDialogButtonBox.ButtonRole.ActionRole)
        self.done_button = buttons.addButton(self.tr("我已记下"), QDialogButtonBox.ButtonRole.AcceptRole)
        self.done_button.setObjectName("recovery_done")
        buttons.accepted.connect(self.accept)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.key_label)
        layout.addWidget(buttons)
