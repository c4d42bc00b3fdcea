"""Disputes, case-packages and dispatch items walked through their workflows."""

from __future__ import annotations

from datetime import date

from dbsnapshot import audit_count
from test_workflows_petition import new_petition, refused

from zongzhi_desktop.domain.errors import PermissionDenied, TransitionError, ValidationError
from zongzhi_desktop.services import Services

D = date.fromisoformat
ID_A = "330825198503150021"  # valid GB 11643 numbers
ID_B = "11010519491231002X"


def new_dispute(svc: Services, found: str, **extra: object) -> object:
    data = {"title": "张李两家宅基地纠纷", "found_date": found, "source": "网格员排查", "type": "房屋宅基地",
            "risk_level": "高", "homicide_risk": True, **extra}
    return svc.create("dispute", data).record


def test_dispute_success_path(clerk: Services) -> None:
    r = new_dispute(clerk, "2026-01-31", parties=[
        {"name": "张大山", "role": "申请人", "id_number": ID_A, "phone": "13800001111"},
        {"name": "李小河", "role": "被申请人", "id_number": ID_B.lower()},
    ])
    assert r.serial == "JF-2026-000001" and r.status == "registered"
    # Every open stage has a next deadline (issue 16): 受理 within 7 days of the found date …
    assert (r.next_deadline, r.next_deadline_kind) == (D("2026-02-07"), "受理期限")
    parties = clerk.children("dispute", r.id)["parties"]
    assert sorted(p.id_number for p in parties) == sorted([ID_A, ID_B])

    r = clerk.act("dispute", r.id, "accept", {"accepted_date": "2026-01-31"})
    # … 调解开始 within 30 days of acceptance …
    assert (r.next_deadline, r.next_deadline_kind) == (D("2026-03-02"), "调解开始期限")
    r = clerk.act("dispute", r.id, "start_mediation", {"mediation_start_date": "2026-02-01", "route": "人民调解"})
    assert r.status == "mediating" and r.mediation_warn_date == D("2026-03-03")
    assert (r.next_deadline, r.next_deadline_kind) == (D("2026-03-03"), "调解期限")

    refused(clerk, ValidationError, lambda: clerk.act("dispute", r.id, "succeed", {
        "mediation_end_date": "2026-02-27", "agreement_form": "书面协议", "resolution_level": "村级"}), "协议内容")
    refused(clerk, TransitionError,
            lambda: clerk.add_child("dispute", r.id, "visits", {"visit_date": "2026-02-20"}), "调解成功后")

    r = clerk.act("dispute", r.id, "succeed", {
        "mediation_end_date": "2026-02-27", "agreement_form": "written", "agreement_date": "2026-02-28",
        "agreement_terms": "张家退让0.5米，李家补偿2000元", "resolution_level": "village"})
    assert r.status == "succeeded" and r.resolved_date == D("2026-02-27")
    assert r.judicial_confirm_deadline == D("2026-03-30") and r.next_deadline is None

    refused(clerk, ValidationError, lambda: clerk.act("dispute", r.id, "judicial_confirm",
                                                     {"judicial_confirm_date": "2026-03-31"}), "30日内")
    r = clerk.act("dispute", r.id, "judicial_confirm", {"judicial_confirm_date": "2026-03-30"})
    assert r.confirmed_date == D("2026-03-30")
    refused(clerk, TransitionError, lambda: clerk.act("dispute", r.id, "judicial_confirm",
                                                     {"judicial_confirm_date": "2026-03-30"}), "已登记司法确认")
    r = clerk.act("dispute", r.id, "confirm", {"confirmed_date": "2026-04-01"})
    refused(clerk, TransitionError, lambda: clerk.act("dispute", r.id, "confirm",
                                                     {"confirmed_date": "2026-04-02"}), "已办理过")

    visit = clerk.add_child("dispute", r.id, "visits", {"visit_date": "2026-04-15", "performance_status": "已履行",
                                                        "satisfaction": "满意", "visitor": "王调解员"})
    assert visit.visitor == "王调解员"
    r = clerk.get("dispute", r.id)
    assert r.performance_status == "performed" and r.feedback_date == D("2026-04-15")
    # 五个第一时间: 发现, 受理, 化解, 确认, 反馈 all recorded.
    assert (r.found_date, r.accepted_date, r.resolved_date, r.confirmed_date, r.feedback_date) == (
        D("2026-01-31"), D("2026-01-31"), D("2026-02-27"), D("2026-04-01"), D("2026-04-15"))
    assert clerk.verify_audit()[1] == []


def test_dispute_failure_path_and_leap_year(clerk: Services) -> None:
    r = new_dispute(clerk, "2024-01-20")
    clerk.act("dispute", r.id, "accept", {"accepted_date": "2024-01-25"})
    r = clerk.act("dispute", r.id, "start_mediation", {"mediation_start_date": "2024-01-30", "route": "行政调解"})
    assert r.mediation_warn_date == D("2024-02-29")
    refused(clerk, TransitionError, lambda: clerk.act("dispute", r.id, "after_failure", {
        "outcome_date": "2024-03-01", "failure_outcome": "诉讼"}), "调解中")
    r = clerk.act("dispute", r.id, "fail", {"mediation_end_date": "2024-03-05", "failure_reason": "双方分歧大"})
    assert r.status == "failed" and r.resolved_date is None
    # … and 移交/诉讼/终止 within 15 days of the failed mediation.
    assert (r.next_deadline, r.next_deadline_kind) == (D("2024-03-20"), "调解不成处理期限")
    r = clerk.act("dispute", r.id, "after_failure", {"outcome_date": "2024-03-06", "failure_outcome": "litigation"})
    assert r.status == "litigated" and r.next_deadline is None
    r = clerk.act("dispute", r.id, "feedback", {"feedback_date": "2024-03-07"})
    assert r.feedback_date == D("2024-03-07")
    refused(clerk, TransitionError, lambda: clerk.act("dispute", r.id, "start_mediation", {
        "mediation_start_date": "2024-03-08", "route": "人民调解"}), "转诉讼")


def test_dispute_unknown_code_and_bad_party_change_nothing(clerk: Services) -> None:
    n = audit_count(clerk)
    refused(clerk, ValidationError, lambda: new_dispute(clerk, "2026-05-01", type="吵架"), "纠纷类型")
    refused(clerk, ValidationError, lambda: new_dispute(clerk, "2026-05-01", parties=[
        {"name": "张三", "id_number": "110105194912310022"}]), "校验位")
    assert audit_count(clerk) == n and clerk.list_records("dispute") == []


def test_package_close_return_and_extend(clerk: Services, reviewer: Services) -> None:
    clerk.create("leader", {"name": "王镇长", "post": "镇长", "level": "乡镇级"})
    pet = new_petition(clerk, "2026-02-01")
    dis = new_dispute(clerk, "2026-02-02")
    pkg = clerk.create("package", {
        "title": "张某拖欠工资积案", "leader_id": "王镇长", "start_date": "2026-03-01", "target_date": "2026-06-30",
        "know_situation": "是", "supervised": True, "is_backlog": True,
        "links": [{"record_kind": "petition", "record_id": pet.serial},
                  {"record_kind": "dispute", "record_id": dis.serial}],
    }).record
    assert pkg.serial == "BA-2026-000001" and pkg.status == "in_progress"
    assert (pkg.next_deadline, pkg.next_deadline_kind) == (D("2026-06-30"), "化解时限")
    assert sorted(lk.record_id for lk in clerk.children("package", pkg.id)["links"]) == sorted([pet.id, dis.id])

    clerk.add_child("package", pkg.id, "progress", {"entry_date": "2026-03-15", "content": "约谈企业负责人",
                                                    "by_whom": "王镇长"})
    refused(clerk, ValidationError, lambda: clerk.act("package", pkg.id, "extend", {
        "extension_date": "2026-06-20", "target_date": "2026-06-30", "extension_reason": "等待判决"}), "应晚于原时限")
    pkg = clerk.act("package", pkg.id, "extend", {"extension_date": "2026-06-20", "target_date": "2026-09-30",
                                                  "extension_reason": "等待判决"})
    assert pkg.next_deadline == D("2026-09-30")

    clerk.act("package", pkg.id, "request_close", {"close_request_date": "2026-09-01"})
    close = {"closed_date": "2026-09-05", "reviewer": "李主任", "review_opinion": "同意销号"}
    refused(clerk, PermissionDenied, lambda: clerk.act("package", pkg.id, "approve_close", close), "销号")
    pkg = reviewer.act("package", pkg.id, "return", {"return_date": "2026-09-03", "reviewer": "李主任",
                                                     "review_opinion": "息诉罢访材料不全"})
    assert pkg.status == "in_progress" and pkg.close_request_date is None and pkg.next_deadline == D("2026-09-30")
    refused(reviewer, TransitionError, lambda: reviewer.act("package", pkg.id, "approve_close", close), "包案中")
    clerk.act("package", pkg.id, "request_close", {"close_request_date": "2026-09-04"})
    pkg = reviewer.act("package", pkg.id, "approve_close", close)
    assert pkg.status == "closed" and pkg.closed_date == D("2026-09-05") and pkg.next_deadline is None
    assert pkg.updated_by == "leader"
    refused(clerk, TransitionError, lambda: clerk.add_child("package", pkg.id, "progress", {
        "entry_date": "2026-09-06", "content": "回访", "by_whom": "王镇长"}), "已销号")
    actions = [e.action for e in clerk.timeline("package", pkg.id)]
    assert actions == ["register", "progress", "extend", "request_close", "return", "request_close", "approve_close"]


def test_package_target_before_start_refused(clerk: Services) -> None:
    clerk.create("leader", {"name": "王镇长", "post": "镇长"})
    refused(clerk, ValidationError, lambda: clerk.create("package", {
        "title": "x", "leader_id": "王镇长", "start_date": "2026-03-01", "target_date": "2026-02-01"}), "化解时限")


def test_dispatch_item(clerk: Services) -> None:
    item = clerk.create("dispatch", {"title": "村道拓宽涉及三户征地补偿", "raised_date": "2026-10-01",
                                     "deadline": "2026-11-10"}).record
    assert item.serial == "DD-2026-000001" and item.next_deadline == D("2026-11-10")
    assert [i.id for i in clerk.list_records("dispatch", overdue=True)] == [item.id]
    due = clerk.due()
    assert [(d.kind, d.days_left, d.overdue) for d in due] == [("dispatch", -10, True)]
    item = clerk.act("dispatch", item.id, "complete", {"done_date": "2026-11-15", "result": "已补偿到位"})
    assert item.status == "done" and item.next_deadline is None and clerk.due() == []


def test_step_dates_cannot_precede_the_steps_they_follow(clerk: Services, reviewer: Services) -> None:
    clerk.create("leader", {"name": "王镇长", "post": "镇长"})
    pkg = clerk.create("package", {"title": "t", "leader_id": "王镇长", "start_date": "2026-03-01",
                                   "target_date": "2026-06-30"}).record
    refused(clerk, ValidationError, lambda: clerk.act("package", pkg.id, "extend", {
        "extension_date": "2026-02-01", "target_date": "2026-09-30", "extension_reason": "r"}), "包案日期")
    clerk.act("package", pkg.id, "request_close", {"close_request_date": "2026-05-01"})
    refused(reviewer, ValidationError, lambda: reviewer.act("package", pkg.id, "return", {
        "return_date": "2026-04-30", "reviewer": "李主任", "review_opinion": "退回"}), "申请销号日期")
    d = new_dispute(clerk, "2026-03-01")
    clerk.act("dispute", d.id, "accept", {"accepted_date": "2026-03-02"})
    clerk.act("dispute", d.id, "start_mediation", {"mediation_start_date": "2026-03-05", "route": "people"})
    refused(clerk, ValidationError, lambda: clerk.act("dispute", d.id, "succeed", {
        "mediation_end_date": "2026-03-10", "agreement_form": "oral", "agreement_date": "2026-03-04",
        "resolution_level": "village"}), "协议生效日期")


def test_child_voided_once(clerk: Services) -> None:
    d = new_dispute(clerk, "2026-03-01", parties=[{"name": "甲"}])
    party = clerk.children("dispute", d.id)["parties"][0]
    clerk.void_child("dispute", "parties", party.id, "录错")
    refused(clerk, TransitionError, lambda: clerk.void_child("dispute", "parties", party.id, "录错"), "已作废")
