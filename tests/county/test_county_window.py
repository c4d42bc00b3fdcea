"""County mode in the window: the application opened on a county data directory asks for the county
key passphrase, then shows the township status board, read-only county-wide lists filterable by
township, and the county sheets; bundles brought on a stick are imported from the board."""

from __future__ import annotations

import shutil
import sqlite3
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from countytools import COUNTY_PASS, TOWN_PASS, Hub, demo_township, link, register
from sqlalchemy import text

from zongzhi_desktop.county.importer import import_bundle
from zongzhi_desktop.county.timeliness import closes_at, local_today
from zongzhi_desktop.domain.errors import PermissionDenied
from zongzhi_desktop.reports.periods import Period
from zongzhi_desktop.services import Services
from zongzhi_desktop.sync.export import export_bundle
from zongzhi_desktop.sync.receipts import apply_receipt

TODAY = date(2026, 11, 20)


def weeks_ago(n: int) -> Period:
    return Period.containing("week", local_today() - timedelta(days=7 * n))


def send(hub: Hub, svc: Services, exported: datetime, received: datetime) -> None:
    r = import_bundle(hub.store, export_bundle(svc, TOWN_PASS, now=exported).outbox_path, hub.keys, now=received)
    apply_receipt(svc, r.receipt)


@pytest.fixture(scope="module")
def county_dir(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, Services]]:
    """A county data directory: 城关镇 reports on time every week, 湖镇镇 late, 塔石镇 stopped a month
    ago, 小南海镇 registered but never sent anything."""
    root = tmp_path_factory.mktemp("county-window")
    data = root / "data"
    data.mkdir()
    hub = Hub.create(data / "county.sqlite3")
    towns: dict[str, Services] = {}
    for code, name, seed in (("330825101", "城关镇", 41), ("330825102", "湖镇镇", 42), ("330825105", "塔石镇", 43),
                             ("330825106", "小南海镇", 44)):
        svc = demo_township(root / code, code, name, seed=seed)
        register(hub, link(svc, hub.profile))
        towns[code] = svc
    with hub.store.engine.begin() as c:
        c.execute(text("UPDATE county_township SET registered_at = :t"),
                  {"t": datetime.now(UTC).replace(tzinfo=None) - timedelta(days=90)})
    for n in range(6, 0, -1):  # on time: an hour after each week closes
        close = closes_at(weeks_ago(n))
        send(hub, towns["330825101"], close + timedelta(hours=1), close + timedelta(hours=2))
    for n in range(6, 1, -1):  # late: five days after the close (the deadline is three)
        close = closes_at(weeks_ago(n))
        send(hub, towns["330825102"], close + timedelta(days=5), close + timedelta(days=5, hours=1))
    old = closes_at(weeks_ago(5)) + timedelta(hours=3)
    send(hub, towns["330825105"], old, old)
    hub.store.close()
    return data, towns


def start(qtbot, data: Path):  # type: ignore[no-untyped-def]
    from zongzhi_desktop.ui.app import AppController

    ctl = AppController(data, today=lambda: TODAY, install_hook=False)
    assert ctl.start()
    return ctl


def test_county_window_board_lists_reports(qtbot, county_dir, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from zongzhi_desktop.ui.county_board import CountyBoard
    from zongzhi_desktop.ui.county_window import (
        CountyListPage,
        CountyReportPage,
        CountyUnlockDialog,
        CountyWindow,
    )

    data, towns = county_dir
    ctl = start(qtbot, data)
    dialog = ctl.login
    assert isinstance(dialog, CountyUnlockDialog) and "龙游县" in dialog.windowTitle() + dialog.identity.county_name
    dialog.passphrase.setText("wrong-pass-999")
    assert not dialog.try_unlock()
    assert "口令不正确" in dialog.error.text() and ctl.window is None
    dialog.passphrase.setText(COUNTY_PASS)
    with qtbot.waitSignal(ctl.signals.window_shown, timeout=20_000):
        assert dialog.try_unlock()
    w = ctl.window
    qtbot.addWidget(w)
    w.resize(1366, 768)
    assert isinstance(w, CountyWindow) and "龙游县综治中心（县级）" in w.windowTitle()
    assert w.page_keys() == ["home", "petition", "dispute", "package", "volunteer", "dispatch", "reports"]
    assert "县：龙游县" in w.township_label.text() and "最近接收" in w.sync_label.text()

    # The status board.
    board = w.page("home")
    assert isinstance(board, CountyBoard)
    w2 = weeks_ago(2).code
    assert [board.cell_status(c, w2) for c in towns] == ["on_time", "late", "missing", "missing"]
    assert board.cell_status("330825101", weeks_ago(1).code) == "on_time"
    assert board.cell_status("330825101", weeks_ago(0).code) == "pending"
    assert board.table.rowCount() == 4 + 2 and board.table.columnCount() == 1 + 8 + 2
    row_of = {board.table.item(r, 0).text(): r for r in range(4)}
    col = 1 + [p.period.code for p in board.periods].index(w2)
    assert board.table.item(row_of["湖镇镇"], col).text() == "迟报"
    assert board.table.item(4, col).text() == "50.0%" and board.table.item(5, col).text() == "25.0%"
    assert "应报 4 个" in board.summary.text()
    # The running week: no report is due yet, so its rates are "—", not 0.0% (issue 16).
    now_col = 1 + [p.period.code for p in board.periods].index(weeks_ago(0).code)
    assert board.table.item(4, now_col).text() == "—" and board.table.item(5, now_col).text() == "—"
    # The 按时 window is set on the board itself (no CLI command to run), audited.
    from PySide6.QtCore import Qt

    assert "zongzhi" not in board.rule.text() and board.timely_days.value() == 3
    board.timely_days.selectAll()
    qtbot.keyClicks(board.timely_days, "6")
    qtbot.mouseClick(board.timely_save, Qt.MouseButton.LeftButton)
    assert board.cell_status("330825102", w2) == "on_time" and "6 日内" in board.message.text()
    board.timely_days.selectAll()
    qtbot.keyClicks(board.timely_days, "3")
    qtbot.mouseClick(board.timely_save, Qt.MouseButton.LeftButton)
    assert board.cell_status("330825102", w2) == "late"
    board.kind.setCurrentIndex(1)  # by month
    assert all(p.period.kind == "month" for p in board.periods) and len(board.periods) == 6
    board.kind.setCurrentIndex(0)
    w.show()
    qtbot.waitExposed(w)
    qtbot.wait(100)
    w.grab().save(str(tmp_path / "county-board.png"))

    # County-wide lists: every township, a township filter, read-only.
    page = w.list_page("petition")
    assert isinstance(page, CountyListPage) and not page.new_button.isVisible()
    con = sqlite3.connect(data / "county.sqlite3")
    total = con.execute("SELECT count(*) FROM petition WHERE voided = 0").fetchone()[0]
    mine = con.execute("SELECT count(*) FROM petition WHERE voided = 0 AND township_code = '330825101'").fetchone()[0]
    villages = con.execute("SELECT count(*) FROM village WHERE voided = 0 AND township_code = '330825101'").fetchone()[0]
    con.close()
    assert 0 < mine < total
    assert page.model.rowCount() == total
    board.township_activated.emit("330825101")  # double-click on the board
    assert page.query.township_code == "330825101" and page.model.rowCount() == mine
    assert page.village.count() == villages + 1
    w.navigate("petition")
    qtbot.wait(100)
    w.grab().save(str(tmp_path / "county-petitions.png"))
    rid = page.model.record_id(0)
    detail = w.open_record("petition", rid)
    assert detail is not None and detail.action_names() == [] and "edit" not in detail.buttons
    assert not detail.personal_box.isVisibleTo(detail)
    detail.close()
    with pytest.raises(PermissionDenied):
        w.services.create("dispatch", {"title": "县级不能录入", "raised_date": "2026-11-20", "deadline": "2026-12-01"})
    assert w.new_record("petition") is None

    # 报表: the county sheet with the per-township table.
    rep = w.navigate("reports")
    assert isinstance(rep, CountyReportPage) and not rep.sign_btn.isVisible() and not rep.save_btn.isVisible()
    with qtbot.waitSignal(rep.refreshed, timeout=60_000):  # county sheets are built in the background
        rep.set_sheet("monthly", "2026-10")
    report = rep.rendered.report
    assert report.title == "龙游县综治中心月调度表" and len(rep.pages) >= 2
    assert [r[0].text for r in report.table("by_township_county").rows][-1] == "全县合计"
    assert "全县汇总" in rep.status.text()
    qtbot.wait(300)  # let the preview lay out before the screenshot
    w.grab().save(str(tmp_path / "county-report.png"))
    out = rep.export(str(tmp_path / "县月调度.pdf"), fmt="pdf")
    assert out is not None and out.read_bytes().startswith(b"%PDF")

    # A stick arrives from 小南海镇: imported from the board, receipt next to the file, board updated.
    stick = tmp_path / "usb"
    stick.mkdir()
    bundle = export_bundle(towns["330825106"], TOWN_PASS).outbox_path
    shutil.copy(bundle, stick / bundle.name)
    def imported(paths: list[str]) -> list[str]:
        """Click-free import (the file dialog cannot run headless); it runs on the window's runner."""
        op = board.import_files(paths)
        assert op is not None
        qtbot.waitUntil(lambda: op.is_done, timeout=30_000)
        return board.last_lines

    lines = imported([str(stick / bundle.name)])
    assert len(lines) == 1 and "乡镇 330825106 批次 1：接收" in lines[0] and "拒收 0 条" in lines[0]
    assert list(stick.glob("*.zzr"))
    assert board.cell_status("330825106", weeks_ago(0).code) == "pending"
    assert "从未收到" not in board.table.item(row_of["小南海镇"], 9).text()
    again = imported([str(stick / bundle.name)])
    assert "重复导入" in again[0]
    bad = stick / "bad.zzb"
    bad.write_bytes(b"not a bundle")
    assert "拒收" in imported([str(bad)])[0]
    w.close()
    w.runner.wait(20_000)
    w.lister.close()
    ctl.store.close()
