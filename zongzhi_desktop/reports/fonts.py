"""The bundled CJK font for PDFs, and detection of characters it cannot print.

WenQuanYi Micro Hei has TrueType outlines, so reportlab embeds (a subset of) it in every PDF;
the viewer never needs a Chinese font of its own. A rare character in a name (e.g. 䶮 or 𠮷,
outside the font's coverage) would otherwise print as an empty box without anyone noticing, so
every report lists such characters in its warnings.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from functools import cache

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

from ..resources import resource_path

FONT = "ZZ-WQYMicroHei"
FONT_FILE = resource_path("fonts", "wqy-microhei.ttc")


@cache
def register() -> str:
    """Register the bundled font with reportlab once and return its name."""
    font = TTFont(FONT, str(FONT_FILE), subfontIndex=0)
    pdfmetrics.registerFont(font)
    # <b>/<i> in paragraphs map to the same face: the font has no bold, headings draw their own.
    pdfmetrics.registerFontFamily(FONT, normal=FONT, bold=FONT, italic=FONT, boldItalic=FONT)
    return FONT


@cache
def covered() -> frozenset[int]:
    """Code points the font has a glyph for."""
    register()
    face = pdfmetrics.getFont(FONT).face  # type: ignore[attr-defined]
    return frozenset(face.charToGlyph)


def _printable(ch: str) -> bool:
    return not (ch.isspace() or unicodedata.category(ch) in ("Cc", "Cf"))


def missing_glyphs(texts: Iterable[str]) -> dict[str, str]:
    """Characters the font lacks -> the first text they occur in (shortened)."""
    have = covered()
    out: dict[str, str] = {}
    for t in texts:
        for ch in t or "":
            if ord(ch) not in have and _printable(ch) and ch not in out:
                out[ch] = t if len(t) <= 30 else t[:29] + "…"
    return out


def glyph_warnings(texts: Iterable[str]) -> list[str]:
    """One Chinese warning per missing character, naming where it occurs."""
    return [f"字体缺少字符“{ch}”（U+{ord(ch):04X}），打印时将显示为空框，出现在：{where}"
            for ch, where in sorted(missing_glyphs(texts).items())]
