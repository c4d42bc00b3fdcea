"""Alembic migrations: the migrated schema is the models' schema, upgrades keep every row, a failing
upgrade leaves the store as it was, and a store from a newer release is refused."""

from __future__ import annotations

import os
import shutil
import sqlite3
import uuid
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from dbsnapshot import dump
from sqlmodel import SQLModel

import zongzhi_desktop.domain.models  # noqa: F401  (every table on the metadata)
from zongzhi_desktop.domain.errors import DomainError, MigrationFailed
from zongzhi_desktop.services import Actor, Services
from zongzhi_desktop.store import migrate, status_history
from zongzhi_desktop.store.database import Store
from zongzhi_desktop.store.engine import make_engine

PG_ADMIN_URL = os.environ.get("ZONGZHI_TEST_PG", "postgresql://postgres@127.0.0.1:5432/test")
ID = "330825198503150021"


def schema_diff(engine: Any) -> list[Any]:
    with engine.connect() as conn:
        ctx = MigrationContext.configure(conn, opts={"compare_type": True, "include_name": migrate.include_name})
        return compare_metadata(ctx, SQLModel.metadata)


def sqlite_rows(path: Path, sql: str, *params: Any) -> list[tuple[Any, ...]]:
    con = sqlite3.connect(path)
    try:
        return con.execute(sql, params).fetchall()
    finally:
        con.close()


def test_migration_graph() -> None:
    """One root (0001) and one head: the history is linear from the 0006 merge on."""
    from alembic.script import ScriptDirectory

    script = ScriptDirectory.from_config(migrate.alembic_config())
    assert script.get_bases() == ["0001"]
    heads = script.get_heads()
    assert len(heads) == 1, f"Alembic history has {len(heads)} heads {heads}: revise the newest one"
    assert migrate.head_revisions() == set(heads)
    assert migrate.declared_heads() == set(heads)


def test_migrations_after_the_merge_are_one_line() -> None:
    """Every revision after 0006 has exactly one parent (no new branch, no second merge)."""
    from alembic.script import ScriptDirectory

    script = ScriptDirectory.from_config(migrate.alembic_config())
    for rev in script.walk_revisions():
        if rev.revision in {"0001", "0002", "0003", "0004", "0005", "0006"}:
            continue
        assert isinstance(rev.down_revision, str), f"{rev.revision} revises {rev.down_revision}"


def test_fresh_sqlite_schema_equals_models(tmp_path: Path) -> None:
    engine = make_engine(tmp_path / "fresh.sqlite3")
    assert migrate.upgrade(engine) is None  # nothing to back up in an empty database
    assert migrate.current_revisions(engine) == migrate.head_revisions()
    assert schema_diff(engine) == []
    assert migrate.upgrade(engine) is None  # already at the heads: nothing happens
    engine.dispose()


@pytest.fixture
def pg_database() -> Iterator[str]:
    """A throw-away PostgreSQL database (CI always has the server; elsewhere the test is skipped)."""
    psycopg = pytest.importorskip("psycopg")
    try:
        admin = psycopg.connect(PG_ADMIN_URL, autocommit=True, connect_timeout=3)
    except psycopg.OperationalError as e:
        if os.environ.get("CI"):
            raise
        pytest.skip(f"PostgreSQL not reachable: {e}")
    name = f"zz_migrations_{uuid.uuid4().hex[:10]}"
    admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield PG_ADMIN_URL.rsplit("/", 1)[0] + "/" + name
    finally:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.close()


@pytest.mark.postgres
def test_fresh_postgresql_schema_equals_models(pg_database: str) -> None:
    engine = make_engine(pg_database)
    try:
        assert migrate.upgrade(engine) is None
        assert migrate.current_revisions(engine) == migrate.head_revisions()
        assert schema_diff(engine) == []
    finally:
        engine.dispose()


# ---- a store created by the previous release (revision 0001 only) --------------------------------


def populate(admin: Services) -> None:
    """Records of every kind, in several workflow states, through the services."""
    clerk = Services(admin.store, Actor("clerk", "clerk"), today=admin._today)
    reviewer = Services(admin.store, Actor("leader", "reviewer"), today=admin._today)
    admin.create("village", {"code": "330825101001", "name": "东村", "kind": "村"})
    admin.create("grid", {"village_id": "东村", "name": "东村一网格", "code": "G01"})
    admin.create("grid_worker", {"grid_id": "东村一网格", "name": "网格员老王", "phone": "13900002222"})
    admin.set_code("dispute_type", "fishing", "渔业纠纷")
    admin.set_holiday(date(2026, 10, 1), name="国庆节")
    admin.set_setting("idle_lock_minutes", "30")
    clerk.create("department", {"name": "人社所", "kind": "人社所", "contact": "赵", "phone": "0570-7012345"})
    clerk.create("leader", {"name": "王镇长", "post": "镇长", "level": "乡镇级"})
    clerk.create("committee", {"name": "东村调委会", "village_id": "东村"})
    clerk.create("mediator", {"committee_id": "东村调委会", "name": "调解员钱", "phone": "13700003333"})

    p = clerk.create("petition", {"received_date": "2026-01-31", "form": "来访", "petitioner_name": "张三",
                                  "id_number": ID, "phone": "13800001111", "village_id": "东村", "headcount": 6,
                                  "representatives": "张三、李四", "category": "claim", "subject": "劳动社保",
                                  "request": "要求解决拖欠工资"}).record
    clerk.act("petition", p.id, "accept", {"decision_date": "2026-02-13", "decision": "accept"})
    clerk.act("petition", p.id, "assign", {"assigned_date": "2026-02-14", "assigned_department_id": "人社所"})
    clerk.act("petition", p.id, "extend", {"extension_date": "2026-04-01", "extension_days": 30,
                                           "extension_reason": "复杂", "extension_approver": "李主任"})
    clerk.act("petition", p.id, "reply", {"reply_date": "2026-05-01", "reply_result": "support"})
    clerk.act("petition", p.id, "rate", {"rating_date": "2026-05-02", "rating": "satisfied"})
    repeat = clerk.create("petition", {"received_date": "2026-06-01", "form": "来电", "petitioner_name": "张三",
                                       "id_number": ID, "category": "claim", "request": "再次反映"}).record
    reviewer.void("petition", repeat.id, "重复登记")

    d = clerk.create("dispute", {"title": "宅基地纠纷", "found_date": "2026-03-01", "source": "网格员排查",
                                 "type": "渔业纠纷", "village_id": "东村", "grid_id": "东村一网格", "amount": "1500.5",
                                 "homicide_risk": True, "petition_id": p.serial,
                                 "parties": [{"name": "甲", "id_number": ID}, {"name": "乙", "role": "被申请人"}]}).record
    clerk.act("dispute", d.id, "accept", {"accepted_date": "2026-03-02"})
    clerk.act("dispute", d.id, "start_mediation", {"mediation_start_date": "2026-03-03", "route": "人民调解",
                                                   "committee_id": "东村调委会", "mediator_id": "调解员钱"})
    clerk.act("dispute", d.id, "succeed", {"mediation_end_date": "2026-03-20", "agreement_form": "oral",
                                           "resolution_level": "村级"})
    clerk.add_child("dispute", d.id, "visits", {"visit_date": "2026-04-01", "satisfaction": "满意", "visitor": "钱"})

    pkg = clerk.create("package", {"title": "积案", "leader_id": "王镇长", "start_date": "2026-03-01",
                                   "target_date": "2026-12-31", "links": [{"record_kind": "petition",
                                                                           "record_id": p.serial}]}).record
    clerk.add_child("package", pkg.id, "progress", {"entry_date": "2026-03-10", "content": "约谈", "by_whom": "王镇长"})
    clerk.act("package", pkg.id, "request_close", {"close_request_date": "2026-10-01"})
    reviewer.act("package", pkg.id, "approve_close", {"closed_date": "2026-10-02", "reviewer": "李主任"})

    team = clerk.create("team", {"name": "龙游大妈", "type": "平安巡防", "village_id": "东村"}).record
    vol = clerk.create("volunteer", {"name": "周阿姨", "gender": "女", "teams": [{"team_id": team.id}]}).record
    clerk.create("activity", {"activity_date": "2026-05-01", "team_id": "龙游大妈", "type": "平安巡防",
                              "place": "东村", "content": "夜间巡逻", "people_served": 30,
                              "participants": [{"volunteer_id": vol.id, "hours": 2.5}]})
    clerk.create("dispatch", {"title": "村道拓宽", "raised_date": "2026-10-01", "deadline": "2026-11-10"})


def build_0001_store(source: Path, target: Path, revision: str = "0001", empty: Path | None = None
                     ) -> dict[str, tuple[list[str], list[tuple[Any, ...]]]]:
    """A store at `revision` (0001 by default) holding the source's rows (only the columns that
    revision had), via raw SQL. `empty`: an empty store already at that revision, copied."""
    if empty is not None:
        shutil.copy(empty, target)
    else:
        engine = make_engine(target)
        migrate.upgrade(engine, revision)
        engine.dispose()
    assert sqlite_rows(target, "SELECT version_num FROM alembic_version") == [(revision,)]
    con = sqlite3.connect(target)
    src = sqlite3.connect(source)
    tables = [n for (n,) in con.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
        "AND name != 'alembic_version' ORDER BY name")]
    content: dict[str, tuple[list[str], list[tuple[Any, ...]]]] = {}
    for t in tables:
        if "_fts" in t or "_grams" in t or t.startswith("search_"):
            continue  # the search index is derived: its triggers fill it from the rows copied
        cols = [r[1] for r in con.execute(f'PRAGMA table_info("{t}")')]
        col_sql = ", ".join(f'"{c}"' for c in cols)
        rows = src.execute(f'SELECT {col_sql} FROM "{t}"').fetchall()
        con.executemany(f'INSERT INTO "{t}" ({col_sql}) VALUES ({", ".join("?" * len(cols))})', rows)
        content[t] = (cols, sorted(rows, key=repr))
    con.commit()
    con.close()
    src.close()
    return content


def test_previous_release_store_upgrades_without_loss(admin: Services, tmp_path: Path) -> None:
    populate(admin)
    old = tmp_path / "old" / "zongzhi.sqlite3"
    old.parent.mkdir()
    before = build_0001_store(admin.store.path, old)
    empty = [t for t, (_c, rows) in before.items() if not rows]
    assert empty == [], f"the fixture should fill every 0001 table: {empty}"
    assert len(before) >= 25

    store = Store(old)
    assert migrate.current_revisions(store.engine) == migrate.head_revisions()
    # A consistent copy of the old file was written first, still at 0001 with every row.
    assert store.backup_path and store.backup_path.exists() and store.backup_path.parent == old.parent
    assert sqlite_rows(store.backup_path, "SELECT version_num FROM alembic_version") == [("0001",)]
    for t, (cols, rows) in before.items():
        col_sql = ", ".join(f'"{c}"' for c in cols)
        assert sorted(sqlite_rows(store.backup_path, f'SELECT {col_sql} FROM "{t}"'), key=repr) == rows, t
        assert sorted(sqlite_rows(old, f'SELECT {col_sql} FROM "{t}"'), key=repr) == rows, t
    assert schema_diff(store.engine) == []
    # Migration 0009 backfilled the status history from the workflow events.
    with store.engine.connect() as conn:
        assert conn.exec_driver_sql("SELECT count(*) FROM status_span").scalar_one() >= 4
        assert status_history.check(conn) == []

    # The upgraded store works: the chain verifies, records read back, workflows move on.
    svc = Services(store, Actor("clerk", "clerk"), today=admin._today)
    assert svc.verify_audit()[1] == []
    p = svc.list_records("petition", status="replied")[0]
    assert (p.petitioner_name, p.id_number, p.conclude_deadline) == ("张三", ID, date(2026, 5, 14))
    assert svc.describe("dispute", svc.list_records("dispute")[0])["_labels"]["type"] == "渔业纠纷"
    svc.act("petition", p.id, "request_review", {"review_request_date": "2026-05-20"})
    assert svc.get("petition", p.id).revision == p.revision + 1
    store.close()


# ---- a store at every later revision (each release since the heads were merged) ----------------------


def _line_after_merge() -> list[str]:
    """The revisions of the linear history from the merge of the first heads up to the one before
    the head: the revision any store a later release left behind is at."""
    from alembic.script import ScriptDirectory

    script = ScriptDirectory.from_config(migrate.alembic_config())
    line: list[str] = []
    rev = script.get_revision(script.get_current_head())
    while rev is not None and rev.revision != "0006":  # 0006 merged the first release's heads
        line.append(rev.revision)
        rev = script.get_revision(rev.down_revision)  # type: ignore[arg-type]
    return ["0006", *reversed(line[1:])]  # without the head itself


@pytest.fixture(scope="module")
def populated(tmp_path_factory: pytest.TempPathFactory, initialized_template: Path) -> Path:
    """One store at the head with records of every kind, the source of the older stores below."""
    path = tmp_path_factory.mktemp("populated") / "zongzhi.sqlite3"
    shutil.copy(initialized_template, path)
    svc = Services(Store(path), Actor("admin", "admin", "管理员"), today=lambda: date(2026, 11, 20))
    populate(svc)
    svc.store.close()
    return path


@pytest.fixture(scope="module")
def empty_at(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """An empty store at each revision of the line, made by one walk up it (a copy at every step)."""
    folder = tmp_path_factory.mktemp("revisions")
    work = folder / "work.sqlite3"
    out: dict[str, Path] = {}
    engine = make_engine(work)
    try:
        for revision in _line_after_merge():
            migrate.upgrade(engine, revision)
            engine.dispose()
            out[revision] = folder / f"{revision}.sqlite3"
            shutil.copy(work, out[revision])
    finally:
        engine.dispose()
    return out


@pytest.mark.parametrize("revision", _line_after_merge())
def test_store_at_each_later_revision_upgrades_without_loss(populated: Path, empty_at: dict[str, Path],
                                                            tmp_path: Path, revision: str) -> None:
    old = tmp_path / "zongzhi.sqlite3"
    before = build_0001_store(populated, old, revision, empty_at[revision])
    store = Store(old)
    try:
        assert migrate.current_revisions(store.engine) == migrate.head_revisions()
        assert schema_diff(store.engine) == []
        for t, (cols, rows) in before.items():
            if t in ("alembic_version", "status_span"):
                continue  # the version moves on; the status history is derived (checked below)
            col_sql = ", ".join(f'"{c}"' for c in cols)
            assert sorted(sqlite_rows(old, f'SELECT {col_sql} FROM "{t}"'), key=repr) == rows, (revision, t)
        with store.engine.connect() as conn:
            assert status_history.check(conn) == []
        svc = Services(store, Actor("clerk", "clerk"), today=lambda: date(2026, 11, 20))
        assert svc.verify_audit()[1] == [], revision
        assert svc.list_records("petition", status="replied")[0].id_number == ID
    finally:
        store.close()


# ---- failing and table-rebuilding migrations (a scratch copy of the script folder) ----------------

BROKEN = '''
import sqlalchemy as sa
from alembic import op

revision = "9999"
down_revision = {heads!r}
branch_labels = None
depends_on = None


def upgrade():
    op.create_table("zz_half_done", sa.Column("id", sa.Integer, primary_key=True))
    with op.batch_alter_table("petition", recreate="always") as batch:
        batch.add_column(sa.Column("zz_extra", sa.String(), nullable=True))
    op.execute("UPDATE petition SET petitioner_name = 'overwritten'")
    op.execute("DELETE FROM dispute_party")
    raise RuntimeError("deliberate failure in the middle of a migration")


def downgrade():
    pass
'''

REBUILD = '''
import sqlalchemy as sa
from alembic import op

revision = "9998"
down_revision = {heads!r}
branch_labels = None
depends_on = None


def upgrade():
    # Tables that other rows reference, rebuilt the way batch mode does on SQLite.
    for table in ("village", "petition", "dispute"):
        with op.batch_alter_table(table, recreate="always") as batch:
            batch.add_column(sa.Column("zz_note", sa.String(), nullable=True))


def downgrade():
    pass
'''


def scratch_scripts(tmp_path: Path, body: str) -> Path:
    folder = tmp_path / "migrations"
    shutil.copytree(migrate.MIGRATIONS_DIR, folder, ignore=shutil.ignore_patterns("__pycache__"))
    heads = tuple(sorted(migrate.head_revisions()))
    (folder / "versions" / "9999_scratch.py").write_text(body.format(heads=heads), encoding="utf-8")
    return folder


def test_failing_migration_leaves_store_unchanged(admin: Services, tmp_path: Path) -> None:
    populate(admin)
    path = admin.store.path
    before = dump(path)
    schema = sqlite_rows(path, "SELECT type, name, sql FROM sqlite_master ORDER BY name")
    scripts = scratch_scripts(tmp_path, BROKEN)
    with pytest.raises(MigrationFailed, match="deliberate failure") as failed:
        migrate.upgrade(admin.store.engine, script_location=scripts)
    # A clear Chinese message that names the versions and the verified backup; exit code 1.
    message = failed.value.message
    assert message.startswith("数据库升级失败（版本 ") and "数据库保持升级前的状态" in message
    assert failed.value.exit_code == 1
    backup = Path(message.split("升级前的备份：")[1].split("。")[0])
    assert backup.exists() and dump(backup) == before
    assert not list(path.parent.glob("*.partial"))
    assert sqlite_rows(path, "SELECT type, name, sql FROM sqlite_master ORDER BY name") == schema
    assert dump(path) == before
    assert {v for (v,) in sqlite_rows(path, "SELECT version_num FROM alembic_version")} == migrate.head_revisions()
    # The store still opens and works with the shipped migrations.
    assert Store(path).backup_path is None
    assert admin.verify_audit()[1] == []


def test_rebuilding_referenced_tables_keeps_rows_and_foreign_keys(admin: Services, tmp_path: Path) -> None:
    populate(admin)
    path = admin.store.path
    before = dump(path)
    backup = migrate.upgrade(admin.store.engine, script_location=scratch_scripts(tmp_path, REBUILD))
    assert backup is not None and dump(backup) == before
    after = dump(path)
    for table in ("village", "petition", "dispute"):
        assert [r[:-1] for r in after[table]] == before[table]  # same rows, plus the new empty column
    assert {t: r for t, r in after.items() if t not in ("village", "petition", "dispute", "alembic_version")} == {
        t: r for t, r in before.items() if t not in ("village", "petition", "dispute", "alembic_version")}
    assert sqlite_rows(path, "PRAGMA foreign_key_check") == []
    # Foreign keys are enforced again on the store's own connections.
    with pytest.raises(Exception, match="FOREIGN KEY"), admin.store.engine.begin() as conn:
        conn.exec_driver_sql("UPDATE grid SET village_id = 'no-such-village'")


def test_store_from_newer_release_refused(admin: Services, tmp_path: Path) -> None:
    path = admin.store.path
    migrate.upgrade(admin.store.engine, script_location=scratch_scripts(tmp_path, REBUILD))
    before = dump(path)
    with pytest.raises(DomainError, match="更新版本") as info:
        Store(path)
    assert "9998" in info.value.message
    assert dump(path) == before
