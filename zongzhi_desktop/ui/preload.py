"""Load the window's modules in the background while the sign-in box waits for the password.

Importing the main window, its pages, qtawesome (icons) and pypinyin (pinyin search) takes 1-2 s of
Python the first time. Done on the GUI thread after the password was accepted, it froze the window
for that long; done here, on the operation runner while the user types, the window and every page
open from modules already loaded (bench/bench_gui_stalls.py measures the difference). Only imports:
no widget or other QObject is created off the GUI thread. The password check waits for the imports
(`wait_for_modules`) before it starts, so the app's modules are never imported by two threads at once.
"""

from __future__ import annotations

import importlib
import logging
import threading

log = logging.getLogger(__name__)
_started = threading.Event()
_modules_loaded = threading.Event()

# In the order the user meets them: the window and 首页, icons, then the other pages.
MODULES = (
    "zongzhi_desktop.ui.main_window",
    "zongzhi_desktop.ui.idle",
    "zongzhi_desktop.ui.ledger_wizard",
    "qtawesome",
    "qtawesome.iconic_font",
    "zongzhi_desktop.ui.report_page",
    "zongzhi_desktop.reports.service",
    "zongzhi_desktop.ui.sync_page",
    "zongzhi_desktop.ui.settings_page",
    "zongzhi_desktop.ui.forms",
    "zongzhi_desktop.ui.detail",
)


def preload() -> int:
    """Import MODULES and warm the pinyin tables; returns how many modules were imported. A module
    that fails to import is left for the GUI thread to report when it is used."""
    done = 0
    try:
        for name in MODULES:
            try:
                importlib.import_module(name)
                done += 1
            except Exception:  # the real import, on use, shows the error
                log.warning("预先加载 %s 失败", name, exc_info=True)
    finally:
        _modules_loaded.set()
    try:
        from ..domain import pinyin

        pinyin.warm()
    except Exception:
        log.warning("预先加载拼音失败", exc_info=True)
    return done


def start_preload() -> threading.Thread | None:
    """Run `preload` once per process on a daemon thread (not the dialog's runner: closing the
    sign-in box must not wait for it). Returns the thread, or None when it was started before."""
    if _started.is_set():
        return None
    _started.set()
    thread = threading.Thread(target=preload, name="zongzhi-preload", daemon=True)
    thread.start()
    return thread


def wait_for_modules(timeout: float | None = 30.0) -> None:
    """Wait until the preloading thread has imported MODULES (if it was started). The sign-in worker
    calls it before opening the store and the window before building itself, so no other thread
    imports the app's modules at the same time as the preloading one: two threads importing
    modules that import each other can meet half-initialised modules."""
    if _started.is_set():
        _modules_loaded.wait(timeout)
