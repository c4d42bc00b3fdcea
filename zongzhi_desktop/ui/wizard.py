"""First-run setup wizard: township, county, administrator account, optional demo data."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QButtonGroup,
    QFormLayout,
    QLabel,
    QLineEdit,
    QRadioButton,
    QVBoxLayout,
    QWidget,
    QWizard,
    QWizardPage,
)

from ..domain.errors import DomainError, ValidationError
from ..services import Actor, Services
from ..services.admin import check_password_rule, validate_division_codes
from ..store.database import Store
from .runner import OperationRunner, Progress

DEMO_RECORDS = 600  # a township's few months of work: enough to try every screen


def _error_label() -> QLabel:
    label = QLabel("")
    label.setObjectName("wizard_error")
    label.setStyleSheet("color: #b00020;")
    label.setWordWrap(True)
    return label


class TownshipPage(QWizardPage):
    def __init__(self) -> None:
        super().__init__()
        self.setTitle(self.tr("本乡镇（街道）"))
        self.setSubTitle(self.tr("填写本综治中心所在乡镇和所属县（区）的行政区划代码与名称。"))
        self.township_code = QLineEdit()
        self.township_code.setObjectName("township_code")
        self.township_code.setPlaceholderText(self.tr("9位数字，如 330825101"))
        self.township_code.setMaxLength(9)
        self.township_name = QLineEdit()
        self.township_name.setObjectName("township_name")
        self.township_name.setPlaceholderText(self.tr("如 城关镇"))
        self.county_code = QLineEdit()
        self.county_code.setObjectName("county_code")
        self.county_code.setPlaceholderText(self.tr("6位数字，如 330825"))
        self.county_code.setMaxLength(6)
        self.county_name = QLineEdit()
        self.county_name.setObjectName("county_name")
        self.county_name.setPlaceholderText(self.tr("如 龙游县"))
        self.error = _error_label()
        form = QFormLayout()
        form.addRow(self.tr("乡镇区划代码"), self.township_code)
        form.addRow(self.tr("乡镇名称"), self.township_name)
        form.addRow(self.tr("县级区划代码"), self.county_code)
        form.addRow(self.tr("县（区）名称"), self.county_name)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addStretch(1)
        self.county_code.textEdited.connect(self._suggest_prefix)

    def _suggest_prefix(self, text: str) -> None:
        if len(text) == 6 and not self.township_code.text():
            self.township_code.setText(text)

    def validatePage(self) -> bool:
        try:
            validate_division_codes(self.township_code.text().strip(), self.county_code.text().strip())
            if not self.township_name.text().strip():
                raise ValidationError("township_name", "乡镇名称", "required", "必填项，不能为空")
            if not self.county_name.text().strip():
                raise ValidationError("county_name", "县名称", "required", "必填项，不能为空")
        except DomainError as e:
            self.error.setText(e.message)
            return False
        self.error.setText("")
        return True


class AdminPage(QWizardPage):
    def __init__(self) -> None:
        super().__init__()
        self.setTitle(self.tr("管理员账户"))
        self.setSubTitle(self.tr("管理员负责用户、字典和系统设置。录入员和审核员账户可在“设置”中添加。"))
        self.username = QLineEdit("admin")
        self.username.setObjectName("admin_username")
        self.display_name = QLineEdit(self.tr("管理员"))
        self.display_name.setObjectName("admin_display_name")
        self.password = QLineEdit()
        self.password.setObjectName("admin_password")
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.confirm = QLineEdit()
        self.confirm.setObjectName("admin_confirm")
        self.confirm.setEchoMode(QLineEdit.EchoMode.Password)
        self.error = _error_label()
        form = QFormLayout()
        form.addRow(self.tr("用户名"), self.username)
        form.addRow(self.tr("姓名"), self.display_name)
        form.addRow(self.tr("密码（至少8位）"), self.password)
        form.addRow(self.tr("确认密码"), self.confirm)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addStretch(1)

    def validatePage(self) -> bool:
        try:
            if not self.username.text().strip():
                raise ValidationError("admin", "管理员用户名", "required", "必填项，不能为空")
            check_password_rule(self.password.text())
            if self.password.text() != self.confirm.text():
                raise ValidationError("password", "确认密码", "match", "两次输入的密码不一致")
        except DomainError as e:
            self.error.setText(e.message)
            return False
        self.error.setText("")
        return True


class DataPage(QWizardPage):
    def __init__(self) -> None:
        super().__init__()
        self.setTitle(self.tr("初始数据"))
        self.setSubTitle(self.tr("可以从空白开始，也可以载入一批演示数据用于培训和试用。"))
        self.empty = QRadioButton(self.tr("从空白数据开始（正式使用）"))
        self.empty.setObjectName("start_empty")
        self.demo = QRadioButton(self.tr("载入演示数据（虚构的信访件、纠纷、包案、志愿活动，用于培训）"))
        self.demo.setObjectName("start_demo")
        self.empty.setChecked(True)
        group = QButtonGroup(self)
        group.addButton(self.empty)
        group.addButton(self.demo)
        note = QLabel(self.tr("演示数据中的人名、证件号和电话均为随机生成，不对应真实人员。"))
        note.setWordWrap(True)
        note.setStyleSheet("color: #5a6270;")
        self.error = _error_label()
        layout = QVBoxLayout(self)
        layout.addWidget(self.empty)
        layout.addWidget(self.demo)
        layout.addWidget(note)
        layout.addWidget(self.error)
        layout.addStretch(1)


def populate_demo(services: Services, progress: Progress, records: int = DEMO_RECORDS) -> Any:
    """Fill an initialized store with demo records (the demo module is imported only when asked)."""
    from .. import demo

    return demo.populate(services, records=records, progress=lambda done, total: progress.report(done, total))


class SetupWizard(QWizard):
    """Creates the township, the code tables and the administrator; optionally loads demo data."""

    completed = Signal()

    def __init__(self, store: Store, runner: OperationRunner | None = None, parent: QWidget | None = None, *,
                 populate: Callable[[Services, Progress], Any] = populate_demo, today: Callable[[], Any] | None = None,
                 ) -> None:
        super().__init__(parent)
        self.store = store
        self.runner = runner or OperationRunner(self)
        self.populate = populate
        self._today = today
        self.setObjectName("setup_wizard")
        self.setWindowTitle(self.tr("综治桌面 — 初次设置"))
        self.setWizardStyle(QWizard.WizardStyle.ModernStyle)
        self.setMinimumSize(620, 440)
        self.township_page = TownshipPage()
        self.admin_page = AdminPage()
        self.data_page = DataPage()
        for page in (self.township_page, self.admin_page, self.data_page):
            self.addPage(page)
        self.setButtonText(QWizard.WizardButton.NextButton, self.tr("下一步 >"))
        self.setButtonText(QWizard.WizardButton.BackButton, self.tr("< 上一步"))
        self.setButtonText(QWizard.WizardButton.FinishButton, self.tr("完成"))
        self.setButtonText(QWizard.WizardButton.CancelButton, self.tr("取消"))
        self._busy = False
        self._initialized = False
        self.demo_result: Any = None  # what populate() returned (accounts created…)

    def accept(self) -> None:
        if self._busy:
            return
        if self._initialized:  # demo data failed earlier; the store is ready as it is
            self._finish()
            return
        t, a = self.township_page, self.admin_page
        kwargs: dict[str, Any] = {"today": self._today} if self._today else {}
        services = Services(self.store, Actor("setup", "admin", "初次设置"), **kwargs)
        try:
            services.initialize(
                township_code=t.township_code.text().strip(), township_name=t.township_name.text().strip(),
                county_code=t.county_code.text().strip(), county_name=t.county_name.text().strip(),
                admin_username=a.username.text().strip(), admin_password=a.password.text(),
                admin_display_name=a.display_name.text().strip() or "管理员",
            )
        except DomainError as e:
            self.data_page.error.setText(e.message)
            return
        self._initialized = True
        if not self.data_page.demo.isChecked():
            self._finish()
            return
        self._busy = True
        self.button(QWizard.WizardButton.FinishButton).setEnabled(False)
        admin = Services(self.store, Actor(a.username.text().strip(), "admin", a.display_name.text().strip()),
                         **kwargs)
        self.runner.run(self.tr("生成演示数据"), lambda p: self.populate(admin, p),
                        on_done=self._demo_done, on_error=self._demo_failed, cancellable=False)

    def _demo_done(self, result: Any) -> None:
        self.demo_result = result
        self._finish()

    def demo_accounts_text(self) -> str:
        """The demo sign-in accounts created with the demo data (passwords the wizard did not set)."""
        accounts = getattr(self.demo_result, "accounts", None) or []
        shown = [self.tr("{user} / {password}（{name}）").format(user=u, password=pw, name=name)
                 for u, name, _role, pw in accounts if pw]
        if not shown:
            return ""
        return self.tr("已载入演示数据。演示账号：{accounts}").format(accounts="；".join(shown))

    def _demo_failed(self, exc: BaseException) -> None:
        # The store is initialized already; the clerk can still sign in and work without demo data.
        self._busy = False
        message = exc.message if isinstance(exc, DomainError) else f"{type(exc).__name__}: {exc}"
        self.data_page.error.setText(self.tr("演示数据生成失败：{message}。数据库已初始化，可以直接登录使用。").format(
            message=message))
        self.data_page.demo.setEnabled(False)
        self.data_page.empty.setChecked(True)
        self.button(QWizard.WizardButton.FinishButton).setEnabled(True)

    def _finish(self) -> None:
        self._busy = False
        self.completed.emit()
        super().accept()
