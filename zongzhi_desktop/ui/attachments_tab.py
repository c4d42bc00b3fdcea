"""The 附件 tab of a record's detail: list, preview (images and PDF pages), add by file dialog or
drag-and-drop, save a copy, void.

Reading, decrypting and decoding a file, and attaching one, run on the operation runner: a 50 MB
scan must not freeze the window. The list itself is one indexed query.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import (
    QDragEnterEvent,
    QDropEvent,
    QImage,
    QKeySequence,
    QPixmap,
    QResizeEvent,
    QShortcut,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QScrollArea,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ..domain.formatting import size_text, time_text
from ..services import Services
from ..services.attachments import MAX_ATTACHMENT_BYTES, PREVIEWABLE
from .runner import OperationRunner

ADD_SHORTCUT = "Ctrl+Shift+A"
PREVIEW_DPI = 110.0


def ask_files(parent: QWidget) -> list[str]:
    """The files the user picks to attach (Qt's dialog, in Chinese)."""
    files, _ = QFileDialog.getOpenFileNames(
        parent, parent.tr("添加附件"), "",
        parent.tr("扫描件和照片 (*.pdf *.jpg *.jpeg *.png *.bmp *.gif *.tif *.tiff);;所有文件 (*)"))
    return files


def ask_save_path(parent: QWidget, suggested: str) -> str:
    """Where to save a copy of an attachment ('' when cancelled)."""
    path, _ = QFileDialog.getSaveFileName(parent, parent.tr("附件另存为"), suggested)
    return path


@dataclass
class Preview:
    """A decoded preview: an image, or one page of a PDF with the page count."""

    image: QImage | None
    pages: int = 0
    page: int = 0
    message: str = ""


def build_preview(data: bytes, media_type: str, page: int) -> Preview:
    """Decode an attachment for display (worker thread: QImage and pdfium work off the GUI thread)."""
    if media_type == "application/pdf":
        from .print_preview import page_count, render_page

        try:
            pages = page_count(data)
            page = max(0, min(page, pages - 1))
            return Preview(render_page(data, page, PREVIEW_DPI), pages, page)
        except Exception as e:  # pdfium refuses a damaged PDF: say so instead of failing the tab
            return Preview(None, message=f"无法预览这个PDF文件（{type(e).__name__}），可另存后用其他软件打开")
    image = QImage.fromData(data)
    if image.isNull():
        return Preview(None, message="无法预览这个图片文件，可另存后用其他软件打开")
    return Preview(image, 1, 0)


class AttachmentsTab(QWidget):
    """Attachments of one record."""

    changed = Signal()  # an attachment was added or voided

    def __init__(self, services: Services, kind: str, record_id: str, runner: Callable[[], OperationRunner],
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("attachments_tab")
        self.services, self.kind, self.record_id = services, kind, record_id
        self._runner = runner
        self.rows: list[Any] = []
        self.preview: Preview | None = None
        self._shown_id: str | None = None
        self.setAcceptDrops(True)

        self.table = QTableWidget(0, 5, self)
        self.table.setObjectName("attachments_table")
        self.table.setHorizontalHeaderLabels([self.tr("文件名"), self.tr("大小"), self.tr("说明"), self.tr("添加人"),
                                              self.tr("添加时间")])
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.table.itemSelectionChanged.connect(self._selection_changed)

        self.image_label = QLabel(self)
        self.image_label.setObjectName("attachment_preview")
        self.image_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.image_label.setMinimumWidth(200)
        self.scroll = QScrollArea(self)
        self.scroll.setWidgetResizable(True)
        self.scroll.setWidget(self.image_label)
        self.page_label = QLabel(self)
        self.page_label.setObjectName("attachment_page")
        self.prev_btn = QPushButton(self.tr("上一页"), self)
        self.prev_btn.setObjectName("attachment_prev_page")
        self.next_btn = QPushButton(self.tr("下一页"), self)
        self.next_btn.setObjectName("attachment_next_page")
        self.prev_btn.clicked.connect(lambda: self.show_page(-1))
        self.next_btn.clicked.connect(lambda: self.show_page(1))
        nav = QHBoxLayout()
        nav.addWidget(self.prev_btn)
        nav.addWidget(self.page_label, 1, Qt.AlignmentFlag.AlignCenter)
        nav.addWidget(self.next_btn)
        right = QWidget(self)
        rl = QVBoxLayout(right)
        rl.setContentsMargins(0, 0, 0, 0)
        rl.addWidget(self.scroll, 1)
        rl.addLayout(nav)

        split = QSplitter(Qt.Orientation.Horizontal, self)
        split.addWidget(self.table)
        split.addWidget(right)
        split.setStretchFactor(0, 1)
        split.setStretchFactor(1, 1)

        self.add_btn = QPushButton(self.tr("添加附件…"), self)
        self.add_btn.setObjectName("attachment_add")
        self.add_btn.setAutoDefault(False)
        self.add_btn.setToolTip(self.tr("添加扫描件、照片或签字的协议书（{key}）；也可以把文件拖到这里。单个不超过 {mb} MB")
                                .format(key=ADD_SHORTCUT, mb=MAX_ATTACHMENT_BYTES // 1048576))
        self.add_btn.clicked.connect(lambda: self.add_files())
        self.save_btn = QPushButton(self.tr("另存为…"), self)
        self.save_btn.setObjectName("attachment_save")
        self.save_btn.setAutoDefault(False)
        self.save_btn.clicked.connect(lambda: self.save_selected())
        self.void_btn = QPushButton(self.tr("作废所选附件…"), self)
        self.void_btn.setObjectName("attachment_void")
        self.void_btn.setAutoDefault(False)
        self.void_btn.clicked.connect(lambda: self.void_selected())
        hint = QLabel(self.tr("把文件拖到此处即可添加"), self)
        hint.setStyleSheet("color: #666;")
        buttons = QHBoxLayout()
        buttons.addWidget(self.add_btn)
        buttons.addWidget(self.save_btn)
        buttons.addWidget(self.void_btn)
        buttons.addStretch(1)
        buttons.addWidget(hint)
        lay = QVBoxLayout(self)
        lay.addWidget(split, 1)
        lay.addLayout(buttons)
        QShortcut(QKeySequence(ADD_SHORTCUT), self, activated=lambda: self.add_files(),
                  context=Qt.ShortcutContext.WindowShortcut)
        self.op: Any = None

    # -- reading ------------------------------------------------------------------------------
    def refresh(self, *, may_change: bool = True) -> None:
        """Re-read the list; `may_change`: whether this user may add and void attachments here."""
        self.rows = self.services.attachments(self.kind, self.record_id)
        people = self.services.people()
        self.table.setRowCount(len(self.rows))
        for r, a in enumerate(self.rows):
            cells = [a.file_name, size_text(a.size), a.note or "", people.get(a.created_by, a.created_by),
                     time_text(a.created_at)]
            for c, text in enumerate(cells):
                self.table.setItem(r, c, QTableWidgetItem(text))
        self.table.resizeColumnsToContents()
        self.table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.add_btn.setEnabled(may_change)
        self.void_btn.setEnabled(may_change and bool(self.rows))
        self.save_btn.setEnabled(bool(self.rows))
        if self.rows and self.table.currentRow() < 0:
            self.table.selectRow(0)
        elif not self.rows:
            self._show(None)

    def selected(self) -> Any | None:
        row = self.table.currentRow()
        return self.rows[row] if 0 <= row < len(self.rows) else None

    def _selection_changed(self) -> None:
        att = self.selected()
        if att is not None and att.id != self._shown_id:
            self.load_preview(att, 0)

    def load_preview(self, att: Any, page: int) -> None:
        """Decode the attachment (or one PDF page) on the runner, then show it."""
        self._shown_id = att.id
        if att.media_type not in PREVIEWABLE:
            self._show(Preview(None, message=self.tr("“{name}”（{type}）不能在此预览，可另存后用其他软件打开")
                               .format(name=att.file_name, type=att.media_type)))
            return
        self.image_label.setText(self.tr("正在加载…"))
        svc, media = self.services, att.media_type

        def work(_p: object) -> Preview:
            return build_preview(svc.attachment_bytes(att.id), media, page)

        def done(preview: Preview) -> None:
            if self._shown_id == att.id:  # the user may have moved on meanwhile
                self._show(preview)

        self.op = self._runner().run(self.tr("打开附件"), work, on_done=done, show_progress=False,
                                     housekeeping=True, on_error=lambda e: self._show(Preview(None, message=str(e))))

    def _show(self, preview: Preview | None) -> None:
        self.preview = preview
        paged = preview is not None and preview.pages > 1
        for w in (self.prev_btn, self.next_btn, self.page_label):
            w.setVisible(paged)
        if preview is None:
            self.image_label.setPixmap(QPixmap())
            self.image_label.setText(self.tr("没有附件") if not self.rows else "")
            return
        if preview.image is None:
            self.image_label.setPixmap(QPixmap())
            self.image_label.setText(preview.message)
            self.image_label.setWordWrap(True)
            return
        if paged:
            self.page_label.setText(self.tr("第 {n} / {total} 页").format(n=preview.page + 1, total=preview.pages))
            self.prev_btn.setEnabled(preview.page > 0)
            self.next_btn.setEnabled(preview.page < preview.pages - 1)
        self._fit()

    def _fit(self) -> None:
        if self.preview is None or self.preview.image is None:
            return
        width = max(100, self.scroll.viewport().width() - 8)
        image = self.preview.image
        if image.width() > width:
            image = image.scaledToWidth(width, Qt.TransformationMode.SmoothTransformation)
        self.image_label.setPixmap(QPixmap.fromImage(image))

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._fit()

    def show_page(self, step: int) -> None:
        att = self.selected()
        if att is not None and self.preview is not None and self.preview.pages > 1:
            self.load_preview(att, self.preview.page + step)

    # -- writing ------------------------------------------------------------------------------
    def add_files(self, paths: list[str] | None = None) -> None:
        """Attach files (asked for when not given) on the runner, then refresh."""
        if not self.add_btn.isEnabled():
            return
        paths = paths if paths is not None else ask_files(self)
        if not paths:
            return
        svc, kind, rid = self.services, self.kind, self.record_id

        def work(progress: Any) -> int:
            for n, path in enumerate(paths, 1):
                progress.check()  # 取消 stops before the next file; those attached stay
                progress.report(n - 1, len(paths), Path(path).name)
                svc.attach_file(kind, rid, path)
            return len(paths)

        def done(_n: int) -> None:
            self._shown_id = None
            self.refresh()
            self.table.selectRow(len(self.rows) - 1)
            self.changed.emit()

        self.op = self._runner().run(self.tr("添加附件"), work, on_done=done, cancellable=len(paths) > 1)
        # Refused or cancelled part-way: the files before stay attached; the runner reports the refusal.
        self.op.failed.connect(lambda _e: self._partly_done())
        self.op.cancelled.connect(lambda: self._partly_done())

    def _partly_done(self) -> None:
        self._shown_id = None
        self.refresh()
        self.changed.emit()

    def save_selected(self, path: str | None = None) -> None:
        att = self.selected()
        if att is None:
            return
        target = path if path is not None else ask_save_path(self, att.file_name)
        if not target:
            return
        svc = self.services
        self.op = self._runner().run(self.tr("附件另存为"), lambda _p: svc.export_attachment(att.id, target))

    def void_selected(self) -> bool:
        from .detail import VOID_REASON, StepDialog

        att = self.selected()
        if att is None:
            return False
        dlg = StepDialog(self.services, self.tr("作废附件“{name}”").format(name=att.file_name), [VOID_REASON],
                         lambda v: self.services.void_attachment(att.id, v["void_reason"] or ""), self,
                         intro=self.tr("作废后附件不再列出，但文件保留，并记入修改历史。"), name="void_attachment")
        if dlg.exec():
            self._shown_id = None
            self.refresh()
            self.changed.emit()
            return True
        return False

    # -- drag and drop ------------------------------------------------------------------------
    @staticmethod
    def _local_files(event: QDragEnterEvent | QDropEvent) -> list[str]:
        mime = event.mimeData()
        if not mime.hasUrls():
            return []
        return [u.toLocalFile() for u in mime.urls() if u.isLocalFile() and Path(u.toLocalFile()).is_file()]

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if self.add_btn.isEnabled() and self._local_files(event):
            event.acceptProposedAction()
        else:
            event.ignore()

    def dragMoveEvent(self, event: Any) -> None:
        if self.add_btn.isEnabled():
            event.acceptProposedAction()
        else:
            event.ignore()

    def dropEvent(self, event: QDropEvent) -> None:
        files = self._local_files(event)
        if files and self.add_btn.isEnabled():
            event.acceptProposedAction()
            self.add_files(files)
