"""重点人员 through the services: the grant, registration, visits and the next-visit deadline,
release and resume, the cadence setting, and the audit trail."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from zongzhi_desktop.domain.errors import PermissionDenied, TransitionError, ValidationError
from zongzhi_desktop.services.context import Actor, Services
from zongzhi_desktop.services.listing import Lister, ListQuery

KIND = "keyperson"


def _as(svc: Services, username: str, role: str) -> Services:
    return Services(svc.store, Actor(username, role), today=svc._today)


@pytest.fixture
def village(admin: Services) -> str:
    return admin.create("village", {"name": "溪口村", "code": "330825101201", "kind": "村"}).record.id


@pytest.fixture
def granted(admin: Services) -> tuple[Services, Services]:
    """The clerk and the leader, both granted 查看重点人员."""
    admin.set_grant("clerk", "view_keyperson", True)
    admin.set_grant("leader", "view_keyperson", True)
    return _as(admin, "clerk", "clerk"), _as(admin, "leader", "reviewer")


def _person(village: str, **kw: object) -> dict[str, object]:
    return {"name": "张三", "id_number": "330825198503120017", "phone": "13905701234", "village_id": village,
            "category": "严重精神障碍患者", "risk_level": "中", "registered_date": "2026-10-02",
            "measures": "监护人落实看护，社区医生每月随访", **kw}


def test_nobody_reads_the_register_without_the_grant(admin: Services, village: str) -> None:
    clerk = _as(admin, "clerk", "clerk")
    with pytest.raises(PermissionDenied, match="查看重点人员"):
        clerk.create(KIND, _person(village))
    admin.set_grant("clerk", "view_keyperson", True)
    clerk = _as(admin, "clerk", "clerk")
    rec = clerk.create(KIND, _person(village)).record
    leader = _as(admin, "leader", "reviewer")
    for read in (lambda: leader.get(KIND, rec.id), lambda: leader.list_records(KIND),
                 lambda: leader.count_records(KIND), lambda: Lister(leader).count(ListQuery(KIND))):
        with pytest.raises(PermissionDenied, match="查看重点人员"):
            read()
    assert all(item.kind != KIND for item in leader.due(within=60))  # not even a name in 首页's list
    assert any(item.kind == KIND for item in clerk.due(within=60))
    # The administrator manages grants but does not read the register without one either.
    with pytest.raises(PermissionDenied):
        admin.get(KIND, rec.id)
    admin.set_grant("clerk", "view_keyperson", False)
    with pytest.raises(PermissionDenied):
        _as(admin, "clerk", "clerk").get(KIND, rec.id)


def test_grant_is_for_admins_and_named_users(admin: Services) -> None:
    with pytest.raises(PermissionDenied):
        _as(admin, "clerk", "clerk").set_grant("clerk", "view_keyperson", True)
    with pytest.raises(ValidationError, match="没有用户"):
        admin.set_grant("nobody", "view_keyperson", True)
    with pytest.raises(ValidationError, match="没有权限"):
        admin.set_grant("clerk", "see_everything", True)
    admin.set_grant("clerk", "view_keyperson", True)
    assert admin.grant_holders("view_keyperson") == ["clerk"]


def test_visits_move_the_next_visit_deadline(admin: Services, village: str, granted) -> None:
    clerk, _leader = granted
    rec = clerk.create(KIND, _person(village)).record
    assert rec.serial.startswith("ZD-2026-")
    assert rec.status == "managed" and rec.risk_level == "medium"
    assert rec.next_deadline == date(2026, 11, 1)  # 严重精神障碍患者: every 30 days from registration
    assert rec.next_deadline_kind == "走访期限"
    clerk.add_child(KIND, rec.serial, "visits", {"visit_date": "2026-11-10", "visitor": "网格员老李",
                                                "situation": "情绪稳定，按时服药", "risk_after": "低"})
    rec = clerk.get(KIND, rec.id)
    assert (rec.last_visit_date, rec.risk_level, rec.next_deadline) == (date(2026, 11, 10), "low", date(2026, 12, 10))
    assert rec.risk_raised_date is None
    clerk.add_child(KIND, rec.id, "visits", {"visit_date": "2026-11-15", "visitor": "网格员老李",
                                            "situation": "与邻居争吵，扬言报复", "risk_after": "高"})
    rec = clerk.get(KIND, rec.id)
    assert (rec.risk_level, rec.risk_raised_date) == ("high", date(2026, 11, 15))
    visits = clerk.children(KIND, rec.id)["visits"]
    assert [(v.risk_before, v.risk_after) for v in visits] == [("medium", "low"), ("low", "high")]
    with pytest.raises(ValidationError, match="走访日期"):
        clerk.add_child(KIND, rec.id, "visits", {"visit_date": "2026-09-01", "visitor": "甲", "situation": "早于列管"})


def test_release_needs_a_reviewer_reason_and_approver(admin: Services, village: str, granted) -> None:
    clerk, leader = granted
    rec = clerk.create(KIND, _person(village, category="刑释解教人员")).record
    assert rec.next_deadline == date(2026, 10, 2) + timedelta(days=90)  # first year: every 90 days
    with pytest.raises(PermissionDenied):
        clerk.act(KIND, rec.id, "release", {"released_date": "2026-11-18", "release_reason": "帮教期满",
                                            "release_approver": "王书记"})
    with pytest.raises(ValidationError, match="解除原因"):
        leader.act(KIND, rec.id, "release", {"released_date": "2026-11-18", "release_approver": "王书记"})
    rec = leader.act(KIND, rec.id, "release", {"released_date": "2026-11-18", "release_reason": "帮教期满，表现良好",
                                               "release_approver": "王书记"})
    assert (rec.status, rec.next_deadline) == ("released", None)
    with pytest.raises(TransitionError, match="恢复管控"):
        clerk.add_child(KIND, rec.id, "visits", {"visit_date": "2026-11-19", "visitor": "甲", "situation": "走访"})
    rec = leader.act(KIND, rec.id, "resume", {"resume_date": "2026-11-19", "resume_reason": "再次扬言报复"})
    assert rec.status == "managed" and rec.released_date is None and rec.next_deadline is not None


def test_cadence_setting_moves_open_deadlines_with_entries(admin: Services, village: str, granted) -> None:
    clerk, _ = granted
    rec = clerk.create(KIND, _person(village, category="独居老人（独）")).record
    assert rec.next_deadline == date(2026, 10, 2) + timedelta(days=90)  # the default cadence
    with pytest.raises(ValidationError, match="走访周期"):
        admin.set_setting("cadence.alone", "每月")
    with pytest.raises(ValidationError, match="没有人员类别"):
        admin.set_setting("cadence.nobody", "30")
    admin.set_setting("cadence.alone", "15 / 60")
    assert admin.get_setting("cadence.alone") == "15/60"
    rec = _as(admin, "clerk", "clerk").get(KIND, rec.id)
    assert rec.next_deadline == date(2026, 10, 17)
    checked, problems = admin.verify_audit()
    assert problems == [] and checked > 0


def test_links_to_petitions_and_disputes(admin: Services, village: str, granted) -> None:
    clerk, _ = granted
    rec = clerk.create(KIND, _person(village)).record
    with pytest.raises(ValidationError, match="关联类型"):
        clerk.add_child(KIND, rec.id, "links", {"record_kind": "volunteer", "record_id": "x"})
    with pytest.raises(ValidationError, match="找不到信访件"):
        clerk.add_child(KIND, rec.id, "links", {"record_kind": "petition", "record_id": "XF-2026-999999"})


def test_audit_verify_names_a_key_person_row_edited_outside_the_program(admin: Services, village: str,
                                                                        granted) -> None:
    import sqlite3

    clerk, _ = granted
    rec = clerk.create(KIND, _person(village)).record
    admin.store.close()
    with sqlite3.connect(admin.store.path) as conn:
        conn.execute("UPDATE key_person SET risk_level = 'low' WHERE id = ?", (rec.id,))
    _, problems = admin.verify_audit()
    assert len(problems) == 1 and rec.id in str(problems[0]) and "risk_level" in str(problems[0])


def test_voided_by_a_reviewer_and_kept(admin: Services, village: str, granted) -> None:
    clerk, leader = granted
    rec = clerk.create(KIND, _person(village)).record
    with pytest.raises(PermissionDenied):
        clerk.void(KIND, rec.id, "重复登记")
    voided = leader.void(KIND, rec.id, "重复登记")
    assert voided.voided and voided.revision == 2
    assert rec.id not in {r.id for r in clerk.list_records(KIND)}
    assert clerk.get(KIND, rec.id).void_reason == "重复登记"
    assert all(item.id != rec.id for item in clerk.due(within=365))


def test_a_petition_naming_a_key_person_is_pointed_out_only_to_granted_users(admin: Services, village: str,
                                                                            granted) -> None:
    from zongzhi_desktop.kinds.keyperson.services import suggested_links

    clerk, _ = granted
    person = clerk.create(KIND, _person(village)).record
    petition = {"received_date": "2026-11-18", "form": "来访", "petitioner_name": "张三",
                "id_number": "330825198503120017", "category": "申诉求决类", "request": "要求解决宅基地纠纷"}
    result = clerk.create("petition", petition)
    assert any(person.serial in w and "重点人员" in w for w in result.warnings)
    dispute = clerk.create("dispute", {"title": "宅基地纠纷", "found_date": "2026-11-19", "source": "主动调解", "type": "其他",
                                       "parties": [{"name": "张三", "role": "申请人", "id_number": "330825198503120017"}]})
    assert any(person.serial in w for w in dispute.warnings)
    other = admin  # not granted: not told
    assert not any("重点人员" in w for w in other.create("petition", {**petition, "received_date": "2026-11-19"}).warnings)
    suggested = suggested_links(clerk, person.id)
    assert {k for k, _id, _s in suggested} == {"petition", "dispute"} and len(suggested) == 3
    clerk.add_child(KIND, person.id, "links", {"record_kind": "petition", "record_id": result.record.serial})
    assert result.record.id not in {rid for _k, rid, _s in suggested_links(clerk, person.id)}
    with pytest.raises(PermissionDenied):
        suggested_links(other, person.id)
