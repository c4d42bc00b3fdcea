"""Demo disputes (矛盾纠纷): parties, risk flags, mediation and what follows it."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from ..domain import models as m
from . import texts as t
from .context import Ctx, Weighted
from .rows import Flow

TYPES = tuple(t.DISPUTE_SUBJECTS)
TYPE_W = Weighted(TYPES, (16, 18, 12, 9, 3, 9, 2, 3, 3, 8, 8, 5, 1, 3))
SOURCES = ("grid_screening", "mass_visit", "petition_transfer", "police_110", "department_transfer",
           "court_delegated", "proactive")
SOURCE_W = Weighted(SOURCES, (38, 25, 8, 12, 7, 3, 7))
SOURCE_TEXT = {
    "grid_screening": "网格员排查发现", "mass_visit": "当事人到综治中心申请调解", "petition_transfer": "由信访转办",
    "police_110": "110非警务警情移交", "department_transfer": "相关部门移交", "court_delegated": "法院委派调解",
    "proactive": "村调委会主动介入",
}
HOMICIDE_PRONE = {"marriage_family", "neighbour", "house_homestead", "land_contract"}  # seed 002
MONEY_TYPES = {"labour", "contract", "damages", "traffic", "medical", "property_mgmt", "land_demolition"}
ROUTES = ("people", "administrative", "judicial", "court_link", "petition_link")
ROUTE_W = Weighted(ROUTES, (70, 14, 4, 7, 5))
LEVELS = ("village", "township", "county")
LEVEL_W = Weighted(LEVELS, (64, 33, 3))
PERFORMANCE = ("performed", "partial", "not_performed")
PERFORMANCE_W = Weighted(PERFORMANCE, (84, 11, 5))
SATISFACTION = ("satisfied", "basically", "unsatisfied")
VISIT_SATISFACTION_W = Weighted(SATISFACTION, (75, 20, 5))
FAILURE_OUTCOME_W = Weighted(("transfer", "litigation", "terminate"), (40, 40, 20))

STALLS = [("mediating", 35, 100)]  # mediation past its 30-day mark


class DisputeMaker:
    def __init__(self, ctx: Ctx) -> None:
        self.ctx = ctx
        self.flow = Flow("dispute", ctx.factory, ctx.policy, ctx.sink)
        self.visits: list[dict[str, Any]] = []  # children wait until their dispute row is final

    def run(self, n: int) -> None:
        for day, stall in self.ctx.plan(n, STALLS):
            self.one(day, stall)
        self.ctx.sink.flush(m.Dispute)

    def one(self, d0: date, stall: str | None) -> None:
        ctx, rnd, clerk = self.ctx, self.ctx.rnd, self.ctx.staff.clerk
        kind = ctx.pick(TYPE_W)
        source = ctx.pick(SOURCE_W)
        village = ctx.village()
        r = ctx.factory.new(m.Dispute, d0, clerk)
        r.serial = ctx.serial("JF", "dispute", d0)
        r.found_date = d0
        r.type, r.source = kind, source
        r.village_id = village.id
        r.grid_id = ctx.choice(village.grids) if village.grids and rnd.random() < 0.85 else None
        subject = ctx.choice(t.DISPUTE_SUBJECTS[kind])

        n_parties = 2 if rnd.random() < 0.85 else ctx.ri(3, 5)
        parties = []
        for i in range(n_parties):
            person = ctx.people.person()
            party = ctx.factory.new(m.DisputeParty, d0, clerk)
            party.dispute_id = r.id
            party.name = person.name
            party.role = "applicant" if i == 0 else ("respondent" if i == 1 else "third_party")
            party.id_number = person.id_number if rnd.random() < 0.85 else None
            party.phone = person.phone if rnd.random() < 0.9 else None
            party.address = f"{ctx.township_name}{village.name}{ctx.ri(1, 300)}号"
            party.created_at = party.updated_at = r.created_at + timedelta(seconds=i + 1)  # entered with the dispute
            parties.append(party)
        a, b = parties[0].name, parties[1].name
        r.title = f"{a}与{b}{subject}"
        r.description = ctx.choice(t.DISPUTE_DESCRIPTIONS).format(subject=subject, source=SOURCE_TEXT[source])
        r.people_count = n_parties if kind != "labour" else ctx.ri(2, 60)
        r.amount = float(rnd.randrange(1, 600) * 500) if kind in MONEY_TYPES else None
        roll = rnd.random()
        r.risk_level = "high" if roll < 0.06 else ("medium" if roll < 0.28 else "low")
        r.homicide_risk = kind in HOMICIDE_PRONE and r.risk_level != "low" and rnd.random() < 0.35
        r.turned_criminal = r.homicide_risk and rnd.random() < 0.02
        if source == "petition_transfer":
            r.petition_id = ctx.earlier(ctx.petition_days, ctx.petition_ids, d0)
        self.flow.register(r, d0, clerk)
        self._walk(r, d0, stall, village, a, b)
        ctx.dispute_days.append(d0.toordinal())
        ctx.dispute_ids.append(r.id)
        ctx.sink.add(m.Dispute, r.__dict__)
        ctx.tick()
        for party in parties:
            ctx.sink.add(m.DisputeParty, party.__dict__)
        for visit in self.visits:
            ctx.sink.add(m.DisputeVisit, visit)
        self.visits.clear()

    def _walk(self, r: Any, d0: date, stall: str | None, village: Any, a: str, b: str) -> None:
        ctx, rnd, flow, today = self.ctx, self.ctx.rnd, self.flow, self.ctx.today
        clerk = ctx.staff.clerk

        def go(action: str, day: date, **values: Any) -> bool:
            if day > today or stall == r.status:
                return False
            flow.act(r, action, clerk, values)
            return True

        accepted = d0 + timedelta(days=ctx.ri(0, 3))
        if not go("accept", accepted, accepted_date=accepted):
            return
        started = accepted + timedelta(days=ctx.ri(0, 4))
        village_level = village.committee_id and rnd.random() < 0.65
        committee, mediators = ((village.committee_id, village.mediators) if village_level
                                else ctx.township_committee or (None, []))
        if not go("start_mediation", started, mediation_start_date=started, route=ctx.pick(ROUTE_W),
                  committee_id=committee, mediator_id=ctx.choice(mediators) if mediators else None):
            return
        roll = rnd.random()
        length = ctx.ri(1, 25) if roll < 0.8 else (ctx.ri(26, 45) if roll < 0.95 else ctx.ri(46, 80))
        ended = started + timedelta(days=length)
        if rnd.random() < 0.86:
            written = rnd.random() < 0.7
            due = ended + timedelta(days=ctx.ri(7, 90))
            terms = ctx.choice(t.AGREEMENT_TERMS).format(a=a, b=b, deadline=due.isoformat(),
                                                         amount=rnd.randrange(1, 200) * 500) if written else None
            if not go("succeed", ended, mediation_end_date=ended, agreement_form="written" if written else "oral",
                      agreement_date=ended, agreement_terms=terms, performance_manner="一次性履行" if written else None,
                      performance_deadline=due if written else None,
                      resolution_level="village" if village_level else ctx.pick(LEVEL_W)):
                return
            self._after_success(r, ended, go)
        else:
            if not go("fail", ended, mediation_end_date=ended, failure_reason=ctx.choice(t.FAILURE_REASONS)):
                return
            out = ended + timedelta(days=ctx.ri(1, 10))
            if go("after_failure", out, outcome_date=out, failure_outcome=ctx.pick(FAILURE_OUTCOME_W)):
                self._feedback(r, out, go)

    def _after_success(self, r: Any, ended: date, go: Any) -> None:
        """Performance, judicial confirmation, confirmation, follow-up visit and feedback, in date order."""
        ctx, rnd = self.ctx, self.ctx.rnd
        steps: list[tuple[date, str, dict[str, Any]]] = []
        if rnd.random() < 0.6:
            day = ended + timedelta(days=ctx.ri(5, 60))
            steps.append((day, "record_performance", {"performance_date": day, "performance_status": ctx.pick(PERFORMANCE_W)}))
        if rnd.random() < 0.12:
            day = ended + timedelta(days=ctx.ri(1, 28))
            steps.append((day, "judicial_confirm", {"judicial_confirm_date": day}))
        if rnd.random() < 0.35:
            day = ended + timedelta(days=ctx.ri(1, 20))
            steps.append((day, "confirm", {"confirmed_date": day}))
        if rnd.random() < 0.7:
            day = ended + timedelta(days=ctx.ri(0, 7))
            steps.append((day, "feedback", {"feedback_date": day}))
        if rnd.random() < 0.4:
            steps.append((ended + timedelta(days=ctx.ri(15, 90)), "visit", {}))
        steps.sort(key=lambda s: s[0])
        for day, action, values in steps:
            if day > ctx.today:
                break
            if action == "visit":
                self._visit(r, day)
            else:
                go(action, day, **values)

    def _feedback(self, r: Any, after: date, go: Any) -> None:
        if self.ctx.rnd.random() < 0.6:
            day = after + timedelta(days=self.ctx.ri(0, 5))
            go("feedback", day, feedback_date=day)

    def _visit(self, r: Any, day: date) -> None:
        """A 回访 row plus what `Services.add_child(..., "visits")` does to the dispute."""
        ctx, clerk = self.ctx, self.ctx.staff.clerk
        v = ctx.factory.new(m.DisputeVisit, day, clerk)
        v.dispute_id = r.id
        v.visit_date = day
        v.performance_status = ctx.pick(PERFORMANCE_W)
        v.satisfaction = ctx.pick(VISIT_SATISFACTION_W)
        v.note = "当事人对调解结果表示认可" if v.satisfaction != "unsatisfied" else "当事人对履行进度有意见，继续跟进"
        v.visitor = ctx.people.name()[0]
        self.visits.append(v.__dict__)
        r.performance_status = v.performance_status
        r.feedback_date = r.feedback_date or day
        at = self.flow.touch(r, day, clerk)
        self.flow.event(r, "visit", day, clerk, "回访", at=at)
