"""Masking of personal identifiers for screens, printouts and anything a role may not see."""

from __future__ import annotations


def mask_id_number(value: str | None) -> str:
    """Keep the first 4 and last 4 characters: 2111**********123X."""
    if not value:
        return ""
    v = value.strip()
    if len(v) <= 8:
        return "*" * len(v)
    return v[:4] + "*" * (len(v) - 8) + v[-4:]


def mask_phone(value: str | None) -> str:
    """Mobile 138****5678; landlines keep the area code and the last 2 digits."""
    if not value:
        return ""
    v = value.strip()
    if len(v) == 11 and v.isdigit() and v.startswith("1"):
        return v[:3] + "****" + v[-4:]
    if v.startswith("+"):  # +852 / +853: the country code and the last 2 digits
        return v[:4] + "*" * max(len(v) - 6, 0) + v[-2:]
    if "-" in v:
        area, _, rest = v.partition("-")
        return area + "-" + "*" * max(len(rest) - 2, 0) + rest[-2:]
    if len(v) <= 4:
        return "*" * len(v)
    return v[:3] + "*" * (len(v) - 5) + v[-2:]
