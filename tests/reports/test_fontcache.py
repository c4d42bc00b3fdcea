"""Parsed fonts kept in the cache folder (reports/fontcache.py) equal a fresh parse."""

from __future__ import annotations

from pathlib import Path

from reportlab.pdfbase.ttfonts import TTFont

from zongzhi_desktop.reports import fontcache
from zongzhi_desktop.reports.fonts import FONT_FILE


def _same(a: TTFont, b: TTFont) -> None:
    fa, fb = vars(a.face), vars(b.face)  # type: ignore[attr-defined]
    assert set(fa) == set(fb)
    for k in fa:
        if k == "_pos":  # the read cursor, moved by every read (makeSubset seeks before reading)
            continue
        if k == "_pdfScale":
            assert [fa[k](v) for v in (1, 2048, 777)] == [fb[k](v) for v in (1, 2048, 777)]
        else:
            assert fa[k] == fb[k], k
            assert type(fa[k]) is type(fb[k]), k
    assert fa["name"].ustr == fb["name"].ustr
    assert set(vars(a)) == set(vars(b))
    assert a._asciiReadable == b._asciiReadable  # type: ignore[attr-defined]
    text = "湖镇镇信访件 2026年第三季度 ABC 123。"
    assert a.stringWidth(text, 12) == b.stringWidth(text, 12)
    subset = [ord(c) for c in "综治中心季推进表"]
    assert a.face.makeSubset(subset) == b.face.makeSubset(subset)  # type: ignore[attr-defined]


def test_cached_font_equals_a_fresh_parse(tmp_path: Path) -> None:
    parsed = TTFont("A", str(FONT_FILE), subfontIndex=0)
    first = fontcache.load_ttfont("A", FONT_FILE, 0, tmp_path)  # parses and writes the entry
    entries = list(tmp_path.glob("*.face"))
    assert len(entries) == 1
    second = fontcache.load_ttfont("A", FONT_FILE, 0, tmp_path)  # read back from the entry
    _same(parsed, first)
    _same(parsed, second)
    assert second.fontName == "A"


def test_damaged_entry_is_parsed_again_and_rewritten(tmp_path: Path) -> None:
    fontcache.load_ttfont("A", FONT_FILE, 0, tmp_path)
    entry = next(tmp_path.glob("*.face"))
    good = entry.read_bytes()
    entry.write_bytes(good[: len(good) // 3])
    font = fontcache.load_ttfont("A", FONT_FILE, 0, tmp_path)
    _same(TTFont("A", str(FONT_FILE), subfontIndex=0), font)
    assert entry.read_bytes() == good


def test_other_font_file_or_subfont_gets_its_own_entry(tmp_path: Path) -> None:
    copy = tmp_path / "copy.ttc"
    copy.write_bytes(FONT_FILE.read_bytes())
    fontcache.load_ttfont("A", FONT_FILE, 0, tmp_path)
    fontcache.load_ttfont("B", copy, 0, tmp_path)
    fontcache.load_ttfont("C", FONT_FILE, 1, tmp_path)
    assert len(list(tmp_path.glob("*.face"))) == 3


def test_font_with_an_attribute_it_cannot_store_is_not_cached(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    original = TTFont.__init__

    def with_extra(self: TTFont, *args: object, **kw: object) -> None:
        original(self, *args, **kw)  # type: ignore[arg-type]
        self.face.extra = object()  # type: ignore[attr-defined]

    monkeypatch.setattr(TTFont, "__init__", with_extra)
    font = fontcache.load_ttfont("A", FONT_FILE, 0, tmp_path)
    assert font.face.charToGlyph  # type: ignore[attr-defined]
    assert not list(tmp_path.glob("*.face"))


def test_no_cache_folder_parses(tmp_path: Path) -> None:
    font = fontcache.load_ttfont("A", FONT_FILE, 0, None)
    _same(TTFont("A", str(FONT_FILE), subfontIndex=0), font)
