"""Reference data of the demo township: villages, grids, departments, leaders, mediators, teams."""

from __future__ import annotations

from datetime import timedelta

from ..domain import models as m
from . import texts as t
from .context import Ctx, Village


def build_reference(ctx: Ctx, *, volunteer_teams: bool = True) -> None:
    """Villages/communities with 12-digit codes, grids and workers, departments, leaders,
    mediation committees and mediators, and the volunteer teams."""
    rnd, f, sink = ctx.rnd, ctx.factory, ctx.sink
    day = ctx.today - timedelta(days=800)  # reference data predates the casework
    admin = "admin"
    n_villages = ctx.ri(12, 20)
    n_comm = ctx.ri(2, 4)
    names = list(t.COMMUNITIES[:n_comm]) + rnd.sample(t.VILLAGES, n_villages - n_comm)
    for i, name in enumerate(names):
        community = name.endswith("社区")
        # Division codes: communities (居委会) 001-199, villages (村委会) 200-399.
        code = f"{ctx.township_code}{(i + 1) if community else (200 + i - n_comm + 1):03d}"
        row = f.new(m.Village, day, admin)
        row.code, row.name, row.kind = code, name, "community" if community else "village"
        sink.add(m.Village, row.__dict__)
        v = Village(row.id, name, code, weight=rnd.uniform(1.5, 3.0) if community else rnd.uniform(0.6, 1.6))
        ctx.villages.append(v)
        for g in range(ctx.ri(3, 7) if community else ctx.ri(2, 5)):
            grid = f.new(m.Grid, day, admin)
            grid.village_id, grid.name, grid.code = v.id, f"{name}第{g + 1}网格", f"{code}{g + 1:03d}"
            sink.add(m.Grid, grid.__dict__)
            v.grids.append(grid.id)
            worker = f.new(m.GridWorker, day, admin)
            worker.grid_id, worker.name, worker.phone = grid.id, ctx.people.name()[0], ctx.people.mobile()
            sink.add(m.GridWorker, worker.__dict__)

    for name, kind in t.DEPARTMENTS:
        dep = f.new(m.Department, day, admin)
        dep.name, dep.kind = f"{ctx.township_name}{name}", kind
        dep.contact, dep.phone = ctx.people.name()[0], ctx.people.mobile()
        sink.add(m.Department, dep.__dict__)
        ctx.departments[dep.name] = dep.id
        ctx.dept_by_kind.setdefault(kind, []).append(dep.id)
    for v in ctx.villages:
        dep = f.new(m.Department, day, admin)
        dep.name = f"{v.name}{'居委会' if v.name.endswith('社区') else '村委会'}"
        dep.kind, dep.contact, dep.phone = "village_committee", ctx.people.name()[0], ctx.people.mobile()
        sink.add(m.Department, dep.__dict__)
        ctx.departments[dep.name] = dep.id
        ctx.dept_by_kind.setdefault("village_committee", []).append(dep.id)
        v.committee_dept = dep.id

    for level, posts in (("county", t.COUNTY_LEADER_POSTS), ("township", t.TOWNSHIP_LEADER_POSTS)):
        for post in posts:
            leader = f.new(m.Leader, day, admin)
            leader.name, leader.post, leader.level = ctx.people.name()[0], post, level
            sink.add(m.Leader, leader.__dict__)
            ctx.leaders.append((leader.id, leader.name, level))
    ctx.staff.approvers = [name for _id, name, level in ctx.leaders if level == "township"][:3]

    def committee(name: str, village: Village | None, size: int) -> tuple[str, list[str]]:
        c = f.new(m.MediationCommittee, day, admin)
        c.name, c.village_id = name, village.id if village else None
        sink.add(m.MediationCommittee, c.__dict__)
        mediators = []
        for _ in range(size):
            med = f.new(m.Mediator, day, admin)
            med.committee_id, med.name, med.phone = c.id, ctx.people.name()[0], ctx.people.mobile()
            sink.add(m.Mediator, med.__dict__)
            mediators.append(med.id)
        return c.id, mediators

    ctx.township_committee = committee(f"{ctx.township_name}人民调解委员会", None, 5)
    for v in ctx.villages:
        v.committee_id, v.mediators = committee(f"{v.name}人民调解委员会", v, ctx.ri(2, 4))

    if volunteer_teams:
        build_teams(ctx)


def build_teams(ctx: Ctx) -> int:
    """Township-wide teams plus a patrol team and one more per village; returns how many."""
    f, sink = ctx.factory, ctx.sink
    short = ctx.township_name.removesuffix("镇").removesuffix("乡").removesuffix("街道")
    specs: list[tuple[str, str, Village | None]] = [(f"{short}{suffix}", kind, None) for suffix, kind in t.TOWNSHIP_TEAMS]
    for v in ctx.villages:
        specs.append((f"{v.name}平安巡防队", "patrol", v))
        suffix, kind = ctx.choice(t.VILLAGE_TEAMS)
        specs.append((f"{v.name}{suffix}", kind, v))
    for name, kind, village in specs:
        founded = ctx.today - timedelta(days=ctx.ri(800, 3000))
        team = f.new(m.VolunteerTeam, ctx.today - timedelta(days=800), "admin")
        team.name, team.type, team.village_id, team.founded_date = name, kind, village.id if village else None, founded
        team.leader_name, team.phone = ctx.people.name()[0], ctx.people.mobile()
        sink.add(m.VolunteerTeam, team.__dict__)
        ctx.tick()
        ctx.teams.append((team.id, kind, village))
        ctx.team_members[team.id] = []
    return len(specs)
