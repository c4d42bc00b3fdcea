"""Key pairs, fingerprints and passphrase protection of private keys at rest.

The keys are those of a cipher suite (suites.py): Ed25519/X25519 (`nacl-1`) or SM2 (`gm-1`).
Private keys are stored sealed: argon2id(passphrase, salt) derives a key that opens the suite's
authenticated encryption (XSalsa20-Poly1305 or SM4-GCM) holding the private key. The suite and
the parameters travel with the sealed key, so they can be raised later without breaking old keys.
"""

from __future__ import annotations

import base64
import binascii
import json
from datetime import datetime

from nacl.pwhash import argon2id
from sqlalchemy import select
from sqlmodel import Session

from ..domain.keyloss import CITY_KEY_LOST, COUNTY_KEY_LOST, TOWNSHIP_KEY_LOST
from ..domain.models import utcnow
from ..domain.models.sync import SyncKey
from . import suites
from .errors import SyncError
from .suites import Opener, Signer, Suite, SuiteError

# argon2id cost: 3 passes over 64 MiB (well above OWASP's minimum, ~0.2 s on an office PC).
KDF_OPSLIMIT = 3
KDF_MEMLIMIT = 64 * 1024 * 1024
MIN_PASSPHRASE = 8

TOWNSHIP_SIGNING = "township_signing"
COUNTY_SIGNING = "county_signing"
COUNTY_ENCRYPTION = "county_encryption"
CITY_SIGNING = "city_signing"
CITY_ENCRYPTION = "city_encryption"
PURPOSE_LABELS = {TOWNSHIP_SIGNING: "乡镇签名密钥", COUNTY_SIGNING: "县级签名密钥", COUNTY_ENCRYPTION: "县级加密密钥",
                  CITY_SIGNING: "市级签名密钥", CITY_ENCRYPTION: "市级加密密钥"}
# What to do when the passphrase is lost (domain/keyloss.py), told with every wrong passphrase.
LOST_HINTS = {TOWNSHIP_SIGNING: TOWNSHIP_KEY_LOST, COUNTY_SIGNING: COUNTY_KEY_LOST, COUNTY_ENCRYPTION: COUNTY_KEY_LOST,
              CITY_SIGNING: CITY_KEY_LOST, CITY_ENCRYPTION: CITY_KEY_LOST}


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def unb64(text: str, size: int | None = None) -> bytes:
    """Decode base64 (strict); raises ValueError on bad input or wrong length."""
    try:
        raw = base64.b64decode(text, validate=True)
    except (binascii.Error, TypeError) as e:
        raise ValueError("bad base64") from e
    if size is not None and len(raw) != size:
        raise ValueError("bad key length")
    return raw


def unpub(text: str) -> bytes:
    """Decode a base64 public key of any suite (32 bytes nacl-1, 33 bytes gm-1); ValueError otherwise."""
    raw = unb64(text)
    try:
        suites.of_key(raw)
    except KeyError:
        raise ValueError("bad key length") from None
    return raw


def key_id(public_key: bytes) -> str:
    """Identity of one public key: hex of the suite's hash (SHA-256 or SM3) of "zongzhi-key-v1:" + key."""
    return suites.of_key(public_key).hexdigest(b"zongzhi-key-v1:" + public_key)


def profile_id(signing_key: bytes, encryption_key: bytes) -> str:
    """Identity of a county profile: the suite's hash over both of the county's public keys."""
    return suites.of_key(signing_key).hexdigest(b"zongzhi-county-v1:" + signing_key + encryption_key)


def fingerprint(digest_hex: str) -> str:
    """Six groups of five digits, read out over the phone to confirm a key (e.g. "04521 88310 …").

    Group i is the big-endian integer of digest bytes [5i, 5i+5) modulo 100000.
    """
    d = bytes.fromhex(digest_hex)
    return " ".join(f"{int.from_bytes(d[i * 5:(i + 1) * 5], 'big') % 100000:05d}" for i in range(6))


def check_passphrase_rule(passphrase: str) -> None:
    if len(passphrase) < MIN_PASSPHRASE:
        raise SyncError(f"密钥口令至少{MIN_PASSPHRASE}位", "weak_passphrase")


def seal_secret(secret: bytes, passphrase: str, suite: Suite | None = None) -> str:
    """JSON text holding `secret` encrypted under a key derived from `passphrase` (argon2id), with
    the suite's authenticated encryption (docs/bundle-format.md §4)."""
    suite = suite or suites.get(None)
    salt = suites.random_bytes(argon2id.SALTBYTES)
    nonce = suites.random_bytes(suite.nonce_size)
    kek = argon2id.kdf(suite.content_key_size, passphrase.encode("utf-8"), salt,
                       opslimit=KDF_OPSLIMIT, memlimit=KDF_MEMLIMIT)
    return json.dumps({"suite": suite.name, "kdf": "argon2id13", "opslimit": KDF_OPSLIMIT, "memlimit": KDF_MEMLIMIT,
                       "salt": b64(salt), "nonce": b64(nonce), "box": b64(suite.encrypt(kek, nonce, secret))},
                      sort_keys=True)


def open_secret(sealed: str, passphrase: str, label: str = "私钥", lost: str = "") -> bytes:
    """Recover a sealed secret; a wrong passphrase gives a clear Chinese message ending with `lost`
    (what to do if the passphrase is forgotten)."""
    try:
        p = json.loads(sealed)
        if p.get("kdf") != "argon2id13":
            raise ValueError("kdf")
        suite = suites.get(p.get("suite"))  # key files written before suites existed: nacl-1
        salt, box = unb64(p["salt"], argon2id.SALTBYTES), unb64(p["box"])
        nonce = unb64(p["nonce"], suite.nonce_size)
        ops, mem = int(p["opslimit"]), int(p["memlimit"])
    except (ValueError, KeyError, TypeError):
        raise SyncError(f"{label}的保存格式已损坏，无法读取", "key_damaged") from None
    kek = argon2id.kdf(suite.content_key_size, passphrase.encode("utf-8"), salt, opslimit=ops, memlimit=mem)
    try:
        return suite.decrypt(kek, nonce, box)
    except SuiteError:
        raise SyncError(f"密钥口令不正确，无法打开{label}" + (f"。{lost}" if lost else ""),
                        "wrong_passphrase") from None


def new_signing_key(suite: Suite | None = None) -> Signer:
    return (suite or suites.get(None)).new_signer()


def new_encryption_key(suite: Suite | None = None) -> Opener:
    return (suite or suites.get(None)).new_opener()


def store_key(session: Session, purpose: str, public_key: bytes, secret: bytes, passphrase: str,
              actor: str, *, now: datetime | None = None) -> SyncKey:
    """Save a new key pair (sealed) as the active key for `purpose`; earlier ones become retired."""
    check_passphrase_rule(passphrase)
    now = now or utcnow()
    for old in session.execute(select(SyncKey).where(SyncKey.purpose == purpose, SyncKey.status == "active")).scalars():
        old.status, old.retired_at = "retired", now
        session.add(old)
    row = SyncKey(key_id=key_id(public_key), purpose=purpose, public_key=b64(public_key),
                  sealed_secret=seal_secret(secret, passphrase, suites.of_key(public_key)), created_at=now, created_by=actor, status="active")
    session.add(row)
    return row


def active_key(session: Session, purpose: str) -> SyncKey | None:
    return session.execute(
        select(SyncKey).where(SyncKey.purpose == purpose, SyncKey.status == "active")
        .order_by(SyncKey.created_at.desc())
    ).scalars().first()


def _labels(purpose: str) -> tuple[str, str]:
    return PURPOSE_LABELS.get(purpose, "私钥"), LOST_HINTS.get(purpose, "")


def _unlock(row: SyncKey, passphrase: str, opener: bool) -> Signer | Opener:
    """Open a sealed private key of the suite of its stored public half, and check they match."""
    secret = open_secret(row.sealed_secret, passphrase, *_labels(row.purpose))
    try:
        public = unpub(row.public_key)
        suite = suites.of_key(public)
        return suite.opener(secret, public) if opener else suite.signer(secret, public)
    except (ValueError, SuiteError):
        raise SyncError("私钥与登记的公钥不一致：密钥数据已损坏", "key_damaged") from None


def unlock_signing(row: SyncKey, passphrase: str) -> Signer:
    return _unlock(row, passphrase, False)  # type: ignore[return-value]


def unlock_encryption(row: SyncKey, passphrase: str) -> Opener:
    return _unlock(row, passphrase, True)


def suite_of_row(row: SyncKey) -> Suite:
    return suites.of_key(unpub(row.public_key))


def reseal(session: Session, row: SyncKey, old_passphrase: str, new_passphrase: str) -> None:
    """Change the passphrase protecting a stored private key (the key itself is unchanged)."""
    check_passphrase_rule(new_passphrase)
    secret = open_secret(row.sealed_secret, old_passphrase, *_labels(row.purpose))
    row.sealed_secret = seal_secret(secret, new_passphrase, suite_of_row(row))
    session.add(row)
