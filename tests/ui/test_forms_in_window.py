"""The main window opens the generated forms (Ctrl+N) and record details (the agreed interface)."""

from __future__ import annotations

from typing import Any

from forms_helpers import choose, fill
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from zongzhi_desktop.services import Services
from zongzhi_desktop.ui.detail import RecordDetailDialog
from zongzhi_desktop.ui.forms import RecordFormDialog


def test_ctrl_n_in_the_window_opens_the_form_and_a_saved_record_opens_in_detail(
        qtbot: Any, clerk: Services, make_window: Any) -> None:
    w = make_window(clerk)
    QTest.qWaitForWindowActive(w)
    qtbot.keyClick(w, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    forms = [d for d in w.dialogs if isinstance(d, RecordFormDialog)]
    assert len(forms) == 1
    dlg = forms[0]
    dlg.activateWindow()
    QTest.qWaitForWindowActive(dlg)
    e = dlg.view.editors
    choose(e["form"], "来信")
    fill(e["petitioner_name"], "窗口测试")
    choose(e["category"], "建议意见类")
    fill(e["request"], "建议增设路灯")
    saved: list[str] = []
    dlg.saved.connect(saved.append)
    qtbot.keyClick(dlg.focusWidget(), Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    assert len(saved) == 1 and not dlg.isVisible()

    detail = w.open_record("petition", saved[0])
    assert isinstance(detail, RecordDetailDialog)
    assert detail.action_names() == ["accept"] and detail.title_label.text() == "窗口测试"
    detail.close()
