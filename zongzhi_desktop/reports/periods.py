"""Reporting periods: ISO weeks (Monday–Sunday, incl. week 53), calendar months and quarters.

A period is a closed range of dates [start, end]. Every figure compares dates with dates, so
"Sunday 23:59 vs Monday 00:00" is simply "Sunday vs Monday": a record dated Sunday belongs to
the week that ends that Sunday.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Literal

from ..domain.errors import DomainError

PeriodKind = Literal["week", "month", "quarter"]

# Sheet name (CLI / stored) -> period kind.
SHEET_PERIOD: dict[str, PeriodKind] = {"weekly": "week", "monthly": "month", "quarterly": "quarter"}
PERIOD_LABEL = {"week": "周", "month": "月", "quarter": "季度"}
_CN_QUARTER = {1: "一", 2: "二", 3: "三", 4: "四"}

_WEEK = re.compile(r"^(\d{4})-?W(\d{1,2})$", re.I)
_MONTH = re.compile(r"^(\d{4})-(\d{1,2})$")
_QUARTER = re.compile(r"^(\d{4})-?Q([1-4])$", re.I)


def iso_weeks_in_year(year: int) -> int:
    """52 or 53: 28 December always lies in the last ISO week of its year."""
    return date(year, 12, 28).isocalendar()[1]


def _cn_date(d: date) -> str:
    return f"{d.year}年{d.month}月{d.day}日"


@dataclass(frozen=True)
class Period:
    """A reporting period with inclusive `start` and `end` dates."""

    kind: PeriodKind
    year: int
    number: int  # ISO week, month or quarter number
    start: date
    end: date

    # -- construction -------------------------------------------------------------------------
    @classmethod
    def week(cls, year: int, week: int) -> Period:
        if not 1 <= week <= iso_weeks_in_year(year):
            raise DomainError(f"期间：{year}年没有第{week}周（ISO周，该年共{iso_weeks_in_year(year)}周）")
        start = date.fromisocalendar(year, week, 1)
        return cls("week", year, week, start, start + timedelta(days=6))

    @classmethod
    def month(cls, year: int, month: int) -> Period:
        if not 1 <= month <= 12:
            raise DomainError(f"期间：月份应为1至12，收到{month}")
        start = date(year, month, 1)
        nxt = date(year + 1, 1, 1) if month == 12 else date(year, month + 1, 1)
        return cls("month", year, month, start, nxt - timedelta(days=1))

    @classmethod
    def quarter(cls, year: int, quarter: int) -> Period:
        if not 1 <= quarter <= 4:
            raise DomainError(f"期间：季度应为1至4，收到{quarter}")
        start = date(year, 3 * quarter - 2, 1)
        end = Period.month(year, 3 * quarter).end
        return cls("quarter", year, quarter, start, end)

    @classmethod
    def containing(cls, kind: PeriodKind, d: date) -> Period:
        """The period of `kind` that contains the date `d`."""
        if kind == "week":
            y, w, _ = d.isocalendar()
            return cls.week(y, w)
        if kind == "month":
            return cls.month(d.year, d.month)
        return cls.quarter(d.year, (d.month - 1) // 3 + 1)

    # -- text ---------------------------------------------------------------------------------
    @property
    def code(self) -> str:
        """Machine form: 2026-W47, 2026-11, 2026-Q4."""
        if self.kind == "week":
            return f"{self.year}-W{self.number:02d}"
        if self.kind == "month":
            return f"{self.year}-{self.number:02d}"
        return f"{self.year}-Q{self.number}"

    @property
    def short_label(self) -> str:
        """2026年第47周 / 2026年11月 / 2026年第四季度."""
        if self.kind == "week":
            return f"{self.year}年第{self.number}周"
        if self.kind == "month":
            return f"{self.year}年{self.number}月"
        return f"{self.year}年第{_CN_QUARTER[self.number]}季度"

    @property
    def label(self) -> str:
        """Short label with the date range, as printed under a sheet's title."""
        if self.start.year == self.end.year:
            return f"{self.short_label}（{self.start.month}月{self.start.day}日—{self.end.month}月{self.end.day}日）"
        return f"{self.short_label}（{_cn_date(self.start)}—{_cn_date(self.end)}）"

    # -- neighbours ---------------------------------------------------------------------------
    def previous(self) -> Period:
        """The period just before (环比)."""
        return Period.containing(self.kind, self.start - timedelta(days=1))

    def same_last_year(self) -> Period:
        """The same period one year earlier (同比). Week 53 maps to week 52 when the previous
        ISO year has no week 53."""
        if self.kind == "week":
            prev_year = self.year - 1
            return Period.week(prev_year, min(self.number, iso_weeks_in_year(prev_year)))
        if self.kind == "month":
            return Period.month(self.year - 1, self.number)
        return Period.quarter(self.year - 1, self.number)

    def months(self) -> list[Period]:
        """The calendar months of a quarter (or the month itself)."""
        if self.kind == "quarter":
            return [Period.month(self.year, m) for m in range(3 * self.number - 2, 3 * self.number + 1)]
        if self.kind == "month":
            return [self]
        raise ValueError("a week has no months")

    def contains(self, d: date | None) -> bool:
        return d is not None and self.start <= d <= self.end

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1


def parse_period(text: str, kind: PeriodKind | None = None) -> Period:
    """Parse 2026-W47 / 2026-11 / 2026-Q4; with `kind`, insist on that kind of period."""
    t = (text or "").strip()
    found: Period | None = None
    if m := _WEEK.match(t):
        found = Period.week(int(m[1]), int(m[2]))
    elif m := _QUARTER.match(t):
        found = Period.quarter(int(m[1]), int(m[2]))
    elif m := _MONTH.match(t):
        found = Period.month(int(m[1]), int(m[2]))
    if found is None:
        raise DomainError(f"期间“{text}”格式不对：周如 2026-W47，月如 2026-11，季度如 2026-Q4")
    if kind is not None and found.kind != kind:
        examples = {"week": "2026-W47", "month": "2026-11", "quarter": "2026-Q4"}
        raise DomainError(f"期间“{text}”不是{PERIOD_LABEL[kind]}：应写成如 {examples[kind]}")
    return found
