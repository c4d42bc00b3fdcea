"""Plan a ledger import (read, detect, map, validate, preview) and commit it as one audited batch.

`plan_import` touches nothing; `commit_import` stores every valid row of a plan in ONE
transaction with ONE audit entry (action ``import_ledger``), through SQLAlchemy Core executemany;
`undo_import` voids a batch's records (a reviewer's step, audited). A (file hash, sheet, row)
already imported by a batch that was not undone is skipped, so re-importing a file changes nothing.
"""

from __future__ import annotations

import gc
import hashlib
import json
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from operator import add, itemgetter
from pathlib import Path
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from sqlalchemy import insert, select

from ..domain import history as h
from ..domain import models as m
from ..domain.errors import DomainError, NotFound, TransitionError, ValidationError
from ..domain.roles import Perm
from ..services.bulk import (
    batch_digest,
    check_rowids,
    convert_rows,
    execute_insert,
    marked_digest,
    next_rowids,
)
from ..services.kinds import kind_spec
from ..store import audit, search_index, status_history
from ..store.serialize import content_columns
from .fields import LEDGER_KINDS, field_by_name
from .header import Header, detect_header, is_header_repeat
from .mapping import Mapping, ValueMapper, suggest_columns
from .read import Sheet, file_sha256, read_sheets, sheet_names
from .rows import CHILD_KEYS, CHILD_MODELS, Prepared, RowBuilder, RowError, RowRefused
from .values import cell_text

if TYPE_CHECKING:
    from ..services import Services

IMPORT_ACTION = "import_ledger"
UNDO_ACTION = "import_undo"
SUBTOTAL_WORDS = ("小计", "合计", "总计", "共计")
SKIP_LABELS = {"blank": "空行", "subtotal": "小计/合计行", "header_repeat": "重复的表头行",
               "already_imported": "已导入过（同一文件同一行，或内容相同的行）"}
# Model field names as reported by the form rules → the ledger field whose column holds them.
_FIELD_ALIASES = {
    "petition": {"petitioner_name": "names", "representatives": "names", "decision": "state"},
    "dispute": {"name": "party_names", "id_number": "party_ids", "phone": "party_phones", "outcome": "state"},
    "package": {},
    "activity": {"volunteer_id": "participants"},
}
ProgressFn = Callable[[int, int], None]
PROGRESS_EVERY = 2_000  # rows between progress reports


@dataclass
class SheetPlan:
    name: str
    header: Header | None
    columns: dict[int, str]  # column index → field
    rows_read: int = 0


@dataclass
class UnknownValue:
    field: str
    label: str
    text: str
    count: int


@dataclass
class Plan:
    """Everything an import would do, computed without touching the store."""

    kind: str
    path: Path
    file_sha256: str
    mapping: Mapping
    sheets: list[SheetPlan]
    prepared: list[Prepared] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    skipped: Counter[str] = field(default_factory=Counter)
    unknown: list[UnknownValue] = field(default_factory=list)
    raw_rows: dict[tuple[str, int], list[Any]] = field(default_factory=dict)  # refused rows, for the report

    @property
    def rows_read(self) -> int:
        return sum(s.rows_read for s in self.sheets)

    @property
    def refused_rows(self) -> int:
        return len({(e.sheet, e.row) for e in self.errors})

    def refused_by_rule(self) -> Counter[str]:
        """Refused rows by the rule of their first error."""
        first: dict[tuple[str, int], str] = {}
        for e in self.errors:
            first.setdefault((e.sheet, e.row), e.rule)
        return Counter(first.values())

    def summary(self, imported: int | None = None) -> dict[str, Any]:
        """Rows read, imported (or importable), skipped by reason and refused by rule."""
        return {
            "file": self.path.name, "kind": self.kind, "sheets": [s.name for s in self.sheets if s.header],
            "rows_read": self.rows_read,
            "imported" if imported is not None else "importable": len(self.prepared) if imported is None else imported,
            "skipped": dict(self.skipped), "refused": self.refused_rows, "refused_by_rule": dict(self.refused_by_rule()),
        }


@dataclass
class ImportResult:
    batch_id: str | None
    imported: int
    parties: int
    events: int
    summary: dict[str, Any]


def headers_of(path: Path, kind: str, sheets: list[str] | None) -> list[tuple[str, Header | None]]:
    """Each chosen sheet's detected header (for the wizard's mapping step)."""
    _check_kind(kind)
    return [(s.name, detect_header(s, kind, path.name)) for s in read_sheets(path, sheets)]


def _check_kind(kind: str) -> None:
    if kind not in LEDGER_KINDS:
        valid = "、".join(f"{k}（{v}）" for k, v in LEDGER_KINDS.items())
        raise DomainError(f"不能导入“{kind}”台账，可用：{valid}")


def choose_sheets(path: Path, sheet: str | None) -> list[str] | None:
    """--sheet NAME | all | (absent: the first sheet)."""
    if sheet == "all":
        return None
    if sheet:
        return [sheet]
    names = sheet_names(path)
    return names[:1]


def _is_blank_row(texts: list[str], columns: dict[int, str]) -> bool:
    for c, t in enumerate(texts):
        if t and columns.get(c) != "seq":
            return False
    return True


def _empty(row: list[Any]) -> bool:
    return all(v is None or v == "" or (isinstance(v, str) and not v.strip()) for v in row)


def _is_subtotal(texts: list[str]) -> bool:
    seen = 0
    for t in texts:
        t = t.replace(" ", "")
        if not t:
            continue
        if t.startswith(SUBTOTAL_WORDS):
            return True
        seen += 1
        if seen >= 3:
            return False
    return False


@dataclass
class Done:
    """What batches that were not undone already brought in: this file's (sheet, row), and row contents."""

    rows: set[tuple[str, int]]
    contents: set[str]

    def __contains__(self, key: tuple[str, int, str]) -> bool:
        return (key[0], key[1]) in self.rows or key[2] in self.contents


def _done(services: Services, kind: str, sha: str) -> Done:
    with services.session() as s:
        live = (select(m.ImportSource.sheet, m.ImportSource.row_number, m.ImportSource.content_sha256,
                       m.ImportSource.file_sha256)
                .join(m.ImportBatch, m.ImportBatch.id == m.ImportSource.batch_id)
                .where(m.ImportBatch.undone_at.is_(None), m.ImportSource.record_kind == kind))
        rows = s.execute(live).all()
    return Done({(a, b) for a, b, _c, f in rows if f == sha}, {c for _a, _b, c, _f in rows})


def content_key(kind: str, texts: dict[str, str]) -> str:
    """SHA-256 of a row's mapped cell texts (序号 left out): the same row saved in another file matches."""
    text = "\x1f".join(f"{f}={v}" for f, v in sorted(texts.items()) if f != "seq")
    return hashlib.sha256(f"{kind}\x1e{text}".encode()).hexdigest()


def _content_keyer(kind: str, columns: dict[int, str]) -> Callable[[list[str]], str]:
    """`content_key` for the rows of one sheet, from the row's texts by column: the field order and
    the "field=" prefixes are worked out once (the same key as `content_key`)."""
    order = sorted((f, c) for c, f in columns.items() if f != "seq")
    head = f"{kind}\x1e"
    sha = hashlib.sha256
    prefixes = [f"{f}=" for f, _c in order]
    cols = [c for _f, c in order]
    widest = max(cols, default=-1)
    pick = itemgetter(*cols) if len(cols) > 1 else (lambda texts: (texts[cols[0]],)) if cols else (lambda texts: ())

    def key(texts: list[str]) -> str:
        if len(texts) > widest:  # every mapped column present: joined without a Python-level loop
            text = "\x1f".join(map(add, prefixes, pick(texts)))
        else:
            n = len(texts)
            text = "\x1f".join([p + texts[c] for p, c in zip(prefixes, cols, strict=True) if c < n])
        return sha((head + text).encode()).hexdigest()

    return key


@contextmanager
def gc_paused() -> Iterator[None]:
    """The cyclic garbage collector off while a ledger's rows are built: a 100,000-row ledger makes
    about a million small dicts and lists, none of them in a reference cycle, and every generation-2
    pass would walk all of them again (over a second of CPU). Reference counting still frees them."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def plan_import(services: Services, kind: str, path: str | Path, *, sheets: list[str] | None = None,
                mapping: Mapping | None = None, progress: ProgressFn | None = None) -> Plan:
    """Read, detect, map and validate a ledger; nothing is stored."""
    with gc_paused():
        return _plan_import(services, kind, path, sheets=sheets, mapping=mapping, progress=progress)


def _plan_import(services: Services, kind: str, path: str | Path, *, sheets: list[str] | None,
                 mapping: Mapping | None, progress: ProgressFn | None) -> Plan:
    _check_kind(kind)
    path = Path(path)
    data = read_sheets(path, sheets)
    sha = file_sha256(path)
    headers = [(s, detect_header(s, kind, path.name)) for s in data]
    if not any(h for _s, h in headers):
        raise DomainError(f"在“{path.name}”中找不到{LEDGER_KINDS[kind]}的表头（前30行中没有可识别的列名，如 姓名、日期）")
    if mapping is None:
        mapping = Mapping(kind, suggest_columns(kind, [c for _s, h in headers if h for c in h.columns]))
    spec = kind_spec(kind)
    services.require(spec.perm, f"导入{spec.label}台账")
    with services.session() as session:
        builder = RowBuilder(kind, mapping, codes=services.codes, today=services.today(), policy=services.policy,
                             township_code=services.township.code, username=services.actor.username,
                             resolve_ref=services._resolver(session), check_record=services._check_record)
        plan = Plan(kind, path, sha, mapping, [])
        done = _done(services, kind, sha)
        total = sum(len(s.rows) for s in data)
        seen = 0
        for sheet, header in headers:
            columns = _columns(header, mapping) if header else {}
            sp = SheetPlan(sheet.name, header, columns)
            plan.sheets.append(sp)
            if header is None:
                continue
            def tick(i: int, before: int = seen) -> None:
                if progress and i % PROGRESS_EVERY == 0:
                    progress(before + i, total)

            _plan_sheet(plan, sp, sheet, header, builder, done, tick)
            seen += len(sheet.rows)
            if progress:
                progress(seen, total)
    plan.unknown = _unknown_values(plan, builder)
    return plan


def _columns(header: Header, mapping: Mapping) -> dict[int, str]:
    out: dict[int, str] = {}
    taken: set[str] = set()
    for c, name in enumerate(header.columns):
        target = mapping.field_for(name) if name else None
        if target and (target not in taken or target == "seq"):
            out[c] = target
            taken.add(target)
    return out


def _plan_sheet(plan: Plan, sp: SheetPlan, sheet: Sheet, header: Header, builder: RowBuilder,
                done: Done, tick: Callable[[int], None]) -> None:
    columns = sp.columns
    by_field = {f: c for c, f in columns.items()}
    names = header.columns
    last = len(sheet.rows) - 1
    while last >= header.data_row and _empty(sheet.rows[last]):
        last -= 1
    pairs = list(columns.items())
    widest = max(columns, default=-1)
    keyer = _content_keyer(plan.kind, columns)
    for i in range(header.data_row, last + 1):  # blank rows after the last filled one are not "read"
        tick(i)
        row = sheet.rows[i]
        texts = [cell_text(v) for v in row]  # once per row: the checks below all look at the text
        number = i + 1
        sp.rows_read += 1
        if _is_subtotal(texts):
            plan.skipped["subtotal"] += 1
            continue
        if _is_blank_row(texts, columns):
            plan.skipped["blank"] += 1
            continue
        if is_header_repeat(texts, header):
            plan.skipped["header_repeat"] += 1
            continue
        if len(row) > widest:
            cells = {f: row[c] for c, f in pairs}
            cell_texts = {f: texts[c] for c, f in pairs}
        else:
            cells = {f: row[c] for c, f in pairs if c < len(row)}
            cell_texts = {f: texts[c] for c, f in pairs if c < len(row)}
        key = keyer(texts)
        if (sheet.name, number, key) in done:
            plan.skipped["already_imported"] += 1
            continue
        try:
            prepared = builder.build(cells, header.year_hint, sheet.name, number, cell_texts)
            prepared.content_key = key
            plan.prepared.append(prepared)
        except RowRefused as refused:
            plan.raw_rows[(sheet.name, number)] = row
            for fname, value, rule, message in refused.errors:
                fname = _FIELD_ALIASES[plan.kind].get(fname, fname)
                col = by_field.get(fname)
                column = names[col] if col is not None else ("（固定值）" if fname in plan.mapping.defaults else "")
                if not value and col is not None and col < len(row):
                    value = cell_text(row[col])
                if rule == "required" and col is None and fname not in plan.mapping.defaults:
                    message += "（台账中没有这一列：可在列映射中指定列，或填写固定值）"
                plan.errors.append(RowError(sheet.name, number, column, value, rule, message))


def _unknown_values(plan: Plan, builder: RowBuilder) -> list[UnknownValue]:
    """Each cell text of a code, state or village column that maps to nothing, once, with its count."""
    fields = field_by_name(plan.kind)
    counts: Counter[tuple[str, str]] = Counter()
    by_sheet = {sp.name: {sp.header.columns[c]: f for c, f in sp.columns.items()} for sp in plan.sheets if sp.header}
    for e in plan.errors:
        fname = by_sheet.get(e.sheet, {}).get(e.column)
        if fname and e.rule in ("unmapped_value", "ref", "code") and fields[fname].type in ("code", "state", "ref"):
            counts[(fname, e.value)] += 1
    return [UnknownValue(f, fields[f].label, t, n) for (f, t), n in counts.most_common()]


def value_table(services: Services, kind: str, path: str | Path, *, sheets: list[str] | None,
                mapping: Mapping) -> list[tuple[str, str, int, str | None]]:
    """(field, text, count, code or None) for every distinct text of the code, state and village
    columns, for the wizard's value step: reads the cells only, validates nothing."""
    _check_kind(kind)
    path = Path(path)
    fields = field_by_name(kind)
    out: Counter[tuple[str, str]] = Counter()
    for sheet in read_sheets(path, sheets):
        header = detect_header(sheet, kind, path.name)
        if header is None:
            continue
        wanted = [(c, f) for c, f in _columns(header, mapping).items() if fields[f].type in ("code", "state", "ref")]
        for row in sheet.rows[header.data_row:]:
            texts = [cell_text(v) for v in row]
            if _is_subtotal(texts) or is_header_repeat(texts, header):
                continue
            for c, fname in wanted:
                if c < len(texts) and texts[c]:
                    out[(fname, texts[c])] += 1
    mappers = {f: ValueMapper(kind, f, services.codes, mapping) for f in fields if fields[f].type in ("code", "state")}
    result = []
    with services.session() as s:
        resolve = services._resolver(s)
        for (fname, text), n in sorted(out.items()):
            if fields[fname].type == "ref":
                code = resolve(fields[fname].ref or "village", mapping.values.get(fname, {}).get(text, text))
            else:
                code = mappers[fname](text)
            result.append((fname, text, n, code))
    return result


# -- commit -----------------------------------------------------------------------------------

def _insert(conn: sa.Connection, model: type[Any], rows: list[dict[str, Any]], *,
            digest: bool = True) -> tuple[int, str]:
    """Core executemany of converted rows (no audit hash: derived rows such as status spans, events
    of an undo); returns (count, SHA-256 of what was inserted, or '' when `digest` is off)."""
    prepared = _Prepared.of(conn, model, rows, digest=digest)
    prepared.insert(conn, None)
    return prepared.count, prepared.digest


@dataclass
class _Prepared:
    """Rows of one table converted for the driver, hashed, with the rowids they are about to take."""

    table: sa.Table
    columns: list[str]
    tuples: list[tuple[Any, ...]]
    digest: str
    rowids: tuple[int, int] | None

    @classmethod
    def of(cls, conn: sa.Connection, model: type[Any], rows: list[dict[str, Any]], *, digest: bool = True) -> _Prepared:
        table: sa.Table = model.__table__
        columns = [c.name for c in content_columns(table)]
        tuples = convert_rows(model, conn.dialect.name, rows)
        if not digest:  # derived rows (status spans: their INTEGER keys may not follow max(rowid))
            return cls(table, columns, tuples, "", None)
        return cls(table, columns, tuples, batch_digest(table.name, columns if tuples else [], tuples),
                   next_rowids(conn, table.name, len(tuples)))

    @property
    def count(self) -> int:
        return len(self.tuples)

    def insert(self, conn: sa.Connection, row_hash: str | None) -> None:
        execute_insert(conn, self.table, self.columns, self.tuples, row_hash)
        check_rowids(conn, self.table.name, self.rowids)


def _insert_prepared(conn: sa.Connection, prepared: _Prepared, row_hash: str | None) -> None:
    prepared.insert(conn, row_hash)


IMPORT_CACHE_KIB = 64 * 1024


@contextmanager
def _big_cache(conn: sa.Connection) -> Iterator[None]:
    """SQLite: a 64 MiB page cache while the batch is written. Its rows carry random UUIDs, so every
    index insert lands on a random page; with the default 2 MiB cache most of them miss."""
    if conn.dialect.name != "sqlite":
        yield
        return
    before = conn.exec_driver_sql("PRAGMA cache_size").scalar()
    conn.exec_driver_sql(f"PRAGMA cache_size=-{IMPORT_CACHE_KIB}")
    try:
        yield
    finally:
        conn.exec_driver_sql(f"PRAGMA cache_size={int(before)}")


# From this many records on, the tables' secondary indexes are dropped before the rows go in and
# built again afterwards (one sort per index instead of millions of random B-tree inserts).
REBUILD_INDEXES_FROM = 5_000


@contextmanager
def _indexes_built_after(conn: sa.Connection, tables: list[str], rows: int) -> Iterator[None]:
    """SQLite, big batches: drop the secondary indexes of `tables` and create them again after the
    inserts, all inside the caller's transaction (DDL is transactional in SQLite, so a rollback
    restores them and other connections never see the tables without them)."""
    if conn.dialect.name != "sqlite" or rows < REBUILD_INDEXES_FROM:
        yield
        return
    marks = ", ".join("?" for _ in tables)
    saved = conn.exec_driver_sql(
        f"SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL AND tbl_name IN ({marks})",
        tuple(tables)).all()
    for name, _sql in saved:
        conn.exec_driver_sql(f'DROP INDEX "{name}"')
    yield
    for _name, sql in saved:
        conn.exec_driver_sql(sql)


@contextmanager
def _search_rows_in_one_pass(conn: sa.Connection, table: str) -> Iterator[None]:
    """SQLite: inside the caller's transaction, let the new rows' search rows be written once, set-based,
    instead of by the row triggers (a dispute's search row would be rewritten for every party).

    The triggers are dropped and recreated from their stored DDL in the same transaction, so a
    rollback restores them and no other connection ever sees the store without them (the write
    lock is held throughout).
    """
    names = {f"{table}_fts_ai"} | ({"dispute_party_fts_ins"} if table == "dispute" else set())
    if conn.dialect.name != "sqlite" or table not in search_index.SOURCES:
        yield
        return
    marks = ", ".join("?" for _ in names)
    saved = conn.exec_driver_sql(f"SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND name IN ({marks})",
                                 tuple(sorted(names))).all()
    if len(saved) != len(names):  # search objects missing (the app repairs them on open): leave them alone
        yield
        return
    before = conn.exec_driver_sql(f"SELECT coalesce(max(rowid), 0) FROM {table}").scalar()
    for name, _sql in saved:
        conn.exec_driver_sql(f'DROP TRIGGER "{name}"')
    yield
    name_expr, ident_expr, content_expr = search_index.SOURCES[table]
    conn.exec_driver_sql(f"INSERT INTO {search_index.fts_table(table)}(rowid, name, ident, content) "
                         f"SELECT r.rowid, {name_expr}, {ident_expr}, {content_expr} FROM {table} r WHERE r.rowid > ?",
                         (before,))
    for _name, sql in saved:
        conn.exec_driver_sql(sql)


def commit_import(services: Services, plan: Plan, *, valid_only: bool = False) -> ImportResult:
    """Store the plan's valid rows as one batch: one transaction, one audit entry.

    With refused rows, nothing is stored unless `valid_only` (the user chose "import the valid rows").
    """
    with gc_paused():
        return _commit_import(services, plan, valid_only=valid_only)


def _commit_import(services: Services, plan: Plan, *, valid_only: bool) -> ImportResult:
    spec = kind_spec(plan.kind)
    services.require(spec.perm, f"导入{spec.label}台账")
    if plan.errors and not valid_only:
        raise DomainError(f"有{plan.refused_rows}行未通过校验，未导入任何数据。请修改台账后重试，"
                          "或选择“只导入通过校验的行”（命令行 --valid-only）")
    summary = plan.summary(imported=len(plan.prepared))
    if not plan.prepared:
        return ImportResult(None, 0, 0, 0, summary)
    if services.store.path is not None:  # a verified copy of the SQLite store before every import (issue 14)
        from ..services.backup import make_backup

        make_backup(services.store.path, kind="import", key=services.store.key)
    model = spec.model
    batch_id = m.new_uuid()
    with services.session() as session, session.begin(), _big_cache(session.connection()):
        conn = session.connection()
        # Another import of the same file may have finished since the plan was made.
        done = _done(services, plan.kind, plan.file_sha256)
        if any((p.sheet, p.row, p.content_key) in done for p in plan.prepared):
            raise DomainError("这个文件刚刚已被导入，请重新预览")
        years = Counter(p.year for p in plan.prepared)
        next_no: dict[int, int] = {}
        for year, n in years.items():
            counter = session.get(m.SerialCounter, (spec.name, year), with_for_update=True)
            if counter is None:
                counter = m.SerialCounter(kind=spec.name, year=year, last=0)
            next_no[year] = counter.last
            counter.last += n
            session.add(counter)
        session.flush()
        records, parties, events = [], [], []
        for p in plan.prepared:
            next_no[p.year] += 1
            p.record["serial"] = f"{spec.serial_prefix}-{p.year}-{next_no[p.year]:06d}"
            records.append(p.record)
            parties.extend(p.parties)
            events.extend(p.events)
        child = CHILD_MODELS.get(plan.kind)
        child_table = child.__tablename__ if child else None
        tables = [model.__tablename__, *([child_table] if child_table else []), "workflow_event", "status_span"]
        # Indexes come back (inner exit) before the search rows are written (they look parties up by dispute).
        with _search_rows_in_one_pass(conn, model.__tablename__), _indexes_built_after(conn, tables, len(records)):
            # The entry first (it holds the rows' digests and the rowids they will take), then the rows,
            # each carrying the entry's hash (`audit verify` re-hashes them from the table).
            batch = [_Prepared.of(conn, model, records), *([_Prepared.of(conn, child, parties)] if child else []),
                     _Prepared.of(conn, m.WorkflowEvent, events)]
            entry = audit.append(
                session, username=services.actor.username, action=IMPORT_ACTION, record_kind=spec.name,
                record_id=None, before=None, after={
                    "batch_id": batch_id, "file": plan.path.name, "file_sha256": plan.file_sha256,
                    "counts": {p.table.name: p.count for p in batch},
                    "sha256": {p.table.name: p.digest for p in batch},
                    **({"rowids": {p.table.name: list(p.rowids) for p in batch if p.rowids}}
                       if conn.dialect.name == "sqlite" else {}),
                    "summary": summary})
            for p in batch:
                _insert_prepared(conn, p, entry.hash)
            n_rec, n_ev = batch[0].count, batch[-1].count
            n_par = batch[1].count if child else 0
            # The status history (what the stock figures "as at A" read), replayed from the events just
            # written as a record entered in the form gets it; from the rows in hand, not read back.
            if plan.kind in status_history.KIND_TABLES:
                # Each event's step values as the builder holds them (dates as dates), not its JSON read back.
                by_record: dict[str, list[Any]] = {
                    p.record["id"]: [h.Event(action, when, data, p.created_at) for action, when, data in p.step_values()]
                    for p in plan.prepared}
                spans = status_history.span_rows(plan.kind, records, by_record, services.policy)
                if conn.dialect.name == "sqlite":  # NULL ids take the next rowid
                    _insert(conn, m.StatusSpan, spans, digest=False)
                elif spans:  # elsewhere the id column's default (a sequence) must fill it
                    conn.execute(insert(status_history.T_SPAN), spans)
        session.flush()
        conn.execute(insert(m.ImportBatch.__table__), [{
            "id": batch_id, "kind": spec.name, "file_name": plan.path.name, "file_sha256": plan.file_sha256,
            "sheets": json.dumps([s.name for s in plan.sheets if s.header], ensure_ascii=False),
            "summary": json.dumps(summary, ensure_ascii=False), "imported": n_rec, "audit_seq": entry.seq,
            "created_at": m.utcnow(), "created_by": services.actor.username}])
        conn.execute(insert(m.ImportSource.__table__), [
            {"batch_id": batch_id, "record_kind": spec.name, "record_id": p.record["id"], "file_sha256": plan.file_sha256,
             "sheet": p.sheet, "row_number": p.row, "content_sha256": p.content_key} for p in plan.prepared])
    return ImportResult(batch_id, n_rec, n_par, n_ev, summary)


def list_batches(services: Services) -> list[m.ImportBatch]:
    """Import batches, newest first."""
    with services.session() as s:
        return list(s.execute(select(m.ImportBatch).order_by(m.ImportBatch.created_at.desc())).scalars())


def undo_import(services: Services, batch_id: str, reason: str) -> int:
    """Void every record of a batch (a reviewer's step) in one transaction with one audit entry."""
    services.require(Perm.REVIEW, "撤销台账导入")
    if not reason or not reason.strip():
        raise ValidationError("reason", "撤销原因", "required", "撤销导入须写明原因")
    reason = reason.strip()
    with services.session() as session, session.begin():
        batch = session.get(m.ImportBatch, batch_id)
        if batch is None:
            hits = session.execute(select(m.ImportBatch).where(m.ImportBatch.id.startswith(batch_id))).scalars().all()
            if len(hits) != 1:
                raise NotFound(f"找不到导入批次“{batch_id}”")
            batch = hits[0]
        if batch.undone_at is not None:
            raise TransitionError(f"导入批次“{batch.id[:8]}”已于{batch.undone_at:%Y-%m-%d}撤销")
        spec = kind_spec(batch.kind)
        table: Any = spec.model
        ids = select(m.ImportSource.record_id).where(m.ImportSource.batch_id == batch.id).scalar_subquery()
        now, who = m.utcnow(), services.actor.username
        void_reason = f"撤销台账导入：{reason}"
        live = list(session.execute(select(table.id).where(table.id.in_(ids), table.voided.is_(False))).scalars())
        # The voided rows are marked first, hashed as stored, then given the entry's hash.
        marker = f"undo:{batch.id}"
        changes = {"voided": True, "void_reason": void_reason, "updated_at": now, "updated_by": who,
                   "audit_hash": marker}
        session.execute(sa.update(table).where(table.id.in_(ids), table.voided.is_(False))
                        .values(revision=table.revision + 1, **changes))
        child: Any = CHILD_MODELS.get(batch.kind)
        touched = [table.__table__]
        if child is not None:  # dispute parties, activity participants
            parent = getattr(child, CHILD_KEYS[batch.kind])
            session.execute(sa.update(child).where(parent.in_(ids), child.voided.is_(False))
                            .values(revision=child.revision + 1, **changes))
            touched.append(child.__table__)
        digests = {t.name: marked_digest(session.connection(), t, marker) for t in touched}
        base = {"record_kind": batch.kind, "action": "void", "event_date": services.today(), "actor": who,
                "note": void_reason, "township_code": services.township.code, "created_by": who, "updated_by": who}
        if spec.workflow is not None:  # as `void` does: a kind without workflow has no events
            _insert(session.connection(), m.WorkflowEvent, [dict(base, record_id=rid) for rid in live])
        entry = audit.append(session, username=who, action=UNDO_ACTION, record_kind=batch.kind, record_id=None,
                             before={"batch_id": batch.id, "imported": batch.imported},
                             after={"batch_id": batch.id, "voided": len(live), "reason": reason,
                                    "counts": {t: n for t, (n, _h) in digests.items()},
                                    "sha256": {t: h for t, (_n, h) in digests.items()}})
        for t in touched:
            session.execute(sa.update(t).where(t.c.audit_hash == marker).values(audit_hash=entry.hash))
        batch.undone_at, batch.undone_by, batch.undo_reason = now, who, reason
        session.add(batch)
    return len(live)
