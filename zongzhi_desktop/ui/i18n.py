"""Translations: Simplified Chinese is the source language; English comes from resources/i18n."""

from __future__ import annotations

import sys
from pathlib import Path

from PySide6.QtCore import QLibraryInfo, QLocale, QTranslator
from PySide6.QtWidgets import QApplication

from ..resources import resource_path

LANGUAGES = {"zh_CN": "简体中文", "en": "English"}
DEFAULT_LANGUAGE = "zh_CN"


def normalize_language(value: str | None) -> str:
    """'en', 'en_US', 'English' → 'en'; anything else → zh_CN."""
    v = (value or "").strip().lower().replace("-", "_")
    return "en" if v.startswith("en") else DEFAULT_LANGUAGE


def catalog_path(language: str) -> str:
    return str(resource_path("i18n", f"zongzhi_{language}.qm"))


QT_CATALOG = "qtbase_zh_CN"  # Qt's own strings: standard buttons, file and colour dialogs, context menus


def qt_translations_dir() -> str:
    """Where Qt's own catalogs are: Qt's translations path, else the PySide6 wheel's folder (a frozen
    build keeps qtbase_zh_CN.qm under PySide6/Qt/translations, build.spec)."""
    candidates = [Path(QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath))]
    try:
        import PySide6

        root = Path(PySide6.__file__).parent
        candidates += [root / "Qt" / "translations", root / "translations"]
    except (ImportError, TypeError):
        pass
    frozen = getattr(sys, "_MEIPASS", None)
    if frozen:
        candidates += [Path(frozen) / "PySide6" / "Qt" / "translations", Path(frozen) / "PySide6" / "translations"]
    for folder in candidates:
        if (folder / f"{QT_CATALOG}.qm").is_file():
            return str(folder)
    return str(candidates[0])


def install_translators(app: QApplication, language: str) -> list[QTranslator]:
    """Install the app catalog (and Qt's own, for standard buttons) for `language`.

    Returns the installed translators; the caller keeps them alive.
    """
    language = normalize_language(language)
    installed: list[QTranslator] = []
    qt_dir = qt_translations_dir()
    if language == "en":
        app_tr = QTranslator(app)
        if not app_tr.load(catalog_path("en")):
            raise FileNotFoundError(f"找不到英文翻译文件 {catalog_path('en')}")
        app.installTranslator(app_tr)
        installed.append(app_tr)
        QLocale.setDefault(QLocale(QLocale.Language.English, QLocale.Country.UnitedStates))
    else:
        qt_tr = QTranslator(app)
        if qt_tr.load(QT_CATALOG, qt_dir):
            app.installTranslator(qt_tr)
            installed.append(qt_tr)
        QLocale.setDefault(QLocale(QLocale.Language.Chinese, QLocale.Country.China))
    return installed


def remove_translators(app: QApplication, translators: list[QTranslator]) -> None:
    for t in translators:
        app.removeTranslator(t)
