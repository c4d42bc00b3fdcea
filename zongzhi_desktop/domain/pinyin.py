"""Pinyin for searching and sorting Chinese names (no Qt): "cdc" and "chengdong" find 城东村, and
names sort 艾 < 白 < 陈 … as a Chinese reader expects, not by code point.

pypinyin is imported on first use (its dictionaries take ~0.15 s to load), so start-up does not
pay for it; each text's keys are cached.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

_LETTERS = re.compile(r"[a-z]+")


@lru_cache(maxsize=1)
def _lazy() -> Any:
    import pypinyin

    return pypinyin


def warm() -> None:
    """Load the dictionaries now (~0.25 s), e.g. in the background after the window shows."""
    _lazy()
    keys("中文")


@lru_cache(maxsize=65536)
def keys(text: str) -> tuple[str, str]:
    """(full pinyin, initials) of `text` without tones or spaces, lower case: 城东村 → ("chengdongcun",
    "cdc"). Characters that are not Chinese are kept as they are (lower case)."""
    p = _lazy()
    syllables = p.lazy_pinyin(text, errors=lambda s: list(s.lower()))
    full = "".join(syllables).lower()
    initials = "".join(s[0] for s in syllables if s).lower()
    return full, initials


def is_pinyin_query(query: str) -> bool:
    """Whether `query` could be pinyin: Latin letters only (spaces ignored)."""
    return bool(_LETTERS.fullmatch(query.replace(" ", "").lower()))


def matches(text: str, query: str) -> bool:
    """`query` occurs in `text`, or (Latin letters) in its full pinyin or its initials."""
    q = query.strip().lower()
    if not q:
        return True
    if q in text.lower():
        return True
    if not is_pinyin_query(q):
        return False
    q = q.replace(" ", "")
    full, initials = keys(text)
    return q in full or q in initials


def starts_with(text: str, query: str) -> bool:
    """`text`, its full pinyin or its initials begins with `query` (type-ahead in drop-downs)."""
    q = query.strip().lower().replace(" ", "")
    if not q:
        return True
    if text.lower().startswith(q):
        return True
    if not is_pinyin_query(q):
        return False
    full, initials = keys(text)
    return full.startswith(q) or initials.startswith(q)


def collation_key(text: str | None) -> str | None:
    """`sort_key` as one stored string that orders like it (ORDER BY on an indexed column), with the
    initials at the end for pinyin search: "li ming\x1f李明\x1flm" (0x1F sorts below every letter
    and the space, so 李 < 李明 < 林 holds)."""
    if not text:
        return None
    full, name = sort_key(text)
    return f"{full}\x1f{name}\x1f{keys(text)[1]}"


@lru_cache(maxsize=65536)
def sort_key(text: str | None) -> tuple[str, str]:
    """Pinyin collation: by full pinyin (syllables separated, so 李 < 李明 < 林), then the text itself."""
    if not text:
        return ("", "")
    p = _lazy()
    return (" ".join(p.lazy_pinyin(text, errors=lambda s: list(s.lower()))).lower(), text)
