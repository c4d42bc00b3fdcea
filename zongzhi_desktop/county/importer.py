"""County import core, shared by `zongzhi county import` and the upload server.

Order of checks (each refusal leaves the county store untouched):
container (strict layout, sizes, ratios, duplicate names) → manifest schema → county code →
registered township → registered, unrevoked signing key → signature → chunk list and hashes →
content key (sealed to this county) → then, in ONE transaction: lock the township row, detect a
replay (same bundle hash: return the stored receipt, change nothing), decrypt and validate every
row, upsert (a row wins only with a higher revision), record the bundle, sign the receipt,
write the audit entry.

Row rule: a row that fails validation (unknown table or field, wrong type, over-long text, other
township's code, id owned by another township, reference to a record the county does not have,
duplicate in the bundle) is rejected with its reason and not acknowledged; every other row is
applied. A bundle whose structure is wrong (bad container, signature, hashes, counts, undecodable
chunk, a line that is not an object with an id) is refused as a whole.

Concurrency: the township row is locked first (UPDATE … lock_version), so imports of one township
run one at a time on SQLite and PostgreSQL alike, and the bundle hash is the primary key of
county_bundle, so two servers importing the same bundle at once produce one import; the loser
returns the winner's receipt.
"""

from __future__ import annotations

import io
import json
import os
import zlib
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, BinaryIO

from sqlalchemy import Connection, bindparam, func, insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from ..domain.models import utcnow
from ..domain.models.sync import CountyBundle, CountyTownship, CountyTownshipKey
from ..store import audit, status_history
from ..store.database import Store
from ..sync import container as ct
from ..sync import envelope
from ..sync.attachments import county_requests
from ..sync.bundle import BundleFile, identity_hash
from ..sync.errors import BundleRefused, SyncError
from ..sync.keys import unpub
from ..sync.receipts import RECEIPT_FORMAT
from ..sync.rowcodec import RowRejected, TableCodec, synced_tables
from . import audit_heads
from .search_refresh import SearchRefresh
from .setup import CountyKeys, check_suite

IN_BATCH = 500  # ids per IN (...) lookup


@dataclass
class ImportResult:
    receipt: bytes  # the signed receipt envelope (also returned on replay)
    payload: dict[str, Any]
    replay: bool
    township_code: str
    sequence: int
    bundle_hash: str
    rows: int = 0
    accepted: int = 0
    applied: int = 0
    rejected: int = 0
    missing_sequences: list[int] = field(default_factory=list)
    audit_warnings: list[str] = field(default_factory=list)  # the township's audit chain went back

    @property
    def sender_headers(self) -> dict[str, str]:
        """Response headers naming the sender (the upload route; the access log reads them)."""
        return {"X-Zongzhi-Township": self.township_code}


class Replay(Exception):
    def __init__(self, receipt: bytes) -> None:
        super().__init__("replay")
        self.receipt = receipt


@contextmanager
def _open_source(source: str | Path | bytes | BinaryIO) -> Iterator[tuple[BinaryIO, int]]:
    if isinstance(source, bytes | bytearray):
        yield io.BytesIO(bytes(source)), len(source)
    elif isinstance(source, str | Path):
        try:
            fh = open(source, "rb")
        except OSError as e:
            raise SyncError(f"无法打开批次文件“{source}”：{e.strerror}", "io_error") from None
        with fh:
            yield fh, os.fstat(fh.fileno()).st_size
    else:
        source.seek(0, os.SEEK_END)
        size = source.tell()
        source.seek(0)
        yield source, size


def _replay_result(receipt: bytes) -> ImportResult:
    payload = envelope.parse(zlib.decompress(receipt), "receipt")[2]
    return ImportResult(zlib.decompress(receipt), payload, True, payload["township_code"], payload["sequence"],
                        payload["bundle_hash"], payload["rows"], payload["accepted"], payload["applied"],
                        payload["rejected"], list(payload.get("missing_sequences", [])))


def import_bundle(store: Store, source: str | Path | bytes | BinaryIO, keys: CountyKeys, *,
                  actor: str = "county", via: str = "file", now: datetime | None = None) -> ImportResult:
    """Verify and import one bundle; returns the signed receipt. Raises BundleRefused (nothing stored)."""
    with _open_source(source) as (fh, size):
        bf = BundleFile(fh, size)
        m = bf.manifest
        check_suite(bf.suite.name, keys.suite, "批次")
        if m["county_code"] != keys.county_code:
            raise BundleRefused(f"该批次是发给其他县（{m['county_code']}）的，本县为 {keys.county_name}"
                                f"（{keys.county_code}），已拒收", "wrong_county")
        town_code = m["township_code"]
        with store.session() as s:
            town = s.get(CountyTownship, town_code)
            key = s.get(CountyTownshipKey, m["signer"])
        if town is None:
            raise BundleRefused(f"乡镇 {town_code}（{m['township_name']}）尚未在本县登记，已拒收："
                                "请先登记该乡镇的登记文件（zongzhi county register）", "unknown_township")
        if key is None or key.township_code != town_code:
            raise BundleRefused(f"批次的签名密钥未在本县登记（乡镇 {town_code}，密钥指纹 {m.get('signer_fingerprint', '?')}），"
                                "已拒收：如乡镇更换了密钥，请先登记其新的登记文件", "unknown_key")
        if key.status == "revoked":
            raise BundleRefused(f"批次的签名密钥已被吊销（乡镇 {town_code}），已拒收", "revoked_key")
        bf.verify_signature(unpub(key.public_key))
        bf.check_payload()
        try:
            content_key = bf.content_key(keys.encryption)
        except BundleRefused as e:
            # Sealed to a key added by a rotation since these keys were unlocked (a running server).
            if e.code != "wrong_recipient" or not keys.passphrase or not keys.reload(store):
                raise
            content_key = bf.content_key(keys.encryption)
        try:
            return _apply(store, bf, content_key, keys, size, actor=actor, via=via, now=now or utcnow())
        except Replay as r:
            return _replay_result(r.receipt)
        except IntegrityError:
            # Another server or process imported the same bundle at the same moment and won.
            with store.session() as s:
                stored = s.get(CountyBundle, identity_hash(bf.manifest, bf.bundle_hash))
            if stored is not None:
                return _replay_result(stored.receipt)
            raise SyncError("导入时与另一导入冲突，数据未改变：请重试", "conflict") from None


def _apply(store: Store, bf: BundleFile, content_key: bytes, keys: CountyKeys, size: int, *,
           actor: str, via: str, now: datetime) -> ImportResult:
    with store.session() as s, s.begin():
        # The file as received is kept: the county forwards it byte for byte to its city (issue 19).
        return apply_in(s, bf, content_key, keys, size, actor=actor, via=via, now=now,
                        original=ct.read_exact(bf.fh, 0, bf.size))


def apply_in(s: Session, bf: BundleFile, content_key: bytes, keys: CountyKeys, size: int, *,
             actor: str, via: str, now: datetime, original: bytes | None = None) -> ImportResult:
    """Import a verified township bundle inside the caller's transaction `s` (the county's import, and
    the city's for each township bundle a county forwards). Raises Replay when it is held already."""
    m = bf.manifest
    town_code = m["township_code"]
    bundle_hash = identity_hash(m, bf.bundle_hash)  # a re-sealed copy is known by its original's hash
    tw = CountyTownship.__table__  # type: ignore[attr-defined]
    cb = CountyBundle.__table__  # type: ignore[attr-defined]
    conn = s.connection()
    # Lock first (a write), so SQLite takes its write lock before reading and PostgreSQL
    # serializes this township's imports on the row lock.
    locked = conn.execute(update(tw).where(tw.c.code == town_code).values(lock_version=tw.c.lock_version + 1))
    if locked.rowcount != 1:
        raise BundleRefused(f"乡镇 {town_code} 尚未在本县登记，已拒收", "unknown_township")
    stored = conn.execute(select(cb.c.receipt).where(cb.c.bundle_hash == bundle_hash)).first()
    if stored is not None:
        raise Replay(stored.receipt)
    _refuse_fork(conn, m, bundle_hash)
    status = conn.execute(select(CountyTownshipKey.__table__.c.status)  # type: ignore[attr-defined]
                          .where(CountyTownshipKey.__table__.c.key_id == m["signer"])).scalar()  # type: ignore[attr-defined]
    if status not in ("active", "retired"):
        raise BundleRefused("批次的签名密钥已被吊销或未登记，已拒收", "revoked_key")

    search = SearchRefresh(conn)
    applier = Applier(conn, town_code, keys.county_code, search)
    for table, rows in bf.iter_chunks(content_key):
        applier.chunk(table, rows)
    applier.finish()
    search.finish()
    policy = status_history.policy_of(conn)
    for kind, ids in sorted(applier.touched.items()):
        status_history.rebuild(conn, kind, ids, policy)

    earlier = conn.execute(select(cb.c.sequence, cb.c.manifest).where(cb.c.township_code == town_code)).all()
    chain = audit_heads.heads([(r[0], r[1]) for r in earlier] + [(m["sequence"], m)])
    head_warnings = audit_heads.warnings(chain, only=m["sequence"])
    restored = (m.get("audit_head") or {}).get("restored_after")
    if restored is not None and not _restore_issued(conn, town_code, restored):
        head_warnings.append(f"批次 {m['sequence']} 声明乡镇在第 {restored} 批之后用县级恢复文件重建了数据，"
                             "但本县没有为该乡镇生成过这样的恢复文件：审计链可能被删短，请核实")
    received = {r[0] for r in earlier}
    received.add(m["sequence"])
    # A full-state bundle (`sync resend --all`) makes the sequences before it unnecessary.
    full = [seq for seq, man in earlier if json.loads(man).get("full_state") is True]
    floor = max([*full, m["sequence"] if m.get("full_state") else 1, 1])
    missing = sorted(set(range(floor, max(received) + 1)) - received)
    signing, signer_id = keys.receipt_signer(m["encryption"]["recipient"])
    payload = {
        "format": RECEIPT_FORMAT, "version": 1,
        "county_code": keys.county_code, "county_name": keys.county_name,
        "township_code": town_code, "sequence": m["sequence"], "bundle_hash": bundle_hash,
        "bundle_id": m["bundle_id"], "received_at": now.isoformat(timespec="microseconds"),
        "rows": applier.rows, "accepted": applier.accepted, "applied": applier.applied,
        "unchanged": applier.accepted - applier.applied, "rejected": len(applier.rejections),
        "acknowledged": applier.ack, "rejections": applier.rejections,
        "missing_sequences": missing, "signer": signer_id, "requests": county_requests(conn),
        "suite": signing.suite.name,
    }
    if "audit_head" in m:  # echoed, signed: the township checks its audit chain against it
        payload["audit_head"] = {"hash": m["audit_head"]["hash"], "seq": m["audit_head"]["seq"]}
    receipt = envelope.sign("receipt", payload, signing)
    span = m["span"]
    conn.execute(insert(cb).values(
        bundle_hash=bundle_hash, township_code=town_code, sequence=m["sequence"], bundle_id=m["bundle_id"],
        previous_hash=m["previous_hash"], created_at=datetime.fromisoformat(m["created_at"]),
        span_from=datetime.fromisoformat(span["from"]) if span["from"] else None,
        span_to=datetime.fromisoformat(span["to"]), received_at=now, received_by=actor[:64], via=via[:16],
        signer_key_id=m["signer"], file_size=size, rows=applier.rows, accepted=applier.accepted,
        applied=applier.applied, rejected=len(applier.rejections), manifest=bf.manifest_bytes.decode("utf-8"),
        receipt=zlib.compress(receipt, 6), original=original))
    conn.execute(update(tw).where(tw.c.code == town_code).values(
        last_sequence=func.max(tw.c.last_sequence, m["sequence"]) if conn.dialect.name == "sqlite"
        else func.greatest(tw.c.last_sequence, m["sequence"]),
        last_received_at=now, bundle_count=tw.c.bundle_count + 1))
    audit.append(s, username=actor[:64], action="county_import", record_kind="county_bundle", record_id=None,
                 before=None, after={"township_code": town_code, "sequence": m["sequence"],
                                     "bundle_hash": bundle_hash, "rows": applier.rows,
                                     "accepted": applier.accepted, "applied": applier.applied,
                                     "rejected": len(applier.rejections), "via": via,
                                     "audit_head": m.get("audit_head"), "audit_warnings": head_warnings})
    return ImportResult(receipt, payload, False, town_code, m["sequence"], bundle_hash, applier.rows,
                        applier.accepted, applier.applied, len(applier.rejections), missing, head_warnings)


def _restore_issued(conn: Connection, township_code: str, sequence: int) -> bool:
    """Whether this county wrote a restore file for the township continuing after `sequence`."""
    from ..domain.models import AuditEntry

    t = AuditEntry.__table__  # type: ignore[attr-defined]
    for (after,) in conn.execute(select(t.c.after).where(t.c.action == "county_restore_file")):
        try:
            a = json.loads(after or "{}")
        except ValueError:
            continue
        if a.get("township_code") == township_code and a.get("sequence") == sequence:
            return True
    return False


def _refuse_fork(conn: Connection, m: dict[str, Any], bundle_hash: str) -> None:
    """A bundle that is not the one the county holds at its sequence, or that does not follow the
    one it holds before it, starts a second history of the township (a new PC that began again at
    1, an old backup restored): refuse it, saying how to restore from the county instead."""
    cb = CountyBundle.__table__  # type: ignore[attr-defined]
    town, seq = m["township_code"], m["sequence"]
    near = {r.sequence: r.bundle_hash for r in conn.execute(
        select(cb.c.sequence, cb.c.bundle_hash).where(cb.c.township_code == town, cb.c.sequence.in_([seq - 1, seq])))}
    same = near.get(seq)
    before = near.get(seq - 1)
    if same is None and (before is None or before == m["previous_hash"]):
        return
    top = conn.execute(select(func.max(cb.c.sequence)).where(cb.c.township_code == town)).scalar() or 0
    what = (f"县级已收到另一份第 {seq} 批" if same is not None
            else f"它不接在县级已收到的第 {seq - 1} 批之后")
    raise BundleRefused(
        f"乡镇 {town} 的第 {seq} 批与县级已有的批次链不符（{what}，县级已收到到第 {top} 批）：这台电脑上的数据"
        "不是接着原来的上报继续的（常见于更换电脑、重装或恢复旧备份）。为免两份历史混在一起，已拒收。请在县级运行 "
        f"zongzhi county restore-bundle {town} -o 恢复文件，在乡镇电脑上运行 zongzhi sync restore 恢复文件，"
        "恢复后继续上报", "fork")


class Compiled:
    """A statement compiled once and run through the DBAPI's executemany.

    The column types' own bind processors convert each value (so the stored form is exactly what
    SQLAlchemy would write), without SQLAlchemy's per-row parameter machinery: for 100,000 rows
    that machinery cost more than the inserts themselves.
    """

    def __init__(self, conn: Connection, stmt: Any) -> None:
        compiled = stmt.compile(dialect=conn.dialect)
        self.sql = str(compiled)
        self.positional = bool(compiled.positional)
        names = list(compiled.positiontup or []) if self.positional else list(compiled.binds)
        self.names = names
        self.procs = [(i, p) for i, n in enumerate(names)
                      if (p := compiled.binds[n].type.dialect_impl(conn.dialect).bind_processor(conn.dialect))]

    def run(self, conn: Connection, rows: list[dict[str, Any]]) -> int:
        names, procs = self.names, self.procs
        params: list[Any] = []
        for r in rows:
            vals = [r[n] for n in names]
            for i, p in procs:
                if vals[i] is not None:
                    vals[i] = p(vals[i])
            params.append(tuple(vals) if self.positional else dict(zip(names, vals, strict=True)))
        return conn.exec_driver_sql(self.sql, params).rowcount


class Applier:
    """Validates and upserts the rows of one bundle inside the caller's transaction."""

    def __init__(self, conn: Connection, township_code: str, county_code: str,
                 search: SearchRefresh | None = None) -> None:
        self.conn = conn
        self.search = search
        self.township = township_code
        self.county = county_code
        self.tables = synced_tables()
        self.codecs: dict[str, TableCodec] = {}
        self.seen: dict[str, set[str]] = defaultdict(set)
        self.accepted_ids: dict[str, set[str]] = defaultdict(set)  # exist in the county after this bundle
        self.known: dict[str, set[str]] = defaultdict(set)  # referenced ids found in the county store
        self.unique_seen: dict[tuple[str, str], dict[Any, str]] = defaultdict(dict)
        self.pending: list[tuple[str, dict[str, Any], int | None]] = []
        self.ack: dict[str, list[list[Any]]] = {}
        self.rejections: list[dict[str, Any]] = []
        self.rows = self.accepted = self.applied = 0
        self._inserts: dict[str, Compiled] = {}
        self._updates: dict[str, Compiled] = {}
        self.touched: dict[str, set[str]] = defaultdict(set)  # kind -> records whose status history changes

    # -- bookkeeping --------------------------------------------------------------------------
    def reject(self, table: str, rid: str, revision: Any, reason: str) -> None:
        self.rejections.append({"table": table, "id": rid,
                                "revision": revision if type(revision) is int else None, "reason": reason})

    def _accept(self, table: str, rid: str, revision: int, changed: bool) -> None:
        self.accepted_ids[table].add(rid)
        self.ack.setdefault(table, []).append([rid, revision])
        self.accepted += 1
        self.applied += changed

    def codec(self, table: str) -> TableCodec:
        c = self.codecs.get(table)
        if c is None:
            c = self.codecs[table] = TableCodec.for_table(self.tables[table])
        return c

    # -- per chunk ----------------------------------------------------------------------------
    def chunk(self, table: str, rows: list[Any]) -> None:
        decoded: list[dict[str, Any]] = []
        known_table = table in self.tables
        for obj in rows:
            self.rows += 1
            if not isinstance(obj, dict) or type(obj.get("id")) is not str or not 1 <= len(obj["id"]) <= 36:
                raise BundleRefused("批次数据格式错误：有记录不是对象或缺少有效的 id，已拒收", "malformed")
            rid, rev = obj["id"], obj.get("revision")
            if not known_table:
                self.reject(table, rid, rev, f"县级系统没有数据表“{table}”（请先升级县级软件）")
                continue
            if rid in self.seen[table]:
                self.reject(table, rid, rev, "同一批次中重复出现的记录")
                continue
            self.seen[table].add(rid)
            try:
                values = self.codec(table).decode(obj)
                self._check_scope(table, values)
            except RowRejected as e:
                self.reject(table, rid, rev, e.reason)
                continue
            decoded.append(values)
        if not decoded:
            return
        t = self.tables[table]
        existing: dict[str, tuple[int, str]] = {}
        ids = [v["id"] for v in decoded]
        for i in range(0, len(ids), IN_BATCH):
            for rid, rev, tc in self.conn.execute(select(t.c.id, t.c.revision, t.c.township_code)
                                                  .where(t.c.id.in_(ids[i:i + IN_BATCH]))):
                existing[rid] = (rev, tc)
        writes = []
        for v in decoded:
            ex = existing.get(v["id"])
            if ex is not None and ex[1] != self.township:
                self.reject(table, v["id"], v["revision"], "记录 id 已被其他乡镇的记录占用")
                continue
            if ex is not None and ex[0] >= v["revision"]:
                self._accept(table, v["id"], v["revision"], False)  # the county already holds this or newer
                continue
            writes.append((v, ex[0] if ex else None))
        self._lookup_refs(table, [v for v, _ in writes])
        inserts: list[dict[str, Any]] = []
        updates: list[tuple[dict[str, Any], int]] = []
        for v, old_rev in writes:
            reason = self._unique_conflict(table, v)
            if reason:
                self.reject(table, v["id"], v["revision"], reason)
                continue
            if self._missing_ref(table, v) is not None:
                self.pending.append((table, v, old_rev))
                continue
            (inserts.append(v) if old_rev is None else updates.append((v, old_rev)))
            self._accept(table, v["id"], v["revision"], True)
        self._write(table, inserts, updates)

    def _check_scope(self, table: str, v: dict[str, Any]) -> None:
        if v["township_code"] != self.township:
            raise RowRejected(f"字段 township_code：与批次所属乡镇 {self.township} 不符")
        if table == "township" and (v.get("code") != self.township or v.get("county_code") != self.county):
            raise RowRejected("乡镇记录的代码或所属县与批次不符")

    def _unique_conflict(self, table: str, v: dict[str, Any]) -> str | None:
        codec = self.codec(table)
        t = self.tables[table]
        for col in codec.unique:
            val = v[col]
            if val is None:
                continue
            owner = self.unique_seen[(table, col)].get(val)
            if owner is not None and owner != v["id"]:
                return f"字段 {col}：与同一批次中的另一条记录重复"
            other = self.conn.execute(select(t.c.id).where(t.c[col] == val, t.c.id != v["id"]).limit(1)).first()
            if other is not None:
                return f"字段 {col}：与县级已有的另一条记录重复"
            self.unique_seen[(table, col)][val] = v["id"]
        return None

    def _lookup_refs(self, table: str, rows: list[dict[str, Any]]) -> None:
        """Find which referenced ids exist in the county store (batched per target table)."""
        wanted: dict[tuple[str, str], set[Any]] = defaultdict(set)
        for col, target, tcol in self.codec(table).foreign_keys:
            for v in rows:
                ref = v[col]
                if ref is not None and ref not in self.accepted_ids[target] and ref not in self.known[target]:
                    wanted[(target, tcol)].add(ref)
        for (target, tcol), refs in wanted.items():
            tt = self.tables.get(target)
            if tt is None:
                from sqlmodel import SQLModel

                tt = SQLModel.metadata.tables[target]
            refs_l = list(refs)
            for i in range(0, len(refs_l), IN_BATCH):
                found = self.conn.execute(select(tt.c[tcol]).where(tt.c[tcol].in_(refs_l[i:i + IN_BATCH])))
                self.known[target].update(r[0] for r in found)

    def _missing_ref(self, table: str, v: dict[str, Any]) -> tuple[str, str, Any] | None:
        for col, target, _tcol in self.codec(table).foreign_keys:
            ref = v[col]
            if ref is not None and ref not in self.accepted_ids[target] and ref not in self.known[target]:
                return col, target, ref
        return None

    def _write(self, table: str, inserts: list[dict[str, Any]], updates: list[tuple[dict[str, Any], int]]) -> None:
        t = self.tables[table]
        kind = status_history.TABLE_KINDS.get(table)
        for v in [*inserts, *(v for v, _ in updates)]:
            if kind is not None:
                self.touched[kind].add(v["id"])
            elif table == "workflow_event" and v.get("record_kind") in status_history.KIND_TABLES:
                self.touched[v["record_kind"]].add(v["record_id"])
        if inserts:
            stmt = self._inserts.get(table)
            if stmt is None:
                stmt = self._inserts[table] = Compiled(self.conn, insert(t))
            stmt.run(self.conn, inserts)
            if self.search is not None:
                self.search.written(table, inserts)
        if updates:
            stmt = self._updates.get(table)
            if stmt is None:
                stmt = self._updates[table] = Compiled(self.conn, (
                    update(t).where(t.c.id == bindparam("k_id", type_=t.c.id.type),
                                    t.c.revision == bindparam("k_old", type_=t.c.revision.type),
                                    t.c.township_code == bindparam("k_town", type_=t.c.township_code.type))
                    .values({c.name: bindparam("b_" + c.name, type_=c.type) for c in t.columns if c.name != "id"})))
            params = []
            for v, old in updates:
                p = {"b_" + k: val for k, val in v.items() if k != "id"}
                p["k_id"], p["k_old"], p["k_town"] = v["id"], old, self.township
                params.append(p)
            if self.search is not None:
                self.search.before_update(table, [v["id"] for v, _ in updates])
            changed = stmt.run(self.conn, params)
            if changed not in (-1, len(params)):
                raise SyncError("导入时县级数据被同时修改，数据未改变：请重试", "conflict")
            if self.search is not None:
                self.search.written(table, [v for v, _ in updates])

    # -- end of bundle ------------------------------------------------------------------------
    def finish(self) -> None:
        """Apply held rows whose references arrived later in the bundle; reject the rest."""
        progress = True
        while self.pending and progress:
            progress = False
            waiting = []
            for table, v, old_rev in self.pending:
                if self._missing_ref(table, v) is None:
                    self._write(table, [v] if old_rev is None else [], [(v, old_rev)] if old_rev is not None else [])
                    self._accept(table, v["id"], v["revision"], True)
                    progress = True
                else:
                    waiting.append((table, v, old_rev))
            self.pending = waiting
        for table, v, _old in self.pending:
            col, target, ref = self._missing_ref(table, v) or ("?", "?", "?")
            self.reject(table, v["id"], v["revision"],
                        f"字段 {col}：引用的记录（表 {target}，id {ref}）在县级不存在，也不在本批次中")
        self.pending = []
