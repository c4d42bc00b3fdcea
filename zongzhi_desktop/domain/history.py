"""A record's status and governing deadline on any date, rebuilt from its dated workflow events.

The record row holds only the status *now*. Figures "as at a date A" need the status *on A*,
so a record's timeline is replayed: start from the state it was registered in, apply each
workflow event (in date order, then entry order) with the same workflow step functions the
services use, and note the status and the deadline in force after the last event of each day.
The result is a list of spans [start, end) — what `store/status_history.py` keeps in the
`status_span` table and what the sheets query.

Pure: no session, no I/O.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from types import SimpleNamespace
from typing import Any

from . import deadlines as dl
from . import workflows as wf
from .errors import DomainError, TransitionError

log = logging.getLogger(__name__)

# Initial status and registration-date column of each kind with a workflow.
INITIAL = {"petition": "registered", "dispute": "registered", "package": "in_progress", "dispatch": "open"}
REG_DATE = {"petition": "received_date", "dispute": "found_date", "package": "start_date", "dispatch": "raised_date"}

# Columns a workflow step sets; cleared before the replay so each step finds the state it found
# when it really happened (e.g. "only one extension" checks extension_days).
_STEP_SET: dict[str, tuple[str, ...]] = {
    "petition": (
        "decision", "decision_date", "decision_reason", "assigned_date", "assign_deadline", "conclude_deadline",
        "extension_days", "extension_reason", "extension_approver", "reply_date", "reply_result", "reply_summary",
        "review_request_deadline", "review_request_date", "review_deadline", "review_reply_date", "review_result",
        "recheck_request_deadline", "recheck_request_date", "recheck_deadline", "recheck_reply_date",
        "recheck_result", "rating", "rating_date",
    ),
    "dispute": (
        "accepted_date", "resolved_date", "confirmed_date", "feedback_date", "mediation_start_date",
        "mediation_warn_date", "mediation_end_date", "outcome", "failure_outcome", "failure_reason",
        "agreement_form", "agreement_date", "agreement_terms", "performance_manner", "performance_deadline",
        "performance_status", "judicial_confirm_deadline", "judicial_confirm_date",
    ),
    "package": ("close_request_date", "closed_date", "reviewer", "review_opinion", "extension_reason"),
    "dispatch": ("done_date", "result"),
}
# Event actions that are not workflow steps (registration, voiding, child rows).
_NOT_STEPS = {"register", "void", "visit", "progress"}


def _add_registered_kinds() -> None:
    """Initial status, registration date and step columns of the kinds added through the registry."""
    from ..kinds import parts

    for part in parts("domain"):
        INITIAL[part.NAME] = part.INITIAL_STATUS
        REG_DATE[part.NAME] = part.REG_DATE
        _STEP_SET[part.NAME] = part.STEP_COLUMNS


_add_registered_kinds()


@dataclass(frozen=True)
class Span:
    """The record was in `status`, with `deadline` in force, from `start` up to (not incl.) `end`."""

    start: date
    end: date | None  # None: still so
    status: str
    deadline: date | None
    deadline_kind: str | None

    def covers(self, a: date) -> bool:
        return self.start <= a and (self.end is None or a < self.end)


@dataclass(frozen=True)
class Event:
    """A workflow event as the replay needs it."""

    action: str
    day: date
    data: Mapping[str, Any] | None
    order: Any = None  # tie-break within a day (the event's created_at)


def _decode(value: Any) -> Any:
    """JSON event data stores dates as ISO text; the steps want date objects."""
    if isinstance(value, str) and len(value) == 10 and value[4] == "-" and value[7] == "-":
        try:
            return date.fromisoformat(value)
        except ValueError:
            return value
    return value


def event_values(data: str | Mapping[str, Any] | None) -> dict[str, Any]:
    """The step's field values from an event's stored JSON."""
    if data is None:
        return {}
    raw = json.loads(data) if isinstance(data, str) else dict(data)
    return {k: _decode(v) for k, v in raw.items()}


def _snapshot(kind: str, r: Any, policy: dl.DeadlinePolicy) -> tuple[str, date | None, str | None]:
    wf.REFRESHERS[kind](r, policy)
    return r.status, r.next_deadline, r.next_deadline_kind


def replay(kind: str, record: Mapping[str, Any], events: Iterable[Event], policy: dl.DeadlinePolicy,
           *, record_label: str = "") -> list[Span]:
    """The record's spans from registration to now.

    `record` is the current row (a mapping of column -> value). Events dated before the
    registration date count from the registration date. If a stored event cannot be replayed
    (data entered before the workflow had its present checks), the replay keeps the record's
    current status from that event's date on, and says so in the log.
    """
    workflow = wf.WORKFLOWS[kind]
    r = SimpleNamespace(**dict(record))
    for col in _STEP_SET[kind]:
        setattr(r, col, None)
    r.status = INITIAL[kind]
    start = record[REG_DATE[kind]]
    ordered = sorted(events, key=lambda e: (e.day, e.order is None, e.order))
    if kind == "package":
        steps = [e for e in ordered if e.action == "extend" and e.data]
        first = event_values(steps[0].data).get("previous_target_date") if steps else None
        # Events written before the previous target was kept: the replay starts from today's target.
        r.target_date = first or record["target_date"]
    days: list[tuple[date, tuple[str, date | None, str | None]]] = [(start, _snapshot(kind, r, policy))]
    for e in ordered:
        if e.action in _NOT_STEPS or e.action not in workflow.actions:
            continue
        day = max(e.day, start)
        try:
            values = event_values(e.data)
            step = workflow.actions[e.action]
            if r.status not in step.sources:
                raise TransitionError(f"{e.action} from {r.status}")
            full = {f.name: values.get(f.name) for f in step.fields}
            step.apply(r, full, policy)
            state = _snapshot(kind, r, policy)
        except (DomainError, KeyError, TypeError, ValueError) as exc:
            log.warning("status history: %s %s: step %s on %s not replayable (%s); current status used from then",
                        kind, record_label or record.get("id"), e.action, day, type(exc).__name__)
            state = (record["status"], record.get("next_deadline"), record.get("next_deadline_kind"))
            days.append((day, state))
            break
        days.append((day, state))
    # The state on a day is the state after that day's last event; merge equal neighbours.
    per_day: dict[date, tuple[str, date | None, str | None]] = {}
    for day, state in days:
        per_day[day] = state
    spans: list[Span] = []
    for day in sorted(per_day):
        state = per_day[day]
        if spans and (spans[-1].status, spans[-1].deadline, spans[-1].deadline_kind) == state:
            continue
        if spans:
            prev = spans[-1]
            spans[-1] = Span(prev.start, day, prev.status, prev.deadline, prev.deadline_kind)
        spans.append(Span(day, None, *state))
    return spans


def status_on(spans: list[Span], a: date) -> Span | None:
    """The span covering date `a` (None: not yet registered on `a`)."""
    for s in spans:
        if s.covers(a):
            return s
    return None
