"""PDF renderer (reportlab): A4 in the manner of Chinese official documents, black-and-white.

Margins follow GB/T 9704 (top 37 mm, bottom 35 mm, left 28 mm, right 26 mm); the title is
large and stroked to look bold (the bundled font has no bold face); every page carries
"第 X 页 共 Y 页". Tables wrap Chinese (wordWrap CJK), repeat their header row on each page and
split tall rows, so nothing runs off the page. `invariant=1` makes the bytes a function of the
content alone (no creation date or random document id), which lets a frozen sheet be verified.

`render_pdf(report, hotspots=[])` also reports where each figure was drawn (page, rectangle
in PDF points, refs), so the preview can open the records behind a clicked number.
"""

from __future__ import annotations

import io
import re
import threading
from dataclasses import dataclass
from typing import Any

from reportlab import rl_config
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_JUSTIFY, TA_LEFT, TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.textsplit import ALL_CANNOT_START
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen import canvas as rl_canvas
from reportlab.platypus import (
    BaseDocTemplate,
    CondPageBreak,
    Flowable,
    Frame,
    KeepTogether,
    PageTemplate,
    Paragraph,
    Spacer,
    TableStyle,
)
from reportlab.platypus import Table as RLTable

from .fonts import markup, register, runs
from .model import Block, Cell, Chart, Refs, Report, Signature, Table, Text

# Attribute validation of reportlab's drawing objects is a development aid ("set to zero to remove
# generality and speed up", rl_settings.py); the charts here are fixed code. Off, the quarterly
# sheet's three charts draw ~0.02 s faster. Read when reportlab.graphics is first imported, which
# happens in `chart` (only the quarterly sheet draws charts; the others skip the ~40 ms import).
rl_config.shapeChecking = 0

MARGINS = {"top": 37 * mm, "bottom": 35 * mm, "left": 28 * mm, "right": 26 * mm}
PAGE_W, PAGE_H = A4
FRAME_W = PAGE_W - MARGINS["left"] - MARGINS["right"]
TITLE_SIZE = 22  # 二号
SUBTITLE_SIZE = 14
HEADING_SIZE = 14
BODY_SIZE = 12
GREYS = [colors.black, colors.Color(0.45, 0.45, 0.45), colors.Color(0.78, 0.78, 0.78), colors.white]
CELL_PAD = 3
HEADER_BG = colors.Color(0.86, 0.86, 0.86)
SHADE_BG = colors.Color(0.93, 0.93, 0.93)
SIGN_MIN_W = 22 * mm  # room to sign by hand on a signature line


@dataclass
class Hotspot:
    """Where a clickable figure was drawn: 0-based page, rectangle in PDF points (origin bottom-left)."""

    page: int
    x0: float
    y0: float
    x1: float
    y1: float
    refs: Refs | None  # None: fetch on click from `key` (reports.service.figure_refs)
    label: str
    key: str | None = None  # the figure value drawn here (Report.values), None for a list row


def _style(size: float, align: int = TA_LEFT, leading: float | None = None, hang: bool = False) -> ParagraphStyle:
    """A CJK-wrapping style. `hang`: keep one character of room on the right, because reportlab
    lets a closing punctuation mark (。，、…) that cannot start a line hang past the line's end."""
    font = register()
    return ParagraphStyle(f"s{size}-{align}-{hang}", fontName=font, fontSize=size, leading=leading or size * 1.35,
                          alignment=align, wordWrap="CJK", rightIndent=size if hang else 0)


def can_hang(text: str) -> bool:
    return any(ch in ALL_CANNOT_START and ord(ch) > 0x2000 for ch in text or "")


def para_text(text: str) -> str:
    """Paragraph markup for user text: escaped, line breaks kept, and runs of rare characters
    (CJK Extensions A–H) set in the fallback font that has them."""
    return "<br/>".join(markup(line) for line in (text or "").split("\n"))


class BoldLines(Flowable):
    """Centered (or left) text stroked slightly to look bold; wraps by character if too wide."""

    def __init__(self, text: str, size: float, align: str = "center", space_after: float = 0) -> None:
        super().__init__()
        self.text, self.size, self.align, self.space_after = text, size, align, space_after
        self.lines: list[str] = []

    def wrap(self, avail_w: float, avail_h: float) -> tuple[float, float]:
        self.lines, cur = [], ""
        for ch in self.text:
            if _runs_width(cur + ch, self.size) > avail_w and cur:
                self.lines.append(cur)
                cur = ch
            else:
                cur += ch
        self.lines.append(cur)
        self.width = avail_w
        self.height = len(self.lines) * self.size * 1.4 + self.space_after
        return self.width, self.height

    def draw(self) -> None:
        c = self.canv
        font = register()
        c.saveState()
        c.setFont(font, self.size)
        c.setLineWidth(self.size / 40)
        text_mode = 2  # fill and stroke: a faux bold
        y = self.height - self.space_after - self.size * 1.1
        for line in self.lines:
            w = _runs_width(line, self.size)
            x = (self.width - w) / 2 if self.align == "center" else 0
            t = c.beginText(x, y)
            t.setTextRenderMode(text_mode)
            for name, run in runs(line):  # rare characters in the fallback font that has them
                t.setFont(name, self.size)
                t.textOut(run)
            c.drawText(t)
            y -= self.size * 1.4
        c.restoreState()


def _runs_width(text: str, size: float) -> float:
    return sum(stringWidth(run, name, size) for name, run in runs(text))


class TraceParagraph(Paragraph):
    """A paragraph that records where it was drawn, for click-through in the preview."""

    def __init__(self, text: str, style: ParagraphStyle, refs: Refs | None, label: str, sink: list[Hotspot] | None,
                 key: str | None = None) -> None:
        super().__init__(text, style)
        self._refs, self._label, self._sink, self._key = refs, label, sink, key

    def draw(self) -> None:
        super().draw()
        sink = getattr(self, "_sink", None)
        if sink is not None:
            x, y = self.canv.absolutePosition(0, 0)
            sink.append(Hotspot(self.canv.getPageNumber() - 1, x, y, x + self.width, y + self.height,
                                getattr(self, "_refs", {}), getattr(self, "_label", ""), getattr(self, "_key", None)))


class RuledLines(Flowable):
    """Blank ruled lines left for handwriting when a staff-written part is empty."""

    def __init__(self, n: int, gap: float = 8 * mm) -> None:
        super().__init__()
        self.n, self.gap = n, gap

    def wrap(self, avail_w: float, avail_h: float) -> tuple[float, float]:
        self.width, self.height = avail_w, self.n * self.gap
        return self.width, self.height

    def draw(self) -> None:
        self.canv.setLineWidth(0.4)
        for i in range(self.n):
            y = self.height - (i + 1) * self.gap + 2
            self.canv.line(0, y, self.width, y)


def _make_canvas(report: Report) -> type[rl_canvas.Canvas]:
    """A canvas that defers pages so the footer can say 共 Y 页."""
    font = register()

    class NumberedCanvas(rl_canvas.Canvas):
        def __init__(self, *a: Any, **kw: Any) -> None:
            # Start every page in the CJK font, so no unembedded base-14 font is referenced.
            kw.update(initialFontName=font, initialFontSize=10)
            super().__init__(*a, **kw)
            self._pages: list[dict[str, Any]] = []

        def showPage(self) -> None:
            self._pages.append(dict(self.__dict__))
            self._startPage()

        def save(self) -> None:
            total = len(self._pages)
            for state in self._pages:
                self.__dict__.update(state)
                self._decorate(total)
                super().showPage()
            super().save()

        def _decorate(self, total: int) -> None:
            self.saveState()
            self.setFont(font, 10.5)
            self.drawCentredString(PAGE_W / 2, MARGINS["bottom"] - 12 * mm,
                                   f"第 {self._pageNumber} 页 共 {total} 页")
            if report.confidential:
                self.setFont(font, 9)
                self.drawRightString(PAGE_W - MARGINS["right"], PAGE_H - MARGINS["top"] + 8 * mm, "内部资料 注意保密")
            if self._pageNumber > 1:
                self.setFont(font, 9)
                self.drawString(MARGINS["left"], PAGE_H - MARGINS["top"] + 8 * mm, f"{report.title}　{report.number}")
            self.restoreState()

    return NumberedCanvas


class _Renderer:
    def __init__(self, report: Report, hotspots: list[Hotspot] | None) -> None:
        self.report = report
        self.sink = hotspots
        register()

    # -- blocks -------------------------------------------------------------------------------
    def header(self) -> list[Flowable]:
        r = self.report
        info = RLTable([[Paragraph(para_text(f"编号：{r.number}"), _style(10.5)),
                         Paragraph(para_text(f"{r.date_label}：{_cn(r.made_on)}"), _style(10.5, TA_RIGHT))]],
                       colWidths=[FRAME_W * 0.6, FRAME_W * 0.4])
        info.setStyle(TableStyle([("FONTNAME", (0, 0), (-1, -1), register()), ("LEFTPADDING", (0, 0), (-1, -1), 0), ("RIGHTPADDING", (0, 0), (-1, -1), 0),
                                  ("LINEBELOW", (0, 0), (-1, 0), 1.2, colors.black),
                                  ("BOTTOMPADDING", (0, 0), (-1, -1), 4)]))
        out: list[Flowable] = [BoldLines(r.title, TITLE_SIZE, space_after=2 * mm)]
        if r.subtitle:
            out.append(Paragraph(para_text(r.subtitle), _style(SUBTITLE_SIZE, TA_CENTER)))
            out.append(Spacer(1, 3 * mm))
        out += [info, Spacer(1, 4 * mm)]
        return out

    def table(self, t: Table) -> list[Flowable]:
        fs = t.font_size
        widths = column_widths(t, FRAME_W, CELL_PAD)
        align = {"left": TA_LEFT, "center": TA_CENTER, "right": TA_RIGHT}
        data: list[list[Any]] = []
        if t.header:
            data.append([Paragraph(para_text(c.label), _style(fs, TA_CENTER)) for c in t.columns])
        for row in t.rows:
            out_row = []
            for i, cell in enumerate(row):
                al = align.get(cell.align, TA_LEFT)
                if cell.align == "left" and i < len(t.columns) and t.columns[i].align != "left" and t.header:
                    al = align[t.columns[i].align]
                style = _style(fs, al, hang=al == TA_LEFT and can_hang(cell.text))
                if self.report.clickable(cell):
                    refs = self.report.refs_of(cell)
                    out_row.append(TraceParagraph(para_text(cell.text), style, refs, cell.text, self.sink, cell.value))
                else:
                    out_row.append(Paragraph(para_text(cell.text), style))
            data.append(out_row)
        cmds: list[tuple[Any, ...]] = [
            ("GRID", (0, 0), (-1, -1), 0.5, colors.black),
            ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
            ("LEFTPADDING", (0, 0), (-1, -1), CELL_PAD), ("RIGHTPADDING", (0, 0), (-1, -1), CELL_PAD),
            ("TOPPADDING", (0, 0), (-1, -1), 2.5), ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
        ]
        off = 1 if t.header else 0
        if t.header:
            cmds.append(("BACKGROUND", (0, 0), (-1, 0), HEADER_BG))
        for r, row in enumerate(t.rows):
            for c, cell in enumerate(row):
                if cell.shade:
                    cmds.append(("BACKGROUND", (c, r + off), (c, r + off), SHADE_BG))
        for c0, r0, c1, r1 in t.spans:
            cmds.append(("SPAN", (c0, r0), (c1, r1)))
        # Rows split across pages only where a cell may hold a long text (forms): reportlab's
        # in-row splitting can leave a header with an empty sliver of a row at a page's foot.
        tbl = RLTable(data, colWidths=widths, repeatRows=1 if t.header else 0, splitInRow=1 if t.split_rows else 0,
                      hAlign="LEFT")
        tbl.setStyle(TableStyle([("FONTNAME", (0, 0), (-1, -1), register()), *cmds]))
        out: list[Flowable] = []
        if t.title:
            out.append(CondPageBreak(30 * mm))
            out.append(Paragraph(para_text(t.title), _style(11, TA_LEFT)))
            out.append(Spacer(1, 1.5 * mm))
        out.append(tbl)
        if t.note:
            out.append(Spacer(1, 1 * mm))
            out.append(Paragraph(para_text("注：" + t.note), _style(9)))
        out.append(Spacer(1, 4 * mm))
        return out

    def chart(self, ch: Chart) -> list[Flowable]:
        from reportlab.graphics.charts.barcharts import HorizontalBarChart, VerticalBarChart
        from reportlab.graphics.charts.legends import Legend
        from reportlab.graphics.shapes import Drawing, String

        font = register()
        if ch.kind == "hbar":
            n = max(len(ch.categories), 1)
            height = 26 + n * 15
            d = Drawing(FRAME_W, height + 34)
            bc = HorizontalBarChart()
            bc.x, bc.y, bc.width, bc.height = 95, 12, FRAME_W - 130, height
            bc.data = [list(reversed(s.values)) for s in ch.series]
            bc.categoryAxis.categoryNames = list(reversed(ch.categories))
            bc.categoryAxis.labels.fontName = font
            bc.categoryAxis.labels.fontSize = 8.5
            bc.categoryAxis.labels.boxAnchor = "e"
            bc.categoryAxis.labels.dx = -4
        else:
            d = Drawing(FRAME_W, 190)
            bc = VerticalBarChart()
            bc.x, bc.y, bc.width, bc.height = 40, 40, FRAME_W - 60, 125
            bc.data = [s.values for s in ch.series]
            bc.categoryAxis.categoryNames = ch.categories
            bc.categoryAxis.labels.fontName = font
            bc.categoryAxis.labels.fontSize = 9
            bc.categoryAxis.labels.dy = -4
            bc.groupSpacing = 12
        top = max([max(s.values, default=0) for s in ch.series] + [0])
        bc.valueAxis.valueMin = 0
        bc.valueAxis.valueMax = _nice_max(top)
        bc.valueAxis.valueStep = bc.valueAxis.valueMax / 5
        bc.valueAxis.labels.fontName = font
        bc.valueAxis.labels.fontSize = 8
        bc.valueAxis.labelTextFormat = lambda v: f"{v:g}"
        bc.barLabelFormat = lambda v: f"{v:g}"
        bc.barLabels.fontName = font
        bc.barLabels.fontSize = 7.5
        if ch.kind == "hbar":
            bc.barLabels.boxAnchor = "w"
            bc.barLabels.dx = 3
        else:
            bc.barLabels.nudge = 6
        for i in range(len(ch.series)):
            bc.bars[i].fillColor = GREYS[1] if ch.kind == "hbar" else GREYS[i % len(GREYS)]
            bc.bars[i].strokeColor = colors.black
            bc.bars[i].strokeWidth = 0.5
        d.initialFontName = font  # else the drawing starts in (unembedded) Helvetica
        d.add(bc)
        if len(ch.series) > 1:
            lg = Legend()
            lg.x, lg.y = 40, 8
            lg.alignment = "right"
            lg.columnMaximum = 1
            lg.fontName = font
            lg.fontSize = 8.5
            lg.dx = lg.dy = 8
            lg.deltax = 80
            lg.strokeColor = colors.black
            lg.strokeWidth = 0.5
            lg.colorNamePairs = [(GREYS[i % len(GREYS)], s.name) for i, s in enumerate(ch.series)]
            d.add(lg)
        d.add(String(FRAME_W / 2, d.height - 8, ch.title, fontName=font, fontSize=10, textAnchor="middle"))
        return [KeepTogether([d, Spacer(1, 3 * mm)])]

    def text(self, t: Text) -> list[Flowable]:
        out: list[Flowable] = []
        if t.label:
            out.append(Paragraph(para_text(t.label), _style(BODY_SIZE)))
        if t.text.strip():
            for para in t.text.strip().split("\n"):
                if para.strip():
                    # No first-line indent: with one, reportlab's CJK wrapping can start a line
                    # with "，" (its no-line-start rule only holds for an unindented single run).
                    out.append(Paragraph(markup(para.strip()), _style(BODY_SIZE, TA_JUSTIFY, BODY_SIZE * 1.6, hang=True)))
        elif t.min_lines:
            out.append(RuledLines(t.min_lines))
        out.append(Spacer(1, 3 * mm))
        return out

    def signature(self, s: Signature) -> list[Flowable]:
        """Label: ____ pairs, `per_row` to a line, the value (if any) printed on the line."""
        pairs = list(zip(s.labels, s.values, strict=True))
        font = register()
        n, label_ws, value_ws = self._signature_columns(s, font)
        rows, cmds = [], [("FONTNAME", (0, 0), (-1, -1), register()), ("VALIGN", (0, 0), (-1, -1), "BOTTOM"),
                          ("LEFTPADDING", (0, 0), (-1, -1), 1), ("RIGHTPADDING", (0, 0), (-1, -1), 1),
                          ("TOPPADDING", (0, 0), (-1, -1), 7)]
        for r, start in enumerate(range(0, len(pairs), n)):
            row: list[Any] = []
            for i, (label, value) in enumerate(pairs[start:start + n]):
                row += [Paragraph(para_text(label + "："), _style(BODY_SIZE, TA_RIGHT)),
                        Paragraph(para_text(value), _style(BODY_SIZE, TA_CENTER))]
                cmds.append(("LINEBELOW", (2 * i + 1, r), (2 * i + 1, r), 0.6, colors.black))
            row += [""] * (2 * n - len(row))
            rows.append(row)
        tbl = RLTable(rows, colWidths=[w for lw, vw in zip(label_ws, value_ws, strict=True) for w in (lw, vw)],
                      hAlign="LEFT")
        tbl.setStyle(TableStyle(cmds))
        return [KeepTogether([Spacer(1, 4 * mm), tbl])]

    @staticmethod
    def _signature_columns(s: Signature, font: str) -> tuple[int, list[float], list[float]]:
        """Pairs per line and the label and value column widths: every printed value (a date such as
        2026年3月1日) fits on its line unbroken, with fewer pairs per line when it must."""
        count = max(1, len(s.labels))
        for n in range(max(1, min(s.per_row, count)), 0, -1):
            label_ws = [max(stringWidth(lbl + "：", font, BODY_SIZE) for lbl in s.labels[i::n]) + 4 for i in range(n)]
            needed = [max(SIGN_MIN_W, max((stringWidth(v, font, BODY_SIZE) for v in s.values[i::n] if v),
                                          default=0.0) + 2 * CELL_PAD) for i in range(n)]
            spare = FRAME_W - sum(label_ws) - sum(needed)
            if spare >= 0 or n == 1:
                return n, label_ws, [w + max(spare, 0.0) / n for w in needed]
        raise AssertionError("unreachable: n == 1 always returns")

    def block(self, b: Block) -> list[Flowable]:
        if isinstance(b, Table):
            return self.table(b)
        if isinstance(b, Chart):
            return self.chart(b)
        if isinstance(b, Text):
            return self.text(b)
        return self.signature(b)

    def story(self) -> list[Flowable]:
        out = self.header()
        for sec in self.report.sections:
            blocks: list[Flowable] = []
            for b in sec.blocks:
                blocks += self.block(b)
            if sec.title:
                heading = BoldLines(sec.title, HEADING_SIZE, align="left", space_after=1.5 * mm)
                # Keep a heading with the start of what follows it.
                out += [CondPageBreak(35 * mm), heading]
            out += blocks
        return out


_UNBREAKABLE = re.compile(r"[\x21-\x7e\u00b7\u2014\u2026]+")


def column_widths(t: Table, avail: float, pad: float) -> list[float]:
    """Widths from the columns' weights, widened so that no serial, date or number has to break
    (CJK wrapping may split anywhere), taking the room from columns that can spare it."""
    font = register()
    weights = [c.width for c in t.columns]
    total = sum(weights)
    widths = [avail * w / total for w in weights]
    need = [0.0] * len(widths)
    rows = ([[Cell(c.label) for c in t.columns]] if t.header else []) + t.rows
    # Cells merged across columns (the "另有N件" row) have the whole row's width.
    spanned = {(c, r) for c0, r0, c1, r1 in t.spans if c1 > c0
               for c in range(c0, c1 + 1) for r in range(r0, r1 + 1)}
    for r, row in enumerate(rows):
        for c, cell in enumerate(row[: len(widths)]):
            if (c, r) in spanned:
                continue
            for tok in _UNBREAKABLE.findall(cell.text):
                need[c] = max(need[c], stringWidth(tok, font, t.font_size) + 2 * pad + 1)
    need = [min(n, avail * 0.45) for n in need]
    if sum(need) >= avail:
        return [avail * n / sum(need) for n in need]
    for _ in range(len(widths)):
        short = [i for i, w in enumerate(widths) if w < need[i] - 0.01]
        if not short:
            break
        for i in short:
            widths[i] = need[i]
        spare = [i for i in range(len(widths)) if widths[i] > need[i] and i not in short]
        excess = sum(widths) - avail
        room = sum(widths[i] - need[i] for i in spare)
        if room <= 0:
            break
        for i in spare:
            widths[i] -= excess * (widths[i] - need[i]) / room
    return widths


def _nice_max(v: float) -> float:
    if v <= 0:
        return 5
    for step in (1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000, 2000, 2500, 5000, 10000):
        if v <= step * 5:
            return step * 5 if v < step * 5 else step * 6
    return v * 1.2


def _cn(iso: str) -> str:
    y, m, d = iso.split("-")
    return f"{int(y)}年{int(m)}月{int(d)}日"


# reportlab is not thread-safe: a registered TrueType font is one object whose read cursor (`_pos`)
# the subsetting of every document moves, and the font registries are global. The 报表 preview
# renders on the operation runner's threads (a newer preview may start while an older one still
# runs), so two renders at once could subset a font from the wrong offsets (a KeyError in
# makeSubset, or a damaged PDF). One render at a time.
_RENDER_LOCK = threading.Lock()


def render_pdf(report: Report, hotspots: list[Hotspot] | None = None) -> bytes:
    """The report as PDF bytes (deterministic for the same report). Fills `hotspots` if given.
    Thread-safe: renders are serialized (reportlab shares fonts between documents)."""
    with _RENDER_LOCK:
        return _render(report, hotspots)


def _render(report: Report, hotspots: list[Hotspot] | None) -> bytes:
    buf = io.BytesIO()
    doc = BaseDocTemplate(
        buf, pagesize=A4, leftMargin=MARGINS["left"], rightMargin=MARGINS["right"], topMargin=MARGINS["top"],
        bottomMargin=MARGINS["bottom"], title=report.title, author=report.township_name,
        subject=report.subtitle, creator="综治桌面 zongzhi-desktop", invariant=1,
    )
    frame = Frame(doc.leftMargin, doc.bottomMargin, doc.width, doc.height, id="body",
                  leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=0)
    doc.addPageTemplates([PageTemplate(id="page", frames=[frame])])
    r = _Renderer(report, hotspots)
    doc.build(r.story(), canvasmaker=_make_canvas(report))
    return buf.getvalue()


def cell_refs(report: Report, cell: Cell) -> Refs | None:
    return report.refs_of(cell)
