"""Fixtures for the window tests: a UiState in the tmp dir and a main window on a real store."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from zongzhi_desktop.services import Services


@pytest.fixture
def ui_state(tmp_path: Path):  # type: ignore[no-untyped-def]
    from zongzhi_desktop.ui.state import UiState

    return UiState(tmp_path)


@pytest.fixture
def make_window(qtbot, ui_state) -> Iterator[Callable[[Services], object]]:  # type: ignore[no-untyped-def]
    """Open a MainWindow for a Services; closed (state saved) at the end of the test."""
    from zongzhi_desktop.ui.main_window import MainWindow

    windows: list[MainWindow] = []

    def make(services: Services) -> MainWindow:
        w = MainWindow(services, ui_state)
        qtbot.addWidget(w)
        w.resize(1366, 768)
        w.show()
        windows.append(w)
        return w

    yield make
    for w in windows:
        w.runner.wait(20_000)
        w.lister.close()


def type_text(widget, text: str) -> None:  # type: ignore[no-untyped-def]
    """Type into a widget like a keyboard/IME would: one key event per character.

    (QTest.keyClicks only knows ASCII characters.)
    """
    from PySide6.QtCore import QEvent, Qt
    from PySide6.QtGui import QKeyEvent
    from PySide6.QtWidgets import QApplication

    widget.setFocus()
    for ch in text:
        for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
            QApplication.sendEvent(widget, QKeyEvent(kind, Qt.Key.Key_unknown, Qt.KeyboardModifier.NoModifier, ch))


@pytest.fixture(autouse=True)
def close_message_boxes(qapp):  # type: ignore[no-untyped-def]
    """Message boxes are non-blocking; close the ones a test left open so the next test starts clean."""
    yield
    from PySide6.QtWidgets import QApplication, QMessageBox

    for w in QApplication.topLevelWidgets():
        if isinstance(w, QMessageBox) and w.isVisible():
            w.done(0)
