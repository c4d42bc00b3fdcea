"""Signed text envelopes for county profiles, township registrations and receipts.

A signed file is three lines of UTF-8 text (see docs/bundle-format.md §2):

    ZONGZHI-SIGNED 1 <kind>
    <payload: canonical JSON on one line>
    <signature: base64 of 64 bytes (Ed25519, or SM2 r‖s for gm-1) over "zongzhi/<kind>/v1\\n" + payload bytes>

The verifier checks the signature over the exact payload bytes and never re-serializes them.
"""

from __future__ import annotations

import base64
import binascii
import json
from typing import Any

from ..store.serialize import canonical_json
from . import suites
from .errors import BundleRefused
from .suites import Signer

KINDS = {"county-profile": "县级配置文件", "registration": "乡镇登记文件", "receipt": "回执", "bundle-manifest": "批次清单",
         "county-rotation": "县级密钥更换文件", "restore-manifest": "恢复批次清单",
         # the city hub (issue 19): a county toward its city as a township toward its county
         "city-profile": "市级配置文件", "county-registration": "县级登记文件", "city-receipt": "市级回执",
         "county-bundle-manifest": "县级批次清单"}
MAX_ENVELOPE_BYTES = 256 * 1024 * 1024


def context(kind: str) -> bytes:
    """Domain-separation prefix: a signature made for one kind never verifies as another."""
    return f"zongzhi/{kind}/v1\n".encode("ascii")


def sign(kind: str, payload: dict[str, Any], key: Signer) -> bytes:
    """The envelope bytes for `payload` signed with `key` (of any suite)."""
    body = canonical_json(payload).encode("utf-8")
    sig = key.sign(context(kind) + body)
    return b"ZONGZHI-SIGNED 1 " + kind.encode("ascii") + b"\n" + body + b"\n" + base64.b64encode(sig) + b"\n"


def parse(data: bytes, kind: str) -> tuple[bytes, bytes, dict[str, Any]]:
    """Split an envelope into (payload bytes, signature, payload dict) without verifying it."""
    label = KINDS[kind]
    if len(data) > MAX_ENVELOPE_BYTES:
        raise BundleRefused(f"{label}过大，拒绝读取", "too_large")
    lines = data.split(b"\n")
    if lines and lines[-1] == b"":
        lines.pop()
    if len(lines) != 3 or not lines[0].startswith(b"ZONGZHI-SIGNED "):
        raise BundleRefused(f"不是{label}，或文件已损坏", "malformed")
    head = lines[0].split(b" ")
    if head[1:] != [b"1", kind.encode("ascii")]:
        found = head[2].decode("ascii", "replace") if len(head) > 2 else "?"
        if len(head) > 2 and found in KINDS:
            raise BundleRefused(f"这是{KINDS[found]}，不是{label}", "malformed")
        raise BundleRefused(f"不支持的{label}格式版本", "unsupported")
    try:
        sig = base64.b64decode(lines[2], validate=True)
        payload = json.loads(lines[1].decode("utf-8"))
    except (binascii.Error, ValueError):
        raise BundleRefused(f"{label}已损坏（内容无法解析）", "tampered") from None
    if len(sig) != 64 or not isinstance(payload, dict):
        raise BundleRefused(f"{label}已损坏（签名或内容格式错误）", "tampered")
    return lines[1], sig, payload


def verify(kind: str, body: bytes, sig: bytes, public_key: bytes) -> None:
    """Check the signature over the exact payload bytes with the suite of `public_key`;
    BundleRefused if it does not match."""
    try:
        good = suites.of_key(public_key).verify(public_key, context(kind) + body, sig)
    except KeyError:
        good = False
    if not good:
        raise BundleRefused(f"{KINDS[kind]}的签名无效：文件被修改，或不是由所信任的一方签发", "bad_signature") from None


def open_signed(data: bytes, kind: str, public_key: bytes) -> dict[str, Any]:
    """Parse and verify an envelope against a known key; returns the payload."""
    body, sig, payload = parse(data, kind)
    verify(kind, body, sig, public_key)
    return payload
