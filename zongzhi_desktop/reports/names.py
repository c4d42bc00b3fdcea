"""Display names for the ids that figures group by (villages, units, leaders, teams, townships)."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import Connection, select

from ..domain import models as m

NO_VILLAGE = "未填村(社区)"
NO_UNIT = "未交办/未指定"


@dataclass
class RefRow:
    id: str
    name: str
    township_code: str
    code: str = ""
    voided: bool = False


@dataclass
class Names:
    """Reference rows of the store (voided ones too, so old records still show a name)."""

    villages: dict[str, RefRow] = field(default_factory=dict)
    departments: dict[str, RefRow] = field(default_factory=dict)
    committees: dict[str, RefRow] = field(default_factory=dict)
    leaders: dict[str, RefRow] = field(default_factory=dict)
    teams: dict[str, RefRow] = field(default_factory=dict)
    townships: dict[str, RefRow] = field(default_factory=dict)  # by division code

    @classmethod
    def load(cls, conn: Connection) -> Names:
        n = cls()

        def rows(model, *cols):  # type: ignore[no-untyped-def]
            t = model.__table__
            return conn.execute(select(t.c.id, t.c.township_code, t.c.voided, *(t.c[c] for c in cols)))

        for rid, tc, v, code, name in rows(m.Village, "code", "name"):
            n.villages[rid] = RefRow(rid, name, tc, code, v)
        for rid, tc, v, name in rows(m.Department, "name"):
            n.departments[rid] = RefRow(rid, name, tc, "", v)
        for rid, tc, v, name in rows(m.MediationCommittee, "name"):
            n.committees[rid] = RefRow(rid, name, tc, "", v)
        for rid, tc, v, name, post in rows(m.Leader, "name", "post"):
            n.leaders[rid] = RefRow(rid, f"{name}（{post}）" if post else name, tc, "", v)
        for rid, tc, v, name in rows(m.VolunteerTeam, "name"):
            n.teams[rid] = RefRow(rid, name, tc, "", v)
        for rid, tc, v, code, name in rows(m.Township, "code", "name"):
            n.townships[code] = RefRow(rid, name, tc, code, v)
        return n

    @staticmethod
    def name(table: dict[str, RefRow], key: str | None, missing: str) -> str:
        if key is None:
            return missing
        row = table.get(key)
        return row.name if row else missing
