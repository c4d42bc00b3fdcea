"""The bundle container: a canonical, uncompressed ZIP archive.

Every byte of a bundle is determined by its entries' names and contents: entries are STORED,
laid out back to back from offset 0, with fixed header fields (no timestamps, no extra fields, no
comments), followed by the central directory and the end record. The reader rebuilds the headers
it expects and compares them byte for byte, and the contents are covered by hashes and the
signature, so a single flipped or missing byte anywhere in the file is detected.

Ordinary ZIP tools can list and extract a bundle; docs/bundle-format.md §4 gives the layout.
"""

from __future__ import annotations

import hashlib
import re
import struct
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from typing import BinaryIO

from .errors import BundleRefused

LOCAL_SIG = 0x04034B50
CENTRAL_SIG = 0x02014B50
END_SIG = 0x06054B50
VERSION = 20  # 2.0: plain stored entries
DOS_DATE = 0x0021  # 1980-01-01, the earliest date ZIP can express: no clock information leaks
LOCAL_FMT = "<IHHHHHIIIHH"  # 30 bytes
CENTRAL_FMT = "<IHHHHHHIIIHHHHHII"  # 46 bytes
END_FMT = "<IHHHHIIH"  # 22 bytes
LOCAL_SIZE, CENTRAL_SIZE, END_SIZE = 30, 46, 22

# Limits: a bundle never needs more, and a hostile file must not make the reader allocate more.
MAX_BUNDLE_BYTES = 2 * 1024 * 1024 * 1024 - 1
MAX_ENTRIES = 65_000
MAX_MANIFEST_BYTES = 16 * 1024 * 1024
MAX_CHUNK_BYTES = 32 * 1024 * 1024
MAX_RATIO = 100  # declared uncompressed / compressed size of any entry
READ_BLOCK = 1024 * 1024

MANIFEST = "manifest.json"
SIGNATURE = "manifest.sig"
CHUNK_RE = re.compile(r"payload/\d{6}\.bin")
# A county bundle (issue 19) also carries the township bundles it forwards, each byte for byte.
TOWNSHIP_ENTRY_RE = re.compile(r"township/\d{6}\.zzb")


def chunk_name(index: int) -> str:
    """Name of the index-th payload chunk (1-based): payload/000001.bin."""
    return f"payload/{index:06d}.bin"


def township_entry_name(index: int) -> str:
    """Name of the index-th forwarded township bundle in a county bundle (1-based)."""
    return f"township/{index:06d}.zzb"


def entry_limit(name: str) -> int:
    if name == MANIFEST:
        return MAX_MANIFEST_BYTES
    if name == SIGNATURE:
        return 64
    if TOWNSHIP_ENTRY_RE.fullmatch(name):
        return MAX_BUNDLE_BYTES
    return MAX_CHUNK_BYTES


def local_header(name: bytes, crc: int, size: int) -> bytes:
    return struct.pack(LOCAL_FMT, LOCAL_SIG, VERSION, 0, 0, 0, DOS_DATE, crc, size, size, len(name), 0) + name


def central_header(name: bytes, crc: int, size: int, offset: int) -> bytes:
    return struct.pack(CENTRAL_FMT, CENTRAL_SIG, VERSION, VERSION, 0, 0, 0, DOS_DATE, crc, size, size,
                       len(name), 0, 0, 0, 0, 0, offset) + name


def end_record(count: int, cd_size: int, cd_offset: int) -> bytes:
    return struct.pack(END_FMT, END_SIG, 0, 0, count, count, cd_size, cd_offset, 0)


class ContainerWriter:
    """Writes entries in order to a binary file; `finish()` appends the directory."""

    def __init__(self, fh: BinaryIO) -> None:
        self.fh = fh
        self.offset = 0
        self.central: list[bytes] = []

    def add(self, name: str, data: bytes) -> None:
        raw = name.encode("ascii")
        crc = zlib.crc32(data)
        header = local_header(raw, crc, len(data))
        self.central.append(central_header(raw, crc, len(data), self.offset))
        self.fh.write(header)
        self.fh.write(data)
        self.offset += len(header) + len(data)

    def finish(self) -> None:
        cd = b"".join(self.central)
        self.fh.write(cd)
        self.fh.write(end_record(len(self.central), len(cd), self.offset))


@dataclass
class Entry:
    name: str
    size: int
    data_offset: int
    sha256: str


def _damaged(detail: str) -> BundleRefused:
    return BundleRefused(f"批次文件已损坏或被修改（{detail}），已拒收", "tampered")


def read_exact(fh: BinaryIO, offset: int, size: int) -> bytes:
    fh.seek(offset)
    data = fh.read(size)
    if len(data) != size:
        raise _damaged("文件不完整")
    return data


def read_directory(fh: BinaryIO, size: int, *, townships: bool = False) -> list[Entry]:
    """Check the container strictly and hash every entry; returns the entries in file order.

    `townships`: a county bundle, which may also hold `township/NNNNNN.zzb` entries.

    Refusals name the rule broken: too short/large, truncated, too many entries, duplicate names,
    unexpected names, compressed or high-ratio entries, oversized entries, non-canonical headers.
    """
    if size > MAX_BUNDLE_BYTES:
        raise BundleRefused(f"批次文件过大（{size} 字节，上限 {MAX_BUNDLE_BYTES} 字节），已拒收", "too_large")
    if size < END_SIZE:
        raise _damaged("文件过短，可能未写完或被截断")
    sig, disk, cd_disk, n_disk, n_total, cd_size, cd_offset, comment = struct.unpack(END_FMT, read_exact(fh, size - END_SIZE, END_SIZE))
    if sig != END_SIG:
        raise _damaged("找不到文件末尾的目录记录，可能未写完或被截断")
    if n_total > MAX_ENTRIES:
        raise BundleRefused(f"批次文件条目过多（{n_total} 个，上限 {MAX_ENTRIES} 个），已拒收", "too_large")
    if comment or disk or cd_disk or n_disk != n_total or cd_offset + cd_size != size - END_SIZE or cd_size < n_total * CENTRAL_SIZE:
        raise _damaged("目录位置或大小不符")
    cd = read_exact(fh, cd_offset, cd_size)
    raw_entries: list[tuple[bytes, int, int, int, int, int, int]] = []
    pos = 0
    for _ in range(n_total):
        if pos + CENTRAL_SIZE > len(cd):
            raise _damaged("目录不完整")
        f = struct.unpack(CENTRAL_FMT, cd[pos:pos + CENTRAL_SIZE])
        (csig, _vm, _vn, _flags, method, _t, _dt, crc, csize, usize, nlen, xlen, clen, _disk, _ia, _ea, off) = f
        if csig != CENTRAL_SIG:
            raise _damaged("目录记录格式错误")
        name = cd[pos + CENTRAL_SIZE:pos + CENTRAL_SIZE + nlen]
        raw_entries.append((name, method, crc, csize, usize, off, pos))
        pos += CENTRAL_SIZE + nlen + xlen + clen
    if pos != len(cd):
        raise _damaged("目录长度不符")

    names = [e[0] for e in raw_entries]
    seen: set[bytes] = set()
    for name in names:
        if name in seen:
            shown = name.decode("utf-8", "replace")
            raise BundleRefused(f"批次文件中有重复的条目名“{shown}”，已拒收", "malformed")
        seen.add(name)
    for name, method, _crc, csize, usize, _off, _pos in raw_entries:
        text = name.decode("ascii", "replace")
        if not townships and TOWNSHIP_ENTRY_RE.fullmatch(text):
            raise BundleRefused("这是县级批次文件（县级转报市级），不是乡镇批次：请在市级导入（zongzhi city import），已拒收",
                                "malformed")
        if (text not in (MANIFEST, SIGNATURE) and not CHUNK_RE.fullmatch(text)
                and not (townships and TOWNSHIP_ENTRY_RE.fullmatch(text))):
            raise BundleRefused(f"批次文件含有不应有的条目“{text}”，已拒收", "malformed")
        if (csize and usize / csize > MAX_RATIO) or (not csize and usize):
            raise BundleRefused(f"条目“{text}”的压缩比异常（声明 {usize} 字节，压缩后 {csize} 字节），已拒收", "too_large")
        if usize > entry_limit(text) or csize > entry_limit(text):
            raise BundleRefused(f"条目“{text}”过大（{max(usize, csize)} 字节，上限 {entry_limit(text)} 字节），已拒收", "too_large")
        if method != 0:
            raise BundleRefused(f"条目“{text}”使用了压缩存储，批次条目只允许不压缩存储，已拒收", "malformed")
        if csize != usize:
            raise _damaged(f"条目“{text}”的声明大小不一致")
    if MANIFEST.encode() not in seen or SIGNATURE.encode() not in seen:
        raise BundleRefused("批次文件缺少清单或签名，已拒收", "malformed")
    if names[-2:] != [MANIFEST.encode(), SIGNATURE.encode()]:
        raise _damaged("条目顺序不规范")

    entries: list[Entry] = []
    offset = 0
    expected_cd = bytearray()
    for name, _method, crc, _csize, usize, off, _pos in raw_entries:
        if off != offset:
            raise _damaged("条目位置不连续")
        header = read_exact(fh, offset, LOCAL_SIZE + len(name))
        data_offset = offset + len(header)
        actual_crc, digest = _hash_range(fh, data_offset, usize)
        if actual_crc != crc or header != local_header(name, crc, usize):
            raise _damaged(f"条目“{name.decode('ascii')}”的文件头或校验值不符")
        expected_cd += central_header(name, crc, usize, offset)
        entries.append(Entry(name.decode("ascii"), usize, data_offset, digest))
        offset = data_offset + usize
    if offset != cd_offset or bytes(expected_cd) != cd:
        raise _damaged("目录与条目不一致或含有多余数据")
    return entries


def _hash_range(fh: BinaryIO, offset: int, size: int) -> tuple[int, str]:
    """CRC-32 and SHA-256 of a byte range, read in blocks (memory stays bounded)."""
    crc = 0
    h = hashlib.sha256()
    fh.seek(offset)
    left = size
    while left:
        block = fh.read(min(READ_BLOCK, left))
        if not block:
            raise _damaged("文件不完整")
        crc = zlib.crc32(block, crc)
        h.update(block)
        left -= len(block)
    return crc, h.hexdigest()


def iter_blocks(fh: BinaryIO, entry: Entry) -> Iterator[bytes]:
    fh.seek(entry.data_offset)
    left = entry.size
    while left:
        block = fh.read(min(READ_BLOCK, left))
        if not block:
            raise _damaged("文件不完整")
        left -= len(block)
        yield block
