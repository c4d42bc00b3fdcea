"""Validators for identity numbers, phone numbers and dates (shared by CLI, forms and importers)."""

from __future__ import annotations

import re
import unicodedata
from datetime import date
from operator import mul

from . import clock

_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"
_ID_WEIGHT_48 = 48 * sum(_ID_WEIGHTS)
# ASCII digits only: Python's \d also matches other scripts' digits, which int() would accept.
_ID_RE = re.compile(r"^[0-9]{17}[0-9X]$")
_MOBILE_RE = re.compile(r"^1[3-9][0-9]{9}$")
# Landline: area code 0 + 2-3 digits, then a 7-8 digit local number, optional extension.
_LANDLINE_RE = re.compile(r"^0[0-9]{2,3}-?[2-9][0-9]{6,7}(-[0-9]{1,6})?$")


def id_check_digit(first17: str) -> str:
    """GB 11643 check character (ISO 7064 MOD 11-2) for the first 17 digits."""
    if len(first17) != 17 or not (first17.isascii() and first17.isdigit()):
        raise ValueError("id_check_digit() needs the first 17 characters, all ASCII digits")
    # int(c) == ord(c) - 48 for ASCII digits: weight the character codes, then take 48 × Σw off
    return _ID_CHECK[(sum(map(mul, first17.encode(), _ID_WEIGHTS)) - _ID_WEIGHT_48) % 11]


def normalize_id_number(value: str) -> str:
    """Strip spaces, turn full-width characters (IME input) into ASCII and upper-case a trailing x."""
    return unicodedata.normalize("NFKC", value).strip().replace(" ", "").upper()


def id_number_problem(value: str, today: date | None = None) -> str | None:
    """Return why `value` is not a valid 18-character GB 11643 number, or None if it is.
    `today` (default: the clock's) bounds the birth date."""
    v = normalize_id_number(value)
    if len(v) != 18:
        return f"公民身份号码应为18位，当前为{len(v)}位"
    if not _ID_RE.match(v):
        return "公民身份号码前17位须为数字，最后一位为数字或X"
    try:
        born = date(int(v[6:10]), int(v[10:12]), int(v[12:14]))
    except ValueError:
        return "公民身份号码中的出生日期无效"
    if born.year < 1900 or born > (today or clock.today()):
        return "公民身份号码中的出生日期超出合理范围"
    if id_check_digit(v[:17]) != v[17]:
        return "公民身份号码校验位错误（GB 11643 校验）"
    return None


def normalize_phone(value: str) -> str:
    """Remove spaces and a leading +86 so numbers are stored one way."""
    v = unicodedata.normalize("NFKC", value).strip().replace(" ", "")
    if v.startswith("+86"):
        v = v[3:]
    elif v.startswith("0086"):
        v = v[4:]
    return v


def phone_problem(value: str) -> str | None:
    """Return why `value` is not a mainland mobile or landline number, or None if it is."""
    v = normalize_phone(value)
    if _MOBILE_RE.match(v) or _LANDLINE_RE.match(v):
        return None
    return "应为11位手机号码（1开头）或带区号的固定电话（如 0570-7012345）"


def date_problem(value: date, *, today: date, allow_future: bool) -> str | None:
    """Refuse implausible dates: before 1949 or, where the field records the past, in the future."""
    if value.year < 1949:
        return "日期早于1949年，请检查"
    if not allow_future and value > today:
        return f"日期不能晚于今天（{today.isoformat()}）"
    return None
