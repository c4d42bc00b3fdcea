"""Attachment bytes on disk: content-addressed, encrypted with the store's key, never rewritten.

Files live in `<data dir>/attachments/<2 hex>/<name>`. For a plain store the name is the content's
SHA-256 and the file holds the bytes as they are. For an encrypted store (SQLCipher, store/keys.py)
both are derived from the store's data key, so a stolen disk reveals neither a file nor whether a
known file is there:

- name = BLAKE2b-256 keyed with BLAKE2b(data key, person "zz-attach-name") of the SHA-256;
- content = XSalsa20-Poly1305 (PyNaCl SecretBox) under BLAKE2b(data key, person "zz-attach-data"),
  random nonce prepended (SecretBox's own layout).

The same bytes attached twice share one file. A file is written under a temporary name, synced
and renamed, so a power cut leaves either the whole file or none; reading checks the SHA-256.
"""

from __future__ import annotations

import hashlib
import secrets
import zlib
from pathlib import Path

from nacl.exceptions import CryptoError
from nacl.secret import SecretBox

from ..domain.errors import DomainError
from ..fileperms import create_private_file, private_dir
from .filecopy import publish

FOLDER = "attachments"


class AttachmentMissing(DomainError):
    """The attachment's file is gone or damaged (Chinese message)."""


def _derived(key: bytes, person: bytes) -> bytes:
    return hashlib.blake2b(b"zongzhi attachments", key=key, person=person, digest_size=32).digest()


class AttachmentFiles:
    """The attachment folder of one township store."""

    def __init__(self, store_path: Path, key: bytes | None) -> None:
        """`store_path`: the SQLite file; `key`: its data key (None for a plain store)."""
        self.root = store_path.parent / FOLDER
        self._name_key = _derived(key, b"zz-attach-name") if key is not None else None
        self._box = SecretBox(_derived(key, b"zz-attach-data")) if key is not None else None

    def path_of(self, sha256: str) -> Path:
        """Where the file with this content hash is (or would be) kept."""
        if self._name_key is None:
            name = sha256
        else:
            name = hashlib.blake2b(bytes.fromhex(sha256), key=self._name_key, digest_size=32).hexdigest()
        return self.root / name[:2] / name

    def put(self, data: bytes) -> str:
        """Keep `data` (once per content) and return its SHA-256."""
        sha = hashlib.sha256(data).hexdigest()
        final = self.path_of(sha)
        if final.exists():
            return sha
        private_dir(self.root)
        private_dir(final.parent)
        partial = final.with_name(f"{final.name}.{secrets.token_hex(4)}.partial")
        create_private_file(partial)
        try:
            with open(partial, "wb") as fh:
                fh.write(bytes(self._box.encrypt(data)) if self._box is not None else data)
            publish(partial, final)
        except BaseException:
            partial.unlink(missing_ok=True)
            raise
        return sha

    def has(self, sha256: str) -> bool:
        return self.path_of(sha256).exists()

    def get(self, sha256: str) -> bytes:
        """The bytes with this hash, checked (AttachmentMissing when absent or damaged)."""
        path = self.path_of(sha256)
        try:
            raw = path.read_bytes()
        except FileNotFoundError:
            raise AttachmentMissing("附件文件不在本机（可能尚未从县级恢复或已被删除）") from None
        except OSError as e:
            raise AttachmentMissing(f"附件文件无法读取（{e.strerror or e}）") from None
        try:
            data = bytes(self._box.decrypt(raw)) if self._box is not None else raw
        except CryptoError:
            raise AttachmentMissing("附件文件已损坏或被改动（校验失败）") from None
        if hashlib.sha256(data).hexdigest() != sha256:
            raise AttachmentMissing("附件文件已损坏或被改动（校验失败）")
        return data

    def files(self) -> list[Path]:
        """Every kept file (backups copy them)."""
        if not self.root.is_dir():
            return []
        return sorted(p for p in self.root.glob("*/*") if p.is_file() and not p.name.endswith(".partial"))


def sniff_media_type(data: bytes, file_name: str) -> str:
    """The media type from the content's signature, else from the name's extension."""
    import mimetypes

    signatures = ((b"%PDF-", "application/pdf"), (b"\x89PNG\r\n\x1a\n", "image/png"), (b"\xff\xd8\xff", "image/jpeg"),
                  (b"GIF87a", "image/gif"), (b"GIF89a", "image/gif"), (b"BM", "image/bmp"),
                  (b"II*\x00", "image/tiff"), (b"MM\x00*", "image/tiff"))
    for magic, media in signatures:
        if data.startswith(magic):
            return media
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image/webp"
    guessed, _ = mimetypes.guess_type(file_name)
    return guessed or "application/octet-stream"




def deflate(data: bytes) -> bytes:
    """Bytes as they travel (`attachment_content.content_zlib`)."""
    return zlib.compress(data, 6)


def inflate(blob: bytes, limit: int) -> bytes | None:
    """Travelled bytes back, or None when they are not zlib data or would exceed `limit` bytes
    (bounded: a small blob must not expand into gigabytes)."""
    d = zlib.decompressobj()
    try:
        data = d.decompress(blob, limit + 1)
    except zlib.error:
        return None
    if len(data) > limit or not d.eof or d.unused_data:
        return None
    return data


def copy_missing(source_root: Path, target_root: Path) -> int:
    """Copy the attachment files `target_root` lacks (backups to another disk, and back on restore).
    Files never change once written, so a file already there is the same file. Returns how many."""
    if not source_root.is_dir():
        return 0
    copied = 0
    for src in sorted(source_root.glob("*/*")):
        if not src.is_file() or src.name.endswith(".partial"):
            continue
        dst = target_root / src.parent.name / src.name
        if dst.exists():
            continue
        private_dir(target_root)
        private_dir(dst.parent)
        partial = dst.with_name(dst.name + ".partial")
        create_private_file(partial)
        try:
            partial.write_bytes(src.read_bytes())
            publish(partial, dst)
        except BaseException:
            partial.unlink(missing_ok=True)
            raise
        copied += 1
    return copied
