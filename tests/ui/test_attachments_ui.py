"""The 附件 tab: add by the real button (file dialog) and by drag-and-drop, image and PDF preview with
pages, save a copy, void with a reason; history and permissions."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
from forms_helpers import fill, when_modal
from PySide6.QtCore import QMimeData, QPoint, QPointF, Qt, QUrl
from PySide6.QtGui import QDragEnterEvent, QDropEvent, QImage
from PySide6.QtWidgets import QApplication

from zongzhi_desktop.services import Services
from zongzhi_desktop.ui import attachments_tab
from zongzhi_desktop.ui.detail import RecordDetailDialog, StepDialog


def _png(path: Path, color: Any = Qt.GlobalColor.darkGreen) -> Path:
    image = QImage(320, 200, QImage.Format.Format_RGB32)
    image.fill(color)
    assert image.save(str(path), "PNG")
    return path


def _pdf(path: Path, pages: int) -> Path:
    from reportlab.pdfgen import canvas

    buf = io.BytesIO()
    c = canvas.Canvas(buf)
    for n in range(pages):
        c.drawString(72, 720, f"page {n + 1}")
        c.showPage()
    c.save()
    path.write_bytes(buf.getvalue())
    return path


@pytest.fixture
def petition(clerk: Services) -> Any:
    return clerk.create("petition", {"received_date": "2026-11-18", "form": "来信", "petitioner_name": "张三",
                                     "category": "申诉求决类", "request": "要求解决拖欠工资"}).record


def _open(qtbot: Any, svc: Services, rid: str) -> RecordDetailDialog:
    dlg = RecordDetailDialog(svc, "petition", rid)
    qtbot.addWidget(dlg)
    with qtbot.waitActive(dlg):
        dlg.show()
    assert dlg.attachments is not None
    dlg.tabs.setCurrentWidget(dlg.attachments)
    return dlg


def _wait_idle(qtbot: Any, dlg: RecordDetailDialog) -> None:
    qtbot.waitUntil(lambda: dlg.attachments.op is None or dlg.attachments.op.is_done, timeout=10000)


def test_add_preview_save_and_void(qtbot: Any, clerk: Services, reviewer: Services, petition: Any,
                                   tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    photo = _png(tmp_path / "现场照片.png")
    letter = _pdf(tmp_path / "来信扫描件.pdf", pages=2)
    monkeypatch.setattr(attachments_tab, "ask_files", lambda _parent: [str(photo), str(letter)])
    dlg = _open(qtbot, clerk, petition.id)
    tab = dlg.attachments
    assert dlg.tabs.tabText(dlg.tabs.indexOf(tab)) == "附件"

    qtbot.mouseClick(tab.add_btn, Qt.MouseButton.LeftButton)  # the real button
    qtbot.waitUntil(lambda: len(tab.rows) == 2, timeout=10000)
    _wait_idle(qtbot, dlg)
    assert [tab.table.item(r, 0).text() for r in range(2)] == ["现场照片.png", "来信扫描件.pdf"]
    assert dlg.tabs.tabText(dlg.tabs.indexOf(tab)) == "附件（2）"
    assert tab.table.item(0, 3).text() == "录入员小王"  # the person's name, not the login

    # The PDF (selected after adding) previews page by page.
    qtbot.waitUntil(lambda: tab.preview is not None and tab.preview.pages == 2, timeout=10000)
    assert tab.page_label.text() == "第 1 / 2 页" and not tab.image_label.pixmap().isNull()
    qtbot.mouseClick(tab.next_btn, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: tab.preview is not None and tab.preview.page == 1, timeout=10000)
    assert tab.page_label.text() == "第 2 / 2 页" and not tab.next_btn.isEnabled()
    # The photo previews as an image.
    qtbot.mouseClick(tab.table.viewport(), Qt.MouseButton.LeftButton,
                     pos=tab.table.visualItemRect(tab.table.item(0, 0)).center())
    qtbot.waitUntil(lambda: tab.preview is not None and tab.preview.pages == 1, timeout=10000)
    assert tab.image_label.pixmap().width() > 100 and not tab.next_btn.isVisible()

    # 另存为: the bytes come back as they went in.
    copy = tmp_path / "副本.png"
    monkeypatch.setattr(attachments_tab, "ask_save_path", lambda _parent, _name: str(copy))
    qtbot.mouseClick(tab.save_btn, Qt.MouseButton.LeftButton)
    _wait_idle(qtbot, dlg)
    qtbot.waitUntil(copy.exists, timeout=10000)
    assert copy.read_bytes() == photo.read_bytes()

    # Drag-and-drop a file onto the tab.
    dropped = _png(tmp_path / "协议书.png", Qt.GlobalColor.white)
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(dropped))])
    at = QPoint(20, 20)
    enter = QDragEnterEvent(at, Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(tab, enter)
    assert enter.isAccepted()  # files are welcome here
    drop = QDropEvent(QPointF(at), Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton,
                      Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(tab, drop)
    qtbot.waitUntil(lambda: len(tab.rows) == 3, timeout=10000)
    _wait_idle(qtbot, dlg)

    # 作废 the dropped one, with a reason, through the real button.
    tab.table.selectRow(2)

    def give_reason(step: StepDialog) -> None:
        try:
            fill(step.view.editors["void_reason"], "拖错了文件")
            qtbot.keyClick(step.focusWidget() or step, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
        finally:
            if step.isVisible():
                step.reject()

    when_modal(give_reason, StepDialog)
    qtbot.mouseClick(tab.void_btn, Qt.MouseButton.LeftButton)
    assert [a.file_name for a in tab.rows] == ["现场照片.png", "来信扫描件.pdf"]
    history = [dlg.audit_table.item(r, 2).text() for r in range(dlg.audit_table.rowCount())]
    assert history[:4] == ["作废附件", "添加附件", "添加附件", "添加附件"]
    assert "拖错了文件" in dlg.audit_table.item(0, 3).text()

    # A voided record takes no attachment: the buttons say so by being off.
    reviewer.void("petition", petition.id, "重复登记")
    other = _open(qtbot, clerk, petition.id)
    assert not other.attachments.add_btn.isEnabled() and not other.attachments.void_btn.isEnabled()
    assert other.attachments.save_btn.isEnabled()


def test_a_refused_file_is_named_and_nothing_else_changes(qtbot: Any, clerk: Services, petition: Any,
                                                          tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    empty = tmp_path / "空文件.pdf"
    empty.write_bytes(b"")
    monkeypatch.setattr(attachments_tab, "ask_files", lambda _parent: [str(empty)])
    shown: list[str] = []
    monkeypatch.setattr("zongzhi_desktop.ui.runner.show_domain_error",
                        lambda _parent, exc, _title: shown.append(str(exc)))
    dlg = _open(qtbot, clerk, petition.id)
    qtbot.mouseClick(dlg.attachments.add_btn, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: bool(shown), timeout=10000)
    assert "空文件" in shown[0] and dlg.attachments.rows == []
