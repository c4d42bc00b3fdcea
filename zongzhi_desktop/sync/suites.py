"""Cipher suites of the sync files (docs/bundle-format.md §2.3): one object per suite, chosen once
from the file, key or county profile at hand, so no call site branches on the suite.

- ``nacl-1`` (PyNaCl/libsodium): Ed25519 signatures, X25519 sealed boxes for content keys,
  XSalsa20-Poly1305 for chunks and sealed private keys, SHA-256 for every hash. Files written
  before suites existed carry no suite field and are ``nacl-1``.
- ``gm-1`` (国密, gmssl-fast, a binding of GmSSL 3): SM2 signatures with the standard signer ID
  ``1234567812345678`` (GB/T 32918.2; raw r‖s, 64 bytes), SM2 public-key encryption of the
  content key (GB/T 32918.4; raw C1‖C3‖C2), SM4-GCM for chunks and sealed private keys
  (GB/T 32907, 16-byte key, 12-byte nonce, 16-byte tag), SM3 for every hash (GB/T 32905).

A public key tells its suite by its length: 32 bytes is an Ed25519/X25519 key (``nacl-1``), 33 bytes
a compressed SM2 point (``gm-1``, SEC 1 §2.3.3: 0x02/0x03 ‖ X). The compressed form keeps a
base64 key within the 64-character key columns of the stores; it is expanded only to hand it to
GmSSL, which checks that the point is on the curve.

No primitive is implemented here: every signature, encryption and hash is a library call. The only
arithmetic is the expansion of a compressed public point (a square root modulo p of public data).
"""

from __future__ import annotations

import hashlib
import os
import secrets
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, Protocol

NACL = "nacl-1"
GM = "gm-1"
DEFAULT = NACL
LABELS = {NACL: "nacl-1（Ed25519/X25519/XSalsa20-Poly1305/SHA-256）", GM: "gm-1（国密 SM2/SM3/SM4）"}


class SuiteError(ValueError):
    """A sealed key, chunk or private key that does not open (wrong key, or changed bytes)."""


class Hasher(Protocol):
    def update(self, data: bytes, /) -> None: ...
    def hexdigest(self) -> str: ...


class Signer(Protocol):
    """A private signing key of one suite."""

    suite: Suite
    public: bytes  # the public half, in the suite's encoding (32 or 33 bytes)
    secret: bytes  # the 32 private bytes (Ed25519 seed, SM2 scalar), only to be sealed at rest

    def sign(self, message: bytes) -> bytes: ...  # 64 bytes
    def open_key(self, sealed: bytes) -> bytes: ...  # a key sealed with suite.seal_to_signer


class Opener(Protocol):
    """A private encryption key of one suite: opens content keys sealed to its public half."""

    suite: Suite
    public: bytes
    secret: bytes

    def open_key(self, sealed: bytes) -> bytes: ...


class Suite(Protocol):
    name: str
    hash_name: str  # the name of the chunk digest field in manifests ("sha256" / "sm3")
    encryption: str  # manifest encryption.algorithm
    public_size: int
    content_key_size: int  # bytes of a chunk / sealed-secret key
    nonce_size: int

    def hasher(self) -> Hasher: ...
    def hexdigest(self, data: bytes) -> str: ...
    def new_signer(self) -> Signer: ...
    def new_opener(self) -> Opener: ...
    def signer(self, secret: bytes, public: bytes) -> Signer: ...  # SuiteError if the halves differ
    def opener(self, secret: bytes, public: bytes) -> Opener: ...
    def verify(self, public: bytes, message: bytes, signature: bytes) -> bool: ...
    def seal_key(self, public: bytes, key: bytes) -> bytes: ...  # to an Opener's public half
    def seal_to_signer(self, signing_public: bytes, key: bytes) -> bytes: ...  # restore files (§16)
    def encrypt(self, key: bytes, nonce: bytes, plain: bytes) -> bytes: ...  # AEAD, without the nonce
    def decrypt(self, key: bytes, nonce: bytes, box: bytes) -> bytes: ...  # SuiteError if it fails


# -- nacl-1 ---------------------------------------------------------------------------------
@dataclass
class _NaclSigner:
    suite: Suite
    secret: bytes = field(repr=False)
    public: bytes = b""

    def __post_init__(self) -> None:
        from nacl.signing import SigningKey

        self._key = SigningKey(self.secret)
        self.public = bytes(self._key.verify_key)

    def sign(self, message: bytes) -> bytes:
        return self._key.sign(message).signature

    def open_key(self, sealed: bytes) -> bytes:
        from nacl.exceptions import CryptoError
        from nacl.public import SealedBox

        try:
            return SealedBox(self._key.to_curve25519_private_key()).decrypt(sealed)
        except (CryptoError, ValueError, TypeError):
            raise SuiteError("sealed key") from None


@dataclass
class _NaclOpener:
    suite: Suite
    secret: bytes = field(repr=False)
    public: bytes = b""

    def __post_init__(self) -> None:
        from nacl.public import PrivateKey

        self._key = PrivateKey(self.secret)
        self.public = bytes(self._key.public_key)

    def open_key(self, sealed: bytes) -> bytes:
        from nacl.exceptions import CryptoError
        from nacl.public import SealedBox

        try:
            return SealedBox(self._key).decrypt(sealed)
        except (CryptoError, ValueError, TypeError):
            raise SuiteError("sealed key") from None


class NaclSuite:
    name = NACL
    hash_name = "sha256"
    encryption = "x25519-sealedbox+xsalsa20poly1305"
    public_size = 32
    content_key_size = 32
    nonce_size = 24

    def hasher(self) -> Hasher:
        return hashlib.sha256()

    def hexdigest(self, data: bytes) -> str:
        return hashlib.sha256(data).hexdigest()

    def new_signer(self) -> Signer:
        return _NaclSigner(self, os.urandom(32))

    def new_opener(self) -> Opener:
        return _NaclOpener(self, os.urandom(32))

    def signer(self, secret: bytes, public: bytes) -> Signer:
        key = _NaclSigner(self, secret)
        if key.public != public:
            raise SuiteError("key pair mismatch")
        return key

    def opener(self, secret: bytes, public: bytes) -> Opener:
        key = _NaclOpener(self, secret)
        if key.public != public:
            raise SuiteError("key pair mismatch")
        return key

    def verify(self, public: bytes, message: bytes, signature: bytes) -> bool:
        from nacl.exceptions import BadSignatureError
        from nacl.signing import VerifyKey

        try:
            VerifyKey(public).verify(message, signature)
        except (BadSignatureError, ValueError, TypeError):
            return False
        return True

    def seal_key(self, public: bytes, key: bytes) -> bytes:
        from nacl.public import PublicKey, SealedBox

        return SealedBox(PublicKey(public)).encrypt(key)

    def seal_to_signer(self, signing_public: bytes, key: bytes) -> bytes:
        """libsodium's X25519 conversion of the Ed25519 key (crypto_sign_ed25519_pk_to_curve25519)."""
        from nacl.public import SealedBox
        from nacl.signing import VerifyKey

        return SealedBox(VerifyKey(signing_public).to_curve25519_public_key()).encrypt(key)

    def encrypt(self, key: bytes, nonce: bytes, plain: bytes) -> bytes:
        from nacl.secret import SecretBox

        return SecretBox(key).encrypt(plain, nonce).ciphertext  # Poly1305 tag ‖ ciphertext

    def decrypt(self, key: bytes, nonce: bytes, box: bytes) -> bytes:
        from nacl.exceptions import CryptoError
        from nacl.secret import SecretBox

        try:
            return SecretBox(key).decrypt(box, nonce)
        except (CryptoError, ValueError, TypeError):
            raise SuiteError("box") from None


# -- gm-1 -----------------------------------------------------------------------------------
# SM2 curve (GB/T 32918.5): p ≡ 3 (mod 4), so a square root is a single power.
_P = 0xFFFFFFFEFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF00000000FFFFFFFFFFFFFFFF
_A = _P - 3
_B = 0x28E9FA9E9D9F5E344D5A9E4BCF6509A7F39789F515AB8F92DDBCBD414D940E93
_STDERR_LOCK = threading.Lock()


@contextmanager
def _quiet() -> Iterator[None]:
    """GmSSL prints a trace to file descriptor 2 when a check fails (a bad signature, a tag that
    does not match); the failure is reported in Chinese by the caller, so the trace is hidden."""
    with _STDERR_LOCK:
        try:
            saved = os.dup(2)
        except OSError:  # no stderr at all (the windowed build)
            yield
            return
        try:
            with open(os.devnull, "wb") as null:
                os.dup2(null.fileno(), 2)
                yield
        finally:
            os.dup2(saved, 2)
            os.close(saved)


def compress_point(uncompressed_hex: str) -> bytes:
    """04 ‖ X ‖ Y (hex, as GmSSL gives it) → 02|03 ‖ X (33 bytes)."""
    raw = bytes.fromhex(uncompressed_hex[-128:])
    return bytes([2 | (raw[63] & 1)]) + raw[:32]


def expand_point(public: bytes) -> str:
    """02|03 ‖ X → 04 ‖ X ‖ Y as hex for GmSSL; ValueError if X is not on the curve."""
    if len(public) != 33 or public[0] not in (2, 3):
        raise ValueError("SM2 public key")
    x = int.from_bytes(public[1:], "big")
    if x >= _P:
        raise ValueError("SM2 public key")
    rhs = (pow(x, 3, _P) + _A * x + _B) % _P
    y = pow(rhs, (_P + 1) // 4, _P)
    if y * y % _P != rhs:
        raise ValueError("SM2 public key")
    if (y & 1) != (public[0] & 1):
        y = _P - y
    return "04" + public[1:].hex() + y.to_bytes(32, "big").hex()


def _sm2(private: bytes | None, public: bytes | None) -> Any:
    import gmssl_fast

    return gmssl_fast.SM2(private_key=private.hex() if private is not None else None,
                          public_key=expand_point(public) if public is not None else None)


@dataclass
class _GmKey:
    """An SM2 private key: signs (GB/T 32918.2) and opens content keys sealed to it (GB/T 32918.4)."""

    suite: Suite
    secret: bytes = field(repr=False)
    public_hex: str = field(repr=False, default="")
    public: bytes = b""

    def __post_init__(self) -> None:
        import gmssl_fast

        if len(self.secret) != 32:
            raise SuiteError("SM2 private key")
        self.public = compress_point(self.public_hex)
        try:
            self._key = gmssl_fast.SM2(private_key=self.secret.hex(), public_key=self.public_hex)
            probe = self._key.sign(b"zongzhi/key-check")
        except (gmssl_fast.GmsslError, ValueError):
            raise SuiteError("SM2 private key") from None
        if not self.suite.verify(self.public, b"zongzhi/key-check", probe):  # the halves belong together
            raise SuiteError("SM2 key pair mismatch")

    def sign(self, message: bytes) -> bytes:
        return self._key.sign(message)

    def open_key(self, sealed: bytes) -> bytes:
        import gmssl_fast

        try:
            with _quiet():
                return self._key.decrypt(sealed)
        except (gmssl_fast.GmsslError, ValueError):
            raise SuiteError("sealed key") from None


class GmSuite:
    name = GM
    hash_name = "sm3"
    encryption = "sm2-encrypt+sm4-gcm"
    public_size = 33
    content_key_size = 16
    nonce_size = 12

    def hasher(self) -> Hasher:
        return _Sm3()

    def hexdigest(self, data: bytes) -> str:
        import gmssl_fast

        return gmssl_fast.sm3(data).hex()

    def new_signer(self) -> Signer:
        import gmssl_fast

        pair = gmssl_fast.SM2.generate()
        return _GmKey(self, bytes.fromhex(pair.private_key_hex), pair.public_key_hex)

    new_opener = new_signer  # an SM2 key pair both signs and decrypts; the county keeps two

    def signer(self, secret: bytes, public: bytes) -> Signer:
        try:
            return _GmKey(self, secret, expand_point(public))
        except ValueError:
            raise SuiteError("SM2 public key") from None

    opener = signer

    def verify(self, public: bytes, message: bytes, signature: bytes) -> bool:
        import gmssl_fast

        try:
            key = _sm2(None, public)
            with _quiet():
                return bool(key.verify(message, signature))
        except (gmssl_fast.GmsslError, ValueError):
            return False

    def seal_key(self, public: bytes, key: bytes) -> bytes:
        return _sm2(None, public).encrypt(key)

    seal_to_signer = seal_key  # the township's SM2 signing key opens its restore file itself

    def encrypt(self, key: bytes, nonce: bytes, plain: bytes) -> bytes:
        import gmssl_fast

        ct, tag = gmssl_fast.SM4GCM(key, nonce).encrypt(plain)
        return ct + tag  # GCM convention: ciphertext ‖ 16-byte tag

    def decrypt(self, key: bytes, nonce: bytes, box: bytes) -> bytes:
        import gmssl_fast

        if len(box) < 16 or len(key) != 16 or len(nonce) != 12:
            raise SuiteError("box")
        try:
            with _quiet():
                return gmssl_fast.SM4GCM(key, nonce).decrypt(box[:-16], box[-16:])
        except (gmssl_fast.GmsslError, ValueError):
            raise SuiteError("box") from None


class _Sm3:
    """Incremental SM3 over bounded blocks (gmssl-fast hashes one buffer at a time)."""

    def __init__(self) -> None:
        self._parts: list[bytes] = []

    def update(self, data: bytes, /) -> None:
        self._parts.append(bytes(data))

    def hexdigest(self) -> str:
        import gmssl_fast

        return gmssl_fast.sm3(b"".join(self._parts)).hex()


SUITES: dict[str, Suite] = {NACL: NaclSuite(), GM: GmSuite()}
_BY_SIZE = {s.public_size: s for s in SUITES.values()}


def get(name: str | None) -> Suite:
    """The suite named in a file; None (files written before suites existed) is nacl-1."""
    suite = SUITES.get(name or DEFAULT)
    if suite is None:
        raise KeyError(name)
    return suite


def of_key(public: bytes) -> Suite:
    """The suite of a public key, by its length (32: nacl-1, 33: gm-1); KeyError otherwise."""
    return _BY_SIZE[len(public)]


def random_bytes(n: int) -> bytes:
    return secrets.token_bytes(n)
