"""Build a slim ICU data library for the Linux one-folder build (issue 11: folder < 150 MB).

PySide6's Linux wheels link Qt Core to ICU, whose data library (libicudata.so.73) is 31 MB: the
locale data of some 800 locales, 200 legacy code pages, transliterators and dictionaries for Thai,
Lao, Khmer and Burmese word breaking. A township PC needs Chinese and English, GB18030/GBK/Big5
and Chinese word breaking. This script

1. copies the data blob out of the wheel's library (the `icudtNN_dat` symbol);
2. removes the items listed by `removable()` with ICU's own `icupkg` (Debian: icu-devtools);
3. assembles a library with the same soname that exports the same symbol (gcc, `.incbin`).

What ICU cannot find it falls back to the root locale for, so a removed locale never crashes;
tests/packaging/test_trim_icu.py checks that Chinese collation, locale formats, GB18030/GBK/Big5,
time-zone names and text boundaries come out the same with the full and the slim library, and
`scripts/smoke_frozen.py` runs the frozen window and sheets on it.

    python scripts/trim_icu.py LIBICUDATA OUT_DIR   → prints the path of the slim library
"""

from __future__ import annotations

import re
import subprocess
import sys
import tempfile
from pathlib import Path

# Locale data kept in every tree (top level, coll/, curr/, lang/, region/, unit/, zone/, rbnf/):
# root, Chinese of every region and script, English (the UI's second language), and the shared
# tables of each tree.
KEEP_LOCALE = re.compile(r"^(root|pool|res_index|zh(_\w+)?|yue(_\w+)?|en|en_(001|US|US_POSIX|GB|150))\.res$")
LOCALE_TREES = ("coll/", "curr/", "lang/", "region/", "unit/", "zone/", "rbnf/", "")
# Code pages kept: Chinese ones (GB18030, GBK = windows-936 / ibm-1386, GB2312 = ibm-1383,
# Big5 = windows-950 with its base table ibm-1373) and the compound-text tables.
# UTF-*, ASCII and Latin-1 are built into ICU.
KEEP_CNV = re.compile(r"^(gb18030|windows-936-2000|windows-950-2000|ibm-1386_P100-2001|ibm-1383_P110-1999"
                      r"|ibm-1373_P100-2002|ibm-5478_P100-1995|icu-internal-compound-[a-z0-9]+)\.cnv$")
# The locale-specific break rules of other languages (root, zh and en stay).
DROP_BRKITR_LOCALE = re.compile(r"^brkitr/(?!root|zh|en|pool|res_index)[a-z]{2,3}(_\w*)?\.res$")


def removable(item: str) -> bool:
    """Whether the ICU data item (as `icupkg -l` names it) can go."""
    if item.startswith("translit/"):
        return True  # transliterators: Qt never uses them
    if item.endswith(".cnv"):
        return not KEEP_CNV.match(item)
    # (The South-East Asian word-break dictionaries stay: brkitr/root.res refers to them.)
    if DROP_BRKITR_LOCALE.match(item):
        return True
    for tree in LOCALE_TREES:
        if item.startswith(tree) and "/" not in item[len(tree):]:
            name = item[len(tree):]
            looks_like_locale = re.match(r"^[a-z]{2,3}(_\w*)?\.res$", name) is not None
            return looks_like_locale and not KEEP_LOCALE.match(name)
    return False


def data_symbol(lib: Path) -> tuple[str, int, int]:
    """The exported data symbol's name, file offset and size."""
    out = subprocess.run(["nm", "-S", "-D", "--defined-only", str(lib)], capture_output=True, text=True,
                         check=True).stdout
    match = re.search(r"^([0-9a-f]+) ([0-9a-f]+) R (icudt\d+_dat)$", out, re.M)
    if match is None:
        raise SystemExit(f"{lib}: no icudtNN_dat symbol")
    address, size, name = int(match[1], 16), int(match[2], 16), match[3]
    sections = subprocess.run(["readelf", "-SW", str(lib)], capture_output=True, text=True, check=True).stdout
    for line in sections.splitlines():
        cols = line.replace("[ ", "[").split()
        if len(cols) > 5 and cols[1] == ".rodata":
            sec_addr, sec_off = int(cols[3], 16), int(cols[4], 16)
            return name, address - sec_addr + sec_off, size
    raise SystemExit(f"{lib}: no .rodata section")


def soname(lib: Path) -> str:
    out = subprocess.run(["readelf", "-dW", str(lib)], capture_output=True, text=True, check=True).stdout
    match = re.search(r"\(SONAME\)\s+Library soname: \[([^\]]+)\]", out)
    return match[1] if match else lib.name


def slim_library(lib: Path, out_dir: Path) -> Path:
    """Write the slim library into out_dir (same file name as lib) and return its path."""
    symbol, offset, size = data_symbol(lib)
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        full = tmp / f"{symbol[:-4]}l.dat"
        with lib.open("rb") as fh:
            fh.seek(offset)
            full.write_bytes(fh.read(size))
        items = subprocess.run(["icupkg", "-l", str(full)], capture_output=True, text=True,
                               check=True).stdout.split()
        drop = [i for i in items if removable(i)]
        (tmp / "drop.txt").write_text("\n".join(drop) + "\n")
        # icupkg names the items after the output file (icudt73l/coll/zh.res): keep the name.
        slim = tmp / "out" / full.name
        slim.parent.mkdir()
        done = subprocess.run(["icupkg", "-r", str(tmp / "drop.txt"), str(full), str(slim)],
                              capture_output=True, text=True)
        if done.returncode != 0:  # e.g. a kept item refers to a removed one
            raise SystemExit(f"icupkg: {done.stderr.strip()}")
        asm = tmp / "data.s"
        asm.write_text(
            f'\t.section .rodata\n\t.globl {symbol}\n\t.type {symbol}, @object\n\t.balign 16\n'
            f'{symbol}:\n\t.incbin "{slim}"\n\t.size {symbol}, .-{symbol}\n'
            '\t.section .note.GNU-stack,"",@progbits\n')
        out_dir.mkdir(parents=True, exist_ok=True)
        out = out_dir / lib.name
        subprocess.run(["gcc", "-shared", "-nostdlib", "-Wl,-soname," + soname(lib), "-o", str(out), str(asm)],
                       check=True)
        subprocess.run(["strip", str(out)], check=True)
        print(f"ICU data: {len(items)} items, {len(drop)} removed, {size / 1e6:.1f} MB → "
              f"{slim.stat().st_size / 1e6:.1f} MB", file=sys.stderr)
    return out


if __name__ == "__main__":
    if len(sys.argv) != 3:
        raise SystemExit(__doc__)
    print(slim_library(Path(sys.argv[1]), Path(sys.argv[2])))
