"""Statutory deadline arithmetic as one policy object.

The day a period starts from is not counted (民法典 Art. 201), so "15 days from 1 March" ends on
16 March. Provinces differ on holidays, so the rule is a setting:

- ``calendar``: plain calendar days (default);
- ``calendar_shift``: calendar days, but a period ending on a rest day (weekend or statutory
  holiday, minus make-up working days) ends on the next working day (民法典 Art. 203);
- ``working``: count working days only.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from enum import StrEnum

# Statutory periods in days (信访工作条例 2022, 人民调解法 2010).
ACCEPT_DAYS = 15  # Art. 22-23: decide and inform within 15 days of receipt
CONCLUDE_DAYS = 60  # Art. 34: conclude within 60 days of acceptance
MAX_EXTENSION_DAYS = 30  # Art. 34: one extension of at most 30 days
REVIEW_REQUEST_DAYS = 30  # Art. 35: petitioner may ask for 复查 within 30 days of the reply
REVIEW_ANSWER_DAYS = 30  # Art. 35: 复查 answered within 30 days
RECHECK_REQUEST_DAYS = 30  # Art. 36
RECHECK_ANSWER_DAYS = 30  # Art. 36
MEDIATION_WARN_DAYS = 30  # 司法部 2002 rules Art. 33: mediation normally within one month
JUDICIAL_CONFIRM_DAYS = 30  # 人民调解法 Art. 33
# Dispute stages before and after mediation: practice, not statute, so settings (domain.md: "where
# practice varies between places, make it a setting"); these are the defaults.
DISPUTE_ACCEPT_DAYS = 7  # 排查登记 → 受理 (setting dispute_accept_days)
DISPUTE_START_DAYS = 30  # 受理 → 调解开始 (setting dispute_start_days)
# 调解不成 → 移交 / 诉讼 / 终止: 人民调解法 Art. 26 has mediation that failed ended and the parties told
# their other routes (仲裁、行政、司法) without delay; 15 days by default (setting dispute_after_failure_days).
DISPUTE_AFTER_FAILURE_DAYS = 15
# The settings holding the dispute windows, with their defaults.
DISPUTE_WINDOW_SETTINGS = {
    "dispute_accept_days": DISPUTE_ACCEPT_DAYS,
    "dispute_start_days": DISPUTE_START_DAYS,
    "dispute_after_failure_days": DISPUTE_AFTER_FAILURE_DAYS,
}


CADENCE_PREFIX = "cadence."  # settings read into DeadlinePolicy.cadences


class DeadlineRule(StrEnum):
    CALENDAR = "calendar"
    CALENDAR_SHIFT = "calendar_shift"
    WORKING = "working"


@dataclass(frozen=True)
class DeadlinePolicy:
    """Adds statutory periods to dates under the configured rule and holiday calendar."""

    rule: DeadlineRule = DeadlineRule.CALENDAR
    holidays: frozenset[date] = field(default_factory=frozenset)
    workdays: frozenset[date] = field(default_factory=frozenset)  # 调休 make-up working days
    dispute_accept_days: int = DISPUTE_ACCEPT_DAYS
    dispute_start_days: int = DISPUTE_START_DAYS
    dispute_after_failure_days: int = DISPUTE_AFTER_FAILURE_DAYS
    # Settings `cadence.<code>` (key without the prefix, value as stored): how often a record kind
    # added through the registry must be revisited, by its category (kinds/*/domain.py reads them).
    cadences: tuple[tuple[str, str], ...] = ()

    def cadence(self, code: str) -> str | None:
        """The stored cadence setting for `code`, or None when none is set."""
        return dict(self.cadences).get(code)

    @staticmethod
    def windows_from_settings(values: dict[str, str | None]) -> dict[str, int]:
        """The dispute windows from the stored settings (key → text), defaults for absent or bad ones."""
        out: dict[str, int] = {}
        for key, default in DISPUTE_WINDOW_SETTINGS.items():
            try:
                out[key] = int(values.get(key) or default)
            except ValueError:
                out[key] = default
        return out

    def is_working_day(self, d: date) -> bool:
        """A weekday that is not a holiday, or a weekend day declared a make-up working day."""
        if d in self.workdays:
            return True
        if d in self.holidays:
            return False
        return d.weekday() < 5

    def add(self, start: date, days: int) -> date:
        """The last day of a period of `days` days beginning the day after `start`."""
        if days < 0:
            raise ValueError("days must be non-negative")
        if self.rule is DeadlineRule.WORKING:
            d, left = start, days
            while left > 0:
                d += timedelta(days=1)
                if self.is_working_day(d):
                    left -= 1
            return d
        end = start + timedelta(days=days)
        if self.rule is DeadlineRule.CALENDAR_SHIFT:
            while not self.is_working_day(end):
                end += timedelta(days=1)
        return end
