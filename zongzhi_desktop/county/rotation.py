"""County key rotation in place (`zongzhi county rotate-keys`, issue 15).

The county makes a new signing key and a new encryption key and a new profile, and signs a
rotation statement (envelope kind `county-rotation`) with its *old* signing key that names the
old and the new profile. A township that trusts the old profile can check the statement with the
key it already trusts, so it accepts the new profile without a phone call.

Nothing is lost: the database stays; the old keys stay (retired), so bundles sealed to the old
encryption key still open, and each receipt is signed with the signing key of the profile the
bundle was sealed to (the one that township trusts). Every earlier profile and every statement
is kept, so a township several rotations behind follows the whole chain.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session

from ..domain.models import Setting, utcnow
from ..store import audit
from ..store.database import Store
from ..sync import envelope, suites
from ..sync.errors import SyncError
from ..sync.keys import (
    COUNTY_ENCRYPTION,
    COUNTY_SIGNING,
    active_key,
    fingerprint,
    new_encryption_key,
    new_signing_key,
    store_key,
    unlock_signing,
)
from ..sync.profiles import make_profile, read_profile
from ..sync.rotation import ROTATION_FORMAT
from .setup import county_identity

HISTORY_KEY = "county_profile_history"  # JSON list of earlier profile texts, oldest first
ROTATIONS_KEY = "county_rotations"  # JSON list of rotation statements, oldest first


def _json_list(s: Session, key: str) -> list[str]:
    row = s.get(Setting, key)
    return list(json.loads(row.value)) if row and row.value else []


def _put_json(s: Session, key: str, value: list[str]) -> None:
    row = s.get(Setting, key) or Setting(key=key, value="")
    row.value = json.dumps(value, ensure_ascii=False)
    s.add(row)


def profile_history(store: Store) -> list[bytes]:
    """Every profile this county has had, oldest first, the current one last."""
    with store.session() as s:
        earlier = _json_list(s, HISTORY_KEY)
    return [p.encode("utf-8") for p in earlier] + [county_identity(store).profile]


def rotation_statements(store: Store) -> bytes:
    """All rotation statements, oldest first, one envelope after another (empty: never rotated)."""
    with store.session() as s:
        return b"".join(t.encode("utf-8") for t in _json_list(s, ROTATIONS_KEY))


@dataclass(frozen=True)
class RotationResult:
    old_fingerprint: str
    new_fingerprint: str
    profile: bytes
    statements: bytes  # every statement so far (a township may be several rotations behind)


def rotate_county_keys(store: Store, passphrase: str, *, actor: str = "county", upload_url: str | None = None,
                       now: datetime | None = None) -> RotationResult:
    """New county keys and profile, vouched for by the old signing key; old keys kept (retired)."""
    ident = county_identity(store)
    old = read_profile(ident.profile)
    with store.session() as s:
        sign_row = active_key(s, COUNTY_SIGNING)
    if sign_row is None:
        raise SyncError("县级签名密钥缺失：数据库不完整", "no_key")
    old_signing = unlock_signing(sign_row, passphrase)  # a wrong passphrase stops here, nothing changed
    now = now or utcnow()
    suite = suites.get(old.suite)  # a rotation keeps the county's cipher suite
    signing, encryption = new_signing_key(suite), new_encryption_key(suite)
    profile = make_profile(ident.county_code, ident.county_name, signing, encryption.public, now,
                           upload_url or old.upload_url)
    new = read_profile(profile)
    statement = envelope.sign("county-rotation", {
        "format": ROTATION_FORMAT, "version": 1, "county_code": ident.county_code,
        "from_profile_id": old.profile_id, "to_profile_id": new.profile_id,
        "profile": profile.decode("utf-8"), "created_at": now.isoformat(timespec="seconds"),
    }, old_signing)
    with store.session() as s, s.begin():
        if county_identity_in(s) != old.profile_id:
            raise SyncError("县级密钥已被同时更换，本次未作改变", "conflict")
        _put_json(s, HISTORY_KEY, [*_json_list(s, HISTORY_KEY), ident.profile.decode("utf-8")])
        _put_json(s, ROTATIONS_KEY, [*_json_list(s, ROTATIONS_KEY), statement.decode("utf-8")])
        row = s.get(Setting, "county_profile")
        assert row is not None
        row.value = profile.decode("utf-8")
        s.add(row)
        store_key(s, COUNTY_SIGNING, signing.public, signing.secret, passphrase, actor, now=now)
        store_key(s, COUNTY_ENCRYPTION, encryption.public, encryption.secret, passphrase, actor, now=now)
        audit.append(s, username=actor, action="county_rotate_keys", record_kind="county", record_id=None,
                     before={"profile_id": old.profile_id}, after={"profile_id": new.profile_id})
    return RotationResult(fingerprint(old.profile_id), fingerprint(new.profile_id), profile, rotation_statements(store))


def county_identity_in(s: Session) -> str:
    """The current profile id, read inside the caller's transaction."""
    row = s.get(Setting, "county_profile")
    return read_profile(row.value.encode("utf-8")).profile_id if row else ""
