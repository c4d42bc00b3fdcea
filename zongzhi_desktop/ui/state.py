"""Per-machine window state (geometry, splitters, language) in <data dir>/ui.ini. Nothing of a
signed-in user's session is kept here (a shared PC: no last user, no last page)."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QByteArray, QRect, QSettings
from PySide6.QtWidgets import QSplitter, QWidget

UI_FILE = "ui.ini"
LEGACY_KEYS = ("login/last_user", "window/last_page")


class UiState:
    """QSettings in INI format next to the store, so each data directory remembers its own window."""

    def __init__(self, data_dir: Path) -> None:
        self.settings = QSettings(str(Path(data_dir) / UI_FILE), QSettings.Format.IniFormat)
        for key in LEGACY_KEYS:  # an earlier release remembered the last user and page here
            self.settings.remove(key)

    def value(self, key: str, default: object = None) -> object:
        return self.settings.value(key, default)

    def set(self, key: str, value: object) -> None:
        self.settings.setValue(key, value)

    def sync(self) -> None:
        self.settings.sync()

    # -- typed helpers --------------------------------------------------------------------------
    @property
    def language(self) -> str | None:
        v = self.settings.value("ui/language")
        return str(v) if v else None

    @language.setter
    def language(self, value: str) -> None:
        self.settings.setValue("ui/language", value)

    def save_geometry(self, widget: QWidget, name: str) -> None:
        self.settings.setValue(f"geometry/{name}", widget.saveGeometry())

    def restore_geometry(self, widget: QWidget, name: str) -> bool:
        data = self.settings.value(f"geometry/{name}")
        return isinstance(data, QByteArray) and widget.restoreGeometry(data)

    def save_window_rect(self, name: str, rect: QRect, maximised: bool) -> None:
        """A window's normal geometry (frame excluded) and whether it was maximised (ui/main_window.py
        fit_window decides whether it still fits the screen it opens on)."""
        self.settings.setValue(f"window_rect/{name}", [rect.x(), rect.y(), rect.width(), rect.height()])
        self.settings.setValue(f"window_rect/{name}_maximised", bool(maximised))

    def window_rect(self, name: str) -> tuple[QRect | None, bool]:
        value = self.settings.value(f"window_rect/{name}")
        maximised = str(self.settings.value(f"window_rect/{name}_maximised", "false")).lower() == "true"
        try:
            x, y, w, h = (int(v) for v in value)  # type: ignore[union-attr]
        except (TypeError, ValueError):
            return None, maximised
        return QRect(x, y, w, h), maximised

    def save_splitter(self, splitter: QSplitter, name: str) -> None:
        self.settings.setValue(f"splitter/{name}", splitter.saveState())

    def restore_splitter(self, splitter: QSplitter, name: str) -> bool:
        data = self.settings.value(f"splitter/{name}")
        return isinstance(data, QByteArray) and splitter.restoreState(data)
