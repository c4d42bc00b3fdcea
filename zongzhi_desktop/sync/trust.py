"""Township side of trust: import the county profile, create the signing key and registration file."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import TYPE_CHECKING

from sqlalchemy import select

from ..domain.models import utcnow
from ..domain.models.sync import SyncCounty, SyncKey
from ..domain.roles import Perm
from ..store import audit
from . import suites
from .errors import SyncError
from .keys import (
    TOWNSHIP_SIGNING,
    active_key,
    b64,
    check_passphrase_rule,
    fingerprint,
    new_signing_key,
    reseal,
    store_key,
    suite_of_row,
    unlock_signing,
)
from .profiles import CountyProfile, make_registration, read_profile
from .suites import Signer

if TYPE_CHECKING:
    from ..services import Services


def normalize_fingerprint(text: str) -> str:
    """Digits only, so "04521 88310…" and "0452188310…" compare equal."""
    return "".join(ch for ch in text if ch.isdigit())


def check_expected(actual: str, expected: str | None, what: str) -> None:
    if expected is not None and normalize_fingerprint(expected) != normalize_fingerprint(actual):
        raise SyncError(f"{what}指纹不符：文件中的指纹为 {actual}，与电话核对的 {expected} 不一致，未导入。"
                        "请向对方重新索取文件", "fingerprint_mismatch")


def preview_profile(data: bytes) -> CountyProfile:
    """Read a county profile so its fingerprint can be shown before trusting it."""
    return read_profile(data)


def trust_county(services: Services, data: bytes, *, expected_fingerprint: str | None = None) -> CountyProfile:
    """Trust a county profile (after its fingerprint was confirmed by phone). Admin only."""
    services.require(Perm.ADMIN, "导入县级配置文件")
    profile = read_profile(data)
    check_expected(profile.fingerprint, expected_fingerprint, "县级配置文件")
    town = services.township
    if profile.county_code != town.county_code:
        raise SyncError(f"县级配置文件属于 {profile.county_name}（{profile.county_code}），本乡镇属于 "
                        f"{town.county_name}（{town.county_code}），未导入", "wrong_county")
    with services.session() as s, s.begin():
        before = None
        for old in s.execute(select(SyncCounty)).scalars():
            if old.county_code == profile.county_code:
                before = {"profile_id": old.profile_id, "active": old.active}
                row = old
            else:
                old.active = False
                s.add(old)
        if before is not None and row.signing_key and row.profile_id != profile.profile_id:
            # A new profile of the same county (confirmed by phone): receipts for bundles sealed
            # to the old one may still come back signed with its key.
            previous = json.loads(row.previous_keys or "[]")
            if row.signing_key not in previous:
                row.previous_keys = json.dumps([*previous, row.signing_key])
        if before is None:
            row = SyncCounty(county_code=profile.county_code, county_name=profile.county_name,
                             signing_key="", encryption_key="", profile_id="", profile="")
        row.county_name = profile.county_name
        row.signing_key = b64(profile.signing_key)
        row.encryption_key = b64(profile.encryption_key)
        row.profile_id = profile.profile_id
        row.profile = profile.raw.decode("utf-8")
        row.upload_url = profile.upload_url or row.upload_url
        row.trusted_at = utcnow()
        row.trusted_by = services.actor.username
        row.active = True
        s.add(row)
        audit.append(s, username=services.actor.username, action="sync_trust_county", record_kind="sync_county",
                     record_id=None, before=before,
                     after={"county_code": profile.county_code, "profile_id": profile.profile_id})
    return profile


def trusted_county(services: Services) -> SyncCounty:
    with services.session() as s:
        row = s.execute(select(SyncCounty).where(SyncCounty.active.is_(True))).scalars().first()
    if row is None:
        raise SyncError("尚未导入县级配置文件：请先向县综治中心索取配置文件，核对指纹后运行 "
                        "zongzhi sync trust-county 文件（或在“同步”页导入）", "no_county")
    return row


def set_upload_url(services: Services, url: str | None) -> None:
    services.require(Perm.ADMIN, "设置上传地址")
    with services.session() as s, s.begin():
        row = s.execute(select(SyncCounty).where(SyncCounty.active.is_(True))).scalars().first()
        if row is None:
            raise SyncError("尚未导入县级配置文件", "no_county")
        before = {"upload_url": row.upload_url}
        row.upload_url = url or None
        s.add(row)
        audit.append(s, username=services.actor.username, action="sync_set_url", record_kind="sync_county",
                     record_id=None, before=before, after={"upload_url": row.upload_url})


@dataclass
class RegistrationResult:
    data: bytes
    key_id: str
    fingerprint: str
    new_key: bool
    replaces: str | None


def signing_key_row(services: Services) -> SyncKey | None:
    with services.session() as s:
        return active_key(s, TOWNSHIP_SIGNING)


def make_registration_file(services: Services, passphrase: str, *, new_key: bool = False) -> RegistrationResult:
    """The registration file for this township's signing key, creating the key when there is none.

    `new_key=True` is the rotation path (lost passphrase, suspected compromise, new PC): a fresh key
    replaces the old one; the county registers it and keeps the old one for bundles signed before.
    """
    services.require(Perm.ADMIN, "生成乡镇签名密钥和登记文件")
    county = trusted_county(services)
    suite = suites.get(read_profile(county.profile.encode("utf-8")).suite)  # the county chooses the suite
    town = services.township
    now = utcnow()
    with services.session() as s, s.begin():
        current = active_key(s, TOWNSHIP_SIGNING)
        if current is not None and not new_key and suite_of_row(current) is not suite:
            raise SyncError(f"县级配置文件要求密码套件 {suite.name}，本乡镇现有签名密钥使用 {suite_of_row(current).name}："
                            "请生成新密钥（zongzhi sync register-file --new-key，或在“同步”页点“更换密钥”），"
                            "再把新的登记文件交县级登记", "wrong_suite")
        if current is None or new_key:
            check_passphrase_rule(passphrase)
            key = new_signing_key(suite)
            row = store_key(s, TOWNSHIP_SIGNING, key.public, key.secret, passphrase,
                            services.actor.username, now=now)
            replaces = current.key_id if current else None
            audit.append(s, username=services.actor.username, action="sync_new_key", record_kind="sync_key",
                         record_id=None, before={"key_id": replaces} if replaces else None,
                         after={"key_id": row.key_id, "purpose": TOWNSHIP_SIGNING})
            created = True
        else:
            key = unlock_signing(current, passphrase)
            row, replaces, created = current, None, False
            previous = s.execute(select(SyncKey).where(SyncKey.purpose == TOWNSHIP_SIGNING, SyncKey.status == "retired")
                                 .order_by(SyncKey.retired_at.desc())).scalars().first()
            replaces = previous.key_id if previous else None
    data = make_registration(town.code, town.name, town.county_code, county.profile_id, key, now, replaces)
    return RegistrationResult(data, row.key_id, fingerprint(row.key_id), created, replaces)


def unlocked_signing_key(services: Services, passphrase: str, then: str) -> tuple[SyncKey, Signer]:
    """The township's active signing key row and the key unlocked with `passphrase`; without a key,
    a refusal saying to register first and `then` what (export, upload, restore…)."""
    with services.session() as s:
        row = active_key(s, TOWNSHIP_SIGNING)
    if row is None:
        raise SyncError(f"本乡镇还没有签名密钥：请先生成登记文件（zongzhi sync register-file），{then}", "no_key")
    return row, unlock_signing(row, passphrase)


def change_passphrase(services: Services, old: str, new: str) -> None:
    """Re-seal the township signing key under a new passphrase (the key and its registration stay)."""
    services.require(Perm.ADMIN, "修改密钥口令")
    with services.session() as s, s.begin():
        row = active_key(s, TOWNSHIP_SIGNING)
        if row is None:
            raise SyncError("本乡镇还没有签名密钥", "no_key")
        reseal(s, row, old, new)
        audit.append(s, username=services.actor.username, action="sync_passphrase", record_kind="sync_key",
                     record_id=None, before=None, after={"key_id": row.key_id})
