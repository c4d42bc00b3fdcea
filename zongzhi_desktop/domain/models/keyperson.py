"""Key persons (重点人员): people the centre keeps in view for 命案防范 and 稳控, and their visits.

The most sensitive register the centre keeps: only users granted 查看重点人员 read it
(kinds/keyperson/services.py), and its rows do not travel to the county unless the county asks.
"""

from datetime import date

from sqlalchemy import Index
from sqlmodel import Field

from .base import Record


class KeyPerson(Record, table=True):
    """One person in management (在管) or released from it (解除管控)."""

    __tablename__ = "key_person"
    # The list's sort orders (kinds/keyperson/listing.py) besides the single-column indexes below.
    __table_args__ = (
        Index("ix_key_person_name", "name"),
        Index("ix_key_person_status_registered", "status", "registered_date"),
        Index("ix_key_person_category_registered", "category", "registered_date"),
    )
    serial: str = Field(index=True, max_length=32)
    name: str
    id_number: str | None = Field(default=None, index=True, max_length=18)
    phone: str | None = Field(default=None, max_length=32)
    address: str | None = None
    village_id: str | None = Field(default=None, foreign_key="village.id", index=True)
    grid_id: str | None = Field(default=None, foreign_key="grid.id")
    category: str = Field(index=True, max_length=32)  # code table key_person_category
    risk_level: str = Field(default="medium", max_length=16)  # code table risk_level
    grid_worker_id: str | None = Field(default=None, foreign_key="grid_worker.id")  # 责任网格员
    leader_id: str | None = Field(default=None, foreign_key="leader.id")  # 包保领导
    measures: str | None = None  # 稳控措施
    registered_date: date = Field(index=True)  # 列管日期
    last_visit_date: date | None = None
    risk_raised_date: date | None = None  # the last visit that raised the risk level
    status: str = Field(default="managed", index=True)
    next_deadline: date | None = Field(default=None, index=True)
    next_deadline_kind: str | None = None
    released_date: date | None = Field(default=None, index=True)
    release_reason: str | None = None
    release_approver: str | None = None
    note: str | None = None


class KeyPersonVisit(Record, table=True):
    """A visit (走访/稳控): when, by whom, what was found, and the risk level after it."""

    __tablename__ = "key_person_visit"
    key_person_id: str = Field(foreign_key="key_person.id", index=True)
    visit_date: date = Field(index=True)
    visitor: str
    situation: str
    risk_before: str | None = Field(default=None, max_length=16)
    risk_after: str | None = Field(default=None, max_length=16)


class KeyPersonLink(Record, table=True):
    """A petition or dispute that concerns the person."""

    __tablename__ = "key_person_link"
    key_person_id: str = Field(foreign_key="key_person.id", index=True)
    record_kind: str = Field(max_length=16)  # petition | dispute
    record_id: str = Field(index=True, max_length=36)
