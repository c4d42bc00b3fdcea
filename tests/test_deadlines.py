"""Deadline arithmetic: statutory periods, month ends, leap days, holidays and make-up workdays."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from zongzhi_desktop.domain import deadlines as dl
from zongzhi_desktop.domain.deadlines import DeadlinePolicy, DeadlineRule
from zongzhi_desktop.services import Services

D = date.fromisoformat

# A National Day week as the State Council publishes it: seven days off (Thu 1 – Wed 7 October
# 2026) paid back by working Sunday 27 September and Saturday 10 October (调休).
NATIONAL_DAY = frozenset(D("2026-10-01") + timedelta(days=i) for i in range(7))
MAKE_UP = frozenset({D("2026-09-27"), D("2026-10-10")})
SHIFT = DeadlinePolicy(DeadlineRule.CALENDAR_SHIFT, NATIONAL_DAY, MAKE_UP)
WORKING = DeadlinePolicy(DeadlineRule.WORKING, NATIONAL_DAY, MAKE_UP)
CALENDAR = DeadlinePolicy()


def test_statutory_periods() -> None:
    assert (dl.ACCEPT_DAYS, dl.CONCLUDE_DAYS, dl.MAX_EXTENSION_DAYS) == (15, 60, 30)
    assert (dl.REVIEW_REQUEST_DAYS, dl.REVIEW_ANSWER_DAYS) == (30, 30)
    assert (dl.RECHECK_REQUEST_DAYS, dl.RECHECK_ANSWER_DAYS) == (30, 30)
    assert dl.MEDIATION_WARN_DAYS == 30 and dl.JUDICIAL_CONFIRM_DAYS == 30


@pytest.mark.parametrize(
    ("start", "days", "end"),
    [
        ("2026-03-01", 15, "2026-03-16"),  # the day of receipt is not counted (民法典 Art. 201)
        ("2026-03-01", 0, "2026-03-01"),
        ("2026-01-31", 30, "2026-03-02"),  # month end, common year
        ("2028-01-31", 30, "2028-03-01"),  # month end, leap year
        ("2028-02-14", 15, "2028-02-29"),  # lands on the leap day
        ("2028-02-29", 15, "2028-03-15"),  # starts on the leap day
        ("2028-02-29", 60, "2028-04-29"),
        ("2024-02-29", 30, "2024-03-30"),
        ("2023-12-31", 60, "2024-02-29"),  # conclusion deadline on a leap day
        ("2026-12-20", 15, "2027-01-04"),  # year end
        ("2026-12-31", 60, "2027-03-01"),
        ("2025-12-02", 90, "2026-03-02"),  # 60 + a 30-day extension
    ],
)
def test_calendar_days(start: str, days: int, end: str) -> None:
    assert CALENDAR.add(D(start), days) == D(end)


def test_negative_period_refused() -> None:
    with pytest.raises(ValueError):
        CALENDAR.add(D("2026-03-01"), -1)


def test_working_day_calendar() -> None:
    assert not SHIFT.is_working_day(D("2026-10-01"))  # holiday on a Thursday
    assert SHIFT.is_working_day(D("2026-09-27"))  # make-up Sunday
    assert SHIFT.is_working_day(D("2026-10-10"))  # make-up Saturday
    assert not SHIFT.is_working_day(D("2026-10-11"))  # ordinary Sunday
    assert SHIFT.is_working_day(D("2026-10-08"))  # first day back


@pytest.mark.parametrize(
    ("start", "days", "end"),
    [
        ("2026-09-16", 15, "2026-10-08"),  # ends on 1 Oct (holiday) -> first day back
        ("2026-09-20", 15, "2026-10-08"),  # ends on Mon 5 Oct (holiday)
        ("2026-09-24", 2, "2026-09-27"),  # ends on Saturday -> the make-up Sunday
        ("2026-09-25", 2, "2026-09-27"),  # ends on the make-up Sunday: stays
        ("2026-09-25", 15, "2026-10-10"),  # ends on the make-up Saturday: stays
        ("2026-09-26", 15, "2026-10-12"),  # ends on an ordinary Sunday -> Monday
        ("2026-03-01", 15, "2026-03-16"),  # a plain Monday is untouched
        ("2026-12-17", 15, "2027-01-01"),  # Fri 1 Jan 2027 is not in this calendar: a weekday
        ("2026-12-18", 15, "2027-01-04"),  # year end: Sat 2 Jan 2027 -> Mon 4 Jan
    ],
)
def test_calendar_shift(start: str, days: int, end: str) -> None:
    assert SHIFT.add(D(start), days) == D(end)


@pytest.mark.parametrize(
    ("start", "days", "end"),
    [
        ("2026-09-30", 1, "2026-10-08"),  # the whole holiday week is skipped
        ("2026-09-25", 1, "2026-09-27"),  # a make-up Sunday counts
        ("2026-09-25", 15, "2026-10-21"),
        ("2026-11-20", 5, "2026-11-27"),  # Fri + 5 working days = next Fri
        ("2026-11-20", 0, "2026-11-20"),
    ],
)
def test_working_days(start: str, days: int, end: str) -> None:
    assert WORKING.add(D(start), days) == D(end)


# ---- properties ----------------------------------------------------------------------------

DAYS = st.dates(min_value=D("2024-01-01"), max_value=D("2029-12-31"))


@st.composite
def policies(draw: st.DrawFn) -> DeadlinePolicy:
    """A random rule with random holidays and random make-up weekend days in 2024–2030."""
    rule = draw(st.sampled_from(list(DeadlineRule)))
    holidays = draw(st.frozensets(DAYS, max_size=60))
    weekends = draw(st.frozensets(DAYS.filter(lambda d: d.weekday() >= 5), max_size=10))
    return DeadlinePolicy(rule, holidays, weekends - holidays)


def _working_days_between(policy: DeadlinePolicy, start: date, end: date) -> int:
    """Working days in (start, end], counted the slow obvious way."""
    return sum(policy.is_working_day(start + timedelta(days=i)) for i in range(1, (end - start).days + 1))


@settings(max_examples=150, deadline=None)
@given(policies(), DAYS, DAYS, st.integers(0, 90), st.integers(0, 90))
def test_monotonic(policy: DeadlinePolicy, a: date, b: date, n: int, m: int) -> None:
    s1, s2 = sorted((a, b))
    k1, k2 = sorted((n, m))
    assert policy.add(s1, k1) <= policy.add(s2, k1)
    assert policy.add(s1, k1) <= policy.add(s1, k2)


@settings(max_examples=150, deadline=None)
@given(policies(), DAYS, st.integers(0, 90))
def test_rule_properties(policy: DeadlinePolicy, start: date, n: int) -> None:
    end = policy.add(start, n)
    if policy.rule is DeadlineRule.CALENDAR:
        assert end == start + timedelta(days=n)
    elif policy.rule is DeadlineRule.CALENDAR_SHIFT:
        assert end >= start + timedelta(days=n)
        assert policy.is_working_day(end)
        # ... and it is the FIRST working day on or after the calendar end.
        day = start + timedelta(days=n)
        while day < end:
            assert not policy.is_working_day(day)
            day += timedelta(days=1)
    else:
        assert end >= start + timedelta(days=n)
        assert _working_days_between(policy, start, end) == n
        if n:
            assert policy.is_working_day(end)


# ---- the setting, through the services -------------------------------------------------------


def test_setting_changes_stored_deadlines(admin: Services, clerk: Services) -> None:
    data = {"received_date": "2026-09-16", "form": "letter", "petitioner_name": "王芳",
            "category": "claim", "request": "反映宅基地审批"}
    assert clerk.create("petition", data).record.accept_deadline == D("2026-10-01")

    admin.set_setting("deadline_rule", "calendar_shift")
    for day in NATIONAL_DAY:
        admin.set_holiday(day, name="国庆节")
    for day in MAKE_UP:
        admin.set_holiday(day, is_workday=True, name="国庆调休")
    clerk.invalidate_caches()
    rec = clerk.create("petition", data).record
    assert rec.accept_deadline == D("2026-10-08")
    assert rec.next_deadline == D("2026-10-08") and rec.next_deadline_kind == "受理告知"

    admin.set_setting("deadline_rule", "working")
    clerk.invalidate_caches()
    assert clerk.create("petition", data).record.accept_deadline == WORKING.add(D("2026-09-16"), 15)


def test_unknown_rule_refused(admin: Services) -> None:
    from zongzhi_desktop.domain.errors import ValidationError

    with pytest.raises(ValidationError, match="期限计算规则"):
        admin.set_setting("deadline_rule", "lunar")
    assert admin.get_setting("deadline_rule") == "calendar"
