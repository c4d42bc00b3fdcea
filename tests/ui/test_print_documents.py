"""Documents from a record's detail view, and rare names (CJK Extensions A–H) on screen and paper.

The real buttons and keys are used: the detail's 打印… button and its menu, the preview's 打印 and
导出PDF. Printing goes to a PDF-format QPrinter (headless) and the output is read back.
"""

from __future__ import annotations

import io
import json
import os
import shutil
from pathlib import Path
from typing import Any

import pytest
from forms_helpers import VALID_ID, open_form, seed_reference, type_text
from PySide6.QtCore import Qt
from sqlmodel import select

from zongzhi_desktop.domain import models as m
from zongzhi_desktop.services import Services
from zongzhi_desktop.ui.detail import RecordDetailDialog

RARE = "𪚥𠈌䶮"  # U+2A6A5 and U+2020C (Extension B), U+4DAE (Extension A)
EXT_G = "\U00030EDE"  # 𰻞 (biáng), Extension G
NO_FONT = "\U0002EBF0"  # Extension I: no bundled font has it
SAMPLES = Path(__file__).resolve().parents[2] / "docs" / "samples"


@pytest.fixture(autouse=True)
def fallback_fonts(qapp: Any) -> None:
    """The application font with the rare-character chain, as the app sets it up at start."""
    from zongzhi_desktop.reports.fonts import chain_files
    from zongzhi_desktop.ui.fonts import add_fallback_families, register_cjk_font

    register_cjk_font(qapp)
    add_fallback_families(qapp, chain_files())


@pytest.fixture
def ref(admin: Services) -> dict[str, str]:
    return seed_reference(admin)


def pdf_printer(path: Path) -> Any:
    from PySide6.QtPrintSupport import QPrinter

    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(path))
    return printer


def petition(svc: Services, ref: dict[str, str], name: str) -> Any:
    return svc.create("petition", {"received_date": "2026-11-02", "form": "visit", "petitioner_name": name,
                                   "id_number": VALID_ID, "phone": "13857012345", "address": "城东村3组12号",
                                   "village_id": ref["village_east"], "category": "claim",
                                   "request": "要求补发征地补偿款"}).record


def open_detail(qtbot: Any, svc: Services, kind: str, rid: str) -> RecordDetailDialog:
    dlg = RecordDetailDialog(svc, kind, rid)
    qtbot.addWidget(dlg)
    dlg.resize(1000, 680)
    with qtbot.waitActive(dlg):
        dlg.show()
    return dlg


def choose_from_menu(qtbot: Any, detail: RecordDetailDialog, key: str) -> Any:
    """Click 打印…, then the menu entry: returns the preview dialog once it is open."""
    qtbot.mouseClick(detail.print_btn, Qt.MouseButton.LeftButton)
    menu = detail.print_menu
    assert menu.isVisible()
    act = next(a for a in menu.actions() if a.objectName() == f"print_{key}")
    qtbot.mouseClick(menu, Qt.MouseButton.LeftButton, pos=menu.actionGeometry(act).center())
    qtbot.waitUntil(lambda: detail.preview_dialog is not None and detail.preview_dialog.isVisible(), timeout=20_000)
    return detail.preview_dialog


def char_boxes(pdf: bytes, chars: str) -> dict[str, list[tuple[float, float, float, float]]]:
    """Where each of `chars` was drawn on page 1 (PDF points), from the PDF's own text layer."""
    import pypdfium2 as pdfium

    doc = pdfium.PdfDocument(pdf)
    tp = doc[0].get_textpage()
    text = tp.get_text_range()
    out: dict[str, list[tuple[float, float, float, float]]] = {c: [] for c in chars}
    i = 0
    for ch in text:  # pdfium counts a character beyond U+FFFF as one char index
        if ch in out:
            out[ch].append(tp.get_charbox(i))
        i += 1
    doc.close()
    return out


def ink_in(pdf: bytes, box: tuple[float, float, float, float], scale: float = 6) -> float:
    """Share of dark pixels inside a box of page 1 (rendered at `scale` x 72 dpi)."""
    import pypdfium2 as pdfium

    doc = pdfium.PdfDocument(pdf)
    page = doc[0]
    height = page.get_height()
    img = page.render(scale=scale).to_pil().convert("L")
    doc.close()
    left, bottom, right, top = box
    crop = img.crop((int(left * scale), int((height - top) * scale), int(right * scale) + 1,
                     int((height - bottom) * scale) + 1))
    px = list(crop.tobytes())  # one byte per pixel ("L")
    return sum(1 for v in px if v < 128) / max(len(px), 1)


def test_accept_notice_for_a_rare_name_prints_every_character(qtbot: Any, clerk: Services, ref: dict[str, str],
                                                              tmp_path: Path) -> None:
    """受理告知书 for 𪚥𠈌䶮: the three characters are in the PDF's text and their boxes carry ink."""
    p = petition(clerk, ref, RARE)
    clerk.act("petition", p.id, "accept", {"decision_date": "2026-11-10", "decision": "accept"})
    d = open_detail(qtbot, clerk, "petition", p.id)
    assert d.document_keys() == ["register", "accept_notice"]
    if os.environ.get("ZONGZHI_UPDATE_SAMPLES"):  # the detail view with its 打印 menu open
        d.resize(1366, 768)
        menu = d.show_print_menu()
        qtbot.wait(100)
        win = d.grab()
        from PySide6.QtGui import QPainter

        painter = QPainter(win)
        btn = d.print_btn.geometry()  # where a screen with no room below puts the popup: above the button
        painter.drawPixmap(btn.left(), btn.top() - menu.height(), menu.grab())
        painter.end()
        win.save(str(SAMPLES / "detail-print-menu.png"))
        menu.hide()
    dlg = choose_from_menu(qtbot, d, "accept_notice")
    assert dlg.pages == 1
    dlg.resize(1366, 768)
    shot = tmp_path / "preview.png"
    assert dlg.grab().save(str(shot))
    if os.environ.get("ZONGZHI_UPDATE_SAMPLES"):  # refresh the committed screenshot on request
        shutil.copy(shot, SAMPLES / "print-preview.png")

    out = tmp_path / "受理告知书.pdf"
    dlg.choose_pdf_path = lambda _parent, _name: str(out)
    with qtbot.waitSignal(dlg.exported, timeout=20_000):
        qtbot.mouseClick(dlg.pdf_btn, Qt.MouseButton.LeftButton)
    pdf = out.read_bytes()
    assert pdf == dlg.pdf  # the preview now shows the issued document

    from pypdf import PdfReader

    text = "".join(PdfReader(out).pages[0].extract_text().split())
    assert f"{RARE}：" in text  # the addressee line
    assert "城关综信受〔2026〕1号" in text  # 文号: first of its kind this year
    assert "2026年11月10日决定予以受理" in text and "第二十二条" in text
    boxes = char_boxes(pdf, RARE)
    for ch in RARE:
        assert boxes[ch], f"{ch} not in the text layer"
        for box in boxes[ch]:
            assert ink_in(pdf, box) > 0.08, f"{ch} prints blank"

    with clerk.session() as s:
        numbers = s.execute(select(m.DocumentNumber)).scalars().all()
        actions = [e.action for e in s.execute(select(m.AuditEntry).where(m.AuditEntry.record_id == p.id)).scalars()]
    assert [(n.doc_kind, n.seq, n.number) for n in numbers] == [("accept_notice", 1, "城关综信受〔2026〕1号")]
    assert "issue_document_number" in actions
    assert "print_personal_document" not in actions  # the notice carries no ID number or phone

    # Printing it again (to the printer) keeps its number.
    printed = tmp_path / "printed.pdf"
    dlg.choose_printer = lambda _parent: pdf_printer(printed)
    with qtbot.waitSignal(dlg.printed, timeout=30_000):
        qtbot.mouseClick(dlg.print_btn, Qt.MouseButton.LeftButton)
    assert len(PdfReader(printed).pages) == 1
    with clerk.session() as s:
        assert len(s.execute(select(m.DocumentNumber)).scalars().all()) == 1


def test_dispatch_slip_by_keyboard_prints_the_phone_and_audits_it(qtbot: Any, clerk: Services,
                                                                  ref: dict[str, str], tmp_path: Path) -> None:
    """交办单 through keys only: the department gets the phone to call back; the print is audited."""
    p = petition(clerk, ref, "王" + RARE[0])
    clerk.act("petition", p.id, "accept", {"decision_date": "2026-11-10", "decision": "accept"})
    clerk.act("petition", p.id, "assign", {"assigned_date": "2026-11-11", "assigned_department_id": ref["police"],
                                           "assign_deadline": "2026-12-10"})
    d = open_detail(qtbot, clerk, "petition", p.id)
    d.print_btn.setFocus()
    qtbot.keyClick(d.print_btn, Qt.Key.Key_Space)
    menu = d.print_menu
    assert menu.isVisible()
    keys = [a.objectName() for a in menu.actions()]
    assert keys == ["print_register", "print_accept_notice", "print_dispatch"]
    for _ in range(keys.index("print_dispatch")):
        qtbot.keyClick(menu, Qt.Key.Key_Down)
    assert menu.activeAction().objectName() == "print_dispatch"
    qtbot.keyClick(menu, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: d.preview_dialog is not None and d.preview_dialog.isVisible(), timeout=20_000)
    dlg = d.preview_dialog
    printed = tmp_path / "交办单.pdf"
    dlg.choose_printer = lambda _parent: pdf_printer(printed)
    with qtbot.waitSignal(dlg.printed, timeout=30_000):
        qtbot.keyClick(dlg, Qt.Key.Key_P, Qt.KeyboardModifier.ControlModifier)

    from pypdf import PdfReader

    assert len(PdfReader(printed).pages) == dlg.pages
    text = "".join(PdfReader(io.BytesIO(dlg.pdf)).pages[0].extract_text().split())
    assert "13857012345" in text and "城关综信交〔2026〕1号" in text and "城关派出所" in text
    assert VALID_ID not in text  # the slip has no ID number
    with clerk.session() as s:
        entry = s.execute(select(m.AuditEntry).where(m.AuditEntry.action == "print_personal_document")).scalar_one()
    assert entry.record_id == p.id and entry.username == "clerk"
    assert json.loads(entry.after or "{}") == {"document": "信访事项交办单", "number": "城关综信交〔2026〕1号",
                                               "fields": ["phone"], "output": "print"}
    assert "13857012345" not in (entry.after or "")  # the audit names the field, never the value
    history = d.audit_table
    cells = [history.item(r, 2).text() + " " + history.item(r, 3).text() for r in range(history.rowCount())]
    assert "打印含个人信息的文书 信访事项交办单 城关综信交〔2026〕1号（打印，含联系电话）" in cells
    assert "编发文号 信访事项交办单 城关综信交〔2026〕1号" in cells


def test_list_row_draws_rare_names(qtbot: Any, clerk: Services, ref: dict[str, str], make_window: Any,
                                   tmp_path: Path) -> None:
    """The list row of 𪚥𠈌䶮𰻞 has as much ink as an ordinary name, and each character draws
    something other than the "no glyph" box a character without any font gets."""
    petition(clerk, ref, RARE + EXT_G)
    petition(clerk, ref, "张秀兰")
    petition(clerk, ref, NO_FONT * 4)
    for ch in RARE + EXT_G:
        petition(clerk, ref, ch * 4)
    w = make_window(clerk)
    page = w.list_page("petition")
    model = page.model
    col = next(i for i, c in enumerate(model.spec.columns) if c.key == "petitioner_name")
    names = {model.data(model.index(r, col)): r for r in range(model.rowCount())}
    assert RARE + EXT_G in names

    def ink(row: int) -> int:
        """Dark pixels in the name cell of `row`, as drawn on screen."""
        rect = page.table.visualRect(model.index(row, col))
        img = page.table.viewport().grab(rect).toImage()
        return sum(255 - img.pixelColor(x, y).value() for y in range(img.height()) for x in range(img.width()))

    rare, common, undrawable = ink(names[RARE + EXT_G]), ink(names["张秀兰"]), ink(names[NO_FONT * 4])
    assert rare > 0.8 * common  # four dense characters against three ordinary ones
    for ch in RARE + EXT_G:  # each glyph, four times over, against four "no glyph" boxes
        assert abs(ink(names[ch * 4]) - undrawable) > 0.2 * undrawable, ch
    shot = tmp_path / "list.png"
    page.table.viewport().grab().save(str(shot))
    if os.environ.get("ZONGZHI_UPDATE_SAMPLES"):
        shutil.copy(shot, SAMPLES / "list-rare-names.png")


def test_form_flags_a_character_no_font_can_draw(qtbot: Any, clerk: Services) -> None:
    dlg = open_form(qtbot, clerk, "petition")
    cell = dlg.view.cells["petitioner_name"]
    type_text(dlg.view.editors["petitioner_name"], RARE + EXT_G)
    assert not cell.glyphs.isVisibleTo(dlg)  # every one of them has a font
    type_text(dlg.view.editors["petitioner_name"], NO_FONT)
    assert cell.glyphs.isVisibleTo(dlg)
    assert "U+2EBF0" in cell.glyphs.text() and "空框" in cell.glyphs.text()


def test_print_menu_only_offers_what_the_state_allows(qtbot: Any, clerk: Services, ref: dict[str, str]) -> None:
    p = petition(clerk, ref, "张秀兰")
    d = open_detail(qtbot, clerk, "petition", p.id)
    assert d.document_keys() == ["register"]
    clerk.act("petition", p.id, "accept", {"decision_date": "2026-11-10", "decision": "reject",
                                           "decision_reason": "应当通过诉讼途径解决"})
    d.refresh()
    assert d.document_keys() == ["register", "reject_notice"]
    dlg = choose_from_menu(qtbot, d, "reject_notice")
    from pypdf import PdfReader

    text = "".join(PdfReader(io.BytesIO(dlg.pdf)).pages[0].extract_text().split())
    assert "理由：应当通过诉讼途径解决" in text and "（打印时编号）" in text  # preview: no number issued yet
    with clerk.session() as s:
        assert s.execute(select(m.DocumentNumber)).first() is None
    dlg.reject()
