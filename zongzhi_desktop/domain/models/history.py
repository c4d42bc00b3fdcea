"""Status history (derived, not synced): each record's status and deadline over time."""

from datetime import date

from sqlalchemy import Index
from sqlmodel import Field

from .base import Model

STILL = date(9999, 12, 31)  # end_date of a span still in force (a date, so "end > A" is one range)


class StatusSpan(Model, table=True):
    """The record `record_id` was in `status` with `deadline` in force on days start ≤ d < end.

    Rebuilt from the record's workflow events (domain/history.py) in the transaction that
    writes them, and by the importer for imported records; never edited by hand.
    """

    __tablename__ = "status_span"
    # Spans covering a date A: kind, open, end > A (a range: spans still in force end on STILL),
    # then start <= A from the same index entry. Recent A: only the spans changed since A. The
    # deadline and record id are in the index too (migration 0011): stock figures read no span row.
    __table_args__ = (Index("ix_status_span_open_cover", "record_kind", "is_open", "end_date", "start_date", "deadline",
                            "record_id"),)
    id: int | None = Field(default=None, primary_key=True)
    record_kind: str = Field(max_length=16)
    record_id: str = Field(index=True, max_length=36)
    township_code: str = Field(max_length=9)
    start_date: date
    end_date: date  # exclusive; STILL (9999-12-31) while the record is still so
    status: str = Field(max_length=32)
    is_open: bool
    deadline: date | None = Field(default=None)
    deadline_kind: str | None = Field(default=None, max_length=32)
