"""Guided restore at start (issue 14 item 4): a damaged store → the backups are offered → the chosen
one is verified and put in place (the damaged file kept aside) → sign-in as usual. And the daily
backup made in the background after sign-in."""

from __future__ import annotations

import sqlite3
from datetime import date
from pathlib import Path

from PySide6.QtCore import Qt, QTimer

from zongzhi_desktop.services import Services
from zongzhi_desktop.services.backup import list_backups, make_backup
from zongzhi_desktop.ui.app import AppController

TODAY = date(2026, 12, 7)


def petitions(path: Path) -> int:
    con = sqlite3.connect(path)
    try:
        return int(con.execute("SELECT count(*) FROM petition").fetchone()[0])
    finally:
        con.close()


def test_damaged_store_is_restored_from_the_chosen_backup(qtbot, admin: Services, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    store = admin.store.path
    data = store.parent
    older = make_backup(store, kind="daily").backup.path
    newest = make_backup(store).backup.path
    admin.store.close()
    damaged = b"\x00" * 100 + store.read_bytes()[100:]
    store.write_bytes(damaged)  # the header is gone: not a database any more

    ctl = AppController(data, today=lambda: TODAY, install_hook=False)
    seen: dict[str, object] = {}

    def choose_and_restore(dialog) -> None:  # type: ignore[no-untyped-def]
        def act() -> None:
            seen["rows"] = dialog.table.rowCount()
            seen["first"] = dialog.selected_backup()
            seen["intro"] = dialog.findChild(type(dialog.status), "restore_intro").text()
            seen["continue_visible"] = dialog.continue_button.isVisible()
            dialog.grab().save(str(tmp_path / "restore_dialog.png"))
            qtbot.mouseClick(dialog.restore_button, Qt.MouseButton.LeftButton)
        QTimer.singleShot(0, act)

    ctl.signals.restore_shown.connect(choose_and_restore)
    with qtbot.waitSignal(ctl.signals.login_shown, timeout=20_000):
        assert ctl.start()
    assert seen["rows"] == 2 and seen["first"] == newest and older.exists()
    assert "文件已损坏或不是综治桌面的数据库" in str(seen["intro"])
    assert seen["continue_visible"] is False  # a store that cannot open cannot be used as it is
    assert petitions(store) == 0  # the initialized template has no petitions; it opens again
    aside = list(data.glob("zongzhi.replaced-*.sqlite3"))
    assert len(aside) == 1 and aside[0].read_bytes() == damaged
    assert ctl.restored_aside == aside[0]
    ctl.login.close()
    ctl.shutdown()


def test_daily_backup_after_sign_in(qtbot, admin: Services) -> None:  # type: ignore[no-untyped-def]
    data = admin.store.path.parent
    admin.store.close()
    ctl = AppController(data, today=lambda: TODAY, install_hook=False)
    with qtbot.waitSignal(ctl.signals.login_shown, timeout=20_000):
        assert ctl.start()
    ctl.login.username.setText("admin")
    qtbot.keyClicks(ctl.login.password, "admin-pass-1")
    with qtbot.waitSignal(ctl.signals.window_shown, timeout=20_000):
        qtbot.mouseClick(ctl.login.login_button, Qt.MouseButton.LeftButton)
    qtbot.addWidget(ctl.window)
    assert ctl.window.runner.wait(30_000)
    qtbot.waitUntil(lambda: "已自动备份" in ctl.window.statusBar().currentMessage(), timeout=10_000)
    found = list_backups(data / "backups")
    # The plain fixture store was converted at this first sign-in (its "encrypt" backup), then the daily one.
    assert sorted(b.kind for b in found) == ["daily", "encrypt"]
    ctl.window.close()
    ctl.shutdown()


def test_encrypted_store_damaged_restored_after_the_password(qtbot, encrypted_admin: Services) -> None:  # type: ignore[no-untyped-def]
    """An encrypted store cannot be checked before the password opens its key: the sign-in finds the
    damage, the guided restore (with that key) puts a backup in place, and the next sign-in opens it."""
    import os

    from zongzhi_desktop.services.unlock import is_plain_sqlite

    store = encrypted_admin.store.path
    key = encrypted_admin.store.key
    data = store.parent
    backup = make_backup(store, key=key).backup.path
    assert not is_plain_sqlite(backup)
    encrypted_admin.store.close()
    with open(store, "r+b") as fh:  # a disk that went bad under the store
        fh.seek(4096)
        fh.write(os.urandom(64 * 1024))

    ctl = AppController(data, today=lambda: TODAY, install_hook=False)

    def restore_it(dialog) -> None:  # type: ignore[no-untyped-def]
        QTimer.singleShot(0, lambda: qtbot.mouseClick(dialog.restore_button, Qt.MouseButton.LeftButton))

    ctl.signals.restore_shown.connect(restore_it)
    with qtbot.waitSignal(ctl.signals.login_shown, timeout=20_000):
        assert ctl.start()
    ctl.login.username.setText("admin")
    qtbot.keyClicks(ctl.login.password, "admin-pass-1")
    with qtbot.waitSignal(ctl.signals.login_shown, timeout=30_000):  # restored, then asked again
        qtbot.mouseClick(ctl.login.login_button, Qt.MouseButton.LeftButton)
    assert ctl.restored_aside is not None and ctl.restored_aside.exists()
    ctl.login.username.setText("admin")
    qtbot.keyClicks(ctl.login.password, "admin-pass-1")
    with qtbot.waitSignal(ctl.signals.window_shown, timeout=20_000):
        qtbot.mouseClick(ctl.login.login_button, Qt.MouseButton.LeftButton)
    qtbot.addWidget(ctl.window)
    assert ctl.store.encrypted
    checked, problems = ctl.services.verify_audit()
    assert checked > 0 and not [p for p in problems if "恢复" not in p.message]
    ctl.window.close()
    ctl.shutdown()
