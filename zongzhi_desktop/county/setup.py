"""County hub setup: the county store's identity and keys, township registration, key status."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select

from .._setting import get_setting, put_setting
from ..domain.models import utcnow
from ..domain.models.sync import CountyTownship, CountyTownshipKey, SyncKey
from ..store import audit
from ..store.database import Store
from ..sync import suites
from ..sync.errors import BundleRefused, SyncError
from ..sync.hubinit import HubLevel, init_hub
from ..sync.keys import (
    COUNTY_ENCRYPTION,
    COUNTY_SIGNING,
    active_key,
    b64,
    fingerprint,
    unlock_encryption,
    unlock_signing,
)
from ..sync.profiles import (
    CountyProfile,
    Registration,
    make_profile,
    read_profile,
    read_registration,
)
from ..sync.suites import Opener, Signer
from ..sync.trust import check_expected

ROLE_KEY = "store_role"


_setting, _put = get_setting, put_setting  # one implementation for the county and the city hub


def is_county_store(store: Store) -> bool:
    with store.session() as s:
        return _setting(s, ROLE_KEY) == "county"


def check_suite(theirs: str, ours: str, what: str) -> None:
    """A county takes files of its own cipher suite only (its profile names it): a township's key or
    bundle of another suite is refused, naming both, with what to do."""
    if theirs != ours:
        raise BundleRefused(f"密码套件不符：本县要求 {suites.LABELS[ours]}，该{what}使用 {suites.LABELS[theirs]}，已拒收。"
                            f"请乡镇导入本县当前的配置文件，运行 zongzhi sync register-file --new-key 生成 {ours} 密钥，"
                            "并把新的登记文件交县级登记", "wrong_suite")


@dataclass(frozen=True)
class CountyIdentity:
    county_code: str
    county_name: str
    profile: bytes
    profile_id: str
    suite: str = suites.NACL

    @property
    def fingerprint(self) -> str:
        return fingerprint(self.profile_id)


def county_identity(store: Store) -> CountyIdentity:
    """Who this county store is; a clear message if the store was never set up as a county hub."""
    with store.session() as s:
        role, code, name, prof = (_setting(s, k) for k in (ROLE_KEY, "county_code", "county_name", "county_profile"))
    if role != "county" or not code or not prof:
        raise SyncError("这不是县级数据库：请先运行 zongzhi county init --county-code … --county-name …", "not_county")
    profile = read_profile(prof.encode("utf-8"))
    return CountyIdentity(code, name or "", profile.raw, profile.profile_id, profile.suite)


COUNTY_LEVEL = HubLevel(
    "county", r"\d{6}", "县级区划代码", "应为6位数字", "县名称", COUNTY_SIGNING, COUNTY_ENCRYPTION,
    make_profile, lambda profile: read_profile(profile).profile_id, "该数据库已初始化（县级或乡镇），不能重复初始化")


def init_county(store: Store, county_code: str, county_name: str, passphrase: str, *, actor: str = "county",
                upload_url: str | None = None, now: datetime | None = None, suite: str = suites.NACL) -> CountyIdentity:
    """Create the county's signing and encryption keys (sealed with `passphrase`) and its profile.

    `suite` is the cipher suite of the county and of every township it registers (nacl-1, gm-1)."""
    init_hub(store, COUNTY_LEVEL, county_code, county_name, passphrase, actor=actor, upload_url=upload_url,
             now=now, suite=suite)
    return county_identity(store)


@dataclass
class CountyKeys:
    """The county's private keys, unlocked once (a server holds them for its lifetime)."""

    county_code: str
    county_name: str
    signing: Signer
    signing_key_id: str
    encryption: dict[str, Opener] = field(repr=False)  # by key id; retired keys still decrypt
    # encryption key id -> the signing key of the same profile: a receipt is signed with the key of
    # the profile the bundle was sealed to, the one that township trusts (rotation, issue 15).
    signing_for: dict[str, tuple[Signer, str]] = field(default_factory=dict, repr=False)
    passphrase: str = field(default="", repr=False)  # kept to load keys a rotation adds meanwhile
    suite: str = suites.NACL  # the county's cipher suite (its profile's); bundles of another are refused

    def receipt_signer(self, recipient: str) -> tuple[Signer, str]:
        """(signing key, its id) for a bundle sealed to encryption key `recipient`."""
        return self.signing_for.get(recipient, (self.signing, self.signing_key_id))

    def reload(self, store: Store) -> bool:
        """Load keys added since unlocking (a rotation while a server runs); True if any are new."""
        fresh = unlock_county_keys(store, self.passphrase)
        if set(fresh.encryption) <= set(self.encryption) and fresh.signing_key_id == self.signing_key_id:
            return False
        self.signing, self.signing_key_id = fresh.signing, fresh.signing_key_id
        self.encryption, self.signing_for = fresh.encryption, fresh.signing_for
        return True


def known_profiles(store: Store) -> list[CountyProfile]:
    """Every profile this county has had (rotations), the current one last."""
    from .rotation import profile_history

    return [read_profile(p) for p in profile_history(store)]


def unlock_county_keys(store: Store, passphrase: str) -> CountyKeys:
    ident = county_identity(store)
    with store.session() as s:
        sign_row = active_key(s, COUNTY_SIGNING)
        sign_rows = s.execute(select(SyncKey).where(SyncKey.purpose == COUNTY_SIGNING)).scalars().all()
        enc_rows = s.execute(select(SyncKey).where(SyncKey.purpose == COUNTY_ENCRYPTION)).scalars().all()
    if sign_row is None or not enc_rows:
        raise SyncError("县级密钥缺失：数据库不完整", "no_key")
    signers = {r.key_id: unlock_signing(r, passphrase) for r in sign_rows}
    enc = {r.key_id: unlock_encryption(r, passphrase) for r in enc_rows}
    pairs = {}
    for prof in known_profiles(store):
        if prof.signing_key_id in signers:
            pairs[prof.encryption_key_id] = (signers[prof.signing_key_id], prof.signing_key_id)
    return CountyKeys(ident.county_code, ident.county_name, signers[sign_row.key_id], sign_row.key_id, enc, pairs,
                      passphrase, ident.suite)


@dataclass
class RegisterResult:
    registration: Registration
    new_township: bool
    already_registered: bool
    retired: list[str]


def preview_registration(data: bytes) -> Registration:
    return read_registration(data)


def register_township(store: Store, data: bytes, *, actor: str = "county",
                      expected_fingerprint: str | None = None) -> RegisterResult:
    """Register a township's signing key (after its fingerprint was confirmed by phone).

    A new key for a known township is a rotation: it becomes active and the township's earlier
    keys are retired (they still verify bundles signed before the rotation).
    """
    ident = county_identity(store)
    reg = read_registration(data)
    check_expected(reg.fingerprint, expected_fingerprint, "乡镇登记文件")
    check_suite(reg.suite, ident.suite, "登记文件")
    if reg.county_code != ident.county_code:
        raise BundleRefused(f"登记文件属于其他县（{reg.county_code}），本县为 {ident.county_name}（{ident.county_code}）",
                            "wrong_county")
    if reg.county_profile_id not in {p.profile_id for p in known_profiles(store)}:
        raise BundleRefused("该乡镇导入的县级配置文件不是本县当前的配置（指纹不符）：请把本县配置文件重新发给该乡镇，"
                            "核对指纹后重新生成登记文件", "wrong_county")
    now = utcnow()
    with store.session() as s, s.begin():
        existing = s.get(CountyTownshipKey, reg.key_id)
        if existing is not None:
            if existing.township_code != reg.township_code:
                raise BundleRefused("该密钥已登记给其他乡镇，拒绝登记", "malformed")
            if existing.status == "revoked":
                raise BundleRefused("该密钥已被吊销，不能重新登记：请乡镇生成新密钥", "revoked_key")
            return RegisterResult(reg, False, True, [])
        town = s.get(CountyTownship, reg.township_code)
        new_township = town is None
        if town is None:
            town = CountyTownship(code=reg.township_code, name=reg.township_name, registered_at=now, registered_by=actor)
        town.name = reg.township_name
        s.add(town)
        s.flush()
        retired = []
        for old in s.execute(select(CountyTownshipKey).where(CountyTownshipKey.township_code == reg.township_code,
                                                             CountyTownshipKey.status == "active")).scalars():
            old.status, old.status_changed_at = "retired", now
            s.add(old)
            retired.append(old.key_id)
        s.add(CountyTownshipKey(key_id=reg.key_id, township_code=reg.township_code, public_key=b64(reg.signing_key),
                                status="active", registered_at=now, registered_by=actor,
                                registration=reg.raw.decode("utf-8")))
        audit.append(s, username=actor, action="county_register", record_kind="county_township",
                     record_id=None, before={"retired": retired} if retired else None,
                     after={"township_code": reg.township_code, "key_id": reg.key_id, "replaces": reg.replaces})
    return RegisterResult(reg, new_township, False, retired)


def revoke_key(store: Store, key_id_prefix: str, *, actor: str = "county") -> CountyTownshipKey:
    """Revoke a township key (lost or stolen PC): bundles signed with it are refused from now on."""
    if len(key_id_prefix) < 8:
        raise SyncError("请至少给出密钥标识的前8位", "bad_key_id")
    with store.session() as s, s.begin():
        rows = s.execute(select(CountyTownshipKey).where(CountyTownshipKey.key_id.startswith(key_id_prefix.lower())))\
            .scalars().all()
        if len(rows) != 1:
            raise SyncError(f"找不到唯一的密钥“{key_id_prefix}”", "bad_key_id")
        row = rows[0]
        before = {"status": row.status}
        row.status, row.status_changed_at = "revoked", utcnow()
        s.add(row)
        audit.append(s, username=actor, action="county_revoke_key", record_kind="county_township_key",
                     record_id=None, before=before, after={"key_id": row.key_id, "status": "revoked"})
    return row
