"""Reporting status and timeliness per period (like DHIS2's reporting rate): covering bundles,
on time / late / missing / pending / not expected, rates, gaps, the timely-days setting."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from countytools import TOWN_PASS, Hub
from sqlalchemy import text
from synctools import make_township, populate

from zongzhi_desktop.county.importer import import_bundle
from zongzhi_desktop.county.setup import register_township
from zongzhi_desktop.county.timeliness import (
    Snapshot,
    closes_at,
    evaluate,
    get_timely_days,
    history,
    period_status,
    rate_text,
    set_timely_days,
)
from zongzhi_desktop.domain.errors import ValidationError
from zongzhi_desktop.reports.periods import Period, parse_period
from zongzhi_desktop.services import Services
from zongzhi_desktop.sync.export import export_bundle
from zongzhi_desktop.sync.receipts import apply_receipt
from zongzhi_desktop.sync.trust import make_registration_file, trust_county

W46 = Period.week(2026, 46)  # Mon 9 – Sun 15 November 2026
CLOSE = datetime(2026, 11, 15, 16, 0, tzinfo=UTC)  # 16 November 00:00 China time
SEC = timedelta(seconds=1)


def z(s: str) -> datetime:
    return datetime.fromisoformat(s).replace(tzinfo=UTC)


@pytest.fixture
def hub(tmp_path: Path) -> Hub:
    return Hub.create(tmp_path / "county.sqlite3")


def town(hub: Hub, root: Path, code: str, name: str) -> Services:
    svc = make_township(root / code, code, name)
    trust_county(svc, hub.profile)
    register_township(hub.store, make_registration_file(svc, TOWN_PASS).data)
    with hub.store.engine.begin() as c:  # registered long before the periods under test
        c.execute(text("UPDATE county_township SET registered_at = '2026-01-05 00:00:00' WHERE code = :c"), {"c": code})
    return svc


def send(hub: Hub, svc: Services, exported: datetime, received: datetime) -> int:
    b = export_bundle(svc, TOWN_PASS, now=exported)
    r = import_bundle(hub.store, b.outbox_path, hub.keys, now=received)
    apply_receipt(svc, r.receipt)
    return r.sequence


def test_period_close_is_midnight_china_time() -> None:
    assert closes_at(W46) == CLOSE
    assert closes_at(parse_period("2026-10")) == z("2026-10-31T16:00:00")
    assert closes_at(parse_period("2026-Q4")) == z("2026-12-31T16:00:00")
    assert closes_at(Period.week(2026, 53)) == z("2027-01-03T16:00:00")


def test_on_time_late_missing_pending_and_rates(hub: Hub, tmp_path: Path) -> None:
    a = town(hub, tmp_path, "330825101", "城关镇")
    b = town(hub, tmp_path, "330825102", "湖镇镇")
    c = town(hub, tmp_path, "330825103", "龙洲街道")
    d = town(hub, tmp_path, "330825104", "小南海镇")
    for svc in (a, b, c, d):
        populate(svc, svc.township.name[:1], n=1)
    assert get_timely_days(hub.store) == 3
    deadline = CLOSE + timedelta(days=3)
    # a: exported exactly at the close, received exactly at the deadline -> on time.
    send(hub, a, CLOSE, deadline)
    # b: Sunday 23:59:59 China time does not cover the week; the next bundle comes a second late.
    send(hub, b, CLOSE - SEC, CLOSE - SEC)
    send(hub, b, deadline - SEC, deadline + SEC)
    # c: only an old bundle; d: nothing at all.
    send(hub, c, z("2026-11-02T02:00:00"), z("2026-11-02T03:00:00"))

    after = period_status(hub.store, W46, now=z("2026-11-21T00:00:00"))
    got = {t.code: t.status for t in after.townships}
    assert got == {"330825101": "on_time", "330825102": "late", "330825103": "missing", "330825104": "missing"}
    rows = {t.code: t for t in after.townships}
    assert rows["330825101"].covering.sequence == 1  # type: ignore[union-attr]
    assert rows["330825102"].covering.sequence == 2  # type: ignore[union-attr]
    assert (after.expected, after.reported, after.count("on_time")) == (4, 2, 1)
    assert (after.reporting_rate, after.timely_rate) == (50.0, 25.0)
    assert after.deadline == deadline and not after.is_open

    # Before the deadline, those without a covering bundle are pending, not missing.
    during = period_status(hub.store, W46, now=deadline - SEC)
    assert {t.code: t.status for t in during.townships}["330825104"] == "pending"
    # While the week runs, nothing can cover it yet.
    current = period_status(hub.store, Period.week(2026, 47), now=z("2026-11-18T00:00:00"))
    assert current.is_open and {t.status for t in current.townships} == {"pending"}
    # No report is due yet: an empty denominator, so the rates are "—", not 0.0% (issue 16).
    assert (current.due, current.reporting_rate, current.timely_rate) == (0, None, None)
    assert rate_text(current.reporting_rate) == "—"
    # Before the deadline the rates count the townships already due (reported or missing) only.
    assert during.due == during.expected - during.count("pending")

    # A township registered after the deadline is not expected for that week.
    with hub.store.engine.begin() as conn:
        conn.execute(text("UPDATE county_township SET registered_at = '2026-11-20 00:00:00' WHERE code = '330825104'"))
    later = period_status(hub.store, W46, now=z("2026-11-21T00:00:00"))
    assert {t.code: t.status for t in later.townships}["330825104"] == "not_expected"
    assert later.expected == 3 and later.reporting_rate == 66.7

    # A longer timely window (audited setting) turns b's report into an on-time one.
    assert set_timely_days(hub.store, 7, actor="县综治办") == 7
    assert period_status(hub.store, W46, now=z("2026-11-21T00:00:00")).count("on_time") == 2
    assert hub.scalar("SELECT count(*) FROM audit_log WHERE action = 'county_setting'") == 1
    d = later.as_dict()
    assert d["period"] == "2026-W46" and d["townships"][0]["covering_bundle"]["sequence"] == 1


def test_month_and_empty_bundles_count(hub: Hub, tmp_path: Path) -> None:
    a = town(hub, tmp_path, "330825101", "城关镇")
    populate(a, "甲", n=1)
    send(hub, a, z("2026-10-20T01:00:00"), z("2026-10-20T01:00:00"))
    # Nothing new in November, but the township still reports: an empty bundle covers October.
    seq = send(hub, a, z("2026-11-02T01:00:00"), z("2026-11-02T02:00:00"))
    assert seq == 2
    assert hub.scalar("SELECT rows FROM county_bundle WHERE sequence = 2") == 0
    oct_ = period_status(hub.store, parse_period("2026-10"), now=z("2026-11-21T00:00:00"))
    assert [t.status for t in oct_.townships] == ["on_time"]


def test_gaps_and_history(hub: Hub, tmp_path: Path) -> None:
    a = town(hub, tmp_path, "330825101", "城关镇")
    populate(a, "甲", n=1)
    send(hub, a, z("2026-11-02T01:00:00"), z("2026-11-02T01:00:00"))
    export_bundle(a, TOWN_PASS, now=z("2026-11-09T01:00:00"))  # bundle 2 lost on the way
    send(hub, a, z("2026-11-16T01:00:00"), z("2026-11-16T02:00:00"))
    snap = Snapshot.load(hub.store, now=z("2026-11-21T00:00:00"))
    w45 = evaluate(snap, Period.week(2026, 45))
    (row,) = w45.townships
    # Week 45 is covered by bundle 3 (bundle 3 carries everything bundle 2 did), but it came late.
    assert row.status == "late" and row.covering.sequence == 3 and row.missing_sequences == [2]  # type: ignore[union-attr]
    assert evaluate(snap, W46).townships[0].status == "on_time"
    weeks = history(hub.store, "week", 4, now=z("2026-11-21T00:00:00"))
    assert [p.period.code for p in weeks] == ["2026-W44", "2026-W45", "2026-W46", "2026-W47"]
    assert [p.townships[0].status for p in weeks] == ["on_time", "late", "on_time", "pending"]


def test_timely_days_validation(hub: Hub) -> None:
    before = hub.scalar("SELECT count(*) FROM audit_log")
    for bad in (-1, 61, "三", ""):
        with pytest.raises(ValidationError, match=r"及时上报天数.*0至60"):
            set_timely_days(hub.store, bad)  # type: ignore[arg-type]
    assert get_timely_days(hub.store) == 3
    assert hub.scalar("SELECT count(*) FROM audit_log") == before
