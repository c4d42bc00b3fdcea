"""Form drafts: unsaved form state kept per user so a crash or power cut loses nothing. No Qt.

Drafts are local scratch data, not records: they are not audited, not synced, and deleting them is
fine (a saved record or an explicit "不保存" removes its draft).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import delete, select

from ..domain.models import Draft, utcnow
from ..store.database import Store


@dataclass(frozen=True)
class DraftInfo:
    id: int
    kind: str
    record_id: str | None
    username: str
    data: dict[str, Any]
    updated_at: datetime


class DraftStore:
    """Save, find and discard drafts in the installation's store."""

    def __init__(self, store: Store, username: str) -> None:
        self.store = store
        self.username = username

    def save(self, kind: str, record_id: str | None, data: dict[str, Any], draft_id: int | None = None) -> int:
        """Write the form state; returns the draft id to pass on the next save of the same form."""
        text = json.dumps(data, ensure_ascii=False, default=str)
        with self.store.session() as s, s.begin():
            row = s.get(Draft, draft_id) if draft_id is not None else None
            if row is None:
                row = Draft(kind=kind, record_id=record_id, username=self.username, data=text)
            row.data, row.updated_at = text, utcnow()
            s.add(row)
            s.flush()
            assert row.id is not None
            return row.id

    def latest(self, kind: str, record_id: str | None = None) -> DraftInfo | None:
        """This user's newest draft for a new record of `kind` (or for editing `record_id`)."""
        with self.store.session() as s:
            q = select(Draft).where(Draft.kind == kind, Draft.username == self.username)
            q = q.where(Draft.record_id.is_(None) if record_id is None else Draft.record_id == record_id)
            row = s.execute(q.order_by(Draft.updated_at.desc(), Draft.id.desc()).limit(1)).scalar_one_or_none()
            return _info(row) if row else None

    def get(self, draft_id: int) -> DraftInfo | None:
        with self.store.session() as s:
            row = s.get(Draft, draft_id)
            return _info(row) if row else None

    def all(self) -> list[DraftInfo]:
        with self.store.session() as s:
            q = select(Draft).where(Draft.username == self.username).order_by(Draft.updated_at.desc())
            return [_info(r) for r in s.execute(q).scalars()]

    def discard(self, draft_id: int | None) -> None:
        if draft_id is None:
            return
        with self.store.session() as s, s.begin():
            s.execute(delete(Draft).where(Draft.id == draft_id))


def _info(row: Draft) -> DraftInfo:
    assert row.id is not None
    return DraftInfo(row.id, row.kind, row.record_id, row.username, json.loads(row.data), row.updated_at)
