"""Sign-in dialog: the actor every change in this session is attributed to, and the password that
opens the encrypted store (services/unlock.py).

The store is not open while the dialog shows: the township name and the demo flag come from the key
file's public section. A plain store left by an earlier release is converted after the password is
checked, in the background with a progress dialog (a big store takes a while)."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from ..domain.errors import AuthenticationFailed, DomainError, StoreUnreadable
from ..services import Actor, Services
from ..services.unlock import (
    Unlocked,
    check_plain,
    convert_signed_in,
    public_info,
    sign_in,
    store_state,
)


class LoginDialog(QDialog):
    """Username and password for the store at `store_path` (services/unlock.py sign_in), checked in
    the background; `attempt_finished(accepted)` follows every click of 登录.

    After `accepted`: `unlocked` holds the open store and the actor. When the password was right but
    the store could not be read, `unreadable` holds the error (with the data key) instead."""

    attempt_finished = Signal(bool)

    def __init__(self, store_path: Path, *, township: str | None = None, demo: bool | None = None,
                 last_user: str = "", notice: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        from .runner import OperationRunner

        self.store_path = store_path
        self.actor: Actor | None = None
        self.unlocked: Unlocked | None = None
        self.unreadable: StoreUnreadable | None = None
        self.runner = OperationRunner(self)
        public = public_info(store_path) if township is None or demo is None else {}
        township = township if township is not None else str(public.get("township", ""))
        self.demo = demo if demo is not None else bool(public.get("demo"))
        self.setObjectName("login_dialog")
        self.setWindowTitle(self.tr("综治桌面 — 登录"))
        self.setMinimumWidth(380)
        title = QLabel(self.tr("综治桌面"))
        title.setObjectName("login_title")
        title.setStyleSheet("font-size: 20pt; font-weight: bold; color: #1f5fa8;")
        title.setAlignment(Qt.AlignmentFlag.AlignCenter)
        subtitle = QLabel(self.tr("{township}综治中心").format(township=township) if township else "")
        subtitle.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.username = QLineEdit(last_user)
        self.username.setObjectName("login_username")
        self.password = QLineEdit()
        self.password.setObjectName("login_password")
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.error = QLabel("")
        self.error.setObjectName("login_error")
        self.error.setStyleSheet("color: #b00020;")
        self.error.setWordWrap(True)
        if not notice:
            notice = self.demo_accounts_notice()
        self.notice = QLabel(notice)
        self.notice.setObjectName("login_notice")
        self.notice.setWordWrap(True)
        self.notice.setStyleSheet("background: #eef4fb; border: 1px solid #b9cbe6; padding: 6px;")
        self.notice.setVisible(bool(notice))
        form = QFormLayout()
        form.addRow(self.tr("用户名"), self.username)
        form.addRow(self.tr("密码"), self.password)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.login_button = buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.login_button.setText(self.tr("登录"))
        self.login_button.setObjectName("login_button")
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(self.tr("退出"))
        buttons.accepted.connect(self.try_login)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(title)
        layout.addWidget(subtitle)
        layout.addSpacing(12)
        layout.addWidget(self.notice)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(buttons)
        (self.password if last_user else self.username).setFocus()
        # While the user types, the window's modules load in the background (ui/preload.py): signing
        # in then builds the window without a second of imports on the GUI thread.
        from .preload import start_preload

        start_preload()

    @classmethod
    def for_services(cls, services: Services, **kw: object) -> LoginDialog:
        """The dialog for the store behind `services` (township and demo flag read from the store)."""
        try:
            township = services.township.name
        except DomainError:
            township = ""
        assert services.store.path is not None
        return cls(services.store.path, township=township, demo=bool(services.get_setting("demo")), **kw)  # type: ignore[arg-type]

    def demo_accounts_notice(self) -> str:
        """On a demo store (made by `zongzhi demo`, ./run.sh or the wizard), the demo sign-in accounts,
        so whoever opens it can sign in; empty on a real township's store."""
        if not self.demo:
            return ""
        from ..demo.generate import DEMO_ACCOUNTS

        # One account a line: a wrapped "admin / \nzongzhi-admin" is easy to mistype.
        shown = "\n" + "\n".join(self.tr("{user} / {password}（{role}）").format(user=u, password=pw, role=name)
                         for u, name, _role, pw in DEMO_ACCOUNTS)
        return self.tr("这是演示数据库。演示账号（用户名 / 密码）：{accounts}").format(accounts=shown)

    def try_login(self) -> None:
        user = self.username.text().strip()
        if not user:
            self.error.setText(self.tr("请输入用户名"))
            self.username.setFocus()
            return
        password = self.password.text()
        path = self.store_path
        self.login_button.setEnabled(False)  # one attempt at a time (Enter pressed twice counts once)

        def attempt(_progress: object) -> tuple[str, object]:
            # Argon2 (~0.2 s) and opening the store leave the GUI thread; the window's modules are
            # loaded first (ui/preload.py: never two threads importing them at once).
            from .preload import wait_for_modules

            wait_for_modules()
            if store_state(path) == "plain":
                return "convert", check_plain(path, user, password)
            return "open", sign_in(path, user, password)

        def done(result: tuple[str, object]) -> None:
            what, value = result
            if what == "convert":
                self._convert(value, password)  # type: ignore[arg-type]
                return
            self.unlocked = value  # type: ignore[assignment]
            self.actor = self.unlocked.actor  # type: ignore[union-attr]
            self.attempt_finished.emit(True)
            self.accept()

        def failed(error: BaseException) -> None:
            self.login_button.setEnabled(True)
            if isinstance(error, StoreUnreadable):
                self.unreadable = error
                self.attempt_finished.emit(True)
                self.accept()
                return
            if isinstance(error, AuthenticationFailed):
                self._refuse(self.tr("用户名或密码错误"))
            elif isinstance(error, DomainError):
                self._refuse(error.message)
            else:
                from .errors import show_unexpected_error

                self._refuse(self.tr("登录失败"))
                show_unexpected_error(self, f"{type(error).__name__}: {error}", "", None)
            self.attempt_finished.emit(False)

        self.runner.run(self.tr("登录"), attempt, on_done=done, on_error=failed, show_progress=False)

    def _refuse(self, text: str) -> None:
        self.error.setText(text)
        self.password.selectAll()
        self.password.setFocus()

    def _convert(self, actor: Actor, password: str) -> None:
        """A plain store from an earlier release: encrypted now, in the background."""
        self.login_button.setEnabled(False)
        self.error.setText(self.tr("正在把数据库转换为加密存储（先备份并校验）…"))

        def done(unlocked: Unlocked) -> None:
            self.unlocked, self.actor = unlocked, unlocked.actor
            self.attempt_finished.emit(True)
            self.accept()

        def failed(error: BaseException) -> None:
            self.login_button.setEnabled(True)
            message = error.message if isinstance(error, DomainError) else f"{type(error).__name__}: {error}"
            self.error.setText(self.tr("数据库没有转换（原数据库保持不变）：{error}").format(error=message))
            self.attempt_finished.emit(False)

        self.runner.run(self.tr("加密数据库"), lambda _p: convert_signed_in(self.store_path, actor, password),
                        on_done=done, on_error=failed, label=self.tr("正在加密数据库，请稍候…"))
