"""The shared PC (issue 16 item 2): 注销 / 切换用户 from the menu and the keyboard, an empty sign-in
box after them, 首页 after every sign-in, and a first window that fits the available screen."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

from PySide6.QtCore import QRect, Qt
from PySide6.QtGui import QKeySequence
from PySide6.QtTest import QTest

from zongzhi_desktop.services import Services
from zongzhi_desktop.ui.app import AppController
from zongzhi_desktop.ui.main_window import (
    LOGOUT_SHORTCUT,
    SWITCH_USER_SHORTCUT,
    MainWindow,
    fit_window,
)

TODAY = date(2026, 11, 20)


def sign_in(qtbot, ctl: AppController, user: str, password: str) -> MainWindow:  # type: ignore[no-untyped-def]
    login = ctl.login
    assert login is not None and login.isVisible()
    qtbot.keyClicks(login.username, user)
    qtbot.keyClicks(login.password, password)
    with qtbot.waitSignal(ctl.signals.window_shown, timeout=20_000):
        qtbot.mouseClick(login.login_button, Qt.MouseButton.LeftButton)
    window = ctl.window
    assert window is not None
    return window


def test_logout_and_switch_user_return_to_an_empty_sign_in(qtbot, encrypted_admin: Services,  # type: ignore[no-untyped-def]
                                                          store_path: Path) -> None:
    encrypted_admin.store.close()
    ctl = AppController(store_path.parent, today=lambda: TODAY, install_hook=False)
    try:
        assert ctl.start()
        assert ctl.login.username.text() == ""
        window = sign_in(qtbot, ctl, "clerk", "clerk-pass-1")
        assert window.current_key() == "home"
        assert "录入员小王" in window.user_label.text()
        window.navigate("dispute")  # the clerk's last page …
        # 用户 → 注销, clicked in the real menu.
        menu = window.findChild(type(window.menuBar().actions()[0].menu()), "menu_user")
        assert menu is not None and [a.text() for a in menu.actions()] == ["切换用户…", "注销"]
        assert window.logout_action.shortcut() == QKeySequence(LOGOUT_SHORTCUT)
        with qtbot.waitSignal(ctl.signals.login_shown, timeout=10_000):
            menu_action = next(a for a in window.menuBar().actions() if a.menu() is menu)
            window.menuBar().setActiveAction(menu_action)
            qtbot.waitUntil(menu.isVisible)
            menu.setActiveAction(window.logout_action)
            qtbot.keyClick(menu, Qt.Key.Key_Return)
        assert ctl.window is None and ctl.store is None and ctl.services is None
        login = ctl.login
        assert login.isVisible() and login.username.text() == "" and login.password.text() == ""
        # … is not where the reviewer lands: every sign-in starts on 首页.
        window = sign_in(qtbot, ctl, "leader", "leader-pass-1")
        assert window.current_key() == "home"
        assert "李主任" in window.user_label.text()
        # 切换用户 by its key sequence.
        window.activateWindow()
        qtbot.waitUntil(window.isActiveWindow)
        with qtbot.waitSignal(ctl.signals.login_shown, timeout=10_000):
            QTest.keySequence(window, QKeySequence(SWITCH_USER_SHORTCUT))
        assert ctl.window is None and ctl.login.username.text() == ""
        assert "leader" not in (store_path.parent / "ui.ini").read_text(encoding="utf-8")
        window = sign_in(qtbot, ctl, "clerk", "clerk-pass-1")
        assert window.current_key() == "home"
        window.close()
    finally:
        ctl.shutdown()


def test_logout_is_refused_while_a_form_has_unsaved_input(qtbot, clerk: Services, make_window) -> None:  # type: ignore[no-untyped-def]
    from forms_helpers import fill
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication, QMessageBox

    w = make_window(clerk)
    ended: list[str] = []
    w.session_ended.connect(ended.append)
    form = w.new_record("dispute")
    qtbot.waitUntil(form.isVisible)
    fill(form.view.editors["title"], "周某与吴某宅基地边界纠纷")
    asked: list[str] = []

    def cancel_guard() -> None:  # the form asks 是否保存; the clerk picks 取消
        box = next((b for b in QApplication.topLevelWidgets() if isinstance(b, QMessageBox) and b.isVisible()), None)
        if box is None:
            QTimer.singleShot(50, cancel_guard)
            return
        asked.append(box.objectName())
        qtbot.mouseClick(box.button(QMessageBox.StandardButton.Cancel), Qt.MouseButton.LeftButton)

    QTimer.singleShot(50, cancel_guard)
    w.logout_action.trigger()
    assert asked == ["unsaved_guard"]
    assert ended == [] and form.isVisible()
    assert form.view.editors["title"].text() == "周某与吴某宅基地边界纠纷"
    form.autosaver.discard()
    form._explicit_close = True
    form.done(0)


def test_fit_window_rules() -> None:
    laptop = QRect(0, 0, 1366, 728)  # 1366×768 less the task bar
    normal, maximised = fit_window(laptop, None)
    assert maximised and laptop.contains(normal)
    # A saved geometry from a bigger screen does not come back on the laptop.
    normal, maximised = fit_window(laptop, QRect(100, 50, 1800, 1000))
    assert maximised and laptop.contains(normal) and normal.width() < 1366
    big = QRect(0, 0, 1920, 1040)
    normal, maximised = fit_window(big, None)
    assert not maximised and normal.size().width() == 1280 and big.contains(normal)
    normal, maximised = fit_window(big, QRect(200, 100, 1500, 900))
    assert (normal, maximised) == (QRect(200, 100, 1500, 900), False)
    normal, maximised = fit_window(big, QRect(200, 100, 1500, 900), True)
    assert maximised
    # Saved off the right edge of a second monitor that is gone: the default, centred.
    normal, maximised = fit_window(big, QRect(2000, 100, 1200, 800))
    assert not maximised and big.contains(normal)


def test_first_window_is_maximised_on_a_small_screen(qtbot, admin: Services, ui_state) -> None:  # type: ignore[no-untyped-def]
    w = MainWindow(admin, ui_state)
    qtbot.addWidget(w)
    w.place_on_screen()
    w.show()
    available = w.screen().availableGeometry()  # the offscreen platform's screen is below 1440×900
    assert available.width() < 1440
    qtbot.waitUntil(w.isMaximized)
    assert available.contains(w.geometry())  # (the offscreen platform has no window manager to enlarge it)
    assert w.statusBar().isVisible() and available.contains(w.statusBar().geometry().translated(w.geometry().topLeft()))
    w.close()


def test_switch_user_from_the_idle_lock_keeps_the_form_as_a_draft(qtbot, encrypted_admin: Services,  # type: ignore[no-untyped-def]
                                                                  store_path: Path) -> None:
    from forms_helpers import fill

    from zongzhi_desktop.services.drafts import DraftStore

    encrypted_admin.store.close()
    ctl = AppController(store_path.parent, today=lambda: TODAY, install_hook=False)
    try:
        assert ctl.start()
        window = sign_in(qtbot, ctl, "clerk", "clerk-pass-1")
        form = window.new_record("dispute")
        qtbot.waitUntil(form.isVisible)
        fill(form.view.editors["title"], "周某与吴某宅基地边界纠纷")
        lock = ctl.idle
        with qtbot.waitSignal(lock.locked, timeout=5_000):
            lock.set_interval_ms(50)
        # Someone else comes to the locked PC: 切换用户, without the clerk's password.
        dialog = lock.dialog
        assert dialog.switch_button.isVisible() and dialog.switch_button.text() == "切换用户"
        with qtbot.waitSignal(ctl.signals.login_shown, timeout=10_000):
            qtbot.mouseClick(dialog.switch_button, Qt.MouseButton.LeftButton)
        assert ctl.window is None and ctl.login.username.text() == ""
        qtbot.waitUntil(lambda: not form.isVisible())
        window = sign_in(qtbot, ctl, "leader", "leader-pass-1")
        assert window.current_key() == "home" and not window.dialogs
        # The clerk's typing waits as the clerk's draft (not offered to anyone else).
        drafts = DraftStore(ctl.store, "clerk").all()
        assert len(drafts) == 1 and "周某与吴某宅基地边界纠纷" in json.dumps(drafts[0].data, ensure_ascii=False)
        assert DraftStore(ctl.store, "leader").all() == []
        window.close()
    finally:
        ctl.shutdown()
