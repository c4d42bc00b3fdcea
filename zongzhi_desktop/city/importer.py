"""City import of a county bundle, with the chain of custody checked (issue 19; bundle-format §17).

Order (each refusal leaves the city store untouched):
container (the county bundle's own, township entries allowed) → manifest schema → city code →
registered county → registered, unrevoked county key → county signature → county chunks and
township entries exactly as the signed manifest lists them → county content key → then, for every
township bundle inside: its own container, the registration of the key that signed it (vouched for
by the county's signature), the **township's** signature and chunk hashes, its content key (sealed
to the city by the county) and every row → every county row equals the township's original of the
same (table, id, revision) → then in ONE transaction: lock the county row, replay check, chain
check, and each township bundle imported with the county importer's own code (county.importer.
apply_in: row rule, higher revision wins, replays are no-ops), the receipt signed, one audit entry.

Anything that breaks the chain — a township bundle altered, a county row that is not the
township's record — refuses the whole county bundle (code `custody`) and names the township, the
bundle and the record, so a county cannot alter a township record unnoticed.
"""

from __future__ import annotations

import hashlib
import json
import zlib
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, BinaryIO

from sqlalchemy import func, insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from ..county.importer import Replay, _open_source, apply_in
from ..county.setup import CountyKeys
from ..domain.models import utcnow
from ..domain.models.sync import (
    CityBundle,
    CityCounty,
    CityCountyKey,
    CountyTownship,
    CountyTownshipKey,
)
from ..store import audit
from ..store.database import Store
from ..store.serialize import canonical_json
from ..sync import container as ct
from ..sync import envelope
from ..sync.bundle import BundleFile, identity_hash
from ..sync.citybundle import CITY_RECEIPT_FORMAT, CountyBundleFile
from ..sync.errors import BundleRefused, SyncError
from ..sync.keys import b64, unb64, unpub
from ..sync.labels import table_label
from ..sync.profiles import Registration, read_registration
from ..sync.suites import SuiteError
from .setup import CityKeys

MAX_NAMED = 20  # records named in one refusal (the rest are counted)


@dataclass
class CityImportResult:
    receipt: bytes
    payload: dict[str, Any]
    replay: bool
    county_code: str
    sequence: int
    bundle_hash: str
    township_bundles: int = 0
    new_township_bundles: int = 0
    rows: int = 0
    township_missing: dict[str, list[int]] = field(default_factory=dict)  # township bundles the city lacks

    @property
    def sender_headers(self) -> dict[str, str]:
        return {"X-Zongzhi-County": self.county_code}


@dataclass
class _Proof:
    """One township bundle inside a county bundle, verified back to its township."""

    bf: BundleFile
    content_key: bytes
    registration: Registration
    identity: str
    size: int
    digests: dict[tuple[str, str, int], str]  # (table, id, revision) -> hash of the township's row


def _custody(message: str) -> BundleRefused:
    return BundleRefused(f"监管链核验未通过：{message}。县级不能改动乡镇上报的记录，已拒收整个县级批次，本市数据未改变",
                         "custody")


def _row_digest(row: dict[str, Any]) -> str:
    return hashlib.sha256(canonical_json(row).encode("utf-8")).hexdigest()


def _record_name(table: str, row: dict[str, Any]) -> str:
    serial = row.get("serial")
    return f"{table_label(table)}{' ' + serial if isinstance(serial, str) and serial else ''}（id {row.get('id')}）"


def _replay_result(receipt: bytes) -> CityImportResult:
    payload = envelope.parse(zlib.decompress(receipt), "city-receipt")[2]
    return CityImportResult(zlib.decompress(receipt), payload, True, payload["county_code"], payload["sequence"],
                            payload["bundle_hash"], payload["township_bundles"], 0, payload["rows"],
                            dict(payload.get("township_missing", {})))


def import_county_bundle(store: Store, source: str | Path | bytes | BinaryIO, keys: CityKeys, *,
                         actor: str = "city", via: str = "file", now: datetime | None = None) -> CityImportResult:
    """Verify a county bundle back to every township and import it; returns the signed city receipt.
    Raises BundleRefused (nothing stored)."""
    with _open_source(source) as (fh, size):
        cf = CountyBundleFile(fh, size)
        m = cf.manifest
        if cf.suite.name != keys.suite:
            raise BundleRefused(f"密码套件不符：本市要求 {keys.suite}，该县级批次使用 {cf.suite.name}，已拒收", "wrong_suite")
        if m["city_code"] != keys.city_code:
            raise BundleRefused(f"该县级批次是发给其他市（{m['city_code']}）的，本市为 {keys.city_name}（{keys.city_code}），已拒收",
                                "wrong_city")
        county = m["county_code"]
        with store.session() as s:
            known = s.get(CityCounty, county)
            key = s.get(CityCountyKey, m["signer"])
        if known is None:
            raise BundleRefused(f"县 {county}（{m['county_name']}）尚未在本市登记，已拒收：请先登记该县的登记文件"
                                "（zongzhi city register）", "unknown_county")
        if key is None or key.county_code != county:
            raise BundleRefused(f"县级批次的签名密钥未在本市登记（县 {county}，密钥指纹 {m.get('signer_fingerprint', '?')}），已拒收",
                                "unknown_key")
        if key.status == "revoked":
            raise BundleRefused(f"县级批次的签名密钥已被吊销（县 {county}），已拒收", "revoked_key")
        cf.verify_signature(unpub(key.public_key))
        cf.check_payload()
        cf.check_townships()
        with store.session() as s:  # the same file again (its every byte checked above): the stored receipt
            held = s.get(CityBundle, cf.bundle_hash)
            if held is not None:
                return _replay_result(held.receipt)
        content_key = cf.content_key(keys.encryption)
        opener = keys.encryption[m["encryption"]["recipient"]]
        proofs = [_verify_township(cf, i, opener, county) for i in range(len(m["townships"]))]
        _check_county_rows(cf, content_key, proofs)
        try:
            return _apply(store, cf, keys, proofs, size, actor=actor, via=via, now=now or utcnow())
        except Replay as r:
            return _replay_result(r.receipt)
        except IntegrityError:
            with store.session() as s:
                stored = s.get(CityBundle, cf.bundle_hash)
            if stored is not None:
                return _replay_result(stored.receipt)
            raise SyncError("导入时与另一导入冲突，数据未改变：请重试", "conflict") from None


def _verify_township(cf: CountyBundleFile, index: int, opener: Any, county: str) -> _Proof:
    """Check one forwarded township bundle against its township's own signature and hashes."""
    t = cf.manifest["townships"][index]
    where = f"县级批次中乡镇 {t['township_code']} 的第 {t['sequence']} 批（{t['entry']}）"
    try:
        bf = cf.township_bundle(index)
    except BundleRefused as e:
        raise _custody(f"{where}已被改动（{e.message}）") from None
    tm = bf.manifest
    where = f"县级批次中乡镇 {tm['township_code']}（{tm['township_name']}）的第 {tm['sequence']} 批"
    identity = identity_hash(tm, bf.bundle_hash)
    if (tm["township_code"] != t["township_code"] or tm["sequence"] != t["sequence"] or identity != t["bundle_hash"]
            or tm["county_code"] != county):
        raise _custody(f"{where}与县级清单所列的乡镇、批次序号或哈希不符")
    try:
        reg = read_registration(t["registration"].encode("utf-8"))
    except BundleRefused as e:
        raise _custody(f"{where}所附的乡镇登记文件无效（{e.message}）") from None
    if reg.key_id != tm["signer"] or reg.township_code != tm["township_code"] or reg.county_code != county:
        raise _custody(f"{where}的签名密钥与所附的乡镇登记文件不符")
    if bf.suite.name != cf.suite.name:
        raise _custody(f"{where}的密码套件与县级批次不一致")
    try:
        bf.verify_signature(reg.signing_key)
    except BundleRefused:
        raise _custody(f"{where}的乡镇签名无效：批次清单被改动") from None
    try:
        content_key = opener.open_key(unb64(t["sealed_key"]))
    except (ValueError, SuiteError):
        raise _custody(f"{where}的内容密钥无法打开") from None
    if len(content_key) != bf.suite.content_key_size:
        raise _custody(f"{where}的内容密钥格式错误")
    try:
        bf.check_payload()
    except BundleRefused:
        raise _custody(f"{where}的数据与乡镇签名的清单不符：{_altered_chunks(bf, content_key)}") from None
    digests: dict[tuple[str, str, int], str] = {}
    try:
        for table, rows in bf.iter_chunks(content_key):
            for r in rows:
                if isinstance(r, dict) and isinstance(r.get("id"), str) and type(r.get("revision")) is int:
                    digests[(table, r["id"], r["revision"])] = _row_digest(r)
    except BundleRefused as e:
        raise _custody(f"{where}无法按乡镇签名的清单读出（{e.message}）") from None
    return _Proof(bf, content_key, reg, identity, t["size"], digests)


def _altered_chunks(bf: BundleFile, content_key: bytes) -> str:
    """Which chunks of a township bundle differ from what its township signed, and the records in them."""
    parts = []
    suite = bf.suite
    for c, e in zip(bf.manifest["chunks"], bf.payload_entries, strict=False):
        data = ct.read_exact(bf.fh, e.data_offset, e.size)
        if c.get("size") == e.size and c.get(suite.hash_name) == suite.hexdigest(data):
            continue
        named = ""
        try:  # the county holds the content key: the altered chunk still opens, its records can be named
            plain = zlib.decompress(suite.decrypt(content_key, data[:suite.nonce_size], data[suite.nonce_size:]))
            rows = [json.loads(line) for line in plain.splitlines() if line.strip()]
            names = [_record_name(c["table"], r) for r in rows[:MAX_NAMED] if isinstance(r, dict)]
            named = "，其中的记录：" + "、".join(names) + ("等" if len(rows) > MAX_NAMED else "")
        except (SuiteError, ValueError, zlib.error):
            pass
        parts.append(f"数据块 {e.name}（{table_label(c['table'])}）{named}")
    return "；".join(parts) or "数据块数量或记录数与清单不一致"


def _check_county_rows(cf: CountyBundleFile, content_key: bytes, proofs: list[_Proof]) -> None:
    """Every row the county sends must be exactly the township's record of the same revision."""
    originals: dict[tuple[str, str, int], tuple[str, _Proof]] = {}
    for p in proofs:
        for k, d in p.digests.items():
            originals[k] = (d, p)
    problems: list[str] = []
    count = 0
    for table, rows in cf.iter_chunks(content_key):
        for r in rows:
            if not isinstance(r, dict):
                raise BundleRefused("县级批次数据格式错误：有记录不是对象，已拒收", "malformed")
            found = originals.get((table, r.get("id"), r.get("revision")))  # type: ignore[arg-type]
            town = r.get("township_code")
            if found is None:
                problem = (f"乡镇 {town} 的{_record_name(table, r)}第 {r.get('revision')} 版在县级批次中没有乡镇签名的原始批次")
            elif found[0] != _row_digest(r):
                tm = found[1].bf.manifest
                problem = (f"乡镇 {tm['township_code']}（{tm['township_name']}）的{_record_name(table, r)}"
                           f"第 {r['revision']} 版与该乡镇第 {tm['sequence']} 批中签名的原始记录不符（县级改动过）")
            else:
                continue
            count += 1
            if len(problems) < MAX_NAMED:
                problems.append(problem)
    if problems:
        more = f"；另有 {count - len(problems)} 条" if count > len(problems) else ""
        raise _custody("；".join(problems) + more)


def _ensure_township(s: Session, reg: Registration, county: str, actor: str, now: datetime) -> None:
    """The township and its key as the county vouches for them (the county checked it by phone)."""
    town = s.get(CountyTownship, reg.township_code)
    if town is None:
        s.add(CountyTownship(code=reg.township_code, name=reg.township_name, registered_at=now,
                             registered_by=f"county:{county}"))
        s.flush()
    key = s.get(CountyTownshipKey, reg.key_id)
    if key is not None:
        if key.township_code != reg.township_code:
            raise _custody(f"乡镇 {reg.township_code} 的签名密钥已登记给乡镇 {key.township_code}")
        return
    retired = []
    for old in s.execute(select(CountyTownshipKey).where(CountyTownshipKey.township_code == reg.township_code,
                                                         CountyTownshipKey.status == "active")).scalars():
        old.status, old.status_changed_at = "retired", now
        s.add(old)
        retired.append(old.key_id)
    s.add(CountyTownshipKey(key_id=reg.key_id, township_code=reg.township_code, public_key=b64(reg.signing_key),
                            status="active", registered_at=now, registered_by=f"county:{county}",
                            registration=reg.raw.decode("utf-8")))
    s.flush()
    audit.append(s, username=actor[:64], action="city_township_key", record_kind="county_township", record_id=None,
                 before={"retired": retired} if retired else None,
                 after={"township_code": reg.township_code, "key_id": reg.key_id, "vouched_by": county})


def _refuse_fork(conn: Any, m: dict[str, Any], bundle_hash: str) -> None:
    """A county bundle that is not the one the city holds at its sequence, or that does not follow the
    one before it, starts a second history of the county: refuse it."""
    cb = CityBundle.__table__  # type: ignore[attr-defined]
    county, seq = m["county_code"], m["sequence"]
    near = {r.sequence: r.bundle_hash for r in conn.execute(
        select(cb.c.sequence, cb.c.bundle_hash).where(cb.c.county_code == county, cb.c.sequence.in_([seq - 1, seq])))}
    if near.get(seq) is None and (near.get(seq - 1) is None or near[seq - 1] == m["previous_hash"]):
        return
    raise BundleRefused(f"县 {county} 的第 {seq} 批与本市已有的县级批次链不符（本市已收到另一份第 {seq} 批，或它不接在第 "
                        f"{seq - 1} 批之后）：县级数据库可能从旧备份恢复过，已拒收。请联系市级管理员", "fork")


def _apply(store: Store, cf: CountyBundleFile, keys: CityKeys, proofs: list[_Proof], size: int, *,
           actor: str, via: str, now: datetime) -> CityImportResult:
    m = cf.manifest
    county = m["county_code"]
    cc = CityCounty.__table__  # type: ignore[attr-defined]
    cb = CityBundle.__table__  # type: ignore[attr-defined]
    # The township bundles are imported as a county imports them; their township-level receipts are
    # signed by the city (kept for replays, never sent: the county gets the city receipt).
    as_county = CountyKeys(county, m["county_name"], keys.signing, keys.signing_key_id, {}, {}, "", keys.suite)
    with store.session() as s, s.begin():
        conn = s.connection()
        locked = conn.execute(update(cc).where(cc.c.code == county).values(lock_version=cc.c.lock_version + 1))
        if locked.rowcount != 1:
            raise BundleRefused(f"县 {county} 尚未在本市登记，已拒收", "unknown_county")
        stored = conn.execute(select(cb.c.receipt).where(cb.c.bundle_hash == cf.bundle_hash)).first()
        if stored is not None:
            raise Replay(stored.receipt)
        _refuse_fork(conn, m, cf.bundle_hash)
        acknowledged, rejections, new, rows = [], [], 0, 0
        missing: dict[str, list[int]] = {}
        for p in proofs:
            _ensure_township(s, p.registration, county, actor, now)
            try:
                with s.begin_nested():  # a township bundle held already is a no-op, as at the county
                    r = apply_in(s, p.bf, p.content_key, as_county, p.size, actor=actor, via=f"city:{county}",
                                 now=now)
            except Replay:
                acknowledged.append(p.identity)
                continue
            except BundleRefused as e:
                if e.code == "fork":
                    raise _custody(f"县级批次中乡镇 {_town(p)} 的第 {p.bf.sequence} 批与本市已有的该乡镇批次链不符"
                                   "（同一序号的另一份批次）") from None
                raise
            new += 1
            rows += r.rows
            acknowledged.append(p.identity)
            rejections += [{**x, "township_code": r.township_code} for x in r.payload["rejections"]]
            missing[r.township_code] = r.missing_sequences  # the newest bundle of a township says it
        missing = {code: seqs for code, seqs in missing.items() if seqs}
        payload = {
            "format": CITY_RECEIPT_FORMAT, "version": 1, "city_code": keys.city_code, "city_name": keys.city_name,
            "county_code": county, "sequence": m["sequence"], "bundle_hash": cf.bundle_hash,
            "bundle_id": m["bundle_id"], "received_at": now.isoformat(timespec="microseconds"),
            "township_bundles": len(proofs), "new_township_bundles": new, "rows": rows,
            "acknowledged": acknowledged, "rejected": len(rejections), "rejections": rejections,
            "township_missing": missing, "signer": keys.signing_key_id, "suite": keys.signing.suite.name,
        }
        receipt = envelope.sign("city-receipt", payload, keys.signing)
        span = m["span"]
        conn.execute(insert(cb).values(
            bundle_hash=cf.bundle_hash, county_code=county, sequence=m["sequence"], bundle_id=m["bundle_id"],
            previous_hash=m["previous_hash"], created_at=datetime.fromisoformat(m["created_at"]),
            span_from=datetime.fromisoformat(span["from"]) if span["from"] else None,
            span_to=datetime.fromisoformat(span["to"]), received_at=now, received_by=actor[:64], via=via[:16],
            signer_key_id=m["signer"], file_size=size, township_bundles=len(proofs), new_township_bundles=new,
            rows=rows, manifest=cf.manifest_bytes.decode("utf-8"), receipt=zlib.compress(receipt, 6)))
        conn.execute(update(cc).where(cc.c.code == county).values(
            last_sequence=func.max(cc.c.last_sequence, m["sequence"]) if conn.dialect.name == "sqlite"
            else func.greatest(cc.c.last_sequence, m["sequence"]),
            last_received_at=now, bundle_count=cc.c.bundle_count + 1))
        audit.append(s, username=actor[:64], action="city_import", record_kind="city_bundle", record_id=None,
                     before=None, after={"county_code": county, "sequence": m["sequence"],
                                         "bundle_hash": cf.bundle_hash, "township_bundles": len(proofs),
                                         "new_township_bundles": new, "rows": rows, "via": via})
    return CityImportResult(receipt, payload, False, county, m["sequence"], cf.bundle_hash, len(proofs), new, rows,
                            missing)


def _town(p: _Proof) -> str:
    return f"{p.bf.township_code}（{p.bf.manifest['township_name']}）"
