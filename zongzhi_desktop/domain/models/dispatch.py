"""Dispatch items (调度事项): blockers with a responsible unit and deadline, for 月调度."""

from datetime import date

from sqlmodel import Field

from .base import Record


class DispatchItem(Record, table=True):
    """A blocker or difficulty (堵点、难点) assigned to a unit with a deadline."""

    __tablename__ = "dispatch_item"
    serial: str = Field(index=True, max_length=32)
    title: str
    description: str | None = None
    raised_date: date = Field(index=True)
    department_id: str | None = Field(default=None, foreign_key="department.id", index=True)
    deadline: date
    status: str = Field(default="open", index=True)
    next_deadline: date | None = Field(default=None, index=True)
    next_deadline_kind: str | None = None
    done_date: date | None = Field(default=None, index=True)
    result: str | None = None
