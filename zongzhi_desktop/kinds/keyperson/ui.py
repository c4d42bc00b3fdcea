"""重点人员 in the window: its navigation entry and icon (data only; the pages are the generic ones)."""

from __future__ import annotations

from typing import Any

from . import domain as d


def QT_TRANSLATE_NOOP(context: str, text: str) -> str:  # the name pyside6-lupdate looks for
    """Marks a label for the translation catalog (translated at run time in context MainWindow)."""
    return text


NAME = d.NAME
NAV_LABEL = QT_TRANSLATE_NOOP("MainWindow", "重点人员")
ICON = "fa5s.user-shield"  # qtawesome glyph of the navigation entry and the list's tab
# The detail line services.py adds (context "forms", as the detail translates its labels).
SUGGESTED = QT_TRANSLATE_NOOP("forms", "建议关联（同一身份证号）")


# 设置 → 期限与锁定: the visit cadence of every category (settings cadence.<code>); the settings page
# draws the box (ui/settings_page.py), this says what it holds.
SETTINGS_TITLE = QT_TRANSLATE_NOOP("RulesTab", "重点人员走访周期")
SETTINGS_NOTE = QT_TRANSLATE_NOOP(
    "RulesTab", "天数，或“列管第一年内天数/以后天数”（如 90/180）。修改后，在管人员的下次走访期限重新计算。")
SETTINGS_CODE_TABLE = d.CODE_TABLE
SETTINGS_PREFIX = d.CADENCE_PREFIX


def settings_value(code: str, policy: Any) -> str:
    """The cadence of a category as the box shows it ("30" or "90/180")."""
    first, later = d.cadence_of(code, policy)
    return str(first) if first == later else f"{first}/{later}"


def settings_changed(code: str, text: str, policy: Any) -> bool:
    """Whether `text` differs from the category's cadence now (a malformed text counts as a change:
    saving it brings the field's message)."""
    try:
        return d.parse_cadence(text) != d.cadence_of(code, policy)
    except ValueError:
        return True
