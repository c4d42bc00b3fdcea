"""Helpers for the form and detail tests: reference data, finding widgets, answering message boxes."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMessageBox, QWidget

from zongzhi_desktop.services import Services

VALID_ID = "11010519491231002X"  # GB 11643 example number with a valid check character
BAD_ID = "110105194912310021"  # same number, wrong check character


def seed_reference(admin: Services) -> dict[str, str]:
    """Villages, a grid, departments, a leader, a mediation committee, a team and volunteers."""
    ids: dict[str, str] = {}

    def add(key: str, kind: str, data: dict[str, Any]) -> None:
        ids[key] = admin.create(kind, data).record.id

    add("village_east", "village", {"code": "330825101001", "name": "城东村", "kind": "village"})
    add("village_west", "village", {"code": "330825101002", "name": "西山村", "kind": "village"})
    add("community", "village", {"code": "330825101003", "name": "龙洲社区", "kind": "community"})
    add("grid", "grid", {"village_id": ids["village_east"], "name": "城东第一网格", "code": "G01"})
    add("police", "department", {"name": "城关派出所", "kind": "police"})
    add("justice", "department", {"name": "城关司法所", "kind": "justice"})
    add("leader", "leader", {"name": "王建国", "post": "党委副书记", "level": "township"})
    add("committee", "committee", {"name": "城关镇人民调解委员会"})
    add("mediator", "mediator", {"committee_id": ids["committee"], "name": "陈调解"})
    add("team", "team", {"name": "龙游大妈", "type": "patrol", "village_id": ids["village_east"]})
    add("vol_a", "volunteer", {"name": "周秀英", "gender": "female", "village_id": ids["village_east"]})
    add("vol_b", "volunteer", {"name": "吴桂兰", "gender": "female"})
    add("vol_c", "volunteer", {"name": "郑老兵", "gender": "male", "skills": "调解"})
    return ids


def answer_next_message_box(button: QMessageBox.StandardButton, seen: list[str] | None = None) -> None:
    """Click `button` on the next modal message box (the guard opens with exec())."""

    def click() -> None:
        box = QApplication.activeModalWidget()
        if not isinstance(box, QMessageBox):
            QTimer.singleShot(20, click)
            return
        if seen is not None:
            seen.append(box.text())
        box.button(button).click()

    QTimer.singleShot(20, click)


def when_modal(action: Callable[[QWidget], None], cls: type[QWidget] = QWidget) -> None:
    """Run `action` on the next modal dialog of type `cls` once it is open."""

    def run() -> None:
        w = QApplication.activeModalWidget()
        if not isinstance(w, cls):
            QTimer.singleShot(20, run)
            return
        from PySide6.QtTest import QTest

        w.activateWindow()
        QTest.qWaitForWindowActive(w)
        action(w)

    QTimer.singleShot(20, run)


def type_text(widget: QWidget, text: str) -> None:
    """Type text as key presses. ASCII goes through QTest; other characters (Chinese) are sent as
    key events carrying the character, since QTest.keyClicks only maps ASCII."""
    from PySide6.QtCore import QEvent, Qt
    from PySide6.QtGui import QKeyEvent
    from PySide6.QtTest import QTest

    for ch in text:
        if ch.isascii():
            QTest.keyClick(widget, ch)
            continue
        for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
            QApplication.sendEvent(widget, QKeyEvent(kind, ord(ch), Qt.KeyboardModifier.NoModifier, ch))
        QApplication.processEvents()


# -- driving a generated form -------------------------------------------------------------------

def open_form(qtbot: Any, services: Services, kind: str, record_id: str | None = None) -> Any:
    """A RecordFormDialog shown offscreen; at teardown it is closed without the unsaved guard."""
    from zongzhi_desktop.ui.forms import RecordFormDialog

    dlg = RecordFormDialog(services, kind, record_id)

    def quiet_close() -> None:
        dlg.autosaver.enabled = False
        dlg._baseline = dlg.snapshot()

    qtbot.addWidget(dlg, before_close_func=lambda _w: quiet_close())
    with qtbot.waitActive(dlg):  # an active window, so focus and completers behave as on a desktop
        dlg.show()
    return dlg


def focus(widget: QWidget) -> QWidget:
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QDateEdit, QLineEdit

    from zongzhi_desktop.ui.forms.widgets import focus_target

    target = focus_target(widget)
    target.setFocus(Qt.FocusReason.TabFocusReason)
    if isinstance(target, QLineEdit):
        target.selectAll()
    if isinstance(target, QDateEdit):  # as after Tab: the year is selected and typing replaces it
        target.setSelectedSection(QDateEdit.Section.YearSection)
    return target


def fill(editor: QWidget, text: str) -> None:
    """Type into a text, number, long-text or date editor (replacing what it held)."""
    from PySide6.QtWidgets import QPlainTextEdit

    target = focus(editor)
    if isinstance(target, QPlainTextEdit):
        target.selectAll()
    type_text(target, text)


def choose(combo: Any, label: str) -> None:
    """Pick a code by typing its label into the drop-down (keyboard search)."""
    from PySide6.QtTest import QTest

    if combo.property("typed_into"):  # the keyboard search would append to the last search
        QTest.qWait(QApplication.keyboardInputInterval() + 50)
    combo.setProperty("typed_into", True)
    focus(combo)
    type_text(combo, label)
    assert combo.currentText() == label, f"{combo.objectName()}: got {combo.currentText()!r}"


def pick_ref(qtbot: Any, ref: Any, text: str, label: str | None = None) -> None:
    """Type part of a name into a ref field and take `label` (or the first hit) from its list."""
    from PySide6.QtCore import Qt

    focus(ref)
    type_text(ref.edit, text)
    popup = ref.completer.popup()
    qtbot.waitUntil(popup.isVisible)
    model = popup.model()
    wanted = label or model.index(0, 0).data()
    [row] = [i for i in range(model.rowCount()) if model.index(i, 0).data() == wanted]
    popup.setCurrentIndex(model.index(row, 0))  # as if arrowed down to it
    qtbot.keyClick(popup, Qt.Key.Key_Return)
    assert ref.edit.text() == wanted, (ref.edit.text(), wanted, [model.index(i, 0).data() for i in range(model.rowCount())])
    assert ref.chosen_id() is not None


def tick(qtbot: Any, checkbox: Any) -> None:
    from PySide6.QtCore import Qt

    focus(checkbox)
    qtbot.keyClick(checkbox, Qt.Key.Key_Space)
