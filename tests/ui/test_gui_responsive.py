"""Slow work leaves the GUI thread (issue 16 item 6): 首页, the report preview, printing and the county
board's import run on the window's operation runner, the page says 正在加载… meanwhile (no stale
figures), the GUI thread keeps turning, and 取消 works. Driven by clicking the real buttons; the slow
service is replaced by a fake that blocks until the test releases it and records its thread."""

from __future__ import annotations

import os
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
    if shots := os.environ.get("ZONGZHI_SHOTS"):
        w.grab().save(os.path.join(shots, "home_loading.png"))
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


# -- 报表: the preview is built on the runner; 取消 stops it ----------------------------------------------
@pytest.fixture
def report_page(qtbot, reviewer: Services):  # type: ignore[no-untyped-def]
    from zongzhi_desktop.ui.report_page import ReportPage

    page = ReportPage(reviewer)
    qtbot.addWidget(page)
    page.resize(1366, 768)
    page.show()
    qtbot.waitUntil(lambda: not page._refreshing, timeout=60_000)  # the current week, built on opening
    yield page
    page.runner.wait(30_000)


def test_report_preview_runs_on_the_runner_and_cancel_drops_it(qtbot, report_page,  # type: ignore[no-untyped-def]
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    from zongzhi_desktop.reports import service as rs

    page = report_page
    assert page.pages and page.rendered is not None
    slow = SlowCall(rs.render_sheet)

    def fake(*a, **k):  # type: ignore[no-untyped-def]
        slow.wait(None)
        return slow.real(*a, **k)

    monkeypatch.setattr(rs, "render_sheet", fake)
    beat = Heartbeat()
    page.period_combo.setEditText("2026-W40")
    _click(qtbot, page.generate_btn)
    assert slow.started.wait(10)
    assert page.status.text() == "正在生成报表…" and page.cancel_btn.isVisible()
    if shots := os.environ.get("ZONGZHI_SHOTS"):
        page.grab().save(os.path.join(shots, "report_generating_cancel.png"))
    assert not page.print_btn.isEnabled() and not page.xlsx_btn.isEnabled()  # nothing prints the old sheet
    assert not page.pages[0].isEnabled()  # the old pages are greyed out, their numbers not clickable
    ticks = beat.ticks
    qtbot.wait(200)
    assert beat.ticks >= ticks + 5 and slow.threads[0] is not threading.main_thread()
    refreshed: list[bool] = []
    page.refreshed.connect(lambda: refreshed.append(True))
    _click(qtbot, page.cancel_btn)
    assert page.status.text().startswith("已取消") and not page.pages and page.rendered is None
    assert not page.cancel_btn.isVisible() and not page.print_btn.isEnabled()
    slow.release.set()  # the worker finishes its step, stops at the next check; nothing is shown
    qtbot.waitUntil(lambda: page.runner.pool.activeThreadCount() == 0, timeout=30_000)
    qtbot.wait(50)
    assert not refreshed and not page.pages
    # 生成预览 again: the sheet is built and shown.
    with qtbot.waitSignal(page.refreshed, timeout=60_000):
        _click(qtbot, page.generate_btn)
    assert page.pages and page.rendered is not None and page.rendered.report.number and page.pages[0].isEnabled()
    beat.stop()


# -- printing: rendered and painted on the runner, with progress and 取消 ---------------------------------
def _pdf_printer(path):  # type: ignore[no-untyped-def]
    from PySide6.QtPrintSupport import QPrinter

    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(path))
    return printer


def test_printing_runs_on_the_runner_with_progress_and_cancel(qtbot, report_page, tmp_path,  # type: ignore[no-untyped-def]
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    from pypdf import PdfReader
    from PySide6.QtWidgets import QProgressDialog, QPushButton

    from zongzhi_desktop.ui import print_preview

    page = report_page
    _click(qtbot, page.print_btn)
    dlg = page.preview_dialog
    assert dlg is not None and dlg.isVisible() and dlg.runner is page.runner  # the window's one runner
    slow = SlowCall(print_preview.render_page)
    painted: list[threading.Thread] = []

    def fake(pdf, index, dpi):  # type: ignore[no-untyped-def]
        painted.append(threading.current_thread())
        if index == 0:
            slow.wait(None)
        return slow.real(pdf, index, dpi)

    monkeypatch.setattr(print_preview, "render_page", fake)
    out = tmp_path / "cancelled.pdf"
    dlg.choose_printer = lambda _parent: _pdf_printer(out)
    printed: list[bool] = []
    dlg.printed.connect(lambda: printed.append(True))
    beat = Heartbeat()
    _click(qtbot, dlg.print_btn)
    assert slow.started.wait(10)
    # The progress dialog (over the preview) offers 取消 while the GUI thread keeps turning.
    qtbot.waitUntil(lambda: any(isinstance(w, QProgressDialog) and w.isVisible() for w in dlg.findChildren(QProgressDialog)),
                    timeout=5_000)
    progress = next(w for w in dlg.findChildren(QProgressDialog) if w.isVisible())
    assert painted[0] is not threading.main_thread()
    ticks = beat.ticks
    qtbot.wait(150)
    assert beat.ticks >= ticks + 5
    if shots := os.environ.get("ZONGZHI_SHOTS"):
        dlg.resize(1000, 700)
        qtbot.wait(50)
        dlg.grab().save(os.path.join(shots, "print_progress.png"))
        progress.grab().save(os.path.join(shots, "print_progress_dialog.png"))
    cancel = next(b for b in progress.findChildren(QPushButton) if b.text() == "取消")
    _click(qtbot, cancel)
    slow.release.set()
    qtbot.waitUntil(lambda: dlg.print_op is not None and dlg.print_op.is_done, timeout=30_000)
    assert not printed and len(painted) == 1  # stopped before the second page
    # Printing again (nothing blocks): every page reaches the printer, painted off the GUI thread.
    monkeypatch.setattr(print_preview, "render_page", slow.real)
    done = tmp_path / "printed.pdf"
    dlg.choose_printer = lambda _parent: _pdf_printer(done)
    with qtbot.waitSignal(dlg.printed, timeout=60_000):
        _click(qtbot, dlg.print_btn)
    assert len(PdfReader(done).pages) == dlg.pages
    beat.stop()
    dlg.close()


# -- 同步: the per-table counts leave the GUI thread -------------------------------------------------------
def test_sync_page_counts_tables_on_the_runner(qtbot, admin: Services, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    from zongzhi_desktop.ui import sync_page
    from zongzhi_desktop.ui.sync_page import SyncPage

    admin.create("petition", {"received_date": admin.today().isoformat(), "form": "来信", "petitioner_name": "王五",
                              "category": "申诉求决类", "request": "反映问题"}, link_repeat=False)
    slow = SlowCall(sync_page.table_status)

    def fake(services, check=None):  # type: ignore[no-untyped-def]
        slow.wait(check)
        return slow.real(services, check)

    monkeypatch.setattr(sync_page, "table_status", fake)
    page = SyncPage(admin)
    qtbot.addWidget(page)
    page.show()
    assert slow.started.wait(10)
    assert page.counting and page.status_table.item(0, 0).text() == "正在统计…"
    assert "正在统计" in page.summary.text() and slow.threads[0] is not threading.main_thread()
    slow.release.set()
    with qtbot.waitSignal(page.counted, timeout=20_000):
        pass
    labels = [page.status_table.item(r, 0).text() for r in range(page.status_table.rowCount())]
    assert "信访件" in labels and "未确认记录共" in page.summary.text()
    page.runner.wait(10_000)


# -- lists: a kind whose pages are dear (the team list's member counts) is read on the runner ---------------
def test_team_list_pages_are_read_on_the_runner(qtbot, clerk: Services, make_window,  # type: ignore[no-untyped-def]
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    from zongzhi_desktop.services.listing import Lister

    clerk.create("team", {"name": "龙游老兵", "type": "mediation"})
    slow = SlowCall(Lister.page)

    def fake(self, q, offset, limit=100):  # type: ignore[no-untyped-def]
        if q.kind == "team":
            slow.wait(None)
        return slow.real(self, q, offset, limit)

    monkeypatch.setattr(Lister, "page", fake)
    w = make_window(clerk)
    row = w.page_keys().index("volunteer")
    beat = Heartbeat()
    qtbot.mouseClick(w.nav.viewport(), Qt.MouseButton.LeftButton, pos=w.nav.visualItemRect(w.nav.item(row)).center())
    page = w.current_list()
    assert page is not None and page.kind == "team" and page.model.rowCount() == 1
    try:
        qtbot.waitUntil(slow.started.is_set, timeout=10_000)  # the first paint asked for the page
    finally:
        QTimer.singleShot(3_000, slow.release.set)  # never left blocked, whatever fails below
    assert slow.threads[0] is not threading.main_thread()
    assert page.model.index(0, 0).data() is None  # an empty cell meanwhile, not a stale row
    ticks = beat.ticks
    qtbot.wait(150)
    assert beat.ticks >= ticks + 5
    slow.release.set()
    qtbot.waitUntil(lambda: page.model.index(0, 0).data() == "龙游老兵", timeout=10_000)
    beat.stop()
