"""Read and write one row of the `setting` table inside a session (hub identity, trusted profiles)."""

from __future__ import annotations

from sqlmodel import Session

from .domain.models import Setting


def get_setting(s: Session, key: str) -> str | None:
    row = s.get(Setting, key)
    return row.value if row else None


def put_setting(s: Session, key: str, value: str) -> None:
    row = s.get(Setting, key) or Setting(key=key, value=value)
    row.value = value
    s.add(row)
