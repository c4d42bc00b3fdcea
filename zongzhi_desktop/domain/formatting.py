"""How figures and moments are shown, one rule each, township and county alike (no Qt).

- A rate whose denominator is empty is "—", never 0% or 100% (domain.md, "Figures"); a rate is a
  percentage with one decimal.
- Every time shown is China time (Asia/Shanghai, UTC+8, domain/clock.py), whatever the machine's
  time zone: a timestamp stored without a zone is UTC (the store keeps UTC).
"""

from __future__ import annotations

from datetime import UTC, datetime

from .clock import CHINA_TZ

NO_VALUE = "—"  # an empty denominator, a missing base
TIME_FORMAT = "%Y-%m-%d %H:%M"


def ratio(num: int, den: int) -> float | None:
    """num ÷ den as a percentage, None when the denominator is empty."""
    return None if den == 0 else 100.0 * num / den


def percent_text(value: float | None, digits: int = 1) -> str:
    """A percentage such as "66.7%", or "—" for None (an empty denominator)."""
    return NO_VALUE if value is None else f"{value:.{digits}f}%"


def rate_text(num: int, den: int, digits: int = 1) -> str:
    """num ÷ den as "66.7%", or "—" when den is 0."""
    return percent_text(ratio(num, den), digits)


def china_time(moment: datetime) -> datetime:
    """The moment in China time (a naive datetime is UTC, as the store keeps it)."""
    aware = moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)
    return aware.astimezone(CHINA_TZ)


def time_text(moment: datetime | str | None, fmt: str = TIME_FORMAT) -> str:
    """A stored moment shown in China time ("" for none; ISO text is parsed, unparseable text kept)."""
    if moment is None or moment == "":
        return ""
    if isinstance(moment, str):
        try:
            moment = datetime.fromisoformat(moment)
        except ValueError:
            return moment[:16]
    return china_time(moment).strftime(fmt)


def size_text(n: int) -> str:
    """A file size as people read it: 812 B, 2.8 KB, 36.7 MB."""
    return f"{n} B" if n < 1024 else f"{n / 1024:.1f} KB" if n < 1048576 else f"{n / 1048576:.1f} MB"
