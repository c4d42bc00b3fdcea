"""What the township has not yet got acknowledged, per kind, and which bundles await a receipt."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import and_, func, or_, select

from ..domain.models.sync import SyncAck, SyncBundle, SyncCounty, SyncRejection
from . import suites
from .export import restricted_travel
from .keys import TOWNSHIP_SIGNING, active_key, fingerprint, suite_of_row, unpub
from .labels import table_labels
from .rowcodec import synced_tables

if TYPE_CHECKING:
    from ..services import Services


@dataclass
class TableStatus:
    table: str
    label: str
    total: int  # rows of this township
    unacked: int  # not acknowledged at their current revision (will go in the next bundle)
    rejected: int  # current revision refused by the county (see reasons)


@dataclass
class SyncStatus:
    county_name: str | None
    county_code: str | None
    county_fingerprint: str | None
    upload_url: str | None
    key_fingerprint: str | None
    key_id: str | None
    tables: list[TableStatus]
    awaiting_receipt: list[SyncBundle]
    last_receipt_at: datetime | None
    last_sequence: int
    rejections: list[SyncRejection] = field(default_factory=list)
    county_suite: str | None = None  # the cipher suite the county requires (its profile's)
    key_suite: str | None = None  # the suite of this township's active signing key

    @property
    def unacked_total(self) -> int:
        return sum(t.unacked for t in self.tables)

    def as_dict(self) -> dict[str, Any]:
        return {
            "county": {"name": self.county_name, "code": self.county_code, "fingerprint": self.county_fingerprint,
                       "upload_url": self.upload_url, "suite": self.county_suite},
            "key": {"id": self.key_id, "fingerprint": self.key_fingerprint, "suite": self.key_suite},
            "last_sequence": self.last_sequence,
            "last_receipt_at": self.last_receipt_at.isoformat() if self.last_receipt_at else None,
            "unacknowledged": {t.table: t.unacked for t in self.tables if t.unacked},
            "rejected": {t.table: t.rejected for t in self.tables if t.rejected},
            "tables": [t.__dict__ for t in self.tables],
            "awaiting_receipt": [{"sequence": b.sequence, "file_name": b.file_name, "rows": b.rows,
                                  "created_at": b.created_at.isoformat()} for b in self.awaiting_receipt],
            "rejections": [{"table": r.table_name, "id": r.record_id, "revision": r.revision, "reason": r.reason}
                           for r in self.rejections],
        }


def table_status(services: Services, check: Callable[[], None] | None = None) -> list[TableStatus]:
    """Rows, unacknowledged rows and rejected rows per synced table: one pass over every synced row
    (seconds over a 1,000,000-record store; the window runs it off the GUI thread). `check` is called
    before each table and may raise to stop."""
    code = services.township.code
    labels = table_labels()
    ack = SyncAck.__table__  # type: ignore[attr-defined]
    rej = SyncRejection.__table__  # type: ignore[attr-defined]
    tables: list[TableStatus] = []
    with services.session() as s:
        conn = s.connection()
        travel = restricted_travel(conn)
        for name, t in synced_tables().items():
            if check is not None:
                check()
            if travel.get(name, "") is None:
                continue  # a restricted register's table that does not travel to this county now
            joined = t.outerjoin(ack, and_(ack.c.table_name == name, ack.c.record_id == t.c.id))
            total, unacked = conn.execute(
                select(func.count(), func.count().filter(or_(ack.c.revision.is_(None), ack.c.revision < t.c.revision)))
                .select_from(joined).where(t.c.township_code == code)).one()
            rejected = conn.execute(select(func.count()).select_from(t.join(rej, and_(
                rej.c.table_name == name, rej.c.record_id == t.c.id, rej.c.revision == t.c.revision)))).scalar_one()
            tables.append(TableStatus(name, labels.get(name, name), total, unacked, rejected))
    return tables


def sync_status(services: Services, *, tables: bool = True) -> SyncStatus:
    """The whole status; `tables=False` leaves out the per-table counts (`table_status`, the slow part)."""
    rows = table_status(services) if tables else []
    with services.session() as s:
        county = s.execute(select(SyncCounty).where(SyncCounty.active.is_(True))).scalars().first()
        key = active_key(s, TOWNSHIP_SIGNING)
        waiting = list(s.execute(select(SyncBundle).where(SyncBundle.receipt_at.is_(None), SyncBundle.dropped_at.is_(None))
                                 .order_by(SyncBundle.sequence)).scalars())
        last_receipt = s.execute(select(func.max(SyncBundle.receipt_at))).scalar()
        last_seq = s.execute(select(func.max(SyncBundle.sequence))).scalar() or 0
        rejections = list(s.execute(select(SyncRejection).order_by(SyncRejection.at.desc()).limit(200)).scalars())
    return SyncStatus(
        county.county_name if county else None, county.county_code if county else None,
        fingerprint(county.profile_id) if county else None, county.upload_url if county else None,
        fingerprint(key.key_id) if key else None, key.key_id if key else None,
        rows, waiting, last_receipt, last_seq, rejections,
        suites.of_key(unpub(county.encryption_key)).name if county and county.encryption_key else None,
        suite_of_row(key).name if key else None)
