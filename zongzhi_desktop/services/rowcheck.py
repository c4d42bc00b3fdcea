"""Record rows against the audit chain (issue 14, `audit verify`).

Every record row (and user account) carries in `audit_hash` the hash of the audit entry that last
wrote it (store/rowhash.py). For each row, streamed in rowid order:

- a *row entry* (one record, full after-image): the row's content must equal the after-image, and
  no later entry may have written the record (else the row was put back to an older state);
- a *batch entry* (bulk insert, ledger import or its undo: per table a row count and a SHA-256 over
  the rows as stored, and on SQLite the rowid range): the row must lie in the batch's range, and
  at the end the rows of the batch — those still pointing at it, plus those rewritten since, taken
  from the *before* image of the entry that rewrote them — must hash to the recorded digest;
- no hash, or a hash that names no entry that wrote this record: written behind the program's back;
- each row entry's before-image must equal the record's previous after-image: an edit made
  directly and then saved over through the program is still named.

Record ids that have entries but no row any more were deleted. Workflow events (written with their
record's entry, not audited one by one) and saved report sheets (frozen by their own content hash)
are not checked row by row. SQLite only: a township store is always SQLite.
"""

from __future__ import annotations

import hashlib
import json
from bisect import bisect_right
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import cache
from typing import Any

import sqlalchemy as sa
from sqlalchemy import Connection
from sqlmodel import SQLModel

from ..domain import models as m
from ..store.audit import AuditProblem
from ..store.rowhash import BATCH_ACTIONS, batch_parts, is_row_image
from ..store.serialize import canonical_json, content_columns
from .bulk import _utc_text
from .kinds import KINDS, REGISTERED_KINDS

BATCH_ROWS = 2000  # rows read per query
IN_LIMIT = 500  # ids per IN (...) lookup

# Tables checked row by row, in this order (users first: a raised role matters most).
CHECKED: tuple[type[SQLModel], ...] = (
    m.User, m.Township, m.Village, m.Grid, m.GridWorker, m.Department, m.Leader, m.MediationCommittee,
    m.Mediator, m.Petition, m.Dispute, m.DisputeParty, m.DisputeVisit, m.CasePackage, m.PackageLink,
    m.PackageProgress, m.VolunteerTeam, m.Volunteer, m.TeamMember, m.Activity, m.ActivityParticipant,
    m.DispatchItem, m.Attachment,
    # The kinds added through the registry (zongzhi_desktop/kinds): their records and child rows.
    *(model for k in REGISTERED_KINDS
      for model in (KINDS[k].model, *(child.model for child in KINDS[k].children.values()))),
)
_NAMED_BY = {m.Township: "name", m.Village: "name", m.Grid: "name", m.Department: "name",
             m.MediationCommittee: "name", m.VolunteerTeam: "name", m.User: "username"}
_COMMON_LABELS = {
    "id": "标识", "township_code": "乡镇代码", "revision": "修订号", "created_at": "登记时间",
    "created_by": "登记人", "updated_at": "修改时间", "updated_by": "修改人", "voided": "作废标记",
    "void_reason": "作废原因", "serial": "编号", "status": "状态", "next_deadline": "下一期限",
    "next_deadline_kind": "下一期限类型", "username": "用户名", "display_name": "姓名", "role": "角色",
    "password_hash": "密码", "active": "启用状态", "is_repeat": "重复访标记", "accept_deadline": "受理告知期限",
    "note": "办理说明", "data": "办理数据",
}


@dataclass
class RowProblem(AuditProblem):
    """A row that does not match the chain: what kind of problem, which table, record and fields."""

    # edited | edited_between | unaudited | unknown_hash | rolled_back | outside_batch | batch | deleted
    problem: str = ""
    table: str = ""
    record_id: str | None = None
    fields: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {"seq": self.seq, "message": self.message, "problem": self.problem, "table": self.table,
                "record_id": self.record_id, "fields": self.fields}


# -- labels -----------------------------------------------------------------------------------

@cache
def _labels(table: str) -> dict[str, str]:
    """Column name -> Chinese label for `table` (common columns, then the kinds' field specs)."""
    out = dict(_COMMON_LABELS)
    for spec in KINDS.values():
        if spec.model.__tablename__ == table:  # type: ignore[attr-defined]
            out.update((f.name, f.label) for f in spec.fields)
            if spec.workflow is not None:
                for action in spec.workflow.actions.values():
                    out.update((f.name, f.label) for f in action.fields)
        for child in spec.children.values():
            if child.model.__tablename__ == table:  # type: ignore[attr-defined]
                out.update((f.name, f.label) for f in child.fields)
    return out


column_labels = _labels  # public name, for services.rowguard


@cache
def _table_label(table: str) -> str:
    if table == "app_user":
        return "用户"
    if table == "township":
        return "乡镇"
    for spec in KINDS.values():
        if spec.model.__tablename__ == table:  # type: ignore[attr-defined]
            return spec.label
        for child in spec.children.values():
            if child.model.__tablename__ == table:  # type: ignore[attr-defined]
                return f"{spec.label}的{child.label}"
    return table


@cache
def _parent_of(table: str) -> tuple[str, str, str, str] | None:
    """(parent label, parent table, column naming the parent, child label) of a child table whose
    parent has a serial number (a volunteer's name is personal: their memberships show ids only)."""
    for spec in KINDS.values():
        for child in spec.children.values():
            if child.model.__tablename__ == table and "serial" in spec.model.__table__.c:  # type: ignore[attr-defined]
                return spec.label, spec.model.__tablename__, child.parent_field, child.label  # type: ignore[attr-defined]
    return None


def _what(model: type[SQLModel], values: Mapping[str, Any], conn: Connection | None = None) -> str:
    """The record named in a message: serial number, a (non-personal) name, or the id (for a child
    row with its parent's serial number: 矛盾纠纷“JF-2026-000001”的当事人（id …）)."""
    table: str = model.__tablename__  # type: ignore[assignment]
    label = _table_label(table)
    parent = _parent_of(table)
    if parent is not None and conn is not None and values.get(parent[2]):
        serial = conn.exec_driver_sql(f"SELECT serial FROM {parent[1]} WHERE id = ?", (values[parent[2]],)).scalar()
        if serial:
            label = f"{parent[0]}“{serial}”的{parent[3]}"
    if values.get("serial"):
        return f"{label}“{values['serial']}”"
    named = _NAMED_BY.get(model)
    if named and values.get(named):
        return f"{label}“{values[named]}”"
    return f"{label}（id {values.get('id')}）"


# -- expected stored values -------------------------------------------------------------------

def _password_digest(password_hash: Any) -> str:
    return hashlib.sha256(str(password_hash).encode()).hexdigest()[:16]


def _expect(kind: str, value: Any) -> Any:
    """An after-image's JSON value as SQLite stores it (see services/bulk.py converters)."""
    if value is None:
        return None
    if kind == "datetime":
        try:
            d = datetime.fromisoformat(value)
        except (TypeError, ValueError):
            return value
        return _utc_text(d if d.utcoffset() is not None else d.replace(tzinfo=UTC))
    if kind == "bool":
        return 1 if value else 0
    return value


@cache
def _kinds(table: str) -> list[str]:
    model_table = SQLModel.metadata.tables[table]
    out = []
    for c in content_columns(model_table):
        impl = getattr(c.type, "impl", c.type)
        out.append("datetime" if isinstance(impl, sa.DateTime) else "bool" if isinstance(impl, sa.Boolean) else "")
    return out


def _differs(table: str, names: list[str], stored: tuple[Any, ...], after: dict[str, Any]) -> list[str]:
    """Columns whose stored value differs from the after-image (columns the image lacks are skipped)."""
    kinds = _kinds(table)
    out = []
    for i, name in enumerate(names):
        if table == "app_user" and name == "password_hash":
            digest = after.get("password_digest")
            if digest is not None and digest != _password_digest(stored[i]):
                out.append(name)
            continue
        if name not in after:
            continue
        expected = _expect(kinds[i], after[name])
        actual = stored[i]
        if expected != actual or (expected is None) != (actual is None):
            out.append(name)
    return out


def _from_image(table: str, names: list[str], image: dict[str, Any]) -> tuple[Any, ...] | None:
    """A before-image as the driver tuple a batch hashed (None when it lacks a column)."""
    if any(name not in image for name in names):
        return None
    kinds = _kinds(table)
    return tuple(_expect(kinds[i], image[name]) for i, name in enumerate(names))


def _image_differs(after: str | None, before: str | None) -> list[str]:
    """Keys whose values differ between two row images (1500 and 1500.0 are the same value)."""
    try:
        a, b = json.loads(after or ""), json.loads(before or "")
    except ValueError:
        return []  # an edited entry: the chain check names it
    if not isinstance(a, dict) or not isinstance(b, dict):
        return []
    return [k for k in b if k in a and a[k] != b[k]]


# -- batch entries ----------------------------------------------------------------------------

@dataclass
class _Batch:
    seq: int
    hash: str
    action: str
    parts: dict[str, dict[str, Any]] | None  # None: recorded no digests (accepted as is)


class _Row:
    """One stored row; its column dict and its name in messages are made only when a message needs them."""

    __slots__ = ("_values", "conn", "model", "names", "stored")

    def __init__(self, model: type[SQLModel], names: list[str], stored: tuple[Any, ...],
                 conn: Connection | None = None) -> None:
        self.model, self.names, self.stored, self.conn = model, names, stored, conn
        self._values: dict[str, Any] | None = None

    @property
    def values(self) -> dict[str, Any]:
        if self._values is None:
            self._values = dict(zip(self.names, self.stored, strict=True))
        return self._values

    @property
    def what(self) -> str:
        return _what(self.model, self.values, self.conn)


_ENCODE = json.JSONEncoder(ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode


class _Digest:
    """The canonical JSON of a batch (services.bulk.batch_digest), hashed as rows stream by."""

    def __init__(self, table: str, columns: list[str]) -> None:
        self.sha = hashlib.sha256()
        self.sha.update(('{"columns":' + canonical_json(columns) + ',"rows":[').encode("utf-8"))
        self.table = table
        self.rows = 0
        self.pending: list[tuple[Any, ...] | list[Any]] = []
        self.gave_up = False  # a row of the batch was rewritten by another batch: cannot rebuild it
        self.first: dict[str, Any] | None = None

    def add(self, values: tuple[Any, ...] | list[Any]) -> None:
        self.pending.append(values)
        if len(self.pending) >= 2000:
            self.flush()

    def flush(self) -> None:
        """Hash the pending rows: one encoder call for many rows (the same text as one per row)."""
        if self.pending:
            text = _ENCODE(self.pending)[1:-1]  # "[[row],[row]]" without the outer brackets
            self.sha.update(((',' if self.rows else '') + text).encode("utf-8"))
            self.rows += len(self.pending)
            self.pending = []

    def hexdigest(self) -> str:
        self.flush()
        sha = self.sha.copy()
        sha.update(('],"table":' + canonical_json(self.table) + '}').encode("utf-8"))
        return sha.hexdigest()


def _load_batches(conn: Connection) -> dict[str, _Batch]:
    marks = ", ".join("?" for _ in BATCH_ACTIONS)
    out: dict[str, _Batch] = {}
    for seq, digest, action, after in conn.exec_driver_sql(
            f"SELECT seq, hash, action, after FROM audit_log WHERE record_id IS NULL AND action IN ({marks})",
            BATCH_ACTIONS):
        try:
            parts = batch_parts(action, json.loads(after)) if after else None
        except (ValueError, KeyError, TypeError, AttributeError):
            parts = {}
        out[digest] = _Batch(seq, digest, action, parts)
    return out


# -- per table --------------------------------------------------------------------------------

@dataclass
class _Entry:
    seq: int
    hash: str
    before: str | None
    after: str | None
    record_id: str

    @property
    def writes(self) -> bool:
        return is_row_image(self.record_id, self.after)


def _entries(conn: Connection, ids: list[str]) -> dict[str, list[_Entry]]:
    out: dict[str, list[_Entry]] = defaultdict(list)
    for i in range(0, len(ids), IN_LIMIT):
        part = ids[i:i + IN_LIMIT]
        marks = ", ".join("?" for _ in part)
        for seq, digest, before, after, rid in conn.exec_driver_sql(
                f"SELECT seq, hash, before, after, record_id FROM audit_log WHERE record_id IN ({marks}) ORDER BY seq",
                tuple(part)):
            out[rid].append(_Entry(seq, digest, before, after, rid))
    return out


class _TableCheck:
    """Streams one table's rows and collects its problems."""

    def __init__(self, conn: Connection, model: type[SQLModel], batches: dict[str, _Batch],
                 skip: set[int] | None = None) -> None:
        self.conn = conn
        self.skip = skip or set()
        self.model = model
        self.table: str = model.__tablename__  # type: ignore[assignment]
        self.names = [c.name for c in content_columns(model.__table__)]  # type: ignore[attr-defined]
        self.id_at = self.names.index("id")
        self.batches = batches
        self.problems: list[RowProblem] = []
        self.seen: set[str] = set()
        self.digests: dict[str, _Digest] = {}
        # Batches of this table with a rowid range, by range start (ranges do not overlap).
        ranged = sorted((p["rowids"][0], p["rowids"][1], b) for b in batches.values() if b.parts
                        for t, p in b.parts.items() if t == self.table and p.get("rowids"))
        self.starts = [r[0] for r in ranged]
        self.ranges = ranged

    def report(self, problem: str, seq: int | None, message: str, values: Mapping[str, Any] | None = None,
               fields: Iterable[str] = ()) -> None:
        self.problems.append(RowProblem(seq, message, problem, self.table,
                                        values.get("id") if values else None, list(fields)))

    def digest(self, batch: _Batch) -> _Digest:
        d = self.digests.get(batch.hash)
        if d is None:
            d = self.digests[batch.hash] = _Digest(self.table, self.names)
        return d

    def run(self, batch_rows: int = BATCH_ROWS) -> list[RowProblem]:
        cols = ", ".join(self.names)
        sql = f"SELECT rowid, audit_hash, {cols} FROM {self.table} WHERE rowid > ? ORDER BY rowid LIMIT {batch_rows}"
        last = -(2**63)
        while True:
            rows = self.conn.exec_driver_sql(sql, (last,)).all()
            if not rows:
                break
            entries = _entries(self.conn, [r[2 + self.id_at] for r in rows])
            self.seen.update(r[2 + self.id_at] for r in rows)
            for r in rows:
                self.row(r[0], r[1], tuple(r[2:]), entries.get(r[2 + self.id_at], []))
            last = rows[-1][0]
        self.finish_batches()
        return self.problems

    def _range_of(self, rowid: int) -> _Batch | None:
        i = bisect_right(self.starts, rowid) - 1
        if i >= 0 and self.ranges[i][0] <= rowid <= self.ranges[i][1]:
            return self.ranges[i][2]
        return None

    def row(self, rowid: int, digest: str | None, stored: tuple[Any, ...], mine: list[_Entry]) -> None:
        r = _Row(self.model, self.names, stored, self.conn)
        if len(mine) > 1:
            self._between(mine, r)
        home = self._range_of(rowid)
        if home is not None and digest != home.hash:
            self._moved(home, mine)
        named = next((e for e in mine if e.hash == digest), None) if digest and mine else None
        if named is not None:
            self._against_entry(named, mine, stored, r)
        elif digest is not None and digest in self.batches:
            self._against_batch(self.batches[digest], rowid, mine, stored, r)
        elif digest is None:
            writes = [e for e in mine if e.writes]
            if writes:
                self.report("unaudited", writes[-1].seq,
                            f"{r.what}的审计哈希被清除（它的最后一条审计记录是第{writes[-1].seq}条）：被绕过程序直接修改", r.values)
            else:
                self.report("unaudited", None, f"{r.what}没有任何审计记录（被直接写入数据库）", r.values)
        else:
            self.report("unknown_hash", None, f"{r.what}的审计哈希不是任何一条写入它的审计记录"
                                              "（被直接写入，或被改指向其他记录的审计记录）", r.values)

    def _between(self, mine: list[_Entry], r: _Row) -> None:
        """Each write's before-image must be the previous write's after-image: a row edited directly
        and then saved through the program shows the edit in that save's before-image."""
        previous: _Entry | None = None
        for e in mine:
            if not e.writes:
                continue
            if (previous is not None and e.before is not None and e.before != previous.after
                    and previous.seq not in self.skip and e.seq not in self.skip):
                changed = _image_differs(previous.after, e.before)
                if changed:
                    labels = _labels(self.table)
                    names = "、".join(labels.get(c, c) for c in changed)
                    self.report("edited_between", e.seq,
                                f"第{e.seq}条审计记录修改{r.what}之前，它的{names}已与第{previous.seq}条审计记录不符"
                                "（两次修改之间被绕过程序直接修改过）", r.values, changed)
            previous = e

    def _later(self, seq: int, mine: list[_Entry]) -> _Entry | None:
        if not mine:
            return None
        return next((e for e in reversed(mine) if e.seq > seq and e.writes), None)

    def _against_entry(self, entry: _Entry, mine: list[_Entry], stored: tuple[Any, ...],
                       r: _Row) -> None:
        if entry.seq in self.skip:
            return
        if not entry.writes:
            self.report("unknown_hash", entry.seq, f"{r.what}的审计哈希指向第{entry.seq}条审计记录，但那条记录没有写入它"
                                                   "（被改指向）", r.values)
            return
        later = self._later(entry.seq, mine)
        if later is not None:
            self.report("rolled_back", entry.seq, f"{r.what}的审计哈希指向第{entry.seq}条审计记录，但第{later.seq}条"
                                                  "审计记录后来又修改过它（被改回旧的内容）", r.values)
            return
        try:
            after = json.loads(entry.after or "")
        except ValueError:
            return  # an edited entry: the chain check names it
        if not isinstance(after, dict):
            return
        changed = _differs(self.table, self.names, stored, after)
        if changed:
            labels = _labels(self.table)
            names = "、".join(labels.get(c, c) for c in changed)
            self.report("edited", entry.seq, f"{r.what}的{names}与第{entry.seq}条审计记录不符（被绕过程序直接修改）",
                        r.values, changed)

    def _against_batch(self, batch: _Batch, rowid: int, mine: list[_Entry], stored: tuple[Any, ...],
                       r: _Row) -> None:
        if batch.parts is None or batch.seq in self.skip:
            return  # recorded no digests (an undo before migration 0013): nothing to check against
        part = batch.parts.get(self.table)
        if part is None:
            self.report("unknown_hash", batch.seq, f"{r.what}的审计哈希指向第{batch.seq}条审计记录，但那一批没有写入"
                                                   f"{_table_label(self.table)}（被改指向）", r.values)
            return
        rowids = part.get("rowids")
        if rowids and not rowids[0] <= rowid <= rowids[1]:
            self.report("outside_batch", batch.seq, f"{r.what}的审计哈希指向第{batch.seq}条审计记录（批量写入），"
                                                    "但它不在那一批写入的行中（被直接插入或改指向）", r.values)
            return
        later = self._later(batch.seq, mine)
        if later is not None:
            self.report("rolled_back", batch.seq, f"{r.what}的审计哈希指向第{batch.seq}条审计记录（批量写入），但第"
                                                  f"{later.seq}条审计记录后来又修改过它（被改回旧的内容）", r.values)
            # Still one of the batch's rows: hashed with it, so the batch is judged on its own.
        d = self.digest(batch)
        if d.first is None:
            d.first = r.values
        d.add(stored)

    def _moved(self, home: _Batch, mine: list[_Entry]) -> None:
        """A row of `home`'s rowid range rewritten since: its content at the batch, for the digest."""
        d = self.digest(home)
        first = next((e for e in mine if e.seq > home.seq and e.writes), None)
        image = None
        if first is not None and first.before:
            try:
                image = json.loads(first.before)
            except ValueError:
                image = None
        rebuilt = _from_image(self.table, self.names, image) if isinstance(image, dict) else None
        if rebuilt is None:
            d.gave_up = True
        else:
            d.add(rebuilt)

    def finish_batches(self) -> None:
        label = _table_label(self.table)
        for batch in sorted(self.batches.values(), key=lambda b: b.seq):
            part = (batch.parts or {}).get(self.table)
            if part is None or not part.get("sha256") or batch.seq in self.skip:
                continue
            d = self.digests.get(batch.hash)
            if d is not None:
                d.flush()
            n = d.rows if d else 0
            count = part.get("count")
            if d is not None and d.gave_up:
                continue  # part of the batch was rewritten by a later batch (an undone import)
            if not part.get("rowids") and n < (count or 0):
                continue  # before 0013 no rowids were recorded: rows rewritten since cannot be found
            where = f"（第一行：{_what(self.model, d.first, self.conn)}）" if d and d.first else ""
            if n != count:
                self.problems.append(RowProblem(
                    batch.seq, f"第{batch.seq}条审计记录批量写入{label} {count} 行，现存 {n} 行"
                               f"（有行被直接删除或插入）{where}", "batch", self.table))
            elif d is not None and d.hexdigest() != part["sha256"]:
                self.problems.append(RowProblem(
                    batch.seq, f"第{batch.seq}条审计记录批量写入的{label}（{count} 行）与其摘要不符："
                               f"其中有行被绕过程序直接修改{where}", "batch", self.table))

    def kinds(self) -> list[str]:
        """The `record_kind`s of entries that write this table (kind name and table name)."""
        kinds = {self.table}
        for spec in KINDS.values():
            if spec.model is self.model:
                kinds.add(spec.name)
        return sorted(kinds)


def _deleted(conn: Connection, checks: list[_TableCheck], skip: set[int]) -> list[RowProblem]:
    """Records the chain says were written that have no row any more (one pass over the chain;
    entries the chain check reported are not believed)."""
    by_kind = {kind: c for c in checks for kind in c.kinds()}
    problems: list[RowProblem] = []
    for kind, rid, seq in conn.exec_driver_sql(
            "SELECT record_kind, record_id, max(seq) FROM audit_log WHERE record_id IS NOT NULL "
            "GROUP BY record_kind, record_id"):
        check = by_kind.get(kind)
        if check is None or rid in check.seen or seq in skip:
            continue
        after = conn.exec_driver_sql("SELECT after FROM audit_log WHERE seq = ?", (seq,)).scalar()
        if not is_row_image(rid, after):
            continue
        try:
            image = json.loads(after)
        except ValueError:
            image = {"id": rid}
        problems.append(RowProblem(seq, f"{_what(check.model, image, conn)}在第{seq}条审计记录中写入过，"
                                        "但数据库里已没有这条记录（被绕过程序直接删除）", "deleted", check.table, rid))
    return problems


def row_problems(conn: Connection, *, bad_entries: Iterable[int | None] = (), batch_rows: int = BATCH_ROWS,
                 models: Iterable[type[SQLModel]] = CHECKED,
                 progress: Callable[[str], None] | None = None) -> list[RowProblem]:
    """The rows of `models` (default: every checked table) against the audit chain (SQLite; other
    databases: nothing to check).

    `bad_entries`: seqs the chain check already reported; rows are not compared with those entries
    (their content is not trustworthy, and the problem is named once)."""
    if conn.dialect.name != "sqlite":
        return []
    batches = _load_batches(conn)
    skip = {s for s in bad_entries if s is not None}
    problems: list[RowProblem] = []
    checks = []
    for model in models:
        if progress is not None:
            progress(model.__tablename__)  # type: ignore[arg-type]
        check = _TableCheck(conn, model, batches, skip)
        problems += check.run(batch_rows)
        checks.append(check)
    return problems + _deleted(conn, checks, skip)

