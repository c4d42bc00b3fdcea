"""Demo volunteers (平安志愿者), team memberships, activities and participants."""

from __future__ import annotations

from ..domain import models as m
from . import texts as t
from .context import Ctx

ACTIVITY_TYPES = ("patrol", "mediation", "legal_publicity", "civility", "care", "emergency")


def make_volunteers(ctx: Ctx, n: int) -> None:
    """Volunteers registered over the past years, each in one or two teams."""
    rnd, f, sink, admin = ctx.rnd, ctx.factory, ctx.sink, ctx.staff.clerk
    by_village: dict[str | None, list[str]] = {}
    for team_id, _kind, village in ctx.teams:
        by_village.setdefault(village.id if village else None, []).append(team_id)
    township_teams = by_village.get(None, [])
    for day in ctx.spread(n):
        person = ctx.people.person(18, 75)
        village = ctx.village()
        v = f.new(m.Volunteer, day, admin)
        v.name, v.gender = person.name, person.gender
        v.phone = person.phone
        v.id_number = person.id_number if rnd.random() < 0.6 else None
        v.village_id = village.id
        v.skills = "、".join(rnd.sample(t.SKILLS, ctx.ri(1, 2))) if rnd.random() < 0.5 else None
        v.active = rnd.random() < 0.92
        sink.add(m.Volunteer, v.__dict__)
        ctx.tick()
        own = by_village.get(village.id) or township_teams
        teams = [ctx.choice(own if rnd.random() < 0.75 or not township_teams else township_teams)]
        if rnd.random() < 0.1:
            other = ctx.choice(township_teams or own)
            if other not in teams:
                teams.append(other)
        for team_id in teams:
            tm = f.new(m.TeamMember, day, admin)
            tm.team_id, tm.volunteer_id = team_id, v.id
            sink.add(m.TeamMember, tm.__dict__)
            if v.active:
                ctx.team_members[team_id].append(v.id)
    sink.flush(m.TeamMember)


def make_activities(ctx: Ctx, n: int) -> None:
    """Activities of teams with members, with 2-8 participants and their hours."""
    rnd, f, sink, clerk = ctx.rnd, ctx.factory, ctx.sink, ctx.staff.clerk
    teams = [(tid, kind, village) for tid, kind, village in ctx.teams if ctx.team_members.get(tid)]
    if not teams:
        return
    for day in ctx.spread(n):
        team_id, kind, village = ctx.choice(teams)
        a = f.new(m.Activity, day, clerk)
        a.serial = ctx.serial("HD", "activity", day)
        a.activity_date = day
        a.team_id = team_id
        a.type = kind if rnd.random() < 0.85 else ctx.choice(ACTIVITY_TYPES)
        where = village or ctx.village()
        a.village_id = where.id
        a.place = f"{where.name}{ctx.choice(t.PLACES)}"
        a.content = ctx.choice(t.ACTIVITY_CONTENT[a.type])
        a.hazards_found = ctx.ri(0, 3) if a.type in ("patrol", "emergency") else 0
        a.disputes_resolved = ctx.ri(0, 2) if a.type == "mediation" else 0
        a.people_served = ctx.ri(5, 120)
        sink.add(m.Activity, a.__dict__)
        ctx.tick()
        members = ctx.team_members[team_id]
        for vid in rnd.sample(members, min(len(members), ctx.ri(2, 6))):
            p = f.new(m.ActivityParticipant, day, clerk)
            p.activity_id, p.volunteer_id, p.hours = a.id, vid, ctx.ri(2, 8) / 2
            sink.add(m.ActivityParticipant, p.__dict__)
    sink.flush(m.ActivityParticipant)

