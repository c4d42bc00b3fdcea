"""首页: every figure equals a direct SQL count, and clicking it lists exactly those records."""

from __future__ import annotations

import os
import sqlite3
from datetime import date, timedelta

import pytest
from PySide6.QtCore import QPoint, Qt

from zongzhi_desktop.services import Services
from zongzhi_desktop.ui.dashboard_page import DashboardPage

TODAY = date(2026, 11, 20)


@pytest.fixture
def busy(clerk: Services, reviewer: Services) -> Services:
    """Petitions (some overdue, some due soon, one today), disputes with risk flags, a package."""
    for i in range(40):
        rid = clerk.create("petition", {"received_date": (TODAY - timedelta(days=3 * i)).isoformat(), "form": "来信",
                                        "petitioner_name": f"信访人{i}", "category": "申诉求决类",
                                        "request": "反映问题"}, link_repeat=False).record.id
        if i % 4 == 1:
            clerk.act("petition", rid, "accept", {"decision_date": (TODAY - timedelta(days=3 * i - 1)).isoformat(),
                                                  "decision": "accept"})
    for i, (risk, homicide) in enumerate((("高", True), ("高", False), ("中", True), ("低", False), ("高", True))):
        d = clerk.create("dispute", {"title": f"纠纷{i}", "found_date": (TODAY - timedelta(days=i * 9)).isoformat(),
                                     "source": "主动调解", "type": "邻里", "risk_level": risk,
                                     "homicide_risk": homicide}).record
        if i == 4:  # closed disputes are not "open high-risk"
            clerk.act("dispute", d.id, "accept", {"accepted_date": d.found_date.isoformat()})
            clerk.act("dispute", d.id, "start_mediation", {"mediation_start_date": d.found_date.isoformat(), "route": "人民调解"})
            clerk.act("dispute", d.id, "succeed", {"mediation_end_date": TODAY.isoformat(), "agreement_form": "口头协议",
                                                   "resolution_level": "村级"})
    clerk.create("leader", {"name": "王建国", "post": "副书记"})
    clerk.create("package", {"title": "积案化解", "leader_id": "王建国", "start_date": "2026-10-01",
                             "target_date": (TODAY + timedelta(days=5)).isoformat()})
    return clerk


def shown_home(qtbot, w) -> DashboardPage:  # type: ignore[no-untyped-def]
    """Go to 首页 and wait for its figures (they are read on the window's operation runner)."""
    dash = w.navigate("home")
    assert isinstance(dash, DashboardPage)
    qtbot.waitUntil(lambda: not dash.loading and dash.dashboard is not None, timeout=20_000)
    return dash


def count(svc: Services, query: str, *args: object) -> int:
    return sqlite3.connect(svc.store.path).execute(query, args).fetchone()[0]


def ids(svc: Services, query: str, *args: object) -> set[str]:
    return {r[0] for r in sqlite3.connect(svc.store.path).execute(query, args)}


def test_numbers_equal_sql_and_click_through(qtbot, busy: Services, make_window) -> None:  # type: ignore[no-untyped-def]
    w = make_window(busy)
    dash = shown_home(qtbot, w)
    t = TODAY.isoformat()
    soon = (TODAY + timedelta(days=7)).isoformat()
    open_states = "('registered','accepted','assigned','reviewing','rechecking')"
    expected = {
        ("overdue", "petition"): ids(busy, "SELECT id FROM petition WHERE voided=0 AND next_deadline < ?", t),
        ("due_soon", "petition"): ids(busy, "SELECT id FROM petition WHERE voided=0 AND next_deadline BETWEEN ? AND ?",
                                      t, soon),
        ("open", "petition"): ids(busy, f"SELECT id FROM petition WHERE voided=0 AND status IN {open_states}"),
        ("new_today", "petition"): ids(busy, "SELECT id FROM petition WHERE voided=0 AND received_date = ?", t),
        ("high_risk", "dispute"): ids(busy, "SELECT id FROM dispute WHERE voided=0 AND risk_level='high' AND status IN "
                                            "('registered','accepted','mediating','failed')"),
        ("homicide", "dispute"): ids(busy, "SELECT id FROM dispute WHERE voided=0 AND homicide_risk=1 AND status IN "
                                           "('registered','accepted','mediating','failed')"),
        ("resolved_today", "dispute"): ids(busy, "SELECT id FROM dispute WHERE voided=0 AND resolved_date = ?", t),
        ("packages_near", "package"): ids(busy, "SELECT id FROM case_package WHERE voided=0 AND next_deadline <= ?",
                                          (TODAY + timedelta(days=15)).isoformat()),
    }
    assert len(expected[("overdue", "petition")]) > 0 and len(expected[("due_soon", "petition")]) > 0
    assert len(expected[("high_risk", "dispute")]) == 2 and len(expected[("homicide", "dispute")]) == 2
    assert len(expected[("resolved_today", "dispute")]) == 1 and len(expected[("packages_near", "package")]) == 1
    for (key, kind), want in expected.items():
        button = dash.buttons[(key, kind)]
        assert button.text() == str(len(want)), (key, kind)
        qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
        page = w.list_page(kind)
        assert w.current_list() is page
        assert page.preset.isVisible() and page.preset_label.text().startswith("筛选：")
        shown = {page.model.record_id(r) for r in range(page.model.rowCount())}
        assert shown == want, (key, kind)
        page.clear_filters()
        assert not page.preset.isVisible()
        w.navigate("home")


def test_chart_bars_list_the_week(qtbot, busy: Services, make_window) -> None:  # type: ignore[no-untyped-def]
    w = make_window(busy)
    dash = shown_home(qtbot, w)
    dash.chart.repaint()
    bars = dash.chart.bar_rects()
    assert len(bars) == 24  # 12 weeks × (new, resolved)
    rect, fig, series = bars[-2]  # this week's "new" bar
    assert series == "new"
    monday = TODAY - timedelta(days=TODAY.weekday())
    want = ids(busy, "SELECT id FROM petition WHERE voided=0 AND received_date BETWEEN ? AND ?",
               monday.isoformat(), (monday + timedelta(days=6)).isoformat())
    assert fig.count == len(want) > 0
    qtbot.mouseClick(dash.chart, Qt.MouseButton.LeftButton, pos=QPoint(int(rect.center().x()), int(rect.bottom() - 2)))
    page = w.list_page("petition")
    assert w.current_list() is page
    assert {page.model.record_id(r) for r in range(page.model.rowCount())} == want
    assert page.range.currentData() == "custom"
    # The dispute series: the resolved bar of this week holds the dispute mediated today.
    dash = w.navigate("home")
    dash.chart_kind.setCurrentIndex(dash.chart_kind.findData("dispute"))
    dash.chart.repaint()
    _r, fig, series = dash.chart.bar_rects()[-1]
    assert series == "resolved" and fig.count == 1


def test_due_table_rows_open_records(qtbot, busy: Services, make_window) -> None:  # type: ignore[no-untyped-def]
    w = make_window(busy)
    dash = shown_home(qtbot, w)
    table = dash.overdue_table
    first_deadline = table.item(0, 4).text()
    assert first_deadline == min(table.item(r, 4).text() for r in range(table.rowCount()))
    kind, rid = table.item(0, 0).data(Qt.ItemDataRole.UserRole)
    with qtbot.waitSignal(dash.open_record, timeout=5_000) as blocker:
        table.itemActivated.emit(table.item(0, 1))
    assert blocker.args == [kind, rid]
    assert count(busy, "SELECT count(*) FROM petition WHERE id = ? AND next_deadline < ?", rid, TODAY.isoformat()) == 1


def test_reviewer_todo_opens_the_close_step_and_the_sheet(qtbot, clerk: Services, reviewer: Services,  # type: ignore[no-untyped-def]
                                                           make_window) -> None:
    """待办 on 首页: 申请销号 → Enter opens the package at its 销号 step; 待签发 → the report page."""
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    from zongzhi_desktop.reports import service as rs

    today = clerk.today()
    clerk.create("leader", {"name": "王建国", "post": "副书记"})
    pkg = clerk.create("package", {"title": "积案化解", "leader_id": "王建国", "start_date": (today - timedelta(days=40)).isoformat(),
                                   "target_date": (today + timedelta(days=5)).isoformat()}).record
    clerk.act("package", pkg.id, "request_close", {"close_request_date": today.isoformat()})
    rs.save_sheet(clerk, "weekly", "2026-W47", {"opinion": "平稳"})
    w = make_window(reviewer)
    dash = shown_home(qtbot, w)
    table = dash.todo_table
    assert dash.tabs.currentWidget() is table and dash.tabs.tabText(0).startswith("待办")
    rows = [(table.item(r, 0).text(), table.item(r, 1).text()) for r in range(table.rowCount())]
    assert rows[0][0] == "申请销号" and "积案化解" in rows[0][1]
    assert ("待签发", "周研判表　2026-W47") in rows
    if os.environ.get("ZONGZHI_SHOTS"):
        w.grab().save(os.path.join(os.environ["ZONGZHI_SHOTS"], "home_todo_reviewer.png"))

    seen: list[str] = []

    def answer() -> None:
        dlg = QApplication.activeModalWidget()
        if dlg is None:
            QTimer.singleShot(20, answer)
            return
        seen.append(dlg.objectName())
        dlg.reject()

    QTimer.singleShot(20, answer)
    table.setFocus()
    table.setCurrentCell(0, 0)
    qtbot.keyClick(table, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: bool(seen), timeout=5_000)
    assert seen == ["step_approve_close"]

    sheet_row = next(r for r in range(table.rowCount()) if table.item(r, 0).text() == "待签发")
    table.setCurrentCell(sheet_row, 0)
    w.activateWindow()
    qtbot.keyClick(table, Qt.Key.Key_Return)
    page = w.pages["reports"]
    assert w.current_key() == "reports" and page.kind == "weekly"
    w.runner.wait(20_000)
