"""The three sheets (周研判 / 月调度 / 季推进) built from the figure definitions into a Report.

`build_sheet` takes a database connection, a period and a township list (None: every township
in the store — the county hub's view) and returns a plain Report; nothing here renders.
Every number cell names the figure value it prints (`Cell.value`), and every value keeps how to
fetch its records (`Value.query`), so the preview can open exactly the records behind a number.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property
from typing import Any

from sqlalchemy import Connection, and_, func, select

from ..domain import workflows as wf
from ..domain.codes import CodeTables
from ..store import status_history as sh
from . import figures as fg
from .figures import FigureQueries, RateDef, SetDef
from .model import Cell, Chart, Column, Report, Section, Series, Signature, Table, Text, Value
from .names import NO_UNIT, NO_VILLAGE, Names
from .periods import Period

PROGRESS_CHARS = 240  # progress text printed per package on the monthly sheet
LIST_LIMIT = 30  # rows printed in a list before "另有N件"; the count above the list stays exact

SHEETS = {
    "weekly": ("周研判表", "周研"),
    "monthly": ("月调度表", "月调"),
    "quarterly": ("季推进表", "季推"),
}
# Staff-written parts of each sheet: key -> label.
PARTS: dict[str, dict[str, str]] = {
    "weekly": {"opinion": "研判意见", "next_focus": "下周重点"},
    "monthly": {"next_plan": "下月安排"},
    "quarterly": {"new_issues": "新情况新问题", "next_measures": "下季措施"},
}
_CN_NUM = "一二三四五六七八九十"
_STATES = {"petition": wf.PETITION.states, "dispute": wf.DISPUTE.states,
           "package": wf.PACKAGE.states, "dispatch": wf.DISPATCH.states}
_KIND_LABEL = {"petition": "信访件", "dispute": "矛盾纠纷", "package": "领导包案", "dispatch": "调度事项"}


@dataclass
class SignInfo:
    """Who filled in the sheet and who signed it off (empty: a blank line to sign by hand)."""

    filled_by: str = ""
    reviewed_by: str = ""
    signed_on: date | None = None


def sheet_number(kind: str, township_name: str, period: Period) -> str:
    """编号 such as 城关综治周研〔2026〕47号 — derived from the period, so it never collides."""
    short = township_name
    for suffix in ("街道", "镇", "乡"):
        if short.endswith(suffix) and len(short) > len(suffix) + 1:
            short = short[: -len(suffix)]
            break
    return f"{short}综治{SHEETS[kind][1]}〔{period.year}〕{period.number}号"


def cn_date(d: date | None) -> str:
    return f"{d.year}年{d.month}月{d.day}日" if d else ""


def _short(text: str | None, n: int = 60) -> str:
    t = " ".join((text or "").split())
    return t if len(t) <= n else t[: n - 1] + "…"


@dataclass
class Builder:
    """State shared while one sheet is assembled."""

    conn: Connection
    q: FigureQueries
    period: Period
    codes: CodeTables
    names: Names
    list_limit: int = LIST_LIMIT
    values: dict[str, Value] = field(default_factory=dict)
    appendix: bool = False  # print every cut list in full at the end
    skip: frozenset[str] = frozenset()  # keys of tables the caller does not print (never computed)
    cut: list[Table] = field(default_factory=list)  # the cut lists, whole

    # -- values -> cells ----------------------------------------------------------------------
    def put(self, key: str, v: Value) -> Cell:
        v.key = key
        self.values[key] = v
        return Cell(v.text, value=key, align="right")

    def count(self, s: SetDef, p: Period | None = None, dim: str | None = None, value: Any = None,
              suffix: str = "") -> Cell:
        p = p or self.period
        return self.put(s.key + suffix, self.q.count(s, p, dim, value))

    def rate(self, r: RateDef, p: Period | None = None, dims: dict[str, tuple[str, Any]] | None = None,
             suffix: str = "") -> Cell:
        p = p or self.period
        return self.put(r.key + suffix, self.q.rate(r, p, dims))

    # -- comparison rows ----------------------------------------------------------------------
    def compare_rows(self, figs: list[Any], others: list[tuple[str, Period]]) -> list[list[Cell]]:
        """One row per figure: label, this period, then for each other period its value and the change."""
        rows = []
        vol_cur = self.q.volunteer(self.period)[None]
        vol = {tag: self.q.volunteer(p)[None] for tag, p in others}
        for f in figs:
            row = [Cell(f.label)]
            if isinstance(f, fg.SumDef) or f is fg.A_ACTIVITIES:
                cur = self.put(f.key, vol_cur[f.key])
            elif isinstance(f, RateDef):
                cur = self.rate(f)
            else:
                cur = self.count(f)
            row.append(cur)
            cv = self.values[f.key]
            for tag, p in others:
                if isinstance(f, fg.SumDef) or f is fg.A_ACTIVITIES:
                    oc = self.put(f"{f.key}|{tag}", vol[tag][f.key])
                elif isinstance(f, RateDef):
                    oc = self.rate(f, p, suffix=f"|{tag}")
                else:
                    oc = self.count(f, p, suffix=f"|{tag}")
                ov = self.values[f"{f.key}|{tag}"]
                row += [oc, Cell(change_text(cv, ov, isinstance(f, RateDef), len(others) == 1), align="right")]
            rows.append(row)
        return rows

    # -- record lists -------------------------------------------------------------------------
    @cached_property
    def as_at(self) -> date:
        """The date the sheet's stock figures (and its lists' status columns) are counted at."""
        return self.q.as_at(self.period)

    def record_rows(self, s: SetDef, cols: list[str], p: Period | None = None) -> list[dict[str, Any]]:
        """The set's records with the given columns, and for every record its status on A
        (`at_status`, `at_deadline`, `at_deadline_kind`), in one query (the span covering A joined)."""
        p = p or self.period
        q = self.q.select_set(s, p, ["id", *cols])
        if not s.stock:
            t, sp = fg.TABLES[s.kind], fg.T_SPAN
            q = (q.add_columns(sp.c.status.label("at_status"), sp.c.deadline.label("at_deadline"),
                               sp.c.deadline_kind.label("at_deadline_kind"))
                 .select_from(t.outerjoin(sp, and_(sp.c.record_id == t.c.id, sh.covering(sp, self.as_at)))))
        result = self.conn.execute(q)
        keys = list(result.keys())
        return [dict(zip(keys, r, strict=True)) for r in result]  # one key list, not a mapping per row

    def shown(self, items: list[Any]) -> list[Any]:
        """The items a list prints: all of them with the appendix, else the first `list_limit`."""
        return items if self.appendix or len(items) <= self.list_limit else items[: self.list_limit]

    def add_details(self, kind: str, rows: list[dict[str, Any]], cols: list[str]) -> None:
        """Fetch more columns for the records a list prints (the list was chosen and sorted on a few)."""
        t = fg.TABLES[kind]
        ids = [r["id"] for r in rows]
        got: dict[str, dict[str, Any]] = {}
        for i in range(0, len(ids), 500):
            q = select(t.c.id, *(t.c[c] for c in cols)).where(t.c.id.in_(ids[i:i + 500]))
            got.update({r[0]: dict(r._mapping) for r in self.conn.execute(q)})
        for r in rows:
            r.update(got[r["id"]])

    def list_table(self, key: str, title: str, cols: list[Column], rows: list[list[Cell]], font_size: float,
                   total: int | None = None) -> Table:
        """A record list, cut to `list_limit` rows with a spanning "另有N件" row; `total`: how many
        records the list has when `rows` holds only the printed ones. A cut list given whole (the
        appendix) is kept for the printed appendix."""
        total = len(rows) if total is None else total
        if total <= self.list_limit:
            return Table(key, title, cols, rows, font_size=font_size)
        if len(rows) == total:
            self.cut.append(Table(f"appendix.{key}", title, cols, rows, font_size=font_size))
        where = "见附录" if self.appendix else "打印时选“附录”可列出全部，预览中点击汇总数字可查看"
        note = Cell(f"……另有{total - self.list_limit}件未列出（共{total}件，{where}）", align="center")
        kept = [*rows[: self.list_limit], [note] + [Cell("") for _ in range(len(cols) - 1)]]
        r = len(kept)  # header is row 0
        return Table(key, title, cols, kept, spans=[(0, r, len(cols) - 1, r)], font_size=font_size)

    def village_name(self, vid: str | None) -> str:
        return Names.name(self.names.villages, vid, NO_VILLAGE)

    def label(self, table: str, code: str | None) -> str:
        return self.codes[table].label_of(code) if code else ""


def change_text(cur: Value, other: Value, is_rate: bool, with_diff: bool = True) -> str:
    """增减: counts as difference and percentage (percentage only when `with_diff` is False);
    rates in percentage points; "—" when undefined (a rate without a value, or a base of 0)."""
    if is_rate:
        if cur.value is None or other.value is None:
            return "—"
        d = round(round(cur.value, 1) - round(other.value, 1), 1)
        return f"{d:+.1f}个百分点" if d else "0.0个百分点"
    a, b = float(cur.value or 0), float(other.value or 0)
    diff = a - b
    pct = "—" if b == 0 else (f"{100.0 * diff / b:+.1f}%" if diff else "0.0%")
    if not with_diff:
        return pct
    diff_s = ("+" if diff > 0 else "-" if diff < 0 else "") + fg.fmt_number(abs(diff))
    return f"{diff_s}（{pct}）"


def _section_title(i: int, text: str) -> str:
    return f"{_CN_NUM[i]}、{text}"


# ---------------------------------------------------------------------------------------------
# Blocks shared by the sheets


def flow_table(b: Builder, key: str, title: str | None, figs: list[Any], others: list[tuple[str, str, Period]]) -> Table:
    cols = [Column("指标", 2.4), Column(f"本{_unit(b.period)}", 1, "right")]
    for _tag, label, _p in others:
        cols += [Column(label, 1, "right"), Column("增减" if len(others) == 1 else ("环比" if _tag == "prev" else "同比"), 1.6, "right")]
    rows = b.compare_rows(figs, [(t, p) for t, _l, p in others])
    note = None
    if len(others) > 1:
        note = "环比、同比：件数为增减百分比（基数为0时为“—”），比率为增减的百分点。"
    return Table(key, title, cols, rows, note=note, font_size=9.5)


def _unit(p: Period) -> str:
    return {"week": "周", "month": "月", "quarter": "季"}[p.kind]


def stock_table(b: Builder) -> Table:
    """Open / overdue / due-within-7-days by kind, plus the high-risk dispute counts."""
    kinds = [("petition", fg.P_OPEN, fg.P_OVERDUE, fg.P_DUE_SOON), ("dispute", fg.D_OPEN, fg.D_OVERDUE, fg.D_DUE_SOON),
             ("package", fg.K_OPEN, fg.K_OVERDUE, fg.K_DUE_SOON), ("dispatch", fg.X_OPEN, fg.X_OVERDUE, fg.X_DUE_SOON)]
    cols = [Column("项目", 1.6)] + [Column(_KIND_LABEL[k], 1, "right") for k, *_ in kinds]
    rows = []
    for i, label in enumerate(("在办", "逾期", "7日内到期")):
        rows.append([Cell(label)] + [b.count(sets[i]) for _k, *sets in kinds])
    rows.append([Cell("在办高风险纠纷"), Cell("—", align="right"), b.count(fg.D_OPEN_HIGH), Cell("—", align="right"),
                 Cell("—", align="right")])
    rows.append([Cell("在办易引发命案纠纷"), Cell("—", align="right"), b.count(fg.D_OPEN_HOMICIDE),
                 Cell("—", align="right"), Cell("—", align="right")])
    a = b.as_at
    return Table("stock", None, cols, rows,
                 note=f"在办、逾期、到期按截至{cn_date(a)}（{_as_at_reason(b)}）的办理状态和当日有效的期限计算："
                      f"逾期指期限早于该日，7日内到期指期限在该日至其后7日之间。")


_TITLE_COL = {"petition": "petitioner_name", "dispute": "title", "package": "title", "dispatch": "title"}
_DATE_COL = {"petition": "received_date", "dispute": "found_date", "package": "start_date", "dispatch": "raised_date"}


def _as_at_reason(b: Builder) -> str:
    return "本期最后一天" if b.as_at == b.period.end else "本期未结束，为制表当日"


def deadline_list(b: Builder, key: str, title: str, which: str) -> Table:
    """Overdue (which="overdue") or due-soon items of every kind, most urgent first."""
    sets = {"overdue": (fg.P_OVERDUE, fg.D_OVERDUE, fg.K_OVERDUE, fg.X_OVERDUE),
            "due_soon": (fg.P_DUE_SOON, fg.D_DUE_SOON, fg.K_DUE_SOON, fg.X_DUE_SOON)}[which]
    items = []
    for s in sets:
        for r in b.record_rows(s, ["serial"]):
            items.append((r["at_deadline"], s.kind, r["serial"], r))
    items.sort(key=lambda x: (x[0], x[1], x[2]))
    shown = b.shown(items)
    for s in sets:  # the text of the records printed
        extra = ["request"] if s.kind == "petition" else []
        b.add_details(s.kind, [x[3] for x in shown if x[1] == s.kind], [_TITLE_COL[s.kind], *extra])
    a = b.as_at
    rows = []
    for deadline, kind, serial, r in shown:
        title_ = r[_TITLE_COL[kind]]
        if kind == "petition":
            title_ = f"{title_}：{_short(r['request'], 40)}"
        days = (a - deadline).days if which == "overdue" else (deadline - a).days
        rows.append([
            Cell(_KIND_LABEL[kind]), Cell(serial, refs={kind: [r["id"]]}), Cell(_short(title_, 60)),
            Cell(_STATES[kind].get(r["at_status"], r["at_status"])), Cell(r["at_deadline_kind"] or ""),
            Cell(deadline.isoformat(), align="center"),
            Cell(f"{days}天", align="right"),
        ])
    cols = [Column("类别", 1.1), Column("编号", 1.6), Column("事项", 3.2), Column("状态", 1.1), Column("期限类型", 1.1),
            Column("期限", 1.4, "center"), Column("超期" if which == "overdue" else "剩余", 0.8, "right")]
    return b.list_table(key, f"{title}（共{len(items)}件）", cols, rows, 9, total=len(items))


def key_disputes_list(b: Builder) -> Table:
    cols_ = ["serial", "found_date", "risk_level", "homicide_risk"]
    high = {r["id"]: r for r in b.record_rows(fg.D_OPEN_HIGH, cols_)}
    hom = {r["id"]: r for r in b.record_rows(fg.D_OPEN_HOMICIDE, cols_)}
    rows_ = sorted({**high, **hom}.values(), key=lambda r: (r["found_date"], r["serial"]))
    shown = b.shown(rows_)
    b.add_details("dispute", shown, ["title", "type", "village_id"])
    rows = []
    for r in shown:
        flags = "、".join(x for x, on in (("高风险", r["risk_level"] == "high"), ("易引发命案", r["homicide_risk"])) if on)
        rows.append([Cell(r["serial"], refs={"dispute": [r["id"]]}), Cell(_short(r["title"], 50)),
                     Cell(b.label("dispute_type", r["type"])), Cell(b.village_name(r["village_id"])),
                     Cell(r["found_date"].isoformat(), align="center"), Cell(flags),
                     Cell(wf.DISPUTE.states.get(r["at_status"], r["at_status"]))])
    cols = [Column("编号", 1.6), Column("纠纷名称", 3), Column("类型", 1.3), Column("村(社区)", 1.3),
            Column("发现日期", 1.4, "center"), Column("风险", 1.3), Column("状态", 1)]
    return b.list_table("key_disputes", f"在办高风险、易引发命案纠纷清单（共{len(rows_)}件）", cols, rows, 9,
                        total=len(rows_))


def progress_list(b: Builder, key: str, p: Period) -> Table:
    """Case-package progress entries dated in the period."""
    t, k = fg.T_PROGRESS, fg.T_PACKAGE
    frm = t.join(k, k.c.id == t.c.package_id)
    cond = (t.c.voided.is_(False), b.q.base(k), t.c.entry_date.between(p.start, p.end))
    total = int(b.conn.execute(select(func.count()).select_from(frm).where(*cond)).scalar_one())
    q = (select(t.c.entry_date, t.c.content, t.c.by_whom, k.c.id, k.c.serial, k.c.title, k.c.leader_id)
         .select_from(frm).where(*cond).order_by(t.c.entry_date, k.c.serial, t.c.id))
    if not b.appendix:
        q = q.limit(b.list_limit)  # the entries printed; the count above stays exact
    entries = list(b.conn.execute(q))
    rows = [[Cell(d.isoformat(), align="center"), Cell(serial, refs={"package": [pid]}), Cell(_short(title, 40)),
             Cell(Names.name(b.names.leaders, leader, "")), Cell(_short(content, PROGRESS_CHARS)), Cell(_short(by, 20))]
            for d, content, by, pid, serial, title, leader in entries]
    cols = [Column("日期", 1.3, "center"), Column("编号", 1.5), Column("包案事项", 2.2), Column("包案领导", 1.5),
            Column("工作进展", 3.4), Column("办理人", 1)]
    return b.list_table(key, f"领导包案工作进展（本期登记{total}条）", cols, rows, 9, total=total)


AREA_FIGURES = (("new", (fg.P_NEW, fg.D_NEW)), ("done", (fg.P_CONCLUDED, fg.D_RESOLVED)),
                ("open", (fg.P_OPEN, fg.D_OPEN)), ("overdue", (fg.P_OVERDUE, fg.D_OVERDUE)))


def _pair(b: Builder, ps: SetDef, pk: str | None, ds: SetDef, dk: str | None, gid: Any, label: str | None = None) -> Value:
    """Petitions plus disputes of one group (`pk` / `dk`: each kind's grouping column, None: all)."""
    p = b.period
    n = b.q.n(ps, p, pk, gid) + b.q.n(ds, p, dk, gid)
    picks = [fg.pick(ps, p, pk, gid if pk else None), fg.pick(ds, p, dk, gid if dk else None)]
    return Value("", f"{ps.label}+{ds.label}" if label is None else label, n, str(n), query=fg.query_of(picks))


def area_table(b: Builder, key: str, head: str, dim: str, groups: list[tuple[Any, str]], note: str | None,
               dims_of: dict[str, str], keep_empty: bool = True) -> Table:
    """Table by village / responsible unit / township: new, resolved, open, overdue and the two rates.

    `dims_of` maps record kind to its grouping column (petition: village_id, dispute: village_id…).
    """
    pk, dk = dims_of["petition"], dims_of["dispute"]
    cols = [Column(head, 2.2), Column("新增", 1, "right"),
            Column("办结/化解", 1.1, "right"), Column("在办", 1, "right"), Column("逾期", 1, "right"),
            Column("按期办结率", 1.3, "right"), Column("调处成功率", 1.3, "right")]
    rows = []
    for gid, name in groups:
        suffix = f"|{dim}={gid}"
        cells = [Cell(name)]
        for label, (ps, ds) in AREA_FIGURES:
            cells.append(b.put(f"area.{label}{suffix}", _pair(b, ps, pk, ds, dk, gid)))
        cells.append(b.rate(fg.R_ON_TIME, dims={"petition": (pk, gid)}, suffix=suffix))
        cells.append(b.rate(fg.R_MEDIATION, dims={"dispute": (dk, gid)}, suffix=suffix))
        if not keep_empty and all(c.text in ("0", "—") for c in cells[1:]):
            for c in cells[1:]:
                del b.values[c.value]  # type: ignore[arg-type]
            continue
        rows.append(cells)
    total = [Cell("合计", bold=True, shade=True)]
    for label, (ps, ds) in AREA_FIGURES:
        total.append(b.put(f"area.{label}|total", _pair(b, ps, None, ds, None, None, "")))
    total.append(b.rate(fg.R_ON_TIME, suffix="|total"))
    total.append(b.rate(fg.R_MEDIATION, suffix="|total"))
    for c in total[1:]:
        c.bold = c.shade = True
    rows.append(total)
    return Table(key, None, cols, rows, note=note, font_size=9.5)


def _village_groups(b: Builder) -> list[tuple[Any, str]]:
    vs = [v for v in b.names.villages.values()
          if not v.voided and (b.q.townships is None or v.township_code in b.q.townships)]
    vs.sort(key=lambda v: (v.township_code, v.code, v.name))
    groups: list[tuple[Any, str]] = [(v.id, v.name) for v in vs]
    # Villages that were voided but still have records, and records with no village, come last.
    seen = {g for g, _ in groups}
    extra: set[Any] = set()
    for s in (fg.P_NEW, fg.P_CONCLUDED, fg.P_OPEN, fg.D_NEW, fg.D_RESOLVED, fg.D_OPEN):
        extra |= set(b.q.counts(s, b.period, "village_id")) - seen
    for vid in sorted(extra, key=lambda x: (x is None, str(x))):
        groups.append((vid, b.village_name(vid)))
    return groups


def _unit_groups(b: Builder) -> list[tuple[Any, str]]:
    ids: set[Any] = set()
    for s in (fg.P_NEW, fg.P_CONCLUDED, fg.P_OPEN):
        ids |= set(b.q.counts(s, b.period, "assigned_department_id"))
    for s in (fg.D_NEW, fg.D_RESOLVED, fg.D_OPEN):
        ids |= set(b.q.counts(s, b.period, "committee_id"))
    out = []
    for gid in ids:
        if gid is None:
            out.append((None, NO_UNIT))
        elif gid in b.names.departments:
            out.append((gid, b.names.departments[gid].name))
        else:
            out.append((gid, Names.name(b.names.committees, gid, "（已删除单位）")))
    out.sort(key=lambda g: (g[0] is None, g[1], str(g[0])))
    return out


def volunteer_tables(b: Builder) -> list[Table]:
    cols_tail = [Column("活动", 1, "right"), Column("参与人次", 1, "right"), Column("服务时长(小时)", 1.3, "right"),
                 Column("服务群众", 1, "right"), Column("发现隐患", 1, "right"), Column("协助化解纠纷", 1.2, "right")]
    keys = [fg.A_ACTIVITIES.key, *(s.key for s in fg.VOLUNTEER_SUMS)]
    out = []
    for dim, title, head, namer in (("team", "按队伍", "志愿服务队", lambda g: Names.name(b.names.teams, g, "（未知队伍）")),
                                    ("village", "按村(社区)", "村(社区)", b.village_name)):
        if f"volunteer_{dim}" in b.skip:
            continue
        groups = b.q.volunteer(b.period, dim)
        rows = []
        for gid in sorted(groups, key=lambda g: (g is None, namer(g), str(g))):
            vals = groups[gid]
            rows.append([Cell(namer(gid))] + [b.put(f"{k}|{dim}={gid}", vals[k]) for k in keys])
        total = b.q.volunteer(b.period)[None]
        rows.append([Cell("合计", bold=True, shade=True)] + [b.put(k, total[k]) for k in keys])
        for c in rows[-1][1:]:
            c.bold = c.shade = True
        out.append(Table(f"volunteer_{dim}", f"平安志愿者活动（{title}）", [Column(head, 2.2), *cols_tail], rows, font_size=9.5))
    return out


def _package_state(b: Builder, r: dict[str, Any]) -> str:
    st = r["at_status"]
    if st is None:
        return "截至日尚未包案"
    if st == "closed":
        return f"已销号（{r['closed_date'].isoformat()}）" if r["closed_date"] else wf.PACKAGE.states[st]
    text = wf.PACKAGE.states.get(st, st)
    return text + ("（逾期）" if r["at_deadline"] is not None and r["at_deadline"] < b.as_at else "")


def packages_table(b: Builder, key: str, title: str, sets: Iterable[SetDef], with_progress: bool) -> Table:
    """Every package any of `sets` counts, with its status and target on A."""
    chosen: dict[str, dict[str, Any]] = {}
    for s in sets:
        for r in b.record_rows(s, ["serial", "target_date", "closed_date"]):
            chosen[r["id"]] = r
    for r in chosen.values():
        r["target_on_a"] = r["at_deadline"] or r["target_date"]  # closed: no deadline in force
    items = sorted(chosen.values(), key=lambda r: (r["at_status"] == "closed", r["target_on_a"], r["serial"]))
    shown = b.shown(items)
    b.add_details("package", shown, ["title", "leader_id", "is_backlog", "supervised"])
    progress: dict[str, list[str]] = {}
    if with_progress and shown:
        t = fg.T_PROGRESS
        ids = [r["id"] for r in shown]
        entries: list[tuple[Any, ...]] = []
        for i in range(0, len(ids), 500):
            q = (select(t.c.package_id, t.c.entry_date, t.c.content, t.c.id)
                 .where(t.c.voided.is_(False), t.c.package_id.in_(ids[i:i + 500]),
                        t.c.entry_date.between(b.period.start, b.period.end)))
            entries += [tuple(e) for e in b.conn.execute(q)]
        for pid, d, content, _id in sorted(entries, key=lambda e: (e[1], e[3])):
            progress.setdefault(pid, []).append(f"{d.month}月{d.day}日 {content}")
    rows = []
    for r in shown:
        tags = "、".join(x for x, on in (("积案", r["is_backlog"]), ("挂牌督办", r["supervised"])) if on)
        row = [Cell(r["serial"], refs={"package": [r["id"]]}), Cell(_short(r["title"], 50) + (f"［{tags}］" if tags else "")),
               Cell(Names.name(b.names.leaders, r["leader_id"], "")), Cell(r["target_on_a"].isoformat(), align="center"),
               Cell(_package_state(b, r))]
        if with_progress:
            entries = progress.get(r["id"], [])
            text = "；".join(entries) or "本期无进展记录"
            if len(text) > PROGRESS_CHARS:  # keep every row shorter than a page
                text = text[: PROGRESS_CHARS - 1] + f"…（本期共{len(entries)}条）"
            row.append(Cell(text))
        rows.append(row)
    cols = [Column("编号", 1.5), Column("包案事项", 2.4), Column("包案领导", 1.5), Column("化解时限", 1.3, "center"),
            Column("状态", 1.3)]
    if with_progress:
        cols.append(Column("本期进展", 3.2))
    return b.list_table(key, f"{title}（共{len(items)}件）", cols, rows, 9, total=len(items))


def _dispatch_state(b: Builder, r: dict[str, Any]) -> str:
    st = r["at_status"]
    if st == "done":
        return f"已完成（{r['done_date'].isoformat()}）" + ("" if r["done_date"] <= r["deadline"] else "，超时")
    if st == "open":
        return "推进中" + ("（逾期）" if r["at_deadline"] is not None and r["at_deadline"] < b.as_at else "")
    return "截至日尚未提出"


def dispatch_table(b: Builder, key: str, title: str, sets: Iterable[SetDef]) -> Table:
    """Every dispatch item any of `sets` counts, with its state on A."""
    chosen: dict[str, dict[str, Any]] = {}
    for s in sets:
        for r in b.record_rows(s, ["serial", "deadline", "done_date"]):
            chosen[r["id"]] = r
    items = sorted(chosen.values(), key=lambda r: (r["at_status"] == "done", r["deadline"], r["serial"]))
    shown = b.shown(items)
    b.add_details("dispatch", shown, ["title", "department_id", "raised_date"])
    rows = []
    for r in shown:
        rows.append([Cell(r["serial"], refs={"dispatch": [r["id"]]}), Cell(_short(r["title"], 50)),
                     Cell(Names.name(b.names.departments, r["department_id"], NO_UNIT)),
                     Cell(r["raised_date"].isoformat(), align="center"), Cell(r["deadline"].isoformat(), align="center"),
                     Cell(_dispatch_state(b, r))])
    cols = [Column("编号", 1.5), Column("调度事项（堵点难点）", 3), Column("责任单位", 1.6), Column("提出日期", 1.3, "center"),
            Column("完成时限", 1.3, "center"), Column("完成情况", 1.8)]
    return b.list_table(key, f"{title}（共{len(items)}件）", cols, rows, 9, total=len(items))


def summary_row_table(b: Builder, key: str, title: str | None, cells: list[tuple[str, Cell]]) -> Table:
    cols = [Column(label, 1, "right") for label, _ in cells]
    return Table(key, title, cols, [[c for _l, c in cells]], font_size=9.5)


def staff_texts(kind: str, parts: dict[str, str]) -> list[Text]:
    return [Text(None, parts.get(k, ""), part=k, min_lines=4) for k in PARTS[kind]]


def signature(sign: SignInfo) -> Signature:
    return Signature(["填报人", "审核人", "日期"], [sign.filled_by, sign.reviewed_by, cn_date(sign.signed_on)])


# ---------------------------------------------------------------------------------------------
# The sheets

FLOW_WEEKLY = [fg.P_NEW, fg.P_GROUP, fg.P_SKIP, fg.P_REPEAT, fg.P_CONCLUDED, fg.R_TIMELY_ACCEPT, fg.R_ON_TIME,
               fg.D_NEW, fg.D_NEW_HIGH, fg.D_NEW_HOMICIDE, fg.D_RESOLVED, fg.R_MEDIATION, fg.K_CLOSED, fg.X_DONE,
               fg.A_ACTIVITIES]
FLOW_PERIODIC = [fg.P_NEW, fg.P_GROUP, fg.P_SKIP, fg.P_REPEAT, fg.P_CONCLUDED, fg.R_TIMELY_ACCEPT, fg.R_ON_TIME,
                 fg.R_SATISFACTION, fg.R_RATED, fg.D_NEW, fg.D_NEW_HOMICIDE, fg.D_RESOLVED, fg.R_MEDIATION,
                 fg.R_VILLAGE, fg.K_NEW, fg.K_CLOSED, fg.R_PACKAGE, fg.X_NEW, fg.X_DONE, fg.R_DISPATCH,
                 fg.A_ACTIVITIES, fg.V_PERSON_TIMES, fg.V_HOURS]


def _weekly(b: Builder, parts: dict[str, str]) -> list[Section]:
    p = b.period
    secs: list[Section] = []
    secs.append(Section(_section_title(0, "本周主要指标（与上周比较）"),
                        [flow_table(b, "flow", None, FLOW_WEEKLY, [("prev", "上周", p.previous())])]))
    forms = b.codes["petition_form"].items
    by_form = [(code, label) for code, label in forms.items()]
    cells = [(label, b.count(fg.P_NEW, dim="form", value=code, suffix=f"|form={code}")) for code, label in by_form]
    cells.append(("合计", b.count(fg.P_NEW)))
    cells += [("集体访", b.count(fg.P_GROUP)), ("越级访", b.count(fg.P_SKIP)), ("重复访", b.count(fg.P_REPEAT))]
    secs.append(Section(_section_title(1, "本周新增信访件（按信访形式）"), [summary_row_table(b, "petition_forms", None, cells)]))
    secs.append(Section(_section_title(2, "矛盾纠纷（按类型）"), [dispute_type_table(b, weekly=True)]))
    secs.append(Section(_section_title(3, "在办和到期情况"), [stock_table(b), key_disputes_list(b)]))
    secs.append(Section(_section_title(4, "逾期和7日内到期事项"),
                        [deadline_list(b, "overdue", "逾期事项", "overdue"), deadline_list(b, "due_soon", "7日内到期事项", "due_soon")]))
    secs.append(Section(_section_title(5, "领导包案进展"), [progress_list(b, "package_progress", p)]))
    secs += _registered_sections(b, "weekly_section", len(secs))
    for k, label in PARTS["weekly"].items():
        secs.append(Section(_section_title(len(secs), label), [Text(None, parts.get(k, ""), part=k, min_lines=4)]))
    return secs


def _registered_sections(b: Builder, which: str, first: int) -> list[Section]:
    """The sections the kinds added through the registry put on a sheet (`which`: weekly_section or
    monthly_section of their reports part), numbered on from `first`."""
    from ..kinds import parts

    out = []
    for part in parts("reports"):
        sec = getattr(part, which)(b)
        out.append(Section(_section_title(first + len(out), sec.title or ""), sec.blocks))
    return out


def dispute_type_table(b: Builder, weekly: bool) -> Table:
    rows = []
    types = b.codes["dispute_type"].items
    seen = set(types)
    shown = (fg.D_NEW, fg.D_RESOLVED, fg.D_OPEN) if weekly else (fg.D_NEW, fg.D_RESOLVED, fg.D_ENDED)  # sets it prints
    extra = [c for s in shown for c in b.q.counts(s, b.period, "type") if c not in seen]
    for code in [*types, *sorted(set(extra))]:
        suffix = f"|type={code}"
        row = [Cell(b.label("dispute_type", code)), b.count(fg.D_NEW, dim="type", value=code, suffix=suffix),
               b.count(fg.D_RESOLVED, dim="type", value=code, suffix=suffix)]
        if weekly:
            row += [b.count(fg.D_OPEN, dim="type", value=code, suffix=suffix),
                    b.count(fg.D_OPEN_HIGH, dim="type", value=code, suffix=suffix)]
        else:
            row.append(b.rate(fg.R_MEDIATION, dims={"dispute": ("type", code)}, suffix=suffix))
        rows.append(row)
    total = [Cell("合计", bold=True, shade=True), b.count(fg.D_NEW), b.count(fg.D_RESOLVED)]
    total += [b.count(fg.D_OPEN), b.count(fg.D_OPEN_HIGH)] if weekly else [b.rate(fg.R_MEDIATION)]
    for c in total[1:]:
        c.bold = c.shade = True
    rows.append(total)
    unit = "本周" if weekly else "本季"
    cols = [Column("纠纷类型", 2), Column(f"{unit}新增", 1, "right"), Column(f"{unit}化解", 1, "right")]
    cols += [Column("在办", 1, "right"), Column("其中高风险", 1, "right")] if weekly else [Column("调处成功率", 1.2, "right")]
    return Table("dispute_types", None, cols, rows, font_size=9.5)


def petition_subject_table(b: Builder) -> Table:
    rows = []
    for code, label in b.codes["petition_subject"].items.items():
        suffix = f"|subject={code}"
        rows.append([Cell(label), b.count(fg.P_NEW, dim="subject", value=code, suffix=suffix),
                     b.count(fg.P_CONCLUDED, dim="subject", value=code, suffix=suffix),
                     b.rate(fg.R_ON_TIME, dims={"petition": ("subject", code)}, suffix=suffix)])
    total = [Cell("合计", bold=True, shade=True), b.count(fg.P_NEW), b.count(fg.P_CONCLUDED), b.rate(fg.R_ON_TIME)]
    for c in total[1:]:
        c.bold = c.shade = True
    rows.append(total)
    cols = [Column("信访事项分类", 2), Column("本季新增", 1, "right"), Column("本季办结", 1, "right"),
            Column("按期办结率", 1.2, "right")]
    return Table("petition_subjects", None, cols, rows, font_size=9.5)


def _monthly(b: Builder, parts: dict[str, str]) -> list[Section]:
    p = b.period
    secs: list[Section] = []
    secs.append(Section(_section_title(0, "主要指标（环比、同比）"), [
        flow_table(b, "flow", None, FLOW_PERIODIC, [("prev", "上月", p.previous()), ("yoy", "去年同月", p.same_last_year())])]))
    vnote = "新增、办结/化解含信访件和矛盾纠纷；按期办结率为信访件，调处成功率为矛盾纠纷。"
    if "by_village" not in b.skip:
        secs.append(Section(_section_title(1, "分村（社区）情况"), [
            area_table(b, "by_village", "村(社区)", "village", _village_groups(b), vnote,
                       {"petition": "village_id", "dispute": "village_id"})]))
    unit_blocks = []
    if "by_unit" not in b.skip:
        unit_blocks.append(area_table(
            b, "by_unit", "责任单位", "unit", _unit_groups(b),
            "信访件按交办的承办单位统计，矛盾纠纷按调解组织（调委会）统计；只列本期有数据的单位。",
            {"petition": "assigned_department_id", "dispute": "committee_id"}, keep_empty=False))
    if (b.q.townships is None or len(b.q.townships) > 1) and "by_township" not in b.skip:
        towns = [(code, row.name) for code, row in sorted(b.names.townships.items())
                 if b.q.townships is None or code in b.q.townships]
        unit_blocks.append(area_table(b, "by_township", "乡镇(街道)", "township", towns, None,
                                      {"petition": "township_code", "dispute": "township_code"}))
    if unit_blocks:
        secs.append(Section(_section_title(2, "分责任单位情况"), unit_blocks))
    pk = summary_row_table(b, "package_summary", None, [
        ("在办包案", b.count(fg.K_OPEN)), ("本月新增", b.count(fg.K_NEW)), ("本月销号", b.count(fg.K_CLOSED)),
        ("包案化解率", b.rate(fg.R_PACKAGE)), ("逾期包案", b.count(fg.K_OVERDUE))])
    secs.append(Section(_section_title(3, "领导包案推进情况"), [
        pk, packages_table(b, "packages", "包案推进明细", (fg.K_OPEN, fg.K_NEW, fg.K_CLOSED, fg.K_DUE_OR_CLOSED),
                           with_progress=True)]))
    xs = summary_row_table(b, "dispatch_summary", None, [
        ("本月新增", b.count(fg.X_NEW)), ("本月完成", b.count(fg.X_DONE)), ("完成率", b.rate(fg.R_DISPATCH)),
        ("按时完成率", b.rate(fg.R_DISPATCH_ON_TIME)), ("推进中", b.count(fg.X_OPEN)), ("逾期", b.count(fg.X_OVERDUE))])
    secs.append(Section(_section_title(4, "调度事项（堵点难点）"), [
        xs, dispatch_table(b, "dispatch", "调度事项明细", (fg.X_NEW, fg.X_DUE_OR_DONE, fg.X_OPEN))]))
    secs.append(Section(_section_title(5, "平安志愿者"), volunteer_tables(b)))
    added = _registered_sections(b, "monthly_section", 6)
    secs += added
    secs.append(Section(_section_title(6 + len(added), "下月安排"), staff_texts("monthly", parts)))
    return secs


def _quarterly(b: Builder, parts: dict[str, str]) -> list[Section]:
    p = b.period
    secs: list[Section] = []
    secs.append(Section(_section_title(0, "本季主要指标（环比、同比）"), [
        flow_table(b, "flow", None, FLOW_PERIODIC, [("prev", "上季", p.previous()), ("yoy", "去年同季", p.same_last_year())])]))
    # Month-by-month trend: a chart and the same numbers as a (clickable) table.
    trend = [(fg.P_NEW, "新增信访"), (fg.D_NEW, "新增纠纷"), (fg.P_CONCLUDED, "信访办结"), (fg.D_RESOLVED, "纠纷化解")]
    months = p.months()
    rows = []
    series = [Series(label, [], []) for _s, label in trend]
    for mp in months:
        row = [Cell(f"{mp.number}月")]
        for i, (s, _label) in enumerate(trend):
            c = b.count(s, mp, suffix=f"|month={mp.code}")
            row.append(c)
            series[i].values.append(float(b.values[c.value].value or 0))  # type: ignore[index]
            series[i].refs.append(None)
        row.append(b.rate(fg.R_ON_TIME, mp, suffix=f"|month={mp.code}"))
        row.append(b.rate(fg.R_MEDIATION, mp, suffix=f"|month={mp.code}"))
        rows.append(row)
    cols = [Column("月份", 1)] + [Column(label, 1, "right") for _s, label in trend] + [
        Column("按期办结率", 1.2, "right"), Column("调处成功率", 1.2, "right")]
    chart = Chart("trend", "逐月趋势（件）", "bar", [f"{mp.number}月" for mp in months], series)
    secs.append(Section(_section_title(1, "逐月趋势"), [chart, Table("trend_table", None, cols, rows, font_size=9.5)]))
    # Breakdown by type.
    dt = dispute_type_table(b, weekly=False)
    type_vals = [(r[0].text, float(b.values[r[1].value].value or 0)) for r in dt.rows[:-1]]  # type: ignore[index]
    subj = petition_subject_table(b)
    subj_vals = [(r[0].text, float(b.values[r[1].value].value or 0)) for r in subj.rows[:-1]]  # type: ignore[index]
    secs.append(Section(_section_title(2, "分类构成"), [
        Chart("dispute_types_chart", "本季新增矛盾纠纷（按类型）", "hbar", [n for n, _ in type_vals],
              [Series("新增纠纷", [v for _, v in type_vals])]),
        dt,
        Chart("petition_subjects_chart", "本季新增信访件（按事项分类）", "hbar", [n for n, _ in subj_vals],
              [Series("新增信访", [v for _, v in subj_vals])]),
        subj]))
    pk = summary_row_table(b, "package_summary", None, [
        ("本季销号", b.count(fg.K_CLOSED)), ("其中积案", b.count(fg.K_BACKLOG_CLOSED)), ("应化解包案", b.count(fg.K_DUE_OR_CLOSED)),
        ("包案化解率", b.rate(fg.R_PACKAGE)), ("在办包案", b.count(fg.K_OPEN)), ("逾期包案", b.count(fg.K_OVERDUE))])
    secs.append(Section(_section_title(3, "包案销号和积案化解"), [
        pk, packages_table(b, "packages_closed", "本季销号、应化解和在办包案", (fg.K_CLOSED, fg.K_DUE_OR_CLOSED, fg.K_OPEN),
                           with_progress=False)]))
    xs = summary_row_table(b, "dispatch_summary", None, [
        ("本季新增", b.count(fg.X_NEW)), ("应完成", b.count(fg.X_DUE_OR_DONE)), ("本季完成", b.count(fg.X_DONE)),
        ("完成率", b.rate(fg.R_DISPATCH)), ("按时完成率", b.rate(fg.R_DISPATCH_ON_TIME)), ("逾期未完成", b.count(fg.X_OVERDUE))])
    secs.append(Section(_section_title(4, "调度事项完成情况"), [
        xs, dispatch_table(b, "dispatch_overdue", "本季新增、应完成和逾期调度事项",
                           (fg.X_NEW, fg.X_DUE_OR_DONE, fg.X_OVERDUE))]))
    for i, (k, label) in enumerate(PARTS["quarterly"].items()):
        secs.append(Section(_section_title(5 + i, label), [Text(None, parts.get(k, ""), part=k, min_lines=5)]))
    return secs


BUILDERS = {"weekly": _weekly, "monthly": _monthly, "quarterly": _quarterly}


def build_sheet(conn: Connection, kind: str, period: Period, *, codes: CodeTables, townships: Iterable[str] | None,
                township_name: str, made_on: date, parts: dict[str, str] | None = None,
                sign: SignInfo | None = None, list_limit: int = LIST_LIMIT,
                queries: FigureQueries | None = None, appendix: bool = False,
                skip: frozenset[str] = frozenset()) -> Report:
    """Compute one sheet for `period` over `townships` (None: every township in the store).

    `queries` (over the same connection and townships) lets a caller that adds its own tables
    (the county's per-township table) reuse the rows already fetched."""
    if kind not in SHEETS:
        raise ValueError(kind)
    parts = {k: v for k, v in (parts or {}).items() if k in PARTS[kind]}
    q = queries if queries is not None else FigureQueries(conn, townships, today=made_on)
    if kind == "quarterly":
        q.month_quarters = frozenset({period.code})  # the trend's months come with the quarter's counts
    b = Builder(conn, q, period, codes, Names.load(conn), list_limit, appendix=appendix, skip=skip)
    sections = BUILDERS[kind](b, parts)
    sections.append(Section(None, [signature(sign or SignInfo())]))
    if appendix and b.cut:
        sections.append(Section("附录：正文中截断清单的全部记录", list(b.cut)))
    title = f"{township_name}综治中心{SHEETS[kind][0]}"
    report = Report(kind=kind, title=title, subtitle=period.label, number=sheet_number(kind, township_name, period),
                    township_codes=q.townships, township_name=township_name, period=period.code,
                    made_on=made_on.isoformat(), sections=sections, values=b.values, parts=parts)
    return report
