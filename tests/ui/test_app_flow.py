"""Start-up: wizard → login → main window, remembered state, idle lock, no-display message."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
from conftest import type_text
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QWizard

from zongzhi_desktop.services import Services
from zongzhi_desktop.ui.app import AppController
from zongzhi_desktop.ui.display import NO_DISPLAY_MESSAGE, display_problem

TODAY = date(2026, 11, 20)


def fill_wizard(qtbot, wizard, *, township: str = "330825101") -> None:  # type: ignore[no-untyped-def]
    page = wizard.township_page
    qtbot.keyClicks(page.county_code, "330825")
    page.township_code.clear()
    qtbot.keyClicks(page.township_code, township)
    type_text(page.township_name, "城关镇")
    type_text(page.county_name, "龙游县")
    wizard.next()
    admin = wizard.admin_page
    qtbot.keyClicks(admin.password, "admin-pass-1")
    qtbot.keyClicks(admin.confirm, "admin-pass-1")
    wizard.next()


def test_wizard_login_main_window(qtbot, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    ctl = AppController(tmp_path, today=lambda: TODAY, install_hook=False)
    assert ctl.start()
    wizard = ctl.wizard
    # A township code outside the county is refused in Chinese and the wizard stays put.
    page = wizard.township_page
    qtbot.keyClicks(page.county_code, "330825")
    page.township_code.setText("330826101")
    type_text(page.township_name, "城关镇")
    type_text(page.county_name, "龙游县")
    wizard.next()
    assert wizard.currentPage() is page
    assert "前6位应为所属县级代码330825" in page.error.text()
    page.township_code.setText("330825101")
    wizard.next()
    assert wizard.currentPage() is wizard.admin_page
    admin = wizard.admin_page
    qtbot.keyClicks(admin.password, "short")
    qtbot.keyClicks(admin.confirm, "short")
    wizard.next()
    assert "密码至少8位" in admin.error.text()
    admin.password.setText("admin-pass-1")
    admin.confirm.setText("admin-pass-1")
    wizard.next()
    assert wizard.currentPage() is wizard.data_page
    with qtbot.waitSignal(ctl.signals.login_shown, timeout=10_000):
        qtbot.mouseClick(wizard.button(QWizard.WizardButton.FinishButton), Qt.MouseButton.LeftButton)
    from zongzhi_desktop.services.unlock import is_plain_sqlite

    assert not is_plain_sqlite(tmp_path / "zongzhi.sqlite3")  # the wizard made an encrypted store
    with pytest.raises(sqlite3.DatabaseError):
        sqlite3.connect(tmp_path / "zongzhi.sqlite3").execute("SELECT count(*) FROM township").fetchone()

    login = ctl.login
    assert "城关镇" in login.findChildren(QLabel)[1].text()  # from the key file: the store is still closed
    assert login.username.text() == "admin"  # remembered from the wizard
    qtbot.keyClicks(login.password, "wrong-password")
    with qtbot.waitSignal(login.attempt_finished, timeout=10_000):
        qtbot.mouseClick(login.login_button, Qt.MouseButton.LeftButton)
    assert login.error.text() == "用户名或密码错误"
    assert ctl.window is None
    login.password.clear()
    qtbot.keyClicks(login.password, "admin-pass-1")
    with qtbot.waitSignal(ctl.signals.recovery_shown, timeout=10_000) as shown:
        qtbot.keyClick(login.password, Qt.Key.Key_Return)
    window = ctl.window
    qtbot.addWidget(window)
    # The recovery key, once, over the window: 13 groups of 4, and it opens the store.
    recovery = shown.args[0]
    text = recovery.key_label.text()
    assert len(text.split("-")) == 13 and all(len(g) == 4 for g in text.split("-"))
    recovery.grab().save(str(tmp_path / "recovery_dialog.png"))
    qtbot.mouseClick(recovery.done_button, Qt.MouseButton.LeftButton)
    from zongzhi_desktop.services.unlock import open_with_recovery

    assert open_with_recovery(tmp_path / "zongzhi.sqlite3", text).key == ctl.store.key
    with ctl.store.session() as s:
        con = s.connection()
        assert con.exec_driver_sql("SELECT code, name, county_name FROM township").fetchall() == [
            ("330825101", "城关镇", "龙游县")]
        assert con.exec_driver_sql("SELECT username, role FROM app_user").fetchall() == [("admin", "admin")]
    labels = [window.nav.item(i).text() for i in range(window.nav.count())]
    assert labels == ["首页", "信访", "矛盾纠纷", "领导包案", "志愿服务", "调度事项", "报表", "同步", "设置"]
    assert window.current_key() == "home"
    assert "管理员" in window.user_label.text()
    assert "城关镇" in window.township_label.text()
    assert window.sync_label.text() == "未同步"
    assert "KB" in window.size_label.text() or "MB" in window.size_label.text()
    assert ctl.idle is not None and ctl.idle.interval_ms == 15 * 60_000  # setting idle_lock_minutes
    window.close()
    ctl.shutdown()


def test_navigation_builds_every_page_and_remembers_state(qtbot, admin: Services, ui_state,  # type: ignore[no-untyped-def]
                                                          make_window) -> None:
    from zongzhi_desktop.ui.main_window import MainWindow

    w = make_window(admin)
    for key in w.page_keys():
        page = w.navigate(key)
        assert w.stack.currentWidget().layout().itemAt(0).widget() is page
        assert w.current_key() == key
    # Ctrl+2 goes to the petition list.
    w.activateWindow()
    qtbot.waitUntil(w.isActiveWindow)
    qtbot.keyClick(w.nav, Qt.Key.Key_2, Qt.KeyboardModifier.ControlModifier)
    assert w.current_key() == "petition"
    w.navigate("dispute")
    w.setMinimumSize(600, 400)
    w.move(10, 10)
    w.resize(700, 500)
    w.splitter.setSizes([200, 500])
    sizes = w.splitter.sizes()
    w.close()
    again = MainWindow(admin, ui_state)
    qtbot.addWidget(again)
    assert again.current_key() == "home"  # every sign-in starts on 首页, not on the last page
    again.place_on_screen()
    # The saved geometry fits the offscreen screen (800×800), so it comes back as the normal geometry.
    assert again.geometry().size() == w.geometry().size()
    again.show()
    assert again.splitter.sizes()[0] == sizes[0]
    again.close()


def test_report_and_sync_pages_are_mounted(admin: Services, make_window) -> None:  # type: ignore[no-untyped-def]
    w = make_window(admin)
    for key, module in (("reports", "zongzhi_desktop.ui.report_page"), ("sync", "zongzhi_desktop.ui.sync_page")):
        page = w.navigate(key)
        try:
            __import__(module)
        except ModuleNotFoundError:
            assert page.objectName() == "message_page"
            assert module in page.findChild(QLabel, "message_text").text()
        else:
            assert page.objectName() != "message_page"


def test_clerk_settings_has_no_admin_tabs(clerk: Services, admin: Services, make_window) -> None:  # type: ignore[no-untyped-def]
    page = make_window(clerk).navigate("settings")
    tabs = [page.tabText(i) for i in range(page.count())]
    assert tabs == ["我的账户", "基础数据"]
    admin_page = make_window(admin).navigate("settings")
    assert [admin_page.tabText(i) for i in range(admin_page.count())] == [
        "我的账户", "用户", "字典", "期限与锁定", "节假日", "基础数据"]


def test_idle_lock_covers_windows_until_password(qtbot, clerk: Services, make_window) -> None:  # type: ignore[no-untyped-def]
    from zongzhi_desktop.ui.idle import IdleLock, LockCover

    w = make_window(clerk)
    lock = IdleLock(w, clerk, 15)
    assert lock.interval_ms == 15 * 60_000
    with qtbot.waitSignal(lock.locked, timeout=5_000):
        lock.set_interval_ms(50)
    assert lock.is_locked
    covers = w.findChildren(LockCover)
    assert len(covers) == 1 and covers[0].isVisible() and covers[0].geometry() == w.rect()
    # Nothing of the data shows through: the window's pixels are the cover's colour.
    from zongzhi_desktop.ui.idle import COVER_COLOR

    image = w.grab().toImage()
    for x, y in ((300, 200), (700, 400), (1000, 600), (60, 100)):
        assert image.pixelColor(x, y) == COVER_COLOR, (x, y)
    dialog = lock.dialog
    assert dialog is not None and dialog.isVisible()
    qtbot.keyClicks(dialog.password, "not-my-password")
    qtbot.mouseClick(dialog.unlock_button, Qt.MouseButton.LeftButton)
    assert dialog.error.text() == "密码错误" and lock.is_locked
    dialog.reject()  # Esc does not unlock
    assert lock.is_locked and dialog.isVisible()
    qtbot.keyClicks(dialog.password, "clerk-pass-1")
    with qtbot.waitSignal(lock.unlocked, timeout=5_000):
        qtbot.mouseClick(dialog.unlock_button, Qt.MouseButton.LeftButton)
    assert not lock.is_locked
    qtbot.waitUntil(lambda: not w.findChildren(LockCover))
    lock.set_minutes(0)  # 0 = never lock
    assert not lock.timer.isActive()
    lock.shutdown()


def test_display_problem_rules() -> None:
    assert display_problem({}, "linux") == NO_DISPLAY_MESSAGE
    assert display_problem({"DISPLAY": ":0"}, "linux") is None
    assert display_problem({"WAYLAND_DISPLAY": "wayland-0"}, "linux") is None
    assert display_problem({"QT_QPA_PLATFORM": "offscreen"}, "linux") is None
    assert display_problem({"QT_QPA_PLATFORM": "xcb"}, "linux") == NO_DISPLAY_MESSAGE
    assert display_problem({}, "win32") is None


def test_no_display_prints_one_line_and_exits_1(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")}
    proc = subprocess.run([sys.executable, "-m", "zongzhi_desktop", "--data-dir", str(tmp_path)],
                          env=env, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 1
    assert proc.stdout == ""
    lines = proc.stderr.strip().splitlines()
    assert lines == [NO_DISPLAY_MESSAGE]


def test_wizard_with_demo_data(qtbot, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    ctl = AppController(tmp_path, today=lambda: TODAY, install_hook=False)
    assert ctl.start()
    wizard = ctl.wizard
    fill_wizard(qtbot, wizard)
    wizard.data_page.demo.setChecked(True)
    with qtbot.waitSignal(ctl.signals.login_shown, timeout=180_000):
        qtbot.mouseClick(wizard.button(QWizard.WizardButton.FinishButton), Qt.MouseButton.LeftButton)
    from zongzhi_desktop.services.unlock import sign_in

    opened = sign_in(tmp_path / "zongzhi.sqlite3", "admin", "admin-pass-1")  # encrypted: opened by a password
    with opened.store.session() as s:
        con = s.connection()
        assert con.exec_driver_sql("SELECT name FROM township").fetchall() == [("城关镇",)]  # the wizard's, not the demo's
        petitions = con.exec_driver_sql("SELECT count(*) FROM petition").scalar_one()
        users = dict(con.exec_driver_sql("SELECT username, role FROM app_user").fetchall())
    opened.store.close()
    assert petitions > 50
    assert users["admin"] == "admin" and users["clerk"] == "clerk" and users["reviewer"] == "reviewer"
    login = ctl.login
    assert login.notice.isVisible() and "clerk / zongzhi-clerk" in login.notice.text()
    assert "admin /" not in login.notice.text()  # the administrator keeps the wizard's password
    login.username.setText("clerk")
    qtbot.keyClicks(login.password, "zongzhi-clerk")
    with qtbot.waitSignal(ctl.signals.window_shown, timeout=20_000):
        qtbot.mouseClick(login.login_button, Qt.MouseButton.LeftButton)
    window = ctl.window
    qtbot.addWidget(window)
    assert window.list_page("petition").model.rowCount() == petitions
    window.close()
    ctl.shutdown()


def test_status_bar_shows_last_sync(admin: Services, make_window) -> None:  # type: ignore[no-untyped-def]
    w = make_window(admin)
    assert w.sync_label.text() == "未同步"
    con = sqlite3.connect(admin.store.path)
    with con:
        con.execute("INSERT INTO sync_bundle (sequence, bundle_hash, bundle_id, file_name, county_code, signer_key_id, "
                    "created_at, created_by, rows, counts) VALUES (1, 'h1', 'b1', 'f1', '330825', 'k', "
                    "'2026-11-20 06:30:00.000000', 'admin', 3, '{}')")
    w.update_status()
    assert w.sync_label.text().startswith("最近同步：2026-11-20") and "第1包，待回执" in w.sync_label.text()
    with con:
        con.execute("UPDATE sync_bundle SET receipt_at = '2026-11-20 08:00:00.000000', accepted = 3, rejected = 0")
    w.update_status()
    assert "第1包，县级已回执" in w.sync_label.text()


def test_report_numbers_open_their_records(qtbot, clerk: Services, make_window) -> None:  # type: ignore[no-untyped-def]
    ids = [clerk.create("petition", {"received_date": "2026-11-1" + str(i), "form": "来访", "petitioner_name": f"张{i}",
                                     "category": "申诉求决类", "request": "问题"}, link_repeat=False).record.id
           for i in range(3)]
    w = make_window(clerk)
    report = w.navigate("reports")
    if report.objectName() == "message_page" or not hasattr(report, "open_records"):
        pytest.skip("报表页面未安装")
    report.open_records.emit("petition", ids[:2])
    page = w.current_list()
    assert page is w.list_page("petition") and page.preset.isVisible()
    assert {page.model.record_id(r) for r in range(page.model.rowCount())} == set(ids[:2])


def test_bundled_cjk_font_is_registered(qapp) -> None:  # type: ignore[no-untyped-def]
    from PySide6.QtGui import QFontDatabase

    from zongzhi_desktop.ui.fonts import BUNDLED_FAMILY, register_cjk_font

    family = register_cjk_font(qapp)
    assert family == BUNDLED_FAMILY
    assert family in QFontDatabase.families()
    assert family in qapp.font().families()
