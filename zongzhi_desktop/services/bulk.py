"""Bulk inserts: many rows of one table through SQLAlchemy Core, audited per batch.

Used by the demo generator, importers and benchmarks. Rows never become ORM objects: each batch
is one compiled Core `insert()` executed with the DB-API's executemany inside one transaction,
together with ONE audit entry (action ``bulk_create``) whose ``after`` carries the row count and
a SHA-256 over the canonical JSON of the inserted rows, so the hash chain covers every row.

Rows are plain dicts of Python values (date, datetime, bool…), keyed by column name; absent
columns get the model's defaults (new UUID, revision 1, timestamps now…). They are converted to
the driver's values once, by a per-table function built from the column types, and that same
converted form is what the batch hash covers (on SQLite: exactly what is stored, so a batch can
be re-hashed from the table later — see `verify_batch`). The store-local column `audit_hash` is not
part of the converted rows or of the hash: every inserted row gets the batch entry's hash there
(the entry is written first, with the rowid range the rows are about to take).

`drop_indexes` / `restore_indexes` (SQLite; `deferred_indexes` wraps both) drop a table's
secondary indexes and triggers for a load into empty tables and rebuild them afterwards,
including the full-text search rows the triggers would have written row by row. Works on
PostgreSQL too (no index juggling there; psycopg takes the Python values as they are).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

import sqlalchemy as sa
from pydantic_core import PydanticUndefined
from sqlalchemy import insert
from sqlmodel import Session, SQLModel

from ..domain import models as m
from ..store import audit
from ..store.rowhash import UNSTAMPED
from ..store.serialize import LOCAL_COLUMNS, ROW_HASH, canonical_json, content_columns
from .kinds import kind_of_model

DEFAULT_BATCH = 20_000
BULK_ACTION = "bulk_create"

RowConverter = Callable[[Mapping[str, Any]], tuple[Any, ...]]


@dataclass
class BulkResult:
    """What one `insert_rows` call stored."""

    table: str
    count: int = 0
    audit_seqs: list[int] = field(default_factory=list)


# -- value conversion -------------------------------------------------------------------------

class _Memo(dict):  # type: ignore[type-arg]
    """value -> driver value, computed on first sight. Lookups are plain dict subscripts (C speed);
    dates and timestamps repeat a lot in bulk data. Bounded: cleared when it grows large."""

    def __init__(self, convert: Callable[[Any], Any]) -> None:
        super().__init__()
        self.convert = convert

    def __missing__(self, value: Any) -> Any:
        out = None if value is None else self.convert(value)
        if len(self) >= 500_000:
            self.clear()
        self[value] = out
        return out


def _utc_text(v: datetime) -> str:
    # The text SQLAlchemy's SQLite DATETIME stores: naive UTC with microseconds.
    if v.utcoffset() is None:
        raise ValueError("Datetime values must have timezone information")
    return v.astimezone(UTC).isoformat(" ", "microseconds")[:26]


def _aware(v: datetime) -> datetime:
    if v.utcoffset() is None:
        raise ValueError("Datetime values must have timezone information")
    return v


_SQLITE_DATE = _Memo(date.isoformat)
_SQLITE_DATETIME = _Memo(_utc_text)
_SQLITE_BOOL = {True: 1, False: 0, None: None}  # 1 and 0 hash like True and False
_AWARE = _Memo(_aware)


def _converter_for(column: sa.Column[Any], dialect: str) -> Mapping[Any, Any] | None:
    """A mapping from Python value to driver value for the column, or None if passed as is."""
    t = column.type
    impl = getattr(t, "impl", t)  # TypeDecorator (UTCDateTime) -> its DateTime
    if isinstance(impl, sa.DateTime):
        return _SQLITE_DATETIME if dialect == "sqlite" else _AWARE
    if dialect != "sqlite":
        return None  # psycopg adapts date, bool and numbers itself
    if isinstance(impl, sa.Date):
        return _SQLITE_DATE
    if isinstance(impl, sa.Boolean):
        return _SQLITE_BOOL
    return None


_CONVERTERS: dict[tuple[str, str], tuple[list[str], RowConverter]] = {}


def row_converter(model: type[SQLModel], dialect: str) -> tuple[list[str], RowConverter]:
    """(column names, function turning a row dict into the driver's tuple) for a table.

    The function is generated once per table and dialect: one expression per column with the
    model's default for an absent key and the type conversion the dialect needs. The store-local
    columns (`audit_hash`) are left out: the insert sets them.
    """
    table: sa.Table = model.__table__  # type: ignore[attr-defined]
    key = (table.name, dialect)
    if key in _CONVERTERS:
        return _CONVERTERS[key]
    env: dict[str, Any] = {}
    exprs: list[str] = []  # tolerant: absent keys get the model default
    direct: list[str] = []  # fast path: every column present (generated rows)
    content = content_columns(table)
    columns = [c.name for c in content]
    full = len(columns) + sum(1 for c in table.columns if c.name in LOCAL_COLUMNS)
    for i, column in enumerate(content):
        name = repr(column.name)
        info = model.model_fields.get(column.name)  # type: ignore[attr-defined]
        if info is not None and info.default_factory is not None:
            env[f"f{i}"] = info.default_factory
            get = f"(r[{name}] if {name} in r else f{i}())"
        elif info is not None and info.default is not PydanticUndefined and info.default is not None:
            env[f"d{i}"] = info.default
            get = f"r.get({name}, d{i})"
        else:
            get = f"r.get({name})"
        plain = f"r[{name}]"
        conv = _converter_for(column, dialect)
        if conv is not None:
            env[f"c{i}"] = conv
            get, plain = f"c{i}[{get}]", f"c{i}[{plain}]"
        exprs.append(get)
        direct.append(plain)
    source = (
        f"def convert(r):\n"
        f"    if len(r) in ({len(columns)}, {full}):\n"
        f"        try:\n"
        f"            return ({', '.join(direct)},)\n"
        f"        except KeyError:\n"
        f"            pass\n"
        f"    return ({', '.join(exprs)},)\n"
    )
    exec(compile(source, f"<bulk converter {table.name}>", "exec"), env)  # generated from column metadata only
    result = (columns, env["convert"])
    _CONVERTERS[key] = result
    return result


def batch_digest(table: str, columns: Sequence[str], rows: Sequence[Sequence[Any]]) -> str:
    """SHA-256 over the canonical JSON of a batch: table name, column names and row values."""
    payload = canonical_json({"table": table, "columns": list(columns), "rows": rows})
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


# -- inserting --------------------------------------------------------------------------------

def audit_kind(model: type[SQLModel]) -> str:
    table: str = model.__tablename__  # type: ignore[attr-defined, assignment]
    if issubclass(model, m.Record):
        return kind_of_model(model) or table
    return table


def _chunks(rows: Iterable[Mapping[str, Any]], size: int) -> Iterator[list[Mapping[str, Any]]]:
    chunk: list[Mapping[str, Any]] = []
    for row in rows:
        chunk.append(row)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def convert_rows(model: type[SQLModel], dialect: str, rows: Iterable[Mapping[str, Any]]) -> list[tuple[Any, ...]]:
    """Row dicts as the driver's tuples in column order (see `row_converter`)."""
    _columns, convert = row_converter(model, dialect)
    return [convert(r) for r in rows]


def insert_batch(session: Session, model: type[SQLModel], rows: Sequence[Mapping[str, Any]], *,
                 username: str) -> int:
    """Insert one batch and its audit entry in the session's current transaction; returns the
    audit entry's seq. The caller owns the transaction (commit makes rows and entry durable together)."""
    tuples = convert_rows(model, session.connection().dialect.name, rows)
    return insert_converted(session, model, tuples, username=username)


def insert_converted(session: Session, model: type[SQLModel], tuples: Sequence[tuple[Any, ...]], *,
                     username: str) -> int:
    """`insert_batch` for rows already converted by `convert_rows` (e.g. in another process)."""
    conn = session.connection()
    table: sa.Table = model.__table__  # type: ignore[attr-defined]
    columns = [c.name for c in content_columns(table)]
    after: dict[str, Any] = {
        "table": table.name,
        "count": len(tuples),
        "sha256": batch_digest(table.name, columns, tuples),
    }
    if "id" in columns:
        idx = columns.index("id")
        after["first_id"], after["last_id"] = tuples[0][idx], tuples[-1][idx]
    rowids = next_rowids(conn, table.name, len(tuples))
    if rowids is not None:
        # Rows of one batch occupy a contiguous rowid range (the write lock is held), which lets
        # verify_batch and `audit verify` re-hash them from the table.
        after["rowids"] = list(rowids)
    entry = audit.append(session, username=username, action=BULK_ACTION, record_kind=audit_kind(model),
                         record_id=None, before=None, after=after)
    execute_insert(conn, table, columns, tuples, entry.hash)
    check_rowids(conn, table.name, rowids)
    return entry.seq


def next_rowids(conn: sa.Connection, table: str, count: int) -> tuple[int, int] | None:
    """SQLite: the rowid range the next `count` rows inserted into `table` will take (each new row
    gets max(rowid) + 1); None elsewhere. Call with the write lock held (inside a write transaction)."""
    if conn.dialect.name != "sqlite" or not count:
        return None
    before = conn.exec_driver_sql(f"SELECT max(rowid) FROM {table}").scalar() or 0
    return before + 1, before + count


def check_rowids(conn: sa.Connection, table: str, rowids: tuple[int, int] | None) -> None:
    """The rows just inserted took exactly the predicted range (else the transaction must not commit)."""
    if rowids is None:
        return
    last = conn.exec_driver_sql(f"SELECT max(rowid) FROM {table}").scalar()
    if last != rowids[1]:
        raise RuntimeError(f"rows of {table} did not take rowids {rowids[0]}..{rowids[1]} (max is {last})")


def execute_insert(conn: sa.Connection, table: sa.Table, columns: Sequence[str], tuples: Sequence[tuple[Any, ...]],
                   row_hash: str | None) -> None:
    """Core executemany of converted tuples (in `columns` order); `row_hash` goes into every row's
    `audit_hash` when the table has that column (not workflow events: store/rowhash.py UNSTAMPED)."""
    if not tuples:
        return
    from ..store.derived import extend_tuples

    columns, tuples = extend_tuples(table.name, list(columns), list(tuples))
    if row_hash is not None and ROW_HASH in table.c and table.name not in UNSTAMPED:
        columns = [*columns, ROW_HASH]
        extra = (row_hash,)
        tuples = [t + extra for t in tuples]
    dialect = conn.dialect
    compiled = insert(table).compile(dialect=dialect, column_keys=list(columns))
    if dialect.positional:
        order = [columns.index(k) for k in compiled.positiontup or columns]
        params: Sequence[Any] = tuples if order == list(range(len(columns))) else [tuple(t[i] for i in order) for t in tuples]
    else:
        params = [dict(zip(columns, t, strict=True)) for t in tuples]
    conn.exec_driver_sql(compiled.string, params)  # type: ignore[arg-type]


def marked_digest(conn: sa.Connection, table: sa.Table, marker: str) -> tuple[int, str]:
    """(count, batch digest) of the rows whose `audit_hash` is `marker`, as stored, in rowid order
    (SQLite; elsewhere in id order): how a batch update hashes the rows it wrote before its entry
    exists."""
    columns = [c.name for c in content_columns(table)]
    order = "rowid" if conn.dialect.name == "sqlite" else "id"
    rows = conn.execute(sa.text(f"SELECT {', '.join(columns)} FROM {table.name} WHERE audit_hash = :m ORDER BY {order}"),
                        {"m": marker}).all()
    return len(rows), batch_digest(table.name, columns, [tuple(r) for r in rows])


def insert_rows(session: Session, model: type[SQLModel], rows: Iterable[Mapping[str, Any]], *,
                username: str, batch_size: int = DEFAULT_BATCH) -> BulkResult:
    """Insert rows in batches, each batch one transaction with one ``bulk_create`` audit entry.

    Never adds ORM objects: rows go through a compiled Core insert with executemany.
    """
    if session.in_transaction():
        session.commit()  # batches are our own transactions
    result = BulkResult(model.__tablename__)  # type: ignore[arg-type]
    for chunk in _chunks(rows, batch_size):
        with session.begin():
            result.audit_seqs.append(insert_batch(session, model, chunk, username=username))
        result.count += len(chunk)
    return result


def verify_batch(session: Session, seq: int) -> bool:
    """Re-hash the rows of a SQLite ``bulk_create`` entry from the table (true when unchanged since)."""
    entry = session.get(m.AuditEntry, seq)
    if entry is None or entry.action != BULK_ACTION or not entry.after:
        raise LookupError(f"audit entry {seq} is not a bulk insert")
    after = json.loads(entry.after)
    table = SQLModel.metadata.tables[after["table"]]
    columns = [c.name for c in content_columns(table)]
    first, last = after["rowids"]
    rows = session.connection().exec_driver_sql(
        f"SELECT {', '.join(columns)} FROM {table.name} WHERE rowid BETWEEN ? AND ? ORDER BY rowid", (first, last)
    ).all()
    return batch_digest(table.name, columns, [tuple(r) for r in rows]) == after["sha256"]


# -- deferring indexes and triggers for a load into empty tables -----------------------------

@dataclass
class Deferred:
    """Index and trigger DDL dropped by `drop_indexes`, per table, until `restore_indexes`."""

    objects: dict[str, list[tuple[str, str, str]]] = field(default_factory=dict)  # table -> (type, name, sql)

    def pending(self) -> list[str]:
        return sorted(self.objects)


def drop_indexes(session: Session, tables: Iterable[str]) -> Deferred:
    """SQLite: drop the secondary indexes and triggers of `tables` (saved for `restore_indexes`).

    Building an index once over sorted data is much faster than updating it row by row, and the
    search triggers would re-tokenize a dispute's whole search row for every party inserted.
    Meant for loads into empty tables (the demo); other dialects drop nothing.
    """
    if session.in_transaction():
        session.commit()
    deferred = Deferred()
    if session.get_bind().dialect.name != "sqlite":
        return deferred
    names = sorted(set(tables))
    marks = ", ".join("?" for _ in names)
    with session.begin():
        conn = session.connection()
        saved = conn.exec_driver_sql(
            f"SELECT type, name, tbl_name, sql FROM sqlite_master WHERE type IN ('index', 'trigger') "
            f"AND sql IS NOT NULL AND tbl_name IN ({marks}) ORDER BY type, name", tuple(names)
        ).all()
        for typ, name, table, sql in saved:
            conn.exec_driver_sql(f'DROP {typ.upper()} "{name}"')
            deferred.objects.setdefault(table, []).append((typ, name, sql))
    return deferred


def restore_indexes(session: Session, deferred: Deferred, tables: Iterable[str] | None = None) -> None:
    """Recreate what `drop_indexes` dropped for `tables` (default: everything still pending) in
    one transaction, and refill the search tables those triggers feed from the stored rows."""
    from ..store import search_index

    chosen = deferred.pending() if tables is None else [t for t in tables if t in deferred.objects]
    if not chosen:
        return
    if session.in_transaction():
        session.commit()
    with session.begin():
        conn = session.connection()
        # Objects already back (a restore that another connection finished) are left alone.
        present = {name for (name,) in conn.exec_driver_sql("SELECT name FROM sqlite_master")}
        objects = [obj for t in chosen for obj in deferred.objects[t] if obj[1] not in present]

        def execute(sql: str) -> None:
            conn.exec_driver_sql(sql)

        for typ, _name, sql in objects:
            if typ == "index":
                execute(sql)
        known = set(search_index.triggers())
        # repair() recreates the search triggers and refills the search tables they feed.
        search_index.repair(execute, [name for typ, name, _sql in objects if typ == "trigger" and name in known])
        for typ, name, sql in objects:
            if typ == "trigger" and name not in known:
                execute(sql)
    for t in chosen:
        del deferred.objects[t]


@contextmanager
def deferred_indexes(session: Session, tables: Iterable[str]) -> Iterator[Deferred]:
    """`drop_indexes` on entry, `restore_indexes` for whatever is still pending on exit."""
    deferred = drop_indexes(session, tables)
    try:
        yield deferred
    finally:
        if session.in_transaction():
            session.rollback()
        restore_indexes(session, deferred)
