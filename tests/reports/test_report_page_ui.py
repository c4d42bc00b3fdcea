"""The 报表 page with real widgets (pytest-qt, offscreen): preview, click-through, save, sign, export."""

from __future__ import annotations

import os
import shutil
import sqlite3
from pathlib import Path

import pytest
from conftest import GEN_TODAY, role
from reports_oracle import Oracle

from zongzhi_desktop.reports import service as rs
from zongzhi_desktop.services import Services

pytest.importorskip("PySide6")
pytestmark = pytest.mark.usefixtures("qapp")

SHOTS = Path(__file__).resolve().parents[2] / "docs" / "samples"


def shown(qtbot, page, action):  # type: ignore[no-untyped-def]
    """Do `action` and wait until the preview shows its result (sheets are built in the background)."""
    with qtbot.waitSignal(page.refreshed, timeout=60_000):
        result = action()
    return result


@pytest.fixture
def page(qtbot, gen_svc: Services):  # type: ignore[no-untyped-def]
    from zongzhi_desktop.ui.report_page import ReportPage

    w = ReportPage(role(gen_svc, "leader", "reviewer"))
    qtbot.addWidget(w)
    w.resize(1366, 860)
    w.show()
    return w


def test_preview_shows_the_real_pages_and_numbers_open_their_records(page, qtbot) -> None:  # type: ignore[no-untyped-def]
    from PySide6.QtCore import QPoint, Qt

    shown(qtbot, page, lambda: page.set_sheet("weekly", "2026-W47"))
    assert len(page.pages) >= 2 and page.rendered.report.period == "2026-W47"
    value = page.rendered.report.values["petition.new"]
    assert value.refs is None  # the preview holds counts; the ids are fetched on the click
    spot = next(h for h in page.hotspots if h.page == 0 and h.key == "petition.new")
    pv = page.pages[0]
    center = pv.rect_of(spot).center().toPoint()
    with qtbot.waitSignal(page.open_records, timeout=2000) as sig:
        qtbot.mouseClick(pv, Qt.MouseButton.LeftButton, pos=center)
    oracle = Oracle(page.services.store.path, [page.services.township.code], today=GEN_TODAY)  # type: ignore[arg-type]
    want = oracle.ids("petition.new", "2026-W47")
    assert sig.args[0] == "petition" and set(sig.args[1]) == set(want) and len(sig.args[1]) == int(value.value)
    with qtbot.assertNotEmitted(page.open_records):
        qtbot.mouseClick(pv, Qt.MouseButton.LeftButton, pos=QPoint(5, 5))  # the margin is not a figure


def test_fill_in_save_sign_and_export(page, qtbot, gen_svc: Services, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    shown(qtbot, page, lambda: page.set_sheet("monthly", "2026-11"))
    assert set(page.editors) == {"next_plan"}
    page.editors["next_plan"].setPlainText("1. 开展矛盾纠纷大排查。\n2. 做好元旦春节期间信访维稳。")
    page.filled_by.setText("张干事")
    assert shown(qtbot, page, page.save)
    con = sqlite3.connect(gen_svc.store.path)  # type: ignore[arg-type]
    assert con.execute("SELECT status, filled_by FROM report_sheet").fetchall() == [("draft", "张干事")]
    con.close()
    assert "草稿" in page.status.text()
    qtbot.wait(200)
    page.scroll.verticalScrollBar().setValue(int(page.pages[0].height() * 0.15))
    qtbot.wait(100)
    shot = tmp_path / "report-page.png"
    assert page.grab().save(str(shot)) and shot.stat().st_size > 20_000
    if os.environ.get("ZONGZHI_UPDATE_SAMPLES"):  # refresh the committed screenshot on request
        shutil.copy(shot, SHOTS / "report-page.png")
    assert shown(qtbot, page, lambda: page.sign(confirm=False))
    assert "已签发" in page.status.text() and page.editors["next_plan"].isReadOnly()
    pdf = page.export(str(tmp_path / "m.pdf"), "pdf")
    assert pdf is not None and pdf.read_bytes() == rs.render_sheet(gen_svc, "monthly", "2026-11").data
    xlsx = tmp_path / "m.xlsx"
    op = page.export(str(xlsx), "xlsx")  # laid out on the runner
    qtbot.waitUntil(lambda: op.is_done, timeout=30_000)
    assert xlsx.read_bytes()[:2] == b"PK"


def test_clerk_cannot_sign(qtbot, gen_svc: Services) -> None:  # type: ignore[no-untyped-def]
    from zongzhi_desktop.ui.report_page import ReportPage

    w = ReportPage(role(gen_svc, "clerk", "clerk"))
    qtbot.addWidget(w)
    assert not w.sign_btn.isVisibleTo(w)


def pdf_printer(path: Path):  # type: ignore[no-untyped-def]
    """A QPrinter that writes a PDF file: printing runs headless and can be read back."""
    from PySide6.QtPrintSupport import QPrinter

    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(path))
    return printer


def ink_box(pdf: bytes, index: int) -> tuple[int, int, int, int]:
    """The bounding box (left, top, right, bottom, in 1/72 in) of everything printed on a page."""
    import pypdfium2 as pdfium
    from PIL import ImageOps

    doc = pdfium.PdfDocument(pdf)
    img = doc[index].render(scale=1).to_pil().convert("L")
    doc.close()
    box = ImageOps.invert(img).point(lambda v: 255 if v > 60 else 0).getbbox()
    assert box is not None, "blank page"
    return box


def test_print_button_previews_and_prints_to_a_pdf_printer(page, qtbot, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """The real 打印… button (clicked(bool) once crashed it) opens the preview; its 打印 prints A4."""
    from pypdf import PdfReader
    from PySide6.QtCore import Qt

    shown(qtbot, page, lambda: page.set_sheet("quarterly", "2026-Q4"))
    qtbot.mouseClick(page.print_btn, Qt.MouseButton.LeftButton)
    dlg = page.preview_dialog
    assert dlg is not None and dlg.isVisible() and dlg.pages == len(page.pages) >= 2
    assert dlg.page_label.text() == f"第 1 页 / 共 {dlg.pages} 页" and not dlg.prev_btn.isEnabled()
    qtbot.mouseClick(dlg.next_btn, Qt.MouseButton.LeftButton)
    assert dlg.page == 1 and dlg.prev_btn.isEnabled()
    qtbot.mouseClick(dlg.prev_btn, Qt.MouseButton.LeftButton)
    assert dlg.page == 0
    width = dlg.view.width()
    dlg.zoom_combo.setCurrentIndex(dlg.zoom_combo.findData(1.5))
    assert abs(dlg.view.width() - width * 1.5) < 3

    out = tmp_path / "printed.pdf"
    dlg.choose_printer = lambda _parent: pdf_printer(out)
    with qtbot.waitSignal(dlg.printed, timeout=30_000):
        qtbot.mouseClick(dlg.print_btn, Qt.MouseButton.LeftButton)
    reader = PdfReader(out)
    assert len(reader.pages) == dlg.pages
    for pg in reader.pages:  # A4 portrait, 595 x 842 pt
        assert abs(float(pg.mediabox.width) - 595.3) < 2 and abs(float(pg.mediabox.height) - 841.9) < 2
    printed, source = out.read_bytes(), page.pdf
    for i in range(dlg.pages):  # the ink in the same place: true scale, nothing shifted or cut off
        for a, b in zip(ink_box(printed, i), ink_box(source, i), strict=True):
            assert abs(a - b) <= 2

    target = tmp_path / "exported.pdf"
    dlg.choose_pdf_path = lambda _parent, _name: str(target)
    with qtbot.waitSignal(dlg.exported, timeout=5000):
        qtbot.mouseClick(dlg.pdf_btn, Qt.MouseButton.LeftButton)
    assert target.read_bytes() == page.pdf


def test_print_by_keyboard(page, qtbot, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """Ctrl+P on the page opens the preview; PageDown turns the page; Ctrl+P there prints."""
    from pypdf import PdfReader
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QApplication

    shown(qtbot, page, lambda: page.set_sheet("quarterly", "2026-Q4"))
    page.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is page, timeout=3000)
    qtbot.keyClick(page, Qt.Key.Key_P, Qt.KeyboardModifier.ControlModifier)
    dlg = page.preview_dialog
    assert dlg is not None and dlg.isVisible()
    qtbot.keyClick(dlg, Qt.Key.Key_PageDown)
    assert dlg.page == 1
    qtbot.keyClick(dlg, Qt.Key.Key_PageUp)
    assert dlg.page == 0
    out = tmp_path / "k.pdf"
    dlg.choose_printer = lambda _parent: pdf_printer(out)
    with qtbot.waitSignal(dlg.printed, timeout=30_000):
        qtbot.keyClick(dlg, Qt.Key.Key_P, Qt.KeyboardModifier.ControlModifier)
    assert len(PdfReader(out).pages) == dlg.pages
    qtbot.keyClick(dlg, Qt.Key.Key_Escape)
    assert not dlg.isVisible()


def test_main_window_mounts_the_page_and_opens_clicked_records(qtbot, gen_svc: Services, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """The 报表 page inside the real main window: a click on a number lists exactly its records."""
    from PySide6.QtCore import Qt

    from zongzhi_desktop.ui.main_window import MainWindow
    from zongzhi_desktop.ui.report_page import ReportPage
    from zongzhi_desktop.ui.state import UiState

    w = MainWindow(role(gen_svc, "clerk", "clerk"), UiState(tmp_path))
    qtbot.addWidget(w)
    w.resize(1366, 768)
    w.show()
    try:
        page = w.navigate("reports")
        assert isinstance(page, ReportPage)
        shown(qtbot, page, lambda: page.set_sheet("monthly", "2026-11"))
        value = page.rendered.report.values["dispute.new"]
        spot = next(h for h in page.hotspots if h.key == "dispute.new")
        pv = page.pages[spot.page]
        page.scroll.ensureWidgetVisible(pv)
        assert value.refs is None and int(value.value or 0) >= 2  # the preview holds counts only
        qtbot.mouseClick(pv, Qt.MouseButton.LeftButton, pos=pv.rect_of(spot).center().toPoint())
        # The ids are fetched by the operation runner: the click returns at once and the page says so.
        assert "正在查询" in page.status.text()
        want = Oracle(gen_svc.store.path, [gen_svc.township.code], today=GEN_TODAY).ids("dispute.new", "2026-11")  # type: ignore[arg-type]
        assert len(want) == int(value.value or 0)

        def listed() -> set[str] | None:
            lst = w.current_list()
            if lst is None or lst.kind != "dispute":
                return None
            return {lst.model.record_id(r) for r in range(lst.model.rowCount())}

        qtbot.waitUntil(lambda: listed() == want, timeout=20_000)  # the list shows exactly those records
        lst = w.current_list()
        assert set(lst.query.ids) == want and lst.preset.isVisible()
        assert value.refs == {"dispute": sorted(want)}  # kept: a second click opens them at once
        assert "正在查询" not in page.status.text()
    finally:
        w.runner.wait(20_000)
        w.lister.close()


def test_appendix_box_prints_cut_lists_whole(page, qtbot, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """2027-W03 has 55 overdue items (disputes waiting for 受理 / 调解 count since issue 16): the sheet
    lists 30 and says how many are left out; ticking 附录 re-renders the preview (what print and
    export write) with all 55 at the end."""
    import io

    from pypdf import PdfReader
    from PySide6.QtCore import Qt

    shown(qtbot, page, lambda: page.set_sheet("weekly", "2027-W03"))
    cut = page.rendered.report.table("overdue")
    assert "另有25件未列出" in cut.rows[-1][0].text
    before = len(page.pages)
    shown(qtbot, page, lambda: qtbot.mouseClick(page.appendix_box, Qt.MouseButton.LeftButton))
    assert page.appendix_box.isChecked()
    report = page.rendered.report
    assert len(report.table("appendix.overdue").rows) == 55
    assert len(page.pages) > before
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(page.pdf)).pages)
    assert "附录" in text and "见附录" in text
    page.resize(1366, 768)
    page.grab().save(str(tmp_path / "appendix.png"))
    out = page.export(str(tmp_path / "w03.pdf"))
    assert out is not None and out.read_bytes() == page.pdf
    shown(qtbot, page, lambda: qtbot.mouseClick(page.appendix_box, Qt.MouseButton.LeftButton))
    assert len(page.pages) == before

