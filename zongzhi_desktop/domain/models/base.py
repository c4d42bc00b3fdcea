"""Columns every synced record carries: identity, owner, revision, timestamps, void flag."""

import uuid
from datetime import UTC, datetime

from pydantic import ConfigDict
from sqlmodel import Field, SQLModel


def new_uuid() -> str:
    """A random UUID as 36-character text, generated where the record is created."""
    return str(uuid.uuid4())


def utcnow() -> datetime:
    """Aware UTC timestamp; every stored timestamp is UTC."""
    return datetime.now(UTC)


class Model(SQLModel):
    """Base of every table. pydantic builds a model's validator and serializer when first used
    (`defer_build`), not while the classes are defined: a process that never validates or dumps
    most of the 45 tables (a printed sheet, a list page) does not pay for them (about 0.02 s CPU
    of every start). Mapping, columns and behaviour are unchanged."""

    model_config = ConfigDict(defer_build=True)  # type: ignore[assignment]


class Record(Model):
    """Mixin for every table that syncs to the county. Rows are voided, never deleted."""

    id: str = Field(default_factory=new_uuid, primary_key=True, max_length=36)
    township_code: str = Field(index=True, max_length=9)
    revision: int = Field(default=1)
    created_at: datetime = Field(default_factory=utcnow)
    created_by: str = Field(default="", max_length=64)
    updated_at: datetime = Field(default_factory=utcnow)
    updated_by: str = Field(default="", max_length=64)
    voided: bool = Field(default=False)
    void_reason: str | None = Field(default=None)
    # Hash of the audit entry that last wrote this row (issue 14): `audit verify` checks the row
    # against that entry. Local to this store: not part of the audited row image, not synced.
    audit_hash: str | None = Field(default=None, max_length=64)
