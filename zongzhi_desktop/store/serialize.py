"""Row <-> plain dict conversion used by the audit trail and bundles (JSON-safe values)."""

from __future__ import annotations

import json
from datetime import date, datetime
from typing import Any

from sqlmodel import SQLModel

# Columns that are bookkeeping of this store, not content: left out of audit images (a row cannot
# contain the hash of the entry that describes it) and of bundles.
ROW_HASH = "audit_hash"
# Store-local columns: never in bundles, audit images or row checks. `audit_hash` is the row's audit
# entry; the others are derived from the row's own columns for sorting (store/derived.py).
LOCAL_COLUMNS = frozenset({ROW_HASH, "petitioner_pinyin"})


def _plain(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat(timespec="microseconds")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, bytes | bytearray | memoryview):  # attachment bytes restored from the county
        import base64

        return base64.b64encode(bytes(value)).decode("ascii")
    return value


def to_row(obj: SQLModel) -> dict[str, Any]:
    """Every content column of a table object as JSON-safe values, in column order (without the
    store-local LOCAL_COLUMNS)."""
    table = type(obj).__table__  # type: ignore[attr-defined]
    return {c.name: _plain(getattr(obj, c.name)) for c in table.columns if c.name not in LOCAL_COLUMNS}


def content_columns(table: Any) -> list[Any]:
    """A table's columns without the store-local LOCAL_COLUMNS, in column order."""
    return [c for c in table.columns if c.name not in LOCAL_COLUMNS]


def canonical_json(value: Any) -> str:
    """Deterministic JSON (sorted keys, no spaces, UTF-8 characters kept) for hashing."""
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"), default=_plain)


def from_row(model: type[SQLModel], row: dict[str, Any]) -> dict[str, Any]:
    """Convert a JSON row back to Python values for `model`'s columns (unknown keys dropped)."""
    out: dict[str, Any] = {}
    for column in model.__table__.columns:  # type: ignore[attr-defined]
        if column.name not in row:
            continue
        value = row[column.name]
        if value is not None:
            py = column.type.python_type
            if py is datetime and isinstance(value, str):
                value = datetime.fromisoformat(value)
            elif py is date and isinstance(value, str):
                value = date.fromisoformat(value)
        out[column.name] = value
    return out
