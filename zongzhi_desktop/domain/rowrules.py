"""The value rules a stored row must obey, shared by the township's entry and the county's import.

The county refuses a bundle row that breaks one of these rules (docs/bundle-format.md §11.1) and
would refuse it for ever, so the township applies the very same functions when a value is entered
(`domain.fields.coerce_value`) and again on every synced row before it is written
(`services.rowguard`). Each rule answers with a `Problem`: a rule name and the Chinese message
(never quoting the value: it may be personal data). The county prefixes the message with
"字段 <column>：", the township with the field's Chinese label.

Pure Python plus SQLAlchemy column metadata: no Qt, no database access.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import sqlalchemy as sa

INT32 = (-(2**31), 2**31 - 1)
INT64 = (-(2**63), 2**63 - 1)

# NUL (PostgreSQL text cannot hold it) and lone surrogates (not encodable as UTF-8).
_FORBIDDEN = re.compile(r"[\x00\ud800-\udfff]")


@dataclass(frozen=True)
class Problem:
    """Why a value is refused: `rule` (machine name) and `message` (Chinese, without the value)."""

    rule: str
    message: str


def char_message(codepoint: int) -> str:
    """The one message for a character that cannot be stored (both ends use it)."""
    return f"含有无法保存的字符（U+{codepoint:04X}），请删去后重新输入"


def forbidden_char(text: str) -> int | None:
    """The code point of the first character no text column may hold (NUL, lone surrogate), or None."""
    if text.isprintable():  # the common case, decided in C (NUL and surrogates are not printable)
        return None
    found = _FORBIDDEN.search(text)
    return ord(found.group()) if found else None


def text_problem(value: str, max_length: int | None = None) -> Problem | None:
    """A text column's rule: at most `max_length` characters, no NUL, no lone surrogate."""
    if max_length is not None and len(value) > max_length:
        return Problem("max_length", f"长度不能超过{max_length}个字符")
    bad = forbidden_char(value)
    if bad is not None:
        return Problem("character", char_message(bad))
    return None


def int_problem(value: int, bounds: tuple[int, int] = INT32) -> Problem | None:
    """An integer column's rule: within the column's range (32-bit unless the column is BIGINT)."""
    lo, hi = bounds
    if not lo <= value <= hi:
        return Problem("int_range", f"整数超出范围（{lo} 至 {hi}）")
    return None


def float_problem(value: float) -> Problem | None:
    """A number column's rule: finite (no NaN or infinity)."""
    if not math.isfinite(value):
        return Problem("number", "应为数值")
    return None


def column_kind(c: sa.Column) -> str:
    """How a column's values travel and are checked: str, int, int64, bool, float, datetime, date, bytes, json."""
    t = c.type
    if isinstance(t, sa.types.TypeDecorator):
        t = t.impl if not isinstance(t.impl, type) else t.impl()
    if isinstance(t, sa.DateTime):
        return "datetime"
    if isinstance(t, sa.Date):
        return "date"
    if isinstance(t, sa.Boolean):
        return "bool"
    if isinstance(t, sa.BigInteger):
        return "int64"
    if isinstance(t, sa.Integer):
        return "int"
    if isinstance(t, sa.Float | sa.Numeric):
        return "float"
    if isinstance(t, sa.LargeBinary):
        return "bytes"
    if isinstance(t, sa.JSON):
        return "json"
    return "str"


def value_problem(column: sa.Column, value: Any) -> Problem | None:
    """The column's rule applied to a Python value of the column's type (None: see `row_problems`)."""
    kind = column_kind(column)
    if kind == "str" and isinstance(value, str):
        return text_problem(value, getattr(column.type, "length", None))
    if kind in ("int", "int64") and isinstance(value, int) and not isinstance(value, bool):
        return int_problem(value, INT64 if kind == "int64" else INT32)
    if kind == "float" and isinstance(value, int | float) and not isinstance(value, bool):
        return float_problem(float(value))
    if kind == "datetime" and isinstance(value, datetime) and value.utcoffset() is None:
        return Problem("timezone", "时间缺少时区")
    if kind == "date" and isinstance(value, date) and not isinstance(value, datetime) and value.year < 1:
        return Problem("date", "应为 YYYY-MM-DD 格式的日期")
    return None


def row_problems(columns: list[sa.Column], values: Mapping[str, Any]) -> list[tuple[str, Problem]]:
    """(column name, problem) for every value of `values` that `columns` refuse.

    A column absent from `values` is not judged (the database fills its default); a None in a
    NOT NULL column is refused as the county refuses it."""
    out: list[tuple[str, Problem]] = []
    for c in columns:
        if c.name not in values:
            continue
        v = values[c.name]
        if v is None:
            if not c.nullable and not c.primary_key:
                out.append((c.name, Problem("required", "不能为空")))
            continue
        p = value_problem(c, v)
        if p is not None:
            out.append((c.name, p))
    return out
