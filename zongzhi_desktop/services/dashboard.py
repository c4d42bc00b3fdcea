"""The 首页 figures. Every number is the count of a `ListQuery`, so clicking it lists exactly those rows.

Never imports Qt.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta

from .kinds import REGISTERED_KINDS
from .listing import OPEN, Lister, ListQuery, ListRow

DEADLINE_KINDS = ("petition", "dispute", "package", "dispatch", *REGISTERED_KINDS)
NEW_KINDS = ("petition", "dispute", "package", "activity", "dispatch", *REGISTERED_KINDS)
CHART_KINDS = ("petition", "dispute")
CHART_WEEKS = 12
PACKAGE_NEAR_DAYS = 15
LIST_LIMIT = 20  # rows per kind in the dashboard's due / risk tables (the numbers open the full lists)


@dataclass(frozen=True)
class Figure:
    """A count and the list query behind it. `key` names what is counted (the UI words it)."""

    key: str  # new_today | resolved_today | open | overdue | due_soon | high_risk | homicide | packages_near |
    # week_new | week_resolved
    query: ListQuery
    count: int

    @property
    def kind(self) -> str:
        return self.query.kind


@dataclass(frozen=True)
class WeekBin:
    start: date
    end: date
    new: Figure
    resolved: Figure


@dataclass
class DueRow:
    kind: str
    row: ListRow


@dataclass
class Dashboard:
    today: date
    new_today: list[Figure] = field(default_factory=list)
    resolved_today: list[Figure] = field(default_factory=list)
    open: list[Figure] = field(default_factory=list)
    overdue: list[Figure] = field(default_factory=list)
    due_soon: list[Figure] = field(default_factory=list)
    high_risk: Figure | None = None
    homicide: Figure | None = None
    packages_near: Figure | None = None
    overdue_rows: list[DueRow] = field(default_factory=list)
    due_rows: list[DueRow] = field(default_factory=list)
    risk_rows: list[ListRow] = field(default_factory=list)
    package_rows: list[ListRow] = field(default_factory=list)
    weeks: dict[str, list[WeekBin]] = field(default_factory=dict)


def _count(lister: Lister, key: str, q: ListQuery, check: Callable[[], None] | None = None) -> Figure:
    if check is not None:
        check()
    return Figure(key, q, lister.count(q))


def week_start(d: date) -> date:
    """Monday of d's ISO week."""
    return d - timedelta(days=d.weekday())


def build_dashboard(lister: Lister, *, rows: bool = True, check: Callable[[], None] | None = None) -> Dashboard:
    """Compute every dashboard figure (and the first rows of its tables) for today.

    `check` is called before every query; it may raise to stop the work (the window's runner
    passes `Progress.check`, so 取消 or a newer refresh ends an older one between queries)."""
    today = lister.services.today()
    dash = Dashboard(today)

    def _fig(lister: Lister, key: str, q: ListQuery) -> Figure:
        return _count(lister, key, q, check)

    readable = {k for k in (*NEW_KINDS, *DEADLINE_KINDS) if lister.services.may_read(k)}
    for kind in NEW_KINDS:
        if kind not in readable:
            continue
        dash.new_today.append(_fig(lister, "new_today", ListQuery(kind, date_from=today, date_to=today)))
    for kind in DEADLINE_KINDS:
        if kind not in readable:
            continue
        dash.resolved_today.append(_fig(lister, "resolved_today", ListQuery(
            kind, date_from=today, date_to=today, date_basis="resolved")))
        dash.open.append(_fig(lister, "open", ListQuery(kind, status=OPEN)))
        dash.overdue.append(_fig(lister, "overdue", ListQuery(kind, overdue=True, sort="next_deadline",
                                                              descending=False)))
        dash.due_soon.append(_fig(lister, "due_soon", ListQuery(kind, due_within=Lister.DUE_SOON_DAYS,
                                                                sort="next_deadline", descending=False)))
    dash.high_risk = _fig(lister, "high_risk", ListQuery("dispute", status=OPEN, risk_level="high"))
    dash.homicide = _fig(lister, "homicide", ListQuery("dispute", status=OPEN, homicide_risk=True))
    # Overdue or due within PACKAGE_NEAR_DAYS: ListQuery with both flags means "deadline <= today + n".
    dash.packages_near = _fig(lister, "packages_near", ListQuery(
        "package", due_within=PACKAGE_NEAR_DAYS, overdue=True, sort="next_deadline", descending=False))
    if rows:
        for figures, out in ((dash.overdue, dash.overdue_rows), (dash.due_soon, dash.due_rows)):
            for fig in figures:
                if fig.count:
                    if check is not None:
                        check()
                    out.extend(DueRow(fig.kind, r) for r in lister.page(fig.query, 0, LIST_LIMIT))
        # High-risk or homicide-risk open disputes, most recent first.
        seen: set[str] = set()
        for fig in (dash.high_risk, dash.homicide):
            for r in lister.page(fig.query, 0, LIST_LIMIT):
                if r.id not in seen:
                    seen.add(r.id)
                    dash.risk_rows.append(r)
        dash.package_rows = lister.page(dash.packages_near.query, 0, LIST_LIMIT)
    monday = week_start(today)
    for kind in CHART_KINDS:
        bins: list[WeekBin] = []
        for i in range(CHART_WEEKS - 1, -1, -1):
            start = monday - timedelta(weeks=i)
            end = start + timedelta(days=6)
            bins.append(WeekBin(
                start, end,
                _fig(lister, "week_new", ListQuery(kind, date_from=start, date_to=end)),
                _fig(lister, "week_resolved", ListQuery(kind, date_from=start, date_to=end, date_basis="resolved")),
            ))
        dash.weeks[kind] = bins
    return dash
