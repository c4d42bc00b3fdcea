"""Create one record of every kind by typing into the generated forms; assert on the database."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from forms_helpers import (
    VALID_ID,
    choose,
    fill,
    open_form,
    pick_ref,
    seed_reference,
    tick,
    type_text,
    when_modal,
)
from PySide6.QtCore import Qt
from sqlalchemy import select

from zongzhi_desktop.domain import models as m
from zongzhi_desktop.services import Services
from zongzhi_desktop.ui.forms.pickers import RecordPickerDialog


@pytest.fixture
def ref(admin: Services) -> dict[str, str]:
    return seed_reference(admin)


def rows(svc: Services, model: Any) -> list[Any]:
    with svc.session() as s:
        return list(s.execute(select(model)).scalars())


def saved_ids(dlg: Any) -> list[str]:
    got: list[str] = []
    dlg.saved.connect(got.append)
    return got


def pick_in_dialog(qtbot: Any, button: Any, search: str, expect: int = 1) -> None:
    """Click 选择…, search in the picker, take the hits with Enter."""

    def run(dlg: Any) -> None:
        type_text(dlg.search_edit, search)
        assert dlg.table.rowCount() == expect, [o.label for o in dlg._options]
        dlg.table.selectAll()
        qtbot.keyClick(dlg.table, Qt.Key.Key_Return)

    when_modal(run, RecordPickerDialog)
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


def test_petition_typed_in(qtbot: Any, clerk: Services, ref: dict[str, str]) -> None:
    dlg = open_form(qtbot, clerk, "petition")
    got = saved_ids(dlg)
    e = dlg.view.editors
    fill(e["received_date"], "20261118")
    choose(e["form"], "来访")
    choose(e["route"], "12345转办")
    fill(e["petitioner_name"], "张秀兰")
    fill(e["id_number"], VALID_ID.lower())  # a lower-case x is normalised by the domain
    fill(e["phone"], "13857012345")
    pick_ref(qtbot, e["village_id"], "城东")
    fill(e["address"], "城东村3组12号")
    fill(e["headcount"], "2")
    choose(e["category"], "申诉求决类")
    choose(e["subject"], "征地拆迁")
    fill(e["request"], "要求补发征地补偿款")
    fill(e["facts"], "2025年修路征用承包地0.8亩")
    qtbot.mouseClick(dlg.save_button, Qt.MouseButton.LeftButton)

    assert not dlg.isVisible()
    [p] = rows(clerk, m.Petition)
    assert got == [p.id]
    assert (p.received_date, p.form, p.route, p.category, p.subject) == (
        date(2026, 11, 18), "visit", "hotline_12345", "claim", "land_demolition")
    assert (p.petitioner_name, p.id_number, p.phone) == ("张秀兰", VALID_ID, "13857012345")
    assert p.village_id == ref["village_east"] and p.headcount == 2
    assert p.request == "要求补发征地补偿款" and p.facts.startswith("2025年")
    assert p.serial == "XF-2026-000001" and p.status == "registered"
    assert p.accept_deadline == date(2026, 12, 3)  # 15 days, the receiving day not counted


def test_dispute_with_parties(qtbot: Any, clerk: Services, ref: dict[str, str]) -> None:
    dlg = open_form(qtbot, clerk, "dispute")
    e = dlg.view.editors
    fill(e["title"], "周某与吴某宅基地边界纠纷")
    fill(e["found_date"], "20261115")
    choose(e["source"], "网格员排查")
    choose(e["type"], "房屋宅基地")
    fill(e["description"], "两家因围墙位置发生争执")
    pick_ref(qtbot, e["village_id"], "330825101001", "城东村")  # by division code
    pick_ref(qtbot, e["grid_id"], "第一")
    fill(e["people_count"], "5")
    fill(e["amount"], "12000.5")
    choose(e["risk_level"], "高")
    tick(qtbot, e["homicide_risk"])
    parties = dlg.subtables[0]
    for name, role, phone in (("周大明", "申请人", "13900001111"), ("吴小军", "被申请人", "")):
        qtbot.mouseClick(parties.add_button, Qt.MouseButton.LeftButton)
        r = parties.row_count() - 1
        fill(parties.editor(r, "name"), name)
        choose(parties.editor(r, "role"), role)
        if phone:
            fill(parties.editor(r, "phone"), phone)
    fill(parties.editor(0, "id_number"), VALID_ID)
    qtbot.keyClick(parties.editor(0, "id_number"), Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)

    assert not dlg.isVisible()
    [d] = rows(clerk, m.Dispute)
    assert (d.title, d.found_date, d.source, d.type) == ("周某与吴某宅基地边界纠纷", date(2026, 11, 15),
                                                         "grid_screening", "house_homestead")
    assert (d.village_id, d.grid_id, d.people_count, d.amount) == (ref["village_east"], ref["grid"], 5, 12000.5)
    assert d.risk_level == "high" and d.homicide_risk and not d.turned_criminal
    got = sorted((p.name, p.role, p.id_number, p.phone) for p in rows(clerk, m.DisputeParty))
    assert got == [("吴小军", "respondent", None, None), ("周大明", "applicant", VALID_ID, "13900001111")]
    assert all(p.dispute_id == d.id for p in rows(clerk, m.DisputeParty))


def test_package_with_linked_cases_and_progress(qtbot: Any, clerk: Services, ref: dict[str, str]) -> None:
    pet = clerk.create("petition", {"received_date": "2026-10-08", "form": "visit", "petitioner_name": "刘长海",
                                    "category": "claim", "request": "宅基地确权"}).record
    dis = clerk.create("dispute", {"title": "刘家兄弟宅基地纠纷", "found_date": "2026-10-09",
                                   "source": "mass_visit", "type": "house_homestead"}).record
    dlg = open_form(qtbot, clerk, "package")
    e = dlg.view.editors
    fill(e["title"], "刘长海宅基地信访积案包案化解")
    pick_ref(qtbot, e["leader_id"], "王")
    pick_ref(qtbot, e["unit_department_id"], "司法")
    fill(e["staff"], "李干事")
    fill(e["start_date"], "20261101")
    fill(e["target_date"], "20261231")
    fill(e["plan"], "一周内入户走访，月底前召开协调会")
    for name in ("know_situation", "counsel", "supervised", "is_backlog"):
        tick(qtbot, e[name])
    links, progress = dlg.subtables
    pick_in_dialog(qtbot, links.add_button, "刘", expect=2)  # the petitioner and the dispute title
    assert links.row_count() == 2
    qtbot.mouseClick(progress.add_button, Qt.MouseButton.LeftButton)
    fill(progress.editor(0, "entry_date"), "20261105")
    fill(progress.editor(0, "content"), "入户走访，了解诉求")
    fill(progress.editor(0, "by_whom"), "李干事")
    qtbot.mouseClick(dlg.save_button, Qt.MouseButton.LeftButton)

    assert not dlg.isVisible(), dlg.status.text()
    [p] = rows(clerk, m.CasePackage)
    assert (p.title, p.leader_id, p.unit_department_id, p.staff) == (
        "刘长海宅基地信访积案包案化解", ref["leader"], ref["justice"], "李干事")
    assert (p.start_date, p.target_date, p.next_deadline) == (date(2026, 11, 1), date(2026, 12, 31), date(2026, 12, 31))
    assert p.know_situation and p.counsel and p.supervised and p.is_backlog and not p.solve_problem
    assert sorted((lk.record_kind, lk.record_id) for lk in rows(clerk, m.PackageLink)) == sorted(
        [("petition", pet.id), ("dispute", dis.id)])
    [pr] = rows(clerk, m.PackageProgress)
    assert (pr.entry_date, pr.content, pr.by_whom, pr.package_id) == (date(2026, 11, 5), "入户走访，了解诉求", "李干事", p.id)


def test_team_typed_in(qtbot: Any, clerk: Services, ref: dict[str, str]) -> None:
    dlg = open_form(qtbot, clerk, "team")
    e = dlg.view.editors
    fill(e["name"], "龙游老兵")
    choose(e["type"], "矛盾调解")
    fill(e["leader_name"], "郑老兵")
    fill(e["phone"], "0570-7012345")
    pick_ref(qtbot, e["village_id"], "西山")
    fill(e["founded_date"], "20190801")
    qtbot.keyClick(e["founded_date"], Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)

    assert not dlg.isVisible()
    [t] = [t for t in rows(clerk, m.VolunteerTeam) if t.name == "龙游老兵"]
    assert (t.type, t.leader_name, t.phone, t.village_id, t.founded_date) == (
        "mediation", "郑老兵", "0570-7012345", ref["village_west"], date(2019, 8, 1))


def test_volunteer_with_team(qtbot: Any, clerk: Services, ref: dict[str, str]) -> None:
    dlg = open_form(qtbot, clerk, "volunteer")
    e = dlg.view.editors
    assert e["active"].isChecked()  # the model's default shows on a new form
    fill(e["name"], "钱美华")
    choose(e["gender"], "女")
    fill(e["phone"], "13705700001")
    fill(e["id_number"], VALID_ID)
    pick_ref(qtbot, e["village_id"], "龙洲")
    fill(e["skills"], "法律咨询、急救")
    pick_in_dialog(qtbot, dlg.subtables[0].add_button, "大妈")
    qtbot.mouseClick(dlg.save_button, Qt.MouseButton.LeftButton)

    assert not dlg.isVisible()
    [v] = [v for v in rows(clerk, m.Volunteer) if v.name == "钱美华"]
    assert (v.gender, v.phone, v.id_number, v.village_id, v.skills, v.active) == (
        "female", "13705700001", VALID_ID, ref["community"], "法律咨询、急救", True)
    [tm] = rows(clerk, m.TeamMember)
    assert (tm.volunteer_id, tm.team_id) == (v.id, ref["team"])


def test_activity_with_participants_and_hours(qtbot: Any, clerk: Services, ref: dict[str, str]) -> None:
    dlg = open_form(qtbot, clerk, "activity")
    e = dlg.view.editors
    fill(e["activity_date"], "20261119")
    pick_ref(qtbot, e["team_id"], "龙游")
    choose(e["type"], "平安巡防")
    fill(e["place"], "城东村文化礼堂")
    pick_ref(qtbot, e["village_id"], "城东")
    fill(e["content"], "夜间巡防，排查消防隐患")
    fill(e["hazards_found"], "3")
    fill(e["people_served"], "40")
    participants = dlg.subtables[0]
    pick_in_dialog(qtbot, participants.add_button, "周秀英")
    pick_in_dialog(qtbot, participants.add_button, "郑")
    assert participants.row_count() == 2
    fill(participants.editor(0, "hours"), "2.5")
    fill(participants.editor(1, "hours"), "3")
    qtbot.mouseClick(dlg.save_button, Qt.MouseButton.LeftButton)

    assert not dlg.isVisible(), dlg.status.text()
    [a] = rows(clerk, m.Activity)
    assert (a.activity_date, a.team_id, a.type, a.place, a.village_id) == (
        date(2026, 11, 19), ref["team"], "patrol", "城东村文化礼堂", ref["village_east"])
    assert (a.hazards_found, a.disputes_resolved, a.people_served) == (3, 0, 40)
    got = sorted((p.volunteer_id, p.hours) for p in rows(clerk, m.ActivityParticipant))
    assert got == sorted([(ref["vol_a"], 2.5), (ref["vol_c"], 3.0)])


def test_dispatch_typed_in(qtbot: Any, clerk: Services, ref: dict[str, str]) -> None:
    dlg = open_form(qtbot, clerk, "dispatch")
    e = dlg.view.editors
    fill(e["title"], "城东村征地补偿款发放滞后")
    fill(e["raised_date"], "20261110")
    pick_ref(qtbot, e["department_id"], "派出")
    fill(e["deadline"], "20261215")
    fill(e["description"], "涉及12户，需协调财政所")
    qtbot.mouseClick(dlg.save_button, Qt.MouseButton.LeftButton)

    assert not dlg.isVisible()
    [x] = rows(clerk, m.DispatchItem)
    assert (x.title, x.raised_date, x.department_id, x.deadline, x.status, x.next_deadline) == (
        "城东村征地补偿款发放滞后", date(2026, 11, 10), ref["police"], date(2026, 12, 15), "open", date(2026, 12, 15))
