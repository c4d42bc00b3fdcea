"""Sign-in dialog: the actor every change in this session is attributed to."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from ..domain.errors import AuthenticationFailed, DomainError
from ..services import Actor, Services
from ..services.admin import authenticate


class LoginDialog(QDialog):
    """Username and password, checked by services.admin.authenticate."""

    def __init__(self, services: Services, *, last_user: str = "", notice: str = "",
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.services = services
        self.actor: Actor | None = None
        self.setObjectName("login_dialog")
        self.setWindowTitle(self.tr("综治桌面 — 登录"))
        self.setMinimumWidth(380)
        try:
            township = services.township.name
        except DomainError:
            township = ""
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

    def demo_accounts_notice(self) -> str:
        """On a demo store (made by `zongzhi demo`, ./run.sh or the wizard), the demo sign-in accounts,
        so whoever opens it can sign in; empty on a real township's store."""
        if not self.services.get_setting("demo"):
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
        try:
            self.actor = authenticate(self.services, user, self.password.text())
        except AuthenticationFailed:
            self.error.setText(self.tr("用户名或密码错误"))
            self.password.selectAll()
            self.password.setFocus()
            return
        except DomainError as e:
            self.error.setText(e.message)
            self.password.selectAll()
            self.password.setFocus()
            return
        self.accept()
