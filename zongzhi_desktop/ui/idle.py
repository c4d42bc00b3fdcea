"""Idle lock: after N minutes without keyboard or mouse input the data is covered until the
signed-in user re-enters the password. Open forms stay as they are (covered, not closed, so a
form's unsaved input and a running exec() loop survive the lock)."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QDialogButtonBox,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from ..domain.errors import DomainError
from ..services import Services
from ..services.admin import authenticate

COVER_COLOR = QColor("#e8edf3")
_ACTIVITY = {
    QEvent.Type.KeyPress, QEvent.Type.MouseButtonPress, QEvent.Type.MouseMove, QEvent.Type.Wheel,
    QEvent.Type.TouchBegin, QEvent.Type.ShortcutOverride,
}


class UnlockDialog(QDialog):
    """Asks the signed-in user's password; the only visible window while locked. On a shared PC
    another person can 切换用户 instead: the locked session ends (its open forms kept as drafts)."""

    switch_requested = Signal()

    def __init__(self, services: Services, parent: QWidget | None = None, *, can_switch: bool = False) -> None:
        super().__init__(parent)
        self.services = services
        self.setObjectName("unlock_dialog")
        self.setWindowTitle(self.tr("综治桌面已锁定"))
        self.setModal(True)
        self.setWindowFlag(Qt.WindowType.WindowCloseButtonHint, False)
        who = services.actor.display_name or services.actor.username
        info = QLabel(self.tr("因长时间未操作，界面已锁定。\n请输入 {user} 的密码以继续。").format(user=who))
        info.setWordWrap(True)
        self.password = QLineEdit()
        self.password.setObjectName("unlock_password")
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.error = QLabel("")
        self.error.setObjectName("unlock_error")
        self.error.setStyleSheet("color: #b00020;")
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok)
        self.unlock_button = buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.unlock_button.setText(self.tr("解锁"))
        self.unlock_button.setObjectName("unlock_button")
        buttons.accepted.connect(self.try_unlock)
        self.switch_button = buttons.addButton(self.tr("切换用户"), QDialogButtonBox.ButtonRole.ActionRole)
        self.switch_button.setObjectName("unlock_switch_user")
        self.switch_button.setToolTip(self.tr("结束{user}的会话（未保存的录入留作其草稿），回到登录窗口").format(user=who))
        self.switch_button.setAutoDefault(False)
        self.switch_button.setVisible(can_switch)
        self.switch_button.clicked.connect(lambda: self.switch_requested.emit())
        layout = QVBoxLayout(self)
        layout.addWidget(info)
        layout.addWidget(self.password)
        layout.addWidget(self.error)
        layout.addWidget(buttons)

    def try_unlock(self) -> None:
        try:
            authenticate(self.services, self.services.actor.username, self.password.text())
        except DomainError:
            self.error.setText(self.tr("密码错误"))
            self.password.clear()
            self.password.setFocus()
            return
        self.password.clear()
        self.accept()

    def reject(self) -> None:  # Esc must not unlock
        return


class LockCover(QWidget):
    """An opaque panel over a window's whole client area, following its size."""

    def __init__(self, target: QWidget) -> None:
        super().__init__(target)
        self.setObjectName("lock_cover")
        # Opaque: the palette fill paints every pixel, whatever style sheet the window uses.
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        self.setAutoFillBackground(True)
        palette = self.palette()
        palette.setColor(QPalette.ColorRole.Window, COVER_COLOR)
        self.setPalette(palette)
        self.setStyleSheet(f"#lock_cover {{ background: {COVER_COLOR.name()}; }}")
        label = QLabel(self.tr("已锁定"), self)
        label.setStyleSheet("color: #7a8699; font-size: 16pt;")
        layout = QVBoxLayout(self)
        layout.addWidget(label, alignment=Qt.AlignmentFlag.AlignCenter)
        self.setGeometry(target.rect())
        target.installEventFilter(self)
        self.raise_()
        self.show()

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:
        if obj is self.parent() and event.type() == QEvent.Type.Resize:
            self.setGeometry(obj.rect())  # type: ignore[attr-defined]
            self.raise_()
        return False


class IdleLock(QObject):
    """Watches application-wide input; locks after `minutes` (0 = never)."""

    locked = Signal()
    unlocked = Signal()

    def __init__(self, window: QWidget, services: Services, minutes: int, parent: QObject | None = None) -> None:
        super().__init__(parent or window)
        self.window = window
        self.services = services
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.timeout.connect(self.lock)
        self.dialog: UnlockDialog | None = None
        self._covers: list[LockCover] = []
        self.set_minutes(minutes)
        app = QApplication.instance()
        assert app is not None
        app.installEventFilter(self)

    @property
    def is_locked(self) -> bool:
        return self.dialog is not None

    def set_minutes(self, minutes: int) -> None:
        self.set_interval_ms(max(0, int(minutes)) * 60_000)

    def set_interval_ms(self, ms: int) -> None:
        self.interval_ms = ms
        self.timer.stop()
        if ms > 0 and not self.is_locked:
            self.timer.start(ms)

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:
        if event.type() in _ACTIVITY and not self.is_locked and self.interval_ms > 0:
            self.timer.start(self.interval_ms)
        return False

    def lock(self) -> None:
        if self.is_locked:
            return
        # Cover every window showing data (the main window and any open form) until unlocked.
        self._covers = [LockCover(w) for w in QApplication.topLevelWidgets()
                        if w.isVisible() and not isinstance(w, UnlockDialog) and w.windowType() != Qt.WindowType.ToolTip]
        self.dialog = UnlockDialog(self.services, self.window, can_switch=hasattr(self.window, "end_session"))
        self.dialog.setWindowModality(Qt.WindowModality.ApplicationModal)
        self.dialog.accepted.connect(self._unlock)
        self.dialog.switch_requested.connect(self._switch_user)
        self.dialog.show()
        self.dialog.raise_()
        self.dialog.activateWindow()
        self.locked.emit()

    def _unlock(self) -> None:
        for cover in self._covers:
            cover.deleteLater()
        self._covers = []
        if self.dialog is not None:
            self.dialog.deleteLater()
        self.dialog = None
        if self.interval_ms > 0:
            self.timer.start(self.interval_ms)
        self.unlocked.emit()

    def _switch_user(self) -> None:
        """切换用户 from the lock: nobody may see the locked user's data, so their open forms are
        closed without questions (hidden: each keeps its typing as that user's draft) and the
        session ends (ui/main_window.py end_session)."""
        self.timer.stop()
        for cover in self._covers:
            cover.deleteLater()
        self._covers = []
        if self.dialog is not None:
            self.dialog.hide()
            self.dialog.deleteLater()
        self.dialog = None
        self.window.end_session("switch", keep_drafts=True)  # type: ignore[attr-defined]

    def shutdown(self) -> None:
        self.timer.stop()
        app = QApplication.instance()
        if app is not None:
            app.removeEventFilter(self)
