"""PDFs read back (pdftotext, pdffonts, pypdf) and XLSX opened with openpyxl."""

from __future__ import annotations

import io
import re
import subprocess
from pathlib import Path

import pytest
from conftest import GEN_TODAY
from openpyxl import load_workbook
from pypdf import PdfReader
from reports_oracle import Oracle, expected

from zongzhi_desktop.reports import service as rs
from zongzhi_desktop.reports.render_pdf import Hotspot, render_pdf
from zongzhi_desktop.services import Services

SHEETS = [("weekly", "2026-W47", "周研判表", "2026年第47周"), ("monthly", "2026-11", "月调度表", "2026年11月"),
          ("quarterly", "2026-Q4", "季推进表", "2026年第四季度")]


def pdftotext(pdf: Path) -> str:
    return subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout


def row_numbers(text: str, label: str) -> list[str]:
    """The tokens after `label` on its line in the layout text."""
    for line in text.splitlines():
        parts = line.split()
        if parts and parts[0] == label:
            return parts[1:]
    raise AssertionError(f"no line starting with {label}")


@pytest.mark.parametrize(("kind", "code", "title", "period_text"), SHEETS)
def test_pdf_text_has_title_period_and_the_right_figures(gen_svc: Services, tmp_path: Path, kind: str, code: str,
                                                          title: str, period_text: str) -> None:
    out = rs.render_sheet(gen_svc, kind, code, "pdf")
    pdf = tmp_path / f"{kind}.pdf"
    pdf.write_bytes(out.data)
    text = pdftotext(pdf)
    assert f"城关镇综治中心{title}" in text
    assert period_text in text
    assert out.report.number in text
    assert re.search(r"第\s*1\s*页\s*共\s*\d+\s*页", text)
    oracle = Oracle(gen_svc.store.path, ["330825101"], today=GEN_TODAY)  # type: ignore[arg-type]
    # The main-figure table: this period's value and the previous period's, as the oracle computes them.
    for label, key in (("新增信访件", "petition.new"), ("信访件办结", "petition.concluded"),
                       ("新增矛盾纠纷", "dispute.new"), ("化解矛盾纠纷", "dispute.resolved"),
                       ("按期办结率", "rate.on_time_conclude"), ("调处成功率", "rate.mediation_success")):
        nums = row_numbers(text, label)
        assert nums[0] == expected(oracle, key, code)[1], label
        assert nums[1] == expected(oracle, key + "|prev", code)[1], label


@pytest.mark.parametrize(("kind", "code", "_t", "_p"), SHEETS)
def test_pdf_embeds_the_cjk_font_and_nothing_else(gen_svc: Services, tmp_path: Path, kind: str, code: str,
                                                  _t: str, _p: str) -> None:
    pdf = tmp_path / "x.pdf"
    pdf.write_bytes(rs.render_sheet(gen_svc, kind, code, "pdf").data)
    fonts = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True, check=True).stdout.splitlines()[2:]
    assert fonts, "no fonts listed"
    for line in fonts:  # the CJK font and, for rare names (䶮溪村), a fallback: each an embedded subset
        assert line.split("+")[1].split()[0] in ("WenQuanYiMicroHei-0", "HanaMinA", "HanaMinB", "BabelStoneHan"), line
        assert " yes yes " in line, line
    assert any("WenQuanYiMicroHei" in line for line in fonts)


def test_pages_are_a4_and_content_stays_inside_the_margins(gen_svc: Services) -> None:
    hotspots: list[Hotspot] = []
    report = rs.build_report(gen_svc, "weekly", "2026-W47")
    reader = PdfReader(io.BytesIO(render_pdf(report, hotspots)))
    for page in reader.pages:
        assert (round(float(page.mediabox.width)), round(float(page.mediabox.height))) == (595, 842)
    assert hotspots
    mm = 72 / 25.4
    for h in hotspots:
        assert 28 * mm - 0.5 <= h.x0 and h.x1 <= 595.27 - 26 * mm + 0.5
        assert 35 * mm - 0.5 <= h.y0 and h.y1 <= 841.89 - 37 * mm + 0.5
        assert 0 <= h.page < len(reader.pages)
        # A figure's hotspot names its value (ids fetched on the click); a list row carries its record.
        assert (h.key in report.values and h.refs is None and report.values[h.key].records() > 0) or \
            (h.key is None and h.refs and any(h.refs.values())), h


def test_same_report_gives_the_same_bytes(gen_svc: Services) -> None:
    report = rs.build_report(gen_svc, "quarterly", "2026-Q4")
    assert render_pdf(report) == render_pdf(report)


def test_rare_characters_print_through_the_fallback_fonts(gen_svc: Services, tmp_path: Path) -> None:
    """A village called 䶮溪村 (Extension A, which WenQuanYi lacks) prints, copies and searches."""
    report = rs.build_report(gen_svc, "monthly", "2026-11")
    assert not report.warnings
    pdf = tmp_path / "m.pdf"
    pdf.write_bytes(render_pdf(report))
    assert "䶮溪村" in "".join(pdftotext(pdf).split())


def test_chart_labels_needing_a_fallback_are_reported() -> None:
    """A chart label is drawn in one font, so a rare character there is flagged (tables print it)."""
    from zongzhi_desktop.reports.fonts import report_warnings
    from zongzhi_desktop.reports.model import Chart, Report, Section, Series

    def warnings(category: str) -> list[str]:
        chart = Chart("c", "按村（件）", "hbar", ["东村", category], [Series("新增", [3, 5])])
        return report_warnings(Report(kind="t", title="测试", subtitle="", number="1", township_codes=["1"],
                                      township_name="t", period=None, made_on="2026-11-20",
                                      sections=[Section(None, [chart])]))

    assert warnings("䶮溪村") == ["图表“按村（件）”中的“䶮溪村”含有图表字体没有的字符，图中将显示为空框（表格中正常打印）"]
    assert warnings("西村") == []


def test_characters_no_font_has_are_reported() -> None:
    from zongzhi_desktop.reports.fonts import glyph_warnings

    unassigned_in_every_font = "\U0002EBF0"  # Extension I (Unicode 15.1): no bundled font draws it
    assert glyph_warnings([f"王{unassigned_in_every_font}"]) == [
        f"字体缺少字符“{unassigned_in_every_font}”（U+2EBF0），打印时将显示为空框，出现在：王{unassigned_in_every_font}"]
    assert glyph_warnings(["刘䶮", "王𠮷", "𰻞𰻞面"]) == []


def test_long_staff_text_wraps_onto_more_pages(gen_svc: Services, tmp_path: Path) -> None:
    long = "本周重点做好矛盾纠纷排查化解工作，" * 120
    out = rs.render_sheet(gen_svc, "weekly", "2026-W47", "pdf", parts={"opinion": long})
    short = rs.render_sheet(gen_svc, "weekly", "2026-W47", "pdf")
    assert len(PdfReader(io.BytesIO(out.data)).pages) > len(PdfReader(io.BytesIO(short.data)).pages)
    pdf = tmp_path / "long.pdf"
    pdf.write_bytes(out.data)
    flat = "".join(pdftotext(pdf).split())
    flat = re.sub(r"第\d+页共\d+页.*?内部资料注意保密", "", flat)  # page footer and next page's header
    assert flat.count("矛盾纠纷排查化解工作") == 120  # nothing cut off


@pytest.mark.parametrize(("kind", "code", "_t", "_p"), SHEETS)
def test_xlsx_has_the_same_tables_ready_to_print(gen_svc: Services, kind: str, code: str, _t: str, _p: str) -> None:
    out = rs.render_sheet(gen_svc, kind, code, "xlsx")
    wb = load_workbook(io.BytesIO(out.data))
    assert wb.sheetnames[0] == "封面"
    assert wb["封面"]["B1"].value == out.report.title
    tables = out.report.tables()
    assert len(wb.sheetnames) >= 1 + len(tables)
    flow = wb[wb.sheetnames[1]]
    assert flow.freeze_panes == "A3"
    assert flow.print_title_rows in ("1:2", "$1:$2")
    assert str(flow.page_setup.paperSize) == flow.PAPERSIZE_A4 == "9"
    assert flow.page_setup.fitToWidth == 1
    assert flow.column_dimensions["A"].width > flow.column_dimensions["B"].width
    # Same numbers as the report: counts as numbers, rates as fractions formatted as percentages.
    rows = {r[0].value: r for r in flow.iter_rows(min_row=3)}
    v = out.report.values
    assert rows["新增信访件"][1].value == int(v["petition.new"].text)
    rate = v["rate.on_time_conclude"]
    cell = rows["按期办结率"][1]
    if rate.value is None:
        assert cell.value == "—"
    else:
        assert cell.number_format == "0.0%" and abs(cell.value - rate.value / 100) < 0.0006
