"""报表 page: pick a sheet and period, preview the real PDF pages, fill in the staff-written parts,
save, sign off, print and export; clicking a number in the preview opens the records behind it.

The preview shows the very PDF that prints (pages rendered with pdfium), and the renderer tells
where each figure was drawn, so a click maps back to the figure's records.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, QPoint, QRectF, Qt, Signal
from PySide6.QtGui import (
    QCursor,
    QImage,
    QKeySequence,
    QMouseEvent,
    QPixmap,
    QShortcut,
)
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMenu,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QSplitter,
    QToolTip,
    QVBoxLayout,
    QWidget,
)

from ..domain.errors import DomainError
from ..domain.roles import Perm, has_perm
from ..reports import service as rs
from ..reports.model import Refs, Report
from ..reports.periods import SHEET_PERIOD, Period
from ..reports.render_pdf import Hotspot
from ..reports.render_xlsx import render_xlsx
from ..reports.sheets import PARTS
from ..services import Services
from .errors import show_domain_error, show_unexpected_error
from .print_preview import PDFIUM_LOCK, PrintPreviewDialog
from .runner import Operation, OperationRunner, Progress

# The staff-written parts' labels (reports.sheets.PARTS, Qt-free) for the translation catalog.
_PART_LABELS = (
    QT_TRANSLATE_NOOP("ReportParts", "研判意见"), QT_TRANSLATE_NOOP("ReportParts", "下周重点"),
    QT_TRANSLATE_NOOP("ReportParts", "下月安排"), QT_TRANSLATE_NOOP("ReportParts", "新情况新问题"),
    QT_TRANSLATE_NOOP("ReportParts", "下季措施"),
)

PREVIEW_DPI = 96
KIND_LABELS = {"petition": "信访件", "dispute": "矛盾纠纷", "package": "领导包案", "dispatch": "调度事项",
               "activity": "志愿活动"}


def render_pages(pdf: bytes, dpi: float = PREVIEW_DPI) -> list[QImage]:
    """Every page of a PDF as an image (pdfium; QtPdf is not part of PySide6-Essentials)."""
    with PDFIUM_LOCK:
        return _render_pages(pdf, dpi)


def _render_pages(pdf: bytes, dpi: float) -> list[QImage]:
    import pypdfium2 as pdfium

    doc = pdfium.PdfDocument(pdf)
    images = []
    try:
        for i in range(len(doc)):
            # RGB byte order straight into a QImage: no Pillow round trip (it is not in the desktop build).
            bitmap = doc[i].render(scale=dpi / 72, rev_byteorder=True)
            try:
                if bitmap.n_channels != 3:
                    raise RuntimeError(f"pdfium rendered {bitmap.n_channels} channels, expected RGB")
                images.append(QImage(bytes(bitmap.buffer), bitmap.width, bitmap.height, bitmap.stride,
                                     QImage.Format.Format_RGB888).copy())
            finally:
                bitmap.close()
    finally:
        doc.close()
    return images


class PageView(QLabel):
    """One rendered page; reports clicks on figures (hotspots) with their records."""

    figure_clicked = Signal(object, str)  # hotspot, label

    def __init__(self, image: QImage, page: int, hotspots: list[Hotspot], dpi: float,
                 report: Report | None = None) -> None:
        super().__init__()
        self.report = report
        self.setPixmap(QPixmap.fromImage(image))
        self.setFixedSize(image.size())
        self.setMouseTracking(True)
        self.page = page
        self.scale = dpi / 72
        self.height_pt = image.height() / self.scale
        self.hotspots = [h for h in hotspots if h.page == page]
        self.setStyleSheet("background: white; border: 1px solid #999;")

    def rect_of(self, h: Hotspot) -> QRectF:
        """The hotspot in widget pixels (PDF origin is bottom-left)."""
        s = self.scale
        return QRectF(h.x0 * s, (self.height_pt - h.y1) * s, (h.x1 - h.x0) * s, (h.y1 - h.y0) * s)

    def count_of(self, h: Hotspot) -> int:
        """How many records a click opens, known without fetching their ids."""
        if h.refs is not None:
            return sum(len(v) for v in h.refs.values())
        if self.report is not None and h.key in self.report.values:
            return int(self.report.values[h.key].records())
        return 0

    def hotspot_at(self, pos: QPoint) -> Hotspot | None:
        for h in self.hotspots:
            if self.rect_of(h).adjusted(-2, -2, 2, 2).contains(pos.toPointF()):
                return h
        return None

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        h = self.hotspot_at(event.position().toPoint())
        self.setCursor(Qt.CursorShape.PointingHandCursor if h else Qt.CursorShape.ArrowCursor)
        if h:
            n = self.count_of(h)
            QToolTip.showText(event.globalPosition().toPoint(), self.tr("点击查看这 {n} 条记录").format(n=n), self)
        super().mouseMoveEvent(event)

    def mousePressEvent(self, event: QMouseEvent) -> None:
        h = self.hotspot_at(event.position().toPoint())
        if h is not None and event.button() == Qt.MouseButton.LeftButton:
            self.figure_clicked.emit(h, h.label)
            return
        super().mousePressEvent(event)


class ReportPage(QWidget):
    """The 报表 page, mounted by the main window; emits `open_records` for drill-down."""

    open_records = Signal(str, list)  # kind, record ids
    refreshed = Signal()  # the preview shows the sheet last asked for
    exported = Signal(str)  # a file was written (export)

    def __init__(self, services: Services, parent: QWidget | None = None, *,
                 runner: OperationRunner | None = None) -> None:
        super().__init__(parent)
        self.services = services
        # The window's one runner: building a sheet takes 0.3 s at a township and up to 1.5 s at
        # the county, which must not freeze the window.
        self.runner = runner or getattr(parent, "runner", None) or OperationRunner(self)
        self._generation = 0
        self._drill = 0  # the latest figure click (older answers are dropped)
        self._refreshing = False
        self._operation: Operation | None = None  # the preview being built
        self.pdf: bytes = b""
        self.rendered: rs.Rendered | None = None
        self.hotspots: list[Hotspot] = []
        self.pages: list[PageView] = []
        self.editors: dict[str, QPlainTextEdit] = {}
        self.preview_dialog: PrintPreviewDialog | None = None
        self._build()
        self._kind_changed()

    # -- layout -------------------------------------------------------------------------------
    def _build(self) -> None:
        top = QHBoxLayout()
        self.sheet_combo = QComboBox()
        for kind, label in rs.SHEET_LABELS.items():
            self.sheet_combo.addItem(label, kind)
        self.period_combo = QComboBox()
        self.period_combo.setEditable(True)
        self.period_combo.setMinimumWidth(260)
        self.generate_btn = QPushButton(self.tr("生成预览"))
        self.save_btn = QPushButton(self.tr("保存填写内容"))
        self.sign_btn = QPushButton(self.tr("审核签发"))
        self.print_btn = QPushButton(self.tr("打印…"))
        self.pdf_btn = QPushButton(self.tr("导出PDF…"))
        self.xlsx_btn = QPushButton(self.tr("导出Excel…"))
        self.appendix_box = QCheckBox(self.tr("附录"))
        self.appendix_box.setToolTip(self.tr("在报表末尾列出正文中因篇幅截断的清单的全部记录（纸面不能点击）；签发的报表总带附录"))
        top.addWidget(QLabel(self.tr("报表")))
        top.addWidget(self.sheet_combo)
        top.addWidget(QLabel(self.tr("期间")))
        top.addWidget(self.period_combo)
        for b in (self.generate_btn, self.save_btn, self.sign_btn, self.print_btn, self.pdf_btn, self.xlsx_btn):
            top.addWidget(b)
        top.addStretch(1)
        self.status = QLabel()
        self.status.setObjectName("report_status")
        self.status.setWordWrap(True)
        self.cancel_btn = QPushButton(self.tr("取消"))
        self.cancel_btn.setObjectName("report_cancel")
        self.cancel_btn.setToolTip(self.tr("停止生成这张报表"))
        self.cancel_btn.setVisible(False)

        self.pages_box = QWidget()
        self.pages_layout = QVBoxLayout(self.pages_box)
        self.pages_layout.setAlignment(Qt.AlignmentFlag.AlignHCenter)
        self.pages_layout.setSpacing(12)
        self.scroll = QScrollArea()
        self.scroll.setWidget(self.pages_box)
        self.scroll.setWidgetResizable(True)
        self.scroll.setStyleSheet("QScrollArea { background: #d8d8d8; }")

        self.parts_box = QGroupBox(self.tr("填写内容"))
        self.parts_form = QFormLayout(self.parts_box)
        self.filled_by = QLineEdit()
        self.filled_by.setPlaceholderText(self.tr("默认为当前用户"))
        self.warnings = QLabel()
        self.warnings.setWordWrap(True)
        self.warnings.setStyleSheet("color: #a33;")
        side = QWidget()
        side.setMinimumWidth(300)
        side.setMaximumWidth(460)
        side_layout = QVBoxLayout(side)
        side_layout.addWidget(self.parts_box)
        side_layout.addWidget(self.warnings)
        side_layout.addStretch(1)

        self.splitter = QSplitter()
        self.splitter.addWidget(self.scroll)
        self.splitter.addWidget(side)
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setSizes([900, 380])

        # On the status line, not the toolbar: the toolbar's width is the page's minimum width.
        status_row = QHBoxLayout()
        status_row.addWidget(self.status, 1)
        status_row.addWidget(self.cancel_btn)
        status_row.addWidget(self.appendix_box)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addLayout(status_row)
        layout.addWidget(self.splitter, 1)

        self.sheet_combo.currentIndexChanged.connect(self._kind_changed)
        self.period_combo.activated.connect(lambda _i: self.refresh())
        self.period_combo.lineEdit().returnPressed.connect(self.refresh)
        self.generate_btn.clicked.connect(lambda: self.refresh())
        self.cancel_btn.clicked.connect(lambda: self.cancel())
        self.save_btn.clicked.connect(lambda: self.save())
        self.sign_btn.clicked.connect(lambda: self.sign())
        self.pdf_btn.clicked.connect(lambda: self.export(fmt="pdf"))
        self.xlsx_btn.clicked.connect(lambda: self.export(fmt="xlsx"))
        # clicked(bool) would land in a parameter: always through a lambda.
        self.print_btn.clicked.connect(lambda: self.print_sheet())
        self.print_btn.setToolTip(self.tr("打印预览，可打印或导出PDF（Ctrl+P）"))
        QShortcut(QKeySequence.StandardKey.Print, self, activated=lambda: self.print_sheet())
        # Re-render the preview (what print and export write) with or without the appendix.
        self.appendix_box.toggled.connect(lambda _on: self.refresh(keep_parts=True) if self.rendered is not None else None)
        self.sign_btn.setVisible(has_perm(self.services.actor.role, Perm.REVIEW))

    # -- state --------------------------------------------------------------------------------
    @property
    def kind(self) -> str:
        return str(self.sheet_combo.currentData())

    def period(self) -> Period:
        text = self.period_combo.currentText().split(" ", 1)[0].strip()
        return rs.period_for(self.kind, text)

    def set_sheet(self, kind: str, period: str) -> None:
        """Select a sheet and period and show it (also used by tests and the main window)."""
        self.sheet_combo.setCurrentIndex(self.sheet_combo.findData(kind))
        self.period_combo.setEditText(period)
        self.refresh()

    def _kind_changed(self) -> None:
        kind = self.kind
        today = self.services.today()
        p = Period.containing(SHEET_PERIOD[kind], today)
        self.period_combo.blockSignals(True)
        self.period_combo.clear()
        for _ in range(12):
            self.period_combo.addItem(f"{p.code}  {p.label}", p.code)
            p = p.previous()
        self.period_combo.setCurrentIndex(0)
        self.period_combo.blockSignals(False)
        while self.parts_form.rowCount():
            self.parts_form.removeRow(0)
        self.editors = {}
        for key, label in PARTS[kind].items():
            ed = QPlainTextEdit()
            ed.setObjectName(f"part_{key}")
            ed.setMinimumHeight(110)
            self.editors[key] = ed
            self.parts_form.addRow(QCoreApplication.translate("ReportParts", label), ed)
        self.filled_by = QLineEdit()
        self.filled_by.setPlaceholderText(self.tr("默认为当前用户"))
        self.parts_form.addRow(self.tr("填报人"), self.filled_by)
        self.refresh()

    def parts(self) -> dict[str, str]:
        return {k: ed.toPlainText() for k, ed in self.editors.items()}

    # -- actions ------------------------------------------------------------------------------
    def refresh(self, *, keep_parts: bool = False) -> None:
        """Compute (or load the frozen) sheet in the background and show its pages (`refreshed`)."""
        try:
            period = self.period()
        except DomainError as e:
            show_domain_error(self, e)
            return
        kind, appendix = self.kind, self.appendix_box.isChecked()
        typed = self.parts() if keep_parts else None  # read on the GUI thread

        def work(progress: Progress) -> Any:
            sheet = rs.get_sheet(self.services, kind, period)
            frozen = sheet is not None and sheet.status == "signed"
            parts = typed if typed is not None else rs.sheet_parts(sheet)
            overrides = None if frozen else {k: v for k, v in parts.items() if v.strip()}
            hotspots: list[Hotspot] = []
            progress.check()
            rendered = rs.render_sheet(self.services, kind, period, "pdf", parts=overrides, hotspots=hotspots,
                                       appendix=appendix)
            progress.check()
            return sheet, rendered, hotspots, render_pages(rendered.data)

        def show(result: Any) -> None:
            sheet, rendered, hotspots, images = result
            if typed is None:
                saved = rs.sheet_parts(sheet)
                for k, ed in self.editors.items():
                    ed.setPlainText(saved.get(k, ""))
                self.filled_by.setText(sheet.filled_by if sheet and sheet.filled_by else "")
            self.hotspots, self.rendered, self.pdf = hotspots, rendered, rendered.data
            self._show_pages(images)

        self.run_refresh(work, show)

    def run_refresh(self, work: Callable[[Progress], Any], show: Callable[[Any], None]) -> None:
        """Run `work(progress)` through the operation runner and `show` its result on the GUI thread; a
        result overtaken by a newer request is dropped (and the older work told to stop: `work` calls
        `progress.check()` between its steps). Print and export wait for the new preview; 取消 stops it."""
        self._generation += 1
        generation = self._generation
        if self._operation is not None and not self._operation.is_done:
            self._operation.progress.cancel()
        self._set_refreshing(True)

        def done(result: Any) -> None:
            if generation != self._generation:
                return
            show(result)
            self._set_refreshing(False)
            self._update_status()
            self.refreshed.emit()

        def failed(error: BaseException) -> None:
            if generation == self._generation:
                self._set_refreshing(False)
            if isinstance(error, DomainError):
                show_domain_error(self, error)
            else:
                show_unexpected_error(self, f"{type(error).__name__}: {error}", "", self.runner.log_path)

        # housekeeping: closing the window while a preview is computed loses nothing, so it does not ask.
        # No modal progress dialog: the page says so on its status line and shows a busy cursor, and
        # the rest of the window stays usable.
        self._operation = self.runner.run(self.tr("生成报表"), work, on_done=done, on_error=failed, cancellable=True,
                                          show_progress=False, housekeeping=True)

    def cancel(self) -> None:
        """取消 the preview being built: the work stops at its next step, nothing is shown for it, and
        the pages of an earlier sheet are taken away (they are not the sheet now chosen)."""
        if not self._refreshing:
            return
        if self._operation is not None:
            self._operation.progress.cancel()
        self._generation += 1  # whatever it still returns is dropped
        self._set_refreshing(False)
        self.rendered, self.pdf, self.hotspots = None, b"", []
        self._show_pages([])
        self.warnings.setText("")
        for b in (self.print_btn, self.pdf_btn, self.xlsx_btn):
            b.setEnabled(False)
        self.status.setText(self.tr("已取消生成报表；点“生成预览”重新生成"))

    def _set_refreshing(self, busy: bool) -> None:
        self._refreshing = busy
        self.cancel_btn.setVisible(busy)
        # The pages of the sheet shown before are greyed out (and their numbers not clickable) while
        # the chosen one is built: they are not the sheet now asked for.
        self.pages_box.setEnabled(not busy)
        for b in (self.print_btn, self.pdf_btn, self.xlsx_btn):
            b.setEnabled(not busy)
        if busy:
            self.status.setText(self.tr("正在生成报表…"))
            self.scroll.setCursor(QCursor(Qt.CursorShape.BusyCursor))
        else:
            self.scroll.unsetCursor()

    def _show_pages(self, images: list[QImage]) -> None:
        for pv in self.pages:
            pv.setParent(None)
            pv.deleteLater()
        self.pages = []
        for i, img in enumerate(images):
            pv = PageView(img, i, self.hotspots, PREVIEW_DPI, self.rendered.report if self.rendered else None)
            pv.figure_clicked.connect(self._figure_clicked)
            self.pages_layout.addWidget(pv)
            self.pages.append(pv)

    def _update_status(self) -> None:
        r = self.rendered
        if r is None:
            return
        frozen = r.frozen
        sheet = r.sheet
        if frozen and sheet is not None:
            text = self.tr("已签发：审核人 {who}，{when}；内容已冻结，重印与签发时完全一致（内容哈希 {h}）").format(
                who=sheet.signed_by_name or "", when=sheet.signed_date, h=(sheet.content_sha256 or "")[:12])
        elif sheet is not None:
            text = self.tr("草稿（已保存，填报人 {who}）；数字按当前记录计算").format(who=sheet.filled_by or "")
        else:
            text = self.tr("未保存；数字按当前记录计算")
        self.status.setText(f"{r.report.number}　{len(self.pages)}页　{text}")
        for ed in self.editors.values():
            ed.setReadOnly(frozen)
        self.filled_by.setReadOnly(frozen)
        self.save_btn.setEnabled(not frozen)
        self.sign_btn.setEnabled(not frozen)
        self.warnings.setText("\n".join(r.warnings))

    def _figure_clicked(self, h: Hotspot, label: str) -> None:
        """Open the records behind a clicked number. The sheet keeps counts, not ids, so they are
        fetched through the window's operation runner (an indexed query: milliseconds at a township,
        longer over a county store) while the window stays usable; the page says so on its status
        line. A newer click or a new preview drops an older answer."""
        where = QCursor.pos()
        self._drill += 1
        drill = self._drill
        if h.refs is not None:  # a list row: its record is drawn with it
            self._open_refs(h.refs, where)
            return
        rendered = self.rendered
        value = rendered.report.values.get(h.key) if rendered is not None and h.key is not None else None
        if rendered is None or h.key is None or value is None:
            return
        report, key = rendered.report, h.key
        if value.query is None or value.refs is not None:  # known already (a frozen sheet, a second click)
            self._open_refs(rs.keep_refs(report, key, (value.refs, value.den_refs)), where)
            return
        self.status.setText(self.tr("正在查询“{label}”的 {n} 条记录…").format(label=label, n=int(value.records())))
        self.scroll.setCursor(QCursor(Qt.CursorShape.BusyCursor))
        store = self.services.store

        def done(fetched: Any) -> None:
            if drill != self._drill or self.rendered is not rendered:
                return  # overtaken by another click or a new preview
            self._drill_finished()
            self._open_refs(rs.keep_refs(report, key, fetched), where)

        def failed(error: BaseException) -> None:
            if drill == self._drill:
                self._drill_finished()
            if isinstance(error, DomainError):
                show_domain_error(self, error)
            else:
                show_unexpected_error(self, f"{type(error).__name__}: {error}", "", self.runner.log_path)

        self.runner.run(self.tr("查看报表中的记录"), lambda _progress: rs.fetch_refs(store, report, key),
                        on_done=done, on_error=failed, show_progress=False, housekeeping=True)

    def _drill_finished(self) -> None:
        if not self._refreshing:
            self.scroll.unsetCursor()
            self._update_status()

    def _open_refs(self, refs: Refs, where: QPoint) -> None:
        """Emit `open_records` for the one kind behind a number, or offer a menu of kinds."""
        kinds = [(k, ids) for k, ids in refs.items() if ids]
        if not kinds:
            return
        if len(kinds) == 1:
            self.open_records.emit(kinds[0][0], list(kinds[0][1]))
            return
        menu = QMenu(self)
        for k, ids in kinds:
            act = menu.addAction(self.tr("{kind}（{n}条）").format(kind=KIND_LABELS.get(k, k), n=len(ids)))
            act.triggered.connect(lambda _c=False, k=k, ids=ids: self.open_records.emit(k, list(ids)))
        menu.popup(where)

    def save(self) -> bool:
        try:
            rs.save_sheet(self.services, self.kind, self.period(), self.parts(), filled_by=self.filled_by.text())
        except DomainError as e:
            show_domain_error(self, e)
            return False
        self.refresh()
        return True

    def sign(self, *, confirm: bool = True) -> bool:
        """审核签发 on the runner (the frozen copy fetches the records behind every number and renders
        the PDF: seconds over a large store), with a progress dialog; the preview reloads after."""
        p = self.period()
        if confirm:
            answer = QMessageBox.question(self, self.tr("审核签发"), self.tr(
                "签发后报表内容将冻结，不能再修改，重印与签发时完全一致。确定签发{sheet}（{period}）？").format(
                sheet=rs.SHEET_LABELS[self.kind], period=p.short_label))
            if answer != QMessageBox.StandardButton.Yes:
                return False
        services, kind, parts, filled_by = self.services, self.kind, self.parts(), self.filled_by.text()

        def work(_progress: Progress) -> None:
            rs.save_sheet(services, kind, p, parts, filled_by=filled_by)
            rs.sign_sheet(services, kind, p)

        def finished() -> None:
            self.save_btn.setEnabled(True)
            self.sign_btn.setEnabled(True)

        def failed(error: BaseException) -> None:
            finished()
            if isinstance(error, DomainError):
                show_domain_error(self, error)
            else:
                show_unexpected_error(self, f"{type(error).__name__}: {error}", "", self.runner.log_path)

        self.save_btn.setEnabled(False)
        self.sign_btn.setEnabled(False)
        self.runner.run(self.tr("审核签发"), work, on_done=lambda _r: (finished(), self.refresh()), on_error=failed,
                        label=self.tr("正在签发报表…"))
        return True

    def export(self, path: str | None = None, fmt: str = "pdf") -> Path | Operation | None:
        """Write the previewed sheet as PDF (exactly the previewed bytes; returns the path) or XLSX
        (laid out on the runner; returns the Operation, `exported` follows)."""
        if self.rendered is None:
            return None
        if path is None:
            suggested = f"{rs.SHEET_LABELS[self.kind]}-{self.period().code}.{fmt}"
            filt = self.tr("PDF 文件 (*.pdf)") if fmt == "pdf" else self.tr("Excel 文件 (*.xlsx)")
            path, _ = QFileDialog.getSaveFileName(self, self.tr("导出"), str(Path.home() / suggested), filt)
            if not path:
                return None
        target = Path(path)
        if fmt != "pdf":
            report = self.rendered.report

            def write(_progress: Progress) -> None:
                data = render_xlsx(report)
                try:
                    target.write_bytes(data)
                except OSError as e:
                    raise DomainError(self.tr("无法写入文件“{p}”：{e}").format(p=target, e=e.strerror)) from e

            return self.runner.run(self.tr("导出Excel"), write, on_done=lambda _r: self.exported.emit(str(target)))
        try:
            target.write_bytes(self.pdf)
        except OSError as e:
            show_domain_error(self, DomainError(self.tr("无法写入文件“{p}”：{e}").format(p=path, e=e.strerror)))
            return None
        self.exported.emit(str(target))
        return target

    def print_sheet(self) -> PrintPreviewDialog | None:
        """Open the print preview of the sheet shown (the one print path: 打印 / 导出PDF there)."""
        if not self.pdf or self.rendered is None:
            return None
        name = f"{rs.SHEET_LABELS[self.kind]}-{self.period().code}.pdf"
        dlg = PrintPreviewDialog(self.pdf, self.rendered.report.title, name, self, runner=self.runner)
        dlg.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.preview_dialog = dlg
        dlg.open()
        return dlg


def default_period(kind: str, today: date) -> str:
    return Period.containing(SHEET_PERIOD[kind], today).code
