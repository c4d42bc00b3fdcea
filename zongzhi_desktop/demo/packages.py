"""Demo leader case-packages (领导包案) and dispatch items (调度事项)."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from ..domain import models as m
from . import texts as t
from .context import Ctx
from .rows import Flow

PACKAGE_STALLS = [("in_progress", 100, 200)]  # target date passed, not closed
DISPATCH_STALLS = [("open", 40, 120)]  # completion deadline passed


class PackageMaker:
    def __init__(self, ctx: Ctx) -> None:
        self.ctx = ctx
        self.flow = Flow("package", ctx.factory, ctx.policy, ctx.sink)
        self.children: list[tuple[type, dict[str, Any]]] = []

    def run(self, n: int) -> None:
        for day, stall in self.ctx.plan(n, PACKAGE_STALLS, share=0.03):
            self.one(day, stall)
        self.ctx.sink.flush(m.CasePackage)

    def one(self, d0: date, stall: str | None) -> None:
        ctx, rnd, clerk = self.ctx, self.ctx.rnd, self.ctx.staff.clerk
        leader_id, _name, level = ctx.choice(ctx.leaders)
        village = ctx.village()
        r = ctx.factory.new(m.CasePackage, d0, clerk)
        r.serial = ctx.serial("BA", "package", d0)
        r.title = ctx.choice(t.PACKAGE_TITLES).format(
            village=village.name, subject=ctx.choice(("征地补偿", "劳资", "宅基地", "拆迁安置", "土地流转")), n=ctx.ri(5, 30))
        r.leader_id = leader_id
        r.unit_department_id = ctx.choice(list(ctx.departments.values()))
        r.staff = "、".join(ctx.people.name()[0] for _ in range(ctx.ri(1, 3)))
        r.start_date = d0
        r.target_date = d0 + timedelta(days=ctx.ri(60, 180) if stall is None else ctx.ri(60, 90))
        r.plan = ctx.choice(t.PACKAGE_PLANS)
        r.know_situation = rnd.random() < 0.9
        r.counsel = rnd.random() < 0.8
        r.solve_problem = rnd.random() < 0.6
        r.stabilise = rnd.random() < 0.75
        r.stop_petitioning = rnd.random() < 0.5
        r.supervised = level == "county" or rnd.random() < 0.15
        r.is_backlog = rnd.random() < 0.25
        for n in range(ctx.ri(1, 3)):
            use_petition = rnd.random() < 0.6
            days, ids = (ctx.petition_days, ctx.petition_ids) if use_petition else (ctx.dispute_days, ctx.dispute_ids)
            target = ctx.earlier(days, ids, d0)
            if target:
                link = ctx.factory.new(m.PackageLink, d0, clerk)
                link.package_id, link.record_kind, link.record_id = r.id, "petition" if use_petition else "dispute", target
                link.created_at = link.updated_at = r.created_at + timedelta(seconds=n + 1)
                self.children.append((m.PackageLink, link.__dict__))
        self.flow.register(r, d0, clerk)
        self._walk(r, d0, stall)
        ctx.sink.add(m.CasePackage, r.__dict__)
        ctx.tick()
        for model, row in self.children:
            ctx.sink.add(model, row)
        self.children.clear()

    def _progress(self, r: Any, day: date) -> None:
        """A 工作进展 entry and its timeline event (as `Services.add_child(..., "progress")`)."""
        ctx = self.ctx
        row = ctx.factory.new(m.PackageProgress, day, ctx.staff.clerk)
        row.package_id, row.entry_date = r.id, day
        row.content = ctx.choice(t.PROGRESS_CONTENT)
        row.by_whom = r.staff.split("、")[0]
        self.children.append((m.PackageProgress, row.__dict__))
        self.flow.event(r, "progress", day, ctx.staff.clerk, row.content[:100])

    def _walk(self, r: Any, d0: date, stall: str | None) -> None:
        ctx, rnd, flow, today = self.ctx, self.ctx.rnd, self.flow, self.ctx.today
        staff = ctx.staff
        extended = rnd.random() < 0.1
        if rnd.random() < 0.75:
            request = r.target_date - timedelta(days=ctx.ri(0, 40))
        else:
            request = r.target_date + timedelta(days=ctx.ri(1, 60))
        request = max(request, d0 + timedelta(days=10))
        day = d0 + timedelta(days=ctx.ri(3, 20))
        while day < request and day <= today:
            if stall is None and extended and day >= r.target_date - timedelta(days=10) and r.extension_reason is None:
                new_target = r.target_date + timedelta(days=ctx.ri(30, 90))
                flow.act(r, "extend", staff.clerk, {"extension_date": day, "target_date": new_target,
                                                     "extension_reason": "当事人诉求涉及多个部门，需延长化解时限"})
                request = max(request, new_target - timedelta(days=ctx.ri(0, 20)))
            self._progress(r, day)
            day += timedelta(days=ctx.ri(15, 40))
        if stall or request > today:
            return
        flow.act(r, "request_close", staff.clerk, {"close_request_date": request})
        review = request + timedelta(days=ctx.ri(1, 10))
        if review > today:
            return
        if rnd.random() < 0.1:
            flow.act(r, "return", staff.reviewer, {"return_date": review, "reviewer": staff.reviewer_name,
                                                    "review_opinion": "化解不彻底，当事人仍有诉求，请继续做工作"})
            request = review + timedelta(days=ctx.ri(10, 30))
            if request > today:
                return
            self._progress(r, request)
            flow.act(r, "request_close", staff.clerk, {"close_request_date": request})
            review = request + timedelta(days=ctx.ri(1, 10))
            if review > today:
                return
        flow.act(r, "approve_close", staff.reviewer, {"closed_date": review, "reviewer": staff.reviewer_name,
                                                       "review_opinion": "问题已化解，当事人息诉罢访，同意销号"})


class DispatchMaker:
    def __init__(self, ctx: Ctx) -> None:
        self.ctx = ctx
        self.flow = Flow("dispatch", ctx.factory, ctx.policy, ctx.sink)

    def run(self, n: int) -> None:
        for day, stall in self.ctx.plan(n, DISPATCH_STALLS, share=0.03):
            self.one(day, stall)
        self.ctx.sink.flush(m.DispatchItem)

    def one(self, d0: date, stall: str | None) -> None:
        ctx, rnd, clerk = self.ctx, self.ctx.rnd, self.ctx.staff.clerk
        r = ctx.factory.new(m.DispatchItem, d0, clerk)
        r.serial = ctx.serial("DD", "dispatch", d0)
        r.title = ctx.choice(t.DISPATCH_TITLES).format(village=ctx.village().name, company=ctx.choice(t.COMPANIES))
        r.description = ctx.choice(t.DISPATCH_DESCRIPTIONS)
        r.raised_date = d0
        r.department_id = ctx.choice(list(ctx.departments.values()))
        r.deadline = d0 + timedelta(days=ctx.ri(15, 30) if stall else ctx.ri(15, 90))
        self.flow.register(r, d0, clerk)
        if stall is None:
            # Most finish within the deadline or soon after; the rest drag on for months.
            slack = 30 if rnd.random() < 0.85 else 150
            done = d0 + timedelta(days=ctx.ri(5, (r.deadline - d0).days + slack))
            if done <= ctx.today:
                self.flow.act(r, "complete", clerk, {"done_date": done, "result": "已协调解决"})
        ctx.sink.add(m.DispatchItem, r.__dict__)
        ctx.tick()
