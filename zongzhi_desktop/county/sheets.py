"""County sheets: the three township sheets computed over every township in the county store, with
a per-township table (分乡镇(街道)情况) and the reporting status of each township for the period.

The figures come from the same pipeline as a township's own sheet (reports.sheets.build_sheet with
townships=None); the per-township cells run the same figure definitions restricted to one
township, so a township's row equals the corresponding figures of its own sheet.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from sqlalchemy import Connection, select

from ..domain.codes import CodeTables
from ..domain.models import CodeItem
from ..reports import figures as fg
from ..reports.fonts import report_warnings
from ..reports.model import Cell, Column, Report, Section, Table, Text, Value
from ..reports.names import Names
from ..reports.periods import SHEET_PERIOD, Period, parse_period
from ..reports.sheets import _CN_NUM, LIST_LIMIT, SHEETS, Builder, build_sheet
from ..store.database import Store
from .setup import county_identity
from .timeliness import PeriodStatus, Snapshot, evaluate, rate_text

# Columns of the per-township table: (header, figure definition or composite key).
OVERDUE_SETS = (fg.P_OVERDUE, fg.D_OVERDUE, fg.K_OVERDUE, fg.X_OVERDUE)
DUE_SOON_SETS = (fg.P_DUE_SOON, fg.D_DUE_SOON, fg.K_DUE_SOON, fg.X_DUE_SOON)
COMPOSITES: dict[str, tuple[str, tuple[fg.SetDef, ...]]] = {
    "county.overdue": ("逾期事项（四类合计）", OVERDUE_SETS),
    "county.due_soon": ("7日内到期（四类合计）", DUE_SOON_SETS),
}
TOWNSHIP_COLUMNS: dict[str, list[tuple[str, Any]]] = {
    "weekly": [("新增信访", fg.P_NEW), ("信访办结", fg.P_CONCLUDED), ("按期办结率", fg.R_ON_TIME),
               ("新增纠纷", fg.D_NEW), ("化解纠纷", fg.D_RESOLVED), ("调处成功率", fg.R_MEDIATION),
               ("包案销号", fg.K_CLOSED), ("调度完成", fg.X_DONE), ("逾期事项", "county.overdue"),
               ("7日内到期", "county.due_soon")],
    "monthly": [("新增信访", fg.P_NEW), ("信访办结", fg.P_CONCLUDED), ("按期办结率", fg.R_ON_TIME),
                ("新增纠纷", fg.D_NEW), ("化解纠纷", fg.D_RESOLVED), ("调处成功率", fg.R_MEDIATION),
                ("包案化解率", fg.R_PACKAGE), ("调度完成率", fg.R_DISPATCH), ("志愿活动", fg.A_ACTIVITIES),
                ("逾期事项", "county.overdue")],
}
TOWNSHIP_COLUMNS["quarterly"] = TOWNSHIP_COLUMNS["monthly"]
_TITLE_NUMBER = re.compile(f"^[{_CN_NUM}]+、")


def township_key(key: str, code: str) -> str:
    """The value key of one township's cell: `<figure key>|township=<code>`."""
    return f"{key}|township={code}"


def county_codes(conn: Connection) -> CodeTables:
    """Shipped code tables merged with any the county store holds (same as a township's Services.codes)."""
    from ..services.context import default_codes

    rows = conn.execute(select(CodeItem.table_name, CodeItem.code, CodeItem.label, CodeItem.sort_order,
                               CodeItem.active)).all()
    return CodeTables.from_rows(default_codes(), [tuple(r) for r in rows])  # type: ignore[misc]


def _rate_dims(r: fg.RateDef, code: str) -> dict[str, tuple[str, Any]]:
    return {s.kind: ("township_code", code) for s in (*r.num, *r.den)}


def _figure(b: Builder, fig: Any, code: str | None) -> Value:
    """One figure for one township (code) or for all (None)."""
    p = b.period
    if isinstance(fig, str):
        label, sets = COMPOSITES[fig]
        dim = "township_code" if code else None
        n = sum(b.q.n(s, p, dim, code) for s in sets)
        return Value(fig, label, n, str(n), query=fg.query_of([fg.pick(s, p, dim, code) for s in sets]))
    if isinstance(fig, fg.RateDef):
        return b.q.rate(fig, p, _rate_dims(fig, code) if code else None)
    return b.q.count(fig, p, "township_code" if code else None, code)


def township_table(b: Builder, kind: str, towns: list[tuple[str, str]], status: PeriodStatus | None,
                   total_label: str = "全县合计") -> Table:
    """分乡镇(街道)情况: one row per township, the county (or city) total last."""
    spec = TOWNSHIP_COLUMNS[kind]
    by_code = {t.code: t for t in status.townships} if status else {}
    rows = []
    for code, name in towns:
        row = [Cell(name)]
        for _head, fig in spec:
            key = fig if isinstance(fig, str) else fig.key
            row.append(b.put(township_key(key, code), _figure(b, fig, code)))
        rep = by_code.get(code)
        row.append(Cell(rep.label if rep else "—", align="center"))
        rows.append(row)
    total = [Cell(total_label, bold=True, shade=True)]
    for _head, fig in spec:
        key = fig if isinstance(fig, str) else fig.key
        total.append(b.put(township_key(key, "total"), _figure(b, fig, None)))
    total.append(Cell(f"{status.reported}/{status.expected}" if status else "—", align="center"))
    for c in total[1:]:
        c.bold = c.shade = True
    rows.append(total)
    cols = [Column("乡镇(街道)", 1.9)] + [Column(head, 1, "right") for head, _f in spec] + [Column("上报", 1.1, "center")]
    note = "每个乡镇一行的数字与该乡镇本期自己的报表一致（同一口径，只取该乡镇的记录）；“上报”为本期批次上报情况。"
    return Table("by_township_county", None, cols, rows, note=note, font_size=8.5)


def reporting_text(status: PeriodStatus) -> Text:
    s = status
    text = (f"本期应报乡镇（街道）{s.expected}个：按时上报{s.count('on_time')}个，迟报{s.count('late')}个，"
            f"未报{s.count('missing')}个，待报{s.count('pending')}个；上报率{rate_text(s.reporting_rate)}，"
            f"及时率{rate_text(s.timely_rate)}（期末后{s.timely_days}日内收到为按时）。")
    missing = [t.name for t in s.townships if t.status in ("missing", "pending")]
    if missing:
        text += "尚未收到本期数据的：" + "、".join(missing) + "，其数字可能不完整。"
    return Text(None, text)


# Monthly-sheet tables with a row per village, responsible unit or volunteer team: hundreds of rows
# over a county (about 500 villages, 1,400 units, 700 teams for 30 townships). The county's sheet
# shows the township breakdown instead; each township's own sheet keeps these tables.
TOWNSHIP_LEVEL_TABLES = ("by_village", "by_unit", "by_township", "volunteer_team", "volunteer_village")
VOLUNTEER_COLUMNS = [("活动", fg.A_ACTIVITIES.key), ("参与人次", fg.V_PERSON_TIMES.key), ("服务时长(小时)", fg.V_HOURS.key),
                     ("服务群众", fg.V_SERVED.key), ("发现隐患", fg.V_HAZARDS.key), ("协助化解纠纷", fg.V_DISPUTES.key)]


def volunteer_township_table(b: Builder, towns: list[tuple[str, str]], total_label: str = "全县合计") -> Table:
    """平安志愿者 by township (the county's form of the by-team and by-village tables)."""
    rows = []
    by_town = b.q.volunteer(b.period, "township")
    for code, name in towns:
        vals = by_town.get(code) or b.q.volunteer_zero(b.period, "township", code)
        rows.append([Cell(name)] + [b.put(township_key(k, code), vals[k]) for _h, k in VOLUNTEER_COLUMNS])
    total = b.q.volunteer(b.period)[None]
    rows.append([Cell(total_label, bold=True, shade=True)] + [b.put(k, total[k]) for _h, k in VOLUNTEER_COLUMNS])
    for c in rows[-1][1:]:
        c.bold = c.shade = True
    cols = [Column("乡镇(街道)", 2.2)] + [Column(h, 1.3 if "时长" in h else 1, "right") for h, _k in VOLUNTEER_COLUMNS]
    return Table("volunteer_township", "平安志愿者活动（按乡镇）", cols, rows, font_size=9.5)


def _county_monthly(report: Report, b: Builder, towns: list[tuple[str, str]], total_label: str = "全县合计") -> None:
    """Put the township form of the volunteer tables into the monthly sheet (the village / unit /
    team tables were skipped; any that were built anyway are dropped)."""
    dropped: set[str] = set()
    kept: list[Section] = []
    for sec in report.sections:
        if sec.title and sec.title.endswith("平安志愿者") and not any(
                isinstance(x, Table) and x.key == "volunteer_team" for x in sec.blocks):
            sec.blocks.insert(0, volunteer_township_table(b, towns, total_label))
        blocks = []
        for block in sec.blocks:
            if isinstance(block, Table) and block.key in TOWNSHIP_LEVEL_TABLES:
                dropped.update(c.value for row in block.rows for c in row if c.value)
                if block.key == "volunteer_team":
                    blocks.append(volunteer_township_table(b, towns, total_label))
                continue
            blocks.append(block)
        if blocks or not sec.blocks:
            sec.blocks = blocks
            kept.append(sec)
    report.sections = kept
    used = {c.value for t in report.tables() for row in t.rows for c in row if c.value}
    for key in dropped - used:
        report.values.pop(key, None)


def _name_villages(report: Report, names: Names, towns: dict[str, str]) -> None:
    """In the county's village table, say which township each village belongs to (names repeat)."""
    try:
        table = report.table("by_village")
    except KeyError:
        return
    for row in table.rows:
        key = row[1].value if len(row) > 1 else None
        if not key or "|village=" not in key:
            continue
        village = names.villages.get(key.split("|village=", 1)[1])
        if village is not None and village.township_code in towns:
            row[0].text = f"{row[0].text}（{towns[village.township_code]}）"


def _renumber(sections: list[Section]) -> None:
    i = 0
    for sec in sections:
        if sec.title and _TITLE_NUMBER.match(sec.title):
            sec.title = _TITLE_NUMBER.sub(f"{_CN_NUM[i]}、", sec.title)
            i += 1


def all_townships(conn: Connection, names: Names, registered: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """Registered townships and any township whose rows the store holds, by code."""
    towns = dict(registered)
    for code, row in names.townships.items():
        towns.setdefault(code, row.name)
    return sorted(towns.items())


def build_county_sheet(store: Store, kind: str, period: str | Period, *, made_on: date,
                       list_limit: int = LIST_LIMIT, parts: dict[str, str] | None = None,
                       hub_name: str | None = None, total_label: str = "全县合计",
                       extra: Any = None) -> Report:
    """The county's sheet for `period`: every township aggregated, plus the per-township table.

    The city hub (issue 19) builds its sheet here too: `hub_name` is the city's name, `total_label`
    全市合计, and `extra(b, p, towns)` returns the sections it adds after the per-township one (the
    per-county table)."""
    if kind not in SHEETS:
        from ..domain.errors import DomainError

        raise DomainError(f"未知的报表“{kind}”，可用：weekly(周研判)、monthly(月调度)、quarterly(季推进)")
    p = period if isinstance(period, Period) else parse_period(period, SHEET_PERIOD[kind])
    name = hub_name if hub_name is not None else county_identity(store).county_name
    snap = Snapshot.load(store)
    status = evaluate(snap, p)
    registered = [(t.code, t.name) for t in snap.townships]
    with store.engine.connect() as conn:
        codes = county_codes(conn)
        q = fg.FigureQueries(conn, None, today=made_on)  # shared: the per-township cells reuse the sheet's rows
        # The village / unit / team tables are replaced by their township form: never computed.
        skip = frozenset(TOWNSHIP_LEVEL_TABLES) if kind == "monthly" else frozenset()
        report = build_sheet(conn, kind, p, codes=codes, townships=None, township_name=name,
                             made_on=made_on, parts=parts, list_limit=list_limit, queries=q, skip=skip)
        names = Names.load(conn)
        b = Builder(conn, q, p, codes, names, list_limit, values=report.values)
        towns = all_townships(conn, names, registered)
        table = township_table(b, kind, towns, status, total_label)
        report.sections.insert(1, Section(f"{_CN_NUM[1]}、分乡镇（街道）情况", [reporting_text(status), table]))
        if extra is not None:
            for i, sec in enumerate(extra(b, p, towns)):
                report.sections.insert(1 + i, sec)
        if kind == "monthly":
            _county_monthly(report, b, towns, total_label)
    _name_villages(report, names, dict(towns))
    _renumber(report.sections)
    report.township_codes = None
    report.confidential = True
    report.warnings = report_warnings(report)
    return report


def render_county_sheet(store: Store, kind: str, period: str | Period, fmt: str, *, made_on: date) -> tuple[bytes, Report]:
    """PDF or XLSX bytes of the county sheet."""
    from ..domain.errors import DomainError
    from ..reports.render_pdf import render_pdf
    from ..reports.render_xlsx import render_xlsx

    if fmt not in ("pdf", "xlsx"):
        raise DomainError(f"不支持的格式“{fmt}”，可用：pdf、xlsx")
    report = build_county_sheet(store, kind, period, made_on=made_on)
    return (render_pdf(report) if fmt == "pdf" else render_xlsx(report)), report

