"""The county toward its city (issue 19): trust the city profile, register with it, forward the
township bundles it holds in a county bundle (USB file or upload), apply the city's receipt.

What a county bundle carries: every township bundle the county received (kept byte for byte since
migration 0021) that the city has not acknowledged, oldest first per township, each with its
content key sealed to the city; and the county's own current rows for the records of those bundles
(a row whose revision the township bundle carries), sealed to the city like a township bundle's
rows. The city verifies every township bundle's own signature and hashes and compares each county
row with the township's original (city/importer.py). A lost county bundle is never sent again: the
next one carries every township bundle the city has not acknowledged.
"""

from __future__ import annotations

import json
import os
import tempfile
import zlib
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import func, select, update

from .._setting import get_setting, put_setting
from ..domain.models import GENESIS_HASH, new_uuid, utcnow
from ..domain.models.sync import CountyBundle, CountyTownshipKey, SyncBundle
from ..store import audit
from ..store.database import Store
from ..store.serialize import content_columns
from ..sync import container as ct
from ..sync import envelope, suites
from ..sync.bundle import _finish, encryption_field, open_bundle_bytes, write_chunks
from ..sync.citybundle import (
    COUNTY_BUNDLE_FORMAT,
    COUNTY_BUNDLE_VERSIONS,
    CityProfile,
    check_city_receipt,
    county_bundle_file_name,
    make_county_registration,
    read_city_profile,
)
from ..sync.errors import BundleRefused, SyncError
from ..sync.export import PARTIAL, durable_close
from ..sync.keys import b64, fingerprint, key_id, unb64
from ..sync.rowcodec import encode_row, encoders, synced_tables
from ..sync.trust import check_expected
from .setup import CountyKeys, county_identity

IN_BATCH = 500
MAX_TOWNSHIP_BUNDLES = 20_000  # per county bundle (the container holds at most 65,000 entries)
MAX_FORWARD_BYTES = 1024 * 1024 * 1024  # township bundle bytes per county bundle (the file stays under 2 GiB)


# -- trust ---------------------------------------------------------------------------------------
def trusted_city(store: Store) -> CityProfile | None:
    """The city profile this county trusts, or None."""
    with store.session() as s:
        raw = get_setting(s, "city_profile")
    return read_city_profile(raw.encode("utf-8")) if raw else None


def require_city(store: Store) -> CityProfile:
    city = trusted_city(store)
    if city is None:
        raise SyncError("本县尚未信任市级配置文件：请先运行 zongzhi county trust-city 市级配置文件", "no_city")
    return city


def trust_city(store: Store, data: bytes, *, expected_fingerprint: str | None = None,
               actor: str = "county") -> CityProfile:
    """Trust a city profile after its fingerprint was confirmed by phone. A new profile of the same
    city (the city rebuilt its keys) replaces the old one; the old signing key still verifies
    receipts for county bundles sealed to it."""
    ident = county_identity(store)
    profile = read_city_profile(data)
    check_expected(profile.fingerprint, expected_fingerprint, "市级配置文件")
    if profile.city_code[:4] != ident.county_code[:4]:
        raise SyncError(f"市级配置文件属于 {profile.city_name}（{profile.city_code}），本县 {ident.county_code} "
                        "不属于该市，未导入", "wrong_city")
    if profile.suite != ident.suite:
        raise SyncError(f"密码套件不符：市级配置文件使用 {suites.LABELS[profile.suite]}，本县使用 "
                        f"{suites.LABELS[ident.suite]}，未导入", "wrong_suite")
    with store.session() as s, s.begin():
        old = get_setting(s, "city_profile")
        previous = json.loads(get_setting(s, "city_previous_keys") or "[]")
        if old:
            old_key = b64(read_city_profile(old.encode("utf-8")).signing_key)
            if old_key != b64(profile.signing_key) and old_key not in previous:
                previous.append(old_key)
        put_setting(s, "city_profile", profile.raw.decode("utf-8"))
        put_setting(s, "city_previous_keys", json.dumps(previous))
        audit.append(s, username=actor[:64], action="county_trust_city", record_kind="county", record_id=None,
                     before=None, after={"city_code": profile.city_code, "profile_id": profile.profile_id})
    return profile


def registration_file(store: Store, keys: CountyKeys, *, replaces: str | None = None,
                      now: datetime | None = None) -> bytes:
    """The county's registration with the trusted city, signed with the county's current signing key."""
    city = require_city(store)
    return make_county_registration(keys.county_code, keys.county_name, city.city_code, city.profile_id,
                                    keys.signing, now or utcnow(), replaces)


# -- export --------------------------------------------------------------------------------------
@dataclass
class ForwardResult:
    path: Path
    sequence: int
    bundle_hash: str
    township_bundles: int
    rows: int  # county rows carried (the city checks each against the township's original)
    counts: dict[str, dict[str, int]]
    more: bool = False  # township bundles left for the next county bundle (size limits)
    townships: list[str] = field(default_factory=list)


def _waiting(conn: Any) -> list[Any]:
    """Township bundles held as received and not acknowledged by the city, oldest first per township."""
    cb = CountyBundle.__table__  # type: ignore[attr-defined]
    return conn.execute(select(cb.c.bundle_hash, cb.c.township_code, cb.c.sequence, cb.c.file_size,
                               cb.c.signer_key_id)
                        .where(cb.c.city_acked_at.is_(None), cb.c.original.is_not(None))
                        .order_by(cb.c.township_code, cb.c.sequence)).all()


def _county_rows(conn: Any, wanted: dict[str, dict[str, int]]) -> dict[str, list[dict[str, Any]]]:
    """The county's current row for each (table, id) whose revision is the one the township sent."""
    out: dict[str, list[dict[str, Any]]] = {}
    for name, table in synced_tables().items():
        ids = wanted.get(name)
        if not ids:
            continue
        encs = encoders(table)
        keys = sorted(ids)
        rows = []
        for i in range(0, len(keys), IN_BATCH):
            q = select(*content_columns(table)).where(table.c.id.in_(keys[i:i + IN_BATCH]))
            for r in conn.execute(q):
                row = encode_row(encs, r)
                if row["revision"] == ids[row["id"]]:
                    rows.append(row)
        rows.sort(key=lambda r: (r["created_at"], r["id"]))
        out[name] = rows
    return out


def export_county_bundle(store: Store, keys: CountyKeys, out_dir: str | Path, *, actor: str = "county",
                         now: datetime | None = None) -> ForwardResult:
    """Write the next county bundle to `out_dir` (temporary name, fsync, rename) and record it."""
    city = require_city(store)
    now = now or utcnow()
    out_dir = Path(out_dir)
    if not out_dir.is_dir():
        raise SyncError(f"目录不存在：{out_dir}", "no_dir")
    sb = SyncBundle.__table__  # type: ignore[attr-defined]
    cb = CountyBundle.__table__  # type: ignore[attr-defined]
    ctk = CountyTownshipKey.__table__  # type: ignore[attr-defined]
    suite = keys.signing.suite
    with store.engine.connect() as conn, conn.begin():  # one snapshot: the bundles and the rows agree
        last = conn.execute(select(sb.c.sequence, sb.c.bundle_hash, sb.c.created_at)
                            .order_by(sb.c.sequence.desc()).limit(1)).first()
        sequence = (last.sequence if last else 0) + 1
        waiting = _waiting(conn)
        chosen, total = [], 0
        for w in waiting:
            if chosen and (len(chosen) >= MAX_TOWNSHIP_BUNDLES or total + w.file_size > MAX_FORWARD_BYTES):
                break
            chosen.append(w)
            total += w.file_size
        more = len(chosen) < len(waiting)
        wanted: dict[str, dict[str, int]] = defaultdict(dict)
        townships: list[dict[str, Any]] = []

        def original_of(bundle_hash: str) -> bytes:
            return bytes(conn.execute(select(cb.c.original).where(cb.c.bundle_hash == bundle_hash)).scalar_one())

        # Pass 1: which records (and revisions) each bundle carries; one bundle in memory at a time.
        for w in chosen:
            original = original_of(w.bundle_hash)
            bf = open_bundle_bytes(original)
            content_key = _content_key(bf, keys, store)
            for table, rows in bf.iter_chunks(content_key):
                for r in rows:
                    wanted[table][r["id"]] = r["revision"]
            registration = conn.execute(select(ctk.c.registration).where(ctk.c.key_id == w.signer_key_id)).scalar_one()
            townships.append({
                "entry": ct.township_entry_name(len(townships) + 1), "size": len(original),
                suite.hash_name: suite.hexdigest(original), "township_code": w.township_code,
                "sequence": w.sequence, "bundle_hash": w.bundle_hash,
                "sealed_key": b64(suite.seal_key(city.encryption_key, content_key)), "registration": registration,
            })
        tables = _county_rows(conn, wanted)
        name = county_bundle_file_name(keys.county_code, sequence)
        path, tmp = out_dir / name, out_dir / (name + PARTIAL)
        content_key = suites.random_bytes(suite.content_key_size)
        try:
            with open(tmp, "wb") as fh:
                writer = ct.ContainerWriter(fh)
                chunks, counts = write_chunks(writer, tables.items(), content_key, suite=suite)
                for t in townships:  # pass 2: the originals, byte for byte, one at a time
                    writer.add(t["entry"], original_of(t["bundle_hash"]))
                signer_id = key_id(keys.signing.public)
                manifest = {
                    "format": COUNTY_BUNDLE_FORMAT, "version": COUNTY_BUNDLE_VERSIONS[suite.name], "suite": suite.name,
                    "bundle_id": new_uuid(), "app": "zongzhi-desktop", "city_code": city.city_code,
                    "county_code": keys.county_code, "county_name": keys.county_name, "sequence": sequence,
                    "previous_hash": last.bundle_hash if last else GENESIS_HASH,
                    "created_at": now.isoformat(timespec="microseconds"),
                    "span": {"from": last.created_at.isoformat(timespec="microseconds") if last else None,
                             "to": now.isoformat(timespec="microseconds")},
                    "mode": "records",
                    "rows": sum(c["rows"] for c in counts.values()), "counts": counts,
                    "encryption": encryption_field(suite, city.encryption_key, content_key),
                    "compression": "zlib", "chunks": chunks, "townships": townships,
                    "signer": signer_id, "signer_fingerprint": fingerprint(signer_id),
                }
                written = _finish(writer, manifest, keys.signing, content_key, "county-bundle-manifest")
                durable_close(fh)
            os.replace(tmp, path)
        except OSError as e:
            tmp.unlink(missing_ok=True)
            raise SyncError(f"无法写入县级批次 {path}：{e.strerror}", "write_failed") from None
        except BaseException:
            tmp.unlink(missing_ok=True)
            raise
    with store.session() as s, s.begin():
        s.add(SyncBundle(sequence=sequence, bundle_hash=written.bundle_hash, bundle_id=manifest["bundle_id"],
                         file_name=name, county_code=city.city_code, signer_key_id=signer_id, created_at=now,
                         created_by=actor[:64], rows=written.rows,
                         counts=json.dumps({t: c["rows"] for t, c in written.counts.items()}),
                         recipient=city.encryption_key_id))  # never sent again: the next one carries it all
        hashes = [t["bundle_hash"] for t in townships]
        conn = s.connection()
        for i in range(0, len(hashes), IN_BATCH):
            conn.execute(update(cb).where(cb.c.bundle_hash.in_(hashes[i:i + IN_BATCH])).values(city_sequence=sequence))
        audit.append(s, username=actor[:64], action="county_forward", record_kind="county_forward", record_id=None,
                     before=None, after={"city_code": city.city_code, "sequence": sequence,
                                         "bundle_hash": written.bundle_hash, "township_bundles": len(townships),
                                         "rows": written.rows})
    return ForwardResult(path, sequence, written.bundle_hash, len(townships), written.rows, written.counts, more,
                         sorted({t["township_code"] for t in townships}))


def _content_key(bf: Any, keys: CountyKeys, store: Store) -> bytes:
    try:
        return bf.content_key(keys.encryption)
    except BundleRefused as e:
        if e.code != "wrong_recipient" or not keys.passphrase or not keys.reload(store):
            raise
        return bf.content_key(keys.encryption)


# -- receipt -------------------------------------------------------------------------------------
@dataclass
class CityReceiptResult:
    sequence: int
    bundle_hash: str
    acknowledged: int  # township bundles the city now holds
    rows: int
    already_applied: bool
    township_missing: dict[str, list[int]] = field(default_factory=dict)  # township bundles the city lacks
    rejections: list[dict[str, Any]] = field(default_factory=list)


def apply_city_receipt(store: Store, data: bytes, *, actor: str = "county",
                       now: datetime | None = None) -> CityReceiptResult:
    """Verify the city's receipt and mark the township bundles it acknowledges (applied once; again: no change)."""
    ident = county_identity(store)
    city = require_city(store)
    with store.session() as s:
        previous = json.loads(get_setting(s, "city_previous_keys") or "[]")
    body, sig, p = envelope.parse(data, "city-receipt")
    for key in [city.signing_key, *(unb64(k) for k in previous)]:
        try:
            envelope.verify("city-receipt", body, sig, key)
            break
        except BundleRefused:
            continue
    else:
        raise BundleRefused("市级回执的签名无效：不是由本县信任的市级密钥签发，未导入", "bad_signature")
    check_city_receipt(p)
    if p["county_code"] != ident.county_code:
        raise BundleRefused(f"该回执是给其他县（{p['county_code']}）的，未导入", "wrong_county")
    now = now or utcnow()
    cb = CountyBundle.__table__  # type: ignore[attr-defined]
    with store.session() as s, s.begin():
        row = s.get(SyncBundle, p["sequence"])
        if row is None or row.bundle_hash != p["bundle_hash"]:
            raise BundleRefused(f"该回执对应的县级批次（第 {p['sequence']} 批）不是本县转报的批次，未导入", "mismatch")
        already = row.receipt_at is not None
        if not already:
            row.receipt_at, row.accepted, row.rejected = now, len(p["acknowledged"]), len(p.get("rejections", []))
            row.receipt = zlib.compress(data, 6)
            s.add(row)
            conn = s.connection()
            hashes = p["acknowledged"]
            for i in range(0, len(hashes), IN_BATCH):
                conn.execute(update(cb).where(cb.c.bundle_hash.in_(hashes[i:i + IN_BATCH]), cb.c.city_acked_at.is_(None))
                             .values(city_acked_at=now))
            audit.append(s, username=actor[:64], action="county_city_receipt", record_kind="county_forward",
                         record_id=None, before=None,
                         after={"sequence": p["sequence"], "acknowledged": len(hashes)})
    return CityReceiptResult(p["sequence"], p["bundle_hash"], len(p["acknowledged"]), p["rows"], already,
                             dict(p["township_missing"]), list(p.get("rejections", [])))


def forward_status(store: Store) -> dict[str, Any]:
    """What the county has forwarded: the trusted city, county bundles sent and receipted, township
    bundles waiting (not yet acknowledged by the city) and those received before originals were kept."""
    city = trusted_city(store)
    sb = SyncBundle.__table__  # type: ignore[attr-defined]
    cb = CountyBundle.__table__  # type: ignore[attr-defined]
    with store.engine.connect() as conn:
        sent = conn.execute(select(func.count()).select_from(sb)).scalar() or 0
        receipted = conn.execute(select(func.count()).select_from(sb).where(sb.c.receipt_at.is_not(None))).scalar() or 0
        waiting = conn.execute(select(func.count()).select_from(cb).where(
            cb.c.city_acked_at.is_(None), cb.c.original.is_not(None))).scalar() or 0
        acked = conn.execute(select(func.count()).select_from(cb).where(cb.c.city_acked_at.is_not(None))).scalar() or 0
        without = conn.execute(select(func.count()).select_from(cb).where(cb.c.original.is_(None))).scalar() or 0
    return {"city": None if city is None else {"city_code": city.city_code, "city_name": city.city_name,
                                               "fingerprint": city.fingerprint, "upload_url": city.upload_url},
            "county_bundles_sent": sent, "county_bundles_receipted": receipted,
            "township_bundles_waiting": waiting, "township_bundles_acknowledged": acked,
            "township_bundles_without_original": without}


# -- upload --------------------------------------------------------------------------------------
def upload_to_city(store: Store, keys: CountyKeys, url: str | None = None,
                   **post: Any) -> tuple[ForwardResult, CityReceiptResult]:
    """Write a new county bundle (every township bundle the city has not acknowledged) to a temporary
    folder, POST it to the city hub and apply the receipt it answers with."""
    from ..sync.upload import post_bundle

    city = require_city(store)
    base = url or city.upload_url
    if not base:
        raise SyncError("未设置市级上传地址：请用 --url 指定（或在市级配置文件中设置）", "no_url")
    with tempfile.TemporaryDirectory(prefix="zongzhi-city-") as tmp:
        result = export_county_bundle(store, keys, tmp, actor="upload")
        receipt = post_bundle(result.path, base, server="市级",
                              fallback="也可以改用U盘转报（zongzhi county forward -o U盘目录）", **post)
    return result, apply_city_receipt(store, receipt, actor="upload")
