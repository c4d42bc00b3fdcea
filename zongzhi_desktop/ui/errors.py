"""Global exception hook: every unexpected error is logged (scrubbed) and shown in a dialog."""

from __future__ import annotations

import logging
import sys
import threading
import traceback
from pathlib import Path
from types import TracebackType

from PySide6.QtCore import QCoreApplication, QObject, QThread, Signal, Slot
from PySide6.QtWidgets import QApplication, QMessageBox, QWidget

from ..domain.errors import DomainError
from .logs import scrub

log = logging.getLogger("zongzhi_desktop.ui")


def _t(text: str) -> str:
    return QCoreApplication.translate("ErrorDialog", text)


_open_boxes: set[QMessageBox] = set()  # parentless boxes must outlive the Python call that opened them


def _keep(box: QMessageBox) -> QMessageBox:
    _open_boxes.add(box)
    box.finished.connect(lambda _r: _open_boxes.discard(box))
    return box


def show_message(parent: QWidget | None, title: str, text: str, *, warning: bool = True) -> QMessageBox:
    """A non-blocking message box (the caller carries on; the box stays until OK)."""
    box = QMessageBox(QMessageBox.Icon.Warning if warning else QMessageBox.Icon.Information, title, text,
                      QMessageBox.StandardButton.Ok, parent)
    box.setObjectName("message_box")
    box.open()
    return _keep(box)


def show_domain_error(parent: QWidget | None, error: DomainError, title: str = "") -> QMessageBox:
    """A refusal the user can correct: its Chinese message, no stack trace. Never blocks the caller."""
    box = QMessageBox(QMessageBox.Icon.Warning, title or QCoreApplication.translate("ErrorDialog", "无法完成操作"),
                      error.message, QMessageBox.StandardButton.Ok, parent)
    box.setObjectName("domain_error_dialog")
    box.open()
    return _keep(box)


def show_unexpected_error(parent: QWidget | None, summary: str, details: str, log_path: Path | None) -> QMessageBox:
    """The crash dialog: what happened, where the log is, the (scrubbed) details on request."""
    box = QMessageBox(parent)
    box.setIcon(QMessageBox.Icon.Critical)
    box.setWindowTitle(QCoreApplication.translate("ErrorDialog", "程序错误"))
    text = QCoreApplication.translate("ErrorDialog", "程序遇到意外错误：{summary}").format(summary=summary)
    if log_path is not None:
        text += "\n" + QCoreApplication.translate(
            "ErrorDialog", "详细信息已写入日志文件：{path}").format(path=str(log_path))
    box.setText(text)
    box.setDetailedText(scrub(details))
    box.setStandardButtons(QMessageBox.StandardButton.Ok)
    box.setObjectName("unexpected_error_dialog")
    box.open()
    return _keep(box)


class ExceptionHook(QObject):
    """Installed as sys.excepthook and threading.excepthook; dialogs always open on the GUI thread."""

    _show = Signal(str, str)
    shown = Signal(str)  # summary, after the dialog opened (tests wait on it)

    def __init__(self, log_path: Path | None, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.log_path = log_path
        self.last_dialog: QMessageBox | None = None
        self._previous = (sys.excepthook, threading.excepthook)
        self._show.connect(self._on_show)

    def install(self) -> None:
        sys.excepthook = self.handle
        threading.excepthook = lambda a: self.handle(a.exc_type, a.exc_value, a.exc_traceback)  # type: ignore[arg-type]

    def uninstall(self) -> None:
        sys.excepthook, threading.excepthook = self._previous

    def handle(self, exc_type: type[BaseException], exc: BaseException | None, tb: TracebackType | None) -> None:
        if issubclass(exc_type, KeyboardInterrupt):
            sys.__excepthook__(exc_type, exc or exc_type(), tb)
            return
        details = "".join(traceback.format_exception(exc_type, exc, tb))
        if isinstance(exc, DomainError):
            summary = exc.message
            log.warning("未处理的业务错误：%s", summary)
        else:
            summary = f"{exc_type.__name__}: {exc}"
            log.error("未处理的异常", exc_info=(exc_type, exc or exc_type(), tb))
        if QApplication.instance() is None:
            print(scrub(details), file=sys.stderr)
            return
        self._show.emit(scrub(summary), details)  # queued to the GUI thread when raised elsewhere

    @Slot(str, str)
    def _on_show(self, summary: str, details: str) -> None:
        assert QThread.currentThread() is QCoreApplication.instance().thread()  # type: ignore[union-attr]
        parent = QApplication.activeWindow()
        if self.last_dialog is not None and self.last_dialog.isVisible():
            return  # one dialog at a time; the rest is in the log
        self.last_dialog = show_unexpected_error(parent, summary, details, self.log_path)
        self.shown.emit(summary)
