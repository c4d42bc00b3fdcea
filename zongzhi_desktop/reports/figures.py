"""Every figure on the sheets, defined exactly once: a record set (SQL condition), a rate, or a sum.

A *set* is "the records of one table that satisfy a condition for period P" — its count is the
figure (counted by the database: COUNT with GROUP BY, never by fetching the rows), its ids are
what the preview fetches and opens when the number is clicked, or what a signed sheet freezes. A *rate* is one union of
sets over another; an empty denominator gives no value and prints "—" (never 0% or 100%).
Voided records never count, and the township is a parameter (a list of codes, or None for every
township in the store) so the county hub runs the same queries with a township dimension.

The `definition` strings are the documentation: docs/figures.md is generated from them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Connection,
    Integer,
    Select,
    Table,
    and_,
    case,
    func,
    null,
    or_,
    select,
)
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import FunctionElement

from ..domain import models as m
from ..domain import workflows as wf
from ..domain.formatting import percent_text, ratio
from ..store import status_history as sh
from .model import Refs, Value
from .periods import Period, parse_period

DUE_SOON_DAYS = 7  # "due within 7 days" on the weekly sheet

T_PETITION: Table = m.Petition.__table__  # type: ignore[attr-defined]
T_DISPUTE: Table = m.Dispute.__table__  # type: ignore[attr-defined]
T_PACKAGE: Table = m.CasePackage.__table__  # type: ignore[attr-defined]
T_PROGRESS: Table = m.PackageProgress.__table__  # type: ignore[attr-defined]
T_DISPATCH: Table = m.DispatchItem.__table__  # type: ignore[attr-defined]
T_ACTIVITY: Table = m.Activity.__table__  # type: ignore[attr-defined]
T_PARTICIPANT: Table = m.ActivityParticipant.__table__  # type: ignore[attr-defined]
T_TEAM: Table = m.VolunteerTeam.__table__  # type: ignore[attr-defined]
T_SPAN: Table = sh.T_SPAN

TABLES: dict[str, Table] = {
    "petition": T_PETITION, "dispute": T_DISPUTE, "package": T_PACKAGE,
    "dispatch": T_DISPATCH, "activity": T_ACTIVITY,
}
# Columns fetched with every set so tables by village/unit/type/township group in Python.
DIMENSIONS: dict[str, tuple[str, ...]] = {
    "petition": ("township_code", "village_id", "assigned_department_id", "form", "subject"),
    "dispute": ("township_code", "village_id", "committee_id", "type", "source"),
    "package": ("township_code", "unit_department_id", "leader_id"),
    "dispatch": ("township_code", "department_id"),
    "activity": ("township_code", "village_id", "team_id", "type"),
}

OPEN = {
    "petition": sorted(wf.PETITION.open_states),
    "dispute": sorted(wf.DISPUTE.open_states),
    "package": sorted(wf.PACKAGE.open_states),
    "dispatch": sorted(wf.DISPATCH.open_states),
}

Where = Callable[[Table, Period], ColumnElement[bool]]
# A stock condition: over the record table, its status span covering A (joined), P and A.
AtWhere = Callable[[Table, Table, Period, date], ColumnElement[bool]]


@dataclass(frozen=True)
class SetDef:
    """Records of `kind` satisfying `where` for a period; the figure is their count.

    A stock set (`at` given) is counted as at a date A (see `as_at`): its condition reads the
    record's status span covering A, never the record's status now.
    """

    key: str
    label: str
    kind: str
    definition: str
    where: Where | None = None
    at: AtWhere | None = None

    @property
    def stock(self) -> bool:
        return self.at is not None


def as_at(p: Period, today: date) -> date:
    """The date stock figures of P are counted at: P's last day once P has ended, else today."""
    return min(p.end, today)


@dataclass(frozen=True)
class RateDef:
    """|union of numerator sets| ÷ |union of denominator sets|, "—" when the denominator is empty."""

    key: str
    label: str
    num: tuple[SetDef, ...]
    den: tuple[SetDef, ...]
    definition: str


@dataclass(frozen=True)
class SumDef:
    """A volunteer total summed over the activities of the period (refs are the activities)."""

    key: str
    label: str
    unit: str
    definition: str


def _in(col: Any, p: Period) -> ColumnElement[bool]:
    return col.between(p.start, p.end)


def _open(kind: str, date_col: str) -> AtWhere:
    """Registered on or before A and in an open status on A (the span covering A is open)."""
    return lambda t, sp, p, a: and_(t.c[date_col] <= a, sp.c.is_open.is_(True))


def _overdue(kind: str, date_col: str) -> AtWhere:
    # Overdue on A: the deadline in force on A is a day before A.
    return lambda t, sp, p, a: and_(_open(kind, date_col)(t, sp, p, a), sp.c.deadline < a)


def _due_soon(kind: str, date_col: str) -> AtWhere:
    return lambda t, sp, p, a: and_(_open(kind, date_col)(t, sp, p, a), sp.c.deadline >= a,
                                    sp.c.deadline <= a + timedelta(days=DUE_SOON_DAYS))


AS_AT_TEXT = "截至日A（本期已结束为本期最后一天，未结束为今天，按北京时间）"
OPEN_TEXT = ("登记日期不晚于A、未作废，且按A日及以前的办理记录重建的A日状态为在办状态（{states}）的" + "{noun}")
OVERDUE_TEXT = "A日在办（同上）且A日有效的办理期限早于A（逾期天数 = A − 期限）"
DUE_SOON_TEXT = "A日在办（同上）且A日有效的办理期限在A至A+7日之间（含两端）"


def _states(kind: str) -> str:
    names = {"petition": wf.PETITION, "dispute": wf.DISPUTE, "package": wf.PACKAGE, "dispatch": wf.DISPATCH}
    w = names[kind]
    return "、".join(w.states[s] for s in OPEN[kind])


# ---------------------------------------------------------------------------------------------
# Petitions (信访件)
P_NEW = SetDef("petition.new", "新增信访件", "petition", "收件日期（received_date）在本期内的信访件",
               lambda t, p: _in(t.c.received_date, p))
P_GROUP = SetDef("petition.new.group", "其中集体访", "petition", "新增信访件中来访人数≥5人（集体访）的",
                 lambda t, p: and_(_in(t.c.received_date, p), t.c.is_group.is_(True)))
P_SKIP = SetDef("petition.new.skip_level", "其中越级访", "petition", "新增信访件中标记为越级访的",
                lambda t, p: and_(_in(t.c.received_date, p), t.c.is_skip_level.is_(True)))
P_REPEAT = SetDef("petition.new.repeat", "其中重复访", "petition", "新增信访件中标记为重复访的",
                  lambda t, p: and_(_in(t.c.received_date, p), t.c.is_repeat.is_(True)))
P_DECIDED = SetDef("petition.decided", "作出受理决定", "petition",
                   "受理决定日期（decision_date）在本期内的信访件（受理、不予受理、不再受理均计）",
                   lambda t, p: _in(t.c.decision_date, p))
P_DECIDED_TIMELY = SetDef("petition.decided.timely", "及时作出受理决定", "petition",
                          "本期作出受理决定且决定日期不晚于受理告知期限（收件后15日，按期限规则计算）的",
                          lambda t, p: and_(_in(t.c.decision_date, p), t.c.decision_date <= t.c.accept_deadline))
P_CONCLUDED = SetDef("petition.concluded", "信访件办结", "petition",
                     "答复日期（出具处理意见书，reply_date）在本期内的信访件",
                     lambda t, p: _in(t.c.reply_date, p))
P_ON_TIME = SetDef("petition.concluded.on_time", "按期办结", "petition",
                   "本期办结且答复日期不晚于办结期限（受理后60日，加经批准的延长期）的",
                   lambda t, p: and_(_in(t.c.reply_date, p), t.c.conclude_deadline.is_not(None),
                                     t.c.reply_date <= t.c.conclude_deadline))
P_RATED = SetDef("petition.rated", "参评", "petition",
                 "本期办结的信访件中，评价日期不晚于本期最后一天、已作满意度评价的",
                 lambda t, p: and_(_in(t.c.reply_date, p), t.c.rating.is_not(None), t.c.rating_date <= p.end))
P_SATISFIED = SetDef("petition.rated.satisfied", "满意和基本满意", "petition",
                     "参评信访件中评价为“满意”或“基本满意”的",
                     lambda t, p: and_(P_RATED.where(t, p), t.c.rating.in_(["satisfied", "basically"])))
P_CONCLUDED_VILLAGE = SetDef("petition.concluded.village", "村级办结信访件", "petition",
                             "本期办结且化解层级为“村级”的信访件",
                             lambda t, p: and_(_in(t.c.reply_date, p), t.c.resolution_level == "village"))
P_ASSIGNED = SetDef("petition.assigned", "交办信访件", "petition", "交办日期（assigned_date）在本期内的信访件",
                    lambda t, p: _in(t.c.assigned_date, p))
P_OPEN = SetDef("petition.open", "在办信访件", "petition", OPEN_TEXT.format(states=_states("petition"), noun="信访件"),
                at=_open("petition", "received_date"))
P_OVERDUE = SetDef("petition.overdue", "逾期信访件", "petition", OVERDUE_TEXT, at=_overdue("petition", "received_date"))
P_DUE_SOON = SetDef("petition.due_soon", "7日内到期信访件", "petition", DUE_SOON_TEXT,
                    at=_due_soon("petition", "received_date"))

# ---------------------------------------------------------------------------------------------
# Disputes (矛盾纠纷)
D_NEW = SetDef("dispute.new", "新增矛盾纠纷", "dispute", "发现（排查登记）日期（found_date）在本期内的矛盾纠纷",
               lambda t, p: _in(t.c.found_date, p))
D_NEW_HIGH = SetDef("dispute.new.high", "其中高风险", "dispute", "新增纠纷中风险等级为“高”的",
                    lambda t, p: and_(_in(t.c.found_date, p), t.c.risk_level == "high"))
D_NEW_HOMICIDE = SetDef("dispute.new.homicide", "其中易引发命案", "dispute", "新增纠纷中标记为易引发命案的",
                        lambda t, p: and_(_in(t.c.found_date, p), t.c.homicide_risk.is_(True)))
D_RESOLVED = SetDef("dispute.resolved", "化解矛盾纠纷", "dispute",
                    "调解结果为调解成功且调解结束日期（mediation_end_date）在本期内的纠纷（之后的司法确认不改变化解日期）",
                    lambda t, p: and_(t.c.outcome == "success", _in(t.c.mediation_end_date, p)))
D_ENDED = SetDef("dispute.mediation_ended", "调解终结", "dispute",
                 "调解结束日期在本期内、结果为调解成功或调解不成的纠纷",
                 lambda t, p: and_(t.c.outcome.in_(["success", "failed"]), _in(t.c.mediation_end_date, p)))
D_RESOLVED_VILLAGE = SetDef("dispute.resolved.village", "村级化解纠纷", "dispute", "本期化解且化解层级为“村级”的纠纷",
                            lambda t, p: and_(D_RESOLVED.where(t, p), t.c.resolution_level == "village"))
D_OPEN = SetDef("dispute.open", "在办矛盾纠纷", "dispute", OPEN_TEXT.format(states=_states("dispute"), noun="矛盾纠纷"),
                at=_open("dispute", "found_date"))
D_OPEN_HIGH = SetDef("dispute.open.high", "在办高风险纠纷", "dispute", "A日在办纠纷中风险等级为“高”的",
                     at=lambda t, sp, p, a: and_(_open("dispute", "found_date")(t, sp, p, a), t.c.risk_level == "high"))
D_OPEN_HOMICIDE = SetDef("dispute.open.homicide", "在办易引发命案纠纷", "dispute", "A日在办纠纷中标记为易引发命案的",
                         at=lambda t, sp, p, a: and_(_open("dispute", "found_date")(t, sp, p, a), t.c.homicide_risk.is_(True)))
D_OVERDUE = SetDef("dispute.overdue", "超期调解纠纷", "dispute",
                   OVERDUE_TEXT + "；纠纷的期限按A日所处阶段：排查登记为发现后7日（受理期限），已受理为受理后30日（调解开始期限），"
                   "调解中为调解开始后30日（调解期限），调解不成为调解结束后15日（移交/诉讼/终止）；天数为设置项，见 docs/ui.md", at=_overdue("dispute", "found_date"))
D_DUE_SOON = SetDef("dispute.due_soon", "7日内到期纠纷", "dispute", DUE_SOON_TEXT, at=_due_soon("dispute", "found_date"))

# ---------------------------------------------------------------------------------------------
# Leader case-packages (领导包案)
K_NEW = SetDef("package.new", "新增包案", "package", "包案日期（start_date）在本期内的包案",
               lambda t, p: _in(t.c.start_date, p))
K_CLOSED = SetDef("package.closed", "包案销号", "package", "销号批准日期（closed_date）在本期内的包案",
                  lambda t, p: _in(t.c.closed_date, p))
K_BACKLOG_CLOSED = SetDef("package.closed.backlog", "积案化解（销号）", "package", "本期销号的包案中标记为积案的",
                          lambda t, p: and_(_in(t.c.closed_date, p), t.c.is_backlog.is_(True)))
K_DUE_OR_CLOSED = SetDef(
    "package.due_or_closed", "应化解包案", "package",
    "本期销号的包案，加上A日在办、且A日有效的化解时限（含A日及以前批准的延期）在本期内的包案"
    "（即化解时限在本期内、本期开始前尚未销号的；之后的延期不改变过去期间的数字）",
    at=lambda t, sp, p, a: or_(_in(t.c.closed_date, p), and_(sp.c.is_open.is_(True), _in(sp.c.deadline, p))))
K_OPEN = SetDef("package.open", "在办包案", "package", OPEN_TEXT.format(states=_states("package"), noun="包案"),
                at=_open("package", "start_date"))
K_OVERDUE = SetDef("package.overdue", "逾期包案", "package", OVERDUE_TEXT + "；包案的期限为A日及以前延期后的化解时限",
                   at=_overdue("package", "start_date"))
K_DUE_SOON = SetDef("package.due_soon", "7日内到期包案", "package", DUE_SOON_TEXT, at=_due_soon("package", "start_date"))
K_PROGRESS = SetDef("package.progress", "有进展记录的包案", "package",
                    "本期内（entry_date）登记过工作进展的包案",
                    lambda t, p: t.c.id.in_(select(T_PROGRESS.c.package_id).where(
                        T_PROGRESS.c.voided.is_(False), _in(T_PROGRESS.c.entry_date, p))))

# ---------------------------------------------------------------------------------------------
# Dispatch items (调度事项)
X_NEW = SetDef("dispatch.new", "新增调度事项", "dispatch", "提出日期（raised_date）在本期内的调度事项",
               lambda t, p: _in(t.c.raised_date, p))
X_DONE = SetDef("dispatch.done", "完成调度事项", "dispatch", "完成日期（done_date）在本期内的调度事项",
                lambda t, p: _in(t.c.done_date, p))
X_DONE_ON_TIME = SetDef("dispatch.done.on_time", "按时完成调度事项", "dispatch", "本期完成且完成日期不晚于完成时限的",
                        lambda t, p: and_(_in(t.c.done_date, p), t.c.done_date <= t.c.deadline))
X_DUE_OR_DONE = SetDef(
    "dispatch.due_or_done", "应完成调度事项", "dispatch",
    "本期完成的调度事项，加上完成时限在本期内且在本期开始前尚未完成的调度事项",
    lambda t, p: or_(_in(t.c.done_date, p),
                     and_(_in(t.c.deadline, p), or_(t.c.done_date.is_(None), t.c.done_date >= p.start))))
X_OPEN = SetDef("dispatch.open", "推进中调度事项", "dispatch", OPEN_TEXT.format(states=_states("dispatch"), noun="调度事项"),
                at=_open("dispatch", "raised_date"))
X_OVERDUE = SetDef("dispatch.overdue", "逾期调度事项", "dispatch", OVERDUE_TEXT + "；调度事项的期限为完成时限",
                   at=_overdue("dispatch", "raised_date"))
X_DUE_SOON = SetDef("dispatch.due_soon", "7日内到期调度事项", "dispatch", DUE_SOON_TEXT,
                    at=_due_soon("dispatch", "raised_date"))

# ---------------------------------------------------------------------------------------------
# Volunteer activities (平安志愿者)
A_ACTIVITIES = SetDef("volunteer.activities", "志愿活动", "activity", "活动日期（activity_date）在本期内的志愿活动",
                      lambda t, p: _in(t.c.activity_date, p))
V_PERSON_TIMES = SumDef("volunteer.person_times", "参与人次", "人次",
                        "本期志愿活动的参与志愿者登记条数（未作废的参与记录，一人参加一次计1人次）")
V_HOURS = SumDef("volunteer.hours", "服务时长", "小时", "本期志愿活动参与记录的服务时长之和")
V_SERVED = SumDef("volunteer.people_served", "服务群众", "人次", "本期志愿活动登记的服务群众人次之和")
V_HAZARDS = SumDef("volunteer.hazards", "发现隐患", "处", "本期志愿活动登记的发现隐患数之和")
V_DISPUTES = SumDef("volunteer.disputes", "协助化解纠纷", "件", "本期志愿活动登记的化解纠纷数之和")
VOLUNTEER_SUMS = (V_PERSON_TIMES, V_HOURS, V_SERVED, V_HAZARDS, V_DISPUTES)

# ---------------------------------------------------------------------------------------------
# Rates
R_TIMELY_ACCEPT = RateDef("rate.timely_accept", "及时受理率", (P_DECIDED_TIMELY,), (P_DECIDED,),
                          "本期作出受理决定的信访件中，在15日受理告知期限内作出决定的比例")
R_ON_TIME = RateDef("rate.on_time_conclude", "按期办结率", (P_ON_TIME,), (P_CONCLUDED,),
                    "本期办结的信访件中，在办结期限（含经批准的延长期）内办结的比例")
R_SATISFACTION = RateDef("rate.satisfaction", "满意率", (P_SATISFIED,), (P_RATED,),
                         "参评信访件中评价为满意或基本满意的比例")
R_RATED = RateDef("rate.rated", "参评率", (P_RATED,), (P_CONCLUDED,), "本期办结的信访件中已参评的比例")
R_MEDIATION = RateDef("rate.mediation_success", "调处成功率", (D_RESOLVED,), (D_ENDED,),
                      "本期调解终结（调解成功或调解不成）的纠纷中调解成功的比例")
R_PACKAGE = RateDef("rate.package_resolve", "包案化解率", (K_CLOSED,), (K_DUE_OR_CLOSED,),
                    "本期销号的包案 ÷ 本期应化解包案（本期销号的，加上化解时限在本期内且本期开始前未销号的）")
R_VILLAGE = RateDef("rate.village_share", "村级化解占比", (P_CONCLUDED_VILLAGE, D_RESOLVED_VILLAGE),
                    (P_CONCLUDED, D_RESOLVED),
                    "本期办结的信访件和化解的纠纷中，化解层级为“村级”的比例（未填层级的计入分母）")
R_DISPATCH = RateDef("rate.dispatch_completion", "调度事项完成率", (X_DONE,), (X_DUE_OR_DONE,),
                     "本期完成的调度事项 ÷ 本期应完成调度事项")
R_DISPATCH_ON_TIME = RateDef("rate.dispatch_on_time", "调度事项按时完成率", (X_DONE_ON_TIME,), (X_DONE,),
                             "本期完成的调度事项中在完成时限内完成的比例")

SETS: tuple[SetDef, ...] = (
    P_NEW, P_GROUP, P_SKIP, P_REPEAT, P_DECIDED, P_DECIDED_TIMELY, P_CONCLUDED, P_ON_TIME, P_RATED,
    P_SATISFIED, P_CONCLUDED_VILLAGE, P_ASSIGNED, P_OPEN, P_OVERDUE, P_DUE_SOON,
    D_NEW, D_NEW_HIGH, D_NEW_HOMICIDE, D_RESOLVED, D_ENDED, D_RESOLVED_VILLAGE, D_OPEN, D_OPEN_HIGH,
    D_OPEN_HOMICIDE, D_OVERDUE, D_DUE_SOON,
    K_NEW, K_CLOSED, K_BACKLOG_CLOSED, K_DUE_OR_CLOSED, K_OPEN, K_OVERDUE, K_DUE_SOON, K_PROGRESS,
    X_NEW, X_DONE, X_DONE_ON_TIME, X_DUE_OR_DONE, X_OPEN, X_OVERDUE, X_DUE_SOON,
    A_ACTIVITIES,
)
RATES: tuple[RateDef, ...] = (R_TIMELY_ACCEPT, R_ON_TIME, R_SATISFACTION, R_RATED, R_MEDIATION, R_PACKAGE,
                              R_VILLAGE, R_DISPATCH, R_DISPATCH_ON_TIME)
FIGURES: dict[str, SetDef | RateDef | SumDef] = {
    f.key: f for f in (*SETS, *RATES, *VOLUNTEER_SUMS)
}
assert len(FIGURES) == len(SETS) + len(RATES) + len(VOLUNTEER_SUMS), "duplicate figure key"


# ---------------------------------------------------------------------------------------------
# Formatting


def fmt_rate(num: int, den: int) -> tuple[float | None, str]:
    """A percentage with one decimal, or "—" for an empty denominator."""
    v = ratio(num, den)
    return v, percent_text(v)


def fmt_number(v: float) -> str:
    return str(int(v)) if float(v).is_integer() else f"{v:.1f}"


def merge_refs(*refs: Refs | None) -> Refs:
    out: dict[str, set[str]] = {}
    for r in refs:
        for k, ids in (r or {}).items():
            out.setdefault(k, set()).update(ids)
    return {k: sorted(v) for k, v in sorted(out.items())}


# ---------------------------------------------------------------------------------------------
# Execution


Pick = list[Any]  # [set key, period kind, period code, dimension or None, dimension value]


def pick(s: SetDef, p: Period, dim: str | None = None, value: Any = None) -> Pick:
    """The JSON form of "the records of set `s` in period `p` (whose `dim` equals `value`)": what a
    figure's drill-down fetches when the number is clicked (`FigureQueries.refs`)."""
    return [s.key, p.kind, p.code, dim, value]


def query_of(num: list[Pick], den: list[Pick] | None = None) -> dict[str, list[Pick]]:
    return {"num": num} if den is None else {"num": num, "den": den}


def _dim_expr(t: Table, dim: str) -> ColumnElement[Any]:
    """A grouping dimension: a record column, or (activities) `village`, the activity's own village
    or else its team's village."""
    if dim == "village" and t is T_ACTIVITY:
        team = select(T_TEAM.c.village_id).where(T_TEAM.c.id == t.c.team_id).scalar_subquery()
        return func.coalesce(t.c.village_id, team)
    if dim == "team":
        return t.c.team_id
    if dim == "township":
        return t.c.township_code
    return t.c[dim]


class MonthOf(FunctionElement[int]):
    """The month (1-12) of a date column. SQLite keeps dates as 'YYYY-MM-DD' text, where reading
    two characters is cheaper than EXTRACT's STRFTIME, which parses each date (the quarterly
    sheet groups a quarter's records by month); other databases use EXTRACT."""

    name = "month_of"
    type = Integer()
    inherit_cache = True


@compiles(MonthOf)
def _month_of_default(element: MonthOf, compiler: Any, **kw: Any) -> str:
    return f"EXTRACT(month FROM {compiler.process(element.clauses, **kw)})"


@compiles(MonthOf, "sqlite")
def _month_of_sqlite(element: MonthOf, compiler: Any, **kw: Any) -> str:
    return f"CAST(substr({compiler.process(element.clauses, **kw)}, 6, 2) AS INTEGER)"


def _group_key(t: Table, dim: str) -> Any:
    """GROUP BY key of a dimension: `col || ''`, no index key, so SQLite reads the period's date
    index and sorts the groups instead of walking the whole table in the dimension's index order."""
    return _dim_expr(t, dim).concat("").label("g")


class FigureQueries:
    """Runs the definitions over one database connection for a set of townships (None: all).

    Figures are counted by the database (COUNT / SUM with GROUP BY over period-bounded queries,
    one query per set, period and dimension, cached); the ids behind a number are fetched only
    when asked for (`ids`, `refs`): a click in the preview, a frozen sheet, a test.

    `today` (China time) fixes the date stock figures are counted at: the period's last day
    once it has ended, today while it runs (`as_at`)."""

    def __init__(self, conn: Connection, townships: Iterable[str] | None = None, *, today: date) -> None:
        self.conn = conn
        self.townships = sorted(townships) if townships is not None else None
        self.today = today
        self._counts: dict[tuple[str, str, str, str], dict[Any, int]] = {}
        self._rows: dict[tuple[str, str, str], list[tuple[Any, ...]]] = {}
        self._groups: dict[tuple[str, str, str, str], dict[Any, list[str]]] = {}
        self._vol: dict[tuple[str, str, str | None], dict[Any, dict[str, Value]]] = {}
        # Quarters whose flow counts by township are also counted by month in the same statement
        # (None: every quarter). The quarterly sheet sets its own quarter: its previous quarter and
        # the same quarter last year are printed as totals, so grouping them by month was wasted.
        self.month_quarters: frozenset[str] | None = None

    def base(self, t: Table) -> ColumnElement[bool]:
        """Not voided, and in the requested townships."""
        cond = t.c.voided.is_(False)
        if self.townships is not None:
            # `township_code || ''`: not an index key, so SQLite (no statistics) reads the period's
            # date index instead of walking every record of the township — the cost then grows
            # with the period's records, not the store's. PostgreSQL plans by its statistics anyway.
            cond = and_(cond, t.c.township_code.concat("").in_(self.townships))
        return cond

    def as_at(self, p: Period) -> date:
        return as_at(p, self.today)

    def select_set(self, s: SetDef, p: Period, cols: Iterable[str | ColumnElement[Any]]) -> Select[Any]:
        """SELECT the given record columns (names or expressions) of the set's records. A stock set
        also gets the status on A as `at_status`, `at_deadline`, `at_deadline_kind` (from the span
        covering A)."""
        t = TABLES[s.kind]
        picked = [t.c[c] if isinstance(c, str) else c for c in cols]
        if s.at is None:
            assert s.where is not None
            return select(*picked).where(self.base(t), s.where(t, p))
        a = self.as_at(p)
        sp = T_SPAN
        return (select(*picked, sp.c.status.label("at_status"), sp.c.deadline.label("at_deadline"),
                       sp.c.deadline_kind.label("at_deadline_kind"))
                .select_from(sh.span_join(t))
                .where(self.base(t), sp.c.record_kind == s.kind, sh.covering(sp, a), s.at(t, sp, p, a)))

    # -- counting (the database aggregates) ----------------------------------------------------
    def counts(self, s: SetDef, p: Period, dim: str = "township_code") -> dict[Any, int]:
        """How many records of the set there are for each value of `dim` (values with none are absent).

        The sets of one family (FAMILIES: subsets of one root set) are counted together in one
        query over the root's records, one SUM(CASE …) per member."""
        key = (s.key, p.kind, p.code, dim)
        if key not in self._counts:
            root, members = FAMILY_OF.get(s.key, (s, (s,)))
            t = TABLES[s.kind]
            g = _group_key(t, dim)
            # A quarter's flow counts by township are also counted by month (the quarterly sheet's
            # trend): one statement fills the quarter and its three months.
            by_month = (p.kind == "quarter" and dim == "township_code" and root.key in ROOT_DATE
                        and (self.month_quarters is None or p.code in self.month_quarters))
            month = MonthOf(t.c[ROOT_DATE[root.key]]).label("m") if by_month else None
            cols = [g, *(func.count() if m is root else func.sum(case((self._cond(m, t, p), 1), else_=0))
                         for m in members)]
            q = self.select_set(root, p, [*cols, *([month] if month is not None else [])])
            if root.at is not None:  # the stock select adds the span columns: counts only
                q = q.with_only_columns(*cols)
            q = q.group_by(g, month) if month is not None else q.group_by(g)
            months = {mp.number: mp for mp in p.months()} if by_month else {}
            found: dict[tuple[str, str], dict[Any, int]] = {
                (m.key, c): {} for m in members for c in (p.code, *(mp.code for mp in months.values()))}
            for row in self.conn.execute(q):
                codes = [p.code] + ([months[int(row[-1])].code] if by_month else [])
                for m, n in zip(members, row[1:1 + len(members)], strict=True):
                    if n:
                        for c in codes:
                            box = found[(m.key, c)]
                            box[row[0]] = box.get(row[0], 0) + int(n)
            for (mkey, c), counts in found.items():
                if c != p.code and mkey in READS_PERIOD_END:
                    continue  # its condition for the quarter is not its condition for the month
                pk = p.kind if c == p.code else "month"
                self._counts[(mkey, pk, c, dim)] = counts
        return self._counts[key]

    def _cond(self, s: SetDef, t: Table, p: Period) -> ColumnElement[bool]:
        if s.at is not None:
            return s.at(t, T_SPAN, p, self.as_at(p))
        assert s.where is not None
        return s.where(t, p)

    def n(self, s: SetDef, p: Period, dim: str | None = None, value: Any = None) -> int:
        """The set's count, optionally only the records whose dimension `dim` equals `value`. The
        total comes from the count by township (the county's per-township cells reuse it)."""
        if dim is None:
            return sum(self.counts(s, p).values())
        return self.counts(s, p, dim).get(value, 0)

    def count(self, s: SetDef, p: Period, dim: str | None = None, value: Any = None) -> Value:
        n = self.n(s, p, dim, value)
        return Value(s.key, s.label, n, str(n), query=query_of([pick(s, p, dim, value)]))

    def rate(self, r: RateDef, p: Period, dims: dict[str, tuple[str, Any]] | None = None) -> Value:
        """The rate for the period; `dims` restricts each kind to one dimension value
        (e.g. {"petition": ("village_id", v), "dispute": ("village_id", v)}); a kind not in `dims`
        is left out. The sets of a union are of different kinds, so their counts add up."""
        def side(sets: tuple[SetDef, ...]) -> tuple[int, list[Pick]]:
            kinds = [s.kind for s in sets]
            assert len(set(kinds)) == len(kinds), f"{r.key}: a union of sets of one kind is not a sum"
            total, picks = 0, []
            for s in sets:
                if dims is not None and s.kind not in dims:
                    continue
                dim, value = (dims or {}).get(s.kind, (None, None))
                total += self.n(s, p, dim, value)
                picks.append(pick(s, p, dim, value))
            return total, picks

        (n, num), (d, den) = side(r.num), side(r.den)
        value, text = fmt_rate(n, d)
        return Value(r.key, r.label, value, text, None, n, d, None, query=query_of(num, den))

    def volunteer(self, p: Period, dim: str | None = None) -> dict[Any, dict[str, Value]]:
        """Volunteer totals for the period, overall (key None) or by `team` / `village` / `township`.

        An activity's village is its own village, or its team's village when it has none. Summed
        by the database; each value drills down to the activities it sums."""
        key = (p.kind, p.code, dim)
        if key in self._vol:
            return self._vol[key]
        a, pt = T_ACTIVITY, T_PARTICIPANT
        g = _group_key(a, dim) if dim is not None else null().label("g")
        acts = (select(g, func.count(), func.coalesce(func.sum(a.c.people_served), 0),
                       func.coalesce(func.sum(a.c.hazards_found), 0), func.coalesce(func.sum(a.c.disputes_resolved), 0))
                .where(self.base(a), A_ACTIVITIES.where(a, p)))  # type: ignore[misc]
        parts = (select(g, func.count(), func.coalesce(func.sum(pt.c.hours), 0))
                 # activities of the period first (date index), then their participants by key
                 .select_from(sh.SpanFirst(a, pt, pt.c.activity_id == a.c.id))
                 .where(pt.c.voided.is_(False), self.base(a), A_ACTIVITIES.where(a, p)))  # type: ignore[misc]
        if dim is not None:
            acts, parts = acts.group_by(g), parts.group_by(g)
        per = {gv: (int(n), float(h)) for gv, n, h in self.conn.execute(parts)}
        acc: dict[Any, tuple[int, int, float, int, int, int]] = {}
        for gv, n, served, hazards, disputes in self.conn.execute(acts):
            pn, hours = per.get(gv, (0, 0.0))
            acc[gv] = (int(n), pn, hours, int(served), int(hazards), int(disputes))
        if dim is None and None not in acc:
            acc[None] = (0, 0, 0.0, 0, 0, 0)
        out: dict[Any, dict[str, Value]] = {}
        for gv, (n, pn, hours, served, hazards, disputes) in acc.items():
            out[gv] = self._volunteer_values(p, dim, gv, (n, pn, hours, served, hazards, disputes))
        self._vol[key] = out
        return out

    def _volunteer_values(self, p: Period, dim: str | None, gv: Any,
                          nums: tuple[int, int, float, int, int, int]) -> dict[str, Value]:
        query = query_of([pick(A_ACTIVITIES, p, dim, gv)])
        n, *sums = nums
        vals = {A_ACTIVITIES.key: Value(A_ACTIVITIES.key, A_ACTIVITIES.label, n, str(n), query=dict(query))}
        for sd, v in zip(VOLUNTEER_SUMS, sums, strict=True):
            v = round(float(v), 2)
            vals[sd.key] = Value(sd.key, sd.label, v, fmt_number(v), query=dict(query))
        return vals

    def volunteer_zero(self, p: Period, dim: str, gv: Any) -> dict[str, Value]:
        """The volunteer values of a group without activities (zeros, drilling down to none)."""
        return self._volunteer_values(p, dim, gv, (0, 0, 0.0, 0, 0, 0))

    # -- ids on demand (drill-down, freezing, tests) -------------------------------------------
    def rows(self, s: SetDef, p: Period) -> list[tuple[Any, ...]]:
        """(id, *DIMENSIONS[kind]) of the set's records, ordered by id; cached per period."""
        key = (s.key, p.kind, p.code)
        if key not in self._rows:
            dims = DIMENSIONS[s.kind]
            cols: list[Any] = ["id", *dims]
            if s.kind == "activity":
                cols.append(_dim_expr(T_ACTIVITY, "village").label("village"))
            q = self.select_set(s, p, cols)
            n = len(cols)
            # Sorted in Python: the same order on SQLite and PostgreSQL whatever the collation.
            self._rows[key] = sorted((tuple(r)[:n] for r in self.conn.execute(q)), key=lambda r: r[0])
        return self._rows[key]

    def ids(self, s: SetDef, p: Period, dim: str | None = None, value: Any = None) -> list[str]:
        """Ids of the set, optionally only those whose dimension `dim` equals `value`."""
        if dim is None:
            return [r[0] for r in self.rows(s, p)]
        return list(self._grouped(s, p, dim).get(value, ()))

    def _grouped(self, s: SetDef, p: Period, dim: str) -> dict[Any, list[str]]:
        key = (s.key, p.kind, p.code, dim)
        if key not in self._groups:
            dims = [*DIMENSIONS[s.kind], *(["village"] if s.kind == "activity" else [])]
            name = {"team": "team_id", "township": "township_code"}.get(dim, dim) if s.kind == "activity" else dim
            i = 1 + dims.index(name)
            out: dict[Any, list[str]] = {}
            for r in self.rows(s, p):
                out.setdefault(r[i], []).append(r[0])
            self._groups[key] = out
        return self._groups[key]

    def refs(self, picks: Iterable[Pick]) -> Refs:
        """The records behind a figure: the union of its picks' ids, by kind."""
        out: dict[str, set[str]] = {}
        for set_key, pkind, pcode, dim, value in picks:
            s = SET_BY_KEY[set_key]
            out.setdefault(s.kind, set()).update(self.ids(s, parse_period(pcode, pkind), dim, value))
        return {k: sorted(v) for k, v in sorted(out.items())}

    def fill(self, v: Value) -> Value:
        """Fetch the ids behind a value (numerator and denominator for a rate) into `refs` /
        `den_refs`; a value already carrying its ids (a frozen sheet) is left as it is."""
        if v.query is None or v.refs is not None:
            return v
        v.refs = self.refs(v.query["num"])
        if "den" in v.query:
            v.den_refs = self.refs(v.query["den"])
        return v


SET_BY_KEY: dict[str, SetDef] = {s.key: s for s in SETS}
# Sets counted together: every member is a subset of its root (same record table, same date in
# the period, or open on A), so one scan of the root's records counts them all.
FAMILIES: tuple[tuple[SetDef, tuple[SetDef, ...]], ...] = (
    (P_NEW, (P_GROUP, P_SKIP, P_REPEAT)),
    (P_DECIDED, (P_DECIDED_TIMELY,)),
    (P_CONCLUDED, (P_ON_TIME, P_RATED, P_SATISFIED, P_CONCLUDED_VILLAGE)),
    (D_NEW, (D_NEW_HIGH, D_NEW_HOMICIDE)),
    (D_ENDED, (D_RESOLVED, D_RESOLVED_VILLAGE)),
    (K_CLOSED, (K_BACKLOG_CLOSED,)),
    (X_DONE, (X_DONE_ON_TIME,)),
    (P_OPEN, (P_OVERDUE, P_DUE_SOON)),
    (D_OPEN, (D_OPEN_HIGH, D_OPEN_HOMICIDE, D_OVERDUE, D_DUE_SOON)),
    (K_OPEN, (K_OVERDUE, K_DUE_SOON)),
    (X_OPEN, (X_OVERDUE, X_DUE_SOON)),
)
# The date column a flow family's root reads in the period (a quarter's counts by month use it).
ROOT_DATE: dict[str, str] = {
    P_NEW.key: "received_date", P_DECIDED.key: "decision_date", P_CONCLUDED.key: "reply_date",
    D_NEW.key: "found_date", D_ENDED.key: "mediation_end_date", K_CLOSED.key: "closed_date", X_DONE.key: "done_date",
}
# Members whose condition reads the period beyond the root's date range (rated by the period's end).
READS_PERIOD_END = frozenset({P_RATED.key, P_SATISFIED.key})
FAMILY_OF: dict[str, tuple[SetDef, tuple[SetDef, ...]]] = {
    m.key: (root, (root, *members)) for root, members in FAMILIES for m in (root, *members)
}


def figures_markdown() -> str:
    """docs/figures.md: every figure's key, label and definition, generated from this module."""
    lines = [
        "# 指标口径 / Figure definitions",
        "",
        "Generated from `zongzhi_desktop/reports/figures.py` (the only place figures are defined;",
        "`tests/reports/test_figures_doc.py` fails when this file and the code disagree). Regenerate with",
        "`.venv/bin/python -m zongzhi_desktop.reports.figures > docs/figures.md`.",
        "",
        "## 通用规则",
        "",
        "- 期间 P：ISO 周（周一至周日，含第53周）、自然月、自然季度；日期按日期比较，周日的记录属于截至该周日的那一周，周一的记录属于下一周。",
        "- 环比对比上一期间；同比对比上一年同一期间（第53周在上一年没有第53周时对比上一年第52周）。",
        "- 已作废的记录一律不计。乡镇为参数（一个或多个乡镇代码，县级汇总时为全部）。",
        "- 比率的分母为空时显示“—”，不显示 0% 或 100%；比率保留一位小数。",
        "- 增减：件数显示差值和百分比（上期为0时百分比为“—”）；比率显示百分点差。",
        "- “在办”“逾期”“7日内到期”为存量指标，一律“截至日A”计算：本期已结束时A为本期最后一天，本期未结束时A为今天"
        "（按北京时间 Asia/Shanghai 计，乡镇和县级相同）。记录在A日计入存量，当且仅当登记日期不晚于A、未作废，且按其"
        "A日及以前的办理记录重建的A日状态为在办状态。A日有效的期限：A日尚未作出受理决定的信访件为收件后15日；A日及以前已受理的"
        "为受理后60日，加A日及以前批准的延长期；复查中、复核中为相应答复期限；A日调解中的纠纷为调解开始后30日；包案为A日及以前"
        "延期后的化解时限；调度事项为完成时限。逾期 = A日在办且期限早于A，逾期天数 = A − 期限；7日内到期 = A日在办且"
        "A ≤ 期限 ≤ A+7。因此过去期间的报表无论何时重印，存量数字都相同；首页和列表的实时数字是同一规则，A为今天。"
        "对比只用于流量指标（新增、办结、化解等）。",
        "- 报表上的清单列出本部分任何一个数字所计的全部记录（本期新增、本期之后才办结的也列出），清单中的状态和期限为A日的状态和期限；"
        "清单过长被截断时注明未列出的件数，打印时选“附录”（命令行 --appendix）在报表末尾列出全部记录。",
        "- 数字由数据库按期间分组计数（COUNT/SUM … GROUP BY），报表只保存每个数字的取数条件；报表预览中点击数字时按同一条件"
        "（同一截至日A）取出并打开这些记录（比率为分子和分母的记录）；签发时把每个数字背后的记录编号一起冻结。",
        "",
    ]
    sections = (
        ("信访件", [f for f in SETS if f.kind == "petition"]),
        ("矛盾纠纷", [f for f in SETS if f.kind == "dispute"]),
        ("领导包案", [f for f in SETS if f.kind == "package"]),
        ("调度事项", [f for f in SETS if f.kind == "dispatch"]),
        ("平安志愿者", [A_ACTIVITIES, *VOLUNTEER_SUMS]),
        ("比率", list(RATES)),
    )
    for title, defs in sections:
        lines += [f"## {title}", "", "| 指标 | 代码 | 口径 |", "| --- | --- | --- |"]
        for f in defs:
            if isinstance(f, RateDef):
                num = " ∪ ".join(s.label for s in f.num)
                den = " ∪ ".join(s.label for s in f.den)
                text = f"{f.definition}。计算：{num} ÷ {den}"
            else:
                text = f.definition
            lines.append(f"| {f.label} | `{f.key}` | {text} |")
        lines.append("")
    from ..kinds import parts

    for part in parts("reports"):  # the kinds added through the registry define their own figures
        lines += part.figures_markdown()
    return "\n".join(lines)


if __name__ == "__main__":
    print(figures_markdown(), end="")
