"""Form drafts: unsaved form state autosaved so a crash loses nothing. Local scratch, never synced."""

from datetime import datetime

from sqlalchemy import Column
from sqlmodel import AutoString, Field

from .base import Model, utcnow


class Draft(Model, table=True):
    """The state of one open form (new record when record_id is None), per user and kind."""

    __tablename__ = "draft"
    id: int | None = Field(default=None, primary_key=True)
    kind: str = Field(max_length=16, index=True)
    record_id: str | None = Field(default=None, max_length=36)
    username: str = Field(max_length=64, index=True)
    # {"fields": {...}, "children": {...}} as the form reads it back; column "json"
    data: str = Field(sa_column=Column("json", AutoString(), nullable=False))
    updated_at: datetime = Field(default_factory=utcnow)
