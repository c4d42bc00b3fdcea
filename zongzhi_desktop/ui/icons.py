"""Icons from qtawesome (Font Awesome glyphs drawn at any size, no image files to ship).

Importing qtawesome costs a few hundred milliseconds (it loads qtpy), so the window is first shown
without icons and `apply_icons` methods add them right after the first paint.
"""

from __future__ import annotations

import logging
from functools import cache

from PySide6.QtGui import QColor, QIcon

log = logging.getLogger(__name__)

ACCENT = "#1f5fa8"
NAMES = {
    "home": "fa5s.home",
    "petition": "fa5s.envelope-open-text",
    "dispute": "fa5s.balance-scale",
    "package": "fa5s.user-tie",
    "volunteer": "fa5s.hands-helping",
    "dispatch": "fa5s.tasks",
    "reports": "fa5s.chart-bar",
    "sync": "fa5s.sync-alt",
    "settings": "fa5s.cog",
    "new": "fa5s.plus",
    "export": "fa5s.file-excel",
    "refresh": "fa5s.redo",
    "search": "fa5s.search",
    "lock": "fa5s.lock",
    "clear": "fa5s.times",
    "user": "fa5s.user",
    "warning": "fa5s.exclamation-triangle",
    "calendar": "fa5s.calendar-alt",
    "logout": "fa5s.sign-out-alt",
}


@cache
def icon(name: str, color: str = ACCENT) -> QIcon:
    """A named icon; an empty icon (never an error) if qtawesome cannot draw it."""
    try:
        import qtawesome as qta

        # White when selected, so the navigation's highlighted entry keeps its icon visible.
        return qta.icon(NAMES.get(name, name), color=QColor(color), color_selected=QColor("white"))
    except Exception:  # a missing glyph must not stop the window from opening
        log.warning("图标 %s 无法加载", name, exc_info=True)
        return QIcon()
