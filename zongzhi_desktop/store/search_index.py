"""Search tables and list indexes for the record lists (SQLite only).

One FTS5 table per record kind (`<table>_fts`) with three columns: `name` (people's names),
`ident` (ID numbers and phone numbers) and `content` (titles, requests, descriptions). Its rowid
is the base row's rowid. Triggers on the base table (and, for disputes, on the party table whose
names and numbers belong to the dispute) keep it in step. The trigram tokenizer matches any
substring of three or more characters, which is what Chinese names and text need (no word
segmentation).

The `ixl_*` partial indexes (WHERE voided = 0) give every sortable list column an index, so
ORDER BY … LIMIT/OFFSET and counts run on an index instead of the table rows.

Alembic batch migrations recreate a table (dropping its triggers and renumbering rowids), so
`missing_objects` lets the app notice and `rebuild` puts everything back.
"""

from __future__ import annotations

from collections.abc import Callable

NL = "char(10)"


def _join(*exprs: str) -> str:
    """Concatenate nullable text expressions with newlines (NULLs become empty)."""
    return f" || {NL} || ".join(f"coalesce({e}, '')" for e in exprs)


_PARTY_NAMES = "(SELECT group_concat(p.name, char(10)) FROM dispute_party p WHERE p.dispute_id = r.id AND p.voided = 0)"
_PARTY_IDENTS = ("(SELECT group_concat(coalesce(p.id_number, '') || char(10) || coalesce(p.phone, ''), char(10)) "
                 "FROM dispute_party p WHERE p.dispute_id = r.id AND p.voided = 0)")

# table -> (name, ident, content) SQL expressions over the base row alias `r`.
SOURCES: dict[str, tuple[str, str, str]] = {
    "petition": (_join("r.petitioner_name", "r.representatives"), _join("r.id_number", "r.phone"),
                 _join("r.request", "r.facts", "r.reasons", "r.address")),
    "dispute": (_PARTY_NAMES, _PARTY_IDENTS, _join("r.title", "r.description")),
    "case_package": (_join("r.staff", "(SELECT l.name FROM leader l WHERE l.id = r.leader_id)"), "''",
                     _join("r.title", "r.plan")),
    "volunteer_team": (_join("r.name", "r.leader_name"), _join("r.phone"), "''"),
    "volunteer": (_join("r.name"), _join("r.id_number", "r.phone"), _join("r.skills")),
    "activity": ("''", "''", _join("r.place", "r.content")),
    "dispatch_item": ("''", "''", _join("r.title", "r.description")),
}

# Base columns whose change refreshes the search row.
WATCHED: dict[str, tuple[str, ...]] = {
    "petition": ("petitioner_name", "representatives", "id_number", "phone", "request", "facts", "reasons", "address"),
    "dispute": ("title", "description"),
    "case_package": ("staff", "leader_id", "title", "plan"),
    "volunteer_team": ("name", "leader_name", "phone"),
    "volunteer": ("name", "id_number", "phone", "skills"),
    "activity": ("place", "content"),
    "dispatch_item": ("title", "description"),
}

# table -> column tuples that get a partial index WHERE voided = 0 (sort keys, filter + default sort).
LIST_INDEXES: dict[str, tuple[tuple[str, ...], ...]] = {
    "petition": (("received_date", "status"), ("status", "received_date"), ("serial",), ("petitioner_pinyin",),
                 ("next_deadline",), ("category", "received_date"), ("village_id", "received_date")),
    "dispute": (("found_date", "status"), ("status", "found_date"), ("serial",), ("type", "found_date"),
                ("risk_level", "found_date"), ("next_deadline",), ("village_id", "found_date"),
                ("risk_level", "status"), ("homicide_risk", "status")),
    "case_package": (("start_date", "status"), ("status", "start_date"), ("serial",), ("target_date",),
                     ("next_deadline",)),
    "volunteer_team": (("name",),),
    "volunteer": (("name",),),
    "activity": (("activity_date",), ("serial",)),
    "dispatch_item": (("raised_date", "status"), ("status", "raised_date"), ("serial",), ("next_deadline",)),
}

# Triggers outside the per-table trio (name -> DDL), built below.
Execute = Callable[[str], object]


def fts_table(table: str) -> str:
    return f"{table}_fts"


def index_name(table: str, cols: tuple[str, ...]) -> str:
    return f"ixl_{table}_{'_'.join(cols)}"


def _refresh(table: str, where: str) -> str:
    """Statements replacing the search row(s) of the `table` rows matching `where` (alias r)."""
    name, ident, content = SOURCES[table]
    return (f"DELETE FROM {table}_fts WHERE rowid IN (SELECT r.rowid FROM {table} r WHERE {where}); "
            f"INSERT INTO {table}_fts(rowid, name, ident, content) SELECT r.rowid, {name}, {ident}, {content} "
            f"FROM {table} r WHERE {where};")


def triggers() -> dict[str, str]:
    """Every search trigger by name with its CREATE statement."""
    out: dict[str, str] = {}
    for table in SOURCES:
        out[f"{table}_fts_ai"] = (f"CREATE TRIGGER {table}_fts_ai AFTER INSERT ON {table} BEGIN "
                                  f"{_refresh(table, 'r.rowid = new.rowid')} END")
        out[f"{table}_fts_au"] = (f"CREATE TRIGGER {table}_fts_au AFTER UPDATE OF {', '.join(WATCHED[table])} "
                                  f"ON {table} BEGIN {_refresh(table, 'r.rowid = new.rowid')} END")
        out[f"{table}_fts_ad"] = (f"CREATE TRIGGER {table}_fts_ad AFTER DELETE ON {table} BEGIN "
                                  f"DELETE FROM {table}_fts WHERE rowid = old.rowid; END")
    # A dispute's parties are part of its search row (voiding a party is an UPDATE).
    for event, ref in (("INSERT", "new"), ("UPDATE", "new"), ("DELETE", "old")):
        name = f"dispute_party_fts_{event.lower()[:3]}"
        out[name] = (f"CREATE TRIGGER {name} AFTER {event} ON dispute_party BEGIN "
                     f"{_refresh('dispute', f'r.id = {ref}.dispute_id')} END")
    out["dispute_party_fts_move"] = ("CREATE TRIGGER dispute_party_fts_move AFTER UPDATE OF dispute_id ON dispute_party "
                                     f"BEGIN {_refresh('dispute', 'r.id = old.dispute_id')} END")
    # A renamed leader changes the search rows of the leader's packages.
    out["leader_fts_au"] = ("CREATE TRIGGER leader_fts_au AFTER UPDATE OF name ON leader BEGIN "
                            f"{_refresh('case_package', 'r.leader_id = new.id')} END")
    return out


def create_all(execute: Execute, has_columns: Callable[[str, tuple[str, ...]], bool] = lambda _t, _c: True) -> None:
    """Create the FTS tables (filled from existing rows), their triggers and the list indexes (those
    whose columns the schema has: `has_columns`, for a migration that runs before a column exists)."""
    for table, (name, ident, content) in SOURCES.items():
        execute(f"CREATE VIRTUAL TABLE IF NOT EXISTS {table}_fts USING fts5(name, ident, content, tokenize='trigram')")
        execute(f"DELETE FROM {table}_fts")
        execute(f"INSERT INTO {table}_fts(rowid, name, ident, content) "
                f"SELECT r.rowid, {name}, {ident}, {content} FROM {table} r")
    for name, ddl in triggers().items():
        execute(f"DROP TRIGGER IF EXISTS {name}")
        execute(ddl)
    for table, indexes in LIST_INDEXES.items():
        for cols in indexes:
            if has_columns(table, cols):
                execute(f"CREATE INDEX IF NOT EXISTS {index_name(table, cols)} ON {table} ({', '.join(cols)}) "
                        "WHERE voided = 0")


def repair(execute: Execute, missing: list[str]) -> None:
    """Create the missing objects named by `missing_objects`; refill a search table only if it or
    one of its triggers was missing (its rows may be stale or its rowids renumbered)."""
    gone = set(missing)
    if not gone:
        return
    trig = triggers()
    stale = {t for t in SOURCES if f"{t}_fts" in gone or any(n in gone and n.startswith(f"{t}_fts_") for n in trig)}
    if gone & {"dispute_party_fts_ins", "dispute_party_fts_upd", "dispute_party_fts_del", "dispute_party_fts_move"}:
        stale.add("dispute")
    if "leader_fts_au" in gone:
        stale.add("case_package")
    for table in sorted(stale):
        name, ident, content = SOURCES[table]
        execute(f"CREATE VIRTUAL TABLE IF NOT EXISTS {table}_fts USING fts5(name, ident, content, tokenize='trigram')")
        execute(f"DELETE FROM {table}_fts")
        execute(f"INSERT INTO {table}_fts(rowid, name, ident, content) "
                f"SELECT r.rowid, {name}, {ident}, {content} FROM {table} r")
    for name, ddl in trig.items():
        if name in gone:
            execute(f"DROP TRIGGER IF EXISTS {name}")
            execute(ddl)
    for table, indexes in LIST_INDEXES.items():
        for cols in indexes:
            if index_name(table, cols) in gone:
                execute(f"CREATE INDEX IF NOT EXISTS {index_name(table, cols)} ON {table} ({', '.join(cols)}) "
                        "WHERE voided = 0")


def drop_all(execute: Execute) -> None:
    for table, indexes in LIST_INDEXES.items():
        for cols in indexes:
            execute(f"DROP INDEX IF EXISTS {index_name(table, cols)}")
    for name in triggers():
        execute(f"DROP TRIGGER IF EXISTS {name}")
    for table in SOURCES:
        execute(f"DROP TABLE IF EXISTS {table}_fts")


def expected_objects() -> dict[str, str]:
    """name -> sqlite_master type of every object this module creates."""
    out = {fts_table(t): "table" for t in SOURCES}
    out.update({name: "trigger" for name in triggers()})
    out.update({index_name(t, c): "index" for t, idx in LIST_INDEXES.items() for c in idx})
    return out


def missing_objects(rows: list[tuple[str, str]]) -> list[str]:
    """Names of expected objects absent from `rows` = SELECT type, name FROM sqlite_master."""
    present = {(typ, name) for typ, name in rows}
    return sorted(name for name, typ in expected_objects().items() if (typ, name) not in present)
