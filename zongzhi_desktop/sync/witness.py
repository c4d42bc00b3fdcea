"""The county's receipts as witnesses of the township's audit chain (issue 15 item 4).

Every bundle's signed manifest states the end of the township's audit chain (`audit_head`: seq and
hash) and the county echoes it in its signed receipt; the township keeps each receipt as received
(`sync_bundle.receipt`). A chain only grows and each entry's hash covers all entries before it, so
the newest witnessed end is enough: if the local chain still holds that entry with that hash (and
`audit.verify` finds the chain whole), nothing up to there was deleted or rewritten.

The witness is re-read from the signed receipt bytes, never from a plain column, so editing the
store cannot move it. A stored receipt whose signature fails is reported (the receipt was edited);
one signed by a county key this township does not hold (any more) is no witness and is skipped.
A stored receipt that vanished from a bundle receipted since this township began keeping them is
reported too. Reads only; no Qt.
"""

from __future__ import annotations

import json
import zlib
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import Connection, func, select
from sqlmodel import Session

from ..domain.clock import CHINA_TZ
from ..domain.models import AuditEntry
from ..domain.models.sync import SyncBundle, SyncCounty
from . import envelope
from .errors import BundleRefused
from .keys import key_id, unpub
from .receipts import check_receipt_payload, receipt_audit_head


@dataclass(frozen=True)
class Witness:
    """The end of the audit chain the county acknowledged in the receipt of one bundle."""

    bundle_sequence: int
    seq: int
    hash: str


def county_signing_keys(conn: Session | Connection) -> dict[str, bytes]:
    """Key id → public key of every county signing key this township trusts (verifies receipts)."""
    keys: dict[str, bytes] = {}
    for text, previous in conn.execute(select(SyncCounty.signing_key, SyncCounty.previous_keys)):
        # The trusted key and those a county key rotation replaced (they signed earlier receipts).
        try:
            earlier = json.loads(previous or "[]")
        except ValueError:
            earlier = []
        for candidate in [text, *earlier]:
            try:
                pub = unpub(candidate)
            except (ValueError, TypeError):  # an unreadable key verifies nothing
                continue
            keys[key_id(pub)] = pub
    return keys


def _when(at: datetime) -> str:
    return (at if at.tzinfo else at.replace(tzinfo=UTC)).astimezone(CHINA_TZ).strftime("%Y-%m-%d %H:%M")


def newest_witness(conn: Session | Connection) -> tuple[Witness | None, list[str]]:
    """(the newest chain end a stored, verified receipt names, or None; problems with stored receipts)."""
    keys = county_signing_keys(conn)
    problems: list[str] = []
    stored = conn.execute(select(SyncBundle.sequence, SyncBundle.bundle_hash)
                          .where(SyncBundle.receipt.is_not(None)).order_by(SyncBundle.sequence.desc())).all()
    for sequence, bundle_hash in stored:
        data = conn.execute(select(SyncBundle.receipt).where(SyncBundle.sequence == sequence)).scalar_one()
        try:
            body, sig, payload = envelope.parse(zlib.decompress(data), "receipt")
            check_receipt_payload(payload)
            pub = keys.get(payload["signer"])
            if pub is None:
                continue  # signed by a county key not held here (any more): no witness, but no sign of tampering
            envelope.verify("receipt", body, sig, pub)
        except (zlib.error, BundleRefused):
            problems.append(f"本机保存的县级回执（批次 {sequence}）已损坏或签名无效：回执被修改")
            continue
        if payload["sequence"] != sequence or payload["bundle_hash"] != bundle_hash:
            problems.append(f"本机保存的县级回执（批次 {sequence}）属于另一个批次（{payload['sequence']}）：回执被替换")
            continue
        head = receipt_audit_head(payload)
        if head is not None and head[0] > 0:
            return Witness(sequence, head[0], head[1]), problems
    return None, problems


def vanished_receipts(conn: Session | Connection) -> list[str]:
    """Bundles receipted since the township began keeping receipts whose stored receipt is gone."""
    since = conn.execute(select(func.min(SyncBundle.receipt_at)).where(SyncBundle.receipt.is_not(None))).scalar()
    if since is None:
        return []
    rows = conn.execute(select(SyncBundle.sequence, SyncBundle.receipt_at)
                        .where(SyncBundle.receipt.is_(None), SyncBundle.receipt_at.is_not(None),
                               SyncBundle.receipt_at >= since).order_by(SyncBundle.sequence)).all()
    return [f"批次 {seq} 已于 {_when(at)} 收到县级回执，但本机保存的回执不见了：回执被删除" for seq, at in rows]


def witness_problems(conn: Session | Connection) -> list[str]:
    """Chinese problems when the local audit chain lacks, or differs at, the end the county witnessed."""
    witness, problems = newest_witness(conn)
    problems += vanished_receipts(conn)
    if witness is None:
        return problems
    stored = conn.execute(select(AuditEntry.hash).where(AuditEntry.seq == witness.seq)).scalar_one_or_none()
    if stored == witness.hash:
        return problems
    last = conn.execute(select(func.max(AuditEntry.seq))).scalar() or 0
    origin = f"县级回执（批次 {witness.bundle_sequence}）见证到第 {witness.seq} 条"
    if stored is None and last < witness.seq:
        have = f"本机只有到第 {last} 条" if last else "本机没有任何审计记录"
        problems.append(f"审计记录缺失：{origin}，{have}：审计链在导出该批次之后被删除或删短")
    elif stored is None:
        problems.append(f"审计记录缺失：{origin}，本机的审计链中没有第 {witness.seq} 条：该条被删除")
    else:
        problems.append(f"第 {witness.seq} 条审计记录与县级回执（批次 {witness.bundle_sequence}）见证的不同："
                        "审计链在导出该批次之后被改写")
    return problems
