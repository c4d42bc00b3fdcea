"""待办 (services/todo.py): what waits for a reviewer and for a clerk."""

from __future__ import annotations

from datetime import timedelta

from zongzhi_desktop.reports import service as rs
from zongzhi_desktop.services import Actor, Services
from zongzhi_desktop.services.todo import todo_for


def _package(admin: Services, clerk: Services, title: str, target_days: int) -> str:
    today = clerk.today()
    admin.create("leader", {"name": f"王{title}", "post": "镇长", "level": "township"})
    return clerk.create("package", {
        "title": title, "leader_id": f"王{title}", "start_date": (today - timedelta(days=60)).isoformat(),
        "target_date": (today + timedelta(days=target_days)).isoformat(),
    }).record.id


def test_reviewer_sees_close_requests_unsigned_sheets_and_overdue_packages(admin: Services, clerk: Services,
                                                                          reviewer: Services) -> None:
    today = clerk.today()
    asking = _package(admin, clerk, "申请销号的包案", 30)
    clerk.act("package", asking, "request_close", {"close_request_date": today.isoformat()})
    late = _package(admin, clerk, "逾期包案", -3)
    _package(admin, clerk, "正常包案", 60)
    rs.save_sheet(clerk, "weekly", "2026-W47", {"opinion": "平稳"})

    items = todo_for(reviewer)
    groups = [(i.group, i.kind, i.record_id) for i in items]
    assert ("close_request", "package", asking) in groups
    close = next(i for i in items if i.group == "close_request")
    assert close.action == "approve_close" and "申请销号的包案" in close.label
    [sheet] = [i for i in items if i.group == "sheet"]
    assert sheet.kind == "weekly" and sheet.period == "2026-W47" and "周研判表" in sheet.label
    assert ("package_overdue", "package", late) in groups
    assert all(i.label.find("正常包案") < 0 for i in items if i.group in ("close_request", "package_overdue"))
    # the order: 申请销号, 待签发, 包案逾期, then the clerk's own overdue / due-soon items
    order = [i.group for i in items]
    assert order.index("close_request") < order.index("sheet") < order.index("package_overdue")

    rs.sign_sheet(reviewer, "weekly", "2026-W47")
    assert not [i for i in todo_for(reviewer) if i.group == "sheet"]  # signed: no longer waiting


def test_clerk_sees_overdue_and_near_due_items_not_the_review_queue(admin: Services, clerk: Services) -> None:
    today = clerk.today()
    asking = _package(admin, clerk, "申请销号的包案", 5)
    clerk.act("package", asking, "request_close", {"close_request_date": today.isoformat()})
    old = clerk.create("petition", {"received_date": (today - timedelta(days=20)).isoformat(), "form": "visit",
                                    "petitioner_name": "刘长海", "category": "claim", "request": "宅基地确权"}).record
    fresh = clerk.create("petition", {"received_date": (today - timedelta(days=10)).isoformat(), "form": "visit",
                                      "petitioner_name": "张三", "category": "claim", "request": "工资"}).record
    items = todo_for(clerk)
    assert not [i for i in items if i.group in ("close_request", "sheet", "package_overdue")]
    got = {(i.group, i.kind, i.record_id) for i in items}
    assert ("overdue", "petition", old.id) in got  # 受理告知 was due 15 days after receipt
    assert ("due_soon", "petition", fresh.id) in got


def test_close_review_lists_cases_and_is_quiet_when_everything_is_done(admin: Services, clerk: Services) -> None:
    from zongzhi_desktop.services.todo import close_review

    today = clerk.today()
    d = clerk.create("dispute", {"title": "邻里纠纷", "found_date": today.isoformat(), "source": "grid_screening",
                                 "type": "neighbour"}).record
    admin.create("leader", {"name": "李镇长", "post": "镇长", "level": "township"})
    five = {k: True for k in ("know_situation", "counsel", "solve_problem", "stabilise", "stop_petitioning")}
    pkg = clerk.create("package", {"title": "邻里包案", "leader_id": "李镇长", "start_date": today.isoformat(),
                                   "target_date": today.isoformat(), **five,
                                   "links": [{"record_kind": "dispute", "record_id": d.id}]}).record
    review = close_review(clerk, pkg.id)
    assert [(c.kind, c.state, c.open) for c in review.links] == [("dispute", "排查登记", True)]
    assert all(done for _, done in review.checklist) and len(review.checklist) == 5
    assert review.warnings == [f"关联案件 {d.serial}　邻里纠纷 仍在办（排查登记）"]
    clerk.act("dispute", d.id, "accept", {"accepted_date": today.isoformat()})
    clerk.act("dispute", d.id, "start_mediation", {"mediation_start_date": today.isoformat(), "route": "people"})
    clerk.act("dispute", d.id, "succeed", {"mediation_end_date": today.isoformat(), "agreement_form": "oral",
                                           "resolution_level": "village"})
    assert close_review(clerk, pkg.id).warnings == []


def test_a_leader_sees_only_their_own_overdue_packages(admin: Services, clerk: Services) -> None:
    """A reviewer whose name is one of the 领导 sees that leader's overdue packages; the centre's head
    (no such leader) sees every one."""
    mine = _package(admin, clerk, "甲", -3)  # leader 王甲
    other = _package(admin, clerk, "乙", -5)  # leader 王乙
    admin.create_user("wangjia", "王甲", "reviewer", "wangjia-pass-1")
    leader = Services(admin.store, Actor("wangjia", "reviewer"), today=admin._today)
    late = {i.record_id for i in todo_for(leader) if i.group == "package_overdue"}
    assert late == {mine}
    head = Services(admin.store, Actor("leader", "reviewer"), today=admin._today)  # 李主任: not a 包案 leader
    assert {i.record_id for i in todo_for(head) if i.group == "package_overdue"} == {mine, other}
