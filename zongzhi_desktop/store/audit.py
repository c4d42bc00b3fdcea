"""Append-only, hash-chained audit trail.

Each entry's hash covers its own fields and the previous entry's hash, so editing an entry breaks
its hash, and inserting or removing one breaks the chain or the sequence. `audit_head` holds the
newest seq/hash, so entries cut from the end are noticed too.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, select, text
from sqlmodel import Session

from ..domain.models import GENESIS_HASH, AuditEntry, AuditHead, utcnow
from .serialize import canonical_json


def entry_hash(
    seq: int,
    at: datetime,
    username: str,
    action: str,
    record_kind: str,
    record_id: str | None,
    before: str | None,
    after: str | None,
    prev_hash: str,
) -> str:
    """SHA-256 over the canonical JSON of an entry's fields and its predecessor's hash."""
    payload = canonical_json(
        [seq, at.isoformat(timespec="microseconds"), username, action, record_kind, record_id, before, after, prev_hash]
    )
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def append(
    session: Session,
    *,
    username: str,
    action: str,
    record_kind: str,
    record_id: str | None,
    before: dict[str, Any] | None,
    after: dict[str, Any] | None,
    stamp: Any = None,
) -> AuditEntry:
    """Add one entry inside the caller's transaction (the caller commits record and entry together).

    `stamp`: the row object this entry wrote; its `audit_hash` is set to the entry's hash, so
    `audit verify` can check the row against the entry (services/rowcheck.py)."""
    head = session.get(AuditHead, 1, with_for_update=True)
    if head is None:
        head = AuditHead(id=1, seq=0, hash=GENESIS_HASH)
        session.add(head)
    seq = head.seq + 1
    at = utcnow()
    before_s = canonical_json(before) if before is not None else None
    after_s = canonical_json(after) if after is not None else None
    digest = entry_hash(seq, at, username, action, record_kind, record_id, before_s, after_s, head.hash)
    entry = AuditEntry(
        seq=seq, at=at, username=username, action=action, record_kind=record_kind,
        record_id=record_id, before=before_s, after=after_s, prev_hash=head.hash, hash=digest,
    )
    session.add(entry)
    head.seq, head.hash = seq, digest
    session.add(head)
    if stamp is not None:
        stamp.audit_hash = digest
    return entry


def current_head(session: Session | Connection) -> tuple[int, str]:
    """(seq, hash) of the newest entry as the head records it; (0, GENESIS_HASH) for an empty chain."""
    row = session.execute(select(AuditHead.seq, AuditHead.hash).where(AuditHead.id == 1)).first()
    return (int(row[0]), str(row[1])) if row else (0, GENESIS_HASH)


@dataclass
class AuditProblem:
    seq: int | None
    message: str


def verify(session: Session, batch: int = 5000) -> tuple[int, list[AuditProblem]]:
    """Walk the chain; return (entries checked, problems naming each bad entry in Chinese)."""
    problems: list[AuditProblem] = []
    prev_hash = GENESIS_HASH
    expected_seq = 1
    checked = 0
    last_seq = 0
    cols = (
        AuditEntry.seq, AuditEntry.at, AuditEntry.username, AuditEntry.action, AuditEntry.record_kind,
        AuditEntry.record_id, AuditEntry.before, AuditEntry.after, AuditEntry.prev_hash, AuditEntry.hash,
    )
    after_seq: int | None = None  # no lower bound at first: a forged seq 0 or -1 must be seen too
    while True:
        q = select(*cols).order_by(AuditEntry.seq).limit(batch)
        if after_seq is not None:
            q = q.where(AuditEntry.seq > after_seq)
        rows = session.execute(q).all()
        if not rows:
            break
        for seq, at, user, action, kind, rid, before, after, stored_prev, stored_hash in rows:
            checked += 1
            if seq != expected_seq:
                if seq > expected_seq:
                    problems.append(AuditProblem(seq, f"第{expected_seq}至{seq - 1}条审计记录缺失（被删除）"))
                else:
                    problems.append(AuditProblem(seq, f"第{seq}条审计记录序号重复（被插入）"))
            if stored_prev != prev_hash:
                before_it = f"第{last_seq}条" if last_seq else "链首"
                problems.append(AuditProblem(
                    seq, f"第{seq}条审计记录与前一条（{before_it}）的链接不符（{before_it}被删除、插入、替换或修改）"))
            if entry_hash(seq, at, user, action, kind, rid, before, after, stored_prev) != stored_hash:
                problems.append(AuditProblem(seq, f"第{seq}条审计记录内容与其哈希不符（记录被修改）"))
            prev_hash = stored_hash
            expected_seq = seq + 1
            last_seq = seq
        after_seq = rows[-1][0]
    head = session.get(AuditHead, 1)
    head_seq = head.seq if head else 0
    head_hash = head.hash if head else GENESIS_HASH
    if head_seq != last_seq or head_hash != prev_hash:
        if head_seq > last_seq:
            problems.append(AuditProblem(last_seq + 1, f"第{last_seq + 1}至{head_seq}条审计记录缺失（末尾被删除）"))
        elif head_seq < last_seq:
            problems.append(AuditProblem(head_seq + 1, f"第{head_seq + 1}至{last_seq}条审计记录在审计链末端标记之后（被插入）"))
        else:
            problems.append(AuditProblem(last_seq, f"第{last_seq}条审计记录与审计链末端标记不符（被替换或修改）"))
    return checked, problems


def count(session: Session) -> int:
    return int(session.execute(text("SELECT count(*) FROM audit_log")).scalar_one())
