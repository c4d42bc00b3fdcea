"""The one print path: a preview of the very PDF that prints, with 打印 (QPrinter, A4) and 导出PDF.

Every printable thing (sheets on the 报表 page, documents from a record's detail view) opens
`PrintPreviewDialog` with its PDF bytes. Pages are rendered with pdfium (QtPdf is not part of
PySide6-Essentials); printing renders each page at the printer's resolution and paints it
full-page on A4, so 1 mm in the PDF is 1 mm on paper (the PDF carries its own GB/T 9704 margins),
all on the operation runner with a progress dialog and 取消 (a 7-page sheet at 300 dpi is over a
second of work). Duplex is switched on where the printer offers it.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QRectF, Qt, Signal
from PySide6.QtGui import (
    QImage,
    QKeyEvent,
    QKeySequence,
    QPageLayout,
    QPageSize,
    QPainter,
    QPixmap,
    QShowEvent,
)
from PySide6.QtPrintSupport import QPrintDialog, QPrinter, QPrinterInfo
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from ..domain.errors import DomainError
from .errors import show_domain_error, show_unexpected_error
from .runner import Cancelled, Operation, OperationRunner, Progress

BASE_DPI = 96.0
ZOOMS = (0.5, 0.75, 1.0, 1.25, 1.5, 2.0)
PRINT_DPI_CAP = 300  # enough for text on a laser printer; more only costs memory


# pdfium is not thread-safe: pages are rendered on the GUI thread (this dialog) and on the
# operation runner's threads (printing, the 报表 preview), one at a time.
PDFIUM_LOCK = threading.Lock()


def page_count(pdf: bytes) -> int:
    """How many pages the PDF has."""
    import pypdfium2 as pdfium

    with PDFIUM_LOCK:
        doc = pdfium.PdfDocument(pdf)
        try:
            return len(doc)
        finally:
            doc.close()


def render_page(pdf: bytes, index: int, dpi: float) -> QImage:
    """One page of a PDF as an RGB image at `dpi`."""
    with PDFIUM_LOCK:
        return _render_page(pdf, index, dpi)


def _try_render_page(pdf: bytes, index: int, dpi: float) -> QImage | None:
    """`render_page`, or None at once when another thread is rendering (the GUI thread never waits)."""
    if not PDFIUM_LOCK.acquire(blocking=False):
        return None
    try:
        return _render_page(pdf, index, dpi)
    finally:
        PDFIUM_LOCK.release()


def _render_page(pdf: bytes, index: int, dpi: float) -> QImage:
    import pypdfium2 as pdfium

    doc = pdfium.PdfDocument(pdf)
    try:
        # RGB byte order straight into a QImage: no Pillow round trip (the frozen build keeps only
        # the part of Pillow that reportlab imports).
        bitmap = doc[index].render(scale=dpi / 72, rev_byteorder=True)
        image = QImage(bytes(bitmap.buffer), bitmap.width, bitmap.height, bitmap.stride,
                       QImage.Format.Format_RGB888).copy()
    finally:
        doc.close()
    return image


def prepare_printer(printer: QPrinter) -> None:
    """A4 portrait, full page (the PDF has its own margins), duplex where the printer offers it."""
    printer.setPageSize(QPageSize(QPageSize.PageSizeId.A4))
    printer.setPageOrientation(QPageLayout.Orientation.Portrait)
    printer.setFullPage(True)
    if printer.outputFormat() == QPrinter.OutputFormat.NativeFormat:
        info = QPrinterInfo(printer)
        if QPrinter.DuplexMode.DuplexLongSide in info.supportedDuplexModes():
            printer.setDuplex(QPrinter.DuplexMode.DuplexLongSide)


def print_pdf(printer: QPrinter, pdf: bytes, dpi: float, progress: Progress | None = None) -> int:
    """Render every page at `dpi` and paint it full-page onto `printer`, one page at a time (only one
    300-dpi page in memory). Runs on the operation runner's thread: Qt supports QPainter on a QPrinter
    outside the GUI thread ("Painting in Threads", Thread-Support in Qt Modules), as long as one
    thread at a time paints on it. `progress` reports each page; 取消 aborts the print job between
    pages (QPrinter.abort: nothing, or only whole pages, reaches the printer). Returns the pages printed."""
    total = page_count(pdf)
    painter = QPainter()
    if not painter.begin(printer):
        raise DomainError("无法开始打印：打印机不可用或输出文件无法写入")
    try:
        paper = printer.paperRect(QPrinter.Unit.DevicePixel)
        for i in range(total):
            if progress is not None:
                if progress.cancelled:
                    printer.abort()
                    raise Cancelled()
                progress.report(i, total, QCoreApplication.translate(
                    "PrintPreviewDialog", "正在打印第 {n} 页，共 {total} 页…").format(n=i + 1, total=total))
            img = render_page(pdf, i, dpi)
            if i and not printer.newPage():
                raise DomainError("打印中断：打印机拒绝了新的一页")
            # The image is A4 like the paper; scale it onto the whole sheet, keeping proportions.
            size = img.size().toSizeF().scaled(paper.size(), Qt.AspectRatioMode.KeepAspectRatio)
            _draw_in_strips(painter, img, size.width(), size.height())
    finally:
        painter.end()
    return total


PRINT_STRIPS = 16


def _draw_in_strips(painter: QPainter, img: QImage, width: float, height: float) -> None:
    """Draw `img` scaled to width × height as PRINT_STRIPS horizontal strips. One drawImage of a
    300-dpi page holds Python's GIL for ~0.1 s (the print engine compresses the whole image), which
    froze the GUI thread although the work runs on the runner; a strip holds it for a few ms. Each
    strip reaches one source row into the next, so no hairline shows between them."""
    rows = img.height()
    scale = height / rows
    for k in range(PRINT_STRIPS):
        y0 = rows * k // PRINT_STRIPS
        y1 = min(rows, rows * (k + 1) // PRINT_STRIPS + 1)
        if y1 <= y0:
            continue
        painter.drawImage(QRectF(0, y0 * scale, width, (y1 - y0) * scale), img, QRectF(0, y0, img.width(), y1 - y0))


def ask_printer(parent: QWidget) -> QPrinter | None:
    """The system print dialog; None when the user cancels."""
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    prepare_printer(printer)
    dlg = QPrintDialog(printer, parent)
    if dlg.exec() != QDialog.DialogCode.Accepted:
        return None
    return printer


def ask_pdf_path(parent: QWidget, suggested: str) -> str | None:
    """Where to save the PDF; None when the user cancels."""
    path, _ = QFileDialog.getSaveFileName(parent, parent.tr("导出PDF"), str(Path.home() / suggested),
                                          parent.tr("PDF 文件 (*.pdf)"))
    return path or None


class PrintPreviewDialog(QDialog):
    """Preview pages (zoom, previous/next) of a PDF, then print it or export it.

    `choose_printer` and `choose_pdf_path` open the system dialogs; tests replace them with a
    PDF-format printer and a file path (a print dialog cannot run headless) and click the buttons.
    `finalize()` (optional) returns the PDF as issued — e.g. with its 文号 — and runs once, off the
    GUI thread, before the first print or export; the preview then shows the issued pages.
    `on_output(kind)` runs after a successful print ("print") or export ("pdf"), e.g. to audit it.
    """

    printed = Signal()
    exported = Signal(str)
    rendered = Signal()  # a page rendered on the runner is now shown

    def __init__(self, pdf: bytes, title: str, file_name: str, parent: QWidget | None = None, *,
                 runner: OperationRunner | None = None,
                 on_output: Callable[[str], None] | None = None,
                 finalize: Callable[[], bytes] | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("print_preview")
        self.setWindowTitle(self.tr("打印预览 — {title}").format(title=title))
        self.pdf = pdf
        self.file_name = file_name
        self.pages = page_count(pdf)
        self.page = 0
        self.zoom = 1.0
        self.runner = runner or OperationRunner(self)
        self.on_output = on_output
        self.finalize = finalize
        self.choose_printer: Callable[[QWidget], QPrinter | None] = ask_printer
        self.choose_pdf_path: Callable[[QWidget, str], str | None] = ask_pdf_path
        self._cache: dict[tuple[int, float], QImage] = {}
        self._printer: QPrinter | None = None
        self._rendering: set[tuple[int, float]] = set()
        self.print_op: Operation | None = None
        self._build()
        self.show_page(0)

    def _build(self) -> None:
        self.prev_btn = QPushButton(self.tr("上一页"))
        self.next_btn = QPushButton(self.tr("下一页"))
        self.page_label = QLabel()
        self.zoom_combo = QComboBox()
        for z in ZOOMS:
            self.zoom_combo.addItem(f"{int(z * 100)}%", z)
        self.zoom_combo.setCurrentIndex(ZOOMS.index(1.0))
        self.print_btn = QPushButton(self.tr("打印…"))
        self.pdf_btn = QPushButton(self.tr("导出PDF…"))
        self.close_btn = QPushButton(self.tr("关闭"))
        self.print_btn.setDefault(True)
        self.print_btn.setToolTip(self.tr("打印到打印机（Ctrl+P）"))
        self.pdf_btn.setToolTip(self.tr("保存为PDF文件（Ctrl+S）"))
        self.prev_btn.setToolTip(self.tr("上一页（PageUp）"))
        self.next_btn.setToolTip(self.tr("下一页（PageDown）"))
        bar = QHBoxLayout()
        for w in (self.prev_btn, self.page_label, self.next_btn, QLabel(self.tr("缩放")), self.zoom_combo):
            bar.addWidget(w)
        bar.addStretch(1)
        for w in (self.print_btn, self.pdf_btn, self.close_btn):
            bar.addWidget(w)

        self.view = QLabel()
        self.view.setObjectName("preview_page")
        self.view.setStyleSheet("background: white; border: 1px solid #999;")
        self.scroll = QScrollArea()
        self.scroll.setAlignment(Qt.AlignmentFlag.AlignHCenter)
        self.scroll.setWidget(self.view)
        self.scroll.setStyleSheet("QScrollArea { background: #d8d8d8; }")
        layout = QVBoxLayout(self)
        layout.addLayout(bar)
        layout.addWidget(self.scroll, 1)

        # clicked(bool) would fill an optional first parameter: connect through lambdas.
        self.prev_btn.clicked.connect(lambda: self.show_page(self.page - 1))
        self.next_btn.clicked.connect(lambda: self.show_page(self.page + 1))
        self.zoom_combo.currentIndexChanged.connect(lambda _i: self.set_zoom(float(self.zoom_combo.currentData())))
        self.print_btn.clicked.connect(lambda: self.print_document())
        self.pdf_btn.clicked.connect(lambda: self.export_pdf())
        self.close_btn.clicked.connect(lambda: self.reject())
        # Keys are handled in keyPressEvent (not QShortcut): they reach the dialog from any child
        # that ignores them, whether or not a window manager has activated the new window.
        self.scroll.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self._keys: list[tuple[QKeySequence, Callable[[], object]]] = [
            (QKeySequence(Qt.Key.Key_PageDown), lambda: self.show_page(self.page + 1)),
            (QKeySequence(Qt.Key.Key_PageUp), lambda: self.show_page(self.page - 1)),
            (QKeySequence(Qt.Key.Key_Home), lambda: self.show_page(0)),
            (QKeySequence(Qt.Key.Key_End), lambda: self.show_page(self.pages - 1)),
        ]
        for std, fn in ((QKeySequence.StandardKey.Print, self.print_document),
                        (QKeySequence.StandardKey.Save, self.export_pdf),
                        (QKeySequence.StandardKey.ZoomIn, lambda: self._step_zoom(1)),
                        (QKeySequence.StandardKey.ZoomOut, lambda: self._step_zoom(-1))):
            self._keys += [(seq, fn) for seq in QKeySequence.keyBindings(std)]
        self.resize(900, 760)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        pressed = QKeySequence(event.keyCombination())
        for seq, fn in self._keys:
            if seq.matches(pressed) == QKeySequence.SequenceMatch.ExactMatch:
                fn()
                event.accept()
                return
        super().keyPressEvent(event)

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        # Keys (PageDown, Ctrl+P) belong to the preview as soon as it opens.
        self.raise_()
        self.activateWindow()
        self.print_btn.setFocus()

    # -- viewing ------------------------------------------------------------------------------
    def show_page(self, index: int) -> None:
        """Show page `index` (0-based, clamped) at the current zoom.

        A page at 100% renders here (~20-40 ms); a larger zoom first shows the 100% image scaled up
        and is rendered sharp on the runner (~0.2 s at 200%), replacing it when done. pdfium serves one
        thread at a time: while a print job or a sharp render holds it, the page is rendered on the
        runner too instead of waiting here."""
        self.page = max(0, min(index, self.pages - 1))
        page, zoom = self.page, self.zoom
        img = self._cache.get((page, zoom))
        if img is None:
            base = self._cache.get((page, 1.0))
            if base is None:
                base = _try_render_page(self.pdf, page, BASE_DPI)
                if base is not None:
                    self._cache[(page, 1.0)] = base
            if zoom == 1.0:
                img = base
            if img is None:
                self._render_later(page, zoom)
            if img is None and base is not None:
                size = base.size() * zoom
                self.view.setPixmap(QPixmap.fromImage(base).scaled(size, Qt.AspectRatioMode.KeepAspectRatio,
                                                                   Qt.TransformationMode.FastTransformation))
                self.view.setFixedSize(size)
        if img is not None:
            self._display(img)
        self.page_label.setText(self.tr("第 {n} 页 / 共 {total} 页").format(n=self.page + 1, total=self.pages))
        self.prev_btn.setEnabled(self.page > 0)
        self.next_btn.setEnabled(self.page < self.pages - 1)

    def _display(self, img: QImage) -> None:
        self.view.setPixmap(QPixmap.fromImage(img))
        self.view.setFixedSize(img.size())

    def _render_later(self, page: int, zoom: float) -> None:
        """Render (page, zoom) on the runner and show it if it is still the page asked for."""
        key = (page, zoom)
        if key in self._rendering:
            return
        self._rendering.add(key)
        pdf = self.pdf

        def done(img: QImage) -> None:
            self._rendering.discard(key)
            if pdf is not self.pdf:
                return  # the PDF was replaced (issued) meanwhile
            self._cache[key] = img
            if (self.page, self.zoom) == key:
                self._display(img)
                self.rendered.emit()

        op = self.runner.run(self.tr("显示预览"), lambda _p: render_page(pdf, page, BASE_DPI * zoom), on_done=done,
                             show_progress=False, housekeeping=True)
        op.failed.connect(lambda _e: self._rendering.discard(key))

    def set_zoom(self, zoom: float) -> None:
        self.zoom = zoom
        i = self.zoom_combo.findData(zoom)
        if i >= 0 and i != self.zoom_combo.currentIndex():
            self.zoom_combo.setCurrentIndex(i)
        self.show_page(self.page)

    def _step_zoom(self, step: int) -> None:
        i = min(max(self.zoom_combo.currentIndex() + step, 0), len(ZOOMS) - 1)
        self.zoom_combo.setCurrentIndex(i)

    # -- output -------------------------------------------------------------------------------
    def _final_pdf(self) -> bytes:
        """The PDF to print or export (worker thread: runs `finalize` once if there is one)."""
        if self.finalize is None:
            return self.pdf
        return self.finalize()

    def _adopt(self, pdf: bytes) -> None:
        """Show the issued PDF if finalizing changed it (GUI thread)."""
        if pdf != self.pdf:
            self.pdf = pdf
            self.finalize = None
            self.pages = page_count(pdf)
            self._cache.clear()
            self.show_page(self.page)

    def print_document(self) -> bool:
        """Ask for a printer, then render and print every page on the runner (progress, 取消);
        False if no printer was chosen."""
        printer = self.choose_printer(self)
        if printer is None:
            return False
        prepare_printer(printer)
        dpi = min(printer.resolution(), PRINT_DPI_CAP)

        def work(progress: Progress) -> bytes:
            pdf = self._final_pdf()
            progress.check()
            print_pdf(printer, pdf, dpi, progress)
            return pdf

        def done(pdf: bytes) -> None:
            self._printer = None
            self._adopt(pdf)
            if self.on_output is not None:
                self.on_output("print")
            self.printed.emit()

        def failed(error: BaseException) -> None:
            self._printer = None
            if isinstance(error, DomainError):
                show_domain_error(self, error, self.tr("打印"))
            else:
                show_unexpected_error(self, f"{type(error).__name__}: {error}", "", self.runner.log_path)

        self._printer = printer  # kept alive until the job ends
        self.print_op = self.runner.run(self.tr("打印"), work, on_done=done, on_error=failed, cancellable=True,
                                        label=self.tr("正在打印…"), dialog_parent=self)
        self.print_op.cancelled.connect(lambda: setattr(self, "_printer", None))
        return True

    def export_pdf(self, path: str | None = None) -> bool:
        """Save exactly the PDF shown (as issued); False if cancelled."""
        path = path or self.choose_pdf_path(self, self.file_name)
        if not path:
            return False

        def done(pdf: bytes) -> None:
            self._adopt(pdf)
            try:
                Path(path).write_bytes(pdf)
            except OSError as e:
                show_domain_error(self, DomainError(self.tr("无法写入文件“{p}”：{e}").format(p=path, e=e.strerror)))
                return
            if self.on_output is not None:
                self.on_output("pdf")
            self.exported.emit(path)

        self.runner.run(self.tr("导出PDF"), lambda _p: self._final_pdf(), on_done=done, dialog_parent=self)
        return True
