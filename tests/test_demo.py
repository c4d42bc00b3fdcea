"""The demo township: consistent with the workflows and deadline policy, realistic, deterministic."""

from __future__ import annotations

import json
from collections import Counter
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select, text

from zongzhi_desktop.demo import DEMO_ACCOUNTS, generate, populate, split_records
from zongzhi_desktop.domain import deadlines as dl
from zongzhi_desktop.domain import models as m
from zongzhi_desktop.domain import workflows as wf
from zongzhi_desktop.domain.errors import DomainError
from zongzhi_desktop.domain.fields import coerce_value
from zongzhi_desktop.domain.validation import id_number_problem, phone_problem
from zongzhi_desktop.services import Actor, Services, bulk
from zongzhi_desktop.services.admin import authenticate
from zongzhi_desktop.services.kinds import KINDS
from zongzhi_desktop.services.listing import search_index_problems
from zongzhi_desktop.store.database import Store

TODAY = date(2026, 11, 20)
RECORDS = 3000


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Services:
    path = tmp_path_factory.mktemp("demo") / "zongzhi.sqlite3"
    store = Store(path)
    generate(store, records=RECORDS, seed=7, today=TODAY)
    return Services(store, Actor("clerk", "clerk", "王芳"), today=lambda: TODAY)


def rows(svc: Services, model: Any) -> list[Any]:
    with svc.session() as s:
        return list(s.execute(select(model)).scalars())


def test_record_mix_counts_main_records(demo: Services) -> None:
    counts = {k: demo.count_records(k) for k in ("petition", "dispute", "package", "dispatch", "activity", "volunteer", "team")}
    assert sum(counts.values()) == RECORDS
    assert counts["petition"] > counts["activity"] > counts["package"]
    assert counts["dispute"] > counts["volunteer"]
    assert min(counts.values()) >= 4


def test_every_petition_deadline_equals_the_policy(demo: Services) -> None:
    policy = demo.policy
    petitions = rows(demo, m.Petition)
    checked = 0
    for p in petitions:
        assert p.accept_deadline == policy.add(p.received_date, dl.ACCEPT_DAYS), p.serial
        if p.decision == "accept":
            assert p.conclude_deadline == policy.add(p.decision_date, dl.CONCLUDE_DAYS + (p.extension_days or 0))
        else:
            assert p.conclude_deadline is None
        if p.reply_date:
            assert p.review_request_deadline == policy.add(p.reply_date, dl.REVIEW_REQUEST_DAYS)
        if p.review_request_date:
            assert p.review_deadline == policy.add(p.review_request_date, dl.REVIEW_ANSWER_DAYS)
            assert p.review_request_date <= p.review_request_deadline
        if p.review_reply_date:
            assert p.recheck_request_deadline == policy.add(p.review_reply_date, dl.RECHECK_REQUEST_DAYS)
        if p.recheck_request_date:
            assert p.recheck_deadline == policy.add(p.recheck_request_date, dl.RECHECK_ANSWER_DAYS)
        expected = {"registered": p.accept_deadline, "accepted": p.conclude_deadline, "assigned": p.conclude_deadline,
                    "reviewing": p.review_deadline, "rechecking": p.recheck_deadline}.get(p.status)
        assert p.next_deadline == expected, p.serial
        assert p.is_group == (p.headcount >= 5)
        for d in (p.received_date, p.decision_date, p.assigned_date, p.reply_date, p.rating_date, p.review_reply_date):
            assert d is None or d <= TODAY
        checked += 1
    assert checked == demo.count_records("petition")
    assert {p.extension_days for p in petitions} - {None}, "some petitions were extended"


def test_statuses_are_workflow_states_and_open_records_have_deadlines(demo: Services) -> None:
    for kind in ("petition", "dispute", "package", "dispatch"):
        flow = wf.WORKFLOWS[kind]
        seen = Counter()
        for rec in rows(demo, KINDS[kind].model):
            assert rec.status in flow.states, (kind, rec.status)
            seen[rec.status] += 1
            probe = type("Probe", (), {})()
            probe.__dict__.update(rec.__dict__)
            wf.REFRESHERS[kind](probe)
            assert (rec.next_deadline, rec.next_deadline_kind) == (probe.next_deadline, probe.next_deadline_kind)
            if rec.status in flow.open_states and not (kind == "dispute" and rec.status != "mediating"):
                assert rec.next_deadline is not None, (kind, rec.serial, rec.status)
        assert len(seen) >= 2, (kind, seen)


def _coerce_event_data(kind: str, action: wf.Action, data: dict[str, Any], svc: Services) -> dict[str, Any]:
    out = {}
    for f in action.fields:
        raw = data.get(f.name)
        if raw is None:
            out[f.name] = None
        elif f.type == "ref":
            out[f.name] = raw  # stored ids
        else:
            out[f.name] = coerce_value(f, raw, codes=svc.codes, today=TODAY)
    return out


def test_timelines_replay_to_the_stored_state(demo: Services) -> None:
    """Replaying each record's timeline events through the workflow gives its stored state."""
    compare = {
        "petition": ("status", "next_deadline", "conclude_deadline", "review_deadline", "recheck_deadline", "rating"),
        "dispute": ("status", "next_deadline", "mediation_warn_date", "judicial_confirm_deadline", "outcome"),
        "package": ("status", "next_deadline", "target_date", "closed_date"),
        "dispatch": ("status", "next_deadline", "done_date"),
    }
    with demo.session() as s:
        events: dict[str, list[m.WorkflowEvent]] = {}
        for ev in s.execute(select(m.WorkflowEvent).order_by(m.WorkflowEvent.event_date, m.WorkflowEvent.created_at)).scalars():
            events.setdefault(ev.record_id, []).append(ev)
    for kind, columns in compare.items():
        spec = KINDS[kind]
        flow = wf.WORKFLOWS[kind]
        for rec in rows(demo, spec.model):
            timeline = events[rec.id]
            assert timeline[0].action == "register" and timeline[0].event_date == getattr(rec, spec.date_field)
            replay = type("Replay", (), {})()
            replay.__dict__.update({c.name: None for c in spec.model.__table__.columns})
            for f in spec.fields:
                setattr(replay, f.name, getattr(rec, f.name))
            replay.status = next(iter(flow.states))
            if kind == "petition":
                replay.accept_deadline = rec.accept_deadline
            if kind == "package" and any(e.action == "extend" for e in timeline):
                replay.target_date = date.min  # the original target is not on the timeline, only the new one
            wf.REFRESHERS[kind](replay)
            steps = 0
            for ev in timeline[1:]:
                if ev.action in ("visit", "progress"):
                    continue
                action = flow.actions[ev.action]
                assert replay.status in action.sources, (kind, rec.serial, ev.action, replay.status)
                values = _coerce_event_data(kind, action, json.loads(ev.data) if ev.data else {}, demo)
                assert action.apply(replay, values, demo.policy) == ev.event_date
                wf.REFRESHERS[kind](replay)
                steps += 1
            for col in columns:
                assert getattr(replay, col) == getattr(rec, col), (kind, rec.serial, col)
            assert rec.revision == 1 + steps + sum(1 for e in timeline if e.action == "visit")


def test_every_kind_has_overdue_items_and_flags_are_present(demo: Services) -> None:
    due = demo.due()
    overdue_kinds = {i.kind for i in due if i.overdue}
    # 重点人员 too (people visited late), for a user granted the register; the demo grants its clerk.
    assert overdue_kinds == {"petition", "dispute", "package", "dispatch", "keyperson"} - (
        set() if demo.may_read("keyperson") else {"keyperson"})
    disputes = rows(demo, m.Dispute)
    assert any(d.risk_level == "high" for d in disputes)
    assert any(d.homicide_risk for d in disputes)
    assert all(d.type in ("marriage_family", "neighbour", "house_homestead", "land_contract") for d in disputes if d.homicide_risk)
    petitions = rows(demo, m.Petition)
    by_id = {p.id: p for p in petitions}
    groups = [p for p in petitions if p.is_group]
    assert groups and all(p.representatives and len(p.representatives.split("、")) <= 5 for p in groups)
    assert any(p.is_skip_level for p in petitions)
    repeats = [p for p in petitions if p.is_repeat]
    assert repeats
    for p in repeats:
        prior = by_id[p.repeat_of_id]
        assert prior.received_date <= p.received_date
        assert (p.id_number and prior.id_number == p.id_number) or (
            prior.petitioner_name == p.petitioner_name and prior.village_id == p.village_id)
    assert all(p.repeat_of_id is None for p in petitions if not p.is_repeat)


def test_people_have_valid_id_numbers_and_phones(demo: Services) -> None:
    numbers = [p.id_number for p in rows(demo, m.Petition)] + [p.id_number for p in rows(demo, m.DisputeParty)] + \
              [v.id_number for v in rows(demo, m.Volunteer)]
    numbers = [n for n in numbers if n]
    assert len(numbers) > 1000
    assert [n for n in numbers if id_number_problem(n)] == []
    phones = [p.phone for p in rows(demo, m.Petition)] + [w.phone for w in rows(demo, m.GridWorker)]
    assert [p for p in phones if p and phone_problem(p)] == []


def test_reference_data_is_a_plausible_township(demo: Services) -> None:
    villages = rows(demo, m.Village)
    assert 12 <= len(villages) <= 20
    assert all(len(v.code) == 12 and v.code.startswith("330825101") for v in villages)
    assert {v.kind for v in villages} == {"village", "community"}
    departments = {d.name for d in rows(demo, m.Department)}
    assert {"湖镇镇派出所", "湖镇镇司法所", "湖镇镇信访办"} <= departments
    assert {leader.level for leader in rows(demo, m.Leader)} == {"county", "township"}
    assert rows(demo, m.Mediator) and rows(demo, m.GridWorker)


def test_audit_chain_covers_every_batch(demo: Services) -> None:
    _checked, problems = demo.verify_audit()
    assert problems == []
    with demo.session() as s:
        seqs = [e.seq for e in s.execute(select(m.AuditEntry).where(m.AuditEntry.action == "bulk_create")).scalars()]
        assert seqs
        assert all(bulk.verify_batch(s, seq) for seq in seqs)
        covered = sum(json.loads(e.after)["count"] for e in s.execute(
            select(m.AuditEntry).where(m.AuditEntry.action == "bulk_create")).scalars())
        stored = sum(s.execute(text(f"SELECT count(*) FROM {t}")).scalar_one()
                     for t in ("petition", "dispute", "dispute_party", "workflow_event", "activity", "volunteer"))
    assert covered >= stored


def test_search_index_and_serials_continue_after_the_demo(demo: Services) -> None:
    assert search_index_problems(demo) == []
    with demo.session() as s:
        fts = s.execute(text("SELECT count(*) FROM petition_fts")).scalar_one()
    assert fts == demo.count_records("petition")
    before = {p.serial for p in rows(demo, m.Petition)}
    new = demo.create("petition", {"received_date": TODAY.isoformat(), "form": "来电", "petitioner_name": "测试人",
                                   "category": "建议意见类", "request": "演示后新登记"}).record
    assert new.serial not in before and new.serial.startswith(f"XF-{TODAY.year}-")
    registered = next(p for p in demo.list_records("petition", status="registered") if p.id != new.id)
    moved = demo.act("petition", registered.serial, "accept", {"decision_date": TODAY.isoformat(), "decision": "accept"})
    assert moved.status == "accepted"


def test_demo_accounts_sign_in(demo: Services) -> None:
    for username, _name, role, password in DEMO_ACCOUNTS:
        assert authenticate(demo, username, password).role == role
    # The store says it is a demo, so the sign-in box can show these accounts (tests/ui/test_login_notice.py).
    assert demo.get_setting("demo")


def test_same_seed_same_data_inline_or_through_the_writer_process(tmp_path: Path) -> None:
    a, b = Store(tmp_path / "a.sqlite3"), Store(tmp_path / "b.sqlite3")
    generate(a, records=300, seed=3, today=TODAY, writer_process=False)
    generate(b, records=300, seed=3, today=TODAY, writer_process=True)  # the path large demos take
    for query in ("SELECT id, serial, petitioner_name, id_number, status, next_deadline FROM petition ORDER BY serial",
                  # 重点人员 are registered through the services (random ids): compared by content.
                  "SELECT id, record_id, action, event_date, data FROM workflow_event "
                  "WHERE record_kind <> 'keyperson' ORDER BY id",
                  "SELECT serial, name, id_number, category, risk_level, status, last_visit_date, next_deadline "
                  "FROM key_person ORDER BY serial",
                  "SELECT type, name FROM sqlite_master ORDER BY name"):
        with a.engine.connect() as ca, b.engine.connect() as cb:
            assert ca.exec_driver_sql(query).all() == cb.exec_driver_sql(query).all()
    assert Services(b, Actor("x", "clerk")).verify_audit()[1] == []
    assert search_index_problems(Services(b, Actor("x", "clerk"))) == []
    with pytest.raises(DomainError, match="已有记录"):
        generate(a, records=300, seed=3, today=TODAY)
    with pytest.raises(DomainError, match="至少"):
        generate(Store(tmp_path / "c.sqlite3"), records=10)


def test_writer_process_writes_an_encrypted_store(tmp_path: Path) -> None:
    """Large demos (`zongzhi demo --records 50000`) write through a spawned process: on an
    encrypted store (every store since issue 14) it must open the store with its data key."""
    from zongzhi_desktop.services.unlock import create_encrypted

    store = create_encrypted(tmp_path / "enc" / "zongzhi.sqlite3")
    assert store.key is not None
    generate(store, records=300, seed=3, today=TODAY, writer_process=True)
    with store.engine.connect() as c:
        assert c.exec_driver_sql("SELECT count(*) FROM petition").scalar() > 0
    assert Services(store, Actor("x", "clerk")).verify_audit()[1] == []


def test_populate_fills_an_initialized_store_as_its_administrator(tmp_path: Path) -> None:
    store = Store(tmp_path / "z.sqlite3")
    boot = Services(store, Actor("setup", "admin"), today=lambda: TODAY)
    boot.initialize(township_code="330781001", township_name="城关街道", county_code="330781", county_name="兰溪市",
                    admin_username="boss", admin_password="boss-pass-1")
    admin = Services(store, Actor("boss", "admin"), today=lambda: TODAY)
    seen: list[tuple[int, int]] = []
    result = populate(admin, records=400, progress=lambda done, total: seen.append((done, total)))
    assert seen[-1] == (400, 400)
    assert all(done <= total for done, total in seen)
    assert {u for u, *_ in result.accounts} == {"clerk", "reviewer"}  # the installation keeps its own admin
    villages = rows(admin, m.Village)
    assert all(v.code.startswith("330781001") for v in villages)
    assert split_records(400, 30)["petition"] > 0
    other = Store(tmp_path / "other.sqlite3")
    Services(other, Actor("setup", "admin")).initialize(
        township_code="330781001", township_name="城关街道", county_code="330781", county_name="兰溪市",
        admin_username="boss", admin_password="boss-pass-1")
    with pytest.raises(DomainError, match="管理员"):
        populate(Services(other, Actor("clerk", "clerk")), records=400)


def test_two_townships_with_the_same_seed_share_no_record_ids(tmp_path: Path) -> None:
    """The county merges townships by id: same-seed demo townships must not collide."""
    ids = []
    for code, name in (("330825101", "湖镇镇"), ("330825102", "塔石镇")):
        store = Store(tmp_path / f"{code}.sqlite3")
        generate(store, records=300, seed=1, today=TODAY,
                 township={"township_code": code, "township_name": name})
        with store.session() as s:
            ids.append(set(s.execute(text("SELECT id FROM petition UNION ALL SELECT id FROM dispute")).scalars()))
        store.close()
    assert ids[0] and ids[1]
    assert not ids[0] & ids[1]
