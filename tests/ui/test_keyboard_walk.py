"""Keyboard only: a petition from registration to 评价, a dispute with three parties to 调解协议.

Every step is done with key events on the focused widget (Enter between fields, Ctrl+S to save,
Alt+<n> for the n-th workflow step); state is only read to decide where we are and to assert.
The detail dialog itself is opened by the test (opening it from a list is covered elsewhere).
"""

from __future__ import annotations

import os
from typing import Any

import pytest
from forms_helpers import open_form, seed_reference, type_text
from PySide6.QtCore import Qt, QTimer
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QComboBox, QLabel, QPlainTextEdit, QWidget
from sqlalchemy import select

from zongzhi_desktop.domain import models as m
from zongzhi_desktop.services import Services
from zongzhi_desktop.ui.detail import RecordDetailDialog
from zongzhi_desktop.ui.forms.widgets import RefEditor, focus_target

NO = Qt.KeyboardModifier.NoModifier


@pytest.fixture
def ref(admin: Services) -> dict[str, str]:
    return seed_reference(admin)


def focused() -> QWidget:
    """Where the keyboard goes: the focus widget of the open modal dialog, else the application's.

    (Offscreen, a freshly opened modal dialog is not always reported active at once; its own focus
    widget is where a clerk's keys land.)"""
    modal = QApplication.activeModalWidget()
    w = (modal.focusWidget() if modal is not None else None) or QApplication.focusWidget()
    assert w is not None
    return w


def press(qtbot: Any, k: Qt.Key, mods: Qt.KeyboardModifier = NO) -> None:
    qtbot.keyClick(QApplication.activePopupWidget() or focused(), k, mods)


def enter_fields(qtbot: Any, view: Any, values: dict[str, str], stop: QWidget) -> None:
    """Walk the fields with Enter (Tab out of multi-line text) from the focused one to `stop`,
    typing `values` (by field name) into the fields met on the way."""
    names = {focus_target(e): n for n, e in view.editors.items()}
    trail: list[str] = []
    for _ in range(60):
        w = focused()
        trail.append(names.get(w) or w.objectName() or type(w).__name__)
        if w is stop:
            return
        name = names.get(w)
        if name in values:
            if isinstance(w, QComboBox):
                QTest.qWait(QApplication.keyboardInputInterval() + 20)
            type_text(w, values[name])
            if isinstance(w.parentWidget(), RefEditor):  # a searchable reference: take the first hit
                popup = w.parentWidget().completer.popup()
                qtbot.waitUntil(popup.isVisible)
                qtbot.keyClick(popup, Qt.Key.Key_Down)
                qtbot.keyClick(popup, Qt.Key.Key_Return)
                qtbot.waitUntil(lambda p=popup: not p.isVisible())
        press(qtbot, Qt.Key.Key_Tab if isinstance(w, QPlainTextEdit) else Qt.Key.Key_Return)
    raise AssertionError(f"never reached {stop.objectName()}: {trail[:12]}")


def step(qtbot: Any, detail: RecordDetailDialog, n: int, name: str, values: dict[str, str]) -> None:
    """Alt+n opens the n-th step; its fields are filled by keys and saved with Ctrl+S."""
    assert detail.buttons[f"action_{name}"].isEnabled(), name
    assert f"Alt+{n}" in detail.buttons[f"action_{name}"].toolTip()
    done: dict[str, Any] = {"tries": 0}

    def answer() -> None:
        dlg = QApplication.activeModalWidget()
        if dlg is None or dlg.objectName() != f"step_{name}":
            done["tries"] += 1
            if done["tries"] < 250:
                QTimer.singleShot(20, answer)
            return
        done["seen"] = True
        dlg.activateWindow()  # the keys go where a clerk's would: into the open dialog
        QTest.qWaitForWindowActive(dlg)
        try:
            enter_fields(qtbot, dlg.view, values, dlg.ok_button)
            press(qtbot, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
        finally:
            if dlg.isVisible():
                done["left_open"] = [dlg.banner.text()] + [
                    f"{lab.objectName()}={lab.text()}" for lab in dlg.findChildren(QLabel)
                    if lab.objectName().startswith("error_") and lab.text()]
                dlg.reject()

    QTimer.singleShot(20, answer)
    detail.activateWindow()  # back from the previous step's dialog
    assert QTest.qWaitForWindowActive(detail)
    qtbot.keyClick(detail, getattr(Qt.Key, f"Key_{n}"), Qt.KeyboardModifier.AltModifier)
    assert done.get("seen") and "left_open" not in done, done


def open_detail(qtbot: Any, svc: Services, kind: str, rid: str) -> RecordDetailDialog:
    d = RecordDetailDialog(svc, kind, rid)
    qtbot.addWidget(d)
    with qtbot.waitActive(d):
        d.show()
    return d


def test_petition_from_registration_to_rating_by_keyboard(qtbot: Any, clerk: Services, ref: dict[str, str]) -> None:
    dlg = open_form(qtbot, clerk, "petition")
    enter_fields(qtbot, dlg.view, {"form": "来访", "petitioner_name": "刘长海", "category": "申诉求决类",
                                   "request": "宅基地确权"}, dlg.save_button)
    press(qtbot, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    assert not dlg.isVisible()
    with clerk.session() as s:
        [p] = list(s.execute(select(m.Petition)).scalars())
    assert (p.petitioner_name, p.form, p.category, p.request) == ("刘长海", "visit", "claim", "宅基地确权")
    d = open_detail(qtbot, clerk, "petition", p.id)
    step(qtbot, d, 1, "accept", {"decision": "受理"})
    step(qtbot, d, 2, "assign", {"assigned_department_id": "城关司法所"})
    step(qtbot, d, 4, "reply", {"reply_result": "支持"})
    step(qtbot, d, 9, "rate", {"rating": "满意"})
    p = clerk.get("petition", p.id)
    assert not d.buttons["action_rate"].isEnabled()  # rated once: the step stays in place, disabled
    assert p.rating == "satisfied" and p.reply_result == "support" and p.assigned_department_id == ref["justice"]


def test_dispute_with_three_parties_to_agreement_by_keyboard(qtbot: Any, clerk: Services, ref: dict[str, str]) -> None:
    dlg = open_form(qtbot, clerk, "dispute")
    parties = dlg.subtables[0]
    enter_fields(qtbot, dlg.view, {"title": "三户山林边界纠纷", "source": "网格员排查", "type": "山林水利"},
                 parties.add_button)
    press(qtbot, Qt.Key.Key_Return)  # 添加一行
    for i, (name, role) in enumerate((("周大明", "申请人"), ("吴小军", "被申请人"), ("郑三", "第三人"))):
        assert focused() is parties.cell_widget(i, 0)
        type_text(focused(), name)
        press(qtbot, Qt.Key.Key_Return)
        type_text(focused(), role)
        for _ in range(4):  # 身份证号, 电话, 住址 left empty; Enter in 住址 adds the next row
            press(qtbot, Qt.Key.Key_Return)
    assert parties.row_count() == 4  # the fourth stays empty and is not saved
    press(qtbot, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    assert not dlg.isVisible()
    with clerk.session() as s:
        [d_] = list(s.execute(select(m.Dispute)).scalars())
        got = sorted((p.name, p.role) for p in s.execute(select(m.DisputeParty)).scalars())
    assert d_.title == "三户山林边界纠纷"
    assert got == [("吴小军", "respondent"), ("周大明", "applicant"), ("郑三", "third_party")]
    d = open_detail(qtbot, clerk, "dispute", d_.id)
    step(qtbot, d, 1, "accept", {})
    step(qtbot, d, 2, "start_mediation", {"route": "人民调解"})
    step(qtbot, d, 3, "succeed", {"agreement_form": "书面协议", "agreement_terms": "以界桩为准",
                                   "resolution_level": "乡镇级"})
    rec = clerk.get("dispute", d_.id)
    assert d.status_label.text() == "调解成功"
    assert rec.agreement_form == "written" and rec.resolution_level == "township"


def test_step_buttons_keep_their_places_and_show_their_shortcut(qtbot: Any, clerk: Services,
                                                               ref: dict[str, str]) -> None:
    rec = clerk.create("dispute", {"title": "邻里纠纷", "found_date": "2026-11-02", "source": "grid_screening",
                                   "type": "neighbour"}).record
    d = open_detail(qtbot, clerk, "dispute", rec.id)

    def layout() -> list[str]:
        bar = d.actions_bar
        return [bar.itemAt(i).widget().objectName() for i in range(bar.count()) if bar.itemAt(i).widget()
                and bar.itemAt(i).widget().objectName().startswith("action_")]

    before = layout()
    assert before[:3] == ["action_accept", "action_start_mediation", "action_succeed"]
    assert [d.buttons[n].isEnabled() for n in before[:3]] == [True, False, False]
    assert "Alt+3" in d.buttons["action_succeed"].toolTip() and "当前状态不能办理" in d.buttons["action_succeed"].toolTip()
    step(qtbot, d, 1, "accept", {})
    assert layout() == before  # the same places after the step
    if shots := os.environ.get("ZONGZHI_SHOTS"):
        d.resize(1366, 768)
        QApplication.processEvents()
        d.grab().save(os.path.join(shots, "detail_dispute_steps_keyboard.png"))
    assert not d.buttons["action_accept"].isEnabled() and d.buttons["action_start_mediation"].isEnabled()
    assert d.actions_bar.indexOf(d.buttons["action_accept"]) < d.actions_bar.indexOf(d.buttons["action_start_mediation"])


def test_close_dialog_shows_linked_cases_five_packs_and_warns(qtbot: Any, clerk: Services, reviewer: Services,
                                                              ref: dict[str, str]) -> None:
    today = clerk.today()
    pet = clerk.create("petition", {"received_date": today.isoformat(), "form": "visit", "petitioner_name": "刘长海",
                                    "category": "claim", "request": "宅基地确权"}).record
    pkg = clerk.create("package", {"title": "刘长海积案包案", "leader_id": ref["leader"],
                                   "start_date": today.isoformat(), "target_date": today.isoformat(),
                                   "know_situation": True, "counsel": True,
                                   "links": [{"record_kind": "petition", "record_id": pet.id}]}).record
    clerk.act("package", pkg.id, "request_close", {"close_request_date": today.isoformat()})
    d = open_detail(qtbot, reviewer, "package", pkg.id)
    seen: dict[str, str] = {}

    def answer() -> None:
        dlg = QApplication.activeModalWidget()
        if dlg is None or dlg.objectName() != "step_approve_close":
            QTimer.singleShot(20, answer)
            return
        seen["intro"] = dlg.findChild(QLabel, "step_intro").text()
        if shots := os.environ.get("ZONGZHI_SHOTS"):
            dlg.resize(900, 620)
            QApplication.processEvents()
            dlg.grab().save(os.path.join(shots, "close_package_dialog.png"))
        dlg.reject()

    QTimer.singleShot(20, answer)
    d.activateWindow()
    assert QTest.qWaitForWindowActive(d)
    qtbot.keyClick(d, Qt.Key.Key_2, Qt.KeyboardModifier.AltModifier)  # 销号 is the package's second step
    intro = seen["intro"]
    assert f"● {pet.serial}　刘长海　已登记待受理" in intro  # the linked case, open, with its state
    assert "☑包掌握情况" in intro and "☑包思想疏导" in intro and "☐包稳控" in intro and "☐包息诉罢访" in intro
    assert "仍在办" in intro and "五包未落实：包解决问题、包稳控、包息诉罢访" in intro
    assert clerk.get("package", pkg.id).status == "close_requested"  # cancelled: nothing closed


def test_child_rows_and_edit_by_their_shortcuts(qtbot: Any, clerk: Services, ref: dict[str, str]) -> None:
    """Ctrl+Shift+D opens 登记当事人 (filled by keys, saved with Ctrl+S); Ctrl+E opens 编辑."""
    rec = clerk.create("dispute", {"title": "邻里纠纷", "found_date": "2026-11-02", "source": "grid_screening",
                                   "type": "neighbour"}).record
    d = open_detail(qtbot, clerk, "dispute", rec.id)
    assert "Ctrl+Shift+D" in d.buttons["child_parties"].toolTip() and "Ctrl+E" in d.buttons["edit"].toolTip()
    done: dict[str, Any] = {"tries": 0}

    def answer() -> None:
        dlg = QApplication.activeModalWidget()
        if dlg is None or dlg.objectName() != "step_child_parties":
            done["tries"] += 1
            if done["tries"] < 250:
                QTimer.singleShot(20, answer)
            return
        dlg.activateWindow()
        QTest.qWaitForWindowActive(dlg)
        try:
            enter_fields(qtbot, dlg.view, {"name": "钱小二", "role": "申请人"}, dlg.ok_button)
            press(qtbot, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
        finally:
            done["left_open"] = dlg.isVisible()
            if dlg.isVisible():
                dlg.reject()

    QTimer.singleShot(20, answer)
    qtbot.keyClick(d, Qt.Key.Key_D, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    assert done.get("left_open") is False, done
    assert [(p.name, p.role) for p in clerk.children("dispute", rec.id)["parties"]] == [("钱小二", "applicant")]

    d.activateWindow()
    assert QTest.qWaitForWindowActive(d)
    qtbot.keyClick(d, Qt.Key.Key_E, Qt.KeyboardModifier.ControlModifier)
    assert d.edit_dialog is not None
    qtbot.waitUntil(d.edit_dialog.isVisible)
    d.edit_dialog.close()
