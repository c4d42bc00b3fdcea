"""Fonts for the window: the bundled CJK font, then the rare-character fallback chain.

The application font is the system UI font first (it looks native), WenQuanYi Micro Hei for the
Chinese it lacks, then the same extension fonts the PDFs use (reports/fonts.py: the machine's own
SimSun-ExtB and friends, then the bundled Hanazono/BabelStone subsets), so 𪚥 𠈌 䶮 𰻞 draw in
lists, forms, detail views and search alike. Unpacking the bundled fallbacks the very first time
takes about a second, so it runs in the background; later starts register the unpacked files
directly (a few milliseconds).
"""

from __future__ import annotations

import logging
from pathlib import Path

from PySide6.QtGui import QFont, QFontDatabase
from PySide6.QtWidgets import QApplication

from ..reports import fonts as pdf_fonts
from ..resources import resource_path
from .runner import Operation, OperationRunner

log = logging.getLogger(__name__)
BUNDLED_FAMILY = "WenQuanYi Micro Hei"
FONT_FILE = ("fonts", "wqy-microhei.ttc")
UI_POINT_SIZE = 10


def register_cjk_font(app: QApplication) -> str | None:
    """Add the bundled CJK font (and the fallback chain if already unpacked) to the app font.

    Returns the registered CJK family name (None if the file could not be loaded).
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
    font.setFamilies([primary, family] if primary and primary != family else [family])
    font.setPointSize(UI_POINT_SIZE)
    app.setFont(font)
    if fallbacks_ready():
        add_fallback_families(app, pdf_fonts.chain_files())
    return family


def fallbacks_ready() -> bool:
    """True when the bundled fallbacks are unpacked (registering them then costs milliseconds)."""
    return all(p.exists() for p in bundled_targets())


def bundled_targets() -> list[Path]:
    """Where the bundled fallbacks are (or will be) unpacked."""
    out = []
    for name in pdf_fonts.BUNDLED_FALLBACKS:
        size = resource_path("fonts", name).stat().st_size
        stem = name.removesuffix(".xz").removesuffix(".ttf")
        out.append(pdf_fonts.cache_dir() / f"{stem}-{size}.ttf")
    return out


def add_fallback_families(app: QApplication, paths: list[Path]) -> list[str]:
    """Register font files with Qt and append their families to the application font's list."""
    added: list[str] = []
    for p in paths:
        fid = QFontDatabase.addApplicationFont(str(p))
        if fid < 0:
            log.warning("无法加载字体 %s", p)
            continue
        added += [f for f in QFontDatabase.applicationFontFamilies(fid) if f not in added]
    font = QFont(app.font())
    families = font.families() + [f for f in added if f not in font.families()]
    font.setFamilies(families)
    app.setFont(font)
    return added


def ensure_fallback_fonts(app: QApplication, runner: OperationRunner) -> Operation | None:
    """Unpack the fallbacks through the operation runner unless they are ready (None then);
    they are added to the application font when done."""
    if fallbacks_ready():
        return None
    return runner.run(QApplication.translate("Fonts", "准备生僻字字体"), lambda _p: pdf_fonts.chain_files(),
                      on_done=lambda paths: add_fallback_families(app, paths), show_progress=False)
