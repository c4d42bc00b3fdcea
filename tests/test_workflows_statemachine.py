"""Hypothesis state machines: random action sequences through the services against a model.

Each machine keeps its own model of a record's workflow (written from the statute, not from
zongzhi_desktop.domain.workflows) and after every step checks that the stored status, the next
deadline and the revision match the model, that an allowed step wrote exactly one audit entry and
one timeline event, and that a refused step left the record row, its events and the audit log
exactly as they were.
"""

from __future__ import annotations

import atexit
import shutil
import sqlite3
import tempfile
from datetime import date, timedelta
from pathlib import Path
from typing import Any, ClassVar

import pytest
from dbsnapshot import has_chinese
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule

from zongzhi_desktop.domain.errors import DomainError, PermissionDenied, TransitionError
from zongzhi_desktop.services import Actor, Services, open_services

TODAY = date(2026, 11, 20)
DAY = timedelta(days=1)
# Day offsets from the last event: the window edges (30/31) and "the day before" are what matter.
OFFSET = st.one_of(st.sampled_from([-1, 0, 1, 14, 15, 29, 30, 31, 60]), st.integers(-5, 45))
START = st.dates(min_value=date(2024, 1, 1), max_value=date(2026, 6, 30))

_ENV: tuple[Path, Services, Services] | None = None


def env() -> tuple[Path, Services, Services]:
    """One initialized store shared by every run (each run works on a record of its own)."""
    global _ENV
    if _ENV is None:
        folder = Path(tempfile.mkdtemp(prefix="zz-statemachine-"))
        atexit.register(shutil.rmtree, folder, ignore_errors=True)
        admin = open_services(folder / "sm.sqlite3", today=lambda: TODAY)
        admin.initialize(township_code="330825101", township_name="城关镇", county_code="330825",
                         county_name="龙游县", admin_username="admin", admin_password="admin-pass-1")
        admin.actor = Actor("admin", "admin")  # type: ignore[misc]
        admin.create("leader", {"name": "王镇长", "post": "镇长"})
        admin.create("department", {"name": "人社所"})
        clerk = Services(admin.store, Actor("clerk", "clerk"), today=lambda: TODAY)
        reviewer = Services(admin.store, Actor("leader", "reviewer"), today=lambda: TODAY)
        _ENV = (folder / "sm.sqlite3", clerk, reviewer)
    return _ENV


class WorkflowMachine(RuleBasedStateMachine):
    kind = ""
    table = ""

    def __init__(self) -> None:
        super().__init__()
        self.path, self.clerk, self.reviewer = env()
        self.rec_id = ""
        self.steps = 0  # successful workflow steps after registration
        self.voided = False
        self.state = ""
        self.cursor = TODAY

    # -- helpers --------------------------------------------------------------------------------
    def raw(self) -> tuple[Any, ...]:
        con = sqlite3.connect(self.path)
        try:
            row = con.execute(f"SELECT * FROM {self.table} WHERE id = ?", (self.rec_id,)).fetchone()
            events = con.execute("SELECT * FROM workflow_event WHERE record_id = ? ORDER BY id", (self.rec_id,)).fetchall()
            audit = con.execute("SELECT count(*), max(seq) FROM audit_log").fetchone()
            return row, events, audit
        finally:
            con.close()

    def ok_date(self, d: date, *earliest: date | None) -> bool:
        return d <= TODAY and all(e is None or d >= e for e in earliest)

    def attempt(self, action: str, data: dict[str, Any], ok: bool, sources: set[str], *,
                role: str = "clerk", review: bool = False) -> bool:
        """Perform `action`; the model says whether it must succeed. Returns whether it did."""
        svc = self.reviewer if role == "reviewer" else self.clerk
        if review and role != "reviewer":
            why: type[DomainError] = PermissionDenied
            ok = False
        elif self.voided or self.state not in sources:
            why, ok = TransitionError, False
        else:
            why = DomainError
        before = self.raw()
        if ok:
            svc.act(self.kind, self.rec_id, action, data)
            _row, events, (n, _seq) = self.raw()
            assert n == before[2][0] + 1, "an allowed step writes exactly one audit entry"
            assert len(events) == len(before[1]) + 1 and any(e for e in events if action in e)
            self.steps += 1
            return True
        with pytest.raises(why) as info:
            svc.act(self.kind, self.rec_id, action, data)
        assert has_chinese(info.value.message)
        assert self.raw() == before, f"refused {action} changed the store"
        return False

    def expected_deadline(self) -> tuple[date | None, str | None]:
        raise NotImplementedError

    # action name -> (states the model allows it from, strategies for its parameters)
    SPECS: ClassVar[dict[str, tuple[set[str], dict[str, st.SearchStrategy[Any]]]]] = {}

    @rule(data=st.data())
    def step(self, data: st.DataObject) -> None:
        """Mostly an action the model allows now (so runs get deep), sometimes any action."""
        allowed = sorted(n for n, (src, _) in self.SPECS.items() if self.state in src)
        if allowed and not self.voided and data.draw(st.sampled_from([True, True, True, False])):
            name = data.draw(st.sampled_from(allowed))
        else:
            name = data.draw(st.sampled_from(sorted(self.SPECS)))
        kwargs = {k: data.draw(strategy, label=k) for k, strategy in self.SPECS[name][1].items()}
        getattr(self, "do_" + name)(**kwargs)

    @rule(reason=st.sampled_from(["", "重复录入"]), p=st.integers(0, 9))
    def void(self, reason: str, p: int) -> None:
        if p:  # void rarely, so most runs explore the workflow
            return
        before = self.raw()
        if self.voided or not reason:
            with pytest.raises(DomainError):
                self.reviewer.void(self.kind, self.rec_id, reason)
            assert self.raw() == before
            return
        self.reviewer.void(self.kind, self.rec_id, reason)
        self.voided = True
        self.steps += 1

    @invariant()
    def matches_model(self) -> None:
        if not self.rec_id:
            return
        con = sqlite3.connect(self.path)
        try:
            status, voided, revision, deadline, deadline_kind = con.execute(
                f"SELECT status, voided, revision, next_deadline, next_deadline_kind FROM {self.table} WHERE id = ?",
                (self.rec_id,)).fetchone()
        finally:
            con.close()
        assert status == self.state
        assert bool(voided) == self.voided
        assert revision == 1 + self.steps
        if not self.voided:
            expected, kind = self.expected_deadline()
            assert (deadline, deadline_kind) == (expected and expected.isoformat(), kind)


class PetitionMachine(WorkflowMachine):
    kind, table = "petition", "petition"

    SPECS = {  # noqa: RUF012  (read-only table)
        "accept": ({"registered"}, {"off": OFFSET, "decision": st.sampled_from(["accept", "accept", "reject", "no_longer"]),
                                    "reason": st.booleans()}),
        "assign": ({"accepted", "assigned"}, {"off": OFFSET}),
        "extend": ({"accepted", "assigned"}, {"off": OFFSET, "days": st.integers(-1, 35), "approver": st.booleans()}),
        "reply": ({"accepted", "assigned"}, {"off": OFFSET, "result": st.sampled_from(["support", "explain", "not_support"])}),
        "request_review": ({"replied"}, {"off": OFFSET}),
        "review_reply": ({"reviewing"}, {"off": OFFSET}),
        "request_recheck": ({"reviewed"}, {"off": OFFSET}),
        "recheck_reply": ({"rechecking"}, {"off": OFFSET}),
        "rate": ({"replied", "reviewing", "reviewed", "rechecking", "closed"},
                 {"off": OFFSET, "rating": st.sampled_from(["satisfied", "basically", "unsatisfied"])}),
    }

    @initialize(received=START)
    def register(self, received: date) -> None:
        rec = self.clerk.create("petition", {
            "received_date": received.isoformat(), "form": "visit", "petitioner_name": f"信访人{received:%Y%m%d}",
            "category": "claim", "request": "诉求"}, link_repeat=False).record
        self.rec_id, self.state, self.cursor = rec.id, "registered", received
        self.received = received
        self.decision_date: date | None = None
        self.conclude: date | None = None
        self.extended = False
        self.reply_date: date | None = None
        self.review_window: date | None = None
        self.review_request: date | None = None
        self.review_deadline: date | None = None
        self.review_reply: date | None = None
        self.recheck_window: date | None = None
        self.recheck_request: date | None = None
        self.recheck_deadline: date | None = None
        self.rated = False

    def expected_deadline(self) -> tuple[date | None, str | None]:
        return {
            "registered": (self.received + 15 * DAY, "受理告知"),
            "accepted": (self.conclude, "办结"),
            "assigned": (self.conclude, "办结"),
            "reviewing": (self.review_deadline, "复查答复"),
            "rechecking": (self.recheck_deadline, "复核答复"),
        }.get(self.state, (None, None))

    def do_accept(self, off: int, decision: str, reason: bool) -> None:
        d = self.cursor + off * DAY
        data = {"decision_date": d.isoformat(), "decision": decision}
        if reason:
            data["decision_reason"] = "已诉讼"
        ok = self.ok_date(d, self.received) and (decision == "accept" or reason)
        if self.attempt("accept", data, ok, {"registered"}):
            self.cursor, self.decision_date = d, d
            if decision == "accept":
                self.state, self.conclude = "accepted", d + 60 * DAY
            else:
                self.state = "not_accepted"

    def do_assign(self, off: int) -> None:
        d = self.cursor + off * DAY
        ok = self.ok_date(d, self.decision_date)
        if self.attempt("assign", {"assigned_date": d.isoformat(), "assigned_department_id": "人社所"}, ok,
                        {"accepted", "assigned"}):
            self.cursor, self.state = d, "assigned"

    def do_extend(self, off: int, days: int, approver: bool) -> None:
        d = self.cursor + off * DAY
        data: dict[str, Any] = {"extension_date": d.isoformat(), "extension_days": days, "extension_reason": "复杂"}
        if approver:
            data["extension_approver"] = "李主任"
        ok = self.ok_date(d, self.decision_date) and 1 <= days <= 30 and approver and not self.extended
        if self.attempt("extend", data, ok, {"accepted", "assigned"}):
            assert self.decision_date
            self.cursor, self.extended = d, True
            self.conclude = self.decision_date + (60 + days) * DAY

    def do_reply(self, off: int, result: str) -> None:
        d = self.cursor + off * DAY
        ok = self.ok_date(d, self.decision_date)
        if self.attempt("reply", {"reply_date": d.isoformat(), "reply_result": result}, ok, {"accepted", "assigned"}):
            self.cursor, self.state, self.reply_date = d, "replied", d
            self.review_window = d + 30 * DAY

    def do_request_review(self, off: int) -> None:
        d = self.cursor + off * DAY
        ok = self.ok_date(d, self.reply_date) and self.review_window is not None and d <= self.review_window
        if self.attempt("request_review", {"review_request_date": d.isoformat()}, ok, {"replied"}):
            self.cursor, self.state, self.review_request = d, "reviewing", d
            self.review_deadline = d + 30 * DAY

    def do_review_reply(self, off: int) -> None:
        d = self.cursor + off * DAY
        ok = self.ok_date(d, self.review_request)
        if self.attempt("review_reply", {"review_reply_date": d.isoformat(), "review_result": "explain"}, ok,
                        {"reviewing"}):
            self.cursor, self.state, self.review_reply = d, "reviewed", d
            self.recheck_window = d + 30 * DAY

    def do_request_recheck(self, off: int) -> None:
        d = self.cursor + off * DAY
        ok = self.ok_date(d, self.review_reply) and self.recheck_window is not None and d <= self.recheck_window
        if self.attempt("request_recheck", {"recheck_request_date": d.isoformat()}, ok, {"reviewed"}):
            self.cursor, self.state, self.recheck_request = d, "rechecking", d
            self.recheck_deadline = d + 30 * DAY

    def do_recheck_reply(self, off: int) -> None:
        d = self.cursor + off * DAY
        ok = self.ok_date(d, self.recheck_request)
        if self.attempt("recheck_reply", {"recheck_reply_date": d.isoformat(), "recheck_result": "support"}, ok,
                        {"rechecking"}):
            self.cursor, self.state = d, "closed"

    def do_rate(self, off: int, rating: str) -> None:
        d = self.cursor + off * DAY
        ok = self.ok_date(d, self.reply_date) and not self.rated
        if self.attempt("rate", {"rating_date": d.isoformat(), "rating": rating}, ok,
                        {"replied", "reviewing", "reviewed", "rechecking", "closed"}):
            self.rated = True


class DisputeMachine(WorkflowMachine):
    kind, table = "dispute", "dispute"

    SPECS = {  # noqa: RUF012  (read-only table)
        "accept": ({"registered"}, {"off": OFFSET}),
        "start_mediation": ({"accepted"}, {"off": OFFSET, "route": st.sampled_from(["people", "judicial", "nonsense"])}),
        "succeed": ({"mediating"}, {"off": OFFSET, "form": st.sampled_from(["written", "oral"]), "terms": st.booleans()}),
        "fail": ({"mediating"}, {"off": OFFSET}),
        "after_failure": ({"failed"}, {"off": OFFSET, "outcome": st.sampled_from(["transfer", "litigation", "terminate"])}),
        "record_performance": ({"succeeded"}, {"off": OFFSET}),
        "judicial_confirm": ({"succeeded"}, {"off": OFFSET}),
        "confirm": ({"succeeded"}, {"off": OFFSET}),
        "feedback": ({"accepted", "mediating", "succeeded", "failed", "transferred", "litigated", "terminated"},
                     {"off": OFFSET}),
    }

    @initialize(found=START)
    def register(self, found: date) -> None:
        rec = self.clerk.create("dispute", {"title": "纠纷", "found_date": found.isoformat(),
                                            "source": "proactive", "type": "neighbour"}).record
        self.rec_id, self.state, self.cursor = rec.id, "registered", found
        self.found = found
        self.accepted: date | None = None
        self.started: date | None = None
        self.warn: date | None = None
        self.ended: date | None = None
        self.agreement: date | None = None
        self.confirm_window: date | None = None
        self.judicial = False
        self.confirmed = False

    def expected_deadline(self) -> tuple[date | None, str | None]:
        # Every open stage has one (issue 16; the default windows 7 / 30 / 30 / 15 days).
        return {"registered": (self.found + 7 * DAY, "受理期限"),
                "accepted": (self.accepted and self.accepted + 30 * DAY, "调解开始期限"),
                "mediating": (self.warn, "调解期限"),
                "failed": (self.ended and self.ended + 15 * DAY, "调解不成处理期限")}.get(self.state, (None, None))

    def do_accept(self, off: int) -> None:
        d = self.cursor + off * DAY
        if self.attempt("accept", {"accepted_date": d.isoformat()}, self.ok_date(d, self.found), {"registered"}):
            self.cursor, self.state, self.accepted = d, "accepted", d

    def do_start_mediation(self, off: int, route: str) -> None:
        d = self.cursor + off * DAY
        ok = self.ok_date(d, self.accepted) and route != "nonsense"
        if self.attempt("start_mediation", {"mediation_start_date": d.isoformat(), "route": route}, ok, {"accepted"}):
            self.cursor, self.state, self.started, self.warn = d, "mediating", d, d + 30 * DAY

    def do_succeed(self, off: int, form: str, terms: bool) -> None:
        d = self.cursor + off * DAY
        data = {"mediation_end_date": d.isoformat(), "agreement_form": form, "resolution_level": "village"}
        if terms:
            data["agreement_terms"] = "赔偿500元"
        ok = self.ok_date(d, self.started) and (form == "oral" or terms)
        if self.attempt("succeed", data, ok, {"mediating"}):
            self.cursor, self.state, self.ended, self.agreement = d, "succeeded", d, d
            self.confirm_window = d + 30 * DAY

    def do_fail(self, off: int) -> None:
        d = self.cursor + off * DAY
        if self.attempt("fail", {"mediation_end_date": d.isoformat()}, self.ok_date(d, self.started), {"mediating"}):
            self.cursor, self.state, self.ended = d, "failed", d

    def do_after_failure(self, off: int, outcome: str) -> None:
        d = self.cursor + off * DAY
        if self.attempt("after_failure", {"outcome_date": d.isoformat(), "failure_outcome": outcome},
                        self.ok_date(d, self.ended), {"failed"}):
            self.cursor = d
            self.state = {"transfer": "transferred", "litigation": "litigated", "terminate": "terminated"}[outcome]

    def do_record_performance(self, off: int) -> None:
        d = self.cursor + off * DAY
        self.attempt("record_performance", {"performance_date": d.isoformat(), "performance_status": "partial"},
                     self.ok_date(d, self.ended), {"succeeded"})

    def do_judicial_confirm(self, off: int) -> None:
        d = self.cursor + off * DAY
        ok = (self.ok_date(d, self.agreement) and not self.judicial and self.confirm_window is not None
              and d <= self.confirm_window)
        if self.attempt("judicial_confirm", {"judicial_confirm_date": d.isoformat()}, ok, {"succeeded"}):
            self.judicial = True

    def do_confirm(self, off: int) -> None:
        d = self.cursor + off * DAY
        ok = self.ok_date(d, self.ended) and not self.confirmed
        if self.attempt("confirm", {"confirmed_date": d.isoformat()}, ok, {"succeeded"}):
            self.confirmed = True

    def do_feedback(self, off: int) -> None:
        d = self.cursor + off * DAY
        sources = {"accepted", "mediating", "succeeded", "failed", "transferred", "litigated", "terminated"}
        self.attempt("feedback", {"feedback_date": d.isoformat()}, self.ok_date(d, self.found), sources)


class PackageMachine(WorkflowMachine):
    kind, table = "package", "case_package"

    SPECS = {  # noqa: RUF012  (read-only table)
        "request_close": ({"in_progress"}, {"off": OFFSET}),
        "approve_close": ({"close_requested"}, {"off": OFFSET, "role": st.sampled_from(["clerk", "reviewer"])}),
        "return": ({"close_requested"}, {"off": OFFSET, "role": st.sampled_from(["clerk", "reviewer"]),
                                         "opinion": st.sampled_from(["", "材料不全"])}),
        "extend": ({"in_progress"}, {"off": OFFSET, "delta": st.integers(-10, 90)}),
    }

    @initialize(start=START, span=st.integers(1, 200))
    def register(self, start: date, span: int) -> None:
        self.target = start + span * DAY
        rec = self.clerk.create("package", {"title": "包案", "leader_id": "王镇长", "start_date": start.isoformat(),
                                            "target_date": self.target.isoformat()}).record
        self.rec_id, self.state, self.cursor = rec.id, "in_progress", start
        self.start = start
        self.requested: date | None = None

    def expected_deadline(self) -> tuple[date | None, str | None]:
        return (self.target, "化解时限") if self.state in ("in_progress", "close_requested") else (None, None)

    def do_request_close(self, off: int) -> None:
        d = self.cursor + off * DAY
        if self.attempt("request_close", {"close_request_date": d.isoformat()}, self.ok_date(d, self.start),
                        {"in_progress"}):
            self.cursor, self.state, self.requested = d, "close_requested", d

    def do_approve_close(self, off: int, role: str) -> None:
        d = self.cursor + off * DAY
        data = {"closed_date": d.isoformat(), "reviewer": "李主任"}
        if self.attempt("approve_close", data, self.ok_date(d, self.requested), {"close_requested"},
                        role=role, review=True):
            self.cursor, self.state = d, "closed"

    def do_return(self, off: int, role: str, opinion: str) -> None:
        d = self.cursor + off * DAY
        data = {"return_date": d.isoformat(), "reviewer": "李主任", "review_opinion": opinion}
        if self.attempt("return", data, self.ok_date(d, self.requested) and bool(opinion), {"close_requested"},
                        role=role, review=True):
            self.cursor, self.state, self.requested = d, "in_progress", None

    def do_extend(self, off: int, delta: int) -> None:
        d = self.cursor + off * DAY
        new_target = self.target + delta * DAY
        data = {"extension_date": d.isoformat(), "target_date": new_target.isoformat(), "extension_reason": "等待判决"}
        if self.attempt("extend", data, self.ok_date(d, self.start) and delta > 0, {"in_progress"}):
            self.target = new_target


_SETTINGS = settings(max_examples=25, stateful_step_count=15, deadline=None,
                     suppress_health_check=[HealthCheck.too_slow])
TestPetitionWorkflow = PetitionMachine.TestCase
TestPetitionWorkflow.settings = _SETTINGS
TestDisputeWorkflow = DisputeMachine.TestCase
TestDisputeWorkflow.settings = _SETTINGS
TestPackageWorkflow = PackageMachine.TestCase
TestPackageWorkflow.settings = _SETTINGS
