#!/usr/bin/env python3
"""What the ELF files of a built folder need from the system: the GLIBC symbol versions and the
shared libraries (DT_NEEDED). Pure Python, so it runs wherever the build runs.

    python scripts/elf_deps.py dist/zongzhi            # highest GLIBC_x.y needed, and by which file
    python scripts/elf_deps.py dist/zongzhi --all      # every file's highest GLIBC version
    python scripts/elf_deps.py dist/zongzhi --max-glibc 2.28   # exit 1 if anything needs more

A folder whose highest version is 2.28 starts on UOS 20 and Kylin V10 (glibc 2.28-2.31); build.spec
uses `needed` to leave out system libraries that nothing kept in the folder links to.
"""

from __future__ import annotations

import argparse
import re
import struct
import sys
from dataclasses import dataclass, field
from pathlib import Path

SHT_DYNAMIC = 6
SHT_GNU_VERNEED = 0x6FFFFFFE
DT_NEEDED = 1
GLIBC_RE = re.compile(r"^GLIBC_(\d+)\.(\d+)(?:\.(\d+))?$")


@dataclass
class ElfInfo:
    """The dynamic-linking facts of one ELF file."""

    needed: list[str] = field(default_factory=list)
    versions: set[str] = field(default_factory=set)  # required symbol versions, e.g. GLIBC_2.28

    @property
    def glibc(self) -> tuple[int, ...] | None:
        """The highest GLIBC_x.y this file needs, or None."""
        found = [version_key(v) for v in self.versions if GLIBC_RE.match(v)]
        return max(found) if found else None


def version_key(name: str) -> tuple[int, ...]:
    m = GLIBC_RE.match(name)
    assert m, name
    return tuple(int(g) for g in m.groups() if g is not None)


def _cstr(data: bytes, offset: int) -> str:
    end = data.index(b"\0", offset)
    return data[offset:end].decode("ascii", "replace")


def read_elf(path: Path) -> ElfInfo | None:
    """Parse an ELF file's section headers, dynamic section and version needs; None if not ELF."""
    try:
        with open(path, "rb") as f:
            head = f.read(4)
            if head != b"\x7fELF":
                return None
            data = head + f.read()
    except OSError:
        return None
    is64 = data[4] == 2
    end = "<" if data[5] == 1 else ">"
    if is64:
        shoff, = struct.unpack_from(end + "Q", data, 0x28)
        shentsize, shnum = struct.unpack_from(end + "HH", data, 0x3A)
        sh_fmt = end + "IIQQQQIIQQ"
    else:
        shoff, = struct.unpack_from(end + "I", data, 0x20)
        shentsize, shnum = struct.unpack_from(end + "HH", data, 0x2E)
        sh_fmt = end + "IIIIIIIIII"
    sections = []
    for i in range(shnum):
        _name, stype, _flags, _addr, offset, size, link, info, _align, _entsize = struct.unpack_from(
            sh_fmt, data, shoff + i * shentsize)
        sections.append((stype, offset, size, link, info))
    out = ElfInfo()
    for stype, offset, size, link, info in sections:
        if stype == SHT_DYNAMIC:
            strtab = sections[link][1]
            entry = 16 if is64 else 8
            fmt = end + ("qQ" if is64 else "iI")
            for pos in range(offset, offset + size, entry):
                tag, val = struct.unpack_from(fmt, data, pos)
                if tag == 0:
                    break
                if tag == DT_NEEDED:
                    out.needed.append(_cstr(data, strtab + val))
        elif stype == SHT_GNU_VERNEED:
            strtab = sections[link][1]
            pos = offset
            for _ in range(info):
                _ver, cnt, _file, aux, nxt = struct.unpack_from(end + "HHIII", data, pos)
                apos = pos + aux
                for _ in range(cnt):
                    _hash, _flags, _other, name, anext = struct.unpack_from(end + "IHHII", data, apos)
                    out.versions.add(_cstr(data, strtab + name))
                    if not anext:
                        break
                    apos += anext
                if not nxt:
                    break
                pos += nxt
    return out


def needed(path: str | Path) -> list[str]:
    """The shared libraries an ELF file links to (DT_NEEDED); [] for anything else."""
    info = read_elf(Path(path))
    return info.needed if info else []


def scan(folder: Path) -> dict[Path, ElfInfo]:
    """Every ELF file under `folder` (symlinks skipped: their targets are scanned)."""
    found = {}
    for p in sorted(folder.rglob("*")):
        if p.is_file() and not p.is_symlink():
            info = read_elf(p)
            if info is not None:
                found[p] = info
    return found


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", type=Path)
    parser.add_argument("--all", action="store_true", help="list every file's highest GLIBC version")
    parser.add_argument("--max-glibc", help="fail (exit 1) if any file needs a newer GLIBC, e.g. 2.28")
    args = parser.parse_args(argv)
    files = scan(args.folder)
    with_glibc = [(info.glibc, p) for p, info in files.items() if info.glibc]
    if not with_glibc:
        print(f"{args.folder}: {len(files)} ELF files, none needs GLIBC")
        return 0
    if args.all:
        for ver, p in sorted(with_glibc, reverse=True):
            print(f"GLIBC_{'.'.join(map(str, ver))}  {p.relative_to(args.folder)}")
    top = max(v for v, _p in with_glibc)
    worst = [p for v, p in with_glibc if v == top]
    top_name = "GLIBC_" + ".".join(map(str, top))
    shown = ", ".join(str(p.relative_to(args.folder)) for p in worst[:5])
    print(f"{args.folder}: {len(files)} ELF files; highest needed {top_name} ({len(worst)} files: {shown})")
    if args.max_glibc:
        limit = version_key("GLIBC_" + args.max_glibc)
        over = sorted({(v, p) for v, p in with_glibc if v > limit}, reverse=True)
        for v, p in over[:40]:
            print(f"  needs GLIBC_{'.'.join(map(str, v))}: {p.relative_to(args.folder)}", file=sys.stderr)
        if over:
            print(f"{len(over)} files need more than GLIBC_{args.max_glibc}", file=sys.stderr)
            return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
