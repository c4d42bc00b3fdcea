"""Columns derived from other columns of the same row, kept for sorting and searching by pinyin.

They are store-local (serialize.LOCAL_COLUMNS): not synced, not part of audit images. Every path
that writes the source column fills them: the ORM (events on the model), Core bulk inserts
(`services.bulk.execute_insert`), the county import (`sync.rowcodec.TableCodec.decode`), and
migration 0018 for rows stored before.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ..domain.pinyin import collation_key

# table -> derived column -> (source column, function of the source value)
DERIVED: dict[str, dict[str, tuple[str, Callable[[Any], Any]]]] = {
    "petition": {"petitioner_pinyin": ("petitioner_name", collation_key)},
}


def fill(table: str, values: dict[str, Any]) -> None:
    """Set the derived columns of one row given as a dict (in place)."""
    for column, (source, fn) in DERIVED.get(table, {}).items():
        values[column] = fn(values.get(source))


def extend_tuples(table: str, columns: list[str], tuples: list[tuple[Any, ...]]) -> tuple[list[str], list[tuple[Any, ...]]]:
    """Columns and tuples of a bulk insert with the table's derived columns appended."""
    derived = DERIVED.get(table)
    if not derived:
        return columns, tuples
    plan = [(column, columns.index(source), fn) for column, (source, fn) in derived.items() if source in columns]
    if not plan:
        return columns, tuples
    return ([*columns, *(c for c, _i, _f in plan)],
            [t + tuple(fn(t[i]) for _c, i, fn in plan) for t in tuples])
