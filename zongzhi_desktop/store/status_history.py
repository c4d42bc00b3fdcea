"""The `status_span` table: every record's status and deadline over time, kept in step with its events.

Why a table and not a replay at report time: a stock figure "as at A" is then one indexed,
period-bounded query (spans covering A) that the database can count and group, whatever the
size of the store, instead of replaying every record's events for every sheet. The spans are
derived data: `rebuild` recomputes a record's spans from its workflow events (domain/history.py)
and is called in the same transaction as every write that adds an event (services), after a
county import for the imported records, after the demo generator, and by migration 0009 for
the existing data. `check` recomputes them all and reports differences (tests, `zongzhi admin`).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping
from datetime import date
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Connection,
    Join,
    MetaData,
    Table,
    and_,
    delete,
    insert,
    select,
)
from sqlalchemy import inspect as sa_inspect
from sqlalchemy.ext.compiler import compiles

from ..domain import history as h
from ..domain import models as m
from ..domain.deadlines import CADENCE_PREFIX, DISPUTE_WINDOW_SETTINGS, DeadlinePolicy, DeadlineRule
from ..domain.workflows import WORKFLOWS

T_SPAN: Table = m.StatusSpan.__table__  # type: ignore[attr-defined]
T_EVENT: Table = m.WorkflowEvent.__table__  # type: ignore[attr-defined]
KIND_TABLES: dict[str, Table] = {
    "petition": m.Petition.__table__,  # type: ignore[attr-defined]
    "dispute": m.Dispute.__table__,  # type: ignore[attr-defined]
    "package": m.CasePackage.__table__,  # type: ignore[attr-defined]
    "dispatch": m.DispatchItem.__table__,  # type: ignore[attr-defined]
}


def _add_registered_kinds() -> None:
    """The record tables of the kinds added through the registry (zongzhi_desktop/kinds)."""
    from ..kinds import parts

    for part in parts("domain"):
        KIND_TABLES[part.NAME] = part.MODEL.__table__


_add_registered_kinds()
TABLE_KINDS: dict[str, str] = {t.name: kind for kind, t in KIND_TABLES.items()}
BATCH = 500


def policy_of(conn: Connection) -> DeadlinePolicy:
    """The store's deadline rule and holiday calendar (as `Services.policy` reads them)."""
    st, ht = m.Setting.__table__, m.Holiday.__table__  # type: ignore[attr-defined]
    rule = conn.execute(select(st.c.value).where(st.c.key == "deadline_rule")).scalar_one_or_none()
    days = conn.execute(select(ht.c.day, ht.c.is_workday)).all()
    windows = dict(conn.execute(select(st.c.key, st.c.value).where(st.c.key.in_(tuple(DISPUTE_WINDOW_SETTINGS)))).all())
    cadences = conn.execute(select(st.c.key, st.c.value).where(st.c.key.startswith(CADENCE_PREFIX))
                            .order_by(st.c.key)).all()
    return DeadlinePolicy(rule=DeadlineRule(rule) if rule else DeadlineRule.CALENDAR,
                          holidays=frozenset(d for d, w in days if not w),
                          workdays=frozenset(d for d, w in days if w),
                          **DeadlinePolicy.windows_from_settings(windows),
                          cadences=tuple((k[len(CADENCE_PREFIX):], v) for k, v in cadences))


def _chunks(ids: list[str]) -> Iterator[list[str]]:
    for i in range(0, len(ids), BATCH):
        yield ids[i:i + BATCH]


def _reflected(conn: Connection) -> dict[str, Table]:
    """The tables as the database has them now (a migration runs before later model changes)."""
    md = MetaData()
    names = {**{k: t.name for k, t in KIND_TABLES.items()}, "event": "workflow_event"}
    present = set(sa_inspect(conn).get_table_names())  # a kind added by a later migration is not there yet
    return {k: Table(name, md, autoload_with=conn) for k, name in names.items() if name in present}


def compute(conn: Connection, kind: str, ids: Iterable[str], policy: DeadlinePolicy,
            tables: dict[str, Table] | None = None) -> list[dict[str, Any]]:
    """The span rows of the given records, recomputed from their current rows and events."""
    t = (tables or KIND_TABLES)[kind]
    ev = (tables or {}).get("event", T_EVENT)
    open_states = WORKFLOWS[kind].open_states
    out: list[dict[str, Any]] = []
    for chunk in _chunks(sorted(set(ids))):
        records = {r["id"]: r for r in (dict(x._mapping) for x in conn.execute(select(t).where(t.c.id.in_(chunk))))}
        events: dict[str, list[h.Event]] = defaultdict(list)
        q = (select(ev.c.record_id, ev.c.action, ev.c.event_date, ev.c.data, ev.c.created_at)
             .where(ev.c.record_id.in_(chunk), ev.c.voided.is_(False)))
        for rid, action, day, data, created in conn.execute(q):
            events[rid].append(h.Event(action, day, data, created))
        out.extend(span_rows(kind, records.values(), events, policy, open_states))
    return out


def span_rows(kind: str, records: Iterable[Mapping[str, Any]], events: Mapping[str, Iterable[h.Event]],
              policy: DeadlinePolicy, open_states: frozenset[str] | None = None) -> list[dict[str, Any]]:
    """The span rows of records given as column mappings with their events by record id (a bulk
    writer that holds both in memory need not read them back)."""
    if open_states is None:
        open_states = WORKFLOWS[kind].open_states
    out: list[dict[str, Any]] = []
    for rec in records:
        rid = rec["id"]
        for s in h.replay(kind, rec, events.get(rid, ()), policy, record_label=rec.get("serial") or rid):
            out.append({"record_kind": kind, "record_id": rid, "township_code": rec["township_code"],
                        "start_date": s.start, "end_date": s.end or m.STILL, "status": s.status,
                        "is_open": s.status in open_states, "deadline": s.deadline,
                        "deadline_kind": s.deadline_kind})
    return out


def rebuild(conn: Connection, kind: str, ids: Iterable[str], policy: DeadlinePolicy | None = None) -> int:
    """Replace the spans of the given records (in the caller's transaction); returns rows written."""
    if kind not in KIND_TABLES:
        return 0
    ids = sorted(set(ids))
    if not ids:
        return 0
    rows = compute(conn, kind, ids, policy or policy_of(conn))
    for chunk in _chunks(ids):
        conn.execute(delete(T_SPAN).where(T_SPAN.c.record_id.in_(chunk)))
    if rows:
        conn.execute(insert(T_SPAN), rows)
    return len(rows)


def rebuild_all(conn: Connection, kinds: Iterable[str] = tuple(KIND_TABLES), *, reflect: bool = False) -> int:
    """Recompute the spans of every record of `kinds` (migration backfill with `reflect`, demo runs)."""
    policy = policy_of(conn)
    tables = _reflected(conn) if reflect else None
    n = 0
    for kind in kinds:
        if tables is not None and kind not in tables:
            continue  # its table comes with a later migration
        t = (tables or KIND_TABLES)[kind]
        conn.execute(delete(T_SPAN).where(T_SPAN.c.record_kind == kind))
        ids = [r for (r,) in conn.execute(select(t.c.id))]
        for chunk in _chunks(ids):
            rows = compute(conn, kind, chunk, policy, tables)
            if rows:
                conn.execute(insert(T_SPAN), rows)
            n += len(rows)
    return n


def backfill_missing(conn: Connection) -> int:
    """Replay the spans of every record that has none (migration 0012: records stored by the
    previous release's ledger import). Reflects the tables, so it works on any schema version."""
    policy = policy_of(conn)
    tables = _reflected(conn)
    span = T_SPAN  # its columns are as 0009 made them (later migrations changed only its indexes)
    n = 0
    for kind in KIND_TABLES:
        if kind not in tables:
            continue  # its table comes with a later migration
        t = tables[kind]
        missing = [r for (r,) in conn.execute(
            select(t.c.id).where(~select(span.c.id).where(span.c.record_id == t.c.id).exists()))]
        for chunk in _chunks(missing):
            rows = compute(conn, kind, chunk, policy, tables)
            if rows:
                conn.execute(insert(T_SPAN), rows)
            n += len(rows)
    return n


def check(conn: Connection) -> list[str]:
    """Records whose stored spans differ from a fresh replay (empty when all agree)."""
    policy = policy_of(conn)
    cols = ("start_date", "end_date", "status", "is_open", "deadline", "deadline_kind")
    stored: dict[str, list[tuple[Any, ...]]] = defaultdict(list)
    for r in conn.execute(select(T_SPAN.c.record_id, *(T_SPAN.c[c] for c in cols))):
        stored[r[0]].append(tuple(r[1:]))
    bad = []
    for kind, t in KIND_TABLES.items():
        ids = [r for (r,) in conn.execute(select(t.c.id))]
        fresh: dict[str, list[tuple[Any, ...]]] = defaultdict(list)
        for row in compute(conn, kind, ids, policy):
            fresh[row["record_id"]].append(tuple(row[c] for c in cols))
        for rid in ids:
            if sorted(stored.get(rid, []), key=str) != sorted(fresh.get(rid, []), key=str):
                bad.append(f"{kind}:{rid}")
    return bad


class SpanFirst(Join):
    """status_span JOIN a record table, read span first: the spans covering A come from the
    (kind, is_open, end_date) index and each record by its key. SQLite's planner would rather
    walk every record of the township, so on SQLite this renders as CROSS JOIN (which fixes the
    order there); elsewhere it is a plain join."""

    inherit_cache = True


@compiles(SpanFirst, "sqlite")
def _span_first_sqlite(element: SpanFirst, compiler: Any, **kw: Any) -> str:
    kw = {**kw, "asfrom": True}
    return (f"{compiler.process(element.left, **kw)} CROSS JOIN "
            f"{compiler.process(element.right, **kw)} ON {compiler.process(element.onclause, **kw)}")


def span_join(t: Table) -> SpanFirst:
    """FROM status_span joined to the record table `t` on the record's id."""
    return SpanFirst(T_SPAN, t, T_SPAN.c.record_id == t.c.id)


def covering(span: Table, a: date) -> ColumnElement[bool]:
    """The span that covers date `a` (one per record registered by then)."""
    return and_(span.c.end_date > a, span.c.start_date <= a)


def open_on(conn: Connection, kind: str, a: date, townships: Iterable[str] | None = None
            ) -> list[tuple[str, str, date | None, str | None]]:
    """(id, status, deadline, deadline kind) on date `a` of every record of `kind` that was open
    on `a`: registered on or before `a`, not voided, and in an open status on `a`."""
    t = KIND_TABLES[kind]
    reg = t.c[h.REG_DATE[kind]]
    cond = [t.c.voided.is_(False), reg <= a, T_SPAN.c.record_kind == kind, T_SPAN.c.is_open.is_(True),
            covering(T_SPAN, a)]
    if townships is not None:
        cond.append(t.c.township_code.in_(sorted(townships)))
    q = (select(t.c.id, T_SPAN.c.status, T_SPAN.c.deadline, T_SPAN.c.deadline_kind)
         .select_from(span_join(t)).where(*cond))
    return sorted((tuple(r) for r in conn.execute(q)), key=lambda r: r[0])  # type: ignore[misc]
