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
# 400 / 800 service hotlines: 10 digits, written 400-xxx-xxxx.
_HOTLINE_RE = re.compile(r"^[48]00[0-9]{7}$")
# Hong Kong (+852) and Macau (+853): 8 digits, stored with the country code (+85291234567).
_HK_MO_RE = re.compile(r"^\+85[23][2-9][0-9]{7}$")
# An area code in brackets, as on letterheads: (0570)7012345, （0570）7012345.
_BRACKETED_AREA = re.compile(r"^\((0[0-9]{2,3})\)-?")


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
    """One way to store a number as people write it: spaces out, full-width to ASCII, +86 / 0086
    dropped, a bracketed area code as 0570-…, a dashed mobile as 11 digits, a hotline as
    400-xxx-xxxx, a Hong Kong or Macau number as +852… / +853…"""
    v = unicodedata.normalize("NFKC", value).strip().replace(" ", "")
    international = v.startswith(("+86", "0086"))
    if v.startswith("+86"):
        v = v[3:]
    elif v.startswith("0086"):
        v = v[4:]
    elif v.startswith(("00852", "00853")):
        v = "+" + v[2:]
    if v.startswith("+85"):
        return v.replace("-", "")
    v = _BRACKETED_AREA.sub(r"\1-", v)
    digits = v.replace("-", "")
    if _MOBILE_RE.match(digits):
        return digits
    if _HOTLINE_RE.match(digits):
        return f"{digits[:3]}-{digits[3:6]}-{digits[6:]}"
    if international and v[:1] in "123456789":  # +86 570 7012345: the area code without its 0
        v = "0" + v.lstrip("-")
    return v


def phone_problem(value: str) -> str | None:
    """Return why `value` is not a mainland mobile or landline, a 400/800 hotline or a Hong Kong /
    Macau number, or None if it is."""
    v = normalize_phone(value)
    if (_MOBILE_RE.match(v) or _LANDLINE_RE.match(v) or _HK_MO_RE.match(v)
            or _HOTLINE_RE.match(v.replace("-", ""))):
        return None
    return "应为11位手机号码（1开头）、400/800 热线、+852/+853 号码或带区号的固定电话（如 0570-7012345）"


def date_problem(value: date, *, today: date, allow_future: bool) -> str | None:
    """Refuse implausible dates: before 1949 or, where the field records the past, in the future."""
    if value.year < 1949:
        return "日期早于1949年，请检查"
    if not allow_future and value > today:
        return f"日期不能晚于今天（{today.isoformat()}）"
    return None
