"""Record detail: workflow buttons by state and role, step dialogs, children, void, timeline, history."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from forms_helpers import VALID_ID, choose, fill, pick_ref, seed_reference, type_text, when_modal
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel
from sqlmodel import select

from zongzhi_desktop.domain import models as m
from zongzhi_desktop.services import Services
from zongzhi_desktop.ui.detail import RecordDetailDialog, StepDialog
from zongzhi_desktop.ui.forms.pickers import RecordPickerDialog


@pytest.fixture
def ref(admin: Services) -> dict[str, str]:
    return seed_reference(admin)


def open_detail(qtbot: Any, svc: Services, kind: str, rid: str) -> RecordDetailDialog:
    dlg = RecordDetailDialog(svc, kind, rid)
    qtbot.addWidget(dlg)
    with qtbot.waitActive(dlg):
        dlg.show()
    return dlg


def step(qtbot: Any, detail: RecordDetailDialog, button: str, fill_in: Any, *, expect_ok: bool = True,
         check: Any = None) -> None:
    """Click an action button, fill its dialog with `fill_in(dialog)`, press OK (Ctrl+S)."""
    outcome: dict[str, Any] = {}

    def run(dlg: StepDialog) -> None:
        try:
            fill_in(dlg)
            qtbot.keyClick(dlg.focusWidget() or dlg, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
            outcome["open"] = dlg.isVisible()
            outcome["banner"] = dlg.banner.text() if dlg.banner.isVisible() else ""
            if check is not None:
                check(dlg)
        except BaseException as e:  # re-raised in the test, after the modal dialog is gone
            outcome["error"] = e
        finally:
            if dlg.isVisible():
                dlg.reject()

    when_modal(run, StepDialog)
    qtbot.mouseClick(detail.buttons[button], Qt.MouseButton.LeftButton)
    if "error" in outcome:
        raise outcome["error"]
    assert outcome["open"] is (not expect_ok), outcome.get("banner")


def value(detail: RecordDetailDialog, name: str) -> str:
    label = detail.findChild(QLabel, f"value_{name}")
    assert label is not None, name
    return label.text()


def new_petition(svc: Services, ref: dict[str, str], received: str = "2026-11-02") -> Any:
    return svc.create("petition", {"received_date": received, "form": "visit", "petitioner_name": "张秀兰",
                                   "id_number": VALID_ID, "phone": "13857012345", "village_id": ref["village_east"],
                                   "category": "claim", "request": "要求补发征地补偿款"}).record


def test_petition_moves_through_its_workflow_with_the_buttons(qtbot: Any, clerk: Services,
                                                             ref: dict[str, str]) -> None:
    pid = new_petition(clerk, ref).id
    d = open_detail(qtbot, clerk, "petition", pid)
    assert d.serial_label.text() == "XF-2026-000001"
    assert d.status_label.text() == "已登记待受理"
    assert d.deadline_label.text() == "受理告知期限 2026-11-17（已超期 3 天）"
    assert d.deadline_label.property("overdue") is True
    assert d.action_names() == ["accept"]
    assert "void" not in d.buttons  # a clerk may not void
    assert value(d, "id_number") == "1101**********002X"  # masked until asked

    # 受理: a decision date before receipt is refused inline, nothing changes
    def accept_early(dlg: StepDialog) -> None:
        fill(dlg.view.editors["decision_date"], "20261101")
        choose(dlg.view.editors["decision"], "受理")

    step(qtbot, d, "action_accept", accept_early, expect_ok=False,
         check=lambda dlg: dlg.view.error_of("decision_date") == "不能早于收件日期（2026-11-02）" or pytest.fail(
             dlg.view.error_of("decision_date")))
    assert clerk.get("petition", pid).status == "registered"

    def accept(dlg: StepDialog) -> None:
        fill(dlg.view.editors["decision_date"], "20261105")
        choose(dlg.view.editors["decision"], "受理")

    step(qtbot, d, "action_accept", accept)
    p = clerk.get("petition", pid)
    assert (p.status, p.decision, p.decision_date, p.conclude_deadline) == (
        "accepted", "accept", date(2026, 11, 5), date(2027, 1, 4))
    assert d.status_label.text() == "已受理"
    assert d.deadline_label.text() == "办结期限 2027-01-04（还剩 45 天）"
    assert set(d.action_names()) == {"assign", "extend", "reply"}

    # 交办 to a department picked from its searchable list
    def assign(dlg: StepDialog) -> None:
        fill(dlg.view.editors["assigned_date"], "20261106")
        pick_ref(qtbot, dlg.view.editors["assigned_department_id"], "司法")

    step(qtbot, d, "action_assign", assign)
    p = clerk.get("petition", pid)
    assert (p.status, p.assigned_department_id, p.assigned_date, p.assign_deadline) == (
        "assigned", ref["justice"], date(2026, 11, 6), date(2027, 1, 4))

    # 延期: more than 30 days is refused by the domain, shown under the field
    def extend_too_long(dlg: StepDialog) -> None:
        fill(dlg.view.editors["extension_days"], "45")
        fill(dlg.view.editors["extension_reason"], "需现场测量")
        fill(dlg.view.editors["extension_approver"], "王建国")

    step(qtbot, d, "action_extend", extend_too_long, expect_ok=False,
         check=lambda dlg: dlg.view.error_of("extension_days") == "应为1至30天" or pytest.fail(
             dlg.view.error_of("extension_days")))
    assert clerk.get("petition", pid).extension_days is None

    def extend(dlg: StepDialog) -> None:
        fill(dlg.view.editors["extension_date"], "20261110")
        fill(dlg.view.editors["extension_days"], "30")
        fill(dlg.view.editors["extension_reason"], "需现场测量")
        fill(dlg.view.editors["extension_approver"], "王建国")

    step(qtbot, d, "action_extend", extend)
    p = clerk.get("petition", pid)
    assert (p.extension_days, p.extension_approver, p.conclude_deadline) == (30, "王建国", date(2027, 2, 3))
    assert d.deadline_label.text() == "办结期限 2027-02-03（还剩 75 天）"
    assert set(d.action_names()) == {"assign", "reply"}  # the one extension is used up

    def reply(dlg: StepDialog) -> None:
        fill(dlg.view.editors["reply_date"], "20261118")
        choose(dlg.view.editors["reply_result"], "支持")
        fill(dlg.view.editors["reply_summary"], "补偿款已拨付")
        choose(dlg.view.editors["resolution_level"], "乡镇级")

    step(qtbot, d, "action_reply", reply)
    p = clerk.get("petition", pid)
    assert (p.status, p.reply_date, p.reply_result, p.resolution_level, p.next_deadline) == (
        "replied", date(2026, 11, 18), "support", "township", None)
    assert d.deadline_label.text() == ""
    assert "rate" in d.action_names() and "request_review" in d.action_names()

    def rate(dlg: StepDialog) -> None:
        assert dlg.view.editors["rating_date"].value() == "2026-11-20"  # today by default
        choose(dlg.view.editors["rating"], "满意")

    step(qtbot, d, "action_rate", rate)
    p = clerk.get("petition", pid)
    assert (p.rating, p.rating_date) == ("satisfied", date(2026, 11, 20))
    assert d.action_names() == ["request_review"]  # rated once, not offered again

    # timeline and history show every step
    steps = [d.timeline_table.item(r, 1).text() for r in range(d.timeline_table.rowCount())]
    assert steps == ["登记", "受理告知", "交办", "延期", "答复(出具处理意见书)", "满意度评价"]
    assert "承办单位：城关司法所" in d.timeline_table.item(2, 3).text()
    actions = [d.audit_table.item(r, 2).text() for r in range(d.audit_table.rowCount())]
    assert actions == ["满意度评价", "答复(出具处理意见书)", "延期", "交办", "受理告知", "新建"]
    assert "状态：已受理 → 已交办" in d.audit_table.item(3, 3).text()
    assert VALID_ID not in d.audit_table.item(5, 3).text()  # masked in history too


def test_clerk_does_not_see_reviewer_actions_but_a_reviewer_does(qtbot: Any, clerk: Services, reviewer: Services,
                                                                 ref: dict[str, str]) -> None:
    pkg = clerk.create("package", {"title": "积案包案", "leader_id": ref["leader"], "start_date": "2026-10-01",
                                   "target_date": "2026-12-31"}).record
    d = open_detail(qtbot, clerk, "package", pkg.id)
    assert set(d.action_names()) == {"request_close", "extend"}

    step(qtbot, d, "action_request_close", lambda dlg: fill(dlg.view.editors["close_request_date"], "20261119"))
    assert clerk.get("package", pkg.id).status == "close_requested"
    assert d.action_names() == []  # approve_close / return need the reviewer
    assert not d.buttons["action_approve_close"].isEnabled() and not d.buttons["action_return"].isEnabled()
    assert "void" not in d.buttons

    r = open_detail(qtbot, reviewer, "package", pkg.id)
    assert set(r.action_names()) == {"approve_close", "return"}
    assert "void" in r.buttons

    def approve(dlg: StepDialog) -> None:
        assert dlg.view.editors["reviewer"].text() == "leader"  # signed-in user prefilled
        fill(dlg.view.editors["reviewer"], "李主任")
        fill(dlg.view.editors["review_opinion"], "已息诉罢访，同意销号")

    step(qtbot, r, "action_approve_close", approve)
    p = clerk.get("package", pkg.id)
    assert (p.status, p.closed_date, p.reviewer) == ("closed", date(2026, 11, 20), "李主任")
    assert r.status_label.text() == "已销号" and r.action_names() == []
    assert "child_progress" not in r.buttons  # closed packages take no more progress


def test_children_are_added_and_voided_from_the_detail(qtbot: Any, clerk: Services, ref: dict[str, str]) -> None:
    dis = clerk.create("dispute", {"title": "邻里排水纠纷", "found_date": "2026-11-10", "source": "grid_screening",
                                   "type": "neighbour"}).record
    d = open_detail(qtbot, clerk, "dispute", dis.id)
    assert "child_visits" not in d.buttons  # 回访 only after 调解成功

    def party(dlg: StepDialog) -> None:
        fill(dlg.view.editors["name"], "周大明")
        choose(dlg.view.editors["role"], "申请人")
        fill(dlg.view.editors["id_number"], VALID_ID)

    step(qtbot, d, "child_parties", party)
    assert d.child_tables["parties"].rowCount() == 1
    assert d.child_tables["parties"].item(0, 2).text() == "1101**********002X"
    d.personal_box.setChecked(True)  # a clerk may reveal it
    assert d.child_tables["parties"].item(0, 2).text() == VALID_ID
    assert value(d, "title") == "邻里排水纠纷"

    step(qtbot, d, "action_accept", lambda dlg: fill(dlg.view.editors["accepted_date"], "20261111"))

    def start(dlg: StepDialog) -> None:
        fill(dlg.view.editors["mediation_start_date"], "20261112")
        choose(dlg.view.editors["route"], "人民调解")
        pick_ref(qtbot, dlg.view.editors["committee_id"], "调解委员会")

    step(qtbot, d, "action_start_mediation", start)

    def succeed_without_terms(dlg: StepDialog) -> None:
        fill(dlg.view.editors["mediation_end_date"], "20261118")
        choose(dlg.view.editors["agreement_form"], "书面协议")
        choose(dlg.view.editors["resolution_level"], "村级")

    step(qtbot, d, "action_succeed", succeed_without_terms, expect_ok=False,
         check=lambda dlg: "协议内容" in (dlg.view.error_of("agreement_terms") or "") or pytest.fail("no error"))
    assert clerk.get("dispute", dis.id).status == "mediating"

    def succeed(dlg: StepDialog) -> None:
        succeed_without_terms(dlg)
        fill(dlg.view.editors["agreement_terms"], "吴家改排水沟走向，周家不再追究")

    step(qtbot, d, "action_succeed", succeed)
    assert clerk.get("dispute", dis.id).status == "succeeded" and "child_visits" in d.buttons

    def visit(dlg: StepDialog) -> None:
        fill(dlg.view.editors["visit_date"], "20261120")
        choose(dlg.view.editors["performance_status"], "已履行")
        choose(dlg.view.editors["satisfaction"], "满意")

    step(qtbot, d, "child_visits", visit)
    x = clerk.get("dispute", dis.id)
    assert (x.performance_status, x.feedback_date) == ("performed", date(2026, 11, 20))
    assert d.child_tables["visits"].rowCount() == 1

    # void the party row entered by mistake
    d.tabs.setCurrentWidget(d.child_tables["parties"].parentWidget())
    d.child_tables["parties"].selectRow(0)

    def reason(dlg: StepDialog) -> None:
        fill(dlg.view.editors["void_reason"], "录入错误")

    when_modal(lambda dlg: (reason(dlg), dlg.submit()), StepDialog)
    qtbot.mouseClick(d.child_void_buttons["parties"], Qt.MouseButton.LeftButton)
    assert d.child_tables["parties"].rowCount() == 0
    assert clerk.children("dispute", dis.id)["parties"] == []
    with clerk.session() as s:  # voided, never deleted
        [row] = s.exec(select(m.DisputeParty).where(m.DisputeParty.dispute_id == dis.id)).all()
    assert (row.voided, row.void_reason, row.name) == (True, "录入错误", "周大明")


def test_package_links_are_picked_and_progress_logged(qtbot: Any, clerk: Services, ref: dict[str, str]) -> None:
    pet = new_petition(clerk, ref)
    pkg = clerk.create("package", {"title": "包案", "leader_id": ref["leader"], "start_date": "2026-11-01",
                                   "target_date": "2026-11-25"}).record
    d = open_detail(qtbot, clerk, "package", pkg.id)
    assert d.deadline_label.text() == "化解时限 2026-11-25（还剩 5 天）"

    def pick(dlg: RecordPickerDialog) -> None:
        type_text(dlg.search_edit, "XF-2026")
        assert dlg.table.rowCount() == 1
        qtbot.keyClick(dlg.search_edit, Qt.Key.Key_Return)

    when_modal(pick, RecordPickerDialog)
    qtbot.mouseClick(d.buttons["child_links"], Qt.MouseButton.LeftButton)
    assert [(lk.record_kind, lk.record_id) for lk in clerk.children("package", pkg.id)["links"]] == [
        ("petition", pet.id)]
    assert d.child_tables["links"].item(0, 1).text() == f"{pet.serial} 张秀兰"

    def progress(dlg: StepDialog) -> None:
        assert dlg.view.editors["by_whom"].text() == "clerk"
        fill(dlg.view.editors["content"], "召开协调会")

    step(qtbot, d, "child_progress", progress)
    [pr] = clerk.children("package", pkg.id)["progress"]
    assert (pr.entry_date, pr.content) == (date(2026, 11, 20), "召开协调会")
    assert "召开协调会" in d.timeline_table.item(d.timeline_table.rowCount() - 1, 3).text()


def test_reviewer_voids_with_a_reason(qtbot: Any, clerk: Services, reviewer: Services, ref: dict[str, str]) -> None:
    pid = new_petition(clerk, ref).id
    d = open_detail(qtbot, reviewer, "petition", pid)
    assert not d.personal_box.isVisible()  # a reviewer never sees full identifiers
    assert value(d, "phone") == "138****2345"
    step(qtbot, d, "void", lambda dlg: None, expect_ok=False,
         check=lambda dlg: dlg.view.error_of("void_reason") == "作废须写明原因" or pytest.fail("no error"))
    assert clerk.get("petition", pid).voided is False
    changed: list[bool] = []
    d.changed.connect(lambda: changed.append(True))
    step(qtbot, d, "void", lambda dlg: fill(dlg.view.editors["void_reason"], "重复登记"))
    p = clerk.get("petition", pid)
    assert (p.voided, p.void_reason) == (True, "重复登记") and changed == [True]
    assert d.status_label.text() == "已作废" and d.action_names() == []
    assert "edit" not in d.buttons and "void" not in d.buttons
    assert "重复登记" in d.findChild(QLabel, "voided_banner").text()


def test_edit_from_detail_refreshes_it(qtbot: Any, clerk: Services, ref: dict[str, str]) -> None:
    pid = new_petition(clerk, ref).id
    d = open_detail(qtbot, clerk, "petition", pid)
    form = d.edit()
    qtbot.waitExposed(form)
    fill(form.view.editors["address"], "城东村8组")
    qtbot.mouseClick(form.save_button, Qt.MouseButton.LeftButton)
    assert clerk.get("petition", pid).address == "城东村8组"
    assert value(d, "address") == "城东村8组"


@pytest.mark.parametrize("kind", ["team", "volunteer", "activity", "dispatch"])
def test_every_kind_has_a_detail(qtbot: Any, clerk: Services, ref: dict[str, str], kind: str) -> None:
    data = {
        "team": {"name": "龙游老兵", "type": "mediation"},
        "volunteer": {"name": "钱美华", "phone": "13705700001", "teams": [{"team_id": ref["team"]}]},
        "activity": {"activity_date": "2026-11-19", "team_id": ref["team"], "type": "patrol", "place": "文化礼堂",
                     "content": "夜间巡防", "participants": [{"volunteer_id": ref["vol_a"], "hours": 2}]},
        "dispatch": {"title": "补偿款发放滞后", "raised_date": "2026-11-10", "deadline": "2026-12-15"},
    }[kind]
    rec = clerk.create(kind, data).record
    d = open_detail(qtbot, clerk, kind, rec.id)
    assert d.serial_label.text()
    for key, table in d.child_tables.items():
        assert table.rowCount() == len(clerk.children(kind, rec.id)[key])
    if kind == "volunteer":
        assert d.child_tables["teams"].item(0, 0).text() == "龙游大妈"
        assert value(d, "phone") == "137****0001"
    if kind == "activity":
        assert d.child_tables["participants"].item(0, 0).text() == "周秀英"
    if kind == "dispatch":
        step(qtbot, d, "action_complete", lambda dlg: fill(dlg.view.editors["result"], "已全部发放"))
        assert clerk.get("dispatch", rec.id).status == "done"
