"""County key rotation at the township: follow the county's rotation statements (issue 15).

A rotation statement (envelope kind `county-rotation`) is signed by the county's old signing key
and names the old profile id and the whole new profile. A township that trusts the old profile
verifies the statement with the key it already trusts, so the new profile needs no phone call:
the old key vouches for it. A file may hold several statements (oldest first); the township
follows the chain from the profile it trusts to the newest one.

After accepting, the township seals new bundles to the new encryption key; bundles still waiting
for a receipt are re-sealed at the next export or upload (`sync/reseal.py`), and receipts signed
by the old signing key (for bundles sealed to the old key) are still accepted.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import TYPE_CHECKING

from sqlalchemy import select

from ..domain.models import utcnow
from ..domain.models.sync import SyncCounty
from ..domain.roles import Perm
from ..store import audit
from . import envelope
from .errors import BundleRefused, SyncError
from .keys import b64, fingerprint, unpub
from .profiles import CountyProfile, read_profile

if TYPE_CHECKING:
    from ..services import Services

ROTATION_FORMAT = "zongzhi-county-rotation"
HEAD = b"ZONGZHI-SIGNED 1 county-rotation"


def is_rotation_file(data: bytes) -> bool:
    return data.startswith(HEAD + b"\n")


def split_statements(data: bytes) -> list[bytes]:
    """The envelopes of a rotation file, three lines each."""
    lines = data.split(b"\n")
    if lines and lines[-1] == b"":
        lines.pop()
    if not lines or len(lines) % 3:
        raise BundleRefused("县级密钥更换文件已损坏（行数不对）", "malformed")
    return [b"\n".join(lines[i:i + 3]) + b"\n" for i in range(0, len(lines), 3)]


@dataclass(frozen=True)
class Rotation:
    from_profile_id: str
    profile: CountyProfile
    created_at: str


def follow(data: bytes, profile_id: str, signing_key: bytes, county_code: str) -> list[Rotation]:
    """The rotations leading from the trusted profile (`profile_id`, verified by `signing_key`) to
    the newest one in `data`; each statement is checked with the key the township trusts by then."""
    parsed = []
    for env in split_statements(data):
        body, sig, p = envelope.parse(env, "county-rotation")
        if p.get("format") != ROTATION_FORMAT or p.get("version") != 1:
            raise BundleRefused("不支持的县级密钥更换文件格式", "unsupported")
        parsed.append((body, sig, p))
    chain: list[Rotation] = []
    current, key = profile_id, signing_key
    while True:
        step = next(((b, s, p) for b, s, p in parsed if p.get("from_profile_id") == current), None)
        if step is None:
            break
        body, sig, p = step
        envelope.verify("county-rotation", body, sig, key)
        if not isinstance(p.get("profile"), str):
            raise BundleRefused("县级密钥更换文件格式错误（字段 profile）", "malformed")
        new = read_profile(p["profile"].encode("utf-8"))
        if new.profile_id != p.get("to_profile_id") or new.county_code != county_code:
            raise BundleRefused("县级密钥更换文件中的新配置与声明不符", "tampered")
        if any(r.profile.profile_id == new.profile_id for r in chain) or new.profile_id == profile_id:
            raise BundleRefused("县级密钥更换文件中的更换记录成环", "malformed")
        chain.append(Rotation(current, new, str(p.get("created_at", ""))))
        current, key = new.profile_id, new.signing_key
    if not chain and not any(p.get("to_profile_id") == profile_id for _b, _s, p in parsed):
        raise SyncError(f"该县级密钥更换文件不能由本乡镇所信任的县级配置（指纹 {fingerprint(profile_id)}）证明："
                        "请向县综治中心索取新的配置文件，电话核对指纹后用 zongzhi sync trust-county 导入",
                        "not_vouched")
    return chain


@dataclass(frozen=True)
class RotationAccepted:
    old_fingerprint: str
    new_fingerprint: str
    steps: int  # 0: the township already trusted the newest profile
    profile: CountyProfile | None


def preview_rotation(services: Services, data: bytes) -> RotationAccepted:
    """What accepting `data` would change (both fingerprints), without changing anything."""
    from .trust import trusted_county

    county = trusted_county(services)
    chain = follow(data, county.profile_id, unpub(county.signing_key), county.county_code)
    new = chain[-1].profile if chain else None
    return RotationAccepted(fingerprint(county.profile_id), fingerprint(new.profile_id if new else county.profile_id),
                            len(chain), new)


def accept_rotation(services: Services, data: bytes) -> RotationAccepted:
    """Trust the newest county profile the statements in `data` lead to (the old key vouches for it)."""
    from .trust import trusted_county

    services.require(Perm.ADMIN, "接受县级密钥更换")
    county = trusted_county(services)
    chain = follow(data, county.profile_id, unpub(county.signing_key), county.county_code)
    result = RotationAccepted(fingerprint(county.profile_id),
                              fingerprint(chain[-1].profile.profile_id if chain else county.profile_id),
                              len(chain), chain[-1].profile if chain else None)
    if not chain:
        return result
    with services.session() as s, s.begin():
        row = s.execute(select(SyncCounty).where(SyncCounty.county_code == county.county_code)).scalars().one()
        if row.profile_id != county.profile_id:
            raise SyncError("县级配置已被同时更新，本次未作改变：请重试", "conflict")
        before = {"profile_id": row.profile_id}
        previous = json.loads(row.previous_keys or "[]")
        for step in chain:
            old_key = row.signing_key
            if old_key not in previous:
                previous.append(old_key)
            new = step.profile
            row.signing_key, row.encryption_key = b64(new.signing_key), b64(new.encryption_key)
            row.profile_id, row.profile = new.profile_id, new.raw.decode("utf-8")
            row.upload_url = new.upload_url or row.upload_url
        row.previous_keys = json.dumps(previous)
        row.trusted_at, row.trusted_by = utcnow(), services.actor.username
        s.add(row)
        audit.append(s, username=services.actor.username, action="sync_county_rotated", record_kind="sync_county",
                     record_id=None, before=before,
                     after={"profile_id": row.profile_id, "steps": len(chain), "vouched_by": "old county key"})
    return result


def receipt_signers(county: SyncCounty) -> list[bytes]:
    """The county signing keys whose receipts this township accepts: the trusted one and those it
    replaced by a rotation (receipts for bundles sealed before the rotation are signed with them)."""
    return [unpub(county.signing_key)] + [unpub(k) for k in json.loads(county.previous_keys or "[]")]
