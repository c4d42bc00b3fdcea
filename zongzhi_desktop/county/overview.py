"""The county's reporting overview as a plain document: what GET /status and
`zongzhi county status --json` return. Kept apart from the server so the command works without
the hub extra (FastAPI)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from ..store.database import Store
from .setup import county_identity
from .status import county_status
from .timeliness import Snapshot, default_periods, evaluate, local_today


def status_document(store: Store, periods: list[Any] | None = None, now: datetime | None = None) -> dict[str, Any]:
    """What GET /status and `county status --json` return."""
    ident = county_identity(store)
    snap = Snapshot.load(store, now=now)
    chosen = periods or default_periods(local_today(snap.now))
    return {
        "county_code": ident.county_code, "county_name": ident.county_name, "fingerprint": ident.fingerprint,
        "suite": ident.suite,
        "generated_at": snap.now.isoformat(), "timely_days": snap.timely_days,
        "periods": [evaluate(snap, p).as_dict() for p in chosen],
        "townships": [s.as_dict() for s in county_status(store)],
    }
