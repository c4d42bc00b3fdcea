"""Cell values as ledgers really hold them: Excel serial dates, Chinese dates, mangled ID numbers,
several names in one cell. Every problem is a `CellProblem` with a rule and a Chinese message;
nothing is "repaired" silently."""

from __future__ import annotations

import math
import re
import unicodedata
from datetime import date, datetime, timedelta
from typing import Any

from ..domain.validation import id_check_digit, normalize_id_number

EXCEL_EPOCH = date(1899, 12, 30)  # serial 1 = 1900-01-01 (Excel's 1900 leap-year bug included)


class CellProblem(Exception):
    """A cell value that cannot be read as what its column means."""

    def __init__(self, rule: str, message: str) -> None:
        super().__init__(message)
        self.rule = rule
        self.message = message


def cell_text(value: Any) -> str:
    """A cell as trimmed text: integral floats without '.0', dates as ISO, None as ''."""
    if type(value) is str:  # most cells: checked first, the other types' tests skipped
        return value.strip() if value.isascii() else unicodedata.normalize("NFKC", value).strip()
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float):
        if math.isfinite(value) and value == int(value) and abs(value) < 1e15:
            return str(int(value))
        if math.isfinite(value) and abs(value) >= 1e15:
            return f"{value:.5E}"  # as Excel shows a long number: 3.30825E+17
        return repr(value)
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == datetime.min.time() else value.isoformat(" ")
    if isinstance(value, date):
        return value.isoformat()
    return unicodedata.normalize("NFKC", str(value)).strip()


def is_blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


_FULL = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?(?:\s+\d{1,2}:\d{2}(?::\d{2})?)?$")
_COMPACT = re.compile(r"^(\d{4})(\d{2})(\d{2})$")
_MONTH_DAY = re.compile(r"^(\d{1,2})\s*[月.\-/]\s*(\d{1,2})\s*日?$")
_YEAR_MONTH = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*月?$")
_SERIAL = re.compile(r"^\d{5}(?:\.\d+)?$")


def _make(y: int, mo: int, d: int, raw: str) -> date:
    try:
        return date(y, mo, d)
    except ValueError:
        raise CellProblem("date_invalid", f"“{raw}”不是有效日期") from None


def parse_date(value: Any, year_hint: int | None) -> date | None:
    """A ledger date, or None for an empty cell. `year_hint` (from the sheet title or name) fills
    dates written as 3月5日; a year-and-month-only date (2026.3) is refused, not guessed."""
    if is_blank(value):
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, bool):
        raise CellProblem("date_format", "应为日期")
    if isinstance(value, int | float):
        if not math.isfinite(value):
            raise CellProblem("date_format", "应为日期")
        if 1900 <= value < 2101 and value != int(value):
            raise CellProblem("date_month_only", f"“{cell_text(value)}”只有年月、没有日（若是 2026.10 一类，Excel 会存成 2026.1），请补全日期")
        if 1 <= value < 2958466 and value == int(value) and value >= 3000:
            return EXCEL_EPOCH + timedelta(days=int(value))
        raise CellProblem("date_format", f"“{cell_text(value)}”不是日期")
    raw = cell_text(value)
    m = _FULL.match(raw)
    if m:
        return _make(int(m[1]), int(m[2]), int(m[3]), raw)
    m = _COMPACT.match(raw)
    if m:
        return _make(int(m[1]), int(m[2]), int(m[3]), raw)
    m = _YEAR_MONTH.match(raw)
    if m:
        raise CellProblem("date_month_only", f"“{raw}”只有年月、没有日，请补全日期")
    m = _MONTH_DAY.match(raw)
    if m:
        if year_hint is None:
            raise CellProblem("date_no_year", f"“{raw}”没有年份，表头或工作表名中也找不到年份")
        return _make(year_hint, int(m[1]), int(m[2]), raw)
    if _SERIAL.match(raw):
        return parse_date(float(raw), year_hint)
    raise CellProblem("date_format", f"“{raw}”不是可识别的日期（可用 2026-03-05、2026.3.5、2026年3月5日）")


_DIGITS18 = re.compile(r"^[0-9]{18}$")
_SCI = re.compile(r"^\d(?:\.\d+)?E\+?\d+$", re.IGNORECASE)
_MANGLED = "身份证号被 Excel 当作数字保存，后几位已丢失（{shown}），请在原表中把该列设为文本、按原件重新录入"


def parse_id_number(value: Any) -> str | None:
    """The ID number text, or None for an empty cell. Numbers Excel mangled (stored as a number,
    shown as 1.10101E+17, or with a zeroed tail) and old 15-digit numbers are refused here with
    their own rule; the form's rule (GB 11643) is applied afterwards by the field spec."""
    if is_blank(value):
        return None
    if isinstance(value, bool):
        raise CellProblem("id_number", "应为身份证号")
    if isinstance(value, int | float):
        if isinstance(value, float) and (not math.isfinite(value) or value != int(value)):
            raise CellProblem("id_number", f"“{cell_text(value)}”不是身份证号")
        digits = str(int(value))
        if len(digits) == 15:
            raise CellProblem("id_15", f"“{digits}”是15位旧身份证号，请核对后改为18位号码")
        if len(digits) >= 16:
            raise CellProblem("id_mangled", _MANGLED.format(shown=f"{float(value):.5E}"))
        raise CellProblem("id_number", f"“{digits}”不是身份证号（应为18位）")
    raw = normalize_id_number(str(value))
    if _SCI.match(raw):
        raise CellProblem("id_mangled", _MANGLED.format(shown=raw))
    if len(raw) == 15 and raw.isdigit():
        raise CellProblem("id_15", f"“{raw}”是15位旧身份证号，请核对后改为18位号码")
    if _DIGITS18.match(raw) and raw.endswith("000") and id_check_digit(raw[:17]) != raw[17]:
        raise CellProblem("id_mangled", _MANGLED.format(shown=raw))  # the tail Excel zeroed
    return raw  # every other rule (length, birth date, check digit) is the form's: coerce_value applies it


_SPLIT = re.compile(r"[、,，;；/\n]+|\s{1,}")
SPLIT_LIST = _SPLIT  # for callers that already hold a cell's normalized text (see split_list)


def split_list(value: Any) -> list[str]:
    """Several names (or numbers) in one cell: 张三、李四 / 张三，李四 / 张三 李四."""
    if is_blank(value):
        return []
    if isinstance(value, int | float) and not isinstance(value, bool):
        return [value]  # type: ignore[list-item]  # one number (e.g. an ID typed as a number)
    return [p for p in _SPLIT.split(cell_text(value)) if p]


_YEAR = re.compile(r"(19[5-9]\d|20\d\d)\s*年?")


def year_in(text: str) -> int | None:
    """The first plausible year (1950–2099) in a title or sheet name."""
    m = _YEAR.search(text or "")
    return int(m[1]) if m else None
