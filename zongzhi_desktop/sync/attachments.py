"""Whether attachment bytes travel to the county, and the rows that carry them.

By default a bundle carries each attachment's row (hash, size, name, media type), not its bytes.
The county asks for the bytes with a setting (`zongzhi county config --attachment-bytes on`); every
receipt it signs states its current request, and the township keeps the latest one. While the
request is on, each export adds an `attachment_content` row (the bytes, base64, encrypted with the
rest of the bundle) for every live attachment whose bytes the county has not acknowledged and
whose size is within the county's cap. The cap can never exceed TRAVEL_MAX_BYTES, so one row
always fits in a chunk (MAX_CHUNK_PLAIN).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, and_, select

from ..domain.errors import ValidationError
from ..domain.models import Attachment, AttachmentContent, Setting
from ..domain.models.sync import SyncAck
from ..services.kinds import restricted_kinds
from ..store import audit
from ..store.attachments import deflate
from .rowcodec import encode_row, encoders

if TYPE_CHECKING:
    from sqlmodel import Session

    from ..services import Services
    from ..store.database import Store

CONTENT_TABLE = "attachment_content"
TRAVEL_MAX_BYTES = 10 * 1024 * 1024  # base64 of this (13.4 MB) stays below a chunk's 15 MB per row
DEFAULT_MAX_BYTES = TRAVEL_MAX_BYTES
REQUESTS_KEY = "county_requests"  # township setting: the latest request a receipt stated (JSON)
COUNTY_BYTES_KEY = "attachment_bytes"  # county settings
COUNTY_MAX_KEY = "attachment_max_mb"
COUNTY_RESTRICTED_KEY = "restricted_records"  # county setting: the whole rows of restricted registers


# -- the county's side --------------------------------------------------------------------------
def county_requests(conn: Connection) -> dict[str, Any]:
    """What the county asks of its townships, as stated in every receipt."""
    t = Setting.__table__  # type: ignore[attr-defined]
    values = dict(conn.execute(select(t.c.key, t.c.value).where(
        t.c.key.in_((COUNTY_BYTES_KEY, COUNTY_MAX_KEY, COUNTY_RESTRICTED_KEY)))).all())
    try:
        max_mb = int(values.get(COUNTY_MAX_KEY, ""))
    except ValueError:
        max_mb = DEFAULT_MAX_BYTES // 1048576
    return {"attachment_bytes": values.get(COUNTY_BYTES_KEY) == "on",
            "attachment_max_bytes": min(max_mb * 1048576, TRAVEL_MAX_BYTES),
            "restricted_records": values.get(COUNTY_RESTRICTED_KEY) == "on"}


def set_county_requests(store: Store, *, carry: bool | None = None, max_mb: str | int | None = None,
                        restricted: bool | None = None, actor: str = "county") -> dict[str, Any]:
    """Change the county's attachment request and its request for restricted registers' whole rows
    (audited); returns the request now in force."""
    changes: dict[str, str] = {}
    if carry is not None:
        changes[COUNTY_BYTES_KEY] = "on" if carry else "off"
    if restricted is not None:
        changes[COUNTY_RESTRICTED_KEY] = "on" if restricted else "off"
    if max_mb is not None:
        limit = TRAVEL_MAX_BYTES // 1048576
        try:
            n = int(str(max_mb).strip())
        except ValueError:
            n = 0
        if not 1 <= n <= limit:
            raise ValidationError("attachment_max_mb", "附件上报大小上限", "range",
                                  f"应为1至{limit}的整数（MB），收到“{max_mb}”")
        changes[COUNTY_MAX_KEY] = str(n)
    with store.session() as s, s.begin():
        for key, value in changes.items():
            row = s.get(Setting, key)
            before = {"key": key, "value": row.value} if row else None
            row = row or Setting(key=key, value=value)
            row.value = value
            s.add(row)
            audit.append(s, username=actor[:64], action="county_setting", record_kind="setting", record_id=None,
                         before=before, after={"key": key, "value": value})
    with store.engine.connect() as conn:
        return county_requests(conn)


def check_requests(value: Any) -> dict[str, Any] | None:
    """The `requests` field of a receipt, checked (None when absent or malformed: then nothing travels)."""
    if not (isinstance(value, dict) and type(value.get("attachment_bytes")) is bool
            and type(value.get("attachment_max_bytes")) is int and value["attachment_max_bytes"] >= 0):
        return None
    out = {"attachment_bytes": value["attachment_bytes"],
           "attachment_max_bytes": min(value["attachment_max_bytes"], TRAVEL_MAX_BYTES)}
    if type(value.get("restricted_records")) is bool:  # absent: a county from before the registers
        out["restricted_records"] = value["restricted_records"]
    return out


# -- the township's side ------------------------------------------------------------------------
def keep_requests(session: Session, receipt: dict[str, Any]) -> None:
    """Remember the request a receipt states (inside the receipt's transaction)."""
    requests = check_requests(receipt.get("requests"))
    if requests is None:
        return
    value = json.dumps(requests, sort_keys=True)
    row = session.get(Setting, REQUESTS_KEY) or Setting(key=REQUESTS_KEY, value=value)
    row.value = value
    session.add(row)


def township_requests(conn: Connection) -> dict[str, Any]:
    """The county's latest request as the township knows it (nothing travels before a receipt says so)."""
    t = Setting.__table__  # type: ignore[attr-defined]
    raw = conn.execute(select(t.c.value).where(t.c.key == REQUESTS_KEY)).scalar()
    try:
        requests = check_requests(json.loads(raw)) if raw else None
    except ValueError:
        requests = None
    return requests or {"attachment_bytes": False, "attachment_max_bytes": 0}


def content_rows(conn: Connection, services: Services, township_code: str) -> Iterator[dict[str, Any]]:
    """`attachment_content` rows for the bytes the county asked for and has not acknowledged."""
    requests = township_requests(conn)
    if not requests["attachment_bytes"]:
        return
    att = Attachment.__table__  # type: ignore[attr-defined]
    ack = SyncAck.__table__  # type: ignore[attr-defined]
    q = (select(att).select_from(att.outerjoin(ack, and_(ack.c.table_name == CONTENT_TABLE,
                                                         ack.c.record_id == att.c.id)))
         .where(att.c.township_code == township_code, att.c.voided.is_(False), ack.c.record_id.is_(None),
                att.c.size <= requests["attachment_max_bytes"], att.c.record_kind.not_in(restricted_kinds()))
         .order_by(att.c.created_at, att.c.id))
    encs = encoders(AttachmentContent.__table__)  # type: ignore[attr-defined]
    for a in conn.execute(q).all():
        data = services.attachment_bytes(a.id)
        row = {"id": a.id, "township_code": a.township_code, "revision": 1, "created_at": a.created_at,
               "created_by": a.created_by, "updated_at": a.created_at, "updated_by": a.created_by,
               "voided": False, "void_reason": None, "sha256": a.sha256, "content_zlib": deflate(data)}
        yield encode_row(encs, [row[name] for name, _conv in encs])

