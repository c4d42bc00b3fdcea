"""设置: my account and language for everyone; users, code tables, deadline rule, holidays, idle lock
and reference data (villages, departments, leaders…) for the administrator."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from PySide6.QtCore import QT_TRANSLATE_NOOP, QDate, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QScrollArea,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy import select

from ..domain import models as m
from ..domain.deadlines import DeadlineRule
from ..domain.errors import DomainError
from ..domain.roles import ROLE_LABELS, Perm, Role, has_perm
from ..services import Services
from ..services.admin import INT_SETTINGS, authenticate
from ..services.kinds import KINDS
from ..services.signin import throttle_status
from .errors import show_domain_error, show_message
from .i18n import LANGUAGES, normalize_language
from .state import UiState

REFERENCE_KINDS = ("village", "grid", "grid_worker", "department", "leader", "committee", "mediator")


def _table(name: str, headers: list[str]) -> QTableWidget:
    t = QTableWidget(0, len(headers))
    t.setObjectName(name)
    t.setHorizontalHeaderLabels(headers)
    t.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    t.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    t.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    t.verticalHeader().setVisible(False)
    t.horizontalHeader().setStretchLastSection(True)
    return t


def _fill(table: QTableWidget, rows: list[list[str]], keys: list[Any]) -> None:
    table.setRowCount(len(rows))
    for r, (values, key) in enumerate(zip(rows, keys, strict=True)):
        for c, v in enumerate(values):
            item = QTableWidgetItem(v)
            item.setData(Qt.ItemDataRole.UserRole, key)
            table.setItem(r, c, item)
    table.resizeColumnsToContents()


def _selected_key(table: QTableWidget) -> Any:
    item = table.item(table.currentRow(), 0) if table.currentRow() >= 0 else None
    return item.data(Qt.ItemDataRole.UserRole) if item else None


class AccountTab(QWidget):
    """Change my password; choose the interface language."""

    def __init__(self, services: Services, state: UiState) -> None:
        super().__init__()
        self.services = services
        self.state = state
        self.setObjectName("settings_account")
        actor = services.actor
        role = ROLE_LABELS.get(Role(actor.role), actor.role) if actor.role in Role._value2member_map_ else actor.role
        info = QLabel(self.tr("当前用户：{name}（{user}），角色：{role}").format(
            name=actor.display_name or actor.username, user=actor.username, role=role))
        pw_box = QGroupBox(self.tr("修改密码"))
        self.current = QLineEdit()
        self.current.setObjectName("account_current")
        self.new = QLineEdit()
        self.new.setObjectName("account_new")
        self.confirm = QLineEdit()
        self.confirm.setObjectName("account_confirm")
        for w in (self.current, self.new, self.confirm):
            w.setEchoMode(QLineEdit.EchoMode.Password)
        form = QFormLayout(pw_box)
        form.addRow(self.tr("当前密码"), self.current)
        form.addRow(self.tr("新密码（至少8位）"), self.new)
        form.addRow(self.tr("确认新密码"), self.confirm)
        change = QPushButton(self.tr("修改密码"))
        change.setObjectName("account_change_password")
        change.clicked.connect(self.change_password)
        form.addRow("", change)
        lang_box = QGroupBox(self.tr("界面语言"))
        lang = QFormLayout(lang_box)
        self.language = QComboBox()
        self.language.setObjectName("account_language")
        for code, label in LANGUAGES.items():
            self.language.addItem(label, code)
        self.language.setCurrentIndex(max(0, self.language.findData(normalize_language(state.language))))
        self.language.currentIndexChanged.connect(self._language_changed)
        self.language_note = QLabel("")
        lang.addRow(self.tr("语言"), self.language)
        lang.addRow("", self.language_note)
        for box in (pw_box, lang_box):
            box.setMaximumWidth(560)
        layout = QVBoxLayout(self)
        layout.addWidget(info)
        layout.addWidget(pw_box)
        layout.addWidget(lang_box)
        layout.addStretch(1)

    def change_password(self) -> None:
        try:
            authenticate(self.services, self.services.actor.username, self.current.text())
        except DomainError:
            show_message(self, self.tr("修改密码"), self.tr("当前密码不正确"))
            return
        if self.new.text() != self.confirm.text():
            show_message(self, self.tr("修改密码"), self.tr("两次输入的新密码不一致"))
            return
        try:
            self.services.set_password(self.services.actor.username, self.new.text())
        except DomainError as e:
            show_domain_error(self, e, self.tr("修改密码"))
            return
        for w in (self.current, self.new, self.confirm):
            w.clear()
        show_message(self, self.tr("修改密码"), self.tr("密码已修改"), warning=False)

    def _language_changed(self) -> None:
        self.state.language = self.language.currentData()
        self.state.sync()
        self.language_note.setText(self.tr("重新启动综治桌面后生效"))


class NewUserDialog(QDialog):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("新增用户"))
        self.username = QLineEdit()
        self.username.setObjectName("new_user_username")
        self.display_name = QLineEdit()
        self.display_name.setObjectName("new_user_display")
        self.role = QComboBox()
        self.role.setObjectName("new_user_role")
        for role in Role:
            self.role.addItem(ROLE_LABELS[role], role.value)
        self.password = QLineEdit()
        self.password.setObjectName("new_user_password")
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        form = QFormLayout(self)
        form.addRow(self.tr("用户名"), self.username)
        form.addRow(self.tr("姓名"), self.display_name)
        form.addRow(self.tr("角色"), self.role)
        form.addRow(self.tr("初始密码（至少8位）"), self.password)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)


class UsersTab(QWidget):
    def __init__(self, services: Services) -> None:
        super().__init__()
        self.services = services
        self.setObjectName("settings_users")
        self.table = _table("users_table", [self.tr("用户名"), self.tr("姓名"), self.tr("角色"), self.tr("状态")])
        add = QPushButton(self.tr("新增用户"))
        add.setObjectName("users_add")
        reset = QPushButton(self.tr("重置密码"))
        reset.setObjectName("users_reset")
        toggle = QPushButton(self.tr("停用/启用"))
        toggle.setObjectName("users_toggle")
        unlock = QPushButton(self.tr("解锁"))
        unlock.setObjectName("users_unlock")
        unlock.setToolTip(self.tr("连续输错密码5次后须等待才能再登录；解锁即清除等待"))
        add.clicked.connect(self.add_user)
        reset.clicked.connect(self.reset_password)
        toggle.clicked.connect(self.toggle_active)
        unlock.clicked.connect(self.unlock_user)
        buttons = QHBoxLayout()
        for b in (add, reset, toggle, unlock):
            buttons.addWidget(b)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addLayout(buttons)
        layout.addWidget(self.table)
        self.reload()

    def _state(self, username: str, active: bool) -> str:
        if not active:
            return self.tr("停用")
        failures, wait = throttle_status(self.services, username)
        if wait:
            return self.tr("锁定（输错{n}次，还需等待{s}秒）").format(n=failures, s=wait)
        if failures:
            return self.tr("启用（输错{n}次）").format(n=failures)
        return self.tr("启用")

    def reload(self) -> None:
        users = self.services.list_users()
        _fill(self.table, [[u.username, u.display_name, ROLE_LABELS.get(Role(u.role), u.role),
                            self._state(u.username, u.active)] for u in users],
              [u.username for u in users])

    def unlock_user(self) -> None:
        user = _selected_key(self.table)
        if not user:
            return
        try:
            done = self.services.unlock_user(user)
        except DomainError as e:
            show_domain_error(self, e, self.tr("解锁"))
            return
        show_message(self, self.tr("解锁"), self.tr("已解锁用户 {user}").format(user=user) if done
                     else self.tr("用户 {user} 没有被锁定").format(user=user), warning=False)
        self.reload()

    def create(self, username: str, display_name: str, role: str, password: str) -> bool:
        try:
            self.services.create_user(username, display_name, role, password)
        except DomainError as e:
            show_domain_error(self, e, self.tr("新增用户"))
            return False
        self.reload()
        return True

    def add_user(self) -> None:
        dlg = NewUserDialog(self)
        while dlg.exec() == QDialog.DialogCode.Accepted:
            if self.create(dlg.username.text().strip(), dlg.display_name.text().strip(), dlg.role.currentData(),
                           dlg.password.text()):
                return

    def reset_password(self) -> None:
        from PySide6.QtWidgets import QInputDialog

        user = _selected_key(self.table)
        if not user:
            return
        minimum = self.services.get_setting("password_min_length", "8")
        pw, ok = QInputDialog.getText(self, self.tr("重置密码"),
                                      self.tr("用户 {user} 的新密码（至少{n}位）").format(user=user, n=minimum),
                                      QLineEdit.EchoMode.Password)
        if ok:
            try:
                self.services.set_password(user, pw)
            except DomainError as e:
                show_domain_error(self, e, self.tr("重置密码"))
            self.reload()

    def toggle_active(self) -> None:
        user = _selected_key(self.table)
        if not user:
            return
        if user == self.services.actor.username:
            show_message(self, self.tr("停用用户"), self.tr("不能停用当前登录的用户"))
            return
        current = next((u for u in self.services.list_users() if u.username == user), None)
        if current is None:
            return
        try:
            self.services.set_user_active(user, not current.active)
        except DomainError as e:
            show_domain_error(self, e, self.tr("停用用户"))
        else:
            if not current.active and not self.services.can_open_store(user):
                show_message(self, self.tr("启用用户"), self.tr(
                    "已启用用户“{user}”。停用时已删除其打开加密数据库的密钥，请点“重置密码”为其设置新密码后才能登录。"
                ).format(user=user), warning=False)
        self.reload()


class CodesTab(QWidget):
    """Code tables (字典): codes stay, labels can be renamed, entries deactivated."""

    changed = Signal()

    def __init__(self, services: Services) -> None:
        super().__init__()
        self.services = services
        self.setObjectName("settings_codes")
        self.table_choice = QComboBox()
        self.table_choice.setObjectName("codes_table_choice")
        for name, table in services.codes.tables.items():
            self.table_choice.addItem(table.label, name)
        self.table = _table("codes_table", [self.tr("代码"), self.tr("名称"), self.tr("状态")])
        self.code = QLineEdit()
        self.code.setObjectName("codes_code")
        self.code.setPlaceholderText(self.tr("代码（小写字母、数字、下划线）"))
        self.code.setMinimumWidth(self.fontMetrics().horizontalAdvance(self.code.placeholderText()) + 24)
        self.label = QLineEdit()
        self.label.setObjectName("codes_label")
        self.label.setPlaceholderText(self.tr("名称"))
        save = QPushButton(self.tr("新增或改名"))
        save.setObjectName("codes_save")
        toggle = QPushButton(self.tr("停用/启用"))
        toggle.setObjectName("codes_toggle")
        save.clicked.connect(self.save)
        toggle.clicked.connect(self.toggle)
        self.table.itemSelectionChanged.connect(self._selected)
        self.table_choice.currentIndexChanged.connect(self.reload)
        edit = QHBoxLayout()
        edit.addWidget(self.code)
        edit.addWidget(self.label, 1)
        edit.addWidget(save)
        edit.addWidget(toggle)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table_choice)
        layout.addWidget(self.table)
        layout.addLayout(edit)
        note = QLabel(self.tr("代码一经使用不可修改；改名只改变显示名称，已登记的记录自动显示新名称。"))
        note.setWordWrap(True)
        note.setStyleSheet("color: #5a6270;")
        layout.addWidget(note)
        self.reload()

    def reload(self) -> None:
        table = self.services.codes[self.table_choice.currentData()]
        items = list(table.items.items())
        _fill(self.table, [[c, lbl, self.tr("停用") if c in table.inactive else self.tr("启用")] for c, lbl in items],
              [c for c, _l in items])

    def _selected(self) -> None:
        code = _selected_key(self.table)
        if code:
            self.code.setText(code)
            self.label.setText(self.services.codes[self.table_choice.currentData()].label_of(code))

    def save(self) -> None:
        name = self.table_choice.currentData()
        code = self.code.text().strip()
        active = code not in self.services.codes[name].inactive
        try:
            self.services.set_code(name, code, self.label.text(), active=active)
        except DomainError as e:
            show_domain_error(self, e, self.tr("字典"))
            return
        self.reload()
        self.changed.emit()

    def toggle(self) -> None:
        name = self.table_choice.currentData()
        code = _selected_key(self.table)
        if not code:
            return
        table = self.services.codes[name]
        try:
            self.services.set_code(name, code, table.label_of(code), active=code in table.inactive)
        except DomainError as e:
            show_domain_error(self, e, self.tr("字典"))
            return
        self.reload()
        self.changed.emit()


class RulesTab(QWidget):
    """Deadline counting rule and idle lock minutes."""

    changed = Signal()

    def __init__(self, services: Services, runner: Any = None) -> None:
        super().__init__()
        self.services = services
        self.runner = runner  # the window's operation runner: recomputing deadlines can take seconds
        self.setObjectName("settings_rules")
        rule_box = QGroupBox(self.tr("期限计算规则"))
        self.rule = QComboBox()
        self.rule.setObjectName("rules_deadline")
        for value in DeadlineRule:
            self.rule.addItem(self.tr(_rule_label(value.value)), value.value)
        current = services.get_setting("deadline_rule", DeadlineRule.CALENDAR.value)
        self.rule.setCurrentIndex(max(0, self.rule.findData(current)))
        save_rule = QPushButton(self.tr("保存"))
        save_rule.setObjectName("rules_save_deadline")
        save_rule.clicked.connect(self.save_rule)
        rl = QFormLayout(rule_box)
        rl.addRow(self.tr("规则"), self.rule)
        note = QLabel(self.tr("信访工作条例规定的期限按日计算（不含起算当日）。部分省份规定期限末日为法定节假日的顺延，"
                              "少数按工作日计算。修改只影响此后计算的期限。"))
        note.setWordWrap(True)
        note.setStyleSheet("color: #5a6270;")
        rl.addRow(note)
        rl.addRow("", save_rule)
        lock_box = QGroupBox(self.tr("空闲锁定"))
        self.minutes = QSpinBox()
        self.minutes.setObjectName("rules_idle_minutes")
        self.minutes.setRange(0, 240)
        self.minutes.setSuffix(self.tr(" 分钟"))
        self.minutes.setSpecialValueText(self.tr("不锁定"))
        self.minutes.setValue(int(services.get_setting("idle_lock_minutes", "15") or 15))
        save_lock = QPushButton(self.tr("保存"))
        save_lock.setObjectName("rules_save_idle")
        save_lock.clicked.connect(self.save_idle)
        ll = QFormLayout(lock_box)
        ll.addRow(self.tr("无操作多久后锁定"), self.minutes)
        ll.addRow("", save_lock)
        password_box = self._password_box()
        windows_box = self._windows_box()
        from ..kinds import parts

        registered = [self._kind_rules_box(part) for part in parts("ui")]  # the kinds' own rules
        for box in (rule_box, windows_box, lock_box, password_box, *registered):
            box.setMaximumWidth(640)
        # The boxes scroll: with the kinds' own rules they grow past a 768-pixel screen.
        body = QWidget()
        layout = QVBoxLayout(body)
        scroll = QScrollArea(self)
        scroll.setObjectName("settings_rules_scroll")
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        scroll.setWidget(body)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(scroll)
        layout.addWidget(rule_box)
        layout.addWidget(windows_box)
        layout.addWidget(lock_box)
        layout.addWidget(password_box)
        for box in registered:
            layout.addWidget(box)
        layout.addStretch(1)

    def _password_box(self) -> QGroupBox:
        box = QGroupBox(self.tr("密码规则"))
        low, high, default = INT_SETTINGS["password_min_length"]
        self.min_length = QSpinBox()
        self.min_length.setObjectName("rules_password_min_length")
        self.min_length.setRange(low, high)
        self.min_length.setSuffix(self.tr(" 位"))
        self.min_length.setValue(int(self.services.get_setting("password_min_length", str(default)) or default))
        low, high, default = INT_SETTINGS["password_classes"]
        self.classes = QSpinBox()
        self.classes.setObjectName("rules_password_classes")
        self.classes.setRange(low, high)
        self.classes.setSuffix(self.tr(" 种"))
        self.classes.setValue(int(self.services.get_setting("password_classes", str(default)) or default))
        save = QPushButton(self.tr("保存"))
        save.setObjectName("rules_save_password")
        save.clicked.connect(self.save_password_policy)
        form = QFormLayout(box)
        form.addRow(self.tr("最短长度"), self.min_length)
        form.addRow(self.tr("至少包含的字符种类"), self.classes)
        note = QLabel(self.tr("字符种类：小写字母、大写字母、数字、其他（符号、汉字）。新规则在设置或修改密码时检查；"
                              "连续输错密码5次后，须等待30秒才能再试，此后每错一次等待加倍（最长1小时）。"))
        note.setWordWrap(True)
        note.setStyleSheet("color: #5a6270;")
        form.addRow(note)
        form.addRow("", save)
        return box

    def _windows_box(self) -> QGroupBox:
        """纠纷各阶段期限: the dispute windows (settings dispute_*_days, domain/deadlines.py)."""
        box = QGroupBox(self.tr("矛盾纠纷各阶段期限"))
        form = QFormLayout(box)
        labels = {"dispute_accept_days": self.tr("排查登记后受理"),
                  "dispute_start_days": self.tr("受理后开始调解"),
                  "dispute_after_failure_days": self.tr("调解不成后移交/诉讼/终止")}
        self.windows: dict[str, QSpinBox] = {}
        for key, label in labels.items():
            low, high, default = INT_SETTINGS[key]
            spin = QSpinBox()
            spin.setObjectName(f"rules_{key}")
            spin.setRange(low, high)
            spin.setSuffix(self.tr(" 天内"))
            spin.setValue(int(self.services.get_setting(key, str(default)) or default))
            form.addRow(label, spin)
            self.windows[key] = spin
        note = QLabel(self.tr("调解中的纠纷：调解开始后30日提示（司法部规定调解一般在一个月内结束）。"
                              "修改后，尚在这些阶段的纠纷按新期限重新计算。"))
        note.setWordWrap(True)
        note.setStyleSheet("color: #5a6270;")
        form.addRow(note)
        save = QPushButton(self.tr("保存"))
        save.setObjectName("rules_save_windows")
        save.clicked.connect(lambda: self.save_windows())
        form.addRow("", save)
        return box

    def _kind_rules_box(self, part: Any) -> QGroupBox:
        """A kind's own per-category settings (a kind's `ui` part: title, code table, setting prefix),
        one field per code, saved off the GUI thread (its open records' deadlines are recomputed)."""
        name = part.NAME
        box = QGroupBox(self.tr(part.SETTINGS_TITLE))
        box.setObjectName(f"rules_{name}")
        form = QFormLayout(box)
        edits: dict[str, QLineEdit] = {}
        prefix = part.SETTINGS_PREFIX
        for code, label in self.services.codes[part.SETTINGS_CODE_TABLE].items.items():
            edit = QLineEdit(part.settings_value(code, self.services.policy))
            edit.setObjectName(f"{prefix.rstrip('.')}_{code}")
            edit.setMaximumWidth(120)
            form.addRow(label, edit)
            edits[code] = edit
        note = QLabel(self.tr(part.SETTINGS_NOTE))
        note.setWordWrap(True)
        note.setStyleSheet("color: #5a6270;")
        form.addRow(note)
        save = QPushButton(self.tr("保存"))
        save.setObjectName(f"rules_save_{name}")

        def save_all() -> None:
            policy = self.services.policy
            changes = {code: e.text().strip() for code, e in edits.items()
                       if part.settings_changed(code, e.text().strip(), policy)}

            def work() -> None:
                for code, text in changes.items():
                    self.services.set_setting(prefix + code, text)

            self._in_background(self.tr(part.SETTINGS_TITLE), work, self.changed.emit)

        save.clicked.connect(lambda: save_all())
        form.addRow("", save)
        return box

    def _in_background(self, title: str, work: Callable[[], None], done: Callable[[], None]) -> None:
        """Run a setting change that recomputes deadlines off the GUI thread (through the window's
        runner; directly when the tab has none, e.g. on its own in a test)."""
        def failed(e: BaseException) -> None:
            if isinstance(e, DomainError):
                show_domain_error(self, e, title)

        if self.runner is None:
            try:
                work()
            except DomainError as e:
                failed(e)
                return
            done()
            return
        self.runner.run(title, lambda _p: work(), on_done=lambda _r: done(), on_error=failed)

    def save_windows(self) -> None:
        title = self.tr("矛盾纠纷各阶段期限")
        changes = {key: str(spin.value()) for key, spin in self.windows.items()
                   if str(spin.value()) != (self.services.get_setting(key) or str(INT_SETTINGS[key][2]))}

        def work() -> None:
            for key, value in changes.items():
                self.services.set_setting(key, value)

        def done() -> None:
            self.changed.emit()
            show_message(self, title, self.tr("已保存；在办纠纷的期限已重新计算"), warning=False)

        self._in_background(title, work, done)

    def save_password_policy(self) -> None:
        try:
            self.services.set_setting("password_min_length", str(self.min_length.value()))
            self.services.set_setting("password_classes", str(self.classes.value()))
        except DomainError as e:
            show_domain_error(self, e, self.tr("密码规则"))
            return
        show_message(self, self.tr("密码规则"), self.tr("已保存密码规则"), warning=False)

    def save_rule(self) -> None:
        rule = self.rule.currentData()
        self._in_background(self.tr("期限计算规则"), lambda: self.services.set_setting("deadline_rule", rule),
                            self.changed.emit)

    def save_idle(self) -> None:
        try:
            self.services.set_setting("idle_lock_minutes", str(self.minutes.value()))
        except DomainError as e:
            show_domain_error(self, e, self.tr("空闲锁定"))
            return
        self.changed.emit()


_RULE_LABELS = {
    "calendar": QT_TRANSLATE_NOOP("RulesTab", "自然日"),
    "calendar_shift": QT_TRANSLATE_NOOP("RulesTab", "自然日（末日遇节假日顺延）"),
    "working": QT_TRANSLATE_NOOP("RulesTab", "工作日"),
}


def _rule_label(value: str) -> str:
    return _RULE_LABELS.get(value, value)


class HolidaysTab(QWidget):
    changed = Signal()

    def __init__(self, services: Services) -> None:
        super().__init__()
        self.services = services
        self.setObjectName("settings_holidays")
        self.table = _table("holidays_table", [self.tr("日期"), self.tr("名称"), self.tr("类型")])
        self.day = QDateEdit()
        self.day.setObjectName("holiday_day")
        self.day.setCalendarPopup(True)
        self.day.setDisplayFormat("yyyy-MM-dd")
        t = services.today()
        self.day.setDate(QDate(t.year, t.month, t.day))
        self.name = QLineEdit()
        self.name.setObjectName("holiday_name")
        self.name.setPlaceholderText(self.tr("如 国庆节"))
        self.workday = QCheckBox(self.tr("调休上班日"))
        self.workday.setObjectName("holiday_workday")
        add = QPushButton(self.tr("添加/修改"))
        add.setObjectName("holiday_add")
        remove = QPushButton(self.tr("删除所选"))
        remove.setObjectName("holiday_remove")
        add.clicked.connect(self.add)
        remove.clicked.connect(self.remove)
        edit = QHBoxLayout()
        for w in (self.day, self.name, self.workday, add, remove):
            edit.addWidget(w)
        layout = QVBoxLayout(self)
        note = QLabel(self.tr("国务院每年公布法定节假日和调休安排；按“顺延”或“工作日”规则计算期限时使用。"))
        note.setWordWrap(True)
        note.setStyleSheet("color: #5a6270;")
        layout.addWidget(note)
        layout.addWidget(self.table)
        layout.addLayout(edit)
        self.reload()

    def reload(self) -> None:
        with self.services.session() as s:
            rows = list(s.execute(select(m.Holiday).order_by(m.Holiday.day)).scalars())
        _fill(self.table, [[h.day.isoformat(), h.name, self.tr("调休上班") if h.is_workday else self.tr("放假")]
                           for h in rows], [h.day for h in rows])

    def add(self) -> None:
        d = self.day.date()
        try:
            self.services.set_holiday(date(d.year(), d.month(), d.day()), is_workday=self.workday.isChecked(),
                                      name=self.name.text().strip())
        except DomainError as e:
            show_domain_error(self, e, self.tr("节假日"))
            return
        self.reload()
        self.changed.emit()

    def remove(self) -> None:
        day = _selected_key(self.table)
        if day is None:
            return
        try:
            self.services.set_holiday(day, remove=True)
        except DomainError as e:
            show_domain_error(self, e, self.tr("节假日"))
            return
        self.reload()
        self.changed.emit()


class ReferenceDialog(QDialog):
    """A small generic form for one reference record (village, department, leader…)."""

    def __init__(self, services: Services, kind: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.services = services
        self.kind = kind
        spec = KINDS[kind]
        self.setWindowTitle(self.tr("新增{label}").format(label=spec.label))
        self.inputs: dict[str, QWidget] = {}
        form = QFormLayout(self)
        for fs in spec.fields:
            w: QWidget
            if fs.type == "code" and fs.code_table:
                combo = QComboBox()
                for code, label in services.codes[fs.code_table].active_items():
                    combo.addItem(label, code)
                w = combo
            elif fs.type == "ref" and fs.ref:
                combo = QComboBox()
                combo.addItem("", None)
                for rid, name in reference_rows(services, fs.ref):
                    combo.addItem(name, rid)
                w = combo
            else:
                w = QLineEdit()
            w.setObjectName(f"ref_{fs.name}")
            self.inputs[fs.name] = w
            form.addRow(fs.label + (" *" if fs.required else ""), w)
        self.error = QLabel("")
        self.error.setStyleSheet("color: #b00020;")
        self.error.setWordWrap(True)
        form.addRow(self.error)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)

    def values(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for name, w in self.inputs.items():
            value = w.currentData() if isinstance(w, QComboBox) else w.text().strip()  # type: ignore[attr-defined]
            if value not in (None, ""):
                out[name] = value
        return out

    def save(self) -> None:
        try:
            self.services.create(self.kind, self.values())
        except DomainError as e:
            self.error.setText(e.message)
            return
        self.accept()


def reference_rows(services: Services, kind: str) -> list[tuple[str, str]]:
    spec = KINDS[kind]
    model: Any = spec.model
    title = getattr(model, spec.title_field)
    with services.session() as s:
        rows = s.execute(select(model.id, title).where(model.voided.is_(False)).order_by(title)).all()
    return [(r[0], str(r[1])) for r in rows]


class ReferenceTab(QWidget):
    """基础数据: villages, grids, grid workers, departments, leaders, committees, mediators."""

    changed = Signal()

    def __init__(self, services: Services) -> None:
        super().__init__()
        self.services = services
        self.setObjectName("settings_reference")
        self.kind = QComboBox()
        self.kind.setObjectName("reference_kind")
        for k in REFERENCE_KINDS:
            if has_perm(services.actor.role, KINDS[k].perm):
                self.kind.addItem(KINDS[k].label, k)
        self.kind.currentIndexChanged.connect(self.reload)
        self.table = _table("reference_table", [])
        add = QPushButton(self.tr("新增"))
        add.setObjectName("reference_add")
        void = QPushButton(self.tr("作废所选"))
        void.setObjectName("reference_void")
        add.clicked.connect(self.add)
        void.clicked.connect(self.void)
        top = QHBoxLayout()
        top.addWidget(self.kind)
        top.addStretch(1)
        top.addWidget(add)
        top.addWidget(void)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.table)
        self.reload()

    def reload(self) -> None:
        kind = self.kind.currentData()
        spec = KINDS[kind]
        model: Any = spec.model
        with self.services.session() as s:
            recs = list(s.execute(select(model).where(model.voided.is_(False))
                                  .order_by(getattr(model, spec.title_field))).scalars())
        names = {f.name: f for f in spec.fields}
        self.table.setColumnCount(len(names))
        self.table.setHorizontalHeaderLabels([f.label for f in spec.fields])
        refs: dict[str, dict[str, str]] = {}
        for f in spec.fields:
            if f.type == "ref" and f.ref:
                refs[f.name] = dict(reference_rows(self.services, f.ref))
        rows = []
        for rec in recs:
            row = []
            for f in spec.fields:
                v = getattr(rec, f.name)
                if f.type == "code" and f.code_table and v:
                    v = self.services.codes[f.code_table].label_of(v)
                elif f.type == "ref" and v:
                    v = refs[f.name].get(v, v)
                row.append("" if v is None else str(v))
            rows.append(row)
        _fill(self.table, rows, [r.id for r in recs])

    def add(self) -> None:
        dlg = ReferenceDialog(self.services, self.kind.currentData(), self)
        if dlg.exec() == QDialog.DialogCode.Accepted:
            self.reload()
            self.changed.emit()

    def void(self) -> None:
        from PySide6.QtWidgets import QInputDialog

        rid = _selected_key(self.table)
        if not rid:
            return
        reason, ok = QInputDialog.getText(self, self.tr("作废"), self.tr("作废原因"))
        if not ok:
            return
        try:
            self.services.void(self.kind.currentData(), rid, reason)
        except DomainError as e:
            show_domain_error(self, e, self.tr("作废"))
            return
        self.reload()
        self.changed.emit()


class SettingsPage(QTabWidget):
    """Everyone: 我的账户. Administrators: the rest."""

    settings_changed = Signal()

    def __init__(self, services: Services, state: UiState, parent: QWidget | None = None, *,
                 runner: Any = None) -> None:
        super().__init__(parent)
        self.setObjectName("settings_page")
        self.account = AccountTab(services, state)
        self.addTab(self.account, self.tr("我的账户"))
        self.admin = has_perm(services.actor.role, Perm.ADMIN)
        if self.admin:
            self.users = UsersTab(services)
            self.codes = CodesTab(services)
            self.rules = RulesTab(services, runner)
            self.holidays = HolidaysTab(services)
            self.reference = ReferenceTab(services)
            self.addTab(self.users, self.tr("用户"))
            self.addTab(self.codes, self.tr("字典"))
            self.addTab(self.rules, self.tr("期限与锁定"))
            self.addTab(self.holidays, self.tr("节假日"))
            self.addTab(self.reference, self.tr("基础数据"))
            for tab in (self.codes, self.rules, self.holidays, self.reference):
                tab.changed.connect(self.settings_changed)
        elif has_perm(services.actor.role, Perm.ENTER):
            # Clerks and reviewers maintain departments and leaders (交办 and 包案 pick them).
            self.reference = ReferenceTab(services)
            self.addTab(self.reference, self.tr("基础数据"))
            self.reference.changed.connect(self.settings_changed)
