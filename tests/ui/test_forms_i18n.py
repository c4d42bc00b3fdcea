"""Forms, details and pickers in the English catalog, and shown in English with --lang en."""

from __future__ import annotations

import re
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

from forms_helpers import open_form
from PySide6.QtWidgets import QApplication

from zongzhi_desktop.services import Services
from zongzhi_desktop.ui.detail import RecordDetailDialog

ROOT = Path(__file__).resolve().parents[2]
TS = ROOT / "zongzhi_desktop" / "assets" / "i18n" / "zongzhi_en.ts"
BIN = Path(sys.executable).parent
UI = ROOT / "zongzhi_desktop" / "ui"
MY_FILES = [*sorted((UI / "forms").glob("*.py")), UI / "detail.py", UI / "drafts.py"]


def messages(ts: Path) -> dict[tuple[str, str], tuple[str, bool]]:
    out = {}
    for ctx in ET.parse(ts).getroot().iter("context"):
        name = ctx.findtext("name") or ""
        for msg in ctx.iter("message"):
            tr = msg.find("translation")
            assert tr is not None
            out[(name, msg.findtext("source") or "")] = (tr.text or "", tr.get("type") != "unfinished")
    return out


def test_form_strings_are_in_the_catalog_and_translated(tmp_path: Path) -> None:
    fresh = tmp_path / "forms.ts"
    subprocess.run([str(BIN / "pyside6-lupdate"), *map(str, MY_FILES), "-ts", str(fresh), "-source-language",
                    "zh_CN", "-target-language", "en", "-locations", "none", "-silent"], check=True)
    wanted = messages(fresh)
    shipped = messages(TS)
    assert sum(1 for ctx, _ in wanted if ctx == "forms") > 200  # labels from forms/*.toml and the domain
    assert "" not in {ctx for ctx, _ in wanted}  # every string has the context it is looked up with
    missing = [k for k in wanted if k not in shipped]
    untranslated = [k for k in wanted if k in shipped and not (shipped[k][1] and shipped[k][0])]
    assert missing == [], "run scripts/update_translations.py"
    assert untranslated == []
    for key in wanted:
        assert sorted(re.findall(r"\{\w+\}", key[1])) == sorted(re.findall(r"\{\w+\}", shipped[key][0])), key


def test_form_and_detail_in_english(qtbot: Any, clerk: Services) -> None:
    from zongzhi_desktop.ui.i18n import install_translators, remove_translators

    app = QApplication.instance()
    assert isinstance(app, QApplication)
    translators = install_translators(app, "en")
    try:
        dlg = open_form(qtbot, clerk, "petition")
        assert dlg.windowTitle() == "Register a petition — new"
        assert "Petitioner's name" in dlg.view.labels["petitioner_name"].text()
        assert dlg.save_button.text() == "Save (Ctrl+S)"
        assert dlg.view.editors["is_skip_level"].text() == "Skipped levels (went to a higher office first)"
        rec = clerk.create("petition", {"received_date": "2026-11-02", "form": "visit", "petitioner_name": "张三",
                                        "category": "claim", "request": "x"}).record
        d = RecordDetailDialog(clerk, "petition", rec.id)
        qtbot.addWidget(d)
        assert d.buttons["action_accept"].text() == "Acceptance notice"
        assert d.status_label.text() == "Registered, awaiting acceptance"
        assert d.tabs.tabText(0) != "基本信息"
    finally:
        remove_translators(app, translators)
    again = open_form(qtbot, clerk, "petition")
    assert again.windowTitle() == "信访件登记 — 新建"
