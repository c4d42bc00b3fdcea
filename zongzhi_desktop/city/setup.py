"""City hub setup: the city store's identity and keys, county registration.

A city store is the same kind of database as a county store (same schema, same server): its role
setting is `city`, its keys are `city_signing` and `city_encryption` in `sync_key`, its counties are
in `city_county` / `city_county_key`, and the townships whose bundles its counties forward are in
`county_township` / `county_township_key` / `county_bundle`, as at a county.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select

from .._setting import get_setting
from ..domain.models import utcnow
from ..domain.models.sync import CityCounty, CityCountyKey, SyncKey
from ..store import audit
from ..store.database import Store
from ..sync import suites
from ..sync.citybundle import (
    CityProfile,
    CountyRegistration,
    make_city_profile,
    read_city_profile,
    read_county_registration,
)
from ..sync.errors import BundleRefused, SyncError
from ..sync.hubinit import HubLevel, init_hub
from ..sync.keys import (
    CITY_ENCRYPTION,
    CITY_SIGNING,
    active_key,
    b64,
    fingerprint,
    unlock_encryption,
    unlock_signing,
)
from ..sync.suites import Opener, Signer
from ..sync.trust import check_expected

ROLE_KEY = "store_role"


def is_city_store(store: Store) -> bool:
    with store.session() as s:
        return get_setting(s, ROLE_KEY) == "city"


@dataclass(frozen=True)
class CityIdentity:
    city_code: str
    city_name: str
    profile: bytes
    profile_id: str
    suite: str = suites.NACL

    @property
    def fingerprint(self) -> str:
        return fingerprint(self.profile_id)


def city_identity(store: Store) -> CityIdentity:
    """Who this city store is; a clear message if it was never set up as a city hub."""
    with store.session() as s:
        role, code, name, prof = (get_setting(s, k) for k in (ROLE_KEY, "city_code", "city_name", "city_profile"))
    if role != "city" or not code or not prof:
        raise SyncError("这不是市级数据库：请先运行 zongzhi city init --city-code … --city-name …", "not_city")
    profile = read_city_profile(prof.encode("utf-8"))
    return CityIdentity(code, name or "", profile.raw, profile.profile_id, profile.suite)


def city_profile(store: Store) -> CityProfile:
    return read_city_profile(city_identity(store).profile)


CITY_LEVEL = HubLevel(
    "city", r"\d{4}00", "市级区划代码", "应为6位数字，以00结尾（如 330800）", "市名称", CITY_SIGNING, CITY_ENCRYPTION,
    make_city_profile, lambda profile: read_city_profile(profile).profile_id,
    "该数据库已初始化（市级、县级或乡镇），不能重复初始化")


def init_city(store: Store, city_code: str, city_name: str, passphrase: str, *, actor: str = "city",
              upload_url: str | None = None, now: datetime | None = None, suite: str = suites.NACL) -> CityIdentity:
    """Create the city's signing and encryption keys (sealed with `passphrase`) and its profile.

    `suite` is the cipher suite of the city and of every county that reports to it."""
    init_hub(store, CITY_LEVEL, city_code, city_name, passphrase, actor=actor, upload_url=upload_url, now=now,
             suite=suite)
    return city_identity(store)


@dataclass
class CityKeys:
    """The city's private keys, unlocked once (a server holds them for its lifetime)."""

    city_code: str
    city_name: str
    signing: Signer
    signing_key_id: str
    encryption: dict[str, Opener] = field(repr=False)  # by key id
    suite: str = suites.NACL


def unlock_city_keys(store: Store, passphrase: str) -> CityKeys:
    ident = city_identity(store)
    with store.session() as s:
        sign_row = active_key(s, CITY_SIGNING)
        enc_rows = s.execute(select(SyncKey).where(SyncKey.purpose == CITY_ENCRYPTION)).scalars().all()
    if sign_row is None or not enc_rows:
        raise SyncError("市级密钥缺失：数据库不完整", "no_key")
    enc = {r.key_id: unlock_encryption(r, passphrase) for r in enc_rows}
    return CityKeys(ident.city_code, ident.city_name, unlock_signing(sign_row, passphrase), sign_row.key_id, enc,
                    ident.suite)


@dataclass
class CountyRegisterResult:
    registration: CountyRegistration
    new_county: bool
    already_registered: bool
    retired: list[str]


def register_county(store: Store, data: bytes, *, actor: str = "city",
                    expected_fingerprint: str | None = None) -> CountyRegisterResult:
    """Register a county's signing key (after its fingerprint was confirmed by phone).

    A new key of a known county (it rotated its keys) becomes active and retires the earlier ones,
    which still verify county bundles signed before."""
    ident = city_identity(store)
    reg = read_county_registration(data)
    check_expected(reg.fingerprint, expected_fingerprint, "县级登记文件")
    if reg.suite != ident.suite:
        raise BundleRefused(f"密码套件不符：本市要求 {suites.LABELS[ident.suite]}，该登记文件使用 {suites.LABELS[reg.suite]}，"
                            "已拒收", "wrong_suite")
    if reg.city_code != ident.city_code:
        raise BundleRefused(f"登记文件属于其他市（{reg.city_code}），本市为 {ident.city_name}（{ident.city_code}）",
                            "wrong_city")
    if reg.city_profile_id != ident.profile_id:
        raise BundleRefused("该县导入的市级配置文件不是本市当前的配置（指纹不符）：请把本市配置文件重新发给该县，"
                            "核对指纹后重新生成登记文件", "wrong_city")
    now = utcnow()
    with store.session() as s, s.begin():
        existing = s.get(CityCountyKey, reg.key_id)
        if existing is not None:
            if existing.county_code != reg.county_code:
                raise BundleRefused("该密钥已登记给其他县，拒绝登记", "malformed")
            if existing.status == "revoked":
                raise BundleRefused("该密钥已被吊销，不能重新登记：请该县更换密钥", "revoked_key")
            return CountyRegisterResult(reg, False, True, [])
        county = s.get(CityCounty, reg.county_code)
        new_county = county is None
        if county is None:
            county = CityCounty(code=reg.county_code, name=reg.county_name, registered_at=now, registered_by=actor)
        county.name = reg.county_name
        s.add(county)
        s.flush()
        retired = []
        for old in s.execute(select(CityCountyKey).where(CityCountyKey.county_code == reg.county_code,
                                                         CityCountyKey.status == "active")).scalars():
            old.status, old.status_changed_at = "retired", now
            s.add(old)
            retired.append(old.key_id)
        s.add(CityCountyKey(key_id=reg.key_id, county_code=reg.county_code, public_key=b64(reg.signing_key),
                            status="active", registered_at=now, registered_by=actor,
                            registration=reg.raw.decode("utf-8")))
        audit.append(s, username=actor, action="city_register", record_kind="city_county", record_id=None,
                     before={"retired": retired} if retired else None,
                     after={"county_code": reg.county_code, "key_id": reg.key_id, "replaces": reg.replaces})
    return CountyRegisterResult(reg, new_county, False, retired)


def revoke_county_key(store: Store, key_id_prefix: str, *, actor: str = "city") -> CityCountyKey:
    """Revoke a county key (a county PC lost or its key exposed): county bundles signed with it are
    refused from now on; the county registers a new key (`county city-register-file --replaces`)."""
    if len(key_id_prefix) < 8:
        raise SyncError("请至少给出密钥标识的前8位", "bad_key_id")
    with store.session() as s, s.begin():
        rows = s.execute(select(CityCountyKey).where(CityCountyKey.key_id.startswith(key_id_prefix.lower())))\
            .scalars().all()
        if len(rows) != 1:
            raise SyncError(f"找不到唯一的县级密钥“{key_id_prefix}”", "bad_key_id")
        row = rows[0]
        before = {"status": row.status}
        row.status, row.status_changed_at = "revoked", utcnow()
        s.add(row)
        audit.append(s, username=actor[:64], action="city_revoke_key", record_kind="city_county_key",
                     record_id=None, before=before, after={"key_id": row.key_id, "status": "revoked"})
    return row
