"""The county import core on PostgreSQL (127.0.0.1:5432, database `test`), in a schema of its own."""

from __future__ import annotations

import threading
import uuid
from collections.abc import Iterator

import pytest
from sqlalchemy import create_engine, func, select, text
from synctools import (
    COUNTY,
    COUNTY_NAME,
    COUNTY_PASS,
    TOWN_PASS,
    digest,
    make_township,
    populate,
    table_counts,
)
from test_bad_bundles import craft, good_village, resign

from zongzhi_desktop.county.importer import import_bundle
from zongzhi_desktop.county.setup import init_county, register_township, unlock_county_keys
from zongzhi_desktop.county.status import county_status
from zongzhi_desktop.services import Services
from zongzhi_desktop.store.database import Store
from zongzhi_desktop.sync.errors import BundleRefused
from zongzhi_desktop.sync.export import export_bundle
from zongzhi_desktop.sync.receipts import apply_receipt
from zongzhi_desktop.sync.rowcodec import whole_tables
from zongzhi_desktop.sync.trust import make_registration_file, trust_county

pytestmark = pytest.mark.postgres
SERVER = "postgresql+psycopg://postgres@127.0.0.1:5432/test"


@pytest.fixture
def pg_url() -> Iterator[str]:
    """A fresh schema for this test, dropped afterwards."""
    schema = f"zz_sync_{uuid.uuid4().hex[:12]}"
    admin = create_engine(SERVER, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as c:
            c.execute(text(f'CREATE SCHEMA "{schema}"'))
    except Exception as e:  # pragma: no cover - only where PostgreSQL is absent
        pytest.skip(f"PostgreSQL not reachable: {e}")
    try:
        yield f"{SERVER}?options=-csearch_path%3D{schema}"
    finally:
        with admin.connect() as c:
            c.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


class PgCounty:
    def __init__(self, url: str, suite: str = "nacl-1") -> None:
        self.store = Store(url)
        self.profile = init_county(self.store, COUNTY, COUNTY_NAME, COUNTY_PASS, actor="county-admin",
                                   suite=suite).profile
        self.keys = unlock_county_keys(self.store, COUNTY_PASS)


def pg_counts(store: Store, township: str) -> dict[str, int]:
    with store.engine.connect() as c:
        return {n: c.execute(select(func.count()).select_from(t).where(t.c.township_code == township)).scalar_one()
                for n, t in whole_tables().items()}


def linked(svc: Services, county: PgCounty) -> Services:
    trust_county(svc, county.profile)
    register_township(county.store, make_registration_file(svc, TOWN_PASS).data)
    return svc


@pytest.mark.parametrize("suite", ["nacl-1", "gm-1"])  # gm-1: its 33-byte keys fit the key columns
def test_round_trip_on_postgres(pg_url: str, tmp_path, suite: str) -> None:  # type: ignore[no-untyped-def]
    county = PgCounty(pg_url, suite)
    t1 = linked(make_township(tmp_path / "t1", "330825101", "城关镇"), county)
    t2 = linked(make_township(tmp_path / "t2", "330825102", "湖镇镇"), county)
    populate(t1, "甲", n=3)
    populate(t2, "乙")
    b1, b2 = export_bundle(t1, TOWN_PASS), export_bundle(t2, TOWN_PASS)
    r1 = import_bundle(county.store, b1.outbox_path, county.keys)
    r2 = import_bundle(county.store, b2.outbox_path, county.keys)
    assert r1.rejected == r2.rejected == 0
    for t in (t1, t2):
        assert pg_counts(county.store, t.township.code) == table_counts(t.store.path, t.township.code)
    before = digest(county.store.engine)
    assert import_bundle(county.store, b1.outbox_path, county.keys).replay
    assert digest(county.store.engine) == before
    apply_receipt(t1, r1.receipt)

    # Out of order, then the gap closes.
    t1.update("petition", t1.list_records("petition")[0].id, {"address": "东村3组"})
    b3 = export_bundle(t1, TOWN_PASS)
    t1.create("dispatch", {"title": "新增调度", "raised_date": "2026-11-18", "deadline": "2026-12-01"})
    b4 = export_bundle(t1, TOWN_PASS)
    assert import_bundle(county.store, b4.outbox_path, county.keys).missing_sequences == [2]
    assert county_status(county.store)[0].missing == [2]
    assert import_bundle(county.store, b3.outbox_path, county.keys).applied == 0
    assert county_status(county.store)[0].missing == []

    # Invalid rows rejected with their reasons on PostgreSQL too (NUL, over-long, out-of-range int).
    rows = [good_village(t2, "pg-ok"), good_village(t2, "pg-nul", name="a\x00b"),
            good_village(t2, "pg-long", code="9" * 13), good_village(t2, "pg-big", revision=2**31)]
    r = import_bundle(county.store, craft(t2, county, [("village", rows)], seq=5), county.keys)  # type: ignore[arg-type]
    assert r.accepted == 1 and {x["id"] for x in r.payload["rejections"]} == {"pg-nul", "pg-long", "pg-big"}


def test_refusals_leave_postgres_untouched(pg_url: str, tmp_path) -> None:  # type: ignore[no-untyped-def]
    county = PgCounty(pg_url)
    t1 = linked(make_township(tmp_path / "t1", "330825101", "城关镇"), county)
    populate(t1, "甲")
    data = export_bundle(t1, TOWN_PASS).outbox_path.read_bytes()
    before = digest(county.store.engine)

    def lie(m):  # type: ignore[no-untyped-def]
        last = m["chunks"][-1]
        last["rows"] += 1
        m["counts"][last["table"]]["rows"] += 1
        m["rows"] += 1

    variants = [resign(data, t1, lie), data[: len(data) // 2]]
    for pos in range(0, len(data), max(1, len(data) // 300)):
        b = bytearray(data)
        b[pos] ^= 0x01
        variants.append(bytes(b))
    for v in variants:
        with pytest.raises(BundleRefused):
            import_bundle(county.store, v, county.keys)
    assert digest(county.store.engine) == before


def test_two_instances_same_bundle_concurrently_import_once(pg_url: str, tmp_path) -> None:  # type: ignore[no-untyped-def]
    """Two server processes (separate engines) on one database receive the same bundle at once."""
    county = PgCounty(pg_url)
    t1 = linked(make_township(tmp_path / "t1", "330825101", "城关镇"), county)
    populate(t1, "甲", n=40)
    data = export_bundle(t1, TOWN_PASS).outbox_path.read_bytes()
    instances = [Store(pg_url) for _ in range(3)]
    barrier = threading.Barrier(len(instances))
    results, errors = [], []

    def run(store: Store) -> None:
        barrier.wait()
        try:
            results.append(import_bundle(store, data, county.keys, via="upload"))
        except Exception as e:  # pragma: no cover - reported below
            errors.append(e)

    threads = [threading.Thread(target=run, args=(s,)) for s in instances]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert sorted(r.replay for r in results) == [False, True, True]
    assert len({r.receipt for r in results}) == 1
    with county.store.engine.connect() as c:
        assert c.execute(text("SELECT count(*) FROM county_bundle")).scalar_one() == 1
        assert c.execute(text("SELECT count(*) FROM audit_log WHERE action = 'county_import'")).scalar_one() == 1
    assert pg_counts(county.store, "330825101") == table_counts(t1.store.path, "330825101")
    for s in instances:
        s.close()
