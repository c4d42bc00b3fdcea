"""State shared by the demo generators: randomness, factories, reference data, accounts, serials."""

from __future__ import annotations

import bisect
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from itertools import accumulate
from random import Random
from typing import Any

from .people import PeopleFactory
from .rows import MemoPolicy, RowFactory
from .sink import Sink

HISTORY_DAYS = 730  # records spread over the two years before today


class Weighted:
    """Options with relative weights, drawn with one random() and a bisect."""

    def __init__(self, options: tuple[Any, ...], weights: tuple[float, ...]) -> None:
        assert len(options) == len(weights)
        self.options = options
        self.cum = list(accumulate(weights))
        self.total = self.cum[-1]


@dataclass
class Village:
    id: str
    name: str
    code: str
    weight: float
    grids: list[str] = field(default_factory=list)
    committee_id: str | None = None
    mediators: list[str] = field(default_factory=list)
    committee_dept: str | None = None  # the village committee as a department


@dataclass
class Staff:
    clerk: str
    reviewer: str
    reviewer_name: str
    approvers: list[str]  # leaders who approve petition extensions


@dataclass
class Ctx:
    rnd: Random
    today: date
    township_code: str
    township_name: str
    county_code: str
    factory: RowFactory
    policy: MemoPolicy
    sink: Sink
    people: PeopleFactory
    staff: Staff
    villages: list[Village] = field(default_factory=list)
    departments: dict[str, str] = field(default_factory=dict)  # name -> id
    dept_by_kind: dict[str, list[str]] = field(default_factory=dict)
    township_committee: tuple[str, list[str]] | None = None  # (committee id, mediator ids)
    leaders: list[tuple[str, str, str]] = field(default_factory=list)  # (id, name, level)
    teams: list[tuple[str, str, Village | None]] = field(default_factory=list)  # (id, type, village)
    team_members: dict[str, list[str]] = field(default_factory=dict)
    serials: dict[tuple[str, int], int] = field(default_factory=dict)
    # Registered cases, in date order, for links from disputes and packages.
    petition_days: list[int] = field(default_factory=list)
    petition_ids: list[str] = field(default_factory=list)
    dispute_days: list[int] = field(default_factory=list)
    dispute_ids: list[str] = field(default_factory=list)
    # Progress in main records (the caller's callback gets (done, total) about every 1%).
    total: int = 0
    done: int = 0
    progress: Callable[[int, int], None] | None = None
    _next_report: int = 0
    _village_cum: list[float] = field(default_factory=list)
    _days: list[date] = field(default_factory=list)
    _day_cum: list[float] = field(default_factory=list)

    def tick(self) -> None:
        """One main record generated."""
        self.done += 1
        if self.done >= self._next_report:
            self._next_report = self.done + max(1, self.total // 100)
            if self.progress is not None:
                self.progress(min(self.done, self.total), self.total)

    # -- picking (random() based: several times cheaper than randint/choice) -------------------
    def ri(self, lo: int, hi: int) -> int:
        """Random integer in [lo, hi]."""
        return lo + int(self.rnd.random() * (hi - lo + 1))

    def choice(self, seq: Any) -> Any:
        return seq[int(self.rnd.random() * len(seq))]

    def village(self) -> Village:
        if not self._village_cum:
            self._village_cum = list(accumulate(v.weight for v in self.villages))
        return self.villages[bisect.bisect_right(self._village_cum, self.rnd.random() * self._village_cum[-1])]

    def pick(self, w: Weighted) -> Any:
        return w.options[bisect.bisect_right(w.cum, self.rnd.random() * w.total)]

    def serial(self, prefix: str, kind: str, day: date) -> str:
        """Next serial for the kind and year, as `Services` issues them (XF-2026-000123)."""
        key = (kind, day.year)
        n = self.serials.get(key, 0) + 1
        self.serials[key] = n
        return f"{prefix}-{day.year}-{n:06d}"

    # -- dates --------------------------------------------------------------------------------
    def spread(self, n: int) -> list[date]:
        """`n` registration dates over the past two years, sorted: fewer at weekends, slowly rising."""
        if not self._days:
            start = self.today - timedelta(days=HISTORY_DAYS)
            self._days = [start + timedelta(days=i) for i in range(1, HISTORY_DAYS + 1)]
            weights = [(0.35 if d.weekday() >= 5 else 1.0) * (0.8 + 0.4 * i / HISTORY_DAYS) for i, d in enumerate(self._days)]
            self._day_cum = list(accumulate(weights))
        out = self.rnd.choices(self._days, cum_weights=self._day_cum, k=n)
        out.sort()
        return out

    def recent(self, lo: int, hi: int) -> date:
        """A day between `hi` and `lo` days ago (inclusive)."""
        return self.today - timedelta(days=self.rnd.randint(lo, hi))

    def plan(self, n: int, stalls: list[tuple[str, int, int]], share: float = 0.01) -> list[tuple[date, str | None]]:
        """Registration dates for `n` records, a few of them (at least one per stall mode) left
        stuck in a state since a recent date so that every kind has overdue items."""
        modes = [s for s in stalls]
        n_stall = min(n // 2, max(len(modes), round(n * share)))
        plan: list[tuple[date, str | None]] = [(d, None) for d in self.spread(n - n_stall)]
        for i in range(n_stall):
            mode, lo, hi = modes[i % len(modes)]
            plan.append((self.recent(lo, hi), mode))
        plan.sort(key=lambda p: p[0])
        return plan

    def earlier(self, days: list[int], ids: list[str], day: date, window: int = 400) -> str | None:
        """A random case registered on or before `day` (among the latest `window` of them)."""
        hi = bisect.bisect_right(days, day.toordinal())
        if hi == 0:
            return None
        return ids[self.rnd.randrange(max(0, hi - window), hi)]
