"""Next deadlines of disputes in 排查登记 / 已受理 / 调解不成 (issue 16), brought up to date.

Those stages had no deadline before the dispute windows existed (domain/deadlines.py,
settings dispute_accept_days / dispute_start_days / dispute_after_failure_days). A dispute row's
`next_deadline` is part of its audited content and travels in bundles, so bringing it up to date
is a real write: each changed row gets its revision bumped and an audit entry ("refresh_deadline",
by the system or the administrator who changed a window) in the same transaction, and the status
history of the disputes is rebuilt. Run

- once on a township store upgraded past migration 0016 (which leaves a marker setting; the
  county store never recomputes rows that belong to its townships), and
- whenever an administrator changes one of the windows (services/admin.py set_setting).
"""

from __future__ import annotations

from sqlalchemy import delete, select
from sqlmodel import Session

from ..domain import models as m
from ..domain import workflows as wf
from ..domain.deadlines import DeadlinePolicy
from . import audit, status_history
from .serialize import to_row

# Left by migration 0016 on a township store with disputes in these stages; removed by `run_pending`.
PENDING_KEY = "pending_stage_deadlines"
STAGES = ("registered", "accepted", "failed")
SYSTEM_USER = "system"


def refresh_open_disputes(session: Session, policy: DeadlinePolicy | None = None, *,
                          username: str = SYSTEM_USER) -> int:
    """Recompute the next deadline of every live dispute in 排查登记 / 已受理 / 调解不成, inside the
    caller's transaction; returns the number of rows changed (each with its audit entry). The status
history of every dispute is rebuilt with the windows now in force (store/status_history.py)."""
    conn = session.connection()
    policy = policy or status_history.policy_of(conn)
    changed: list[str] = []
    q = select(m.Dispute).where(m.Dispute.status.in_(STAGES), m.Dispute.voided.is_(False))  # type: ignore[attr-defined]
    for rec in session.execute(q).scalars():
        old = (rec.next_deadline, rec.next_deadline_kind)
        wf.refresh_dispute_deadline(rec, policy)
        if (rec.next_deadline, rec.next_deadline_kind) == old:
            continue
        new = (rec.next_deadline, rec.next_deadline_kind)
        rec.next_deadline, rec.next_deadline_kind = old
        before = to_row(rec)
        rec.next_deadline, rec.next_deadline_kind = new
        rec.revision += 1
        rec.updated_at = m.utcnow()
        rec.updated_by = username
        session.add(rec)
        audit.append(session, username=username, action="refresh_deadline", record_kind="dispute",
                     record_id=rec.id, before=before, after=to_row(rec), stamp=rec)
        changed.append(rec.id)
    session.flush()
    # Every dispute's history: a closed one passed through these stages too (its spans' deadlines).
    status_history.rebuild_all(conn, ["dispute"])
    return len(changed)


def run_pending(engine: object) -> int:
    """After an upgrade: the one-off recomputation migration 0016 asked for (0 when none is due)."""
    from .engine import session as new_session

    with new_session(engine) as session, session.begin():  # type: ignore[arg-type]
        if session.get(m.Setting, PENDING_KEY) is None:
            return 0
        n = refresh_open_disputes(session)
        session.execute(delete(m.Setting).where(m.Setting.key == PENDING_KEY))  # type: ignore[arg-type]
        return n
