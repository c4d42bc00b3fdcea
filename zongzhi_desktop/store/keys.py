"""The store's encryption key and who may unwrap it (issue 14: a stolen PC reveals nothing).

A township store (and a county hub on SQLite) is encrypted with SQLCipher 4 under one random
256-bit data key, handed to SQLCipher as a raw key (no second key derivation on every open). The
data key is never written down in the clear. The key file next to the store
(`zongzhi.sqlite3.keys`, JSON, mode 0600) holds it only wrapped:

- once per user, under a key derived from that user's password with Argon2id (t=3, 64 MiB, p=4:
  RFC 9106's second recommended setting, the cost of the password hash), so any user's sign-in
  opens the store and a password change re-wraps one slot;
- once under the recovery key: 32 random bytes shown once to the administrator, to be printed and
  kept on paper (it has full entropy, so BLAKE2b derives its wrapping key without stretching).

Wrapping is XSalsa20-Poly1305 (PyNaCl SecretBox): a wrong password fails authentication and never
yields a wrong key. A slot made while converting a plain store from the user's stored Argon2 hash
(`from_digest`) is replaced by a fresh one at that user's next sign-in. Nothing here touches the
database; the services keep the file and the store in step.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import secrets
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from argon2.low_level import Type, hash_secret_raw
from nacl.exceptions import CryptoError
from nacl.secret import SecretBox

from ..domain.errors import DomainError

FORMAT = "zongzhi-keys"
VERSION = 1
CIPHER = "sqlcipher4/hmac-sha256"  # SQLCipher 4 defaults except the page HMAC (see CIPHER_PRAGMAS)
# Applied after the key on every connection (and to an attached database being exported into):
# HMAC-SHA256 instead of SQLCipher's default SHA-512 — SHA-256 has CPU instructions on x86 (SHA-NI)
# and ARMv8 (Kunpeng, Phytium): 1.75 vs 0.80 GB/s on the test machine, and reading a page costs
# mostly its HMAC.
CIPHER_PRAGMAS = ("cipher_hmac_algorithm = HMAC_SHA256",)
KEY_BYTES = 32
ARGON2 = {"t": 3, "m": 65536, "p": 4}  # argon2-cffi's PasswordHasher defaults (RFC 9106, second choice)
MAX_KEYFILE_BYTES = 1 << 20
_CHECK_LABEL = b"zongzhi store key check"


class KeyFileError(DomainError):
    """The key file is missing, unreadable or not ours (Chinese message)."""


def keyfile_path(store_path: Path) -> Path:
    """Where the key file of the store at `store_path` lives."""
    return store_path.with_name(store_path.name + ".keys")


def new_data_key() -> bytes:
    """A fresh random data key."""
    return secrets.token_bytes(KEY_BYTES)


def sqlcipher_key_pragma(key: bytes) -> str:
    """The PRAGMA that opens a SQLCipher database with a raw 256-bit key."""
    if len(key) != KEY_BYTES:
        raise ValueError("data key must be 32 bytes")
    return f"PRAGMA key = \"x'{key.hex()}'\""


def key_check(key: bytes) -> str:
    """A value that recognises the data key without revealing it (keyed BLAKE2b of a constant)."""
    return hashlib.blake2b(_CHECK_LABEL, key=key, digest_size=16).hexdigest()


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.b64decode(text.encode("ascii"), validate=True)


def _argon2(password: str, salt: bytes, t: int, m: int, p: int) -> bytes:
    return hash_secret_raw(password.encode("utf-8"), salt, time_cost=t, memory_cost=m, parallelism=p,
                           hash_len=KEY_BYTES, type=Type.ID)


def _recovery_kek(secret: bytes, salt: bytes) -> bytes:
    return hashlib.blake2b(secret, salt=salt, person=b"zongzhi-recover", digest_size=KEY_BYTES).digest()


# -- the recovery key as people write it ---------------------------------------------------------
def format_recovery(secret: bytes) -> str:
    """32 bytes as 13 groups of four base32 characters (A–Z, 2–7), e.g. ABCD-EFGH-…"""
    text = base64.b32encode(secret).decode("ascii").rstrip("=")
    return "-".join(text[i:i + 4] for i in range(0, len(text), 4))


def parse_recovery(text: str) -> bytes:
    """The secret behind a recovery key as typed (spaces, dashes, lower case and 0/1/8 for O/I/B forgiven)."""
    cleaned = "".join(ch for ch in text.upper() if ch.isalnum())
    cleaned = cleaned.translate(str.maketrans({"0": "O", "1": "I", "8": "B"}))
    if len(cleaned) != 52:
        raise DomainError(f"恢复密钥应为 52 个字母或数字（13 组，每组 4 个），输入了 {len(cleaned)} 个")
    try:
        return base64.b32decode(cleaned + "====")
    except (binascii.Error, ValueError):
        raise DomainError("恢复密钥含有无效字符：只能是字母 A–Z 和数字 2–7") from None


@dataclass
class Slot:
    """The data key wrapped under a key derived from one user's password."""

    salt: bytes
    box: bytes
    t: int = ARGON2["t"]
    m: int = ARGON2["m"]
    p: int = ARGON2["p"]
    from_digest: bool = False  # made from the stored password hash while converting a plain store

    def to_json(self) -> dict[str, Any]:
        return {"kdf": "argon2id", "salt": _b64(self.salt), "t": self.t, "m": self.m, "p": self.p,
                "box": _b64(self.box), "from_digest": self.from_digest}

    @classmethod
    def from_json(cls, raw: dict[str, Any]) -> Slot:
        if raw.get("kdf") != "argon2id":
            raise ValueError("unknown kdf")
        return cls(salt=_unb64(raw["salt"]), box=_unb64(raw["box"]), t=int(raw["t"]), m=int(raw["m"]),
                   p=int(raw["p"]), from_digest=bool(raw.get("from_digest", False)))


@dataclass
class KeyFile:
    """The wrapped copies of one store's data key."""

    check: str
    slots: dict[str, Slot] = field(default_factory=dict)
    recovery: dict[str, str] | None = None
    store_id: str = field(default_factory=lambda: secrets.token_hex(8))
    # Shown by the sign-in box before the store is open (no personal data): township name, demo flag.
    public: dict[str, Any] = field(default_factory=dict)

    # -- making ------------------------------------------------------------------------------
    @classmethod
    def for_key(cls, data_key: bytes) -> KeyFile:
        """An empty key file (no slots yet) for `data_key`."""
        return cls(check=key_check(data_key))

    def set_user(self, username: str, password: str, data_key: bytes) -> None:
        """Wrap the data key for `username` under their password (replaces an older slot)."""
        self._require_key(data_key)
        salt = secrets.token_bytes(16)
        kek = _argon2(password, salt, ARGON2["t"], ARGON2["m"], ARGON2["p"])
        self.slots[username] = Slot(salt=salt, box=bytes(SecretBox(kek).encrypt(data_key)))

    def set_user_from_digest(self, username: str, password_hash: str, data_key: bytes) -> bool:
        """Wrap the data key under the raw Argon2id output inside a stored PHC password hash, so the
        user's existing password opens the converted store. False if the hash is not Argon2id."""
        self._require_key(data_key)
        parsed = _parse_phc(password_hash)
        if parsed is None:
            return False
        salt, raw, t, m, p = parsed
        self.slots[username] = Slot(salt=salt, box=bytes(SecretBox(raw).encrypt(data_key)), t=t, m=m, p=p,
                                    from_digest=True)
        return True

    def remove_user(self, username: str) -> bool:
        """Forget a user's slot (a disabled account no longer opens the store)."""
        return self.slots.pop(username, None) is not None

    def new_recovery(self, data_key: bytes) -> str:
        """Make a new recovery key (the old one stops working); returns it as people write it."""
        self._require_key(data_key)
        secret, salt = secrets.token_bytes(KEY_BYTES), secrets.token_bytes(16)
        box = SecretBox(_recovery_kek(secret, salt)).encrypt(data_key)
        self.recovery = {"kdf": "blake2b", "salt": _b64(salt), "box": _b64(bytes(box))}
        return format_recovery(secret)

    # -- opening -----------------------------------------------------------------------------
    def unwrap_user(self, username: str, password: str) -> bytes | None:
        """The data key if `password` is `username`'s, else None (costs one Argon2id either way)."""
        slot = self.slots.get(username)
        if slot is None:
            _argon2(password, b"zongzhi-no-slot!", ARGON2["t"], ARGON2["m"], ARGON2["p"])  # same cost
            return None
        kek = _argon2(password, slot.salt, slot.t, slot.m, slot.p)
        return self._open(kek, slot.box)

    def unwrap_recovery(self, text: str) -> bytes | None:
        """The data key if `text` is this store's recovery key, else None."""
        if self.recovery is None:
            return None
        secret = parse_recovery(text)
        kek = _recovery_kek(secret, _unb64(self.recovery["salt"]))
        return self._open(kek, _unb64(self.recovery["box"]))

    def needs_rewrap(self, username: str) -> bool:
        slot = self.slots.get(username)
        return slot is not None and slot.from_digest

    def _open(self, kek: bytes, box: bytes) -> bytes | None:
        try:
            key = bytes(SecretBox(kek).decrypt(box))
        except CryptoError:
            return None
        return key if key_check(key) == self.check else None

    def _require_key(self, data_key: bytes) -> None:
        if key_check(data_key) != self.check:
            raise ValueError("not this store's data key")

    # -- the file ------------------------------------------------------------------------------
    def to_json(self) -> dict[str, Any]:
        return {"format": FORMAT, "version": VERSION, "cipher": CIPHER, "store_id": self.store_id,
                "check": self.check, "slots": {u: s.to_json() for u, s in sorted(self.slots.items())},
                "recovery": self.recovery, "public": self.public}

    @classmethod
    def from_json(cls, raw: Any) -> KeyFile:
        if not isinstance(raw, dict) or raw.get("format") != FORMAT:
            raise ValueError("not a key file")
        if raw.get("version") != VERSION or raw.get("cipher") != CIPHER:
            raise ValueError(f"unsupported version {raw.get('version')} / cipher {raw.get('cipher')}")
        slots = {str(u): Slot.from_json(s) for u, s in dict(raw.get("slots") or {}).items()}
        recovery = raw.get("recovery")
        if recovery is not None and not (isinstance(recovery, dict) and {"salt", "box"} <= recovery.keys()):
            raise ValueError("bad recovery slot")
        public = raw.get("public") or {}
        if not isinstance(public, dict):
            raise ValueError("bad public section")
        return cls(check=str(raw["check"]), slots=slots, recovery=recovery, store_id=str(raw.get("store_id", "")),
                   public={str(k): v for k, v in public.items() if isinstance(v, str | bool)})

    def save(self, path: Path) -> None:
        """Write the key file atomically (0600, synced, then renamed over the old one)."""
        from ..fileperms import create_private_file
        from .filecopy import publish

        partial = path.with_name(path.name + ".partial")
        partial.unlink(missing_ok=True)
        create_private_file(partial)
        with open(partial, "w", encoding="utf-8") as fh:
            json.dump(self.to_json(), fh, ensure_ascii=False, indent=1)
        publish(partial, path)


def load(path: Path) -> KeyFile:
    """Read a key file (KeyFileError in Chinese when it is missing, too large or damaged)."""
    try:
        size = path.stat().st_size
        if size > MAX_KEYFILE_BYTES:
            raise KeyFileError(f"密钥文件过大（{size} 字节），不是本程序写的：{path}")
        raw = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise KeyFileError(f"找不到数据库的密钥文件：{path}。请从备份文件夹找回同名的 .keys 文件") from None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as e:
        raise KeyFileError(f"密钥文件无法读取（{e}）：{path}") from None
    try:
        return KeyFile.from_json(raw)
    except (ValueError, KeyError, TypeError, binascii.Error) as e:
        raise KeyFileError(f"密钥文件已损坏或不是本程序写的（{e}）：{path}") from None


def is_encrypted_store(store_path: Path) -> bool:
    """True when the store at `store_path` has a key file (so it is encrypted)."""
    return keyfile_path(store_path).exists()


def _parse_phc(password_hash: str) -> tuple[bytes, bytes, int, int, int] | None:
    """(salt, raw hash, t, m, p) of an argon2-cffi PHC string `$argon2id$v=19$m=…,t=…,p=…$salt$hash`."""
    parts = password_hash.split("$")
    if len(parts) != 6 or parts[1] != "argon2id" or parts[2] != "v=19":
        return None
    try:
        params = dict(item.split("=", 1) for item in parts[3].split(","))
        salt = base64.b64decode(parts[4] + "=" * (-len(parts[4]) % 4))
        raw = base64.b64decode(parts[5] + "=" * (-len(parts[5]) % 4))
        t, m, p = int(params["t"]), int(params["m"]), int(params["p"])
    except (ValueError, KeyError, binascii.Error):
        return None
    if len(raw) != KEY_BYTES:
        return None
    return salt, raw, t, m, p

