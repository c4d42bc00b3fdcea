"""The files between a county and its city (issue 19; docs/bundle-format.md §17).

A county acts toward the city as a township acts toward the county, with the same primitives:

- city profile (`ZONGZHI-SIGNED city-profile`): the city's code, name and two public keys,
  self-signed; the county trusts it after reading the fingerprint back by phone;
- county registration (`county-registration`): the county's signing key (the one that signs its
  own profile and receipts), signed by that key, naming the city profile it trusts;
- county bundle (`.zzb`, format `zongzhi-county-bundle`, version 3 / 4): the county's rows sealed to
  the city like a township bundle's, plus every township bundle they come from, **byte for byte**
  (`township/NNNNNN.zzb` entries), each with its content key sealed to the city and the
  registration of the township key that signed it. The city checks each township bundle's own
  signature and chunk hashes and compares every county row with the township's original: the
  chain of custody. A county cannot change a township record without the city naming it;
- city receipt (`city-receipt`): which township bundles the city now holds.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any, BinaryIO

from . import container as ct
from . import envelope, suites
from .bundle import (
    HEX64,
    BundleFile,
    _bad,
    _want,
    _when,
    check_payload_fields,
    manifest_suite,
)
from .errors import BundleRefused
from .keys import b64, fingerprint, key_id, unb64
from .profiles import _field, _read_suite, _suite_field, make_hub_profile, read_hub_profile
from .suites import Signer

CITY_PROFILE_FORMAT = "zongzhi-city-profile"
COUNTY_REGISTRATION_FORMAT = "zongzhi-county-registration"
CITY_RECEIPT_FORMAT = "zongzhi-city-receipt"
COUNTY_BUNDLE_FORMAT = "zongzhi-county-bundle"
COUNTY_BUNDLE_VERSIONS = {suites.NACL: 3, suites.GM: 4}  # township bundles are 1 and 2 (§9)
COUNTY_SIGN_KIND = "county-bundle-manifest"
CODE6 = re.compile(r"\d{6}")
CODE9 = re.compile(r"\d{9}")


def county_bundle_file_name(county_code: str, sequence: int) -> str:
    """ZZC-<6-digit county>-<6-digit sequence>.zzb (FAT32-safe, never the name of a township bundle)."""
    return f"ZZC-{county_code}-{sequence:06d}.zzb"


def city_receipt_file_name(county_code: str, sequence: int) -> str:
    return f"ZZC-{county_code}-{sequence:06d}.zzr"


# -- city profile --------------------------------------------------------------------------------
@dataclass(frozen=True)
class CityProfile:
    city_code: str
    city_name: str
    signing_key: bytes
    encryption_key: bytes
    profile_id: str
    upload_url: str | None
    created_at: str
    raw: bytes
    suite: str = suites.NACL

    @property
    def fingerprint(self) -> str:
        return fingerprint(self.profile_id)

    @property
    def signing_key_id(self) -> str:
        return key_id(self.signing_key)

    @property
    def encryption_key_id(self) -> str:
        return key_id(self.encryption_key)


def make_city_profile(city_code: str, city_name: str, signing: Signer, encryption_public: bytes,
                      created_at: datetime, upload_url: str | None = None) -> bytes:
    """The city's self-signed profile (its counties import it after the phone check)."""
    return make_hub_profile("city-profile", CITY_PROFILE_FORMAT, "city", city_code, city_name, signing,
                            encryption_public, created_at, upload_url)


def read_city_profile(data: bytes) -> CityProfile:
    """Parse a city profile, checking its self-signature and id (trust comes from the phone check)."""
    code, name, sign_pub, enc_pub, pid, url, created, suite = read_hub_profile(
        data, "city-profile", CITY_PROFILE_FORMAT, "city", "市级配置文件")
    return CityProfile(code, name, sign_pub, enc_pub, pid, url, created, data, suite)


# -- county registration -------------------------------------------------------------------------
@dataclass(frozen=True)
class CountyRegistration:
    county_code: str
    county_name: str
    city_code: str
    city_profile_id: str
    signing_key: bytes
    key_id: str
    replaces: str | None
    created_at: str
    raw: bytes
    suite: str = suites.NACL

    @property
    def fingerprint(self) -> str:
        return fingerprint(self.key_id)


def make_county_registration(county_code: str, county_name: str, city_code: str, city_profile_id: str,
                             signing: Signer, created_at: datetime, replaces: str | None = None) -> bytes:
    """The county's registration with the city, signed by the county signing key it names."""
    payload = {
        "format": COUNTY_REGISTRATION_FORMAT, "version": 1, "county_code": county_code, "county_name": county_name,
        "city_code": city_code, "city_profile_id": city_profile_id, "signing_key": b64(signing.public),
        "key_id": key_id(signing.public), "replaces": replaces, "created_at": created_at.isoformat(timespec="seconds"),
    }
    return envelope.sign("county-registration", _suite_field(payload, signing.suite), signing)


def read_county_registration(data: bytes) -> CountyRegistration:
    """Parse a county registration and check it is signed by the key it carries."""
    label = "县级登记文件"
    body, sig, p = envelope.parse(data, "county-registration")
    if p.get("format") != COUNTY_REGISTRATION_FORMAT or p.get("version") != 1:
        raise BundleRefused(f"不支持的{label}格式", "unsupported")
    suite = _read_suite(p, label)
    county = _field(p, "county_code", r"\d{6}", label)
    name = _field(p, "county_name", None, label)
    city = _field(p, "city_code", r"\d{6}", label)
    cpid = _field(p, "city_profile_id", r"[0-9a-f]{64}", label)
    try:
        pub = unb64(_field(p, "signing_key", None, label), suite.public_size)
    except ValueError:
        raise BundleRefused(f"{label}中的公钥格式错误", "malformed") from None
    envelope.verify("county-registration", body, sig, pub)
    if p.get("key_id") != key_id(pub):
        raise BundleRefused(f"{label}的密钥标识与公钥不一致", "tampered")
    replaces = p.get("replaces")
    if replaces is not None and (not isinstance(replaces, str) or not HEX64.fullmatch(replaces)):
        raise BundleRefused(f"{label}格式错误（字段 replaces）", "malformed")
    if county[:4] != city[:4]:
        raise BundleRefused(f"{label}中的县级代码 {county} 不属于市 {city}", "malformed")
    return CountyRegistration(county, name, city, cpid, pub, key_id(pub), replaces, str(p.get("created_at", "")),
                              data, suite.name)


# -- county bundle manifest ----------------------------------------------------------------------
def check_county_manifest(m: Any) -> dict[str, Any]:
    """Schema of a county bundle manifest (types and shapes; trust comes from the signature)."""
    if not isinstance(m, dict):
        raise _bad("manifest")
    if m.get("format") != COUNTY_BUNDLE_FORMAT:
        if m.get("format") == "zongzhi-bundle":
            raise BundleRefused("这是乡镇批次文件，不是县级批次文件：乡镇批次请导入县级（zongzhi county import），已拒收",
                                "malformed")
        raise BundleRefused("不是综治桌面的县级批次文件（清单格式不符），已拒收", "malformed")
    suite = manifest_suite(m, COUNTY_BUNDLE_VERSIONS, "县级批次")
    _want(m, "bundle_id", str)
    _want(m, "city_code", str, CODE6)
    county = _want(m, "county_code", str, CODE6)
    _want(m, "county_name", str)
    if _want(m, "sequence", int) < 1:
        raise _bad("sequence")
    _want(m, "previous_hash", str, HEX64)
    _when(m.get("created_at"), "created_at")
    span = _want(m, "span", dict)
    if span.get("from") is not None:
        _when(span["from"], "span.from")
    _when(span.get("to"), "span.to")
    if m.get("mode") != "records":
        raise BundleRefused(f"不支持的县级批次内容方式（字段 mode：{m.get('mode')!r}），请升级软件", "unsupported")
    check_payload_fields(m, suite)
    for i, t in enumerate(_want(m, "townships", list), 1):
        if not isinstance(t, dict):
            raise _bad("townships")
        if t.get("entry") != ct.township_entry_name(i):
            raise _bad(f"townships[{i}].entry")
        if _want(t, "size", int) < 0:
            raise _bad(f"townships[{i}].size")
        _want(t, suite.hash_name, str, HEX64)
        code = _want(t, "township_code", str, CODE9)
        if not code.startswith(county):
            raise _bad(f"townships[{i}].township_code")
        if _want(t, "sequence", int) < 1:
            raise _bad(f"townships[{i}].sequence")
        _want(t, "bundle_hash", str, HEX64)
        _want(t, "sealed_key", str)
        _want(t, "registration", str)
    _want(m, "signer", str, HEX64)
    return m


class CountyBundleFile(BundleFile):
    """A county bundle opened for reading: container checked and hashed, manifest parsed (not yet trusted)."""

    def __init__(self, fh: BinaryIO, size: int) -> None:
        super().__init__(fh, size, schema=check_county_manifest, sign_kind=COUNTY_SIGN_KIND, townships=True)
        self.township_entries = [e for e in self.entries if ct.TOWNSHIP_ENTRY_RE.fullmatch(e.name)]

    @property
    def county_code(self) -> str:
        return self.manifest["county_code"]

    def check_townships(self) -> None:
        """The township entries are exactly those the signed manifest lists (names, order, sizes, hashes),
        after the payload chunks."""
        listed = self.manifest["townships"]
        found = self.township_entries
        if len(listed) != len(found):
            raise BundleRefused(f"清单与数据不符：清单列出 {len(listed)} 个乡镇批次，文件中有 {len(found)} 个，已拒收",
                                "mismatch")
        if self.entries[:-2] != self.payload_entries + found:
            raise BundleRefused("县级批次的条目顺序不规范（数据块应在乡镇批次之前），已拒收", "malformed")
        for t, e in zip(listed, found, strict=True):
            if t["entry"] != e.name or t["size"] != e.size or t[self.suite.hash_name] != self._digest(e):
                raise BundleRefused(f"清单与数据不符：乡镇批次 {e.name} 的大小或哈希与县级签名清单不一致，已拒收",
                                    "mismatch")

    def township_bundle(self, index: int) -> BundleFile:
        """The index-th forwarded township bundle (0-based), read in place (memory stays bounded)."""
        e = self.township_entries[index]
        return BundleFile(_Window(self.fh, e.data_offset, e.size), e.size)


class _Window(io.RawIOBase):
    """A read-only view of `size` bytes of `fh` from `offset`: an embedded bundle read where it lies."""

    def __init__(self, fh: BinaryIO, offset: int, size: int) -> None:
        super().__init__()
        self._fh, self._start, self._size, self._pos = fh, offset, size, 0

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def tell(self) -> int:
        return self._pos

    def seek(self, pos: int, whence: int = 0) -> int:
        base = {0: 0, 1: self._pos, 2: self._size}[whence]
        self._pos = max(0, min(self._size, base + pos))
        return self._pos

    def read(self, n: int = -1) -> bytes:  # type: ignore[override]
        left = self._size - self._pos
        n = left if n is None or n < 0 else min(n, left)
        if n <= 0:
            return b""
        self._fh.seek(self._start + self._pos)
        data = self._fh.read(n)
        self._pos += len(data)
        return data


# -- city receipt --------------------------------------------------------------------------------
def check_city_receipt(p: dict[str, Any]) -> dict[str, Any]:
    """Shape of a (signature-verified) city receipt payload."""
    def bad(what: str) -> BundleRefused:
        return BundleRefused(f"市级回执格式错误（字段 {what}）", "malformed")

    if p.get("format") != CITY_RECEIPT_FORMAT or p.get("version") != 1:
        raise BundleRefused("不支持的市级回执格式", "unsupported")
    for k in ("city_code", "county_code", "bundle_hash", "signer", "received_at"):
        if not isinstance(p.get(k), str):
            raise bad(k)
    for k in ("sequence", "township_bundles", "rows"):
        if not isinstance(p.get(k), int) or isinstance(p.get(k), bool):
            raise bad(k)
    ack = p.get("acknowledged")
    if not isinstance(ack, list) or not all(isinstance(h, str) and HEX64.fullmatch(h) for h in ack):
        raise bad("acknowledged")
    missing = p.get("township_missing")
    if not isinstance(missing, dict) or not all(isinstance(v, list) for v in missing.values()):
        raise bad("township_missing")
    if not isinstance(p.get("requests", {}), dict):
        raise bad("requests")
    return p
