"""Petitions walked through every workflow step with each statutory deadline checked."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

import pytest
from dbsnapshot import audit_count, has_chinese, snapshot

from zongzhi_desktop.domain.errors import DomainError, TransitionError, ValidationError
from zongzhi_desktop.services import Actor, Services

D = date.fromisoformat


def refused(svc: Services, exc: type[DomainError], call: Callable[[], Any], match: str | None = None) -> DomainError:
    """Run a call that must be refused, and prove the store is byte-for-byte unchanged."""
    before, n = snapshot(svc), audit_count(svc)
    with pytest.raises(exc) as info:
        call()
    assert has_chinese(info.value.message), info.value.message
    if match:
        assert match in info.value.message, info.value.message
    assert audit_count(svc) == n
    assert snapshot(svc) == before
    return info.value


def new_petition(svc: Services, received: str, **extra: Any) -> Any:
    data = {"received_date": received, "form": "来访", "petitioner_name": "张三", "category": "申诉求决类",
            "request": "要求解决拖欠工资", **extra}
    return svc.create("petition", data).record


def dept(svc: Services) -> str:
    return svc.create("department", {"name": "人社所", "kind": "hrss"}).record.id


def deadline(svc: Services, pid: str) -> tuple[date | None, str | None]:
    p = svc.get("petition", pid)
    return p.next_deadline, p.next_deadline_kind


def test_full_walk_across_month_ends(clerk: Services) -> None:
    """Received 31 Jan; accepted 13 Feb; extended; replied; 复查; 复核 to 终结; rated."""
    dep = dept(clerk)
    p = new_petition(clerk, "2026-01-31")
    assert p.serial == "XF-2026-000001" and p.status == "registered"
    assert p.accept_deadline == D("2026-02-15")
    assert deadline(clerk, p.id) == (D("2026-02-15"), "受理告知")

    p = clerk.act("petition", p.serial, "accept", {"decision_date": "2026-02-13", "decision": "受理"})
    assert p.status == "accepted" and p.conclude_deadline == D("2026-04-14")
    assert deadline(clerk, p.id) == (D("2026-04-14"), "办结")

    p = clerk.act("petition", p.id, "assign", {"assigned_date": "2026-02-14", "assigned_department_id": "人社所"})
    assert p.status == "assigned" and p.assigned_department_id == dep
    assert p.assign_deadline == D("2026-04-14")  # defaults to the statutory conclusion deadline

    p = clerk.act("petition", p.id, "extend", {"extension_date": "2026-04-10", "extension_days": 30,
                                                 "extension_reason": "涉及多部门，情况复杂", "extension_approver": "李主任"})
    assert p.conclude_deadline == D("2026-05-14") and p.status == "assigned"
    assert deadline(clerk, p.id) == (D("2026-05-14"), "办结")

    p = clerk.act("petition", p.id, "reply", {"reply_date": "2026-05-14", "reply_result": "支持",
                                                "resolution_level": "乡镇级"})
    assert p.status == "replied" and p.review_request_deadline == D("2026-06-13")
    assert deadline(clerk, p.id) == (None, None)

    p = clerk.act("petition", p.id, "request_review", {"review_request_date": "2026-06-13"})  # last day
    assert p.status == "reviewing" and p.review_deadline == D("2026-07-13")
    assert deadline(clerk, p.id) == (D("2026-07-13"), "复查答复")

    p = clerk.act("petition", p.id, "review_reply", {"review_reply_date": "2026-07-01", "review_result": "explain"})
    assert p.status == "reviewed" and p.recheck_request_deadline == D("2026-07-31")

    p = clerk.act("petition", p.id, "request_recheck", {"recheck_request_date": "2026-07-31"})
    assert p.status == "rechecking" and p.recheck_deadline == D("2026-08-30")
    assert deadline(clerk, p.id) == (D("2026-08-30"), "复核答复")

    p = clerk.act("petition", p.id, "recheck_reply", {"recheck_reply_date": "2026-08-28", "recheck_result": "not_support"})
    assert p.status == "closed" and deadline(clerk, p.id) == (None, None)

    p = clerk.act("petition", p.id, "rate", {"rating_date": "2026-09-01", "rating": "基本满意"})
    assert p.rating == "basically"

    events = [e.action for e in clerk.timeline("petition", p.id)]
    assert events == ["register", "accept", "assign", "extend", "reply", "request_review", "review_reply",
                      "request_recheck", "recheck_reply", "rate"]
    assert p.revision == 10
    assert clerk.verify_audit()[1] == []
    # 终结: nothing but nothing is left to do with the petition.
    assert [a.name for a in clerk.available_actions("petition", p)] == []  # rated: 评价 is not offered again
    refused(clerk, TransitionError, lambda: clerk.act("petition", p.id, "request_review",
                                                     {"review_request_date": "2026-09-02"}), "已终结")


def test_leap_day_2024(clerk: Services) -> None:
    p = new_petition(clerk, "2024-02-14")
    assert p.accept_deadline == D("2024-02-29")
    p = clerk.act("petition", p.id, "accept", {"decision_date": "2024-02-29", "decision": "accept"})
    assert p.conclude_deadline == D("2024-04-29")
    p = clerk.act("petition", p.id, "extend", {"extension_date": "2024-04-20", "extension_days": 15,
                                                 "extension_reason": "需现场勘查", "extension_approver": "李主任"})
    assert p.conclude_deadline == D("2024-05-14")

    q = new_petition(clerk, "2023-12-20")
    q = clerk.act("petition", q.id, "accept", {"decision_date": "2023-12-31", "decision": "accept"})
    assert q.conclude_deadline == D("2024-02-29") == q.next_deadline
    q = clerk.act("petition", q.id, "reply", {"reply_date": "2024-01-30", "reply_result": "support"})
    assert q.review_request_deadline == D("2024-02-29")


def test_leap_day_2028(admin: Services) -> None:
    """A clerk in 2028 (the services' "today" moves with the calendar)."""
    svc = Services(admin.store, Actor("clerk", "clerk"), today=lambda: D("2028-12-31"))
    p = new_petition(svc, "2028-02-14")
    assert p.accept_deadline == D("2028-02-29")
    p = svc.act("petition", p.id, "accept", {"decision_date": "2028-02-29", "decision": "accept"})
    assert p.conclude_deadline == D("2028-04-29")
    p = svc.act("petition", p.id, "reply", {"reply_date": "2028-03-31",
                                              "reply_result": "support"})
    assert p.review_request_deadline == D("2028-04-30")
    p = svc.act("petition", p.id, "request_review", {"review_request_date": "2028-04-30"})
    assert p.review_deadline == D("2028-05-30")


def test_year_end(clerk: Services) -> None:
    p = new_petition(clerk, "2025-12-20")
    assert p.accept_deadline == D("2026-01-04")
    assert p.serial.startswith("XF-2025-")
    p = clerk.act("petition", p.id, "accept", {"decision_date": "2025-12-31", "decision": "accept"})
    assert p.conclude_deadline == D("2026-03-01")


def test_extension_rules(clerk: Services) -> None:
    p = new_petition(clerk, "2026-05-01")
    clerk.act("petition", p.id, "accept", {"decision_date": "2026-05-05", "decision": "accept"})
    good = {"extension_date": "2026-06-20", "extension_days": 30, "extension_reason": "情况复杂",
            "extension_approver": "李主任"}
    refused(clerk, ValidationError, lambda: clerk.act("petition", p.id, "extend", {**good, "extension_days": 31}),
            "1至30天")
    refused(clerk, ValidationError, lambda: clerk.act("petition", p.id, "extend", {**good, "extension_days": 0}),
            "延长天数")
    refused(clerk, ValidationError, lambda: clerk.act("petition", p.id, "extend", {**good, "extension_reason": ""}),
            "延期理由")
    no_approver = {k: v for k, v in good.items() if k != "extension_approver"}
    refused(clerk, ValidationError, lambda: clerk.act("petition", p.id, "extend", no_approver), "批准人")
    refused(clerk, ValidationError, lambda: clerk.act("petition", p.id, "extend", {**good, "extension_date": "2026-05-04"}),
            "受理")

    p = clerk.act("petition", p.id, "extend", {**good, "extension_days": 10})
    assert p.conclude_deadline == D("2026-07-14") and p.extension_days == 10
    err = refused(clerk, TransitionError, lambda: clerk.act("petition", p.id, "extend", good), "只能延长一次")
    assert "第三十四条" in err.message
    # A registered petition has nothing to extend yet.
    q = new_petition(clerk, "2026-05-02")
    refused(clerk, TransitionError, lambda: clerk.act("petition", q.id, "extend", good), "已登记待受理")


def test_not_accepted(clerk: Services) -> None:
    p = new_petition(clerk, "2026-06-01")
    refused(clerk, ValidationError, lambda: clerk.act("petition", p.id, "accept",
                                                     {"decision_date": "2026-06-05", "decision": "不予受理"}), "理由")
    p = clerk.act("petition", p.id, "accept", {"decision_date": "2026-06-05", "decision": "不予受理",
                                                 "decision_reason": "已进入诉讼程序"})
    assert p.status == "not_accepted" and p.next_deadline is None and p.conclude_deadline is None
    refused(clerk, TransitionError, lambda: clerk.act("petition", p.id, "reply",
                                                     {"reply_date": "2026-06-06", "reply_result": "support"}))


def test_illegal_transitions_change_nothing(clerk: Services) -> None:
    dept(clerk)
    p = new_petition(clerk, "2026-07-01")
    reply = {"reply_date": "2026-07-10", "reply_result": "support"}
    err = refused(clerk, TransitionError, lambda: clerk.act("petition", p.id, "reply", reply), "不能执行")
    assert "已登记待受理" in err.message and "答复" in err.message
    refused(clerk, TransitionError, lambda: clerk.act("petition", p.id, "request_review",
                                                     {"review_request_date": "2026-07-10"}))
    refused(clerk, TransitionError, lambda: clerk.act("petition", p.id, "rate",
                                                     {"rating_date": "2026-07-10", "rating": "satisfied"}))
    refused(clerk, TransitionError, lambda: clerk.act("petition", p.id, "fly_away", {}), "没有名为")
    refused(clerk, ValidationError, lambda: clerk.act("petition", p.id, "accept",
                                                     {"decision_date": "2026-06-30", "decision": "accept"}), "收件日期")
    refused(clerk, ValidationError, lambda: clerk.act("petition", p.id, "accept",
                                                     {"decision_date": "2026-12-01", "decision": "accept"}), "不能晚于今天")

    clerk.act("petition", p.id, "accept", {"decision_date": "2026-07-02", "decision": "accept"})
    refused(clerk, TransitionError, lambda: clerk.act("petition", p.id, "accept",
                                                     {"decision_date": "2026-07-03", "decision": "accept"}), "已受理")
    # An assignment deadline after the statutory one is refused, the partly-applied step rolled back.
    refused(clerk, ValidationError, lambda: clerk.act("petition", p.id, "assign", {
        "assigned_date": "2026-07-03", "assigned_department_id": "人社所", "assign_deadline": "2026-12-31"}), "交办办结时限")

    clerk.act("petition", p.id, "reply", reply)
    refused(clerk, ValidationError, lambda: clerk.act("petition", p.id, "request_review",
                                                     {"review_request_date": "2026-08-10"}), "已超过申请复查期限")
    clerk.act("petition", p.id, "rate", {"rating_date": "2026-07-11", "rating": "satisfied"})
    refused(clerk, TransitionError, lambda: clerk.act("petition", p.id, "rate",
                                                     {"rating_date": "2026-07-12", "rating": "satisfied"}), "不能重复评价")


def test_voided_petition_cannot_move(clerk: Services, reviewer: Services) -> None:
    p = new_petition(clerk, "2026-08-01")
    reviewer.void("petition", p.id, "重复录入")
    refused(clerk, TransitionError, lambda: clerk.act("petition", p.id, "accept",
                                                     {"decision_date": "2026-08-02", "decision": "accept"}), "已作废")
    refused(reviewer, TransitionError, lambda: reviewer.void("petition", p.id, "再次作废"), "已作废")
    assert clerk.list_records("petition") == []
    assert [r.id for r in clerk.list_records("petition", include_voided=True)] == [p.id]
    assert clerk.get("petition", p.id).next_deadline == D("2026-08-16")  # kept, but voided rows never count
    assert clerk.due(within=10_000) == []


def test_update_keeps_workflow_fields(clerk: Services) -> None:
    p = new_petition(clerk, "2026-09-01")
    p = clerk.update("petition", p.id, {"received_date": "2026-09-03", "phone": "+86 138 1234 5678"})
    assert p.accept_deadline == D("2026-09-18") == p.next_deadline and p.phone == "13812345678"
    assert p.revision == 2 and p.updated_by == "clerk"
    refused(clerk, ValidationError, lambda: clerk.update("petition", p.id, {"status": "closed"}), "不是此类记录可填写的字段")
    refused(clerk, ValidationError, lambda: clerk.update("petition", p.id, {"petitioner_name": ""}), "信访人姓名")
    refused(clerk, DomainError, lambda: clerk.update("petition", p.id, {}), "没有要修改的字段")
