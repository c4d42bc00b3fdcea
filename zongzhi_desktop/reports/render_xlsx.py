"""XLSX renderer (openpyxl): the same tables as the PDF, one worksheet each, ready to print.

The first worksheet carries the title, period, 编号, the staff-written parts and the signature
block; every table gets its own worksheet with a frozen header, print titles (the caption and
header rows repeat on each printed page), A4 page setup fitted to the page width, and column
widths from the same weights as the PDF. Counts are numbers and rates are percentages, so the
clerk can keep calculating in Excel; an empty denominator stays the text "—".
"""

from __future__ import annotations

import io
import re

from openpyxl import Workbook
from openpyxl.chart import BarChart, Reference
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from .model import Cell, Chart, Report, Signature, Table, Text

THIN = Side(style="thin", color="000000")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
HEADER_FILL = PatternFill("solid", fgColor="DDDDDD")
SHADE_FILL = PatternFill("solid", fgColor="EEEEEE")
FONT = "宋体"
PAGE_CHARS = 100  # character units across a fitted A4 page
_BAD = re.compile(r"[\[\]:*?/\\]")
_RATE = re.compile(r"^(\d+(?:\.\d+)?)%$")
_INT = re.compile(r"^-?\d+$")
_DEC = re.compile(r"^-?\d+\.\d+$")


def _sheet_name(wb: Workbook, wanted: str) -> str:
    base = _BAD.sub("", wanted)[:28] or "表"
    name, i = base, 2
    while name in wb.sheetnames:
        name = f"{base[:26]}{i}"
        i += 1
    return name


def _page_setup(ws: Worksheet, landscape: bool = False) -> None:
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = "landscape" if landscape else "portrait"
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    # GB/T 9704 margins in inches (37/35/28/26 mm).
    ws.page_margins.top, ws.page_margins.bottom = 37 / 25.4, 35 / 25.4
    ws.page_margins.left, ws.page_margins.right = 28 / 25.4, 26 / 25.4
    ws.oddFooter.center.text = "第 &P 页 共 &N 页"


def _value(cell: Cell) -> tuple[object, str | None]:
    """The cell as a number when it is one (counts, percentages), else its text."""
    t = cell.text.strip()
    if cell.value:
        if m := _RATE.match(t):
            return float(m[1]) / 100, "0.0%"
        if _INT.match(t):
            return int(t), "0"
        if _DEC.match(t):
            return float(t), "0.0"
    return cell.text, None


def _write_table(wb: Workbook, report: Report, t: Table, caption: str) -> Worksheet:
    ws = wb.create_sheet(_sheet_name(wb, caption))
    ncols = len(t.columns)
    ws.cell(1, 1, caption).font = Font(name=FONT, size=12, bold=True)
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=ncols)
    ws.row_dimensions[1].height = 22
    row0 = 2
    if t.header:
        for c, col in enumerate(t.columns, 1):
            x = ws.cell(row0, c, col.label)
            x.font = Font(name=FONT, size=10.5, bold=True)
            x.fill = HEADER_FILL
            x.border = BORDER
            x.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        row0 += 1
    for r, row in enumerate(t.rows):
        for c, cell in enumerate(row, 1):
            value, fmt = _value(cell)
            x = ws.cell(row0 + r, c, value)
            if fmt:
                x.number_format = fmt
            align = cell.align if cell.align != "left" or not t.header else t.columns[c - 1].align
            x.alignment = Alignment(horizontal=align, vertical="center", wrap_text=True)
            x.font = Font(name=FONT, size=10, bold=cell.bold)
            x.border = BORDER
            if cell.shade:
                x.fill = SHADE_FILL
    head = 1 if t.header else 0
    for c0, r0, c1, r1 in t.spans:
        ws.merge_cells(start_row=row0 - head + r0, start_column=c0 + 1, end_row=row0 - head + r1, end_column=c1 + 1)
    total = sum(col.width for col in t.columns)
    for c, col in enumerate(t.columns, 1):
        ws.column_dimensions[get_column_letter(c)].width = max(6.0, round(PAGE_CHARS * col.width / total, 1))
    if t.header:
        ws.freeze_panes = ws.cell(row0, 1)
        ws.print_title_rows = f"1:{row0 - 1}"
    else:
        ws.print_title_rows = "1:1"
    last = row0 + len(t.rows)
    if t.note:
        ws.cell(last + 1, 1, "注：" + t.note).font = Font(name=FONT, size=9)
        ws.merge_cells(start_row=last + 1, start_column=1, end_row=last + 1, end_column=ncols)
        ws.cell(last + 1, 1).alignment = Alignment(wrap_text=True, vertical="top")
        ws.row_dimensions[last + 1].height = 30
    ws.oddHeader.left.text = f"{report.title} {report.number}"
    _page_setup(ws, landscape=ncols > 8)
    return ws


def _write_chart(wb: Workbook, ch: Chart) -> None:
    ws = wb.create_sheet(_sheet_name(wb, ch.title))
    ws.cell(1, 1, "类别").font = Font(name=FONT, bold=True)
    for j, s in enumerate(ch.series, 2):
        ws.cell(1, j, s.name).font = Font(name=FONT, bold=True)
    for i, cat in enumerate(ch.categories, 2):
        ws.cell(i, 1, cat)
        for j, s in enumerate(ch.series, 2):
            ws.cell(i, j, s.values[i - 2])
    ws.column_dimensions["A"].width = 18
    chart = BarChart()
    chart.type = "bar" if ch.kind == "hbar" else "col"
    chart.title = ch.title
    chart.style = 1  # greyscale
    n = len(ch.categories)
    chart.add_data(Reference(ws, min_col=2, max_col=1 + len(ch.series), min_row=1, max_row=1 + n), titles_from_data=True)
    chart.set_categories(Reference(ws, min_col=1, min_row=2, max_row=1 + n))
    chart.height, chart.width = max(7.5, 0.6 * n + 3), 16
    ws.add_chart(chart, f"{get_column_letter(len(ch.series) + 3)}2")
    _page_setup(ws, landscape=True)


def render_xlsx(report: Report) -> bytes:
    """The report as an .xlsx workbook."""
    wb = Workbook()
    cover = wb.active
    cover.title = "封面"
    cover.column_dimensions["A"].width = 16
    cover.column_dimensions["B"].width = 84
    rows: list[tuple[str, str]] = [("标题", report.title), ("期间", report.subtitle), ("编号", report.number),
                                   ("制表日期", report.made_on)]
    for sec in report.sections:
        for b in sec.blocks:
            if isinstance(b, Text):
                rows.append(((sec.title or b.label or "").split("、", 1)[-1], b.text))
            elif isinstance(b, Signature):
                rows += list(zip(b.labels, b.values, strict=True))
    for i, (k, v) in enumerate(rows, 1):
        a, c = cover.cell(i, 1, k), cover.cell(i, 2, v)
        a.font = Font(name=FONT, bold=True)
        a.fill = HEADER_FILL
        for x in (a, c):
            x.border = BORDER
            x.alignment = Alignment(vertical="top", wrap_text=True)
        c.font = Font(name=FONT, size=12 if i == 1 else 11, bold=i == 1)
        if len(v) > 80:
            cover.row_dimensions[i].height = min(400, 15 * (len(v) // 80 + 1 + v.count("\n")))
    if report.warnings:
        r = len(rows) + 2
        cover.cell(r, 1, "提示").font = Font(name=FONT, bold=True)
        cover.cell(r, 2, "\n".join(report.warnings)).alignment = Alignment(wrap_text=True, vertical="top")
    _page_setup(cover)
    for sec in report.sections:
        for b in sec.blocks:
            if isinstance(b, Table):
                caption = " ".join(x for x in ((sec.title or "").split("、", 1)[-1], b.title or "") if x)
                _write_table(wb, report, b, caption or b.key)
            elif isinstance(b, Chart):
                _write_chart(wb, b)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
