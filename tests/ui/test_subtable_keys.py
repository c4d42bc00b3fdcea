"""Sub-tables behave like a spreadsheet: Enter adds rows, Tab leaves, Ctrl+Delete, Excel paste.

Everything here is driven by key events on the focused widget; state is only read to assert.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest
from forms_helpers import VALID_ID, open_form, seed_reference, type_text
from PySide6.QtCore import QPoint, Qt, QTimer
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication, QPlainTextEdit, QWidget
from sqlalchemy import select

from zongzhi_desktop.domain import models as m
from zongzhi_desktop.services import Services
from zongzhi_desktop.ui.forms.widgets import focus_target

SHOTS = os.environ.get("ZONGZHI_SHOTS")  # a folder to keep screenshots in (docs/screenshots)


def shot(widget: QWidget, name: str) -> None:
    """At 1366×768, like the clerk's screen."""
    if SHOTS:
        widget.resize(1366, 768)
        QApplication.processEvents()
        widget.grab().save(str(Path(SHOTS) / name))


@pytest.fixture
def ref(admin: Services) -> dict[str, str]:
    return seed_reference(admin)


def focused() -> QWidget:
    w = QApplication.focusWidget()
    assert w is not None
    return w


def key(qtbot: Any, k: Qt.Key, mods: Qt.KeyboardModifier = Qt.KeyboardModifier.NoModifier) -> QWidget:
    """Press a key on whatever has the focus; return the widget that has it afterwards."""
    qtbot.keyClick(focused(), k, mods)
    return focused()


def truly_visible(dlg: QWidget, w: QWidget) -> bool:
    """The widget is shown and its centre lies inside the form's scroll viewport (not scrolled off)."""
    if not w.isVisible() or w.visibleRegion().isEmpty():
        return False
    viewport = dlg.scroll.viewport()
    centre = w.mapTo(viewport, QPoint(w.width() // 2, w.height() // 2))
    return viewport.rect().contains(centre)


def walk_to(qtbot: Any, dlg: Any, target: QWidget, limit: int = 40) -> None:
    """Press Enter (Tab out of multi-line text) until `target` has the focus; every stop is visible."""
    for _ in range(limit):
        if focused() is target:
            return
        key(qtbot, Qt.Key.Key_Tab if isinstance(focused(), QPlainTextEdit) else Qt.Key.Key_Return)
        assert truly_visible(dlg, focused()), focused().objectName()
    raise AssertionError(f"never reached {target.objectName()}")


def test_enter_in_last_party_cell_adds_a_row_and_never_touches_the_title(qtbot: Any, clerk: Services,
                                                                       ref: dict[str, str]) -> None:
    dlg = open_form(qtbot, clerk, "dispute")
    dlg.resize(980, 640)
    title = dlg.view.editors["title"]
    assert focused() is focus_target(title)
    type_text(focused(), "周某与吴某宅基地纠纷")
    parties = dlg.subtables[0]
    walk_to(qtbot, dlg, parties.add_button)
    key(qtbot, Qt.Key.Key_Return)  # Enter on 添加一行 adds the first row and enters its first cell
    assert parties.row_count() == 1 and focused() is parties.cell_widget(0, 0)
    type_text(focused(), "周大明")
    for _ in range(4):  # 姓名 → 角色 → 身份证号 → 电话 → 住址
        key(qtbot, Qt.Key.Key_Return)
        assert truly_visible(dlg, focused())
    assert focused() is parties.cell_widget(0, 4)
    type_text(focused(), "城东村5组")
    # the data-loss case: Enter in 住址 of the last row
    after = key(qtbot, Qt.Key.Key_Return)
    assert parties.row_count() == 2
    assert after is parties.cell_widget(1, 0)
    assert truly_visible(dlg, after)
    assert title.hasFocus() is False
    type_text(focused(), "Z")  # the next keystroke lands in the new row, not in 纠纷名称
    assert title.value() == "周某与吴某宅基地纠纷"
    assert parties.editor(1, "name").value() == "Z"
    shot(dlg, "form_dispute_parties_keyboard.png")


def test_tab_and_shift_tab_leave_the_table(qtbot: Any, clerk: Services, ref: dict[str, str]) -> None:
    dlg = open_form(qtbot, clerk, "dispute")
    parties = dlg.subtables[0]
    walk_to(qtbot, dlg, parties.add_button)
    key(qtbot, Qt.Key.Key_Return)
    key(qtbot, Qt.Key.Key_Return)  # to 角色
    assert focused() is parties.cell_widget(0, 1)
    assert key(qtbot, Qt.Key.Key_Tab) is parties.add_button  # out of the table, not to 身份证号
    key(qtbot, Qt.Key.Key_Return)  # Enter on the button: a second row
    assert parties.row_count() == 2 and focused() is parties.cell_widget(1, 0)
    before = key(qtbot, Qt.Key.Key_Backtab, Qt.KeyboardModifier.ShiftModifier)
    last_field = dlg.view.focus_chain()[-1]
    assert before is last_field, (before.objectName(), last_field.objectName())
    assert truly_visible(dlg, before)


def test_ctrl_delete_removes_an_unsaved_row(qtbot: Any, clerk: Services, ref: dict[str, str]) -> None:
    dlg = open_form(qtbot, clerk, "dispute")
    parties = dlg.subtables[0]
    walk_to(qtbot, dlg, parties.add_button)
    key(qtbot, Qt.Key.Key_Return)
    type_text(focused(), "甲")
    for _ in range(5):
        key(qtbot, Qt.Key.Key_Return)
    type_text(focused(), "乙")
    assert parties.row_count() == 2
    key(qtbot, Qt.Key.Key_Delete, Qt.KeyboardModifier.ControlModifier)
    assert parties.row_count() == 1 and parties.editor(0, "name").value() == "甲"
    assert focused() is parties.cell_widget(0, 0)


def test_paste_rows_from_excel_fills_rows(qtbot: Any, clerk: Services, ref: dict[str, str]) -> None:
    dlg = open_form(qtbot, clerk, "dispute")
    type_text(focused(), "三方土地纠纷")
    parties = dlg.subtables[0]
    walk_to(qtbot, dlg, parties.add_button)
    key(qtbot, Qt.Key.Key_Return)
    QGuiApplication.clipboard().setText(
        f"周大明\t申请人\t{VALID_ID}\t13900001111\t城东村\r\n吴小军\t被申请人\t\t\t西山村\r\n郑三\t第三人\t\t\t\r\n")
    key(qtbot, Qt.Key.Key_V, Qt.KeyboardModifier.ControlModifier)
    assert parties.row_count() == 3
    got = [(parties.editor(r, "name").value(), parties.editor(r, "role").value(), parties.editor(r, "address").value())
           for r in range(3)]
    assert got == [("周大明", "applicant", "城东村"), ("吴小军", "respondent", "西山村"), ("郑三", "third_party", None)]
    assert parties.editor(0, "id_number").value() == VALID_ID


def test_ctrl_delete_on_a_saved_party_voids_it_with_a_reason(qtbot: Any, clerk: Services,
                                                           ref: dict[str, str]) -> None:
    d = clerk.create("dispute", {"title": "邻里纠纷", "found_date": "2026-11-02", "source": "grid_screening",
                                 "type": "neighbour",
                                 "parties": [{"name": "甲", "role": "applicant"}, {"name": "乙", "role": "respondent"}]}).record
    dlg = open_form(qtbot, clerk, "dispute", d.id)
    parties = dlg.subtables[0]
    parties.table.setFocus()
    qtbot.keyClick(parties.table, Qt.Key.Key_Down)  # the table takes arrow keys: row 2 is 乙
    assert parties.table.currentRow() in (0, 1)
    if parties.table.currentRow() == 0:
        qtbot.keyClick(parties.table, Qt.Key.Key_Down)
    voided_name = parties.table.item(parties.table.currentRow(), 0).text()

    tries = {"n": 0}

    def answer() -> None:  # the void dialog is modal (exec): type the reason, then Ctrl+S
        dlg_ = getattr(parties, "void_dialog", None)
        tries["n"] += 1
        if dlg_ is None or not dlg_.isVisible():
            if tries["n"] < 200:
                QTimer.singleShot(20, answer)
            return
        target = dlg_.focusWidget() or dlg_.view.focus_chain()[0]
        type_text(target, "录入重复")
        qtbot.keyClick(target, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
        if dlg_.isVisible():  # never hang the suite
            dlg_.reject()

    QTimer.singleShot(20, answer)
    qtbot.keyClick(parties.table, Qt.Key.Key_Delete, Qt.KeyboardModifier.ControlModifier)
    with clerk.session() as s:
        rows = list(s.execute(select(m.DisputeParty).where(m.DisputeParty.dispute_id == d.id)).scalars())
    assert len(rows) == 2  # never deleted
    voided = [r for r in rows if r.voided]
    assert [r.name for r in voided] == [voided_name]
    assert parties.table.rowCount() == 1
