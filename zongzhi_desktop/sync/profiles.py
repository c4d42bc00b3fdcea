"""The two files that establish trust: the county profile and the township registration.

County profile (ZONGZHI-SIGNED county-profile): the county's code and name, its Ed25519 signing key
(verifies receipts) and X25519 encryption key (bundles are sealed to it), self-signed. A township
imports it after reading its fingerprint back to the county over the phone.

Registration (ZONGZHI-SIGNED registration): the township's code and name, its Ed25519 signing key,
the id of the county profile it trusts and, on rotation, the id of the key it replaces; signed by
the new key itself (proof that the sender holds the private key). The county registers it after
the same phone check.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from . import envelope, suites
from .errors import BundleRefused
from .keys import b64, fingerprint, key_id, profile_id, unb64
from .suites import Signer, Suite

PROFILE_FORMAT = "zongzhi-county-profile"
REGISTRATION_FORMAT = "zongzhi-registration"


@dataclass(frozen=True)
class CountyProfile:
    county_code: str
    county_name: str
    signing_key: bytes
    encryption_key: bytes
    profile_id: str
    upload_url: str | None
    created_at: str
    raw: bytes
    suite: str = suites.NACL  # the cipher suite of the county and of every township it registers

    @property
    def fingerprint(self) -> str:
        return fingerprint(self.profile_id)

    @property
    def signing_key_id(self) -> str:
        return key_id(self.signing_key)

    @property
    def encryption_key_id(self) -> str:
        return key_id(self.encryption_key)


@dataclass(frozen=True)
class Registration:
    township_code: str
    township_name: str
    county_code: str
    county_profile_id: str
    signing_key: bytes
    key_id: str
    replaces: str | None
    created_at: str
    raw: bytes
    suite: str = suites.NACL

    @property
    def fingerprint(self) -> str:
        return fingerprint(self.key_id)


def _suite_field(payload: dict[str, Any], suite: Suite) -> dict[str, Any]:
    """Files of suite nacl-1 carry `"suite": "nacl-1"` too; readers take a missing field as nacl-1."""
    payload["suite"] = suite.name
    return payload


def _read_suite(p: dict[str, Any], label: str) -> Suite:
    name = p.get("suite")
    try:
        return suites.get(name)
    except (KeyError, TypeError):
        raise BundleRefused(f"{label}使用了本软件不支持的密码套件（字段 suite：{name!r}），请升级软件",
                            "unsupported") from None


def make_hub_profile(kind: str, fmt: str, level: str, code: str, name: str, signing: Signer,
                     encryption_public: bytes, created_at: datetime, upload_url: str | None = None) -> bytes:
    """A hub's profile (a county's `county-profile`, a city's `city-profile`): its code and name under
    `<level>_code` / `<level>_name`, its public keys and their id, self-signed."""
    sign_pub = signing.public
    payload = {
        "format": fmt, "version": 1, f"{level}_code": code, f"{level}_name": name,
        "signing_key": b64(sign_pub), "encryption_key": b64(encryption_public),
        "profile_id": profile_id(sign_pub, encryption_public), "upload_url": upload_url,
        "created_at": created_at.isoformat(timespec="seconds"),
    }
    return envelope.sign(kind, _suite_field(payload, signing.suite), signing)


def make_profile(county_code: str, county_name: str, signing: Signer, encryption_public: bytes,
                 created_at: datetime, upload_url: str | None = None) -> bytes:
    return make_hub_profile("county-profile", PROFILE_FORMAT, "county", county_code, county_name, signing,
                            encryption_public, created_at, upload_url)


def _field(p: dict[str, Any], key: str, pattern: str | None, label: str) -> str:
    v = p.get(key)
    if not isinstance(v, str) or (pattern and not re.fullmatch(pattern, v)):
        raise BundleRefused(f"{label}格式错误（字段 {key}）", "malformed")
    return v


def read_hub_profile(data: bytes, kind: str, fmt: str, level: str, label: str
                     ) -> tuple[str, str, bytes, bytes, str, str | None, str, str]:
    """Parse a hub's profile (see `make_hub_profile`) and check its self-signature and id (trust comes
    from the phone check): (code, name, signing key, encryption key, profile id, upload url, created
    at, suite)."""
    body, sig, p = envelope.parse(data, kind)
    if p.get("format") != fmt or p.get("version") != 1:
        raise BundleRefused(f"不支持的{label}格式", "unsupported")
    suite = _read_suite(p, label)
    code = _field(p, f"{level}_code", r"\d{6}", label)
    name = _field(p, f"{level}_name", None, label)
    try:
        sign_pub = unb64(_field(p, "signing_key", None, label), suite.public_size)
        enc_pub = unb64(_field(p, "encryption_key", None, label), suite.public_size)
    except ValueError:
        raise BundleRefused(f"{label}中的公钥格式错误", "malformed") from None
    envelope.verify(kind, body, sig, sign_pub)
    pid = profile_id(sign_pub, enc_pub)
    if p.get("profile_id") != pid:
        raise BundleRefused(f"{label}的指纹与其中的公钥不一致", "tampered")
    url = p.get("upload_url")
    if url is not None and not isinstance(url, str):
        raise BundleRefused(f"{label}格式错误（字段 upload_url）", "malformed")
    return code, name, sign_pub, enc_pub, pid, url, str(p.get("created_at", "")), suite.name


def read_profile(data: bytes) -> CountyProfile:
    """Parse a county profile and check its self-signature and its id (it is still to be confirmed by phone)."""
    code, name, sign_pub, enc_pub, pid, url, created, suite = read_hub_profile(
        data, "county-profile", PROFILE_FORMAT, "county", "县级配置文件")
    return CountyProfile(code, name, sign_pub, enc_pub, pid, url, created, data, suite)


def make_registration(township_code: str, township_name: str, county_code: str, county_profile_id: str,
                      signing: Signer, created_at: datetime, replaces: str | None = None) -> bytes:
    pub = signing.public
    payload = {
        "format": REGISTRATION_FORMAT, "version": 1, "township_code": township_code,
        "township_name": township_name, "county_code": county_code, "county_profile_id": county_profile_id,
        "signing_key": b64(pub), "key_id": key_id(pub), "replaces": replaces,
        "created_at": created_at.isoformat(timespec="seconds"),
    }
    return envelope.sign("registration", _suite_field(payload, signing.suite), signing)


def read_registration(data: bytes) -> Registration:
    """Parse a registration file and check it is signed by the key it carries."""
    label = "乡镇登记文件"
    body, sig, p = envelope.parse(data, "registration")
    if p.get("format") != REGISTRATION_FORMAT or p.get("version") != 1:
        raise BundleRefused(f"不支持的{label}格式", "unsupported")
    code = _field(p, "township_code", r"\d{9}", label)
    name = _field(p, "township_name", None, label)
    county = _field(p, "county_code", r"\d{6}", label)
    cpid = _field(p, "county_profile_id", r"[0-9a-f]{64}", label)
    suite = _read_suite(p, label)
    try:
        pub = unb64(_field(p, "signing_key", None, label), suite.public_size)
    except ValueError:
        raise BundleRefused(f"{label}中的公钥格式错误", "malformed") from None
    envelope.verify("registration", body, sig, pub)
    if p.get("key_id") != key_id(pub):
        raise BundleRefused(f"{label}的密钥标识与公钥不一致", "tampered")
    replaces = p.get("replaces")
    if replaces is not None and (not isinstance(replaces, str) or not re.fullmatch(r"[0-9a-f]{64}", replaces)):
        raise BundleRefused(f"{label}格式错误（字段 replaces）", "malformed")
    if not code.startswith(county):
        raise BundleRefused(f"{label}中的乡镇代码 {code} 不属于县 {county}", "malformed")
    return Registration(code, name, county, cpid, pub, key_id(pub), replaces, str(p.get("created_at", "")), data,
                        suite.name)
