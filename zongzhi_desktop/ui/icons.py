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


def _add_registered_kinds() -> None:
    """The icons of the kinds added through the registry (zongzhi_desktop/kinds), by kind name."""
    from ..kinds import parts

    for part in parts("ui"):
        NAMES[part.NAME] = part.ICON


_add_registered_kinds()


# The one icon font the window uses. Only it is loaded (qtawesome's own `qta.icon` opens all twelve
# bundled fonts), so the desktop build ships just this font (build.spec reads ICON_FONT_PREFIX).
ICON_FONT_PREFIX = "fa5s"


def icon_font_files() -> tuple[str, str]:
    """(ttf, charmap) file names of the icon font inside qtawesome's fonts folder."""
    import qtawesome

    for prefix, ttf, charmap in qtawesome._BUNDLED_FONTS:
        if prefix == ICON_FONT_PREFIX:
            return ttf, charmap
    raise RuntimeError(f"qtawesome has no font {ICON_FONT_PREFIX}")


@cache
def _iconic_font():  # type: ignore[no-untyped-def]
    from qtawesome.iconic_font import IconicFont

    return IconicFont((ICON_FONT_PREFIX, *icon_font_files()))


@cache
def icon(name: str, color: str = ACCENT) -> QIcon:
    """A named icon. A font that fails to load raises (a broken build must show); only an unknown
    glyph name gives an empty icon, so one bad name does not stop the window from opening."""
    font = _iconic_font()
    try:
        # White when selected, so the navigation's highlighted entry keeps its icon visible.
        return font.icon(NAMES.get(name, name), color=QColor(color), color_selected=QColor("white"))
    except Exception:
        log.warning("图标 %s 无法加载", name, exc_info=True)
        return QIcon()
