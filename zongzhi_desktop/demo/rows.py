"""Building blocks of the generator: row factory and workflow runner.

Records are plain objects whose ``__dict__`` is the row. Workflow steps run through the same
`Action.apply` functions and deadline refreshers the services use, with the store's deadline
policy, so stored deadlines are exactly what the services would have computed.
"""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta
from random import Random
from typing import TYPE_CHECKING, Any

from sqlmodel import SQLModel

from ..domain import models as m
from ..domain import workflows as wf
from ..domain.deadlines import DeadlinePolicy

if TYPE_CHECKING:
    from .sink import Sink

_VARIANT = {c: "89ab"[int(c, 16) & 3] for c in "0123456789abcdef"}
LOCAL_OFFSET = timedelta(hours=8)  # Beijing time: office hours are stamped in UTC
_SECOND = timedelta(seconds=1)
# Event data as `Services._event` writes it: json.dumps(values, ensure_ascii=False, default=str).
_EVENT_JSON = json.JSONEncoder(ensure_ascii=False, default=str).encode


class Rec:
    """A row under construction; workflow `apply` functions set its attributes."""


class MemoPolicy:
    """The store's DeadlinePolicy with `add` memoized (the working-day rule loops day by day)."""

    def __init__(self, policy: DeadlinePolicy) -> None:
        self.policy = policy
        self._cache: dict[tuple[date, int], date] = {}

    def add(self, start: date, days: int) -> date:
        key = (start, days)
        hit = self._cache.get(key)
        if hit is None:
            hit = self._cache[key] = self.policy.add(start, days)
        return hit

    def __getattr__(self, name: str) -> Any:  # the dispute windows and the rest of the policy
        return getattr(self.policy, name)


def _defaults(model: type[SQLModel]) -> dict[str, Any]:
    """Every column with its plain default (None where the default is a factory or absent)."""
    out: dict[str, Any] = {}
    for column in model.__table__.columns:  # type: ignore[attr-defined]
        info = model.model_fields.get(column.name)  # type: ignore[attr-defined]
        default = getattr(info, "default", None)
        out[column.name] = default if isinstance(default, (str, int, float, bool)) else None
    return out


class RowFactory:
    """Deterministic ids and timestamps, and new rows carrying the Record columns."""

    def __init__(self, rnd: Random, township_code: str, now: datetime) -> None:
        self.rnd = rnd
        self.township = township_code
        self.now = now
        # Ids draw from their own source keyed by the township as well as the seed: two demo
        # townships made with the same seed must not share record ids at the county.
        self._bits = Random(f"{township_code}:{rnd.getrandbits(64)}").getrandbits
        self._defaults: dict[type[SQLModel], dict[str, Any]] = {}
        self._stamps: dict[int, tuple[datetime, str]] = {}

    def uuid(self, prefix: str) -> str:
        """A time-ordered UUID (RFC 9562 version 7): `prefix` carries the moment (see `stamp`),
        the random bits come from the seeded source (same seed, same ids). Ids that grow with
        time keep B-tree inserts local."""
        r = f"{self._bits(80):020x}"
        return f"{prefix}{r[1:4]}-{_VARIANT[r[4]]}{r[5:8]}-{r[8:]}"

    @staticmethod
    def prefix(ts: datetime) -> str:
        """The time part of a version-7 UUID for `ts`."""
        h = f"{int(ts.timestamp() * 1000):012x}"
        return f"{h[:8]}-{h[8:12]}-7"

    def stamp(self, day: date) -> tuple[datetime, str]:
        """A minute during office hours (08:30-17:00 Beijing time) on `day` in UTC, never after
        now, with the UUID prefix for that moment. Stamps are shared objects, so converting them
        to text is cached by the bulk path."""
        bits = self._bits(10)
        minute = bits & 511 if bits & 512 else bits & 255  # 08:30-17:00, mornings a little busier
        key = day.toordinal() * 512 + minute
        hit = self._stamps.get(key)
        if hit is None:
            ts = datetime(day.year, day.month, day.day, 8, 30, tzinfo=UTC) - LOCAL_OFFSET + timedelta(minutes=minute)
            ts = min(ts, self.now)
            hit = self._stamps[key] = (ts, self.prefix(ts))
        return hit

    def new(self, model: type[SQLModel], day: date, actor: str) -> Any:
        """A fresh row of `model` with defaults, a new id and created/updated stamps on `day`."""
        defaults = self._defaults.get(model)
        if defaults is None:
            defaults = self._defaults[model] = _defaults(model)
        rec = Rec()
        d = rec.__dict__
        d.update(defaults)
        ts, prefix = self.stamp(day)
        d["id"] = self.uuid(prefix)
        d["township_code"] = self.township
        d["created_at"] = d["updated_at"] = ts
        d["created_by"] = d["updated_by"] = actor
        return rec


class Flow:
    """Runs workflow steps on demo rows exactly as `Services.act` does, and records the events."""

    def __init__(self, kind: str, factory: RowFactory, policy: MemoPolicy, sink: Sink) -> None:
        self.kind = kind
        self.workflow = wf.WORKFLOWS[kind]
        self.refresh = wf.REFRESHERS[kind]
        self.factory = factory
        self.policy = policy
        self.sink = sink
        self.field_names = {name: [f.name for f in a.fields] for name, a in self.workflow.actions.items()}
        # The current record's last event time: a record's events get strictly increasing
        # timestamps, so same-day steps keep their order on the timeline.
        self.clock = datetime.min.replace(tzinfo=UTC)

    def moment(self, day: date) -> tuple[datetime, str]:
        """An office-hours stamp on `day`, later than the record's previous event."""
        ts, prefix = self.factory.stamp(day)
        if ts <= self.clock:
            ts = self.clock + _SECOND  # the id keeps the stamp's time: only locality matters there
        self.clock = ts
        return ts, prefix

    def event(self, rec: Any, action: str, day: date, actor: str, note: str | None,
              data: dict[str, Any] | None = None, *, at: tuple[datetime, str] | None = None) -> None:
        """A timeline row, as `Services._event` writes it (built as a literal: events are most rows)."""
        ts, prefix = at or self.moment(day)
        f = self.factory
        self.sink.add(m.WorkflowEvent, {
            "id": f.uuid(prefix), "township_code": f.township, "revision": 1, "created_at": ts, "created_by": actor,
            "updated_at": ts, "updated_by": actor, "voided": False, "void_reason": None,
            "record_kind": self.kind, "record_id": rec.id, "action": action, "event_date": day, "actor": actor,
            "note": note, "data": _EVENT_JSON(data) if data else None,
        })

    def register(self, rec: Any, day: date, actor: str) -> None:
        """The creation step: deadlines refreshed and the 登记 event, as `Services.create` does."""
        self.refresh(rec, self.policy)
        self.clock = rec.created_at
        self.event(rec, "register", day, actor, "登记", at=(rec.created_at, self.factory.prefix(rec.created_at)))

    def act(self, rec: Any, action: str, actor: str, values: dict[str, Any]) -> date:
        """Apply a step (all its fields present, absent ones None) and bump the revision."""
        step = self.workflow.actions[action]
        if rec.status not in step.sources:
            raise AssertionError(f"demo: {self.kind} {action} from {rec.status}")
        full = {name: values.get(name) for name in self.field_names[action]}
        day = step.apply(rec, full, self.policy)  # type: ignore[arg-type]
        self.refresh(rec, self.policy)
        at = self.touch(rec, day, actor)
        self.event(rec, action, day, actor, step.label, full, at=at)
        return day

    def touch(self, rec: Any, day: date, actor: str) -> tuple[datetime, str]:
        """Revision and updated stamp, as `Services._touch`; returns the moment for the event."""
        at = self.moment(day)
        rec.revision += 1
        rec.updated_at = at[0]
        rec.updated_by = actor
        return at
