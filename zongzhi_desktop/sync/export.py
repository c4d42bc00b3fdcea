"""Township export: every synced row whose revision the county has not acknowledged, as one bundle.

The bundle is written to the outbox next to the store (kept until its receipt arrives), verified,
and then copied to the chosen folder or removable drive the same careful way: temporary name,
fsync, read back and verify, rename. A stick pulled mid-write leaves only a `.partial` file,
which the county refuses.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO

from sqlalchemy import Connection, and_, or_, select
from sqlalchemy.exc import IntegrityError

from ..domain.models import GENESIS_HASH, utcnow
from ..domain.models.sync import SyncAck, SyncBundle, SyncKey
from ..domain.roles import Perm
from ..services.kinds import restricted_kinds
from ..store import audit
from ..store.serialize import content_columns
from .attachments import CONTENT_TABLE, content_rows, township_requests
from .bundle import BundleFile, BundleHeader, bundle_file_name, identity_hash, write_bundle
from .errors import BundleRefused, SyncError
from .keys import TOWNSHIP_SIGNING, unpub
from .rowcodec import encode_row, encoders, restricted_tables, synced_tables
from .trust import trusted_county, unlocked_signing_key

if TYPE_CHECKING:
    from ..services import Services

PARTIAL = ".partial"


@dataclass
class ExportResult:
    sequence: int
    file_name: str
    bundle_hash: str
    rows: int
    counts: dict[str, dict[str, int]]
    outbox_path: Path
    copied: list[Path] = field(default_factory=list)  # files written to the target folder
    resent: list[int] = field(default_factory=list)  # earlier sequences still awaiting a receipt, copied again


RESTORED_AFTER = "sync_restored_after"  # setting: the bundle sequence a restore from the county continued after


def restored_after(conn: Connection) -> int | None:
    """The sequence this store was restored after (its audit chain began anew then), if it was."""
    from ..domain.models import Setting

    t = Setting.__table__  # type: ignore[attr-defined]
    value = conn.execute(select(t.c.value).where(t.c.key == RESTORED_AFTER)).scalar()
    return int(value) if value else None


def outbox_dir(services: Services) -> Path:
    """<data dir>/outbox: bundles kept until the county's receipt for them arrives."""
    path = services.store.path
    if path is None:
        raise SyncError("只有乡镇本地数据库可以导出批次", "not_township")
    out = path.parent / "outbox"
    out.mkdir(parents=True, exist_ok=True)
    return out


def unacked_rows(conn: Connection, table_name: str, township_code: str) -> Iterator[dict[str, Any]]:
    """Rows of one table (this township's) with no acknowledgement at their current revision."""
    table = synced_tables()[table_name]
    ack = SyncAck.__table__  # type: ignore[attr-defined]
    q = (select(*content_columns(table))
         .select_from(table.outerjoin(ack, and_(ack.c.table_name == table_name, ack.c.record_id == table.c.id)))
         .where(table.c.township_code == township_code,
                or_(ack.c.revision.is_(None), ack.c.revision < table.c.revision))
         .order_by(table.c.created_at, table.c.id))
    if "record_kind" in table.c and table_name == "attachment":
        q = q.where(table.c.record_kind.not_in(restricted_kinds()))  # files on a restricted register stay
    encs = encoders(table)
    for row in conn.execute(q):
        yield encode_row(encs, row)


def restricted_travel(conn: Connection) -> dict[str, tuple[str, ...] | None]:
    """How each restricted register's table travels, from the county's latest request: None (not at
    all: a county that never stated it, or a table that goes only with whole rows), () whole rows,
    or the columns sent empty (the person's identity)."""
    from ..kinds import parts

    asked = township_requests(conn).get("restricted_records")
    blanked = {name: cols for part in parts("domain") for name, cols in part.BLANKED.items()}
    full_only = {name for part in parts("domain") for name in part.FULL_ONLY}
    out: dict[str, tuple[str, ...] | None] = {}
    for name in restricted_tables():
        if asked is None or (not asked and name in full_only):
            out[name] = None
        else:
            out[name] = () if asked else blanked.get(name, ())
    return out


def restricted_rows(conn: Connection, table_name: str, township_code: str,
                    blanked: tuple[str, ...] | None) -> Iterator[dict[str, Any]]:
    """A restricted register's unacknowledged rows with the `blanked` columns sent empty."""
    table = synced_tables()[table_name]
    for row in unacked_rows(conn, table_name, township_code):
        for name in blanked or ():
            row[name] = "" if not table.c[name].nullable else None
        yield row


def fsync_dir(path: Path) -> None:
    """Make a rename durable (POSIX); Windows has no directory handles to sync."""
    if os.name != "posix":
        return
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def durable_close(fh: BinaryIO) -> None:
    """Flush, fsync and drop the file's cached pages so the read-back comes from the device."""
    fh.flush()
    os.fsync(fh.fileno())
    if hasattr(os, "posix_fadvise"):
        os.posix_fadvise(fh.fileno(), 0, 0, os.POSIX_FADV_DONTNEED)
    fh.close()


def verify_file(path: Path, public_keys: dict[str, bytes], content_key: bytes | None = None,
                expected_hash: str | None = None, *, expected_identity: str | None = None) -> BundleFile:
    """Read a written bundle back: container, signature, hashes (and with the content key, every row).

    `expected_hash` is the exact manifest hash; `expected_identity` the hash the bundle is known by
    (the original's, for a copy re-sealed after a county key rotation)."""
    with open(path, "rb") as fh:
        bf = BundleFile(fh, os.fstat(fh.fileno()).st_size)
        key = public_keys.get(bf.manifest["signer"])
        if key is None:
            raise BundleRefused("批次的签名密钥不是本乡镇的密钥", "unknown_key")
        bf.verify_signature(key)
        bf.check_payload()
        if expected_hash is not None and bf.bundle_hash != expected_hash:
            raise BundleRefused("读回的批次与写入的不一致", "tampered")
        if expected_identity is not None and identity_hash(bf.manifest, bf.bundle_hash) != expected_identity:
            raise BundleRefused("读回的批次与写入的不一致", "tampered")
        if content_key is not None:
            for _table, _rows in bf.iter_chunks(content_key, parse=False):
                pass
    return bf


def _own_public_keys(services: Services) -> dict[str, bytes]:
    with services.session() as s:
        rows = s.execute(select(SyncKey).where(SyncKey.purpose == TOWNSHIP_SIGNING)).scalars().all()
    return {r.key_id: unpub(r.public_key) for r in rows}


def copy_verified(src: Path, target_dir: Path, public_keys: dict[str, bytes], identity: str) -> Path:
    """Copy a bundle to a folder or drive: temporary name, fsync, read back and verify, rename."""
    final = target_dir / src.name
    tmp = target_dir / (src.name + PARTIAL)
    try:
        with open(src, "rb") as fin, open(tmp, "wb") as fout:
            while block := fin.read(1024 * 1024):
                fout.write(block)
            durable_close(fout)
        verify_file(tmp, public_keys, expected_identity=identity)
        os.replace(tmp, final)
        fsync_dir(target_dir)
    except (OSError, BundleRefused) as e:
        try:
            tmp.unlink(missing_ok=True)
        except OSError:
            pass
        detail = e.message if isinstance(e, BundleRefused) else (e.strerror or str(e))
        raise SyncError(f"写入 {target_dir} 失败（{detail}）：批次已保存在本机待发目录，"
                        "请检查U盘后重新导出", "write_failed") from None
    return final


def export_bundle(services: Services, passphrase: str, out_dir: str | Path | None = None, *,
                  resend_pending: bool = True, now: datetime | None = None,
                  chunk_target: int | None = None, full_state: bool = False) -> ExportResult:
    """Export a new bundle of everything not yet acknowledged; copy it (and any earlier bundles
    still awaiting a receipt) to `out_dir` if given."""
    services.require(Perm.ENTER, "导出上报批次")
    county = trusted_county(services)
    town = services.township
    key_row, signer = unlocked_signing_key(services, passphrase, "交县综治中心登记后再导出")
    from .reseal import reseal_waiting

    reseal_waiting(services, signer)  # after a county key rotation: waiting bundles go to the new key
    target = Path(out_dir) if out_dir is not None else None
    if target is not None and not target.is_dir():
        raise SyncError(f"导出目录 {target} 不存在或不是文件夹（U盘是否已插好？）", "no_target")
    outbox = outbox_dir(services)
    now = now or utcnow()
    recipient = unpub(county.encryption_key)

    # One read transaction: a consistent snapshot of the rows and of the last bundle.
    with services.store.engine.connect() as conn, conn.begin():
        bundles = SyncBundle.__table__  # type: ignore[attr-defined]
        last = conn.execute(select(bundles.c.sequence, bundles.c.bundle_hash, bundles.c.created_at)
                            .order_by(bundles.c.sequence.desc()).limit(1)).first()
        sequence = (last.sequence if last else 0) + 1
        header = BundleHeader(town.code, town.name, town.county_code, sequence,
                              last.bundle_hash if last else GENESIS_HASH, now, last.created_at if last else None,
                              audit_head=audit.current_head(conn), full_state=full_state,
                              restored_after=restored_after(conn))
        name = bundle_file_name(town.code, sequence)
        tmp = outbox / (name + PARTIAL)
        restricted = restricted_travel(conn)
        tables = ((t, content_rows(conn, services, town.code) if t == CONTENT_TABLE
                   else restricted_rows(conn, t, town.code, restricted[t]) if t in restricted
                   else unacked_rows(conn, t, town.code))
                  for t in synced_tables() if restricted.get(t, "") is not None)
        kw = {"chunk_target": chunk_target} if chunk_target else {}
        try:
            with open(tmp, "wb") as fh:
                written = write_bundle(fh, header, tables, signer, recipient, **kw)
                durable_close(fh)
        except BaseException:
            tmp.unlink(missing_ok=True)
            raise
    final = outbox / name
    try:
        verify_file(tmp, {key_row.key_id: unpub(key_row.public_key)}, written.content_key, written.bundle_hash)
        os.replace(tmp, final)
        fsync_dir(outbox)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise

    try:
        with services.session() as s, s.begin():
            row = SyncBundle(sequence=sequence, bundle_hash=written.bundle_hash, bundle_id=written.manifest["bundle_id"],
                             file_name=name, county_code=county.county_code, signer_key_id=key_row.key_id,
                             created_at=now, created_by=services.actor.username, rows=written.rows,
                             counts=json.dumps(written.counts, ensure_ascii=False, sort_keys=True),
                             outbox_path=str(final), content_key=written.content_key,
                             recipient=written.manifest["encryption"]["recipient"])
            s.add(row)
            s.flush()
            audit.append(s, username=services.actor.username, action="sync_export", record_kind="sync_bundle",
                         record_id=None, before=None,
                         after={"sequence": sequence, "bundle_hash": written.bundle_hash, "rows": written.rows,
                                "counts": written.counts})
    except IntegrityError:
        final.unlink(missing_ok=True)
        raise SyncError("另一次导出同时进行，本次未完成：请稍后重试", "concurrent_export") from None
    except BaseException:
        final.unlink(missing_ok=True)
        raise

    result = ExportResult(sequence, name, written.bundle_hash, written.rows, written.counts, final)
    if target is not None:
        keys = _own_public_keys(services)
        if resend_pending:
            for b in pending_bundles(services):
                if b.sequence != sequence and b.outbox_path and Path(b.outbox_path).exists():
                    result.copied.append(copy_verified(Path(b.outbox_path), target, keys, b.bundle_hash))
                    result.resent.append(b.sequence)
        result.copied.append(copy_verified(final, target, keys, written.bundle_hash))
    return result


def pending_bundles(services: Services) -> list[SyncBundle]:
    """Exported bundles with no receipt yet, oldest first."""
    with services.session() as s:
        return list(s.execute(select(SyncBundle).where(SyncBundle.receipt_at.is_(None), SyncBundle.dropped_at.is_(None))
                              .order_by(SyncBundle.sequence)).scalars())
