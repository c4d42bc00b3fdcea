"""设置: users, code tables, deadline rule, holidays, idle lock, reference data, my password."""

from __future__ import annotations

import pytest
from conftest import type_text
from PySide6.QtCore import QDate, Qt

from zongzhi_desktop.services import Services
from zongzhi_desktop.services.admin import authenticate


def q(svc: Services, query: str, *args: object) -> list[tuple]:  # type: ignore[type-arg]
    with svc.store.session() as s:
        return [tuple(r) for r in s.connection().exec_driver_sql(query, args).fetchall()]


def test_admin_manages_users_codes_rules_holidays(qtbot, admin: Services, make_window) -> None:  # type: ignore[no-untyped-def]
    w = make_window(admin)
    page = w.navigate("settings")
    # Users
    assert page.users.table.rowCount() == 3
    assert not page.users.create("clerk", "重名", "clerk", "password-1")  # refused: name taken
    assert page.users.create("zhang", "张会计", "reviewer", "zhang-pass-1")
    assert q(admin, "SELECT display_name, role, active FROM app_user WHERE username='zhang'") == [("张会计", "reviewer", 1)]
    page.users.table.selectRow([page.users.table.item(r, 0).text() for r in range(4)].index("zhang"))
    page.users.toggle_active()
    assert q(admin, "SELECT active FROM app_user WHERE username='zhang'") == [(0,)]
    # Code tables: rename a label (the code stays)
    codes = page.codes
    codes.table_choice.setCurrentIndex(codes.table_choice.findData("dispute_type"))
    row = [codes.table.item(r, 0).text() for r in range(codes.table.rowCount())].index("neighbour")
    codes.table.selectRow(row)
    assert codes.code.text() == "neighbour" and codes.label.text() == "邻里"
    codes.label.clear()
    type_text(codes.label, "邻里纠纷")
    with qtbot.waitSignal(page.settings_changed, timeout=5_000):
        codes.save()
    assert q(admin, "SELECT label FROM code_item WHERE table_name='dispute_type' AND code='neighbour'") == [("邻里纠纷",)]
    # Deadline rule and idle lock
    rules = page.rules
    rules.rule.setCurrentIndex(rules.rule.findData("working"))
    with qtbot.waitSignal(page.settings_changed, timeout=10_000):  # recomputed on the window's runner
        rules.save_rule()
    rules.minutes.setValue(5)
    rules.save_idle()
    settings = dict(q(admin, "SELECT key, value FROM setting"))
    assert settings["deadline_rule"] == "working" and settings["idle_lock_minutes"] == "5"
    # Holidays
    hol = page.holidays
    hol.day.setDate(QDate(2026, 10, 1))
    type_text(hol.name, "国庆节")
    hol.add()
    hol.day.setDate(QDate(2026, 9, 27))
    hol.name.clear()
    hol.workday.setChecked(True)
    hol.add()
    assert q(admin, "SELECT day, is_workday, name FROM holiday ORDER BY day") == [
        ("2026-09-27", 1, ""), ("2026-10-01", 0, "国庆节")]
    hol.table.selectRow(0)
    hol.remove()
    assert q(admin, "SELECT day FROM holiday") == [("2026-10-01",)]
    # Every change is audited.
    actions = {r[0] for r in q(admin, "SELECT action FROM audit_log")}
    assert {"create", "set_active", "set_code", "set_setting", "set_holiday"} <= actions


def test_reference_data_dialog_creates_a_department(qtbot, clerk: Services, make_window) -> None:  # type: ignore[no-untyped-def]
    from zongzhi_desktop.ui.settings_page import ReferenceDialog

    page = make_window(clerk).navigate("settings")
    ref = page.reference
    kinds = [ref.kind.itemData(i) for i in range(ref.kind.count())]
    assert kinds == ["department", "leader", "committee", "mediator"]  # villages and grids: administrators
    ref.kind.setCurrentIndex(kinds.index("department"))
    dlg = ReferenceDialog(clerk, "department", page)
    qtbot.addWidget(dlg)
    dlg.save()
    assert "部门名称" in dlg.error.text() and "必填" in dlg.error.text()
    type_text(dlg.inputs["name"], "城关派出所")
    kind_box = dlg.inputs["kind"]
    kind_box.setCurrentIndex(kind_box.findData("police"))
    qtbot.keyClicks(dlg.inputs["phone"], "0570-7012345")
    dlg.save()
    assert dlg.result() == dlg.DialogCode.Accepted
    assert q(clerk, "SELECT name, kind, phone FROM department") == [("城关派出所", "police", "0570-7012345")]
    ref.reload()
    assert ref.table.item(0, 1).text() == "派出所"


def test_change_my_password(qtbot, clerk: Services, make_window) -> None:  # type: ignore[no-untyped-def]
    from PySide6.QtWidgets import QApplication, QMessageBox, QPushButton

    page = make_window(clerk).navigate("settings")
    acc = page.account
    qtbot.keyClicks(acc.current, "clerk-pass-1")
    qtbot.keyClicks(acc.new, "new-clerk-pass")
    qtbot.keyClicks(acc.confirm, "new-clerk-pass")

    button = page.findChild(QPushButton, "account_change_password")
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    texts = [w.text() for w in QApplication.topLevelWidgets() if isinstance(w, QMessageBox) and w.isVisible()]
    assert "密码已修改" in texts
    assert authenticate(clerk, "clerk", "new-clerk-pass").username == "clerk"
    assert q(clerk, "SELECT count(*) FROM audit_log WHERE action='set_password'") == [(1,)]


def test_language_choice_is_remembered(admin: Services, make_window, ui_state) -> None:  # type: ignore[no-untyped-def]
    page = make_window(admin).navigate("settings")
    page.account.language.setCurrentIndex(page.account.language.findData("en"))
    assert ui_state.language == "en"
    assert page.account.language_note.text() == "重新启动综治桌面后生效"


def test_sign_in_back_off_shown_and_unlocked_by_admin(qtbot, encrypted_admin: Services, make_window) -> None:  # type: ignore[no-untyped-def]
    """Five wrong passwords typed in the sign-in box, then the right one is refused with the wait; the
    administrator clicks 解锁 in 设置 → 用户 and the clerk signs in (an encrypted store: the failures are
    counted in the gate file before the store opens, and carried into the audit trail)."""
    admin = encrypted_admin
    from PySide6.QtWidgets import QPushButton

    from zongzhi_desktop.ui.login import LoginDialog

    dlg = LoginDialog.for_services(admin)
    qtbot.addWidget(dlg)
    dlg.show()
    type_text(dlg.username, "clerk")
    for _ in range(5):
        dlg.password.clear()
        type_text(dlg.password, "wrong-pass")
        with qtbot.waitSignal(dlg.attempt_finished, timeout=10_000):
            qtbot.mouseClick(dlg.login_button, Qt.MouseButton.LeftButton)
        assert dlg.error.text() == "用户名或密码错误"
    dlg.password.clear()
    type_text(dlg.password, "clerk-pass-1")
    with qtbot.waitSignal(dlg.attempt_finished, timeout=10_000):
        qtbot.mouseClick(dlg.login_button, Qt.MouseButton.LeftButton)
    assert "后再试" in dlg.error.text() and dlg.actor is None

    page = make_window(admin).navigate("settings")
    users = page.users
    users.reload()
    row = [users.table.item(r, 0).text() for r in range(users.table.rowCount())].index("clerk")
    assert users.table.item(row, 3).text().startswith("锁定（输错5次")
    users.table.selectRow(row)
    qtbot.mouseClick(users.findChild(QPushButton, "users_unlock"), Qt.MouseButton.LeftButton)
    assert users.table.item(row, 3).text() == "启用"
    assert ("signin_unlock",) in q(admin, "SELECT action FROM audit_log")

    with qtbot.waitSignal(dlg.attempt_finished, timeout=10_000):
        qtbot.mouseClick(dlg.login_button, Qt.MouseButton.LeftButton)
    assert dlg.actor is not None and dlg.actor.username == "clerk"
    dlg.unlocked.store.close()

    # Password rules: a stricter policy saved with the real button, then enforced.
    rules = page.rules
    rules.min_length.setValue(12)
    rules.classes.setValue(3)
    qtbot.mouseClick(rules.findChild(QPushButton, "rules_save_password"), Qt.MouseButton.LeftButton)
    settings = dict(q(admin, "SELECT key, value FROM setting"))
    assert settings["password_min_length"] == "12" and settings["password_classes"] == "3"
    assert not users.create("wang", "王", "clerk", "wang-pass-1")  # 11 characters, 2 kinds
    assert users.create("wang", "王", "clerk", "Wang-Pass-2026")


def test_disabling_a_user_removes_their_key_and_enabling_asks_for_a_new_password(
        qtbot, encrypted_admin: Services, make_window) -> None:  # type: ignore[no-untyped-def]
    """On an encrypted store 停用 removes the account's key slot (its password no longer opens the store);
    启用 says a new password is needed, and 重置密码 gives the slot back."""
    from PySide6.QtWidgets import QMessageBox, QPushButton

    from zongzhi_desktop.domain.errors import AuthenticationFailed
    from zongzhi_desktop.services.unlock import sign_in

    admin = encrypted_admin
    path = admin.store.path
    users = make_window(admin).navigate("settings").users
    row = [users.table.item(r, 0).text() for r in range(users.table.rowCount())].index("clerk")
    users.table.selectRow(row)
    toggle = users.findChild(QPushButton, "users_toggle")
    qtbot.mouseClick(toggle, Qt.MouseButton.LeftButton)
    with pytest.raises(AuthenticationFailed):
        sign_in(path, "clerk", "clerk-pass-1")
    users.table.selectRow(row)
    qtbot.mouseClick(toggle, Qt.MouseButton.LeftButton)
    boxes = [b for b in users.findChildren(QMessageBox) if "重置密码" in b.text()]
    assert boxes and "clerk" in boxes[-1].text()
    assert not admin.can_open_store("clerk")
    admin.set_password("clerk", "clerk-pass-2")  # what 重置密码 calls (its dialog is covered elsewhere)
    assert admin.can_open_store("clerk")
    opened = sign_in(path, "clerk", "clerk-pass-2")
    opened.store.close()


def test_dispute_stage_windows_saved_from_the_rules_tab(qtbot, admin: Services, make_window) -> None:  # type: ignore[no-untyped-def]
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QApplication, QMessageBox, QPushButton

    rid = admin.create("dispute", {"title": "邻里纠纷", "found_date": "2026-11-18", "source": "proactive",
                                   "type": "neighbour"}).record.id
    assert str(admin.get("dispute", rid).next_deadline) == "2026-11-25"  # default: 7 days
    w = make_window(admin)
    page = w.navigate("settings")
    page.setCurrentWidget(page.rules)
    spin = page.rules.windows["dispute_accept_days"]
    assert spin.isVisible() and spin.value() == 7
    assert page.rules.windows["dispute_start_days"].value() == 30
    assert page.rules.windows["dispute_after_failure_days"].value() == 15
    spin.selectAll()
    qtbot.keyClicks(spin, "3")
    assert spin.value() == 3
    with qtbot.waitSignal(page.settings_changed, timeout=5_000):
        qtbot.mouseClick(page.rules.findChild(QPushButton, "rules_save_windows"), Qt.MouseButton.LeftButton)
    assert q(admin, "SELECT value FROM setting WHERE key='dispute_accept_days'") == [("3",)]
    assert q(admin, "SELECT next_deadline FROM dispute WHERE id=?", rid) == [("2026-11-21",)]
    assert q(admin, "SELECT count(*) FROM audit_log WHERE action='refresh_deadline'") == [(1,)]
    for box in QApplication.topLevelWidgets():
        if isinstance(box, QMessageBox) and box.isVisible():
            assert "重新计算" in box.text()
