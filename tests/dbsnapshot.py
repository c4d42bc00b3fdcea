"""Raw snapshots of a SQLite store, to prove a refused operation changed nothing at all."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

from zongzhi_desktop.services import Services


def dump(path: Path | str) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table (of a virtual table: of its shadow tables), read with plain sqlite3."""
    con = sqlite3.connect(path)
    try:
        names = [r[0] for r in con.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
            "AND sql NOT LIKE 'CREATE VIRTUAL%' ORDER BY name")]  # a contentless index: its shadow tables
        return {n: sorted(con.execute(f'SELECT * FROM "{n}"').fetchall(), key=repr) for n in names}
    finally:
        con.close()


def snapshot(svc: Services) -> dict[str, list[tuple[Any, ...]]]:
    assert svc.store.path is not None
    return dump(svc.store.path)


def audit_count(svc: Services) -> int:
    assert svc.store.path is not None
    con = sqlite3.connect(svc.store.path)
    try:
        return int(con.execute("SELECT count(*) FROM audit_log").fetchone()[0])
    finally:
        con.close()


def has_chinese(text: str) -> bool:
    return any("\u4e00" <= ch <= "\u9fff" for ch in text)
