"""The restore file (`.zzrestore`): the county's copy of one township, sealed to that township.

Written by `zongzhi county restore-bundle` and read by `zongzhi sync restore` on the township's
new PC (issue 15). The container, chunks and limits are exactly those of a bundle
(docs/bundle-format.md §8, §10); the manifest differs: format `zongzhi-restore`, signed by the
county's signing key (envelope kind `restore-manifest`), the content key sealed to the township's
registered signing key (nacl-1: its X25519 conversion; gm-1: the SM2 key itself), and it carries what the township
needs to continue without a fork: the last bundle the county received (sequence and hash) and the
serial-number counters the county's records imply.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any, BinaryIO

from ..domain.models import GENESIS_HASH
from . import container as ct
from . import suites
from .bundle import (
    HEX64,
    WrittenBundle,
    _bad,
    _finish,
    _want,
    _when,
    check_payload_fields,
    check_same_suite,
    manifest_suite,
    write_chunks,
)
from .errors import BundleRefused
from .keys import b64, fingerprint, key_id
from .suites import Signer

FORMAT = "zongzhi-restore"
VERSION = 1
VERSIONS = {suites.NACL: 1, suites.GM: 2}
SIGN_KIND = "restore-manifest"


def restore_file_name(township_code: str, sequence: int) -> str:
    return f"ZZ-{township_code}-restore-{sequence:06d}.zzrestore"


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


def write_restore(fh: BinaryIO, header: RestoreHeader, tables: Any, county_signing: Signer,
                  township_signing_public: bytes) -> WrittenBundle:
    """Write a restore file: the township's rows as chunks, then the county-signed manifest."""
    suite = county_signing.suite
    check_same_suite(suite, township_signing_public)
    content_key = suites.random_bytes(suite.content_key_size)
    writer = ct.ContainerWriter(fh)
    chunks, counts = write_chunks(writer, tables, content_key, suite=suite)
    signer = key_id(county_signing.public)
    manifest: dict[str, Any] = {
        "format": FORMAT, "version": VERSIONS[suite.name], "suite": suite.name,
        "county_code": header.county_code, "township_code": header.township_code,
        "township_name": header.township_name, "created_at": header.created_at.isoformat(timespec="microseconds"),
        "chain": {"sequence": header.sequence, "bundle_hash": header.bundle_hash},
        "serials": header.serials,
        "rows": sum(c["rows"] for c in counts.values()), "counts": counts,
        "encryption": {"algorithm": suite.encryption, "recipient": key_id(township_signing_public),
                       "sealed_key": b64(suite.seal_to_signer(township_signing_public, content_key))},
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
    if m.get("version") not in VERSIONS.values():
        raise BundleRefused(f"不支持的恢复文件版本 {m.get('version')!r}，请升级软件", "unsupported")
    suite = manifest_suite(m, VERSIONS, "恢复文件")
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
    check_payload_fields(m, suite)
    _want(m, "signer", str, HEX64)
    return m
