"""重点人员 in the window: its navigation entry and icon (data only; the pages are the generic ones)."""

from __future__ import annotations

from . import domain as d


def QT_TRANSLATE_NOOP(context: str, text: str) -> str:  # the name pyside6-lupdate looks for
    """Marks a label for the translation catalog (translated at run time in context MainWindow)."""
    return text


NAME = d.NAME
NAV_LABEL = QT_TRANSLATE_NOOP("MainWindow", "重点人员")
ICON = "fa5s.user-shield"  # qtawesome glyph of the navigation entry and the list's tab
