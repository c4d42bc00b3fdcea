"""`zongzhi sync resend --all | --since DATE`: send again what the county may lack.

The township forgets the county's acknowledgements of the chosen rows (all rows, or rows changed
on or after a date in China time) and exports a new bundle, which therefore carries them again.
The county's import is idempotent (the higher revision wins; the same revision is accepted
without writing), so a resend never changes what the county holds except to fill what it lacked.
A `--all` bundle states `full_state` in its manifest: it carries every row of the township, so the
county no longer needs the sequences before it (a hub restored from an old backup or rebuilt
after its passphrase was lost stops reporting them as missing).
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import delete, func, select

from ..domain.clock import CHINA_TZ, today
from ..domain.errors import ValidationError
from ..domain.models.sync import SyncAck
from ..domain.roles import Perm
from ..store import audit
from .export import ExportResult, export_bundle
from .rowcodec import synced_tables
from .trust import unlocked_signing_key

if TYPE_CHECKING:
    from ..services import Services


def _since_utc(since: date) -> datetime:
    """Start of `since` in China time, as the UTC moment rows' `updated_at` is compared with."""
    return datetime.combine(since, time(0), CHINA_TZ).astimezone(UTC)


def forget_acks(services: Services, *, everything: bool, since: date | None, check_role: bool = True) -> int:
    """Drop the county's acknowledgements of the chosen rows (one transaction with its audit entry);
    returns how many were dropped. `check_role=False`: the upload's own recovery (any clerk may upload)."""
    if check_role:
        services.require(Perm.ADMIN, "重新上报")
    if not everything and since is None:
        raise ValidationError("since", "起始日期", "required", "请指定 --all（全部重新上报）或 --since 日期")
    if since is not None and since > today():
        raise ValidationError("since", "起始日期", "range", "不能晚于今天")
    ack = SyncAck.__table__  # type: ignore[attr-defined]
    with services.session() as s, s.begin():
        conn = s.connection()
        if everything:
            dropped = conn.execute(select(func.count()).select_from(ack)).scalar_one()
            conn.execute(delete(ack))
        else:
            assert since is not None
            start = _since_utc(since)
            dropped = 0
            for name, table in synced_tables().items():
                changed = select(table.c.id).where(table.c.updated_at >= start)
                dropped += conn.execute(delete(ack).where(ack.c.table_name == name,
                                                          ack.c.record_id.in_(changed))).rowcount or 0
        audit.append(s, username=services.actor.username, action="sync_resend", record_kind="sync_ack",
                     record_id=None, before=None,
                     after={"scope": "all" if everything else f"since {since.isoformat()}",  # type: ignore[union-attr]
                            "acks_dropped": dropped})
    return dropped


def resend(services: Services, passphrase: str, *, everything: bool = False, since: date | None = None,
           out_dir: str | Path | None = None) -> ExportResult:
    """Forget the chosen acknowledgements and export a bundle carrying those rows again."""
    unlocked_signing_key(services, passphrase, "交县综治中心登记后再上报")  # a wrong passphrase changes nothing
    forget_acks(services, everything=everything, since=since)
    return export_bundle(services, passphrase, out_dir, full_state=everything)
