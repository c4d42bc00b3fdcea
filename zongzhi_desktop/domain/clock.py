"""One clock for "today": the date in China (Asia/Shanghai) on every machine.

A township PC set to UTC and the county server agree on what day it is: between 00:00 and
08:00 China time the machine's local date would still be yesterday. China has kept UTC+8
without daylight saving since 1991, so a fixed offset is exact and needs no time-zone database
(which Windows does not ship).

Every "today" in the app (deadlines, default periods, the date stock figures are counted at,
validation of dates in the future) goes through `today()`. Tests freeze it with `frozen(...)`;
a whole process (CLI tests, benches) can be pinned with ZONGZHI_TODAY=YYYY-MM-DD.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime, time, timedelta, timezone

CHINA_TZ = timezone(timedelta(hours=8), "CST")  # China Standard Time, no daylight saving
ENV_TODAY = "ZONGZHI_TODAY"

_frozen: datetime | None = None


def _pinned() -> datetime | None:
    if _frozen is not None:
        return _frozen
    text = os.environ.get(ENV_TODAY)
    if text:
        return datetime.combine(date.fromisoformat(text), time(12), CHINA_TZ).astimezone(UTC)
    return None


def now() -> datetime:
    """The current moment as an aware UTC datetime (the frozen one in tests)."""
    return _pinned() or datetime.now(UTC)


def today() -> date:
    """Today's date in China time."""
    return now().astimezone(CHINA_TZ).date()


@contextmanager
def frozen(at: date | datetime) -> Iterator[None]:
    """Freeze the clock: a date means noon China time that day; a naive datetime is China time."""
    global _frozen
    if isinstance(at, datetime):
        moment = at if at.tzinfo is not None else at.replace(tzinfo=CHINA_TZ)
    else:
        moment = datetime.combine(at, time(12), CHINA_TZ)
    saved, _frozen = _frozen, moment.astimezone(UTC)
    try:
        yield
    finally:
        _frozen = saved
