"""Demo 重点人员: people of every category over the villages, their visits (some late, some raising
the risk), a few released. Written through the services (one audited transaction each) after the
bulk-generated records: a township keeps tens to a few hundred of them, not millions."""

from __future__ import annotations

from datetime import date, timedelta
from random import Random
from typing import Any

from sqlalchemy import select

from ...domain import models as m
from ...services.context import Actor, Services
from . import domain as d

SITUATIONS = (
    "本人在家，情绪稳定，家属配合看护", "按时服药，生活规律，无异常言行", "务农为主，与邻里关系缓和",
    "外出务工，电话联系本人及家属，情况正常", "对前期处理结果仍有意见，已做思想疏导", "近期与家人发生口角，已联系村干部调处",
)
MEASURES = (
    "网格员每月入户走访，村干部结对帮扶", "监护人落实看护责任，社区医生随访", "落实“一人一档”，包保领导定期约谈",
    "帮助申请低保和临时救助", "安置帮教，协助联系就业",
)
RISKS = ("low", "medium", "high")
LABEL = d.LABEL
TABLE = d.MODEL.__tablename__  # type: ignore[attr-defined]


def people_for(records: int) -> int:
    """How many key persons a demo township of `records` main records keeps."""
    return max(8, min(300, records // 150))


def populate(admin: Services, clerk: str, reviewer: str, records: int, rnd: Random) -> int:
    """Register the demo's key persons as `clerk` (granted 查看重点人员 first, as is `reviewer`), with
    visits and releases; returns how many people."""
    for username in (clerk, reviewer):
        admin.set_grant(username, d.GRANT, True)
    today = admin.today()
    by = Services(admin.store, Actor(clerk, "clerk"), today=lambda: today)
    lead = Services(admin.store, Actor(reviewer, "reviewer"), today=lambda: today)
    with admin.session() as s:
        grids = s.execute(select(m.Grid.id, m.Grid.village_id).where(m.Grid.voided.is_(False))).all()
        village_names = dict(s.execute(select(m.Village.id, m.Village.name)).all())
        workers = s.execute(select(m.GridWorker.id, m.GridWorker.grid_id, m.GridWorker.name)).all()
        leaders = [r for (r,) in s.execute(select(m.Leader.id).where(m.Leader.voided.is_(False)))]
    workers_of: dict[str, list[tuple[str, str]]] = {}
    for wid, gid, name in workers:
        workers_of.setdefault(gid, []).append((wid, name))
    categories = list(admin.codes[d.CODE_TABLE].items)
    from ...demo.people import PeopleFactory  # the demo's names, ID numbers and phones

    people = PeopleFactory(rnd, admin.township.code[:6], today)
    n = people_for(records)
    for _ in range(n):
        grid_id, village_id = rnd.choice(grids)
        worker = rnd.choice(workers_of.get(grid_id) or [(None, "网格员")])
        person = people.person()
        registered = today - timedelta(days=rnd.randint(20, 700))
        category = rnd.choice(categories)
        rec = by.create(d.NAME, {
            "name": person.name, "id_number": person.id_number, "phone": person.phone,
            "address": f"{village_names.get(village_id, '')}{rnd.randint(1, 300)}号", "village_id": village_id, "grid_id": grid_id, "category": category,
            "risk_level": rnd.choices(RISKS, (5, 4, 1))[0], "grid_worker_id": worker[0],
            "leader_id": rnd.choice(leaders) if leaders else None, "measures": rnd.choice(MEASURES),
            "registered_date": registered,
        }).record
        _visits(by, rec, worker[1], today, rnd)
        if rnd.random() < 0.12:
            rec = by.get(d.NAME, rec.id)
            when = min(today, (rec.last_visit_date or registered) + timedelta(days=rnd.randint(1, 20)))
            lead.act(d.NAME, rec.id, "release", {"released_date": when, "release_reason": "经评估风险消除，稳控期满",
                                                 "release_approver": "综治中心主任"})
    return n


def _visits(by: Services, rec: Any, visitor: str, today: date, rnd: Random) -> None:
    """Visits at about the cadence in the last half year; some people visited late (overdue today),
    some visits raising the risk."""
    first, later = d.cadence_of(rec.category, by.policy)
    # Only the last half year's visits (what the sheets and deadlines look at; fewer writes).
    day: date = max(rec.registered_date, today - timedelta(days=180))
    late = rnd.random() < 0.15
    while True:
        step = first if day < rec.registered_date + timedelta(days=d.FIRST_YEAR_DAYS) else later
        day = day + timedelta(days=max(1, step - rnd.randint(0, step // 3)))
        if day > today or (late and day > today - timedelta(days=step + 15)):
            break
        risk = rnd.choices((None, "low", "medium", "high"), (6, 2, 1, 1))[0]
        by.add_child(d.NAME, rec.id, "visits", {"visit_date": day, "visitor": visitor,
                                                 "situation": rnd.choice(SITUATIONS), "risk_after": risk})
