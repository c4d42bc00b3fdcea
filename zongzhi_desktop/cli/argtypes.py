"""Bounded argument types: every number a user types is checked before it reaches a query or a date.

An out-of-range value ends in exit 2 with a Chinese message naming the option and its range,
never in an OverflowError from SQLite or `datetime`.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from datetime import date


def bounded_int(low: int, high: int, what: str = "") -> Callable[[str], int]:
    """argparse `type=` for an integer in [low, high]; `what` names its unit (天, 条 …)."""

    def parse(text: str) -> int:
        try:
            value = int(text.strip())
        except ValueError:
            raise argparse.ArgumentTypeError(f"“{text}”不是整数，应为{low}到{high}{what}") from None
        if not low <= value <= high:
            raise argparse.ArgumentTypeError(f"{value} 超出范围，应为{low}到{high}{what}")
        return value

    parse.__name__ = "整数"  # argparse names the type in some messages
    return parse


def suite_name(text: str) -> str:
    """argparse `type=` for a cipher suite (`county init --suite`)."""
    from ..sync.suites import SUITES

    name = text.strip().lower()
    if name not in SUITES:
        raise argparse.ArgumentTypeError(f"密码套件“{text}”无效，应为 " + " 或 ".join(SUITES)
                                         + "（gm-1：国密 SM2/SM3/SM4）")
    return name


suite_name.__name__ = "密码套件"


def iso_date(what: str) -> Callable[[str], date]:
    """argparse `type=` for a YYYY-MM-DD date; `what` names the option in the message."""

    def parse(text: str) -> date:
        try:
            return date.fromisoformat(text.strip())
        except ValueError:
            raise argparse.ArgumentTypeError(f"{what}“{text}”不是有效日期，应为 YYYY-MM-DD 格式，如 2026-11-01") from None

    parse.__name__ = "日期"
    return parse


# Translations of argparse's own English messages (Python 3.11), applied in ChineseArgumentParser.error.
ARGPARSE_MESSAGES: tuple[tuple[str, str], ...] = (
    ("the following arguments are required: ", "缺少必需的参数："),
    ("unrecognized arguments: ", "无法识别的参数："),
    ("expected one argument", "需要一个值"),
    ("expected at least one argument", "至少需要一个值"),
    ("not allowed with argument ", "不能与此参数同用："),
    ("invalid choice: ", "无效的选择："),
    ("(choose from ", "（可选："),
    ("invalid int value: ", "不是整数："),
    ("invalid float value: ", "不是数字："),
    ("ambiguous option: ", "含糊的选项："),
    ("could match ", "可能是 "),
    ("argument ", "参数 "),
)


def translate_argparse(message: str) -> str:
    """argparse's English usage error in Chinese (unknown wording is left as it is)."""
    for english, chinese in ARGPARSE_MESSAGES:
        message = message.replace(english, chinese)
    if message.endswith(")") and "（可选：" in message:
        message = message[:-1] + "）"
    return message
