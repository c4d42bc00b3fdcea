"""Re-seal bundles still waiting for a receipt to the county's current encryption key.

After the township accepted a county key rotation, its outbox may hold bundles sealed to the old
key. Each is written again with the same chunks, sequence, chain link and bundle id; only the
sealed content key, the signer and `resealed_from` (the original's hash) change, so the county
treats the original and the re-sealed file as one bundle (a copy it already imported is a replay).
Bundles exported before the township kept content keys cannot be re-sealed; the county keeps its
old keys after an in-place rotation, so they are still delivered as they are. Neither can bundles
of another cipher suite than the township's current key (the county moved from nacl-1 to gm-1):
the county refuses them (`wrong_suite`) and the upload drops them and sends the whole state.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import select

from ..domain.models.sync import SyncBundle, SyncKey
from ..store import audit
from .bundle import BundleFile, reseal_bundle
from .export import PARTIAL, durable_close, fsync_dir, verify_file
from .keys import key_id, suite_of_row, unpub
from .suites import Signer
from .trust import trusted_county

if TYPE_CHECKING:
    from ..services import Services


def reseal_waiting(services: Services, signer: Signer) -> list[int]:
    """Re-seal every waiting bundle sealed to another county key; returns their sequences."""
    county = trusted_county(services)
    recipient = unpub(county.encryption_key)
    want = key_id(recipient)
    with services.session() as s:
        waiting = list(s.execute(select(SyncBundle).where(SyncBundle.receipt_at.is_(None), SyncBundle.dropped_at.is_(None),
                                                          SyncBundle.content_key.is_not(None),
                                                          SyncBundle.outbox_path.is_not(None))
                                 .order_by(SyncBundle.sequence)).scalars())
    done: list[int] = []
    for b in waiting:
        if b.recipient == want or not Path(b.outbox_path or "").exists():
            continue
        with services.session() as s:
            old_key = s.get(SyncKey, b.signer_key_id)
        if old_key is not None and suite_of_row(old_key) is not signer.suite:
            continue  # another cipher suite: the chunks cannot be re-sealed (see above)
        path = Path(b.outbox_path or "")
        tmp = path.with_name(path.name + PARTIAL)
        try:
            with open(path, "rb") as fin, open(tmp, "wb") as fout:
                src = BundleFile(fin, os.fstat(fin.fileno()).st_size)
                written = reseal_bundle(src, fout, b.content_key or b"", recipient, signer)
                durable_close(fout)
            verify_file(tmp, {key_id(signer.public): signer.public}, written.content_key,
                        written.bundle_hash)
        except BaseException:
            tmp.unlink(missing_ok=True)
            raise
        with services.session() as s, s.begin():
            row = s.get(SyncBundle, b.sequence)
            if row is None or row.receipt_at is not None:  # its receipt came meanwhile: nothing to re-seal
                tmp.unlink(missing_ok=True)
                continue
            os.replace(tmp, path)
            fsync_dir(path.parent)
            before = {"recipient": row.recipient, "file_hash": row.file_hash}
            row.recipient, row.file_hash = want, written.bundle_hash
            row.signer_key_id = key_id(signer.public)
            s.add(row)
            audit.append(s, username=services.actor.username, action="sync_reseal", record_kind="sync_bundle",
                         record_id=None, before=before,
                         after={"sequence": row.sequence, "bundle_hash": row.bundle_hash, "recipient": want,
                                "file_hash": written.bundle_hash})
        done.append(b.sequence)
    return done
