"""`zongzhi sync restore FILE`: rebuild a township's store on a new PC from the county's copy.

The new PC is set up first as a new installation (`zongzhi init` with the same township code),
trusts the county profile and registers its new key with the county; the county then writes the
restore file sealed to that key (`zongzhi county restore-bundle`). Restoring fills the empty store
in ONE transaction: every record as the county holds it (each table one audited batch), each
marked as acknowledged at its revision, the last bundle the county received as the chain's tip
(so the next bundle continues the sequence and links to it) and the serial-number counters (so
the next petition is not a second XF-2026-000001).

Only an empty store can be restored into: a store holding records would mix two histories.
"""

from __future__ import annotations

import os
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import delete, func, insert, select

from ..domain import models as m
from ..domain.models import new_uuid, utcnow
from ..domain.models.sync import SyncAck, SyncBundle
from ..domain.roles import Perm
from ..services.bulk import audit_kind, insert_batch
from ..services.kinds import KINDS
from ..store import audit, status_history
from ..store.serialize import to_row
from .bundle import BundleFile
from .errors import BundleRefused, SyncError
from .export import RESTORED_AFTER
from .keys import fingerprint, key_id
from .restorefile import SIGN_KIND, check_restore_manifest
from .rotation import receipt_signers
from .rowcodec import RowRejected, TableCodec, synced_tables, whole_tables
from .trust import trusted_county, unlocked_signing_key

if TYPE_CHECKING:
    from ..services import Services


@dataclass
class RestoreResult:
    rows: int
    counts: dict[str, dict[str, int]]
    sequence: int  # the chain continues after this bundle
    serials: dict[str, int]  # kind-year -> last serial restored (e.g. "petition-2026": 17)
    county_fingerprint: str


def _open(services: Services, path: Path, passphrase: str) -> tuple[BundleFile, bytes, Any]:
    """Open and check a restore file; returns (file, content key, open handle)."""
    county = trusted_county(services)
    key_row, signing = unlocked_signing_key(services, passphrase, "交县综治中心登记，再请县级生成恢复文件")
    try:
        fh = open(path, "rb")
    except OSError as e:
        raise SyncError(f"无法打开恢复文件“{path}”：{e.strerror}", "io_error") from None
    try:
        bf = BundleFile(fh, os.fstat(fh.fileno()).st_size, schema=check_restore_manifest, sign_kind=SIGN_KIND)
        man = bf.manifest
        signers = {key_id(k): k for k in receipt_signers(county)}
        if man["signer"] not in signers or man["county_code"] != county.county_code:
            raise BundleRefused("恢复文件不是由本乡镇所信任的县级密钥签发的，未恢复", "bad_signature")
        bf.verify_signature(signers[man["signer"]])
        if man["township_code"] != services.township.code:
            raise BundleRefused(f"恢复文件属于乡镇 {man['township_code']}（{man['township_name']}），"
                                f"不是本乡镇（{services.township.code}），未恢复", "wrong_township")
        if man["encryption"]["recipient"] != key_row.key_id:
            raise SyncError("恢复文件是加密给本乡镇另一把密钥的：请确认县级已登记本机的登记文件（指纹 "
                            f"{fingerprint(key_row.key_id)}），再请县级重新生成恢复文件", "wrong_recipient")
        bf.check_payload()
        content_key = bf.content_key({key_row.key_id: signing})
    except BaseException:
        fh.close()
        raise
    return bf, content_key, fh


def _require_empty(conn: Any, township_code: str) -> None:
    """Refuse a store that already holds records or bundles of its own (two histories would mix)."""
    held = 0
    for name, table in synced_tables().items():
        if name != "township":
            held += conn.execute(select(func.count()).select_from(table)).scalar_one()
    bundles = conn.execute(select(func.count()).select_from(SyncBundle.__table__)).scalar_one()  # type: ignore[attr-defined]
    if held or bundles:
        raise SyncError(f"本机数据库已有 {held} 条记录、{bundles} 个已导出批次：只能恢复到新建的数据库。"
                        "请在新的数据目录中重新初始化（zongzhi init，乡镇代码相同）后再恢复", "not_empty")


def restore_from_county(services: Services, path: str | Path, passphrase: str, *,
                        now: datetime | None = None) -> RestoreResult:
    """Rebuild this (empty) store from a county restore file; one transaction, audited."""
    services.require(Perm.ADMIN, "从县级恢复数据")
    now = now or utcnow()
    bf, content_key, fh = _open(services, Path(path), passphrase)
    models = {mdl.__tablename__: mdl for mdl in m.SYNCED_MODELS}
    code = services.township.code
    try:
        with services.session() as s, s.begin():
            conn = s.connection()
            _require_empty(conn, code)
            _replace_placeholders(s, models, code, services.actor.username)
            codecs: dict[str, TableCodec] = {}
            acks: list[dict[str, Any]] = []
            touched: dict[str, set[str]] = defaultdict(set)
            seq = bf.manifest["chain"]["sequence"]
            for name, rows in bf.iter_chunks(content_key):
                if name not in models:
                    raise BundleRefused(f"恢复文件含有本软件没有的数据表“{name}”：请先升级软件", "unsupported")
                codec = codecs.setdefault(name, TableCodec.for_table(synced_tables()[name]))
                values = []
                for obj in rows:
                    try:
                        v = codec.decode(obj)
                    except RowRejected as e:
                        raise BundleRefused(f"恢复文件中表 {name} 的记录有误（{e.reason}），未恢复", "malformed") from None
                    if v["township_code"] != code:
                        raise BundleRefused("恢复文件中有其他乡镇的记录，未恢复", "malformed")
                    for local in codec.local:
                        v.pop(local, None)
                    values.append(v)
                    acks.append({"table_name": name, "record_id": v["id"], "revision": v["revision"],
                                 "bundle_sequence": seq, "acked_at": now})
                    kind = status_history.TABLE_KINDS.get(name)
                    if kind is not None:
                        touched[kind].add(v["id"])
                if values:
                    insert_batch(s, models[name], values, username=services.actor.username)
            for i in range(0, len(acks), 5000):
                conn.execute(insert(SyncAck.__table__), acks[i:i + 5000])  # type: ignore[attr-defined]
            policy = status_history.policy_of(conn)
            for kind, ids in sorted(touched.items()):
                status_history.rebuild(conn, kind, ids, policy)
            if seq:
                s.add(SyncBundle(sequence=seq, bundle_hash=bf.manifest["chain"]["bundle_hash"], bundle_id=new_uuid(),
                                 file_name=Path(path).name[:64], county_code=bf.manifest["county_code"],
                                 signer_key_id=bf.manifest["signer"], created_at=now,
                                 created_by=services.actor.username, rows=0, counts="{}", receipt_at=now,
                                 accepted=0, rejected=0))
            serials = _restore_serials(s, bf.manifest["serials"])
            s.add(m.Setting(key=RESTORED_AFTER, value=str(seq)))  # stated in every later bundle's audit head
            s.flush()
            audit.append(s, username=services.actor.username, action="sync_restore", record_kind="sync_bundle",
                         record_id=None, before=None,
                         after={"sequence": seq, "rows": bf.manifest["rows"], "counts": bf.manifest["counts"],
                                "serials": serials, "county_signer": bf.manifest["signer"]})
    finally:
        fh.close()
    return RestoreResult(bf.manifest["rows"], bf.manifest["counts"], seq, serials,
                         fingerprint(trusted_county(services).profile_id))


def _replace_placeholders(s: Any, models: dict[str, Any], code: str, username: str) -> None:
    """Remove the rows the new installation made for itself (its township row) so the county's
    originals can take their place, each removal audited with the row it removed: `audit verify`
    then knows the row went by the program's hand, not behind its back."""
    conn = s.connection()
    for name in reversed(list(whole_tables())):  # a restore file never carries the restricted registers
        table = synced_tables()[name]
        for obj in s.execute(select(models[name]).where(table.c.township_code == code)).scalars().all():
            audit.append(s, username=username, action="sync_restore_replace", record_kind=audit_kind(models[name]),
                         record_id=obj.id, before=to_row(obj), after={"replaced_by": "county_restore"})
            s.expunge(obj)
        conn.execute(delete(table).where(table.c.township_code == code))


def _restore_serials(s: Any, serials: list[dict[str, Any]]) -> dict[str, int]:
    """Raise each serial counter to at least what the county's records imply."""
    kind_of = {spec.model.__tablename__: spec.name for spec in KINDS.values() if spec.serial_prefix}
    out: dict[str, int] = {}
    for item in serials:
        kind = kind_of.get(item["table"])
        if kind is None:
            continue
        row = s.get(m.SerialCounter, (kind, item["year"]), with_for_update=True) \
            or m.SerialCounter(kind=kind, year=item["year"], last=0)
        row.last = max(row.last, item["last"])
        s.add(row)
        out[f"{kind}-{item['year']}"] = row.last
    return out
