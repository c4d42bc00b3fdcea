"""Which townships reported for a period, on time or late — the county's view, like DHIS2's
reporting rate and timeliness.

Rule (documented in docs/county-hub.md):
- A period (ISO week, month or quarter) *closes* at 00:00 China Standard Time on the day after its
  last day. A bundle *covers* the period when its span ends at or after that moment: the bundle
  carries every change made up to its span end that the county had not acknowledged, so the
  county then holds the township's records for the whole period. Empty bundles count (a township
  with nothing new still reports in).
- The *deadline* is the close plus `timely_days` days (a county setting, default 3).
- Status per township: 按时 (on_time) when the first covering bundle was received by the county
  at or before the deadline; 迟报 (late) when it came after; 未报 (missing) when none came and the
  deadline has passed; 待报 (pending) while the period is open or the deadline not yet reached.
  A township registered after the deadline is not expected for that period (不要求).
- Reporting rate = (on time + late) ÷ due; timely rate = on time ÷ due, where due = the expected
  townships less those still pending (their deadline has not passed); "—" (None) when none is due
  (domain/formatting.py: one rule for empty denominators).
- Gaps: sequences missing below a township's highest received bundle, chain breaks and forks come
  from county.status (a gap does not make a period unreported — see the docs).

No Qt here: the CLI, the server's /status and the window all use this module.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import select

from ..domain import clock
from ..domain.clock import CHINA_TZ
from ..domain.errors import ValidationError
from ..domain.formatting import percent_text, ratio
from ..domain.models import Setting
from ..domain.models.sync import CountyBundle, CountyTownship
from ..reports.periods import Period, PeriodKind
from ..store import audit
from ..store.database import Store
from .status import TownshipState, county_status

TIMELY_DAYS_KEY = "county_timely_days"
DEFAULT_TIMELY_DAYS = 3
MAX_TIMELY_DAYS = 60

STATUS_LABELS = {"on_time": "按时", "late": "迟报", "missing": "未报", "pending": "待报", "not_expected": "不要求"}


def aware(dt: datetime | None) -> datetime | None:
    """Stored timestamps are UTC; SQLite hands them back naive."""
    if dt is None:
        return None
    return dt.replace(tzinfo=UTC) if dt.tzinfo is None else dt


def local_today(now: datetime | None = None) -> date:
    """The China-time date of `now` (default: the app's one clock, domain/clock.py)."""
    return clock.today() if now is None else now.astimezone(CHINA_TZ).date()


def closes_at(period: Period) -> datetime:
    """00:00 China time on the day after the period's last day, as an aware UTC datetime."""
    return datetime.combine(period.end + timedelta(days=1), time(0), CHINA_TZ).astimezone(UTC)


# -- the setting ---------------------------------------------------------------------------------


def get_timely_days(store: Store) -> int:
    with store.session() as s:
        row = s.get(Setting, TIMELY_DAYS_KEY)
    try:
        return int(row.value) if row else DEFAULT_TIMELY_DAYS
    except ValueError:
        return DEFAULT_TIMELY_DAYS


def set_timely_days(store: Store, days: int | str, *, actor: str = "county") -> int:
    """Set how many days after a period closes a report still counts as on time (audited)."""
    try:
        n = int(str(days).strip())
    except ValueError:
        n = -1
    if not 0 <= n <= MAX_TIMELY_DAYS:
        raise ValidationError("timely_days", "及时上报天数", "range", f"应为0至{MAX_TIMELY_DAYS}的整数，收到“{days}”")
    with store.session() as s, s.begin():
        row = s.get(Setting, TIMELY_DAYS_KEY)
        before = {"value": row.value} if row else None
        if row is None:
            row = Setting(key=TIMELY_DAYS_KEY, value=str(n))
        row.value = str(n)
        s.add(row)
        audit.append(s, username=actor[:64], action="county_setting", record_kind="setting", record_id=None,
                     before=before, after={"key": TIMELY_DAYS_KEY, "value": str(n)})
    return n


# -- snapshot of what the county holds -------------------------------------------------------------


@dataclass(frozen=True)
class BundleRef:
    sequence: int
    span_to: datetime
    received_at: datetime
    rows: int

    def as_dict(self) -> dict[str, Any]:
        return {"sequence": self.sequence, "span_to": self.span_to.isoformat(),
                "received_at": self.received_at.isoformat(), "rows": self.rows}


@dataclass
class Snapshot:
    """Registered townships, their chain state and their bundles (read once, evaluated per period)."""

    townships: list[TownshipState]
    bundles: dict[str, list[BundleRef]]  # by township code, ordered by received_at
    timely_days: int
    now: datetime

    @classmethod
    def load(cls, store: Store, *, now: datetime | None = None, timely_days: int | None = None) -> Snapshot:
        states = county_status(store)
        with store.session() as s:
            rows = s.execute(select(CountyBundle.township_code, CountyBundle.sequence, CountyBundle.span_to,
                                    CountyBundle.created_at, CountyBundle.received_at, CountyBundle.rows)).all()
        by: dict[str, list[BundleRef]] = defaultdict(list)
        for r in rows:
            span_to = aware(r.span_to or r.created_at)
            by[r.township_code].append(BundleRef(r.sequence, span_to, aware(r.received_at), r.rows))  # type: ignore[arg-type]
        for lst in by.values():
            lst.sort(key=lambda b: (b.received_at, b.sequence))
        days = get_timely_days(store) if timely_days is None else timely_days
        return cls(states, dict(by), days, aware(now) or clock.now())  # type: ignore[arg-type]


# -- evaluation --------------------------------------------------------------------------------------


@dataclass
class TownshipReport:
    code: str
    name: str
    status: str  # on_time | late | missing | pending | not_expected
    covering: BundleRef | None  # the first bundle received that covers the period
    last_received_at: datetime | None
    missing_sequences: list[int] = field(default_factory=list)
    chain_breaks: list[int] = field(default_factory=list)
    forks: list[int] = field(default_factory=list)

    @property
    def label(self) -> str:
        return STATUS_LABELS[self.status]

    def as_dict(self) -> dict[str, Any]:
        return {"code": self.code, "name": self.name, "status": self.status, "status_label": self.label,
                "covering_bundle": self.covering.as_dict() if self.covering else None,
                "last_received_at": self.last_received_at.isoformat() if self.last_received_at else None,
                "missing_sequences": self.missing_sequences, "chain_breaks": self.chain_breaks, "forks": self.forks}


def rate(num: int, den: int) -> float | None:
    value = ratio(num, den)
    return None if value is None else round(value, 1)


def rate_text(value: float | None) -> str:
    return percent_text(value)


@dataclass
class PeriodStatus:
    period: Period
    closes_at: datetime
    deadline: datetime
    timely_days: int
    townships: list[TownshipReport]
    now: datetime

    def count(self, status: str) -> int:
        return sum(1 for t in self.townships if t.status == status)

    @property
    def expected(self) -> int:
        return sum(1 for t in self.townships if t.status != "not_expected")

    @property
    def reported(self) -> int:
        return self.count("on_time") + self.count("late")

    @property
    def due(self) -> int:
        """Townships whose report is due by now: expected and not still pending (the denominator of
        both rates — a period whose deadline has not passed has none, so its rates are "—")."""
        return self.expected - self.count("pending")

    @property
    def reporting_rate(self) -> float | None:
        return rate(self.reported, self.due)

    @property
    def timely_rate(self) -> float | None:
        return rate(self.count("on_time"), self.due)

    @property
    def is_open(self) -> bool:
        """The period has not ended yet."""
        return self.now < self.closes_at

    def as_dict(self) -> dict[str, Any]:
        return {
            "period": self.period.code, "label": self.period.short_label, "kind": self.period.kind,
            "start": self.period.start.isoformat(), "end": self.period.end.isoformat(),
            "closes_at": self.closes_at.isoformat(), "deadline": self.deadline.isoformat(),
            "timely_days": self.timely_days, "open": self.is_open,
            "expected": self.expected, "due": self.due, "reported": self.reported, "on_time": self.count("on_time"),
            "late": self.count("late"), "missing": self.count("missing"), "pending": self.count("pending"),
            "reporting_rate": self.reporting_rate, "timely_rate": self.timely_rate,
            "townships": [t.as_dict() for t in self.townships],
        }


def evaluate(snap: Snapshot, period: Period) -> PeriodStatus:
    """The status of every registered township for one period."""
    close = closes_at(period)
    deadline = close + timedelta(days=snap.timely_days)
    out = []
    for st in snap.townships:
        covering = next((b for b in snap.bundles.get(st.code, []) if b.span_to >= close), None)
        registered = aware(st.registered_at)
        if registered is not None and registered > deadline:
            status = "not_expected"
        elif covering is not None:
            status = "on_time" if covering.received_at <= deadline else "late"
        elif snap.now <= deadline:
            status = "pending"
        else:
            status = "missing"
        out.append(TownshipReport(st.code, st.name, status, covering, aware(st.last_received_at),
                                  list(st.missing), list(st.chain_breaks), list(st.forks)))
    return PeriodStatus(period, close, deadline, snap.timely_days, out, snap.now)


def period_status(store: Store, period: Period, *, now: datetime | None = None,
                  timely_days: int | None = None) -> PeriodStatus:
    return evaluate(Snapshot.load(store, now=now, timely_days=timely_days), period)


def recent_periods(kind: PeriodKind, count: int, today: date) -> list[Period]:
    """The last `count` periods of `kind`, oldest first, ending with the one containing `today`."""
    p = Period.containing(kind, today)
    out = [p]
    for _ in range(count - 1):
        p = p.previous()
        out.append(p)
    return out[::-1]


def default_periods(today: date) -> list[Period]:
    """What `county status` shows without --period: the last week and the last month that ended."""
    return [Period.containing("week", today).previous(), Period.containing("month", today).previous()]


def history(store: Store, kind: PeriodKind, count: int = 8, *, now: datetime | None = None) -> list[PeriodStatus]:
    """Status for the last `count` periods of `kind` (oldest first), from one read of the store."""
    snap = Snapshot.load(store, now=now)
    return [evaluate(snap, p) for p in recent_periods(kind, count, local_today(snap.now))]


def registered_townships(store: Store) -> list[tuple[str, str]]:
    """(code, name) of every registered township, by code."""
    with store.session() as s:
        return [(r.code, r.name) for r in s.execute(select(CountyTownship).order_by(CountyTownship.code)).scalars()]
