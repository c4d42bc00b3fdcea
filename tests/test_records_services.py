"""The service facade: every record kind, sync columns, lists and filters, what is due."""

from __future__ import annotations

from datetime import UTC, date
from pathlib import Path

import pytest
from dbsnapshot import audit_count
from test_workflows_petition import new_petition, refused

from zongzhi_desktop.domain import models as m
from zongzhi_desktop.domain.errors import DomainError, NotFound, TransitionError, ValidationError
from zongzhi_desktop.domain.workflows import WORKFLOWS
from zongzhi_desktop.services import Services, open_services
from zongzhi_desktop.services.kinds import KINDS, RECORD_KINDS


def test_every_field_is_a_column() -> None:
    """A field the model lacks would be silently dropped on save."""
    for name, spec in KINDS.items():
        columns = set(spec.model.__table__.columns.keys())
        assert {f.name for f in spec.fields} <= columns, name
        for key, child in spec.children.items():
            assert {f.name for f in child.fields} <= set(child.model.__table__.columns.keys()), (name, key)
        # A register only granted users read (重点人员) does not travel to the county in bundles.
        assert issubclass(spec.model, m.Record) and (spec.model in m.SYNCED_MODELS or spec.read_grant), name
    for kind, wf in WORKFLOWS.items():
        assert set(wf.open_states) <= set(wf.states), kind
        for action in wf.actions.values():
            assert action.sources <= set(wf.states), (kind, action.name)
            assert any(ch >= "\u4e00" for ch in action.label), (kind, action.name)


def test_volunteer_team_activity(clerk: Services) -> None:
    team = clerk.create("team", {"name": "龙游老兵", "type": "矛盾调解", "leader_name": "陈", "phone": "13600004444",
                                 "founded_date": "2025-01-01"}).record
    vol = clerk.create("volunteer", {"name": "陈老伯", "gender": "男", "phone": "13500005555",
                                     "teams": [{"team_id": "龙游老兵"}]}).record
    assert vol.active is True  # model default kept when absent
    assert [tm.team_id for tm in clerk.children("volunteer", vol.id)["teams"]] == [team.id]
    act = clerk.create("activity", {"activity_date": "2026-11-01", "team_id": team.id, "type": "法治宣传",
                                    "place": "文化礼堂", "content": "民法典宣讲", "people_served": "120",
                                    "participants": [{"volunteer_id": "陈老伯", "hours": "3.5"}]}).record
    assert act.serial == "HD-2026-000001" and act.people_served == 120
    part = clerk.children("activity", act.id)["participants"][0]
    assert (part.volunteer_id, part.hours) == (vol.id, 3.5)
    refused(clerk, ValidationError, lambda: clerk.create("activity", {
        "activity_date": "2026-11-02", "team_id": team.id, "type": "法治宣传", "place": "x", "content": "y",
        "participants": [{"volunteer_id": "查无此人"}]}), "志愿者")
    refused(clerk, ValidationError, lambda: clerk.create("activity", {
        "activity_date": "2026-11-02", "team_id": team.id, "type": "法治宣传", "place": "x", "content": "y",
        "participants": {"volunteer_id": vol.id}}), "应为列表")
    refused(clerk, TransitionError, lambda: clerk.act("team", team.id, "accept", {}), "没有办理流程")


def test_sync_columns(clerk: Services) -> None:
    p = new_petition(clerk, "2026-03-01")
    assert len(p.id) == 36 and p.township_code == "330825101" and p.revision == 1
    assert p.created_at.tzinfo is not None and p.created_at.utcoffset() == UTC.utcoffset(None)
    stored = clerk.get("petition", p.id)
    assert stored.created_at == p.created_at and stored.created_at.tzinfo is not None
    p2 = clerk.update("petition", p.id, {"address": "东村1号"})
    assert p2.revision == 2 and p2.updated_at >= p2.created_at and p2.created_by == "clerk"


def test_serials_per_kind_and_year(clerk: Services) -> None:
    serials = [new_petition(clerk, d).serial for d in ("2025-12-31", "2026-01-01", "2026-02-01", "2025-06-01")]
    assert serials == ["XF-2025-000001", "XF-2026-000001", "XF-2026-000002", "XF-2025-000002"]
    d = clerk.create("dispute", {"title": "t", "found_date": "2026-01-01", "source": "主动调解", "type": "其他"}).record
    assert d.serial == "JF-2026-000001"
    assert clerk.get("petition", "XF-2026-000002").received_date == date(2026, 2, 1)


def test_not_found_and_unknown_kind(clerk: Services) -> None:
    with pytest.raises(NotFound, match="找不到信访件"):
        clerk.get("petition", "XF-1999-000001")
    with pytest.raises(DomainError, match="未知的记录类型") as info:
        clerk.create("complaint", {})
    assert "petition(信访件)" in info.value.message
    with pytest.raises(DomainError, match="没有“witnesses”子表"):
        clerk.add_child("dispute", new_petition(clerk, "2026-01-01").id, "witnesses", {})


def test_lists_and_filters(clerk: Services, reviewer: Services) -> None:
    a = new_petition(clerk, "2026-11-01")  # accept by 11-16: overdue on 11-20
    b = new_petition(clerk, "2026-11-10")  # 11-25: due within 7 days
    c = new_petition(clerk, "2026-10-01")
    clerk.act("petition", c.id, "accept", {"decision_date": "2026-10-02", "decision": "accept"})  # 12-01
    v = new_petition(clerk, "2026-11-12")
    reviewer.void("petition", v.id, "重复")
    ids = lambda rs: [r.id for r in rs]  # noqa: E731
    assert ids(clerk.list_records("petition")) == [b.id, a.id, c.id]  # newest first, voided left out
    assert ids(clerk.list_records("petition", status="registered")) == [b.id, a.id]
    assert ids(clerk.list_records("petition", overdue=True)) == [a.id]
    assert ids(clerk.list_records("petition", due_within=7)) == [b.id]
    assert ids(clerk.list_records("petition", overdue=True, due_within=7)) == [b.id, a.id]
    assert ids(clerk.list_records("petition", date_from=date(2026, 11, 1), date_to=date(2026, 11, 9))) == [a.id]
    assert ids(clerk.list_records("petition", limit=1, offset=1)) == [a.id]
    assert clerk.list_records("team", overdue=True) == []
    with pytest.raises(DomainError, match="没有状态“done”"):
        clerk.list_records("petition", status="done")
    assert clerk.count_records("petition") == 3


def test_due_across_kinds(clerk: Services) -> None:
    clerk.create("leader", {"name": "王镇长", "post": "镇长"})
    p = new_petition(clerk, "2026-11-01")
    d = clerk.create("dispute", {"title": "t", "found_date": "2026-10-01", "source": "主动调解", "type": "其他"}).record
    clerk.act("dispute", d.id, "accept", {"accepted_date": "2026-10-02"})
    clerk.act("dispute", d.id, "start_mediation", {"mediation_start_date": "2026-10-25", "route": "人民调解"})
    pk = clerk.create("package", {"title": "包案", "leader_id": "王镇长", "start_date": "2026-01-01",
                                  "target_date": "2026-11-27"}).record
    x = clerk.create("dispatch", {"title": "事项", "raised_date": "2026-09-01", "deadline": "2027-03-01"}).record
    due = clerk.due()
    assert [(i.kind, i.id, i.deadline_kind, i.days_left, i.overdue) for i in due] == [
        ("petition", p.id, "受理告知", -4, True),
        ("dispute", d.id, "调解期限", 4, False),
        ("package", pk.id, "化解时限", 7, False),
    ]
    assert due[0].status == "已登记待受理" and due[0].serial == p.serial and due[0].title == "张三"
    assert x.id not in {i.id for i in clerk.due(within=90)} and x.id in {i.id for i in clerk.due(within=101)}


def test_void_child_and_describe_events(clerk: Services) -> None:
    d = clerk.create("dispute", {"title": "t", "found_date": "2026-10-01", "source": "主动调解", "type": "其他",
                                 "parties": [{"name": "甲"}, {"name": "乙"}]}).record
    parties = clerk.children("dispute", d.id)["parties"]
    n = audit_count(clerk)
    clerk.void_child("dispute", "parties", parties[0].id, "录错")
    assert [p.name for p in clerk.children("dispute", d.id)["parties"]] == ["乙"]
    assert audit_count(clerk) == n + 1
    refused(clerk, ValidationError, lambda: clerk.void_child("dispute", "parties", parties[1].id, " "), "作废原因")
    refused(clerk, NotFound, lambda: clerk.void_child("dispute", "parties", "nope", "x"))
    clerk.act("dispute", d.id, "accept", {"accepted_date": "2026-10-02"})
    events = clerk.describe_events(clerk.timeline("dispute", d.id))
    assert events[-1] == {"date": "2026-10-02", "action": "accept", "label": "受理", "actor": "clerk",
                          "data": {"accepted_date": "2026-10-02"}}


def test_uninitialized_and_initialize(tmp_path: Path) -> None:
    svc = open_services(tmp_path / "new.sqlite3")
    with pytest.raises(DomainError, match="尚未初始化"):
        new_petition(svc, "2026-01-01")
    kw = {"township_name": "城关镇", "county_code": "330825", "county_name": "龙游县", "admin_username": "admin",
          "admin_password": "admin-pass-1"}
    with pytest.raises(ValidationError, match="前6位应为所属县级代码"):
        svc.initialize(township_code="330826101", **kw)
    with pytest.raises(ValidationError, match="9位数字"):
        svc.initialize(township_code="33082510", **kw)
    with pytest.raises(ValidationError, match="至少8位"):
        svc.initialize(township_code="330825101", **{**kw, "admin_password": "short"})
    svc.initialize(township_code="330825101", **kw)
    assert svc.township.name == "城关镇" and svc.get_setting("deadline_rule") == "calendar"
    with pytest.raises(DomainError, match="不能重复初始化"):
        svc.initialize(township_code="330825101", **kw)
    assert svc.verify_audit() == (2, [])


@pytest.mark.parametrize("kind", [k for k in RECORD_KINDS if not KINDS[k].read_grant])  # 重点人员: tests/kinds
def test_every_record_kind_voidable(kind: str, clerk: Services, reviewer: Services) -> None:
    clerk.create("leader", {"name": "王镇长", "post": "镇长"})
    team = clerk.create("team", {"name": "队", "type": "平安巡防"}).record
    data = {
        "petition": {"received_date": "2026-01-01", "form": "来信", "petitioner_name": "甲", "category": "建议意见类",
                     "request": "建议"},
        "dispute": {"title": "t", "found_date": "2026-01-01", "source": "主动调解", "type": "其他"},
        "package": {"title": "t", "leader_id": "王镇长", "start_date": "2026-01-01", "target_date": "2026-02-01"},
        "team": {"name": "另一队", "type": "应急救援"},
        "volunteer": {"name": "乙"},
        "activity": {"activity_date": "2026-01-01", "team_id": team.id, "type": "帮扶关爱", "place": "p",
                     "content": "c"},
        "dispatch": {"title": "t", "raised_date": "2026-01-01", "deadline": "2026-02-01"},
    }[kind]
    rec = clerk.create(kind, data).record
    voided = reviewer.void(kind, rec.id, "测试")
    assert voided.voided and voided.revision == 2
    assert rec.id not in {r.id for r in clerk.list_records(kind)}
    assert clerk.get(kind, rec.id).void_reason == "测试"


def test_concurrent_writers_wait_instead_of_failing(admin: Services) -> None:
    """Several threads (a background job and the window, say) writing at once: nothing is lost."""
    import threading

    from zongzhi_desktop.services import Actor

    errors: list[BaseException] = []

    def work(n: int) -> None:
        svc = Services(admin.store, Actor(f"clerk{n}", "clerk"), today=admin._today)
        for _ in range(15):
            try:
                new_petition(svc, "2026-03-01", petitioner_name=f"信访人{n}")
            except BaseException as e:
                errors.append(e)

    threads = [threading.Thread(target=work, args=(n,)) for n in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    serials = [p.serial for p in admin.list_records("petition")]
    assert len(serials) == len(set(serials)) == 60
    assert admin.verify_audit()[1] == []


def test_open_read_does_not_block_a_writer(clerk: Services) -> None:
    p = new_petition(clerk, "2026-03-01")
    with clerk.session() as reader:
        assert reader.get(m.Petition, p.id) is not None  # a read transaction stays open…
        clerk.update("petition", p.id, {"address": "东村"})  # …and a write still goes through
    assert clerk.get("petition", p.id).address == "东村"


def test_activity_takes_its_teams_village_and_points_out_missing_hours(clerk: Services, admin: Services) -> None:
    village = admin.create("village", {"name": "溪口村", "code": "330825101201", "kind": "村"}).record
    clerk.create("team", {"name": "溪口巡防队", "type": "平安巡防", "village_id": village.id,
                          "founded_date": "2025-01-01"})
    a = clerk.create("volunteer", {"name": "陈老伯", "phone": "13500005555"}).record
    b = clerk.create("volunteer", {"name": "李阿姨", "phone": "13500006666"}).record
    result = clerk.create("activity", {"activity_date": "2026-11-18", "team_id": "溪口巡防队", "type": "平安巡防",
                                       "place": "溪口村村口", "content": "夜间巡逻",
                                       "participants": [{"volunteer_id": a.id, "hours": 2}, {"volunteer_id": b.id}]})
    assert result.record.village_id == village.id  # 所属村 from the team when left empty
    assert result.warnings == ["有 1 名参与志愿者没有填写服务时长，不计入服务时长统计；可在活动详情的“参与志愿者”中补充"]
    other = admin.create("village", {"name": "湖镇村", "code": "330825101202", "kind": "村"}).record
    chosen = clerk.create("activity", {"activity_date": "2026-11-18", "team_id": "溪口巡防队", "type": "平安巡防",
                                       "place": "湖镇", "content": "宣传", "village_id": other.id})
    assert chosen.record.village_id == other.id and chosen.warnings == []
