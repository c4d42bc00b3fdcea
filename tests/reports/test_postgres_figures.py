"""The figure queries run unchanged on PostgreSQL (the county hub's database) with a township dimension."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select

from zongzhi_desktop.domain import models as m
from zongzhi_desktop.domain.models.keyperson import KeyPerson, KeyPersonLink, KeyPersonVisit
from zongzhi_desktop.reports import service as rs
from zongzhi_desktop.reports.periods import parse_period
from zongzhi_desktop.reports.sheets import build_sheet
from zongzhi_desktop.services import Services
from zongzhi_desktop.store import status_history
from zongzhi_desktop.store.database import Store

pytestmark = pytest.mark.postgres
PG_ADMIN_URL = os.environ.get("ZONGZHI_TEST_PG", "postgresql://postgres@127.0.0.1:5432/test")
TABLES = (m.Township, m.Village, m.Grid, m.Department, m.Leader, m.MediationCommittee, m.Mediator, m.Petition,
          m.Dispute, m.CasePackage, m.PackageProgress, m.DispatchItem, m.VolunteerTeam, m.Volunteer, m.Activity,
          m.ActivityParticipant, m.WorkflowEvent, m.GridWorker, KeyPerson, KeyPersonVisit, KeyPersonLink)


@pytest.fixture
def pg_url() -> Iterator[str]:
    psycopg = pytest.importorskip("psycopg")
    try:
        admin = psycopg.connect(PG_ADMIN_URL, autocommit=True, connect_timeout=3)
    except psycopg.OperationalError as e:
        if os.environ.get("CI"):
            raise
        pytest.skip(f"PostgreSQL not reachable: {e}")
    name = f"zz_reports_{uuid.uuid4().hex[:10]}"
    admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield PG_ADMIN_URL.rsplit("/", 1)[0] + "/" + name
    finally:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.close()


def test_sheets_on_postgres_equal_sqlite(gen_svc: Services, pg_url: str, tmp_path: Path) -> None:
    pg = Store(pg_url)
    try:
        with gen_svc.store.engine.connect() as src, pg.engine.begin() as dst:
            for model in TABLES:
                t = model.__table__  # type: ignore[attr-defined]
                rows = [dict(r._mapping) for r in src.execute(select(t).order_by(t.c.created_at))]
                for row in rows:  # one by one: petitions refer to earlier petitions (重复访)
                    dst.execute(t.insert().values(**row))
            st = m.Setting.__table__  # type: ignore[attr-defined]
            for row in src.execute(select(st).where(st.c.key.startswith("cadence."))):  # 重点人员 visit cadence
                dst.execute(st.insert().values(**dict(row._mapping)))
            # The status history is derived: rebuilt from the copied events on PostgreSQL itself.
            status_history.rebuild_all(dst)
        for kind, code in (("weekly", "2026-W47"), ("monthly", "2026-11"), ("quarterly", "2026-Q4")):
            p = parse_period(code)
            args = {"codes": gen_svc.codes, "township_name": "城关镇", "made_on": gen_svc.today()}
            with gen_svc.store.engine.connect() as c:
                lite = build_sheet(c, kind, p, townships=None, **args)
            with pg.engine.connect() as c:
                post = build_sheet(c, kind, p, townships=None, **args)
            rs.fill_refs(gen_svc.store, lite)
            rs.fill_refs(pg, post)
            assert {k: (v.text, v.refs) for k, v in post.values.items()} == \
                   {k: (v.text, v.refs) for k, v in lite.values.items()}
            assert post.values["petition.new"].text != "0" or kind == "weekly"
    finally:
        pg.close()
