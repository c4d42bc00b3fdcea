"""Parsed TrueType fonts kept in the user cache, so a new process does not parse them again.

reportlab's `TTFont` reads a font's tables into Python dicts and lists (character -> glyph,
widths, glyph positions). For the bundled WenQuanYi Micro Hei (49,531 glyphs) that costs about
0.06 s CPU in every process that prints a sheet. The parsed attributes are written once to the
cache folder with `marshal` and read back in about a quarter of the time; the font file itself is
still read at every start (subsetting reads its glyphs from it).

The cache entry is keyed by the font file (path, size, modification time), the subfont, the
reportlab version and this module's format, and it is written atomically (temporary name, then
rename). Only attributes of plain types, the font's names and the few objects rebuilt here are
stored: a font object holding anything else (another reportlab version) is simply parsed every
time. A missing, unreadable or damaged entry is parsed again and rewritten. The folder is the user's
own cache (where the fallback fonts are unpacked too); an entry holds only numbers, strings, lists
and dicts (marshal builds values, it runs no code), and glyphs are always read from the font file.
"""

from __future__ import annotations

import gc
import hashlib
import logging
import marshal
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any
from weakref import WeakKeyDictionary

import reportlab
from reportlab.pdfbase.ttfonts import TTEncoding, TTFNameBytes, TTFont, TTFontFace

log = logging.getLogger(__name__)

FORMAT = 1
_PLAIN = (type(None), bool, int, float, str, bytes, list, tuple, dict)
_NAME = "__ttfname__"


def _plain(value: Any) -> bool:
    """Whether marshal stores `value` exactly (plain types all the way down, no subclasses)."""
    kind = type(value)
    if kind in (list, tuple):
        return all(_plain(v) for v in value)
    if kind is dict:
        return all(_plain(k) and _plain(v) for k, v in value.items())
    return kind in _PLAIN


def _encode(attrs: dict[str, Any]) -> dict[str, Any]:
    """An object's attributes in marshal-able form (a font name as a tagged pair); TypeError when
    one cannot be stored exactly."""
    out: dict[str, Any] = {}
    for k, v in attrs.items():
        if isinstance(v, TTFNameBytes):
            out[k] = (_NAME, v.ustr)
        elif _plain(v):
            out[k] = v
        else:
            raise TypeError(f"{k}: {type(v).__name__}")
    return out


def _decode(attrs: dict[str, Any]) -> dict[str, Any]:
    return {k: TTFNameBytes(v[1].encode("utf-8")) if type(v) is tuple and len(v) == 2 and v[0] == _NAME else v
            for k, v in attrs.items()}


def _scale(units_per_em: int) -> Callable[[float], float]:
    """reportlab's font-unit -> 1/1000 em scale (TTFontFile.extractInfo builds the same)."""
    if units_per_em == 1000:
        return lambda x: x
    factor = 1000 / units_per_em
    return lambda x: x * factor


def _state(font: TTFont) -> dict[str, Any] | None:
    """The attributes to store for `font`, or None when one of them cannot be restored."""
    face = font.face  # type: ignore[attr-defined]
    if type(font) is not TTFont or type(face) is not TTFontFace:
        return None
    font_attrs: dict[str, Any] = {}
    for k, v in vars(font).items():
        if k == "face" or isinstance(v, (TTEncoding, WeakKeyDictionary)):
            continue
        font_attrs[k] = v
    face_attrs: dict[str, Any] = {}
    for k, v in vars(face).items():
        if k in ("_ttf_data", "_pdfScale"):
            continue
        face_attrs[k] = v
    try:
        return {"font": _encode(font_attrs), "face": _encode(face_attrs),
                "rebuilt": sorted(k for k, v in vars(font).items() if isinstance(v, (TTEncoding, WeakKeyDictionary)))}
    except TypeError as e:
        log.info("字体 %s 含有无法缓存的属性（%s），每次解析", face.filename, e)
        return None


def _restore(state: dict[str, Any], data: bytes) -> TTFont:
    face = TTFontFace.__new__(TTFontFace)
    vars(face).update(_decode(state["face"]))
    face._ttf_data = data
    face._pdfScale = _scale(face.unitsPerEm)
    font = TTFont.__new__(TTFont)
    vars(font).update(_decode(state["font"]))
    for k in state["rebuilt"]:
        setattr(font, k, TTEncoding() if k == "encoding" else WeakKeyDictionary())
    font.face = face
    return font


def _entry(cache: Path, path: Path, subfont: int) -> Path:
    st = path.stat()
    key = f"{path.resolve()}|{st.st_size}|{st.st_mtime_ns}|{subfont}|{reportlab.Version}|{FORMAT}"
    return cache / f"{path.stem}-{hashlib.sha256(key.encode('utf-8')).hexdigest()[:16]}.face"


def load_ttfont(name: str, path: Path, subfont: int, cache: Path | None) -> TTFont:
    """`TTFont(name, path, subfontIndex=subfont)`, from the cache folder `cache` when it holds this
    font already parsed (else parsed and stored there). `cache` None: always parse.

    The cyclic garbage collector is paused meanwhile: the font is a few hundred thousand new
    objects (none of them garbage), whose allocation made it walk the whole heap of a running app
    several times (~0.05 s)."""
    paused = gc.isenabled()
    gc.disable()
    try:
        return _load(name, path, subfont, cache)
    finally:
        if paused:
            gc.enable()


def _load(name: str, path: Path, subfont: int, cache: Path | None) -> TTFont:
    if cache is None:
        return TTFont(name, str(path), subfontIndex=subfont)
    entry = _entry(cache, path, subfont)
    try:
        state = marshal.loads(entry.read_bytes())
        font = _restore(state, path.read_bytes())
        font.fontName = name
        return font
    except FileNotFoundError:
        pass
    except Exception as e:  # a damaged or foreign entry: parse again and overwrite it
        log.info("字体缓存 %s 不可用（%s），重新解析", entry, e)
    font = TTFont(name, str(path), subfontIndex=subfont)
    state = _state(font)
    if state is not None:
        try:
            tmp = entry.with_suffix(f".tmp{os.getpid()}")
            tmp.write_bytes(marshal.dumps(state))
            os.replace(tmp, entry)
        except OSError as e:
            log.info("无法写入字体缓存 %s：%s", entry, e)
    return font
