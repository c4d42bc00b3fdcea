"""Slow work leaves the GUI thread (issue 16 item 6): 首页, the report preview, printing and the county
board's import run on the window's operation runner, the page says 正在加载… meanwhile (no stale
figures), the GUI thread keeps turning, and 取消 works. Driven by clicking the real buttons; the slow
service is replaced by a fake that blocks until the test releases it and records its thread."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any

import pytest
from PySide6.QtCore import Qt, QTimer

from zongzhi_desktop.services import Services


class SlowCall:
    """Wraps a service function: records the thread it ran on, then waits for `release` while
    calling the operation's `check` (so 取消 can end it), then runs the real function."""

    def __init__(self, real: Callable[..., Any]) -> None:
        self.real = real
        self.threads: list[threading.Thread] = []
        self.started = threading.Event()
        self.release = threading.Event()
        self.cancelled = threading.Event()

    def wait(self, check: Callable[[], None] | None) -> None:
        self.threads.append(threading.current_thread())
        self.started.set()
        while not self.release.wait(0.01):
            if check is not None:
                try:
                    check()
                except BaseException:
                    self.cancelled.set()
                    raise


class Heartbeat:
    """A 10 ms timer on the GUI thread; `longest` is the longest gap between two ticks (ms)."""

    def __init__(self) -> None:
        self.ticks = 0
        self.longest = 0.0
        self._last = time.perf_counter()
        self.timer = QTimer()
        self.timer.setInterval(10)
        self.timer.timeout.connect(self._tick)
        self.timer.start()

    def _tick(self) -> None:
        now = time.perf_counter()
        self.longest = max(self.longest, (now - self._last) * 1000)
        self._last = now
        self.ticks += 1

    def stop(self) -> None:
        self.timer.stop()


def _click(qtbot, button) -> None:  # type: ignore[no-untyped-def]
    assert button.isVisible() and button.isEnabled(), button.objectName()
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


# -- 首页 ----------------------------------------------------------------------------------------------
def test_home_figures_are_read_on_the_runner_and_cancel_stops_them(qtbot, clerk: Services, make_window,  # type: ignore[no-untyped-def]
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    from zongzhi_desktop.ui import dashboard_page

    clerk.create("petition", {"received_date": clerk.today().isoformat(), "form": "来信", "petitioner_name": "张三",
                              "category": "申诉求决类", "request": "反映问题"}, link_repeat=False)
    w = make_window(clerk)
    dash = w.navigate("home")
    qtbot.waitUntil(lambda: not dash.loading, timeout=20_000)
    assert dash.buttons[("new_today", "petition")].text() == "1"

    slow = SlowCall(dashboard_page.build_dashboard)

    def fake(lister, *, rows=True, check=None):  # type: ignore[no-untyped-def]
        slow.wait(check)
        return slow.real(lister, rows=rows, check=check)

    monkeypatch.setattr(dashboard_page, "build_dashboard", fake)
    beat = Heartbeat()
    _click(qtbot, dash.refresh_button)
    assert slow.started.wait(10)
    # While it reads: 正在加载…, no figure shown as current, 取消 offered; the GUI thread keeps turning.
    assert dash.loading and dash.loading_label.text() == "正在加载…"
    button = dash.buttons[("new_today", "petition")]
    assert button.text() == "…" and not button.isEnabled() and dash.dashboard is None
    ticks = beat.ticks
    qtbot.wait(200)
    assert beat.ticks >= ticks + 5  # timers fire: the GUI thread is not blocked
    assert slow.threads and slow.threads[0] is not threading.main_thread()
    # 取消 ends the read at its next check; the page says so and keeps the figures blank.
    _click(qtbot, dash.cancel_button)
    qtbot.waitUntil(lambda: not dash.loading, timeout=10_000)
    assert slow.cancelled.is_set()
    assert dash.loading_label.text().startswith("已取消") and button.text() == "…" and not button.isEnabled()
    assert not dash.cancel_button.isVisible()
    # 刷新 again, let it finish: the figures come back.
    slow.started.clear()
    _click(qtbot, dash.refresh_button)
    assert slow.started.wait(10)
    slow.release.set()
    with qtbot.waitSignal(dash.loaded, timeout=20_000):
        pass
    assert button.text() == "1" and button.isEnabled() and dash.loading_label.text() == ""
    beat.stop()
    assert beat.longest < 2_000  # nothing waited on the worker (generous: shared CI machines)


def test_a_newer_refresh_replaces_an_older_one(qtbot, clerk: Services, make_window,  # type: ignore[no-untyped-def]
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    """A save while 首页 reads starts a new read; the older one is cancelled and its answer dropped."""
    from zongzhi_desktop.ui import dashboard_page

    w = make_window(clerk)
    dash = w.navigate("home")
    qtbot.waitUntil(lambda: not dash.loading, timeout=20_000)
    slow = SlowCall(dashboard_page.build_dashboard)

    def fake(lister, *, rows=True, check=None):  # type: ignore[no-untyped-def]
        if not slow.started.is_set():
            slow.wait(check)  # only the first call blocks
        return slow.real(lister, rows=rows, check=check)

    monkeypatch.setattr(dashboard_page, "build_dashboard", fake)
    _click(qtbot, dash.refresh_button)
    assert slow.started.wait(10)
    clerk.create("petition", {"received_date": clerk.today().isoformat(), "form": "来信", "petitioner_name": "李四",
                              "category": "申诉求决类", "request": "反映问题"}, link_repeat=False)
    w.record_saved()  # what a saved form does: 首页 is current, so it reads again
    qtbot.waitUntil(lambda: slow.cancelled.is_set(), timeout=10_000)
    qtbot.waitUntil(lambda: not dash.loading, timeout=20_000)
    assert dash.buttons[("new_today", "petition")].text() == "1"
