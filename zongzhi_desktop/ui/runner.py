"""One way to run slow work (exports, big queries, demo data) off the GUI thread.

`OperationRunner.run(title, fn)` runs `fn(progress)` on a QThreadPool thread. A progress dialog
appears if the work takes longer than a moment; it is cancellable when the operation says so
(the function checks `progress.cancelled` or calls `progress.check()`). Errors open a dialog: a
DomainError shows its Chinese message, anything else is logged and reported as unexpected.
"""

from __future__ import annotations

import logging
import threading
import traceback
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QRunnable, Qt, QThreadPool, QTimer, Signal
from PySide6.QtWidgets import QMessageBox, QProgressDialog, QWidget

from ..domain.errors import DomainError
from .errors import show_domain_error, show_unexpected_error

log = logging.getLogger(__name__)
SHOW_PROGRESS_AFTER_MS = 300


class Cancelled(Exception):
    """Raised inside an operation when the user pressed 取消."""


class Progress:
    """Handed to the running function: report progress and notice cancellation (thread-safe)."""

    def __init__(self, op: Operation) -> None:
        self._op = op
        self._cancel = threading.Event()

    def report(self, done: int, total: int = 0, text: str = "") -> None:
        self._op._progressed.emit(int(done), int(total), text)

    def cancel(self) -> None:
        self._cancel.set()

    @property
    def cancelled(self) -> bool:
        return self._cancel.is_set()

    def check(self) -> None:
        if self._cancel.is_set():
            raise Cancelled()


class Operation(QObject):
    """One running job. Signals arrive on the GUI thread."""

    finished = Signal(object)  # the function's result
    failed = Signal(object)  # the exception
    cancelled = Signal()
    done = Signal()  # after any of the three
    _progressed = Signal(int, int, str)
    _result = Signal(object)
    _error = Signal(object, str)
    _cancel = Signal()

    def __init__(self, title: str, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.title = title
        self.progress = Progress(self)
        self.result: Any = None
        self.error: BaseException | None = None
        self.is_done = False
        self._result.connect(self._on_result)
        self._error.connect(self._on_error)
        self._cancel.connect(self._on_cancel)

    def _on_result(self, value: Any) -> None:
        self.result = value
        self.is_done = True
        self.finished.emit(value)
        self.done.emit()

    def _on_error(self, exc: BaseException, details: str) -> None:
        self.error = exc
        self.details = details
        self.is_done = True
        self.failed.emit(exc)
        self.done.emit()

    def _on_cancel(self) -> None:
        self.is_done = True
        self.cancelled.emit()
        self.done.emit()


class _Job(QRunnable):
    def __init__(self, op: Operation, fn: Callable[[Progress], Any]) -> None:
        super().__init__()
        self.op = op
        self.fn = fn

    def run(self) -> None:
        try:
            value = self.fn(self.op.progress)
        except Cancelled:
            self.op._cancel.emit()
        except DomainError as e:
            if self.op.progress.cancelled:
                self.op._cancel.emit()
            else:
                self.op._error.emit(e, "")
        except BaseException as e:  # reported to the user, never lost in a worker thread
            log.error("后台操作“%s”失败", self.op.title, exc_info=True)
            self.op._error.emit(e, traceback.format_exc())
        else:
            self.op._result.emit(value)


class OperationRunner(QObject):
    """Runs operations on a thread pool with a progress dialog and error reporting."""

    def __init__(self, parent_widget: QWidget | None = None, *, log_path: Any = None) -> None:
        super().__init__(parent_widget)
        self.parent_widget = parent_widget
        self.log_path = log_path
        self.pool = QThreadPool(self)
        self.pool.setMaxThreadCount(2)
        self._running: set[Operation] = set()

    def run(self, title: str, fn: Callable[[Progress], Any], *,
            on_done: Callable[[Any], None] | None = None,
            on_error: Callable[[BaseException], None] | None = None,
            cancellable: bool = False, show_progress: bool = True, label: str = "",
            housekeeping: bool = False, dialog_parent: QWidget | None = None) -> Operation:
        """Start `fn(progress)` in the background; `on_done(result)` runs on the GUI thread.

        The progress dialog belongs to `dialog_parent` when given (a dialog that started the work,
        e.g. the print preview), else to the runner's window.

        A `housekeeping` job (the daily backup, a sheet preview) is one whose interruption loses
        nothing: it does not count as `busy`, so closing the window does not ask about it (shutdown
        still waits for it)."""
        op = Operation(title, self)
        if not housekeeping:
            self._running.add(op)
        dialog: QProgressDialog | None = None
        if show_progress:
            dialog = self._progress_dialog(op, label or title, cancellable, dialog_parent or self.parent_widget)
        if on_done is not None:
            op.finished.connect(on_done)
        op.failed.connect(lambda exc: self._report(op, exc, on_error))

        def finish() -> None:
            self._running.discard(op)
            if dialog is not None:
                dialog.reset()
                dialog.hide()
                dialog.deleteLater()

        op.done.connect(finish)
        self.pool.start(_Job(op, fn))
        return op

    def _progress_dialog(self, op: Operation, label: str, cancellable: bool,
                         parent: QWidget | None) -> QProgressDialog:
        dlg = QProgressDialog(label, self.tr("取消") if cancellable else "", 0, 0, parent)
        dlg.setObjectName("operation_progress")
        dlg.setWindowTitle(op.title)
        dlg.setWindowModality(Qt.WindowModality.WindowModal)
        dlg.setAutoClose(False)
        dlg.setAutoReset(False)
        if not cancellable:
            dlg.setCancelButton(None)
        dlg.canceled.connect(op.progress.cancel)
        dlg.setMinimumDuration(SHOW_PROGRESS_AFTER_MS)
        dlg.setValue(0)

        def on_progress(done: int, total: int, text: str) -> None:
            if total > 0:
                dlg.setMaximum(total)
                dlg.setValue(min(done, total))
            if text:
                dlg.setLabelText(text)

        op._progressed.connect(on_progress)
        # QProgressDialog only pops up from setValue calls; make sure a silent job still shows it.
        # With the dialog as context the timer dies with it (its parent page may be closed first).
        QTimer.singleShot(SHOW_PROGRESS_AFTER_MS, dlg, lambda: (not op.is_done) and dlg.show())
        return dlg

    def _report(self, op: Operation, exc: BaseException,
                on_error: Callable[[BaseException], None] | None) -> None:
        if on_error is not None:
            on_error(exc)
            return
        if isinstance(exc, DomainError):
            show_domain_error(self.parent_widget, exc, op.title)
        else:
            show_unexpected_error(self.parent_widget, f"{op.title}：{type(exc).__name__}: {exc}",
                                  getattr(op, "details", ""), self.log_path)

    def wait(self, msecs: int = 30000) -> bool:
        """Block until every job finished (tests, shutdown)."""
        return self.pool.waitForDone(msecs)

    @property
    def busy(self) -> bool:
        return bool(self._running)


def confirm(parent: QWidget | None, title: str, text: str) -> bool:
    return QMessageBox.question(parent, title, text) == QMessageBox.StandardButton.Yes
