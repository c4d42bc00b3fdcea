"""Find a ledger's header: title and 填报单位 rows above it are skipped; a header merged over two
rows (当事人 → 姓名 / 身份证号 / 电话) becomes one column name per column (当事人姓名…)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .fields import normalize_header, synonym_index
from .read import Sheet
from .values import cell_text, year_in

SCAN_ROWS = 30  # the header is within the first rows of a sheet


@dataclass
class Header:
    """Where a sheet's header is and what its columns are called."""

    first_row: int  # 0-based index of the (first) header row
    data_row: int  # 0-based index of the first row below the header
    columns: list[str]  # one display name per column ('' for an unnamed column)
    title: str  # text above the header (title, 填报单位…), joined
    year_hint: int | None  # year for dates written without one (3月5日)
    raw_rows: list[list[str]]  # the header rows' texts, to spot page-break repeats

    @property
    def words(self) -> frozenset[str]:
        """Every non-empty text of the header rows."""
        cached = self.__dict__.get("_words")
        if cached is None:
            cached = self.__dict__["_words"] = frozenset(t for row in self.raw_rows for t in row if t)
        return cached


def _texts(row: list[Any], width: int) -> list[str]:
    return [cell_text(v) for v in row] + [""] * (width - len(row))


def _filled_top(top: list[str], bottom: list[str], merged_cols: set[int]) -> list[str]:
    """The upper header row with each merged (or visually merged) cell copied to the columns it spans."""
    out = list(top)
    for c in range(1, len(out)):
        if not out[c] and bottom[c] and (c in merged_cols or (out[c - 1] and bottom[c - 1])):
            out[c] = out[c - 1]
    return out


def _score(names: list[str], index: dict[str, str]) -> int:
    return len({index[n] for n in (normalize_header(x) for x in names) if n in index})


def _combine(top: list[str], bottom: list[str]) -> list[str]:
    out = []
    for t, b in zip(top, bottom, strict=True):
        if t and b and t != b:
            out.append(t + b)
        else:
            out.append(b or t)
    return out


def detect_header(sheet: Sheet, kind: str, file_name: str = "") -> Header | None:
    """The header of a sheet for a ledger kind, or None when no row looks like one."""
    index = synonym_index(kind)
    rows = sheet.rows[:SCAN_ROWS]
    if not rows:
        return None
    width = max(len(r) for r in sheet.rows[: SCAN_ROWS + 5]) if sheet.rows else 0
    texts = [_texts(r, width) for r in rows]
    best: tuple[int, int, int, list[str]] | None = None  # (score, first, rows used, names)
    for i, top in enumerate(texts):
        single = _score(top, index)
        if best is None or single > best[0]:
            best = (single, i, 1, top)
        if i + 1 < len(texts):
            merged_cols = {
                c for (r0, c0), (r1, c1) in sheet.merged if r0 == i and r1 == i and c1 > c0
                for c in range(c0, c1 + 1)
            }
            bottom = texts[i + 1]
            names = _combine(_filled_top(top, bottom, merged_cols), bottom)
            pair = sum(1 for n in names if _match(n, index))
            pair_fields = len({_match(n, index) for n in names if _match(n, index)})
            if pair_fields > best[0] and pair > single and any(bottom):
                best = (pair_fields, i, 2, names)
    assert best is not None
    score, first, used, names = best
    if score < 2:
        return None
    title = " ".join(t for row in texts[:first] for t in row if t)
    year = year_in(title) or year_in(sheet.name) or year_in(file_name)
    return Header(first, first + used, names, title, year, texts[first:first + used])


def _match(name: str, index: dict[str, str]) -> str | None:
    return index.get(normalize_header(name))


def match_column(name: str, index: dict[str, str]) -> str | None:
    """The field a header name means: the whole name, else its end (当事人姓名 → 姓名)."""
    n = normalize_header(name)
    if not n:
        return None
    if n in index:
        return index[n]
    for k in range(1, len(n)):
        if n[k:] in index and len(n) - k >= 2:
            return index[n[k:]]
    return None


def is_header_repeat(texts: list[str], header: Header) -> bool:
    """A page-break repeat of the header (or its second row) inside the data (cells as text)."""
    if header.words.isdisjoint(texts):  # no header text at all: not a repeat (the usual data row)
        return False
    filled = [t for t in texts if t]
    for hrow in header.raw_rows:
        same = sum(1 for c, t in enumerate(texts) if t and c < len(hrow) and t == hrow[c])
        if same >= max(2, len(filled) // 2 + 1):
            return True
    return False
