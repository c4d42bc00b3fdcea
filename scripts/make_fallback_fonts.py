"""Build the bundled rare-character fallback fonts (zongzhi_desktop/assets/fonts/*.ttf.xz).

WenQuanYi Micro Hei (the main font) covers the common CJK block but none of Extensions A–H, so
names such as 䶮 (Ext A), 𠈌 𪚥 (Ext B) or 𰻞 (Ext G) would print blank. These subsets add them:

- HanaMinA (Hanazono, Hanazono Font License / OFL): Extension A;
- HanaMinB (same): Extensions B, C, D, E, F and the compatibility supplement;
- BabelStone Han (Arphic Public License; see babelstone-han.LICENSE): Extensions G and H, plus
  the few A–F characters the Hanazono fonts lack.

Only TrueType outlines are kept (reportlab embeds nothing else), without hinting or layout
tables, and each file is xz-compressed (the app decompresses it once into its cache folder).

Usage (needs fontTools, which the app itself does not): install the Debian packages
fonts-hanazono and fonts-babelstone-han (or pass their folders), then
    python scripts/make_fallback_fonts.py [--hanazono DIR] [--babelstone DIR]
"""

from __future__ import annotations

import argparse
import lzma
from pathlib import Path

from fontTools import subset
from fontTools.ttLib import TTFont

OUT = Path(__file__).resolve().parents[1] / "zongzhi_desktop" / "assets" / "fonts"
EXT = {"A": (0x3400, 0x4DBF), "B": (0x20000, 0x2A6DF), "C": (0x2A700, 0x2B73F), "D": (0x2B740, 0x2B81F),
       "E": (0x2B820, 0x2CEAF), "F": (0x2CEB0, 0x2EBEF), "I": (0x2EBF0, 0x2EE5F), "CS": (0x2F800, 0x2FA1F),
       "G": (0x30000, 0x3134F), "H": (0x31350, 0x323AF)}


def make(src: Path, blocks: str | list[str], out: str, exclude: set[int] = frozenset()) -> set[int]:  # type: ignore[assignment]
    """Subset `src` to the code points of `blocks` it has (minus `exclude`), write out.xz."""
    font = TTFont(src)
    cmap = font.getBestCmap()
    cps = {c for b in blocks for lo, hi in [EXT[b]] for c in range(lo, hi + 1) if c in cmap and c not in exclude}
    opts = subset.Options()
    opts.layout_features = []
    opts.name_IDs = ["*"]
    opts.notdef_outline = True
    opts.hinting = False
    opts.glyph_names = False
    opts.drop_tables += ["GSUB", "GPOS", "vhea", "vmtx", "VORG", "FFTM", "meta"]
    sub = subset.Subsetter(opts)
    sub.populate(unicodes=sorted(cps))
    sub.subset(font)
    raw = OUT / out
    font.save(raw)
    (OUT / f"{out}.xz").write_bytes(lzma.compress(raw.read_bytes(), preset=9))
    raw.unlink()
    print(f"{out}.xz: {len(cps)} characters, {(OUT / f'{out}.xz').stat().st_size / 1e6:.1f} MB")
    return cps


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--hanazono", type=Path, default=Path("/usr/share/fonts/truetype/hanazono"))
    ap.add_argument("--babelstone", type=Path, default=Path("/usr/share/fonts/truetype/babelstone"))
    a = ap.parse_args()
    have = make(a.hanazono / "HanaMinA.ttf", ["A"], "hanamin-a-ext.ttf")
    have |= make(a.hanazono / "HanaMinB.ttf", ["B", "C", "D", "E", "F", "CS"], "hanamin-b-ext.ttf")
    make(a.babelstone / "BabelStoneHan.ttf", list(EXT), "babelstone-han-ext.ttf", exclude=have)


if __name__ == "__main__":
    main()
