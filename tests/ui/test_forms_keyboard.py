"""Keyboard-first entry, the unsaved-changes guard, crash-proof drafts and the repeat-petition hint."""

from __future__ import annotations

import itertools
from datetime import date
from typing import Any

import pytest
import shiboken6
from forms_helpers import (
    VALID_ID,
    answer_next_message_box,
    choose,
    fill,
    open_form,
    pick_ref,
    seed_reference,
)
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox
from sqlalchemy import func, select

from zongzhi_desktop.domain import models as m
from zongzhi_desktop.services import Services
from zongzhi_desktop.services.drafts import DraftStore
from zongzhi_desktop.ui.forms import RecordFormDialog
from zongzhi_desktop.ui.forms.widgets import focus_target


@pytest.fixture
def ref(admin: Services) -> dict[str, str]:
    return seed_reference(admin)


def petitions(svc: Services) -> list[Any]:
    with svc.session() as s:
        return list(s.execute(select(m.Petition).order_by(m.Petition.serial)).scalars())


def drafts(svc: Services) -> int:
    with svc.session() as s:
        return int(s.execute(select(func.count()).select_from(m.Draft)).scalar_one())


def test_enter_walks_the_fields_in_form_order_and_never_saves(qtbot: Any, clerk: Services) -> None:
    dlg = open_form(qtbot, clerk, "petition")
    order = [f.name for f in dlg.form.fields]
    assert dlg.focusWidget() is focus_target(dlg.view.editors[order[0]])  # the form opens on its first field
    for current, expected in itertools.pairwise(order):
        widget = dlg.focusWidget()
        assert widget is focus_target(dlg.view.editors[current])
        if dlg.form.field(current).widget == "longtext":
            qtbot.keyClick(widget, Qt.Key.Key_Return)  # a new line inside the text…
            assert dlg.focusWidget() is widget and widget.toPlainText() == "\n"
            qtbot.keyClick(widget, Qt.Key.Key_Tab)  # …and Tab leaves it
        else:
            qtbot.keyClick(widget, Qt.Key.Key_Return)
        assert dlg.focusWidget() is focus_target(dlg.view.editors[expected]), (current, expected)
    assert petitions(clerk) == [] and dlg.isVisible()


def test_tab_order_follows_the_form(qtbot: Any, clerk: Services) -> None:
    dlg = open_form(qtbot, clerk, "dispute")
    order = [f.name for f in dlg.form.fields]
    targets = [focus_target(dlg.view.editors[n]) for n in order]
    for a, b in itertools.pairwise(targets):
        a.setFocus()
        qtbot.keyClick(a, Qt.Key.Key_Tab)
        assert dlg.focusWidget() is b, (a.objectName(), dlg.focusWidget().objectName())


def test_esc_guards_unsaved_changes(qtbot: Any, clerk: Services) -> None:
    dlg = open_form(qtbot, clerk, "petition")
    qtbot.keyClick(dlg.focusWidget(), Qt.Key.Key_Escape)  # nothing typed: closes at once
    assert not dlg.isVisible()

    dlg = open_form(qtbot, clerk, "petition")
    fill(dlg.view.editors["petitioner_name"], "钱某")
    seen: list[str] = []
    answer_next_message_box(QMessageBox.StandardButton.Cancel, seen)
    qtbot.keyClick(dlg.focusWidget(), Qt.Key.Key_Escape)
    assert seen and "未保存" in seen[0]
    assert dlg.isVisible() and dlg.view.editors["petitioner_name"].text() == "钱某"

    dlg.autosaver.flush()
    assert drafts(clerk) == 1
    answer_next_message_box(QMessageBox.StandardButton.Discard, seen)
    qtbot.keyClick(dlg.focusWidget(), Qt.Key.Key_Escape)
    assert len(seen) == 2 and not dlg.isVisible()
    assert petitions(clerk) == [] and drafts(clerk) == 0  # 不保存 means the draft goes too


def test_guard_save_choice_saves(qtbot: Any, clerk: Services) -> None:
    dlg = open_form(qtbot, clerk, "petition")
    e = dlg.view.editors
    choose(e["form"], "来电")
    fill(e["petitioner_name"], "冯某")
    choose(e["category"], "检举控告类")
    fill(e["request"], "举报违建")
    answer_next_message_box(QMessageBox.StandardButton.Save)
    qtbot.keyClick(dlg.focusWidget(), Qt.Key.Key_Escape)
    assert not dlg.isVisible()
    assert [p.petitioner_name for p in petitions(clerk)] == ["冯某"]


def test_ctrl_n_saves_and_starts_the_next_record(qtbot: Any, clerk: Services) -> None:
    dlg = open_form(qtbot, clerk, "petition")
    got: list[str] = []
    dlg.saved.connect(got.append)
    for name in ("周一", "周二"):
        e = dlg.view.editors
        choose(e["form"], "来访")
        fill(e["petitioner_name"], name)
        choose(e["category"], "申诉求决类")
        fill(e["request"], f"{name}的请求")
        qtbot.keyClick(dlg.focusWidget(), Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
        assert dlg.isVisible()
        assert dlg.view.editors["petitioner_name"].text() == ""  # ready for the next one
        assert dlg.view.editors["received_date"].value() == "2026-11-20"
        assert dlg.focusWidget() is dlg.view.editors["received_date"]
        assert not dlg.is_dirty()
    assert [p.petitioner_name for p in petitions(clerk)] == ["周一", "周二"] and len(got) == 2
    assert "XF-2026-000002" in dlg.status.text()
    qtbot.keyClick(dlg.focusWidget(), Qt.Key.Key_Escape)  # clean again: closes without asking
    assert not dlg.isVisible()


def test_draft_survives_a_crash_and_is_offered_again(qtbot: Any, clerk: Services, ref: dict[str, str]) -> None:
    dlg = RecordFormDialog(clerk, "dispute")
    with qtbot.waitActive(dlg):
        dlg.show()
    e = dlg.view.editors
    fill(e["title"], "停电前录入的纠纷")
    choose(e["type"], "邻里")
    pick_ref(qtbot, e["village_id"], "城东")
    parties = dlg.subtables[0]
    qtbot.mouseClick(parties.add_button, Qt.MouseButton.LeftButton)
    fill(parties.editor(0, "name"), "周大明")
    store = DraftStore(clerk.store, "clerk")
    qtbot.waitUntil(lambda: (d := store.latest("dispute")) is not None
                    and d.data["children"]["parties"][0]["values"]["name"] == "周大明", timeout=5000)
    shiboken6.delete(dlg)  # the process dies: no close, no guard, no save
    assert store.latest("dispute") is not None

    again = open_form(qtbot, clerk, "dispute")
    assert again.draft_banner.isVisible()
    assert again.view.editors["title"].text() == ""
    qtbot.mouseClick(again.draft_banner.restore_button, Qt.MouseButton.LeftButton)
    e = again.view.editors
    assert e["title"].text() == "停电前录入的纠纷"
    assert e["type"].currentText() == "邻里"
    assert e["village_id"].value() == ref["village_east"]
    assert again.subtables[0].rows() == [{"name": "周大明", "role": "applicant", "id_number": None,
                                          "phone": None, "address": None}]
    assert not again.draft_banner.isVisible()
    choose(e["source"], "主动调解")
    qtbot.mouseClick(again.save_button, Qt.MouseButton.LeftButton)
    assert not again.isVisible()
    with clerk.session() as s:
        d = s.execute(select(m.Dispute)).scalar_one()
        assert (d.title, d.village_id) == ("停电前录入的纠纷", ref["village_east"])
    assert drafts(clerk) == 0  # saved: the draft is gone


def test_draft_is_kept_when_closed_without_a_choice_and_can_be_discarded(qtbot: Any, clerk: Services) -> None:
    dlg = open_form(qtbot, clerk, "dispatch")
    fill(dlg.view.editors["title"], "锁屏前未保存")
    dlg.hide()  # e.g. the main window closes or locks: no guard answer, typing kept
    assert drafts(clerk) == 1
    other_user = open_form(qtbot, Services(clerk.store, type(clerk.actor)("leader", "reviewer"),
                                           today=clerk._today), "dispatch")
    assert not other_user.draft_banner.isVisible()  # drafts are per user
    again = open_form(qtbot, clerk, "dispatch")
    assert again.draft_banner.isVisible()
    qtbot.mouseClick(again.draft_banner.discard_button, Qt.MouseButton.LeftButton)
    assert drafts(clerk) == 0 and not again.draft_banner.isVisible()


def test_clean_form_writes_no_draft(qtbot: Any, clerk: Services) -> None:
    dlg = open_form(qtbot, clerk, "team")
    fill(dlg.view.editors["name"], "x")
    dlg.view.editors["name"].clear()  # back to what it was
    dlg.autosaver.flush()
    assert drafts(clerk) == 0


def test_repeat_petition_hint_links_the_earlier_one(qtbot: Any, clerk: Services, ref: dict[str, str]) -> None:
    first = clerk.create("petition", {"received_date": "2026-10-10", "form": "visit", "petitioner_name": "韩梅",
                                      "id_number": VALID_ID, "village_id": ref["village_east"],
                                      "category": "claim", "request": "宅基地审批"}).record
    dlg = open_form(qtbot, clerk, "petition")
    e = dlg.view.editors
    assert not dlg.repeat_hint.isVisible()
    fill(e["id_number"], VALID_ID)
    qtbot.waitUntil(dlg.repeat_hint.isVisible)
    link = dlg.repeat_hint.findChild(type(dlg.save_button), f"link_repeat_{first.serial}")
    assert link is not None and first.serial in " ".join(
        w.text() for w in dlg.repeat_hint.findChildren(type(dlg.status)))
    choose(e["form"], "来访")
    fill(e["petitioner_name"], "韩梅")
    choose(e["category"], "申诉求决类")
    fill(e["request"], "再次反映宅基地审批")
    qtbot.mouseClick(link, Qt.MouseButton.LeftButton)
    assert e["repeat_of_id"].value() == first.id
    qtbot.mouseClick(dlg.save_button, Qt.MouseButton.LeftButton)
    second = petitions(clerk)[-1]
    assert (second.repeat_of_id, second.is_repeat) == (first.id, True)


def test_repeat_hint_by_name_and_village_and_declined(qtbot: Any, clerk: Services, ref: dict[str, str]) -> None:
    clerk.create("petition", {"received_date": "2026-11-01", "form": "visit", "petitioner_name": "韩梅",
                              "village_id": ref["village_west"], "category": "claim", "request": "修路"})
    dlg = open_form(qtbot, clerk, "petition")
    e = dlg.view.editors
    fill(e["petitioner_name"], "韩梅")
    pick_ref(qtbot, e["village_id"], "城东")  # same name, other village: not the same person
    qtbot.wait(400)
    assert not dlg.repeat_hint.isVisible()
    pick_ref(qtbot, e["village_id"], "西山")
    qtbot.waitUntil(dlg.repeat_hint.isVisible)
    unlink = dlg.repeat_hint.findChild(type(dlg.save_button), "unlink_repeat")
    qtbot.mouseClick(unlink, Qt.MouseButton.LeftButton)
    assert not dlg.repeat_hint.isVisible() and dlg.link_repeat is False
    choose(e["form"], "来访")
    choose(e["category"], "申诉求决类")
    fill(e["request"], "另一件事")
    qtbot.mouseClick(dlg.save_button, Qt.MouseButton.LeftButton)
    second = petitions(clerk)[-1]
    assert second.repeat_of_id is None and second.received_date == date(2026, 11, 20)


def test_edit_drafts_belong_to_their_record(qtbot: Any, clerk: Services) -> None:
    a = clerk.create("dispatch", {"title": "甲事项", "raised_date": "2026-11-10", "deadline": "2026-12-15"}).record
    b = clerk.create("dispatch", {"title": "乙事项", "raised_date": "2026-11-10", "deadline": "2026-12-15"}).record
    dlg = open_form(qtbot, clerk, "dispatch", a.id)
    fill(dlg.view.editors["description"], "改到一半")
    dlg.hide()
    assert not open_form(qtbot, clerk, "dispatch", b.id).draft_banner.isVisible()
    assert not open_form(qtbot, clerk, "dispatch").draft_banner.isVisible()
    again = open_form(qtbot, clerk, "dispatch", a.id)
    assert again.draft_banner.isVisible()
    qtbot.mouseClick(again.draft_banner.restore_button, Qt.MouseButton.LeftButton)
    assert again.view.editors["description"].toPlainText() == "改到一半"
    qtbot.mouseClick(again.save_button, Qt.MouseButton.LeftButton)
    assert clerk.get("dispatch", a.id).description == "改到一半" and drafts(clerk) == 0
