"""Bounded load test: 30 demo townships upload at once to two `zongzhi county serve` instances on one
PostgreSQL database (same bundle to both instances at the same moment, second bundle before the
first); nothing lost, nothing duplicated, every receipt valid. Then the county monthly sheet over
the 30 townships: each township's row equals the township's own monthly sheet.

The driver is bench/load_county.py (which also records throughput and latency in
docs/performance.md). Bounded: two bundles per township, at most 12 retries of a 503 each,
loopback only, servers stopped at the end.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import Any

import pytest
from countytools import pg_schema, township_row_mismatches
from load_county import (
    COUNTY,
    COUNTY_NAME,
    COUNTY_PASS,
    LoadResult,
    Township,
    make_townships,
    plan,
    run_uploads,
    serve_process,
    verify,
)
from sqlalchemy import text

from zongzhi_desktop.county.setup import (
    CountyKeys,
    init_county,
    register_township,
    unlock_county_keys,
)
from zongzhi_desktop.county.sheets import TOWNSHIP_COLUMNS, VOLUNTEER_COLUMNS, build_county_sheet
from zongzhi_desktop.county.timeliness import Snapshot, evaluate, local_today
from zongzhi_desktop.reports.periods import Period, parse_period
from zongzhi_desktop.reports.service import build_report, fill_refs
from zongzhi_desktop.services import Actor, Services
from zongzhi_desktop.store.database import Store

pytestmark = [pytest.mark.postgres, pytest.mark.slow]
N = 30


class Loaded:
    def __init__(self, store: Store, keys: CountyKeys, towns: list[Township], result: LoadResult,
                 logs: list[dict[str, Any]]) -> None:
        self.store, self.keys, self.towns, self.result, self.logs = store, keys, towns, result, logs


@pytest.fixture(scope="module")
def loaded(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Loaded]:
    root = tmp_path_factory.mktemp("load")
    with pg_schema("zz_load") as url:
        store = Store(url)
        ident = init_county(store, COUNTY, COUNTY_NAME, COUNTY_PASS, actor="county-admin")
        keys = unlock_county_keys(store, COUNTY_PASS)
        towns = make_townships(root, N, 200, ident.profile, workers=2)
        for t in towns:
            register_township(store, t.registration, actor="county-admin")
        with serve_process(url, root / "a", "--max-concurrent", "3") as a, \
                serve_process(url, root / "b", "--max-concurrent", "3") as b:
            result = run_uploads(towns, [a.url, b.url], timeout=120)
            logs = a.access_entries() + b.access_entries()
        yield Loaded(store, keys, towns, result, logs)
        store.close()


def test_nothing_lost_nothing_duplicated_every_receipt_valid(loaded: Loaded) -> None:
    assert len({t.code for t in loaded.towns}) == N
    problems = verify(loaded.store, loaded.keys, loaded.towns, loaded.result)
    assert problems == []
    ok = loaded.result.ok()
    # The plan really had simultaneous duplicates on both instances and out-of-order arrivals.
    assert sum(a.replay for a in ok) == sum(1 for i in range(N) if i % 3 == 0)
    assert {a.server for a in ok} == {0, 1}
    with loaded.store.engine.connect() as c:
        order = c.execute(text("SELECT township_code, sequence FROM county_bundle ORDER BY received_at")).all()
    first_seen: dict[str, int] = {}
    for code, seq in order:
        first_seen.setdefault(code, seq)
    assert sum(1 for s in first_seen.values() if s == 2) == sum(1 for i in range(N) if plan(i, 2)[0][0][0] == 2)
    # One access-log line per request, with township and sequence for every receipt handed out.
    uploads = [e for e in loaded.logs if e["path"] == "/api/v1/bundles"]
    assert len(uploads) == len(loaded.result.attempts) + sum(a.retries for a in loaded.result.attempts)
    assert sorted((e["township"], e["sequence"]) for e in uploads if e["status"] == 200) == \
        sorted((a.township, a.sequence) for a in ok)
    assert all(e.get("error") == "busy" for e in uploads if e["status"] == 503)


def test_everyone_reported_last_week(loaded: Loaded) -> None:
    # With 7 timely days, last week's deadline is still ahead of (or equal to) now and after the
    # registration, so every township that uploaded today reported on time.
    status = evaluate(Snapshot.load(loaded.store, timely_days=7), Period.containing("week", local_today()).previous())
    assert (status.expected, status.count("on_time"), status.timely_rate) == (N, N, 100.0)


def test_county_monthly_sheet_rows_equal_own_sheets(loaded: Loaded) -> None:
    period = parse_period("2026-10")
    report = build_county_sheet(loaded.store, "monthly", period, made_on=date(2026, 11, 20))
    table = report.table("by_township_county")
    assert len(table.rows) == N + 1
    compared = 0
    fill_refs(loaded.store, report)
    for t in loaded.towns:
        svc = Services(Store(t.store), Actor("admin", "admin", "系统管理员"), today=lambda: date(2026, 11, 20))
        own = fill_refs(svc.store, build_report(svc, "monthly", period))
        n, bad = township_row_mismatches(report, own, t.code, svc.store, period)
        svc.store.close()
        assert bad == []
        compared += n
    assert compared == N * (len(TOWNSHIP_COLUMNS["monthly"]) + len(VOLUNTEER_COLUMNS))
