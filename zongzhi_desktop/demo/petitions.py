"""Demo petitions (信访件): forms, flags, repeat detection and the statutory workflow."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from ..domain import deadlines as dl
from ..domain import models as m
from ..services.records import REPEAT_LOOKBACK_DAYS
from . import texts as t
from .context import Ctx, Village, Weighted
from .people import Person
from .rows import Flow

FORMS = ("visit", "call", "online", "letter", "fax")
FORM_W = Weighted(FORMS, (35, 20, 30, 13, 2))
ROUTES = ("direct", "assigned_by_superior", "hotline_12345")
ROUTE_W = Weighted(ROUTES, (70, 15, 15))
CATEGORIES = ("claim", "complaint", "suggestion")
CATEGORY_W = Weighted(CATEGORIES, (70, 18, 12))
SUBJECTS = tuple(t.PETITION_REQUESTS)
SUBJECT_W = Weighted(SUBJECTS, (14, 16, 12, 14, 6, 8, 10, 4, 4, 12))
SUBJECT_DEPT = {
    "land_demolition": "natural_resources", "labour_social": "hrss", "agriculture": "other",
    "law_litigation": "justice", "civil_affairs": "civil_affairs", "environment": "other",
}
REPLY = ("support", "explain", "not_support")
REPLY_W = Weighted(REPLY, (35, 50, 15))
REVIEW_W = Weighted(REPLY, (20, 55, 25))
RECHECK_W = Weighted(REPLY, (15, 60, 25))
LEVELS = ("village", "township", "county")
LEVEL_W = Weighted(LEVELS, (58, 37, 5))
SATISFACTION = ("satisfied", "basically", "unsatisfied")
SATISFACTION_W = Weighted(SATISFACTION, (72, 20, 8))

# Stall modes: (state to stay in, received between lo and hi days ago) so the deadline has passed.
STALLS = [("registered", 17, 45), ("assigned", 70, 110)]


@dataclass
class _Prior:
    id: str
    serial: str
    received: date
    closed: date | None  # left the open states on this day (None: still open)


class PetitionMaker:
    def __init__(self, ctx: Ctx) -> None:
        self.ctx = ctx
        self.flow = Flow("petition", ctx.factory, ctx.policy, ctx.sink)
        self.frequent: list[tuple[Person, Village]] = []
        self.by_id_number: dict[str, _Prior] = {}
        self.by_name_village: dict[tuple[str, str], _Prior] = {}

    def run(self, n: int) -> None:
        ctx = self.ctx
        self.frequent = [(ctx.people.person(), ctx.village()) for _ in range(max(5, n // 50))]
        for day, stall in ctx.plan(n, STALLS):
            self.one(day, stall)
        ctx.sink.flush(m.Petition)

    def one(self, d0: date, stall: str | None) -> None:
        ctx, rnd, clerk = self.ctx, self.ctx.rnd, self.ctx.staff.clerk
        if rnd.random() < 0.12:
            person, village = ctx.choice(self.frequent)  # people who come back
        else:
            person, village = ctx.people.person(), ctx.village()
        subject = ctx.pick(SUBJECT_W)
        p = ctx.factory.new(m.Petition, d0, clerk)
        p.received_date = d0
        p.serial = ctx.serial("XF", "petition", d0)
        p.form = ctx.pick(FORM_W)
        p.route = ctx.pick(ROUTE_W)
        p.petitioner_name = person.name
        p.id_number = person.id_number if p.form in ("visit", "fax") or rnd.random() < 0.75 else None
        p.phone = person.phone if rnd.random() < 0.92 else None
        p.village_id = village.id if rnd.random() < 0.95 else None
        p.address = f"{ctx.township_name}{village.name}{ctx.ri(1, 300)}号"
        p.category = ctx.pick(CATEGORY_W)
        p.subject = subject
        fill = {"village": village.name, "year": d0.year - ctx.ri(0, 3), "amount": rnd.randrange(2, 400) * 500,
                "company": ctx.choice(t.COMPANIES), "count": ctx.ri(2, 40)}
        p.request = ctx.choice(t.PETITION_REQUESTS[subject]).format(**fill)
        p.facts = ctx.choice(t.PETITION_FACTS).format(**fill) or None
        if rnd.random() < 0.045:  # 集体访: five or more people, at most five representatives
            p.form = "visit"
            p.headcount = ctx.ri(5, 40)
            reps = [person.name] + [ctx.people.name()[0] for _ in range(ctx.ri(1, 4))]
            p.representatives = "、".join(reps)
        p.is_skip_level = p.route == "assigned_by_superior" and rnd.random() < 0.2
        p.accept_deadline = ctx.policy.add(d0, dl.ACCEPT_DAYS)
        self._repeat(p, d0)
        self.flow.register(p, d0, clerk)
        closed = self._walk(p, d0, stall, subject, village)
        prior = _Prior(p.id, p.serial, d0, closed)
        if p.id_number:
            self.by_id_number[p.id_number] = prior
        if p.village_id:
            self.by_name_village[(p.petitioner_name, p.village_id)] = prior
        ctx.petition_days.append(d0.toordinal())
        ctx.petition_ids.append(p.id)
        ctx.sink.add(m.Petition, p.__dict__)
        ctx.tick()

    def _repeat(self, p: Any, d0: date) -> None:
        """Mark 重复访 the way `Services.create` does: the latest open or recent petition by the
        same ID number, or the same name in the same village."""
        since = d0 - timedelta(days=REPEAT_LOOKBACK_DAYS)
        best: _Prior | None = None
        for prior in (self.by_id_number.get(p.id_number) if p.id_number else None,
                      self.by_name_village.get((p.petitioner_name, p.village_id)) if p.village_id else None):
            if prior is None:
                continue
            if prior.received >= since or prior.closed is None or prior.closed > d0:
                if best is None or prior.received > best.received:
                    best = prior
        if best is not None:
            p.is_repeat = True
            p.repeat_of_id = best.id

    def _walk(self, p: Any, d0: date, stall: str | None, subject: str, village: Village) -> date | None:
        """Move the petition through its workflow while the step dates are in the past.
        Returns the day it left the open states (None while open)."""
        ctx, rnd, flow, today = self.ctx, self.ctx.rnd, self.flow, self.ctx.today
        clerk = ctx.staff.clerk

        def go(action: str, day: date, **values: Any) -> bool:
            if day > today or stall == p.status:
                return False
            flow.act(p, action, clerk, values)
            return True

        late = rnd.random() < 0.06
        decided = d0 + timedelta(days=ctx.ri(16, 30) if late else ctx.ri(0, 14))
        decision = "accept" if rnd.random() < 0.9 else ctx.choice(("reject", "no_longer"))
        reason = None if decision == "accept" else ctx.choice(("不属于本机关职权范围，已告知向有权机关提出", "已经复核终结，不再受理"))
        if not go("accept", decided, decision_date=decided, decision=decision, decision_reason=reason):
            return None
        if decision != "accept":
            return decided
        kind = SUBJECT_DEPT.get(subject)
        options = ctx.dept_by_kind.get(kind or "", []) if kind else []
        dept = ctx.choice(options) if options and rnd.random() < 0.7 else (village.committee_dept or ctx.choice(list(ctx.departments.values())))
        assigned = decided + timedelta(days=ctx.ri(0, 3))
        if rnd.random() < 0.93 and not go("assign", assigned, assigned_date=assigned, assigned_department_id=dept):
            return None
        start = p.assigned_date or decided
        slow = rnd.random() < 0.08
        replied = decided + timedelta(days=ctx.ri(61, 85) if slow else ctx.ri(8, 55))
        if (slow or rnd.random() < 0.02) and rnd.random() < 0.6:
            when = min(start + timedelta(days=ctx.ri(20, 55)), replied - timedelta(days=1))
            if not go("extend", when, extension_date=when, extension_days=ctx.choice((15, 20, 30)),
                      extension_reason="案情复杂，需多部门会商", extension_approver=ctx.choice(ctx.staff.approvers)):
                return None
        if not go("reply", replied, reply_date=replied, reply_result=ctx.pick(REPLY_W),
                  reply_summary="已出具信访处理意见书并送达信访人", resolution_level=ctx.pick(LEVEL_W)):
            return None
        closed = replied
        rating = ctx.pick(SATISFACTION_W)
        rated = replied + timedelta(days=ctx.ri(1, 12))
        if rnd.random() < 0.88:
            go("rate", rated, rating_date=rated, rating=rating)
        review_chance = 0.35 if rating == "unsatisfied" or p.reply_result == "not_support" else 0.02
        if rnd.random() < review_chance and p.status == "replied":
            asked = max(rated, replied) + timedelta(days=ctx.ri(1, 14))
            if not go("request_review", asked, review_request_date=asked):
                return closed
            answered = asked + timedelta(days=ctx.ri(10, 29))
            if not go("review_reply", answered, review_reply_date=answered, review_result=ctx.pick(REVIEW_W)):
                return None
            closed = answered
            if rnd.random() < 0.3:
                asked = answered + timedelta(days=ctx.ri(3, 25))
                if not go("request_recheck", asked, recheck_request_date=asked):
                    return closed
                answered = asked + timedelta(days=ctx.ri(10, 29))
                if not go("recheck_reply", answered, recheck_reply_date=answered, recheck_result=ctx.pick(RECHECK_W)):
                    return None
                closed = answered
        return closed
