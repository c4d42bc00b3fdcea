"""Helpers for the sync tests: a county hub, townships that trust it, records of every kind, digests.

(A module of its own, not conftest.py: several test directories have a conftest module.)
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, inspect, text

from zongzhi_desktop.county.setup import (
    CountyKeys,
    init_county,
    register_township,
    unlock_county_keys,
)
from zongzhi_desktop.services import Actor, Services, open_services
from zongzhi_desktop.store.database import Store
from zongzhi_desktop.sync.trust import make_registration_file, trust_county

COUNTY = "330825"
COUNTY_NAME = "龙游县"
COUNTY_PASS = "county-pass-123"
TOWN_PASS = "town-pass-123"
TODAY = date(2026, 11, 20)


@dataclass
class County:
    store: Store
    keys: CountyKeys
    profile: bytes


SUITES = ("nacl-1", "gm-1")


def make_county(root: Path, code: str = COUNTY, name: str = COUNTY_NAME, suite: str = "nacl-1") -> County:
    root.mkdir(parents=True, exist_ok=True)
    store = Store(root / "county.sqlite3")
    ident = init_county(store, code, name, COUNTY_PASS, actor="county-admin", suite=suite)
    return County(store, unlock_county_keys(store, COUNTY_PASS), ident.profile)


def make_township(root: Path, code: str, name: str, county_code: str = COUNTY) -> Services:
    root.mkdir(parents=True, exist_ok=True)
    svc = open_services(root / "zongzhi.sqlite3", today=lambda: TODAY)
    svc.initialize(township_code=code, township_name=name, county_code=county_code, county_name=COUNTY_NAME,
                   admin_username="admin", admin_password="admin-pass-1")
    svc.actor = Actor("admin", "admin", "管理员")  # type: ignore[misc]
    return svc


def link(svc: Services, county: County) -> bytes:
    """Township trusts the county profile; county registers the township's key. Returns the registration."""
    trust_county(svc, county.profile)
    reg = make_registration_file(svc, TOWN_PASS)
    register_township(county.store, reg.data, actor="county-admin")
    return reg.data


def id_number(seq: int) -> str:
    """A valid GB 11643 ID number, different for each seq."""
    body = f"110105194912{seq % 28 + 1:02d}{seq % 1000:03d}"
    weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
    return body + "10X98765432"[sum(int(c) * w for c, w in zip(body, weights, strict=True)) % 11]


def populate(svc: Services, tag: str = "", n: int = 2) -> dict[str, Any]:
    """Records of every kind (with children and workflow steps) — a small but complete township."""
    ids: dict[str, Any] = {}
    v = svc.create("village", {"code": svc.township.code + "001", "name": f"{tag}东村"}).record
    g = svc.create("grid", {"village_id": v.id, "name": f"{tag}一网格"}).record
    svc.create("grid_worker", {"grid_id": g.id, "name": "网格员甲", "phone": "13800000001"})
    dep = svc.create("department", {"name": f"{tag}司法所", "kind": "other"}).record
    leader = svc.create("leader", {"name": f"{tag}王书记", "post": "党委书记"}).record
    com = svc.create("committee", {"name": f"{tag}东村调委会", "village_id": v.id}).record
    svc.create("mediator", {"committee_id": com.id, "name": "调解员乙"})
    ids["petitions"] = []
    for i in range(n):
        p = svc.create("petition", {"received_date": "2026-11-02", "form": "来访", "petitioner_name": f"{tag}张{i}",
                                    "id_number": id_number(i + 1), "phone": "13912345678",
                                    "category": "申诉求决类", "request": "要求解决拖欠工资", "village_id": v.id}).record
        svc.act("petition", p.id, "accept", {"decision_date": "2026-11-05", "decision": "accept"})
        ids["petitions"].append(p.id)
    d = svc.create("dispute", {"title": f"{tag}宅基地纠纷", "found_date": "2026-11-03", "source": "网格员排查",
                               "type": "房屋宅基地", "village_id": v.id, "grid_id": g.id,
                               "parties": [{"name": "李四", "role": "applicant", "phone": "13700000000"},
                                           {"name": "王五", "role": "respondent"}]}).record
    svc.act("dispute", d.id, "accept", {"accepted_date": "2026-11-04"})
    ids["dispute"] = d.id
    pk = svc.create("package", {"title": f"{tag}积案包案", "leader_id": leader.id, "unit_department_id": dep.id,
                                "start_date": "2026-11-01", "target_date": "2026-12-31",
                                "links": [{"record_kind": "petition", "record_id": ids["petitions"][0]}]}).record
    svc.add_child("package", pk.id, "progress", {"entry_date": "2026-11-10", "content": "走访当事人", "by_whom": "王书记"})
    team = svc.create("team", {"name": f"{tag}平安巡防队", "type": "平安巡防", "village_id": v.id}).record
    vol = svc.create("volunteer", {"name": "志愿者丙", "phone": "13600000000", "teams": [{"team_id": team.id}]}).record
    svc.create("activity", {"activity_date": "2026-11-08", "team_id": team.id, "type": "平安巡防", "place": "东村",
                            "content": "夜间巡逻", "participants": [{"volunteer_id": vol.id, "hours": 2.5}]})
    svc.create("dispatch", {"title": f"{tag}道路积水", "raised_date": "2026-11-06", "department_id": dep.id,
                            "deadline": "2026-11-30"})
    return ids


def county_rows(county: County, sql: str) -> list[tuple[Any, ...]]:
    """Rows of a query on the county's (plain SQLite) store, read with sqlite3."""
    import sqlite3

    assert county.store.path is not None
    con = sqlite3.connect(county.store.path)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


def table_counts(path: Path | str, township_code: str | None = None, key: bytes | None = None) -> dict[str, int]:
    """Rows per synced table (optionally of one township), read with a raw connection (`key`: an
    encrypted store's data key)."""
    from zongzhi_desktop.store.engine import connect_file
    from zongzhi_desktop.sync.rowcodec import whole_tables

    con = connect_file(path, key)
    try:
        out = {}
        for name in whole_tables():
            q = f'SELECT count(*) FROM "{name}"' + (" WHERE township_code = ?" if township_code else "")
            out[name] = con.execute(q, (township_code,) if township_code else ()).fetchone()[0]
        return out
    finally:
        con.close()


def digest(engine: Engine) -> str:
    """SHA-256 over every row of every table (sorted), through SQLAlchemy so it works on PostgreSQL too."""
    h = hashlib.sha256()
    with engine.connect() as conn:
        names = sorted(n for n in inspect(conn).get_table_names() if "_fts" not in n and "_grams" not in n)
        for n in names:
            rows = conn.execute(text(f'SELECT * FROM "{n}"')).all()
            h.update(n.encode())
            for r in sorted(repr(tuple(r)) for r in rows):
                h.update(r.encode())
    return h.hexdigest()
