"""Translations: Chinese by default, English via --lang en; the catalog covers every shell string."""

from __future__ import annotations

import re
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

from PySide6.QtCore import Qt

from zongzhi_desktop.services import Services

ROOT = Path(__file__).resolve().parents[2]
TS = ROOT / "zongzhi_desktop" / "assets" / "i18n" / "zongzhi_en.ts"
QM = TS.with_suffix(".qm")
BIN = Path(sys.executable).parent
# The files of the window shell (forms, detail, reports and sync pages are checked by their owners).
SHELL_FILES = [ROOT / "zongzhi_desktop" / "ui" / f"{n}.py" for n in (
    "app", "chart", "dashboard_page", "errors", "idle", "list_model", "list_page", "login", "main_window", "runner",
    "settings_page", "wizard")] + [ROOT / "zongzhi_desktop" / "services" / "listing.py"]


def messages(ts: Path) -> dict[tuple[str, str], tuple[str, bool]]:
    """(context, source) -> (translation, finished)."""
    out = {}
    for ctx in ET.parse(ts).getroot().iter("context"):
        name = ctx.findtext("name") or ""
        for msg in ctx.iter("message"):
            tr = msg.find("translation")
            assert tr is not None
            out[(name, msg.findtext("source") or "")] = (tr.text or "", tr.get("type") != "unfinished")
    return out


def test_english_switch_changes_visible_labels(qtbot, admin: Services, store_path: Path) -> None:  # type: ignore[no-untyped-def]
    from zongzhi_desktop.ui.app import AppController
    from zongzhi_desktop.ui.main_window import MainWindow

    ctl = AppController(store_path.parent, language="en", install_hook=False)
    try:
        assert ctl.language == "en"
        ctl.start()
        assert ctl.login is not None
        assert ctl.login.windowTitle() == "Zongzhi Desktop — Sign in"
        assert ctl.login.login_button.text() == "Sign in"
        w = MainWindow(admin, ctl.state)
        qtbot.addWidget(w)
        assert [w.nav.item(i).text() for i in range(3)] == ["Home", "Petitions", "Disputes"]
        page = w.list_page("petition")
        headers = [page.model.headerData(i, Qt.Orientation.Horizontal) for i in range(3)]
        assert headers == ["No.", "Received", "Petitioner"]
        assert page.count_label.text() == "0 records"
        w.close()
    finally:
        ctl.shutdown()
    w = MainWindow(admin, ctl.state)  # translators removed: back to Chinese
    qtbot.addWidget(w)
    assert w.nav.item(0).text() == "首页"
    w.close()


def test_shell_strings_are_in_the_catalog_and_translated(tmp_path: Path) -> None:
    fresh = tmp_path / "shell.ts"
    subprocess.run([str(BIN / "pyside6-lupdate"), *map(str, SHELL_FILES), "-ts", str(fresh), "-source-language",
                    "zh_CN", "-target-language", "en", "-locations", "none", "-silent"], check=True)
    wanted = messages(fresh)
    shipped = messages(TS)
    assert len(wanted) > 250
    missing = [k for k in wanted if k not in shipped]
    untranslated = [k for k in wanted if k in shipped and not (shipped[k][1] and shipped[k][0])]
    assert missing == [], "run scripts/update_translations.py"
    assert untranslated == []
    # Placeholders survive translation.
    for key in wanted:
        text, _done = shipped[key]
        assert sorted(re.findall(r"\{\w+\}", key[1])) == sorted(re.findall(r"\{\w+\}", text)), key


def test_compiled_catalog_is_current(tmp_path: Path) -> None:
    qm = tmp_path / "en.qm"
    subprocess.run([str(BIN / "pyside6-lrelease"), "-silent", str(TS), "-qm", str(qm)], check=True)
    assert qm.read_bytes() == QM.read_bytes(), "run scripts/update_translations.py"


def test_english_login_error_and_sheet_parts(qtbot, admin: Services) -> None:  # type: ignore[no-untyped-def]
    """Messages the window shows from Qt-free code (the sign-in refusal, the sheets' written parts)
    are translated too."""
    from PySide6.QtWidgets import QApplication

    from zongzhi_desktop.ui.i18n import install_translators
    from zongzhi_desktop.ui.login import LoginDialog
    from zongzhi_desktop.ui.report_page import ReportPage

    app = QApplication.instance()
    translators = install_translators(app, "en")
    try:
        dlg = LoginDialog.for_services(admin)
        qtbot.addWidget(dlg)
        dlg.username.setText("admin")
        dlg.password.setText("wrong-password")
        with qtbot.waitSignal(dlg.attempt_finished, timeout=10_000):
            qtbot.mouseClick(dlg.login_button, Qt.MouseButton.LeftButton)
        assert dlg.error.text() == "Wrong user name or password"
        page = ReportPage(admin)
        qtbot.addWidget(page)
        labels = [page.parts_form.itemAt(i, page.parts_form.ItemRole.LabelRole).widget().text()
                  for i in range(page.parts_form.rowCount())]
        assert "Assessment" in labels and "Focus next week" in labels, labels
    finally:
        for t in translators:
            app.removeTranslator(t)
        install_translators(app, "zh_CN")  # back to the Chinese locale for the tests after this one
