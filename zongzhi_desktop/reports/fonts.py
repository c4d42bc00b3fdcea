"""Fonts for PDFs (and the window): the bundled CJK font plus a chain of fallbacks for rare names.

WenQuanYi Micro Hei has TrueType outlines, so reportlab embeds (a subset of) it in every PDF;
the viewer never needs a Chinese font of its own. It lacks CJK Extensions A–H, though (䶮 𠈌 𪚥
𰻞 would print blank), and reportlab never falls back by itself. So text is split into runs by
glyph coverage over a chain of fonts:

1. the bundled WenQuanYi Micro Hei (every ordinary character);
2. extension fonts the machine already has (Windows' SimSun-ExtB/-ExtG, 信创 systems' Sun-ExtA/B,
   installed Hanazono or BabelStone fonts) — TrueType outlines only, others are skipped;
3. the bundled fallbacks (Hanazono Mincho A/B subsets for Extensions A–F, a BabelStone Han
   subset for G and H), shipped xz-compressed and unpacked once into the user cache folder
   the first time a character needs them.

No Qt here: the window uses `chain_files()` to register the same fonts with Qt.
"""

from __future__ import annotations

import logging
import lzma
import os
import threading
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import platformdirs
from reportlab.pdfbase import pdfmetrics, ttfonts
from reportlab.pdfbase.ttfonts import TTFError

from ..resources import resource_path
from .fontcache import load_ttfont
from .model import Chart, Report

log = logging.getLogger(__name__)

FONT = "ZZ-WQYMicroHei"
FONT_FILE = resource_path("fonts", "wqy-microhei.ttc")
# Bundled fallbacks, in the order they are tried (see scripts/make_fallback_fonts.py).
BUNDLED_FALLBACKS = ("hanamin-a-ext.ttf.xz", "hanamin-b-ext.ttf.xz", "babelstone-han-ext.ttf.xz")
# Extension fonts a machine may already have (file names compared case-insensitively).
SYSTEM_EXTENSION_FONTS = (
    "simsunb.ttf", "simsunextg.ttf", "mingliub.ttc", "sun-exta.ttf", "sun-extb.ttf",
    "hanamina.ttf", "hanaminb.ttf", "babelstonehan.ttf", "th-tshyn-p0.ttf", "th-tshyn-p1.ttf",
    "th-tshyn-p2.ttf", "th-tshyn-p16.ttf",
)


def _to_unicode_cmap(fontname: str, subset: list[int]) -> str:
    """reportlab's ToUnicode CMap, but with characters beyond U+FFFF written as UTF-16 surrogate
    pairs: reportlab writes "<2A6A5>", which viewers and text extraction read as U+2A6A, so 𪚥
    copied or searched in the PDF would come out as ⩪."""
    def hex16(cp: int) -> str:
        return chr(cp).encode("utf-16-be", "surrogatepass").hex().upper()

    lines = ["/CIDInit /ProcSet findresource begin", "12 dict begin", "begincmap", "/CIDSystemInfo",
             f"<< /Registry ({fontname})", f"/Ordering ({fontname})", "/Supplement 0", ">> def",
             f"/CMapName /{fontname} def", "/CMapType 2 def", "1 begincodespacerange",
             f"<00> <{len(subset) - 1:02X}>", "endcodespacerange", f"{len(subset)} beginbfchar"]
    lines += [f"<{i:02X}> <{hex16(v)}>" for i, v in enumerate(subset)]
    lines += ["endbfchar", "endcmap", "CMapName currentdict /CMap defineresource pop", "end", "end"]
    return "\n".join(lines)


ttfonts.makeToUnicodeCMap = _to_unicode_cmap  # type: ignore[assignment]  # looked up at call time


@dataclass(frozen=True)
class Face:
    """One font of the chain: its reportlab name, file and the code points it draws."""

    name: str
    path: Path
    subfont: int
    cmap: frozenset[int]


def font_dirs() -> list[Path]:
    """Folders where the operating system keeps fonts."""
    dirs = [Path(os.environ.get("WINDIR", r"C:\Windows")) / "Fonts"]
    if os.environ.get("LOCALAPPDATA"):
        dirs.append(Path(os.environ["LOCALAPPDATA"]) / "Microsoft" / "Windows" / "Fonts")
    dirs += [Path("/usr/share/fonts"), Path("/usr/local/share/fonts"), Path.home() / ".local/share/fonts",
             Path.home() / ".fonts", Path("/Library/Fonts"), Path("/System/Library/Fonts")]
    return [d for d in dirs if d.is_dir()]


def cache_dir() -> Path:
    """Where the bundled fallbacks are unpacked (ZONGZHI_CACHE overrides the user cache folder)."""
    root = os.environ.get("ZONGZHI_CACHE") or platformdirs.user_cache_dir("zongzhi-desktop", appauthor=False)
    path = Path(root) / "fonts"
    path.mkdir(parents=True, exist_ok=True)
    return path


def unpack(name: str) -> Path:
    """The bundled fallback `name` (.ttf.xz) as a .ttf file in the cache, unpacked if needed."""
    src = resource_path("fonts", name)
    target = cache_dir() / f"{name.removesuffix('.xz').removesuffix('.ttf')}-{src.stat().st_size}.ttf"
    if not target.exists():
        # One temporary name per process and thread: two sheets built at once (the window's runner has
        # two threads) unpacked into the same file and the second rename found it gone.
        tmp = target.with_suffix(f".tmp{os.getpid()}-{threading.get_ident()}")
        tmp.write_bytes(lzma.decompress(src.read_bytes()))
        os.replace(tmp, target)  # atomic: another process or thread never sees half a font
    return target


def _face_cache() -> Path | None:
    """Where parsed fonts are kept (reports/fontcache.py); None if the cache folder is unusable."""
    try:
        path = cache_dir().parent / "faces"
        path.mkdir(parents=True, exist_ok=True)
    except OSError:
        return None
    return path


@cache
def register() -> str:
    """Register the bundled main font with reportlab once and return its name."""
    font = load_ttfont(FONT, FONT_FILE, 0, _face_cache())
    pdfmetrics.registerFont(font)
    # <b>/<i> in paragraphs map to the same face: the font has no bold, headings draw their own.
    pdfmetrics.registerFontFamily(FONT, normal=FONT, bold=FONT, italic=FONT, boldItalic=FONT)
    return FONT


@cache
def covered() -> frozenset[int]:
    """Code points the main font has a glyph for."""
    register()
    face = pdfmetrics.getFont(FONT).face  # type: ignore[attr-defined]
    return frozenset(face.charToGlyph)


def _load(name: str, path: Path, subfont: int = 0) -> Face | None:
    try:
        font = load_ttfont(name, path, subfont, _face_cache())
    except (TTFError, OSError, ValueError) as e:  # e.g. CFF outlines, which reportlab cannot embed
        log.info("跳过不能嵌入PDF的字体 %s：%s", path, e)
        return None
    pdfmetrics.registerFont(font)
    pdfmetrics.registerFontFamily(name, normal=name, bold=name, italic=name, boldItalic=name)
    return Face(name, path, subfont, frozenset(font.face.charToGlyph))  # type: ignore[attr-defined]


def system_fallback_files() -> list[Path]:
    """Extension fonts installed on this machine, in SYSTEM_EXTENSION_FONTS order."""
    wanted = {n: i for i, n in enumerate(SYSTEM_EXTENSION_FONTS)}
    found: dict[str, Path] = {}
    for d in font_dirs():
        for p in d.rglob("*"):
            key = p.name.lower()
            if key in wanted and key not in found:
                found[key] = p
    return [found[k] for k in sorted(found, key=wanted.__getitem__)]


def chain_files() -> list[Path]:
    """Every fallback font file in the order tried: the machine's own, then the bundled ones."""
    return system_fallback_files() + [unpack(n) for n in BUNDLED_FALLBACKS]


@cache
def fallback_files() -> tuple[Path, ...]:
    """The fallback chain's files (unpacking the bundled ones on first need)."""
    return tuple(chain_files())


@cache
def fallback_face(i: int) -> Face | None:
    """The i-th font of the chain, parsed on first use: a name in Extension A loads the 3 MB
    Extension A font, not the 30 MB one for B–F."""
    return _load(f"ZZ-Fallback{i}", fallback_files()[i])


def fallbacks() -> tuple[Face, ...]:
    """Every usable font of the fallback chain (loads them all)."""
    faces = (fallback_face(i) for i in range(len(fallback_files())))
    return tuple(f for f in faces if f is not None)


def _printable(ch: str) -> bool:
    return not (ch.isspace() or unicodedata.category(ch) in ("Cc", "Cf"))


def font_for(ch: str) -> str | None:
    """Name of the first font of the chain that draws `ch` (None: no font can)."""
    if ord(ch) in covered() or not _printable(ch):
        return register()
    for i in range(len(fallback_files())):
        face = fallback_face(i)
        if face is not None and ord(ch) in face.cmap:
            return face.name
    return None


def runs(text: str) -> list[tuple[str, str]]:
    """`text` split into (font name, run) by glyph coverage; undrawable characters stay in the
    main font (they are reported by `missing_glyphs`)."""
    main = register()
    out: list[tuple[str, str]] = []
    have = covered()
    for ch in text:
        name = main if ord(ch) in have else (font_for(ch) or main)
        if out and out[-1][0] == name:
            out[-1] = (name, out[-1][1] + ch)
        else:
            out.append((name, ch))
    return out


def chart_warnings(charts: Iterable[tuple[str, list[str]]]) -> list[str]:
    """Chart labels are drawn in the main font only (a chart label cannot switch fonts mid-string):
    one Chinese warning per (title, categories) label holding a character the main font lacks."""
    have = covered()
    out = []
    for title, labels in charts:
        for label in [title, *labels]:
            if any(ord(ch) not in have and _printable(ch) for ch in label):
                out.append(f"图表“{title}”中的“{label}”含有图表字体没有的字符，图中将显示为空框（表格中正常打印）")
    return out


def escape(text: str) -> str:
    """`&`, `<` and `>` as entities (xml.sax.saxutils.escape, whose module imports urllib.request,
    http.client and ssl: ~10 ms of every printing process)."""
    return text.replace("&", "&amp;").replace(">", "&gt;").replace("<", "&lt;")


def markup(text: str) -> str:
    """Escaped paragraph markup for `text`, with <font> tags around runs needing a fallback."""
    main = register()
    return "".join(escape(run) if name == main else f'<font name="{name}">{escape(run)}</font>'
                   for name, run in runs(text))


def missing_glyphs(texts: Iterable[str]) -> dict[str, str]:
    """Characters no font of the chain can draw -> the first text they occur in (shortened)."""
    have = covered()
    out: dict[str, str] = {}
    for t in texts:
        for ch in t or "":
            if ord(ch) not in have and ch not in out and _printable(ch) and font_for(ch) is None:
                out[ch] = t if len(t) <= 30 else t[:29] + "…"
    return out


def glyph_warnings(texts: Iterable[str]) -> list[str]:
    """One Chinese warning per undrawable character, naming where it occurs."""
    return [f"字体缺少字符“{ch}”（U+{ord(ch):04X}），打印时将显示为空框，出现在：{where}"
            for ch, where in sorted(missing_glyphs(texts).items())]


def report_warnings(report: Report) -> list[str]:
    """Every font warning of a report: characters no font has, and chart labels needing a fallback."""
    charts = [(b.title, b.categories) for sec in report.sections for b in sec.blocks if isinstance(b, Chart)]
    return glyph_warnings(report.texts()) + chart_warnings(charts)


def undrawable(text: str) -> list[str]:
    """The characters of `text` that no available font can draw (for warnings while typing)."""
    return list(missing_glyphs([text]))
