"""Domain validation shown inline in the generated forms; nothing is stored on a refusal."""

from __future__ import annotations

import json
from typing import Any

import pytest
from forms_helpers import BAD_ID, VALID_ID, choose, fill, open_form, pick_ref, seed_reference
from PySide6.QtCore import Qt
from sqlalchemy import func, select

from zongzhi_desktop.domain import models as m
from zongzhi_desktop.services import Services


@pytest.fixture
def ref(admin: Services) -> dict[str, str]:
    return seed_reference(admin)


def count(svc: Services, model: Any) -> int:
    with svc.session() as s:
        return int(s.execute(select(func.count()).select_from(model)).scalar_one())


def audit_count(svc: Services) -> int:
    return count(svc, m.AuditEntry)


def minimal_petition(dlg: Any) -> None:
    e = dlg.view.editors
    choose(e["form"], "来信")
    fill(e["petitioner_name"], "赵四")
    choose(e["category"], "建议意见类")
    fill(e["request"], "建议修缮村道")


def test_bad_id_number_shows_inline_next_to_its_label_and_stores_nothing(qtbot: Any, clerk: Services,
                                                                         ref: dict[str, str]) -> None:
    before = audit_count(clerk)
    dlg = open_form(qtbot, clerk, "petition")
    minimal_petition(dlg)
    fill(dlg.view.editors["id_number"], BAD_ID)
    qtbot.mouseClick(dlg.save_button, Qt.MouseButton.LeftButton)

    assert dlg.isVisible()
    error = dlg.findChild(type(dlg.view.labels["id_number"]), "error_id_number")
    assert error is not None and error.isVisible()
    assert "校验" in error.text()  # the domain's GB 11643 message, verbatim
    label = dlg.view.labels["id_number"]
    assert "身份证号" in label.text()
    # the message sits in the field's own cell: right of its label, just under the editor
    lpos = label.mapToGlobal(label.rect().topRight())
    epos = error.mapToGlobal(error.rect().topLeft())
    editor = dlg.view.editors["id_number"]
    assert epos.x() > lpos.x() and 0 <= epos.y() - editor.mapToGlobal(editor.rect().bottomLeft()).y() < 40
    # the other fields carry no message, the editor is marked, nothing was stored
    assert all(dlg.view.error_of(n) is None for n in dlg.view.editors if n != "id_number")
    assert editor.property("invalid") is True
    assert dlg.focusWidget() is editor
    assert count(clerk, m.Petition) == 0 and audit_count(clerk) == before

    fill(editor, VALID_ID)
    qtbot.mouseClick(dlg.save_button, Qt.MouseButton.LeftButton)
    assert not dlg.isVisible() and count(clerk, m.Petition) == 1


def test_empty_form_names_every_required_field(qtbot: Any, clerk: Services, ref: dict[str, str]) -> None:
    dlg = open_form(qtbot, clerk, "petition")
    qtbot.keyClick(dlg.view.editors["received_date"], Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    required = {"form", "petitioner_name", "category", "request"}
    for name in required:
        assert dlg.view.error_of(name) == "必填项，不能为空", name
    assert {n for n in dlg.view.editors if dlg.view.error_of(n)} == required
    assert count(clerk, m.Petition) == 0
    assert "未保存" in dlg.status.text()


def test_cross_field_rules_land_on_their_field(qtbot: Any, clerk: Services, ref: dict[str, str]) -> None:
    dlg = open_form(qtbot, clerk, "petition")
    minimal_petition(dlg)
    fill(dlg.view.editors["headcount"], "6")  # a group visit needs its representatives (Art. 20)
    qtbot.mouseClick(dlg.save_button, Qt.MouseButton.LeftButton)
    assert "代表" in (dlg.view.error_of("representatives") or "")
    assert count(clerk, m.Petition) == 0

    pkg = open_form(qtbot, clerk, "package")
    e = pkg.view.editors
    fill(e["title"], "测试包案")
    pick_ref(qtbot, e["leader_id"], "王")
    fill(e["start_date"], "20261110")
    fill(e["target_date"], "20261101")
    qtbot.mouseClick(pkg.save_button, Qt.MouseButton.LeftButton)
    assert pkg.view.error_of("target_date") == "不能早于包案日期"
    assert count(clerk, m.CasePackage) == 0


def test_unknown_reference_text_is_reported_by_the_domain(qtbot: Any, clerk: Services, ref: dict[str, str]) -> None:
    dlg = open_form(qtbot, clerk, "petition")
    minimal_petition(dlg)
    fill(dlg.view.editors["village_id"], "不存在村")
    qtbot.mouseClick(dlg.save_button, Qt.MouseButton.LeftButton)
    assert "找不到“不存在村”" in (dlg.view.error_of("village_id") or "")
    assert count(clerk, m.Petition) == 0
    # a name the domain can resolve by itself is accepted without picking from the list
    fill(dlg.view.editors["village_id"], "西山村")
    qtbot.mouseClick(dlg.save_button, Qt.MouseButton.LeftButton)
    with clerk.session() as s:
        assert s.execute(select(m.Petition.village_id)).scalar_one() == ref["village_west"]


def test_bad_party_row_is_named_by_row_and_nothing_is_stored(qtbot: Any, clerk: Services, ref: dict[str, str]) -> None:
    dlg = open_form(qtbot, clerk, "dispute")
    e = dlg.view.editors
    fill(e["title"], "邻里噪音纠纷")
    choose(e["source"], "主动调解")
    choose(e["type"], "邻里")
    parties = dlg.subtables[0]
    for name in ("甲", "乙"):
        qtbot.mouseClick(parties.add_button, Qt.MouseButton.LeftButton)
        fill(parties.editor(parties.row_count() - 1, "name"), name)
    fill(parties.editor(1, "id_number"), BAD_ID)
    qtbot.mouseClick(dlg.save_button, Qt.MouseButton.LeftButton)
    assert parties.error.isVisible()
    assert parties.error.text().startswith("第2行 当事人身份证号：")
    assert parties.editor(1, "id_number").property("invalid") is True
    assert count(clerk, m.Dispute) == 0 and count(clerk, m.DisputeParty) == 0
    # removing the bad row lets the record through
    parties.table.selectRow(1)
    qtbot.mouseClick(parties.remove_button, Qt.MouseButton.LeftButton)
    qtbot.mouseClick(dlg.save_button, Qt.MouseButton.LeftButton)
    assert count(clerk, m.Dispute) == 1 and count(clerk, m.DisputeParty) == 1


def test_edit_sends_only_changed_fields(qtbot: Any, clerk: Services, ref: dict[str, str]) -> None:
    rec = clerk.create("petition", {"received_date": "2026-11-02", "form": "call", "petitioner_name": "孙立",
                                    "id_number": VALID_ID, "phone": "13800000001", "category": "complaint",
                                    "request": "反映噪音扰民"}).record
    dlg = open_form(qtbot, clerk, "petition", rec.id)
    assert dlg.windowTitle().endswith(rec.serial)
    e = dlg.view.editors
    assert e["id_number"].text() == VALID_ID  # a clerk may see personal data while editing
    fill(e["phone"], "13800000002")
    got: list[str] = []
    dlg.saved.connect(got.append)
    qtbot.mouseClick(dlg.save_button, Qt.MouseButton.LeftButton)
    assert got == [rec.id] and not dlg.isVisible()
    with clerk.session() as s:
        last = s.execute(select(m.AuditEntry).order_by(m.AuditEntry.seq.desc()).limit(1)).scalar_one()
    before, after = json.loads(last.before), json.loads(last.after)
    changed = {k for k in after if after[k] != before.get(k)}
    assert changed == {"phone", "revision", "updated_at"}
    assert after["phone"] == "13800000002"


def test_reviewer_edits_with_identifiers_masked_and_kept(qtbot: Any, clerk: Services, reviewer: Services,
                                                         ref: dict[str, str]) -> None:
    rec = clerk.create("petition", {"received_date": "2026-11-02", "form": "call", "petitioner_name": "孙立",
                                    "id_number": VALID_ID, "phone": "13800000001", "category": "complaint",
                                    "request": "反映噪音扰民"}).record
    dlg = open_form(qtbot, reviewer, "petition", rec.id)
    ed = dlg.view.editors["id_number"]
    assert ed.text() == "" and VALID_ID not in ed.placeholderText()
    assert ed.placeholderText().startswith("1101**********002X")
    assert dlg.view.editors["phone"].placeholderText().startswith("138****0001")
    assert not dlg.is_dirty()
    fill(dlg.view.editors["address"], "城东村5组")
    qtbot.mouseClick(dlg.save_button, Qt.MouseButton.LeftButton)
    p = clerk.get("petition", rec.id)
    assert (p.address, p.id_number, p.phone) == ("城东村5组", VALID_ID, "13800000001")


def test_edit_lists_stored_rows_read_only_and_adds_new_ones(qtbot: Any, clerk: Services, reviewer: Services,
                                                             ref: dict[str, str]) -> None:
    rec = clerk.create("dispute", {"title": "宅基地纠纷", "found_date": "2026-11-01", "source": "mass_visit",
                                   "type": "house_homestead",
                                   "parties": [{"name": "周大明", "id_number": VALID_ID}]}).record
    dlg = open_form(qtbot, reviewer, "dispute", rec.id)
    parties = dlg.subtables[0]
    assert parties.table.rowCount() == 1 and parties.row_count() == 0
    assert parties.table.item(0, 0).text() == "周大明"
    assert parties.table.item(0, 2).text() == "1101**********002X"  # the reviewer's view is masked
    parties.table.selectRow(0)
    qtbot.mouseClick(parties.remove_button, Qt.MouseButton.LeftButton)  # stored rows stay
    assert parties.table.rowCount() == 1
    qtbot.mouseClick(parties.add_button, Qt.MouseButton.LeftButton)
    fill(parties.editor(0, "name"), "吴小军")
    choose(parties.editor(0, "role"), "被申请人")
    assert dlg.is_dirty()
    qtbot.mouseClick(dlg.save_button, Qt.MouseButton.LeftButton)
    assert not dlg.isVisible()
    names = sorted((p.name, p.role) for p in clerk.children("dispute", rec.id)["parties"])
    assert names == [("吴小军", "respondent"), ("周大明", "applicant")]
    assert clerk.get("dispute", rec.id).title == "宅基地纠纷"
