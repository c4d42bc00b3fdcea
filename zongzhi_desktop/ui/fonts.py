"""The bundled CJK font, registered at start so Chinese renders on machines without one."""

from __future__ import annotations

import logging

from PySide6.QtGui import QFont, QFontDatabase
from PySide6.QtWidgets import QApplication

from ..resources import resource_path

log = logging.getLogger(__name__)
BUNDLED_FAMILY = "WenQuanYi Micro Hei"
FONT_FILE = ("fonts", "wqy-microhei.ttc")
UI_POINT_SIZE = 10


def register_cjk_font(app: QApplication) -> str | None:
    """Add resources/fonts/wqy-microhei.ttc and make it the application font's fallback family.

    Returns the registered family name (None if the file could not be loaded).
    """
    path = resource_path(*FONT_FILE)
    font_id = QFontDatabase.addApplicationFont(str(path))
    families = QFontDatabase.applicationFontFamilies(font_id) if font_id >= 0 else []
    if not families:
        log.warning("无法加载内置中文字体 %s", path)
        return None
    family = BUNDLED_FAMILY if BUNDLED_FAMILY in families else families[0]
    font = QFont(app.font())
    primary = font.family()
    # The system UI font first (it looks native), the bundled CJK font for every glyph it lacks.
    font.setFamilies([primary, family] if primary and primary != family else [family])
    font.setPointSize(UI_POINT_SIZE)
    app.setFont(font)
    return family
