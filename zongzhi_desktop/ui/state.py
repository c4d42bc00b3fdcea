"""Per-machine window state (geometry, splitters, last page, language) in <data dir>/ui.ini."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QByteArray, QSettings
from PySide6.QtWidgets import QSplitter, QWidget

UI_FILE = "ui.ini"


class UiState:
    """QSettings in INI format next to the store, so each data directory remembers its own window."""

    def __init__(self, data_dir: Path) -> None:
        self.settings = QSettings(str(Path(data_dir) / UI_FILE), QSettings.Format.IniFormat)

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

    @property
    def last_page(self) -> str | None:
        v = self.settings.value("window/last_page")
        return str(v) if v else None

    @last_page.setter
    def last_page(self, value: str) -> None:
        self.settings.setValue("window/last_page", value)

    @property
    def last_user(self) -> str:
        return str(self.settings.value("login/last_user", "") or "")

    @last_user.setter
    def last_user(self, value: str) -> None:
        self.settings.setValue("login/last_user", value)

    def save_geometry(self, widget: QWidget, name: str) -> None:
        self.settings.setValue(f"geometry/{name}", widget.saveGeometry())

    def restore_geometry(self, widget: QWidget, name: str) -> bool:
        data = self.settings.value(f"geometry/{name}")
        return isinstance(data, QByteArray) and widget.restoreGeometry(data)

    def save_splitter(self, splitter: QSplitter, name: str) -> None:
        self.settings.setValue(f"splitter/{name}", splitter.saveState())

    def restore_splitter(self, splitter: QSplitter, name: str) -> bool:
        data = self.settings.value(f"splitter/{name}")
        return isinstance(data, QByteArray) and splitter.restoreState(data)
