"""The restore file (`.zzrestore`): the county's copy of one township, sealed to that township.

Written by `zongzhi county restore-bundle` and read by `zongzhi sync restore` on the township's
new PC (issue 15). The container, chunks and limits are exactly those of a bundle
(docs/bundle-format.md §8, §10); the manifest differs: format `zongzhi-restore`, signed by the
county's signing key (envelope kind `restore-manifest`), the content key sealed to the X25519
conversion of the township's registered Ed25519 signing key, and it carries what the township
needs to continue without a fork: the last bundle the county received (sequence and hash) and the
serial-number counters the county's records imply.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any, BinaryIO

import nacl.utils
from nacl.public import PublicKey, SealedBox
from nacl.secret import SecretBox
from nacl.signing import SigningKey, VerifyKey

from ..domain.models import GENESIS_HASH
from . import container as ct
from .bundle import (
    ENCRYPTION,
    HEX64,
    WrittenBundle,
    _bad,
    _finish,
    _want,
    _when,
    check_payload_fields,
    write_chunks,
)
from .errors import BundleRefused
from .keys import b64, fingerprint, key_id

FORMAT = "zongzhi-restore"
VERSION = 1
SIGN_KIND = "restore-manifest"


def restore_file_name(township_code: str, sequence: int) -> str:
    return f"ZZ-{township_code}-restore-{sequence:06d}.zzrestore"


def township_box_key(signing_public: bytes) -> PublicKey:
    """The X25519 key a restore file is sealed to: libsodium's conversion of the township's
    registered Ed25519 signing key (crypto_sign_ed25519_pk_to_curve25519)."""
    return VerifyKey(signing_public).to_curve25519_public_key()


@dataclass
class RestoreHeader:
    county_code: str
    township_code: str
    township_name: str
    created_at: datetime
    sequence: int  # the last bundle the county received from the township (0: none)
    bundle_hash: str  # its hash (64 zeros when none)
    serials: list[dict[str, Any]]  # [{"table", "year", "last"}]
    audit_head: dict[str, Any] | None = None  # the township's audit chain end in that bundle


def write_restore(fh: BinaryIO, header: RestoreHeader, tables: Any, county_signing: SigningKey,
                  township_signing_public: bytes) -> WrittenBundle:
    """Write a restore file: the township's rows as chunks, then the county-signed manifest."""
    content_key = nacl.utils.random(SecretBox.KEY_SIZE)
    writer = ct.ContainerWriter(fh)
    chunks, counts = write_chunks(writer, tables, content_key)
    signer = key_id(bytes(county_signing.verify_key))
    manifest: dict[str, Any] = {
        "format": FORMAT, "version": VERSION,
        "county_code": header.county_code, "township_code": header.township_code,
        "township_name": header.township_name, "created_at": header.created_at.isoformat(timespec="microseconds"),
        "chain": {"sequence": header.sequence, "bundle_hash": header.bundle_hash},
        "serials": header.serials,
        "rows": sum(c["rows"] for c in counts.values()), "counts": counts,
        "encryption": {"algorithm": ENCRYPTION, "recipient": key_id(township_signing_public),
                       "sealed_key": b64(SealedBox(township_box_key(township_signing_public)).encrypt(content_key))},
        "compression": "zlib", "chunks": chunks,
        "signer": signer, "signer_fingerprint": fingerprint(signer),
    }
    if header.audit_head is not None:
        manifest["audit_head"] = header.audit_head
    return _finish(writer, manifest, county_signing, content_key, SIGN_KIND)


def check_restore_manifest(m: Any) -> dict[str, Any]:
    """Schema check of a restore manifest (trust comes from the county's signature)."""
    if not isinstance(m, dict) or m.get("format") != FORMAT:
        raise BundleRefused("不是综治桌面的恢复文件（清单格式不符）", "malformed")
    if m.get("version") != VERSION:
        raise BundleRefused(f"不支持的恢复文件版本 {m.get('version')!r}，请升级软件", "unsupported")
    _want(m, "county_code", str, re.compile(r"\d{6}"))
    _want(m, "township_code", str, re.compile(r"\d{9}"))
    _want(m, "township_name", str)
    _when(m.get("created_at"), "created_at")
    chain = _want(m, "chain", dict)
    if _want(chain, "sequence", int) < 0:
        raise _bad("chain.sequence")
    _want(chain, "bundle_hash", str, HEX64)
    if chain["sequence"] == 0 and chain["bundle_hash"] != GENESIS_HASH:
        raise _bad("chain.bundle_hash")
    for s in _want(m, "serials", list):
        if not isinstance(s, dict):
            raise _bad("serials")
        _want(s, "table", str)
        if not 1900 <= _want(s, "year", int) <= 9999 or _want(s, "last", int) < 0:
            raise _bad("serials")
    check_payload_fields(m)
    _want(m, "signer", str, HEX64)
    return m
