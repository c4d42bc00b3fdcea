"""Which audit entry last wrote each record row (issue 14): the `audit_hash` column.

Every record row carries the hash of the audit entry that last wrote it; `audit verify`
(services/rowcheck.py) checks the row against that entry. Two kinds of entries write rows:

- a *row entry* names one record (`record_id`) and holds its full after-image (services/records.py,
  the administrator's user operations, `init`);
- a *batch entry* (`record_id` NULL) covers many rows through Core inserts or updates and holds,
  per table, the row count and a SHA-256 over the rows (services/bulk.py `bulk_create`, the ledger
  import and its undo), with the rowid range on SQLite.

`backfill` gives the rows of a store written before the column existed (migration 0013) the hash
of the last entry that wrote them, read from the chain.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from sqlalchemy import Connection

# Actions of batch entries (services.bulk.BULK_ACTION, ledger.importer.IMPORT_ACTION / UNDO_ACTION).
BULK_ACTION = "bulk_create"
IMPORT_ACTION = "import_ledger"
UNDO_ACTION = "import_undo"
BATCH_ACTIONS = (BULK_ACTION, IMPORT_ACTION, UNDO_ACTION)
UNDO_REASON = "撤销台账导入："  # the void reason an undo gives its rows starts so (ledger/importer.py)

# Ledger kinds whose import also brings child rows: kind -> (record table, child table, its parent column).
# The same as ledger/rows.py _MODELS (store code does not import the ledger package).
LEDGER_TABLES: dict[str, tuple[str, str | None, str | None]] = {
    "dispute": ("dispute", "dispute_party", "dispute_id"),
    "petition": ("petition", None, None),
    "package": ("case_package", "package_link", "package_id"),
    "activity": ("activity", "activity_participant", "activity_id"),
}

# Every table with the column (Record tables and users), as migration 0013 added it.
ROW_TABLES = (
    "township", "village", "grid", "grid_worker", "department", "leader", "mediation_committee", "mediator",
    "petition", "workflow_event", "dispute", "dispute_party", "dispute_visit", "case_package", "package_link",
    "package_progress", "volunteer_team", "volunteer", "team_member", "activity", "activity_participant",
    "dispatch_item", "report_sheet", "app_user",
)


# Rows that keep the column empty: workflow events are written with their record's entry, not
# audited one by one (and they are the most numerous rows: 64 bytes each would add up).
UNSTAMPED = frozenset({"workflow_event"})


def is_row_image(record_id: str | None, after: str | None) -> bool:
    """Whether an entry's after-image is the row it names (not a note such as a document number).

    Canonical JSON writes the row's own id as `"id":"<uuid>"`; a reference column such as
    `"petition_id":"<uuid>"` never matches, since the quote must come right before `id`."""
    return bool(record_id and after and f'"id":{json.dumps(record_id)}' in after)


def batch_parts(action: str, after: dict[str, Any]) -> dict[str, dict[str, Any]] | None:
    """Per table {count, sha256, rowids} of a batch entry; None for an entry that recorded no
    digests (a ledger import undone before migration 0013)."""
    if action == BULK_ACTION:
        return {after["table"]: {"count": after.get("count"), "sha256": after.get("sha256"),
                                 "rowids": after.get("rowids")}}
    counts, digests = after.get("counts"), after.get("sha256")
    if not isinstance(counts, dict) or not isinstance(digests, dict):
        return None
    rowids = after.get("rowids") if isinstance(after.get("rowids"), dict) else {}
    return {t: {"count": n, "sha256": digests.get(t), "rowids": rowids.get(t)} for t, n in counts.items()}


def _ids_of_import(conn: Connection, batch_id: str) -> list[str]:
    return [r[0] for r in conn.exec_driver_sql(
        "SELECT record_id FROM import_source WHERE batch_id = ?", (batch_id,))]


def _set_by_ids(conn: Connection, table: str, column: str, ids: list[str], digest: str,
                extra: str = "") -> None:
    for i in range(0, len(ids), 500):
        part = ids[i:i + 500]
        marks = ", ".join("?" for _ in part)
        conn.exec_driver_sql(f"UPDATE {table} SET audit_hash = ? WHERE {column} IN ({marks}){extra}", (digest, *part))


def backfill(conn: Connection) -> None:
    """Set `audit_hash` of every row some audit entry wrote, from the chain. SQLite only: a township
    store is always SQLite; a county hub's rows come from bundles and have no entries of their own."""
    if conn.dialect.name != "sqlite":
        return
    tables = set(ROW_TABLES) - UNSTAMPED
    last: dict[str, tuple[int, str]] = {}  # record id -> (seq, hash) of its last row entry
    undone: dict[str, int] = {}  # record id -> seq of the undo entry that voided it
    batches: list[tuple[int, str, str, str]] = []
    rows = conn.exec_driver_sql("SELECT seq, hash, action, record_id, after FROM audit_log ORDER BY seq")
    for seq, digest, action, record_id, after in rows:
        if record_id is not None:
            if is_row_image(record_id, after):
                last[record_id] = (seq, digest)
        elif action in BATCH_ACTIONS and after:
            batches.append((seq, digest, action, after))
    for seq, digest, action, text in batches:
        after = json.loads(text)
        if action == BULK_ACTION:
            table, rowids = after.get("table"), after.get("rowids")
            if table in tables and rowids:
                conn.exec_driver_sql(f"UPDATE {table} SET audit_hash = ? WHERE rowid BETWEEN ? AND ?",
                                     (digest, rowids[0], rowids[1]))
            continue
        batch_id = after.get("batch_id")
        kind = LEDGER_TABLES.get(_batch_kind(conn, batch_id) or "")
        if kind is None:
            continue
        table, child, parent = kind
        ids = _ids_of_import(conn, batch_id)
        if action == IMPORT_ACTION:
            _set_by_ids(conn, table, "id", ids, digest)
            if child and parent:
                _set_by_ids(conn, child, parent, ids, digest)
        else:  # the undo voided those of them still live, and their child rows
            # Rows voided one by one before the undo kept their own reason and entry.
            voided = [r for r in ids if r not in last or last[r][0] < seq]
            by_undo = f" AND voided AND void_reason LIKE '{UNDO_REASON}%'"
            _set_by_ids(conn, table, "id", voided, digest, by_undo)
            if child and parent:
                _set_by_ids(conn, child, parent, voided, digest, by_undo)
            undone.update((r, seq) for r in voided)
    by_table = _tables_of(conn, [r for r in last if undone.get(r, 0) < last[r][0]], tables)
    for table, ids in by_table.items():
        conn.exec_driver_sql(f"UPDATE {table} SET audit_hash = ? WHERE id = ?", [(last[r][1], r) for r in ids])


def _batch_kind(conn: Connection, batch_id: Any) -> str | None:
    if not isinstance(batch_id, str):
        return None
    row = conn.exec_driver_sql("SELECT kind FROM import_batch WHERE id = ?", (batch_id,)).first()
    return str(row[0]) if row else None


def _tables_of(conn: Connection, ids: Iterable[str], tables: set[str]) -> dict[str, list[str]]:
    """The table each record id lives in (ids are UUIDs: at most one table holds each)."""
    wanted = list(ids)
    out: dict[str, list[str]] = {}
    for table in sorted(tables):
        found: list[str] = []
        for i in range(0, len(wanted), 500):
            part = wanted[i:i + 500]
            marks = ", ".join("?" for _ in part)
            found += [r[0] for r in conn.exec_driver_sql(f"SELECT id FROM {table} WHERE id IN ({marks})", tuple(part))]
        if found:
            out[table] = found
    return out
