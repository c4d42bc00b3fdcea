"""Smoke test of the service facade used by every other layer."""

from zongzhi_desktop.services import Services


def test_petition_register_and_accept(clerk: Services) -> None:
    r = clerk.create("petition", {"received_date": "2026-03-01", "form": "来访", "petitioner_name": "张三",
                                  "category": "申诉求决类", "request": "要求解决拖欠工资"})
    assert r.record.accept_deadline.isoformat() == "2026-03-16"
    p = clerk.act("petition", r.record.serial, "accept", {"decision_date": "2026-03-10", "decision": "accept"})
    assert p.status == "accepted"
    assert clerk.verify_audit()[1] == []
