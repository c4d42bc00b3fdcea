"""`zongzhi county restore-bundle TOWNSHIP -o FILE`: the county as the township's backup (issue 15).

Seals every row of one township as the county holds it, with the township's bundle sequence (the
last bundle received and its hash) and the serial-number counters its records imply, to the
township's currently registered signing key. The township's new PC reads it with
`zongzhi sync restore` and continues its chain and its numbering: no fork, no duplicate serials.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, select

from ..domain.models import GENESIS_HASH, utcnow
from ..domain.models.sync import CountyBundle, CountyTownship, CountyTownshipKey
from ..store import audit
from ..store.database import Store
from ..store.serialize import content_columns
from ..sync.errors import SyncError
from ..sync.export import PARTIAL, durable_close
from ..sync.keys import fingerprint, unpub
from ..sync.restorefile import RestoreHeader, restore_file_name, write_restore
from ..sync.rowcodec import encode_row, encoders, restricted_tables, synced_tables
from .setup import CountyKeys

SERIAL = re.compile(r"[A-Z]{2}-(\d{4})-(\d{6})")


@dataclass
class RestoreFileResult:
    path: Path
    township_code: str
    township_name: str
    sequence: int
    rows: int
    counts: dict[str, dict[str, int]]
    key_fingerprint: str  # the township key it is sealed to


def _rows(conn: Connection, table_name: str, township_code: str) -> Iterator[dict[str, Any]]:
    table = synced_tables()[table_name]
    encs = encoders(table)
    q = (select(*content_columns(table)).where(table.c.township_code == township_code)
         .order_by(table.c.created_at, table.c.id))
    for row in conn.execute(q):
        yield encode_row(encs, row)


def serial_counters(conn: Connection, township_code: str) -> list[dict[str, Any]]:
    """The highest serial number per table and year among the township's records (voided ones too)."""
    out = []
    for name, table in synced_tables().items():
        if "serial" not in table.c:
            continue
        best: dict[int, int] = {}
        for (serial,) in conn.execute(select(table.c.serial).where(table.c.township_code == township_code,
                                                                    table.c.serial.is_not(None))):
            m = SERIAL.fullmatch(serial or "")
            if m:
                year, number = int(m.group(1)), int(m.group(2))
                best[year] = max(best.get(year, 0), number)
        out += [{"table": name, "year": y, "last": n} for y, n in sorted(best.items())]
    return out


def write_restore_file(store: Store, keys: CountyKeys, township_code: str, output: str | Path, *,
                       actor: str = "county", now: datetime | None = None) -> RestoreFileResult:
    """Write the restore file for `township_code` to `output` (temporary name, fsync, rename)."""
    now = now or utcnow()
    if keys.passphrase:
        keys.reload(store)  # signed with the current key: the new PC trusts the current profile
    out = Path(output)
    if out.is_dir():
        out = out / restore_file_name(township_code, 0)
    with store.session() as s:
        town = s.get(CountyTownship, township_code)
        key = s.execute(select(CountyTownshipKey).where(CountyTownshipKey.township_code == township_code,
                                                        CountyTownshipKey.status == "active")).scalars().first()
    if town is None:
        raise SyncError(f"乡镇 {township_code} 尚未在本县登记，无法生成恢复文件", "unknown_township")
    if key is None:
        raise SyncError(f"乡镇 {town.name}（{township_code}）没有有效的登记密钥：请先登记其新电脑的登记文件"
                        "（zongzhi county register），再生成恢复文件", "no_key")
    cb = CountyBundle.__table__  # type: ignore[attr-defined]
    tmp = out.with_name(out.name + PARTIAL)
    with store.engine.connect() as conn, conn.begin():  # one snapshot: rows and chain agree
        last = conn.execute(select(cb.c.sequence, cb.c.bundle_hash, cb.c.manifest)
                            .where(cb.c.township_code == township_code)
                            .order_by(cb.c.sequence.desc()).limit(1)).first()
        head = json.loads(last.manifest).get("audit_head") if last else None
        header = RestoreHeader(keys.county_code, township_code, town.name, now, last.sequence if last else 0,
                               last.bundle_hash if last else GENESIS_HASH, serial_counters(conn, township_code), head)
        # Not the restricted registers: the county holds at most their rows without the person's
        # identity, which must not replace the township's register (its own backups restore it).
        tables = ((t, _rows(conn, t, township_code)) for t in synced_tables() if t not in restricted_tables())
        try:
            with open(tmp, "wb") as fh:
                written = write_restore(fh, header, tables, keys.signing, unpub(key.public_key))
                durable_close(fh)
            os.replace(tmp, out)
        except OSError as e:
            tmp.unlink(missing_ok=True)
            raise SyncError(f"无法写入恢复文件 {out}：{e.strerror}", "write_failed") from None
        except BaseException:
            tmp.unlink(missing_ok=True)
            raise
    with store.session() as s, s.begin():
        audit.append(s, username=actor[:64], action="county_restore_file", record_kind="county_township",
                     record_id=None, before=None,
                     after={"township_code": township_code, "sequence": header.sequence, "rows": written.rows,
                            "key_id": key.key_id})
    return RestoreFileResult(out, township_code, town.name, header.sequence, written.rows, written.counts,
                             fingerprint(key.key_id))
