"""Receipts at the township: verify the county's signature, mark what it acknowledged.

A receipt names the bundle (sequence and hash) and lists every (table, id, revision) the county
accepted, plus a reason for every row it rejected. Acknowledgement is per record and only ever
moves up, so a change made after the export, or a rejected row, stays unacknowledged and is sent
again in the next bundle.
"""

from __future__ import annotations

import re
import zlib
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import and_, bindparam, delete, insert, select, update

from ..domain.models import utcnow
from ..domain.models.sync import SyncAck, SyncBundle, SyncRejection
from ..domain.roles import Perm
from ..store import audit
from . import envelope, suites
from .attachments import keep_requests
from .errors import BundleRefused
from .keys import key_id, unpub
from .rotation import receipt_signers
from .rowcodec import synced_tables
from .trust import trusted_county

if TYPE_CHECKING:
    from ..services import Services

RECEIPT_FORMAT = "zongzhi-receipt"
IN_BATCH = 500


@dataclass
class ReceiptResult:
    sequence: int
    bundle_hash: str
    rows: int
    accepted: int
    applied: int
    rejected: int
    already_applied: bool
    rejections: list[dict[str, Any]] = field(default_factory=list)
    missing_sequences: list[int] = field(default_factory=list)


def check_receipt_payload(p: dict[str, Any]) -> dict[str, Any]:
    """Shape check of a (signature-verified) receipt payload."""
    def bad(what: str) -> BundleRefused:
        return BundleRefused(f"回执格式错误（字段 {what}）", "malformed")

    if p.get("format") != RECEIPT_FORMAT or p.get("version") != 1:
        raise BundleRefused("不支持的回执格式", "unsupported")
    for k in ("county_code", "township_code", "bundle_hash", "signer", "received_at"):
        if not isinstance(p.get(k), str):
            raise bad(k)
    if not re.fullmatch(r"[0-9a-f]{64}", p["bundle_hash"]):
        raise bad("bundle_hash")
    if "suite" in p and (not isinstance(p["suite"], str) or p["suite"] not in suites.SUITES):  # absent: nacl-1
        raise bad("suite")
    for k in ("sequence", "rows", "accepted", "applied", "rejected"):
        if type(p.get(k)) is not int:
            raise bad(k)
    acks = p.get("acknowledged")
    if not isinstance(acks, dict):
        raise bad("acknowledged")
    tables = synced_tables()
    for table, items in acks.items():
        if table not in tables or not isinstance(items, list):
            raise bad(f"acknowledged.{table}")
        for it in items:
            if not (isinstance(it, list) and len(it) == 2 and type(it[0]) is str and type(it[1]) is int):
                raise bad(f"acknowledged.{table}")
    rej = p.get("rejections")
    if not isinstance(rej, list) or not all(isinstance(r, dict) and isinstance(r.get("table"), str)
                                            and isinstance(r.get("id"), str) and isinstance(r.get("reason"), str)
                                            for r in rej):
        raise bad("rejections")
    if sum(len(v) for v in acks.values()) != p["accepted"] or len(rej) != p["rejected"]:
        raise BundleRefused("回执内容与其统计数不一致", "mismatch")
    if "audit_head" in p:  # optional: receipts of earlier releases, and of bundles without one, have none
        head = p["audit_head"]
        if not (isinstance(head, dict) and type(head.get("seq")) is int and head["seq"] >= 0
                and isinstance(head.get("hash"), str) and re.fullmatch(r"[0-9a-f]{64}", head["hash"])):
            raise bad("audit_head")
    return p


def receipt_audit_head(p: dict[str, Any]) -> tuple[int, str] | None:
    """(seq, hash) of the township's audit chain end the county witnessed, if the receipt names one."""
    head = p.get("audit_head")
    return (head["seq"], head["hash"]) if isinstance(head, dict) else None


def read_receipt(services: Services, data: bytes) -> dict[str, Any]:
    """Verify a receipt against the trusted county's signing key and check it is for this township."""
    county = trusted_county(services)
    # The trusted key, or one a county key rotation replaced (receipts for bundles sealed before it).
    signers = {key_id(k): k for k in receipt_signers(county)}
    _body, _sig, claimed = envelope.parse(data, "receipt")
    sign_pub = signers.get(claimed.get("signer")) if isinstance(claimed.get("signer"), str) else None
    p = envelope.open_signed(data, "receipt", sign_pub or unpub(county.signing_key))
    check_receipt_payload(p)
    if sign_pub is None or p["county_code"] != county.county_code:
        raise BundleRefused("回执不是由所信任的县级密钥签发的，未导入", "bad_signature")
    if p["township_code"] != services.township.code:
        raise BundleRefused(f"回执属于乡镇 {p['township_code']}，不是本乡镇的，未导入", "wrong_township")
    return p


def apply_receipt(services: Services, data: bytes, *, now: datetime | None = None) -> ReceiptResult:
    """Verify a receipt and mark the acknowledged revisions (idempotent)."""
    services.require(Perm.ENTER, "导入回执")
    p = read_receipt(services, data)
    now = now or utcnow()
    result = ReceiptResult(p["sequence"], p["bundle_hash"], p["rows"], p["accepted"], p["applied"], p["rejected"],
                           False, p["rejections"], list(p.get("missing_sequences") or []))
    outbox_copy: str | None = None
    with services.session() as s, s.begin():
        bundle = s.get(SyncBundle, p["sequence"])
        if bundle is None or bundle.bundle_hash != p["bundle_hash"]:
            raise BundleRefused(f"回执对应的批次（序号 {p['sequence']}）不是本乡镇导出的，未导入", "unknown_bundle")
        if bundle.receipt_at is not None:
            result.already_applied = True
            return result
        conn = s.connection()
        ack_t = SyncAck.__table__  # type: ignore[attr-defined]
        rej_t = SyncRejection.__table__  # type: ignore[attr-defined]
        for table, items in p["acknowledged"].items():
            best: dict[str, int] = {}
            for rid, rev in items:
                best[rid] = max(rev, best.get(rid, 0))
            ids = list(best)
            have: dict[str, int] = {}
            for i in range(0, len(ids), IN_BATCH):
                for rid, rev in conn.execute(select(ack_t.c.record_id, ack_t.c.revision).where(
                        ack_t.c.table_name == table, ack_t.c.record_id.in_(ids[i:i + IN_BATCH]))):
                    have[rid] = rev
            new = [{"table_name": table, "record_id": rid, "revision": rev, "bundle_sequence": p["sequence"],
                    "acked_at": now} for rid, rev in best.items() if rid not in have]
            higher = [{"k_t": table, "k_id": rid, "b_rev": rev, "b_seq": p["sequence"], "b_at": now}
                      for rid, rev in best.items() if rid in have and have[rid] < rev]
            if new:
                conn.execute(insert(ack_t), new)
            if higher:

                conn.execute(update(ack_t).where(ack_t.c.table_name == bindparam("k_t"),
                                                 ack_t.c.record_id == bindparam("k_id"))
                             .values(revision=bindparam("b_rev"), bundle_sequence=bindparam("b_seq"),
                                     acked_at=bindparam("b_at")), higher)
            for i in range(0, len(ids), IN_BATCH):
                conn.execute(delete(rej_t).where(rej_t.c.table_name == table, rej_t.c.record_id.in_(ids[i:i + IN_BATCH]),
                                                 rej_t.c.revision <= select(ack_t.c.revision).where(and_(
                                                     ack_t.c.table_name == rej_t.c.table_name,
                                                     ack_t.c.record_id == rej_t.c.record_id)).scalar_subquery()))
        for r in p["rejections"]:
            row = s.get(SyncRejection, (r["table"], r["id"])) or SyncRejection(
                table_name=r["table"], record_id=r["id"], revision=0, reason="", bundle_sequence=0)
            row.revision = r.get("revision") if type(r.get("revision")) is int else 0
            row.reason, row.bundle_sequence, row.at = r["reason"], p["sequence"], now
            s.add(row)
        keep_requests(s, p)
        bundle.receipt_at, bundle.accepted, bundle.rejected = now, p["accepted"], p["rejected"]
        bundle.receipt = zlib.compress(data, 6)  # kept signed: `audit verify` re-checks the witnessed chain end
        outbox_copy, bundle.outbox_path = bundle.outbox_path, None
        s.add(bundle)
        audit.append(s, username=services.actor.username, action="sync_receipt", record_kind="sync_bundle",
                     record_id=None, before=None,
                     after={"sequence": p["sequence"], "bundle_hash": p["bundle_hash"], "accepted": p["accepted"],
                            "rejected": p["rejected"], **({"audit_head": p["audit_head"]} if "audit_head" in p else {})})
    if outbox_copy:
        Path(outbox_copy).unlink(missing_ok=True)  # the county has it; the outbox copy is no longer needed
    return result
