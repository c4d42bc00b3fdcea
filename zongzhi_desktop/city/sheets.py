"""City sheets (issue 19): the three sheets over every township the city holds, with a per-county
table (分县（市、区）情况: each county's figures and its reporting status for the period) and the
county hub's per-township table — built by the county sheet's own code (county/sheets.py).

A county's row sums its townships' counts (each township's count is the one of its own sheet); a
rate is the county's summed numerator over its summed denominator, never an average of rates.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from typing import Any

from ..county.sheets import COMPOSITES, TOWNSHIP_COLUMNS, build_county_sheet
from ..county.timeliness import PeriodStatus, evaluate, rate_text
from ..domain.errors import DomainError
from ..reports import figures as fg
from ..reports.model import Cell, Column, Report, Section, Table, Text, Value
from ..reports.periods import SHEET_PERIOD, Period, parse_period
from ..reports.sheets import _CN_NUM, SHEETS, Builder
from ..store.database import Store
from .setup import city_identity
from .status import county_snapshot


def county_key(key: str, code: str) -> str:
    """The value key of one county's cell: `<figure key>|county=<code>`."""
    return f"{key}|county={code}"


def _sum(b: Builder, sets: tuple[fg.SetDef, ...], codes: list[str]) -> tuple[int, list[Any]]:
    n, picks = 0, []
    for s in sets:
        for c in codes:
            n += b.q.n(s, b.period, "township_code", c)
            picks.append(fg.pick(s, b.period, "township_code", c))
    return n, picks


def county_figure(b: Builder, fig: Any, codes: list[str]) -> Value:
    """One figure over the townships `codes` of one county (all of them: the city total)."""
    if isinstance(fig, str):
        label, sets = COMPOSITES[fig]
        n, picks = _sum(b, sets, codes)
        return Value(fig, label, n, str(n), query=fg.query_of(picks))
    if isinstance(fig, fg.RateDef):
        (n, num), (d, den) = _sum(b, fig.num, codes), _sum(b, fig.den, codes)
        value, text = fg.fmt_rate(n, d)
        return Value(fig.key, fig.label, value, text, None, n, d, None, query=fg.query_of(num, den))
    n, picks = _sum(b, (fig,), codes)
    return Value(fig.key, fig.label, n, str(n), query=fg.query_of(picks))


def county_table(b: Builder, kind: str, counties: list[tuple[str, str]], towns: list[tuple[str, str]],
                 status: PeriodStatus) -> Table:
    """分县（市、区）情况: one row per county (its townships' figures), the city total last."""
    spec = TOWNSHIP_COLUMNS[kind]
    by_county: dict[str, list[str]] = defaultdict(list)
    for code, _name in towns:
        by_county[code[:6]].append(code)
    reports = {t.code: t for t in status.townships}
    rows = []
    for code, name in counties:
        row = [Cell(name)]
        for _head, fig in spec:
            key = fig if isinstance(fig, str) else fig.key
            row.append(b.put(county_key(key, code), county_figure(b, fig, by_county.get(code, []))))
        rep = reports.get(code)
        row.append(Cell(rep.label if rep else "—", align="center"))
        rows.append(row)
    total = [Cell("全市合计", bold=True, shade=True)]
    for _head, fig in spec:
        key = fig if isinstance(fig, str) else fig.key
        total.append(b.put(county_key(key, "total"), county_figure(b, fig, [c for c, _n in towns])))
    total.append(Cell(f"{status.reported}/{status.expected}", align="center"))
    for c in total[1:]:
        c.bold = c.shade = True
    rows.append(total)
    cols = [Column("县（市、区）", 1.9)] + [Column(h, 1, "right") for h, _f in spec] + [Column("转报", 1.1, "center")]
    note = "每个县一行的数字是该县各乡镇数字之和（比率为分子之和÷分母之和）；“转报”为本期县级批次转报情况。"
    return Table("by_county_city", None, cols, rows, note=note, font_size=8.5)


def county_reporting_text(status: PeriodStatus) -> Text:
    s = status
    text = (f"本期应转报的县（市、区）{s.expected}个：按时{s.count('on_time')}个，迟报{s.count('late')}个，"
            f"未报{s.count('missing')}个，待报{s.count('pending')}个；转报率{rate_text(s.reporting_rate)}，"
            f"及时率{rate_text(s.timely_rate)}（期末后{s.timely_days}日内收到县级批次为按时）。")
    late = [t.name for t in s.townships if t.status in ("missing", "pending")]
    if late:
        text += "尚未收到本期县级批次的：" + "、".join(late) + "，其数字可能不完整。"
    return Text(None, text)


def build_city_sheet(store: Store, kind: str, period: str | Period, *, made_on: date) -> Report:
    """The city's sheet for `period`: every township aggregated, per county and per township."""
    if kind not in SHEETS:
        raise DomainError(f"未知的报表“{kind}”，可用：weekly(周研判)、monthly(月调度)、quarterly(季推进)")
    p = period if isinstance(period, Period) else parse_period(period, SHEET_PERIOD[kind])
    ident = city_identity(store)
    snap = county_snapshot(store)
    status = evaluate(snap, p)
    counties = [(t.code, t.name) for t in snap.townships]

    def by_county(b: Builder, _p: Period, towns: list[tuple[str, str]]) -> list[Section]:
        table = county_table(b, kind, counties, towns, status)
        return [Section(f"{_CN_NUM[1]}、分县（市、区）情况", [county_reporting_text(status), table])]

    return build_county_sheet(store, kind, p, made_on=made_on, hub_name=ident.city_name, total_label="全市合计",
                              extra=by_county)


def render_city_sheet(store: Store, kind: str, period: str | Period, fmt: str, *, made_on: date) -> tuple[bytes, Report]:
    """PDF or XLSX bytes of the city sheet."""
    from ..reports.render_pdf import render_pdf
    from ..reports.render_xlsx import render_xlsx

    if fmt not in ("pdf", "xlsx"):
        raise DomainError(f"不支持的格式“{fmt}”，可用：pdf、xlsx")
    report = build_city_sheet(store, kind, period, made_on=made_on)
    return (render_pdf(report) if fmt == "pdf" else render_xlsx(report)), report
