"""A name from CJK Extensions A, B and G survives every step: typed into the form, stored, listed,
printed on the weekly sheet (PDF and XLSX), carried in a bundle and printed on the county's sheet."""

from __future__ import annotations

import io
import sqlite3
import sys
from pathlib import Path
from typing import Any

import openpyxl
from forms_helpers import choose, fill, open_form, seed_reference, type_text
from pypdf import PdfReader
from PySide6.QtCore import Qt

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "county"))
from countytools import Hub, link, register
from synctools import TODAY, TOWN_PASS, make_township

from zongzhi_desktop.county.importer import import_bundle
from zongzhi_desktop.county.sheets import build_county_sheet
from zongzhi_desktop.reports import service as rs
from zongzhi_desktop.reports.render_pdf import render_pdf
from zongzhi_desktop.reports.render_xlsx import render_xlsx
from zongzhi_desktop.sync.export import export_bundle

NAME = "𪚥𠈌䶮\U00030EDE"  # Extension B, B, A and G (𰻞)


def pdf_text(data: bytes) -> str:
    return "".join("".join(p.extract_text().split()) for p in PdfReader(io.BytesIO(data)).pages)


def xlsx_text(data: bytes) -> str:
    wb = openpyxl.load_workbook(io.BytesIO(data))
    return "\n".join(str(c.value) for ws in wb.worksheets for row in ws.iter_rows() for c in row if c.value)


def test_rare_name_from_form_to_county_sheet(qtbot: Any, tmp_path: Path, make_window: Any) -> None:
    svc = make_township(tmp_path / "town", "330825101", "城关镇")
    assert svc.today() == TODAY
    seed_reference(svc)

    dlg = open_form(qtbot, svc, "petition")  # typed in, one key event per character (like an IME)
    e = dlg.view.editors
    fill(e["received_date"], "20261102")
    choose(e["form"], "来访")
    type_text(e["petitioner_name"], NAME)
    choose(e["category"], "申诉求决类")
    fill(e["request"], "要求补发征地补偿款")
    assert not dlg.view.cells["petitioner_name"].glyphs.isVisible()
    qtbot.mouseClick(dlg.save_button, Qt.MouseButton.LeftButton)
    assert not dlg.isVisible()

    con = sqlite3.connect(svc.store.path)  # type: ignore[arg-type]
    assert con.execute("SELECT petitioner_name FROM petition").fetchall() == [(NAME,)]
    con.close()

    page = make_window(svc).list_page("petition")
    col = next(i for i, c in enumerate(page.model.spec.columns) if c.key == "petitioner_name")
    assert [page.model.data(page.model.index(r, col)) for r in range(page.model.rowCount())] == [NAME]

    # Undecided 18 days after receipt: overdue, so the weekly sheet lists it by name.
    sheet = rs.render_sheet(svc, "weekly", "2026-W47", "pdf")
    assert not sheet.report.warnings
    assert NAME in pdf_text(sheet.data)
    assert NAME in xlsx_text(render_xlsx(sheet.report))

    hub = Hub.create(tmp_path / "county.sqlite3")
    register(hub, link(svc, hub.profile))
    result = import_bundle(hub.store, export_bundle(svc, TOWN_PASS).outbox_path, hub.keys)
    assert result.rejected == 0
    with hub.store.engine.connect() as conn:
        from sqlalchemy import text

        assert conn.execute(text("SELECT petitioner_name FROM petition")).scalars().all() == [NAME]
    county = build_county_sheet(hub.store, "weekly", "2026-W47", made_on=TODAY)
    assert NAME in pdf_text(render_pdf(county))
    assert NAME in xlsx_text(render_xlsx(county))
