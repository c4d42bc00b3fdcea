"""The sign-in box tells whoever opens a demo store how to sign in, and says nothing on a real one."""

from __future__ import annotations

import json

from PySide6.QtCore import Qt

from zongzhi_desktop.demo.generate import DEMO_ACCOUNTS
from zongzhi_desktop.services import Services
from zongzhi_desktop.ui.login import LoginDialog


def test_demo_store_shows_the_demo_accounts(qtbot, admin: Services) -> None:  # type: ignore[no-untyped-def]
    admin.set_setting("demo", json.dumps({"seed": 1, "records": 200, "today": "2026-12-07"}))
    dlg = LoginDialog.for_services(admin)
    qtbot.addWidget(dlg)
    dlg.show()
    assert dlg.notice.isVisible()
    for username, _name, _role, password in DEMO_ACCOUNTS:
        assert f"{username} / {password}" in dlg.notice.text()


def test_real_store_shows_no_accounts(qtbot, admin: Services) -> None:  # type: ignore[no-untyped-def]
    dlg = LoginDialog.for_services(admin)
    qtbot.addWidget(dlg)
    dlg.show()
    assert not dlg.notice.isVisible()
    # The refusal for a wrong password is the same for every cause (no user enumeration).
    dlg.username.setText("nobody")
    dlg.password.setText("x")
    with qtbot.waitSignal(dlg.attempt_finished, timeout=10_000):
        qtbot.mouseClick(dlg.login_button, Qt.MouseButton.LeftButton)
    assert dlg.error.text() == "用户名或密码错误" and dlg.actor is None
