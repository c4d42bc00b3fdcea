"""Keep the full-text search tables right during a bulk import, fast (SQLite county stores).

The search triggers of migration 0004 re-tokenize a record's search row once per inserted or
updated row (and a dispute's whole row once per party). For an import of 100,000 rows that was
most of the time. Inside the import transaction this class drops the triggers it knows how to
stand in for, notes which records were written, refreshes exactly their search rows with one
set-based statement per table at the end, and recreates the triggers — all in the same
transaction, so readers never see a moment without them and a rollback restores everything.
Triggers it does not know stay in place (correct, only slower). PostgreSQL: nothing to do.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from sqlalchemy import Connection

IN_BATCH = 500

# Cross-table search triggers: trigger name -> (written table, its column naming the record whose
# search row changes, that record's table). Per-table triggers <table>_fts_ai/_au are derived.
CROSS = {
    "dispute_party_fts_ins": ("dispute_party", "dispute_id", "dispute"),
    "dispute_party_fts_upd": ("dispute_party", "dispute_id", "dispute"),
    "dispute_party_fts_move": ("dispute_party", "dispute_id", "dispute"),
    "leader_fts_au": ("leader", None, "case_package"),  # packages whose leader_id is the leader
}


class SearchRefresh:
    def __init__(self, conn: Connection) -> None:
        self.conn = conn
        self.saved: list[tuple[str, str]] = []
        self.sources: dict[str, tuple[str, str, str]] = {}
        self.ids: dict[str, set[str]] = defaultdict(set)
        self.leaders: set[str] = set()
        self.watch: dict[str, tuple[str | None, str]] = {}  # written table -> (column, refreshed table)
        if conn.dialect.name != "sqlite":
            return
        from ..store.search_index import SOURCES

        handled = {f"{t}_fts_{s}": t for t in SOURCES for s in ("ai", "au")}
        handled.update({name: spec[0] for name, spec in CROSS.items()})
        present = conn.exec_driver_sql("SELECT name, sql FROM sqlite_master WHERE type = 'trigger'").all()
        self.saved = [(name, sql) for name, sql in present if name in handled and sql]
        if not self.saved:
            return
        self.sources = dict(SOURCES)
        dropped = {name for name, _ in self.saved}
        self.own = {handled[n] for n in dropped if n not in CROSS}  # tables whose own rows to refresh
        for name in dropped & set(CROSS):
            table, column, target = CROSS[name]
            self.watch[table] = (column, target)
        for name, _sql in self.saved:
            conn.exec_driver_sql(f'DROP TRIGGER "{name}"')

    @property
    def active(self) -> bool:
        return bool(self.saved)

    def before_update(self, table: str, ids: list[str]) -> None:
        """An update may move a child to another parent: the old parent's search row changes too."""
        spec = self.watch.get(table)
        if not self.active or spec is None or spec[0] is None:
            return
        column, target = spec
        for i in range(0, len(ids), IN_BATCH):
            part = ids[i:i + IN_BATCH]
            marks = ",".join("?" * len(part))
            for (parent,) in self.conn.exec_driver_sql(
                    f'SELECT "{column}" FROM "{table}" WHERE id IN ({marks})', tuple(part)):
                if parent is not None:
                    self.ids[target].add(parent)

    def written(self, table: str, rows: list[dict[str, Any]]) -> None:
        if not self.active:
            return
        if table in self.own:
            self.ids[table].update(r["id"] for r in rows)
        spec = self.watch.get(table)
        if spec is not None:
            column, target = spec
            if column is None:
                self.leaders.update(r["id"] for r in rows)
            else:
                self.ids[target].update(r[column] for r in rows if r[column] is not None)

    def finish(self) -> None:
        """Refresh the noted search rows, then put the triggers back (same transaction)."""
        if not self.active:
            return
        conn = self.conn
        if self.leaders:
            leaders = list(self.leaders)
            for i in range(0, len(leaders), IN_BATCH):
                part = leaders[i:i + IN_BATCH]
                rows = conn.exec_driver_sql(
                    f"SELECT id FROM case_package WHERE leader_id IN ({','.join('?' * len(part))})", tuple(part))
                self.ids["case_package"].update(r[0] for r in rows)
        for table, ids in self.ids.items():
            if table not in self.sources:
                continue
            name, ident, content = self.sources[table]
            id_list = sorted(ids)
            for i in range(0, len(id_list), IN_BATCH):
                part = tuple(id_list[i:i + IN_BATCH])
                marks = ",".join("?" * len(part))
                conn.exec_driver_sql(f"DELETE FROM {table}_fts WHERE rowid IN "
                                     f"(SELECT rowid FROM {table} WHERE id IN ({marks}))", part)
                conn.exec_driver_sql(f"INSERT INTO {table}_fts(rowid, name, ident, content) "
                                     f"SELECT r.rowid, {name}, {ident}, {content} FROM {table} r "
                                     f"WHERE r.id IN ({marks})", part)
        for _name, sql in self.saved:
            conn.exec_driver_sql(sql)
        self.saved = []
