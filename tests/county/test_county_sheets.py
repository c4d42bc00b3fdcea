"""County sheets: the three sheets over every township with a per-township table whose figures equal
each township's own sheet (built on the township's own store); county totals equal the sum of the
townships; `zongzhi county report` writes PDF and XLSX that read back."""

from __future__ import annotations

import subprocess
from datetime import date
from pathlib import Path

import openpyxl
import pytest
from countytools import (
    ZONGZHI,
    Hub,
    demo_township,
    link,
    register,
    township_row_mismatches,
)

from zongzhi_desktop.county.importer import import_bundle
from zongzhi_desktop.county.sheets import (
    TOWNSHIP_COLUMNS,
    TOWNSHIP_LEVEL_TABLES,
    VOLUNTEER_COLUMNS,
    build_county_sheet,
    township_key,
)
from zongzhi_desktop.reports import figures as fg
from zongzhi_desktop.reports.periods import parse_period
from zongzhi_desktop.reports.service import build_report, fill_refs
from zongzhi_desktop.services import Services
from zongzhi_desktop.sync.export import export_bundle

TOWNS = (("330825101", "城关镇", 21), ("330825102", "湖镇镇", 22), ("330825105", "塔石镇", 23))
PERIODS = {"weekly": "2026-W46", "monthly": "2026-10", "quarterly": "2026-Q3"}
MADE_ON = date(2026, 11, 20)


@pytest.fixture(scope="module")
def county(tmp_path_factory: pytest.TempPathFactory) -> tuple[Hub, dict[str, Services]]:
    root = tmp_path_factory.mktemp("county-sheets")
    hub = Hub.create(root / "county.sqlite3")
    towns = {}
    for code, name, seed in TOWNS:
        svc = demo_township(root / code, code, name, seed=seed)
        register(hub, link(svc, hub.profile))
        r = import_bundle(hub.store, export_bundle(svc, "town-pass-123").outbox_path, hub.keys)
        assert r.rejected == 0
        towns[code] = svc
    return hub, towns


@pytest.mark.parametrize("kind", ["weekly", "monthly", "quarterly"])
def test_per_township_rows_equal_own_sheets(county: tuple[Hub, dict[str, Services]], kind: str) -> None:
    hub, towns = county
    period = parse_period(PERIODS[kind])
    report = build_county_sheet(hub.store, kind, period, made_on=MADE_ON)
    assert report.title == f"龙游县综治中心{ {'weekly': '周研判表', 'monthly': '月调度表', 'quarterly': '季推进表'}[kind] }"
    assert report.sections[1].title == "二、分乡镇（街道）情况"
    assert [s.title for s in report.sections if s.title][2].startswith("三、")
    table = report.table("by_township_county")
    assert [r[0].text for r in table.rows] == ["城关镇", "湖镇镇", "塔石镇", "全县合计"]
    total = 0
    fill_refs(hub.store, report)  # drill-down of every number, compared with the township's own
    for code, svc in towns.items():
        own = fill_refs(svc.store, build_report(svc, kind, period))
        n, bad = township_row_mismatches(report, own, code, svc.store, period)
        assert bad == []
        total += n
    assert total == 3 * (len(TOWNSHIP_COLUMNS[kind]) + (len(VOLUNTEER_COLUMNS) if kind == "monthly" else 0))
    if kind == "monthly":  # village, unit and team tables give way to the township form
        keys = {t.key for t in report.tables()}
        assert "volunteer_township" in keys and not keys & set(TOWNSHIP_LEVEL_TABLES)
        assert not [k for k in report.values if "|village=" in k or "|unit=" in k]
    # Something to compare: the townships have records in these periods.
    assert sum(int(report.values[township_key(fg.P_NEW.key, c)].value or 0) for c in towns) > 0

    # County totals: the sum of the townships (counts), and the aggregated sheet's own figures.
    for _head, fig in TOWNSHIP_COLUMNS[kind]:
        if isinstance(fig, fg.RateDef):
            continue
        key = fig if isinstance(fig, str) else fig.key
        parts = sum(int(report.values[township_key(key, c)].value or 0) for c in towns)
        assert report.values[township_key(key, "total")].value == parts
        if key in report.values:
            assert report.values[key].value == parts
    own_sum = sum(int(build_report(svc, kind, period).values[fg.D_NEW.key].value or 0) for svc in towns.values())
    assert report.values[fg.D_NEW.key].value == own_sum


def test_county_report_cli_pdf_and_xlsx(county: tuple[Hub, dict[str, Services]], tmp_path: Path) -> None:
    hub, _towns = county
    pdf, xlsx = tmp_path / "县月调度.pdf", tmp_path / "县月调度.xlsx"
    for out in (pdf, xlsx):
        r = subprocess.run([ZONGZHI, "county", "report", "monthly", "--db", str(hub.target), "--period", "2026-10",
                            "-o", str(out)], capture_output=True, text=True, timeout=120)
        assert r.returncode == 0, r.stderr
        assert "龙游县综治中心月调度表" in r.stdout
    txt = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True).stdout
    assert "龙游县综治中心月调度表" in txt and "分乡镇（街道）情况" in txt
    for name in ("城关镇", "湖镇镇", "塔石镇", "全县合计"):
        assert name in txt
    fonts = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True).stdout
    assert "emb" in fonts.splitlines()[0] and all(" yes " in ln for ln in fonts.splitlines()[2:])
    report = build_county_sheet(hub.store, "monthly", "2026-10", made_on=MADE_ON)
    wb = openpyxl.load_workbook(xlsx)
    cells = {str(c.value) for ws in wb.worksheets for row in ws.iter_rows() for c in row if c.value is not None}
    new_total = report.values[township_key(fg.P_NEW.key, "total")].text
    assert "全县合计" in cells and new_total in cells
    r = subprocess.run([ZONGZHI, "county", "report", "monthly", "--db", str(hub.target), "--period", "2026-W46",
                        "-o", str(tmp_path / "x.pdf")], capture_output=True, text=True, timeout=60)
    assert r.returncode == 2 and "不是月" in r.stderr
