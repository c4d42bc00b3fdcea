"""Installation-local tables: users, settings, code tables, holidays, serials, audit log."""

from datetime import date, datetime

from sqlalchemy import UniqueConstraint
from sqlmodel import Field

from .base import Model, Record, utcnow

GENESIS_HASH = "0" * 64


class User(Record, table=True):
    """A person who signs in: 录入员 clerk, 审核员 reviewer, 管理员 admin."""

    __tablename__ = "app_user"
    username: str = Field(index=True, unique=True, max_length=64)
    display_name: str
    role: str  # clerk | reviewer | admin
    password_hash: str
    active: bool = Field(default=True)


class Setting(Model, table=True):
    """Key/value settings of this installation (deadline rule, idle lock…)."""

    __tablename__ = "setting"
    key: str = Field(primary_key=True, max_length=64)
    value: str


class CodeItem(Model, table=True):
    """One entry of a code table (字典). `code` is stable; `label` may be renamed."""

    __tablename__ = "code_item"
    table_name: str = Field(primary_key=True, max_length=32)
    code: str = Field(primary_key=True, max_length=32)
    label: str
    sort_order: int = Field(default=0)
    active: bool = Field(default=True)


class Holiday(Model, table=True):
    """Statutory holiday or make-up working day (调休), editable by an administrator."""

    __tablename__ = "holiday"
    day: date = Field(primary_key=True)
    is_workday: bool = Field(default=False)  # True: a weekend day that is a working day
    name: str = ""


class SerialCounter(Model, table=True):
    """Last serial number issued per kind and year (XF-2026-000123)."""

    __tablename__ = "serial_counter"
    kind: str = Field(primary_key=True, max_length=16)
    year: int = Field(primary_key=True)
    last: int = Field(default=0)


class DocumentNumber(Model, table=True):
    """文号 of a document printed from a record: one sequence per document kind and year; a
    reprint of the same document for the same record keeps its number."""

    __tablename__ = "document_number"
    __table_args__ = (UniqueConstraint("doc_kind", "year", "seq", name="uq_document_number_seq"),)
    doc_kind: str = Field(primary_key=True, max_length=32)
    record_id: str = Field(primary_key=True, max_length=36)
    record_kind: str = Field(max_length=16)
    year: int
    seq: int
    number: str = Field(max_length=64)
    issued_at: datetime = Field(default_factory=utcnow)
    issued_by: str = Field(max_length=64)


class AuditEntry(Model, table=True):
    """Append-only, hash-chained record of every change."""

    __tablename__ = "audit_log"
    seq: int = Field(primary_key=True)
    at: datetime = Field(default_factory=utcnow)
    username: str = Field(max_length=64)
    action: str = Field(max_length=32)
    record_kind: str = Field(max_length=32)
    record_id: str | None = Field(default=None, max_length=36, index=True)
    before: str | None = None
    after: str | None = None
    prev_hash: str = Field(max_length=64)
    hash: str = Field(max_length=64)


class AuditHead(Model, table=True):
    """The newest audit entry's seq and hash: detects entries removed from the end of the chain."""

    __tablename__ = "audit_head"
    id: int = Field(default=1, primary_key=True)
    seq: int = Field(default=0)
    hash: str = Field(default=GENESIS_HASH, max_length=64)


class SigninThrottle(Model, table=True):
    """Failed sign-ins of one user name since its last successful sign-in (issue 14: back-off).

    Installation-local, never synced. A row exists only while there are failures to remember."""

    __tablename__ = "signin_throttle"
    username: str = Field(primary_key=True, max_length=64)
    failures: int = Field(default=0)
    last_failure_at: datetime = Field(default_factory=utcnow)
    locked_until: datetime | None = None
