"""重点人员 in the window, driven with the mouse and the keyboard: the navigation entry only for users
granted the register, a new person through the form (Ctrl+N), a visit from the detail, release by a
leader; the pages grabbed at 1366×768."""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from forms_helpers import choose, fill, pick_ref, seed_reference, when_modal
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QLabel

from zongzhi_desktop.services import Actor, Services
from zongzhi_desktop.ui.detail import RecordDetailDialog, StepDialog
from zongzhi_desktop.ui.forms import RecordFormDialog

KIND = "keyperson"


@pytest.fixture
def ref(admin: Services) -> dict[str, str]:
    ids = seed_reference(admin)
    ids["worker"] = admin.create("grid_worker", {"grid_id": ids["grid"], "name": "李网格"}).record.id
    return ids


def _as(svc: Services, username: str, role: str) -> Services:
    return Services(svc.store, Actor(username, role, username), today=svc._today)


def _nav_keys(w: Any) -> list[str]:
    return [w.nav.item(i).data(Qt.ItemDataRole.UserRole) for i in range(w.nav.count())]


def _click_nav(qtbot: Any, w: Any, key: str) -> None:
    row = _nav_keys(w).index(key)
    rect = w.nav.visualItemRect(w.nav.item(row))
    qtbot.mouseClick(w.nav.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert w.current_key() == key


def _grab(widget: Any, name: str) -> None:
    out = os.environ.get("ZONGZHI_SCREENSHOTS")
    if out:
        from PySide6.QtWidgets import QApplication

        QApplication.processEvents()  # laid out and painted as on screen
        Path(out).mkdir(parents=True, exist_ok=True)
        widget.grab().save(str(Path(out) / name))


def test_only_granted_users_see_the_register(qtbot: Any, admin: Services, ref: dict[str, str],
                                             make_window: Any) -> None:
    leader = _as(admin, "leader", "reviewer")
    w = make_window(leader)
    assert KIND not in _nav_keys(w)
    admin.set_grant("clerk", "view_keyperson", True)
    w2 = make_window(_as(admin, "clerk", "clerk"))
    assert KIND in _nav_keys(w2)
    assert w2.nav.item(_nav_keys(w2).index(KIND)).text() == "重点人员"


def test_register_visit_and_release_in_the_window(qtbot: Any, admin: Services, ref: dict[str, str],
                                                  make_window: Any) -> None:
    admin.set_grant("clerk", "view_keyperson", True)
    admin.set_grant("leader", "view_keyperson", True)
    clerk = _as(admin, "clerk", "clerk")
    w = make_window(clerk)
    QTest.qWaitForWindowActive(w)
    _click_nav(qtbot, w, KIND)
    page = w.current_list()
    assert page is not None and page.kind == KIND

    qtbot.keyClick(w, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    [dlg] = [d for d in w.dialogs if isinstance(d, RecordFormDialog)]
    dlg.activateWindow()
    QTest.qWaitForWindowActive(dlg)
    e = dlg.view.editors
    fill(e["name"], "钱七")
    fill(e["id_number"], "11010519491231002X")
    pick_ref(qtbot, e["village_id"], "城东")
    choose(e["category"], "严重精神障碍患者")
    choose(e["risk_level"], "高")
    fill(e["registered_date"], "20261001")
    fill(e["measures"], "监护人看护，社区医生每月随访")
    _grab(dlg, "keyperson_form.png")
    saved: list[str] = []
    dlg.saved.connect(saved.append)
    qtbot.keyClick(dlg.focusWidget(), Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    assert len(saved) == 1, dlg.view.banner.text() if hasattr(dlg.view, "banner") else ""
    rec = clerk.get(KIND, saved[0])
    assert rec.next_deadline == date(2026, 10, 31)  # every 30 days: overdue on 2026-11-20

    petition = clerk.create("petition", {"received_date": "2026-11-18", "form": "来访", "petitioner_name": "钱七",
                                         "id_number": "11010519491231002X", "category": "申诉求决类",
                                         "request": "要求解决低保问题"})
    assert any("重点人员" in warning for warning in petition.warnings)
    detail = w.open_record(KIND, saved[0])
    assert isinstance(detail, RecordDetailDialog)
    extra = detail.findChild(QLabel, "detail_extra")
    assert extra.isVisible() and petition.record.serial in extra.text()
    assert "child_visits" in detail.buttons and detail.buttons["child_visits"].text() == "登记走访记录"
    assert detail.action_names() == []  # release is a leader's step

    def visit(dlg: StepDialog) -> None:
        fill(dlg.view.editors["visit_date"], "20261118")
        fill(dlg.view.editors["visitor"], "李网格")
        fill(dlg.view.editors["situation"], "按时服药，情绪平稳")
        choose(dlg.view.editors["risk_after"], "中")
        qtbot.keyClick(dlg.focusWidget() or dlg, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)

    when_modal(visit, StepDialog)
    qtbot.mouseClick(detail.buttons["child_visits"], Qt.MouseButton.LeftButton)
    rec = clerk.get(KIND, saved[0])
    assert (rec.last_visit_date, rec.risk_level, rec.next_deadline) == (date(2026, 11, 18), "medium", date(2026, 12, 18))
    assert detail.child_tables["visits"].rowCount() == 1
    _grab(detail, "keyperson_detail.png")
    detail.close()
    page.refresh()
    qtbot.waitUntil(lambda: page.model.rowCount() == 1)
    _grab(w, "keyperson_list.png")

    leader = _as(admin, "leader", "reviewer")
    d2 = RecordDetailDialog(leader, KIND, saved[0])
    qtbot.addWidget(d2)
    with qtbot.waitActive(d2):
        d2.show()
    assert d2.action_names() == ["release"]

    def release(dlg: StepDialog) -> None:
        fill(dlg.view.editors["released_date"], "20261119")
        fill(dlg.view.editors["release_reason"], "病情稳定一年以上，经评估解除")
        fill(dlg.view.editors["release_approver"], "王书记")
        qtbot.keyClick(dlg.focusWidget() or dlg, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)

    when_modal(release, StepDialog)
    qtbot.mouseClick(d2.buttons["action_release"], Qt.MouseButton.LeftButton)
    assert clerk.get(KIND, saved[0]).status == "released"
    assert "child_visits" not in d2.buttons
    d2.close()


def test_cadence_set_in_the_settings_page(qtbot: Any, admin: Services, ref: dict[str, str]) -> None:
    from PySide6.QtWidgets import QLineEdit, QPushButton

    from zongzhi_desktop.ui.settings_page import SettingsPage
    from zongzhi_desktop.ui.state import UiState

    admin.set_grant("clerk", "view_keyperson", True)
    clerk = _as(admin, "clerk", "clerk")
    person = clerk.create(KIND, {"name": "孙八", "village_id": ref["village_east"], "category": "独居老人（独）",
                                 "risk_level": "低", "registered_date": "2026-10-02"}).record
    assert person.next_deadline == date(2026, 12, 31)  # every 90 days by default
    page = SettingsPage(admin, UiState(Path(admin.store.path).parent))
    qtbot.addWidget(page)
    page.resize(1366, 768)
    page.show()
    page.setCurrentWidget(page.rules)
    edit = page.rules.findChild(QLineEdit, "cadence_alone")
    assert edit.text() == "90"
    fill(edit, "20/40")
    qtbot.mouseClick(page.rules.findChild(QPushButton, "rules_save_keyperson"), Qt.MouseButton.LeftButton)
    assert admin.get_setting("cadence.alone") == "20/40"
    assert clerk.get(KIND, person.id).next_deadline == date(2026, 10, 22)
    _grab(page, "keyperson_cadence_settings.png")
