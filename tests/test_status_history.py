"""A record's status and deadline on any date, replayed from its dated events (domain/history.py)."""

from __future__ import annotations

import json
from datetime import date, datetime

from zongzhi_desktop.domain import history as h
from zongzhi_desktop.domain.deadlines import DeadlinePolicy

POLICY = DeadlinePolicy()
D = date.fromisoformat


def ev(action: str, day: str, n: int, **data: object) -> h.Event:
    return h.Event(action, D(day), json.dumps(data, default=str) if data else None, datetime(2026, 1, 1, 8, n))


def petition(**cols: object) -> dict[str, object]:
    base = {"id": "p1", "received_date": D("2026-03-01"), "accept_deadline": D("2026-03-16"), "status": "replied",
            "headcount": 1, "next_deadline": None, "next_deadline_kind": None, "resolution_level": None}
    return {**base, **cols}


def test_petition_timeline_with_an_extension() -> None:
    events = [ev("register", "2026-03-01", 0),
              ev("accept", "2026-03-05", 1, decision_date="2026-03-05", decision="accept"),
              ev("extend", "2026-04-20", 2, extension_date="2026-04-20", extension_days=30, extension_reason="复杂",
                 extension_approver="李镇长"),
              ev("reply", "2026-05-30", 3, reply_date="2026-05-30", reply_result="support")]
    spans = h.replay("petition", petition(), events, POLICY)
    on = {d: h.status_on(spans, D(d)) for d in ("2026-02-28", "2026-03-04", "2026-03-05", "2026-04-19",
                                                 "2026-04-20", "2026-05-29", "2026-05-30")}
    assert on["2026-02-28"] is None  # not registered yet
    assert (on["2026-03-04"].status, on["2026-03-04"].deadline) == ("registered", D("2026-03-16"))  # type: ignore[union-attr]
    assert (on["2026-03-05"].status, on["2026-03-05"].deadline) == ("accepted", D("2026-05-04"))  # type: ignore[union-attr]
    assert on["2026-04-19"].deadline == D("2026-05-04")  # type: ignore[union-attr]  # before the extension
    assert on["2026-04-20"].deadline == D("2026-06-03")  # type: ignore[union-attr]  # extended on that day
    assert on["2026-05-29"].status == "accepted"  # type: ignore[union-attr]
    assert (on["2026-05-30"].status, on["2026-05-30"].deadline, on["2026-05-30"].end) == ("replied", None, None)  # type: ignore[union-attr]


def test_same_day_steps_count_as_the_days_last_state() -> None:
    events = [ev("accept", "2026-03-01", 1, decision_date="2026-03-01", decision="accept"),
              ev("reply", "2026-03-01", 2, reply_date="2026-03-01", reply_result="support")]
    spans = h.replay("petition", petition(), events, POLICY)
    assert [(s.start, s.status) for s in spans] == [(D("2026-03-01"), "replied")]


def test_package_target_as_extended_on_each_date() -> None:
    rec = {"id": "k1", "start_date": D("2026-01-10"), "target_date": D("2026-09-30"), "status": "in_progress"}
    events = [ev("extend", "2026-06-01", 1, extension_date="2026-06-01", target_date="2026-07-31",
                 extension_reason="未化解", previous_target_date="2026-06-30"),
              ev("extend", "2026-07-20", 2, extension_date="2026-07-20", target_date="2026-09-30",
                 extension_reason="仍未化解", previous_target_date="2026-07-31")]
    spans = h.replay("package", rec, list(reversed(events)), POLICY)  # stored order does not matter
    assert [h.status_on(spans, D(d)).deadline for d in ("2026-05-31", "2026-06-01", "2026-07-20")] == \
        [D("2026-06-30"), D("2026-07-31"), D("2026-09-30")]  # type: ignore[union-attr]


def test_dispute_failed_then_terminated() -> None:
    rec = {"id": "d1", "found_date": D("2026-02-01"), "status": "terminated", "next_deadline": None,
           "next_deadline_kind": None}
    events = [ev("accept", "2026-02-02", 1, accepted_date="2026-02-02"),
              ev("start_mediation", "2026-02-03", 2, mediation_start_date="2026-02-03", route="people"),
              ev("fail", "2026-02-20", 3, mediation_end_date="2026-02-20"),
              ev("after_failure", "2026-03-01", 4, outcome_date="2026-03-01", failure_outcome="terminate")]
    spans = h.replay("dispute", rec, events, POLICY)
    assert [(s.start, s.status, s.deadline) for s in spans] == [
        (D("2026-02-01"), "registered", D("2026-02-08")), (D("2026-02-02"), "accepted", D("2026-03-04")),
        (D("2026-02-03"), "mediating", D("2026-03-05")), (D("2026-02-20"), "failed", D("2026-03-07")),
        (D("2026-03-01"), "terminated", None)]


def test_an_event_that_cannot_be_replayed_keeps_the_current_status_from_its_date(caplog) -> None:  # type: ignore[no-untyped-def]
    events = [ev("reply", "2026-03-10", 1, reply_date="2026-03-10", reply_result="support")]  # reply before accept
    spans = h.replay("petition", petition(), events, POLICY)
    assert [(s.start, s.status) for s in spans] == [(D("2026-03-01"), "registered"), (D("2026-03-10"), "replied")]
    assert "not replayable" in caplog.text
