"""重点人员稳控 on the sheets: counts only, never a name (the register is for granted users).

Figures (docs/figures.md, "重点人员"), for period P counted as at A (the sheets' rule):
- 在管: people registered on or before A, not voided, whose status on A (status history) is 在管;
- 本期新列管 / 本期解除管控: registration date / release date in P;
- 本期走访: visits (not voided, of a person not voided) dated in P — visits, not people;
- 走访逾期: people in management on A whose next visit as on A — the cadence of their category counted
  from their last visit on or before A (or their registration) — fell before A;
- 风险升高: visits dated in P after which the person's risk level was higher than before.
The weekly sheet breaks them down by category, the monthly sheet by village; a sheet over several
townships (the county's) by township.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import Connection, and_, func, select

from ...domain.models import Village
from ...reports.model import Cell, Column, Section, Table, Value
from ...store import status_history as sh
from . import domain as d

T_PERSON = d.MODEL.__table__  # type: ignore[attr-defined]
T_VISIT = d.VISIT_MODEL.__table__  # type: ignore[attr-defined]
T_VILLAGE = Village.__table__  # type: ignore[attr-defined]
TOTAL = ""  # the key of the total in `figures`' counts (no village is the key None)

FIGURES = (
    ("managed", "在管", "列管日期不晚于A、未作废、A日状态（按办理记录重建）为在管的人员"),
    ("new", "本期新列管", "列管日期（registered_date）在本期内的人员"),
    ("released", "本期解除管控", "解除日期（released_date）在本期内的人员"),
    ("visits", "本期走访", "走访日期在本期内的走访记录条数（未作废，且人员未作废）"),
    ("overdue", "走访逾期", "A日在管、且A日的下次走访期限早于A的人员。下次走访期限 = 截至A日最近一次走访日期（无走访时为列管日期）"
                             "加所属类别的走访周期（设置 cadence.<类别代码>；列管第一年内用第一年周期）"),
    ("risk_up", "风险升高", "走访日期在本期内、走访后风险等级高于走访前的走访记录条数"),
)
FIGURE_LABELS = {key: label for key, label, _ in FIGURES}


@dataclass
class Person:
    id: str
    township: str
    village_id: str | None
    category: str
    registered: date


def _base(t: Any, townships: list[str] | None) -> Any:
    cond = t.c.voided.is_(False)
    return and_(cond, t.c.township_code.in_(townships)) if townships is not None else cond


def managed_on(conn: Connection, a: date, townships: list[str] | None) -> list[Person]:
    """The people in management on A (status history span covering A is 在管)."""
    sp = sh.T_SPAN
    q = (select(T_PERSON.c.id, T_PERSON.c.township_code, T_PERSON.c.village_id, T_PERSON.c.category,
                T_PERSON.c.registered_date)
         .select_from(T_PERSON.join(sp, and_(sp.c.record_id == T_PERSON.c.id, sp.c.record_kind == d.NAME,
                                             sh.covering(sp, a))))
         .where(_base(T_PERSON, townships), T_PERSON.c.registered_date <= a, sp.c.status == "managed"))
    return [Person(*r) for r in conn.execute(q)]


def overdue_on(conn: Connection, a: date, people: list[Person]) -> set[str]:
    """Of `people` (in management on A), those whose next visit as on A fell before A."""
    policy = sh.policy_of(conn)
    last: dict[str, date] = {}
    ids = [p.id for p in people]
    for i in range(0, len(ids), 500):
        q = (select(T_VISIT.c.key_person_id, func.max(T_VISIT.c.visit_date))
             .where(T_VISIT.c.voided.is_(False), T_VISIT.c.key_person_id.in_(ids[i:i + 500]), T_VISIT.c.visit_date <= a)
             .group_by(T_VISIT.c.key_person_id))
        last.update({pid: day for pid, day in conn.execute(q)})
    return {p.id for p in people if d.next_visit(p.registered, last.get(p.id), p.category, policy) < a}


def flows(conn: Connection, start: date, end: date, townships: list[str] | None
          ) -> dict[str, list[tuple[str, str | None, str]]]:
    """(township, village, category) of every record each flow figure counts in [start, end]."""
    out: dict[str, list[tuple[str, str | None, str]]] = {}
    cols = (T_PERSON.c.township_code, T_PERSON.c.village_id, T_PERSON.c.category)
    for key, col in (("new", T_PERSON.c.registered_date), ("released", T_PERSON.c.released_date)):
        out[key] = [tuple(r) for r in conn.execute(
            select(*cols).where(_base(T_PERSON, townships), col.between(start, end)))]  # type: ignore[misc]
    joined = T_VISIT.join(T_PERSON, T_PERSON.c.id == T_VISIT.c.key_person_id)
    visits = list(conn.execute(select(*cols, T_VISIT.c.risk_before, T_VISIT.c.risk_after).select_from(joined).where(
        _base(T_PERSON, townships), T_VISIT.c.voided.is_(False), T_VISIT.c.visit_date.between(start, end))))
    out["visits"] = [tuple(r[:3]) for r in visits]  # type: ignore[misc]
    out["risk_up"] = [tuple(r[:3]) for r in visits if d.risk_raised(r[3], r[4])]  # type: ignore[misc]
    return out


def figures(conn: Connection, start: date, end: date, a: date, townships: list[str] | None,
            by: str) -> dict[str, Counter[Any]]:
    """Every figure counted by `by` (category | village | township), with the total under TOTAL."""
    pick = {"township": 0, "village": 1, "category": 2}[by]
    people = managed_on(conn, a, townships)
    late = overdue_on(conn, a, people)
    rows = {key: [(p.township, p.village_id, p.category) for p in people if key == "managed" or p.id in late]
            for key in ("managed", "overdue")}
    rows.update(flows(conn, start, end, townships))
    out: dict[str, Counter[Any]] = {}
    for key, found in rows.items():
        counts: Counter[Any] = Counter(r[pick] for r in found)
        counts[TOTAL] = len(found)
        out[key] = counts
    return out


def _present(conn: Connection) -> bool:
    """Whether this store holds any of the register (a county hub only once townships sent it)."""
    return conn.execute(select(T_PERSON.c.id).limit(1)).first() is not None


def section(b: Any, monthly: bool) -> Section:
    """The 重点人员稳控 section of the weekly (by category) or monthly (by village) sheet."""
    townships = b.q.townships
    several = townships is None or len(townships) > 1
    by = "township" if several else ("village" if monthly else "category")
    title = "重点人员稳控"
    if several and not _present(b.conn):
        note = ("尚未收到各乡镇的重点人员数据（乡镇收到本级回执后随数据包上报不含身份信息的记录，"
                "见 docs/bundle-format.md §7.3）；请查阅各乡镇报表。")
        return Section(title, [Table("keyperson", None, [Column("说明", 1)], [[Cell(note)]])])
    counts = figures(b.conn, b.period.start, b.period.end, b.as_at, townships, by)
    seen = {k for v in counts.values() for k in v if k != TOTAL}
    if by == "category":
        items = b.codes[d.CODE_TABLE].items
        groups = [*items.items(), *((c, c) for c in sorted(seen - set(items), key=str))]
        head = "人员类别"
    elif by == "village":
        vt = T_VILLAGE
        names = dict(b.conn.execute(select(vt.c.id, vt.c.name)).all())
        groups = sorted(((vid, names.get(vid, vid) if vid else "未填村(社区)") for vid in seen),
                        key=lambda g: (g[0] is None, g[1]))
        head = "村(社区)"
    else:
        groups = [(code, row.name) for code, row in sorted(b.names.townships.items())
                  if townships is None or code in townships]
        head = "乡镇(街道)"
    unit = "本月" if monthly else "本周"
    keys = [k for k, _label, _ in FIGURES]
    cols = [Column(head, 2.2)] + [Column(FIGURE_LABELS[k].replace("本期", unit), 1, "right") for k in keys]
    rows: list[list[Cell]] = []
    for gid, label in [*groups, (TOTAL, "合计")]:
        if gid != TOTAL and not any(counts[k][gid] for k in keys):
            continue  # a category or village with nothing to show
        row = [Cell(label, bold=gid == TOTAL)]
        for k in keys:
            n = counts[k][gid]
            vkey = f"keyperson.{k}" if gid == TOTAL else f"keyperson.{k}|{by}={gid or '-'}"
            b.values[vkey] = Value(vkey, FIGURE_LABELS[k], float(n), str(n))
            row.append(Cell(str(n), value=vkey, align="right", bold=gid == TOTAL))
        rows.append(row)
    note = (f"在管、走访逾期截至{b.as_at.year}年{b.as_at.month}月{b.as_at.day}日；走访、风险升高为{unit}的走访记录条数。"
            "只列人数，不列姓名（重点人员信息仅限授权人员查看）。")
    return Section(title, [Table("keyperson", None, cols, rows, note=note, font_size=9.5)])


def weekly_section(b: Any) -> Section:
    """周研判: 重点人员稳控 by category (by township over several townships)."""
    return section(b, monthly=False)


def monthly_section(b: Any) -> Section:
    """月调度: 重点人员稳控 by village (by township over several townships)."""
    return section(b, monthly=True)


def figures_markdown() -> list[str]:
    """The kind's rows of docs/figures.md."""
    lines = ["## 重点人员", "", "| 指标 | 代码 | 口径 |", "| --- | --- | --- |"]
    lines += [f"| {label} | `keyperson.{key}` | {text} |" for key, label, text in FIGURES]
    lines += ["", "周研判按人员类别、月调度按村(社区)分列，县级汇总按乡镇分列；只列人数，不列姓名。", ""]
    return lines
