"""Bundle writing and reading: signed manifest, encrypted JSON-lines chunks (docs/bundle-format.md).

Writing streams rows into chunks of about CHUNK_TARGET bytes; each chunk is zlib-compressed, then
encrypted with a fresh per-bundle content key. The content key is sealed to the county's encryption
key inside the manifest, which lists every chunk's size and hash and is signed with the township's
key. The primitives are those of the bundle's cipher suite (suites.py: nacl-1 or gm-1), named in
the manifest. Reading checks the container, the signature and every hash before anything is
decrypted or parsed.
"""

from __future__ import annotations

import json
import re
import zlib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, BinaryIO

from ..domain.models import GENESIS_HASH, new_uuid
from ..store.serialize import canonical_json
from . import container as ct
from . import envelope, suites
from .errors import BundleRefused, SyncError
from .keys import b64, fingerprint, key_id, unb64
from .suites import Opener, Signer, Suite, SuiteError

FORMAT = "zongzhi-bundle"
VERSION = 1  # nacl-1 bundles (with or without the `suite` field)
VERSIONS = {suites.NACL: 1, suites.GM: 2}  # format version written per suite; readers accept both
ENCRYPTION = suites.get(suites.NACL).encryption
CHUNK_TARGET = 1024 * 1024  # uncompressed JSON-lines bytes per chunk (memory stays bounded)
MAX_CHUNK_PLAIN = 16 * 1024 * 1024
ZLIB_LEVEL = 3  # nearly as small as 6 at a quarter of the time (format-neutral: readers just inflate)
SIGN_KIND = "bundle-manifest"
HEX64 = re.compile(r"[0-9a-f]{64}")


def bundle_file_name(township_code: str, sequence: int) -> str:
    """FAT32/exFAT-safe name: ZZ-<9-digit township>-<6-digit sequence>.zzb."""
    return f"ZZ-{township_code}-{sequence:06d}.zzb"


def receipt_file_name(township_code: str, sequence: int) -> str:
    return f"ZZ-{township_code}-{sequence:06d}.zzr"


@dataclass
class BundleHeader:
    """What the township states about a bundle (everything in the manifest except the chunks)."""

    township_code: str
    township_name: str
    county_code: str
    sequence: int
    previous_hash: str
    created_at: datetime
    span_from: datetime | None
    app: str = "zongzhi-desktop"
    audit_head: tuple[int, str] | None = None  # (seq, hash) of the township's audit chain end
    full_state: bool = False  # carries every row of the township (`sync resend --all`)
    restored_after: int | None = None  # the audit chain began anew when restored from the county after this bundle


@dataclass
class WrittenBundle:
    manifest: dict[str, Any]
    manifest_bytes: bytes
    bundle_hash: str
    rows: int
    counts: dict[str, dict[str, int]]
    content_key: bytes = field(repr=False)


def write_chunks(writer: ct.ContainerWriter, tables: Iterable[tuple[str, Iterable[dict[str, Any]]]],
                 content_key: bytes, chunk_target: int = CHUNK_TARGET, suite: Suite | None = None
                 ) -> tuple[list[dict[str, Any]], dict[str, dict[str, int]]]:
    """Write each table's rows as encrypted chunks (§10); returns the manifest's `chunks` and `counts`."""
    suite = suite or suites.get(None)
    chunks: list[dict[str, Any]] = []
    counts: dict[str, dict[str, int]] = {}

    def flush(table: str, lines: list[bytes]) -> None:
        plain = b"\n".join(lines) + b"\n"
        nonce = suites.random_bytes(suite.nonce_size)
        data = nonce + suite.encrypt(content_key, nonce, zlib.compress(plain, ZLIB_LEVEL))
        name = ct.chunk_name(len(chunks) + 1)
        writer.add(name, data)
        chunks.append({"name": name, "table": table, "rows": len(lines), "plain_size": len(plain),
                       "size": len(data), suite.hash_name: suite.hexdigest(data)})

    dumps = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode
    dumps_ascii = json.JSONEncoder(ensure_ascii=True, separators=(",", ":")).encode
    for table, rows in tables:
        lines: list[bytes] = []
        size = n = voided = 0
        for row in rows:
            try:
                line = dumps(row).encode("utf-8")
            except UnicodeEncodeError:  # a lone surrogate: travel escaped, the county rejects the row
                line = dumps_ascii(row).encode("ascii")
            if len(line) + 1 > MAX_CHUNK_PLAIN - chunk_target:
                raise SyncError(f"记录过大无法上报（表 {table}，id {row.get('id')}，{len(line)} 字节）", "row_too_large")
            lines.append(line)
            size += len(line) + 1
            n += 1
            voided += bool(row.get("voided"))
            if size >= chunk_target:
                flush(table, lines)
                lines, size = [], 0
        if lines:
            flush(table, lines)
        if n:
            counts[table] = {"rows": n, "voided": voided}

    return chunks, counts


def write_bundle(fh: BinaryIO, header: BundleHeader, tables: Iterable[tuple[str, Iterable[dict[str, Any]]]],
                 signer: Signer, recipient: bytes, *, chunk_target: int = CHUNK_TARGET) -> WrittenBundle:
    """Write a complete bundle to `fh`: chunks of each table's rows, then the signed manifest.

    The suite is the signer's; the county's encryption key `recipient` must be of the same suite."""
    suite = signer.suite
    check_same_suite(suite, recipient)
    content_key = suites.random_bytes(suite.content_key_size)
    writer = ct.ContainerWriter(fh)
    chunks, counts = write_chunks(writer, tables, content_key, chunk_target, suite)
    total = sum(c["rows"] for c in counts.values())
    signer_id = key_id(signer.public)
    manifest = {
        "format": FORMAT,
        "version": VERSIONS[suite.name],
        "suite": suite.name,
        "bundle_id": new_uuid(),
        "app": header.app,
        "county_code": header.county_code,
        "township_code": header.township_code,
        "township_name": header.township_name,
        "sequence": header.sequence,
        "previous_hash": header.previous_hash,
        "created_at": header.created_at.isoformat(timespec="microseconds"),
        "span": {"from": header.span_from.isoformat(timespec="microseconds") if header.span_from else None,
                 "to": header.created_at.isoformat(timespec="microseconds")},
        "rows": total,
        "counts": counts,
        "encryption": encryption_field(suite, recipient, content_key),
        "compression": "zlib",
        "chunks": chunks,
        "signer": signer_id,
        "signer_fingerprint": fingerprint(signer_id),
    }
    if header.audit_head is not None:  # the county keeps it: a witness of the township's audit chain
        manifest["audit_head"] = {"seq": header.audit_head[0], "hash": header.audit_head[1]}
        if header.restored_after is not None:
            manifest["audit_head"]["restored_after"] = header.restored_after
    if header.full_state:
        manifest["full_state"] = True
    return _finish(writer, manifest, signer, content_key)


def check_same_suite(suite: Suite, recipient: bytes) -> None:
    """The county's encryption key must be of the signer's suite (the county profile chooses it)."""
    try:
        theirs = suites.of_key(recipient)
    except KeyError:
        raise SyncError("县级加密公钥格式错误：请重新导入县级配置文件", "bad_key") from None
    if theirs is not suite:
        raise SyncError(f"密码套件不一致：本乡镇签名密钥使用 {suite.name}，县级配置文件要求 {theirs.name}。"
                        "请运行 zongzhi sync register-file --new-key 生成该套件的新密钥，并把登记文件交县级登记",
                        "wrong_suite")


def encryption_field(suite: Suite, recipient: bytes, content_key: bytes) -> dict[str, str]:
    """The manifest's `encryption`: the content key sealed to the county encryption key `recipient`."""
    return {"algorithm": suite.encryption, "recipient": key_id(recipient),
            "sealed_key": b64(suite.seal_key(recipient, content_key))}


def _finish(writer: ct.ContainerWriter, manifest: dict[str, Any], signer: Signer,
            content_key: bytes, sign_kind: str = SIGN_KIND) -> WrittenBundle:
    """Append the canonical manifest and its signature, and close the container."""
    manifest_bytes = canonical_json(manifest).encode("utf-8")
    writer.add(ct.MANIFEST, manifest_bytes)
    writer.add(ct.SIGNATURE, signer.sign(envelope.context(sign_kind) + manifest_bytes))
    writer.finish()
    return WrittenBundle(manifest, manifest_bytes, signer.suite.hexdigest(manifest_bytes), manifest["rows"],
                         manifest["counts"], content_key)


def identity_hash(manifest: dict[str, Any], bundle_hash: str) -> str:
    """The hash a bundle is known by in the chain and in receipts: that of the original for a
    re-sealed bundle (§9 `resealed_from`), else its own."""
    return manifest.get("resealed_from") or bundle_hash


def reseal_bundle(src: BundleFile, fh: BinaryIO, content_key: bytes, recipient: bytes,
                  signer: Signer) -> WrittenBundle:
    """Write `src` again with its content key sealed to another county key (after the county
    rotated its keys): the same chunks byte for byte, the same sequence, chain link and bundle id;
    the manifest names the original in `resealed_from`, so the county knows both as one bundle."""
    writer = ct.ContainerWriter(fh)
    for e in src.entries[:-2]:
        writer.add(e.name, ct.read_exact(src.fh, e.data_offset, e.size))
    if signer.suite is not src.suite:
        raise SyncError(f"密码套件不一致：批次使用 {src.suite.name}，本乡镇签名密钥使用 {signer.suite.name}，无法重新加密",
                        "wrong_suite")
    check_same_suite(signer.suite, recipient)
    manifest = dict(src.manifest)
    manifest["encryption"] = encryption_field(signer.suite, recipient, content_key)
    manifest["resealed_from"] = identity_hash(src.manifest, src.bundle_hash)
    signer_id = key_id(signer.public)
    manifest["signer"], manifest["signer_fingerprint"] = signer_id, fingerprint(signer_id)
    return _finish(writer, manifest, signer, content_key)


# -- reading ----------------------------------------------------------------------------------
def _bad(field_name: str) -> BundleRefused:
    return BundleRefused(f"批次清单格式错误（字段 {field_name}），已拒收", "malformed")


def _want(d: dict[str, Any], key: str, typ: type | tuple[type, ...], pattern: re.Pattern[str] | None = None) -> Any:
    v = d.get(key)
    if not isinstance(v, typ) or (typ is int and isinstance(v, bool)):
        raise _bad(key)
    if pattern is not None and not pattern.fullmatch(v):
        raise _bad(key)
    return v


def _when(v: Any, key: str) -> datetime:
    try:
        d = datetime.fromisoformat(v)
    except (TypeError, ValueError):
        raise _bad(key) from None
    if d.utcoffset() is None:
        raise _bad(key)
    return d


def manifest_suite(m: dict[str, Any], versions: dict[str, int], label: str = "批次") -> Suite:
    """The suite a manifest names, checked against its format version (`versions`: suite → the
    version its files carry): no `suite` field is nacl-1, as written before suites existed."""
    name = m.get("suite", suites.NACL)
    try:
        suite = suites.get(name)
    except (KeyError, TypeError):
        raise BundleRefused(f"不支持的{label}密码套件（字段 suite：{name!r}），请升级软件", "unsupported") from None
    if m.get("version") != versions[suite.name]:
        raise BundleRefused(f"不支持的{label}格式版本 {m.get('version')!r}（密码套件 {suite.name} 应为版本 "
                            f"{versions[suite.name]}），请升级软件", "unsupported")
    return suite


def check_payload_fields(m: dict[str, Any], suite: Suite | None = None) -> None:
    """Shape of the fields describing the encrypted payload (rows, counts, encryption, chunks)."""
    suite = suite or suites.get(None)
    _want(m, "rows", int)
    counts = _want(m, "counts", dict)
    for table, c in counts.items():
        if not isinstance(c, dict) or not isinstance(c.get("rows"), int) or not isinstance(c.get("voided"), int):
            raise _bad(f"counts.{table}")
    enc = _want(m, "encryption", dict)
    if enc.get("algorithm") != suite.encryption or m.get("compression") != "zlib":
        raise BundleRefused("不支持的批次加密或压缩方式，已拒收", "unsupported")
    _want(enc, "recipient", str, HEX64)
    _want(enc, "sealed_key", str)
    for i, c in enumerate(_want(m, "chunks", list), 1):
        if not isinstance(c, dict):
            raise _bad("chunks")
        if c.get("name") != ct.chunk_name(i):
            raise _bad(f"chunks[{i}].name")
        _want(c, "table", str)
        for k in ("rows", "plain_size", "size"):
            if _want(c, k, int) < 0:
                raise _bad(f"chunks[{i}].{k}")
        if c["plain_size"] > MAX_CHUNK_PLAIN:
            raise BundleRefused(f"数据块 {i} 声明的解压大小过大（{c['plain_size']} 字节），已拒收", "too_large")
        if c["size"] and c["plain_size"] / c["size"] > ct.MAX_RATIO:
            raise BundleRefused(f"数据块 {i} 的压缩比异常，已拒收", "too_large")
        _want(c, suite.hash_name, str, HEX64)


def check_manifest(m: Any) -> dict[str, Any]:
    """Schema check of a parsed manifest (types and shapes only; trust comes from the signature)."""
    if not isinstance(m, dict):
        raise _bad("manifest")
    if m.get("format") != FORMAT:
        if m.get("format") == "zongzhi-county-bundle":  # §17: a county's bundle to its city
            raise BundleRefused("这是县级批次文件（县级转报市级），不是乡镇批次：请在市级导入（zongzhi city import），已拒收",
                                "malformed")
        raise BundleRefused("不是综治桌面的批次文件（清单格式不符），已拒收", "malformed")
    if m.get("version") not in VERSIONS.values():
        raise BundleRefused(f"不支持的批次格式版本 {m.get('version')!r}（本软件支持版本 1、2），请升级软件", "unsupported")
    suite = manifest_suite(m, VERSIONS)
    _want(m, "bundle_id", str)
    _want(m, "county_code", str, re.compile(r"\d{6}"))
    _want(m, "township_code", str, re.compile(r"\d{9}"))
    _want(m, "township_name", str)
    seq = _want(m, "sequence", int)
    if seq < 1:
        raise _bad("sequence")
    _want(m, "previous_hash", str, HEX64)
    _when(m.get("created_at"), "created_at")
    span = _want(m, "span", dict)
    if span.get("from") is not None:
        _when(span["from"], "span.from")
    _when(span.get("to"), "span.to")
    check_payload_fields(m, suite)
    _want(m, "signer", str, HEX64)
    if "audit_head" in m:  # optional: bundles of earlier releases have none
        head = _want(m, "audit_head", dict)
        if _want(head, "seq", int) < 0:
            raise _bad("audit_head.seq")
        _want(head, "hash", str, HEX64)
        if "restored_after" in head and _want(head, "restored_after", int) < 0:
            raise _bad("audit_head.restored_after")
    if "full_state" in m and m["full_state"] is not True:  # optional: `sync resend --all`
        raise _bad("full_state")
    if "resealed_from" in m:  # optional: re-sealed after a county key rotation
        _want(m, "resealed_from", str, HEX64)
    return m


class BundleFile:
    """A bundle opened for reading: container checked and hashed, manifest parsed (not yet trusted)."""

    def __init__(self, fh: BinaryIO, size: int, *, schema: Callable[[Any], dict[str, Any]] | None = None,
                 sign_kind: str = SIGN_KIND, townships: bool = False) -> None:
        self.sign_kind = sign_kind
        self.fh = fh
        self.size = size
        self.entries = ct.read_directory(fh, size, townships=townships)
        # The encrypted chunks (§10); a county bundle's forwarded township bundles are not among them.
        self.payload_entries = [e for e in self.entries if ct.CHUNK_RE.fullmatch(e.name)]
        by_name = {e.name: e for e in self.entries}
        self.manifest_bytes = ct.read_exact(fh, by_name[ct.MANIFEST].data_offset, by_name[ct.MANIFEST].size)
        self.signature = ct.read_exact(fh, by_name[ct.SIGNATURE].data_offset, by_name[ct.SIGNATURE].size)
        try:
            parsed = json.loads(self.manifest_bytes.decode("utf-8"))
        except (UnicodeDecodeError, ValueError):
            raise BundleRefused("批次清单已损坏（无法解析），已拒收", "tampered") from None
        self.manifest = (schema or check_manifest)(parsed)
        self.suite: Suite = suites.get(self.manifest.get("suite"))  # the schema checked the name
        self.bundle_hash = self.suite.hexdigest(self.manifest_bytes)

    @property
    def township_code(self) -> str:
        return self.manifest["township_code"]

    @property
    def sequence(self) -> int:
        return self.manifest["sequence"]

    def verify_signature(self, public_key: bytes) -> None:
        """The manifest signature must verify against the signer's registered public key."""
        if (len(self.signature) != 64 or len(public_key) != self.suite.public_size
                or key_id(public_key) != self.manifest["signer"]):
            raise BundleRefused("批次签名无效：签名密钥不符，已拒收", "bad_signature")
        try:
            envelope.verify(self.sign_kind, self.manifest_bytes, self.signature, public_key)
        except BundleRefused:
            raise BundleRefused("批次签名无效：文件被修改，或不是由该乡镇登记的密钥签发，已拒收", "bad_signature") from None

    def check_payload(self) -> None:
        """The chunk entries must be exactly those the signed manifest lists (names, sizes, hashes)."""
        chunks = self.manifest["chunks"]
        payload = self.payload_entries
        if len(payload) != len(chunks):
            raise BundleRefused(f"清单与数据不符：清单列出 {len(chunks)} 个数据块，文件中有 {len(payload)} 个，已拒收", "mismatch")
        for c, e in zip(chunks, payload, strict=True):
            if c["name"] != e.name or c["size"] != e.size or c[self.suite.hash_name] != self._digest(e):
                raise BundleRefused(f"清单与数据不符：数据块 {e.name} 的大小或哈希与签名清单不一致，已拒收", "mismatch")
        per_table: dict[str, int] = {}
        for c in chunks:
            per_table[c["table"]] = per_table.get(c["table"], 0) + c["rows"]
        declared = {t: c["rows"] for t, c in self.manifest["counts"].items()}
        if per_table != declared or sum(declared.values()) != self.manifest["rows"]:
            raise BundleRefused("清单与数据不符：各表记录数与数据块合计不一致，已拒收", "mismatch")

    def _digest(self, e: ct.Entry) -> str:
        """The suite's hash of an entry (the container pass already computed SHA-256)."""
        if self.suite.hash_name == "sha256":
            return e.sha256
        h = self.suite.hasher()
        for block in ct.iter_blocks(self.fh, e):
            h.update(block)
        return h.hexdigest()

    def content_key(self, private_keys: dict[str, Opener]) -> bytes:
        """Open the sealed content key with the county encryption key the manifest names."""
        enc = self.manifest["encryption"]
        key = private_keys.get(enc["recipient"])
        if key is None:
            raise BundleRefused("该批次不是加密给本县密钥的（接收方密钥不符），无法解密，已拒收", "wrong_recipient")
        try:
            sealed = unb64(enc["sealed_key"])
            out = key.open_key(sealed)
        except (ValueError, SuiteError):
            raise BundleRefused("无法解密批次的内容密钥（文件被修改或接收方不符），已拒收", "tampered") from None
        if len(out) != self.suite.content_key_size:
            raise BundleRefused("批次的内容密钥格式错误，已拒收", "tampered")
        return out

    def iter_chunks(self, content_key: bytes, *, parse: bool = True) -> Iterator[tuple[str, list[Any]]]:
        """(table, parsed rows) per chunk: re-hash, decrypt, decompress (bounded), parse.

        With parse=False the rows are the raw JSON lines (the exporter's read-back check)."""
        suite, n = self.suite, self.suite.nonce_size
        for c, e in zip(self.manifest["chunks"], self.payload_entries, strict=True):
            data = ct.read_exact(self.fh, e.data_offset, e.size)
            if suite.hexdigest(data) != c[suite.hash_name]:
                raise BundleRefused(f"数据块 {e.name} 在读取过程中发生变化，已拒收", "tampered")
            try:
                compressed = suite.decrypt(content_key, data[:n], data[n:])
                z = zlib.decompressobj()
                plain = z.decompress(compressed, c["plain_size"] + 1)
            except (SuiteError, ValueError, zlib.error):
                raise BundleRefused(f"数据块 {e.name} 无法解密或解压，已拒收", "tampered") from None
            if len(plain) != c["plain_size"] or not z.eof or z.unconsumed_tail or z.unused_data:
                raise BundleRefused(f"清单与数据不符：数据块 {e.name} 的解压大小与清单不一致，已拒收", "mismatch")
            lines = plain.split(b"\n")
            if lines[-1] != b"":
                raise BundleRefused(f"数据块 {e.name} 格式错误（未以换行结束），已拒收", "malformed")
            lines.pop()
            if len(lines) != c["rows"]:
                raise BundleRefused(f"清单与数据不符：数据块 {e.name} 的记录数与清单不一致，已拒收", "mismatch")
            if not parse:
                yield c["table"], lines
                continue
            try:  # one parse of the whole chunk as an array: much faster than a call per line
                rows = json.loads(b"[" + b",".join(lines) + b"]") if lines else []
            except (UnicodeDecodeError, ValueError):
                raise BundleRefused(f"数据块 {e.name} 含有无法解析的记录，已拒收", "malformed") from None
            if len(rows) != len(lines):  # a line holding two values, e.g. {…},{…}
                raise BundleRefused(f"数据块 {e.name} 格式错误（每行应恰好一条记录），已拒收", "malformed")
            yield c["table"], rows


def open_bundle_bytes(data: bytes) -> BundleFile:
    import io

    return BundleFile(io.BytesIO(data), len(data))


GENESIS = GENESIS_HASH
