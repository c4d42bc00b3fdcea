"""The city's view of its counties: county bundles received, and the reporting-timeliness board
(counties × periods) by the county hub's own rule (county/timeliness.py), applied to county bundles:
a county has reported for a period when a county bundle whose span reaches the period's close
arrived — on time when by the deadline (close + the city's 及时上报天数)."""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime
from typing import Any

from sqlalchemy import func, select

from ..county.status import KeyState, TownshipState, county_status
from ..county.timeliness import (
    BundleRef,
    PeriodStatus,
    Snapshot,
    aware,
    default_periods,
    evaluate,
    get_timely_days,
    local_today,
    recent_periods,
)
from ..domain import clock
from ..domain.models.sync import CityBundle, CityCounty, CityCountyKey, CountyBundle
from ..reports.periods import Period, PeriodKind
from ..store.database import Store
from ..sync.keys import fingerprint
from .setup import city_identity


def county_states(store: Store) -> list[TownshipState]:
    """One entry per registered county (in the county hub's township shape, so its timeliness rule
    and tables apply unchanged), ordered by code."""
    with store.session() as s:
        counties = list(s.execute(select(CityCounty).order_by(CityCounty.code)).scalars())
        keys = list(s.execute(select(CityCountyKey).order_by(CityCountyKey.registered_at)).scalars())
        created = dict(s.execute(select(CityBundle.county_code, func.max(CityBundle.created_at))
                                 .group_by(CityBundle.county_code)).all())
    by: dict[str, list[KeyState]] = defaultdict(list)
    for k in keys:
        by[k.county_code].append(KeyState(k.key_id, fingerprint(k.key_id), k.status, k.registered_at))
    return [TownshipState(c.code, c.name, c.registered_at, c.bundle_count, c.last_sequence, c.last_received_at,
                          created.get(c.code), keys=by.get(c.code, [])) for c in counties]


def county_snapshot(store: Store, *, now: datetime | None = None) -> Snapshot:
    """Counties and their county bundles, read once (evaluated per period with county.timeliness.evaluate)."""
    with store.session() as s:
        rows = s.execute(select(CityBundle.county_code, CityBundle.sequence, CityBundle.span_to,
                                CityBundle.created_at, CityBundle.received_at, CityBundle.rows)).all()
    bundles: dict[str, list[BundleRef]] = defaultdict(list)
    for r in rows:
        bundles[r.county_code].append(BundleRef(r.sequence, aware(r.span_to or r.created_at),  # type: ignore[arg-type]
                                                aware(r.received_at), r.rows))  # type: ignore[arg-type]
    for lst in bundles.values():
        lst.sort(key=lambda b: (b.received_at, b.sequence))
    return Snapshot(county_states(store), dict(bundles), get_timely_days(store), aware(now) or clock.now())  # type: ignore[arg-type]


def county_board(store: Store, kind: PeriodKind, count: int = 6, *, now: datetime | None = None) -> list[PeriodStatus]:
    """The timeliness board: each county's status for the last `count` periods of `kind`, oldest first."""
    snap = county_snapshot(store, now=now)
    return [evaluate(snap, p) for p in recent_periods(kind, count, local_today(snap.now))]


def township_counts(store: Store) -> dict[str, dict[str, int]]:
    """Per county: townships the city holds bundles of, and those bundles."""
    with store.session() as s:
        rows = s.execute(select(func.substr(CountyBundle.township_code, 1, 6), func.count(func.distinct(
            CountyBundle.township_code)), func.count()).group_by(func.substr(CountyBundle.township_code, 1, 6))).all()
    return {code: {"townships": t, "township_bundles": n} for code, t, n in rows}


def city_status_document(store: Store, periods: list[Period] | None = None,
                         now: datetime | None = None) -> dict[str, Any]:
    """What GET /status of the city hub and `zongzhi city status --json` return."""
    ident = city_identity(store)
    snap = county_snapshot(store, now=now)
    chosen = periods or default_periods(local_today(snap.now))
    held = township_counts(store)
    counties = []
    for st in snap.townships:
        d = st.as_dict()
        for k in ("missing", "chain_breaks", "forks", "audit_head", "audit_warnings"):
            d.pop(k, None)  # a county bundle carries all the city lacks: gaps in its numbers lose nothing
        d.update(held.get(st.code, {"townships": 0, "township_bundles": 0}))
        counties.append(d)
    return {
        "city_code": ident.city_code, "city_name": ident.city_name, "fingerprint": ident.fingerprint,
        "suite": ident.suite, "generated_at": snap.now.isoformat(), "timely_days": snap.timely_days,
        "periods": [evaluate(snap, p).as_dict() for p in chosen],
        "counties": counties,
        "townships": [t.as_dict() for t in county_status(store)],
    }
