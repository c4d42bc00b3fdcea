"""待办: what waits for the signed-in user, for the home page (no Qt).

Reviewers and leaders (Perm.REVIEW): packages asking to close (申请销号, opens the 销号 step),
saved report sheets not yet signed (待签发, opens the report page), and overdue case-packages — a
leader's own packages when the user is one of the 领导 (by name), else every package.
Everyone who enters records: overdue and near-due (7日内到期) petitions, disputes, packages and
dispatch items, most urgent first, each opening the record.

延期审批 is not a queue in this product: an extension (延期) is recorded by the clerk with its
approver's name in one step (domain/workflows.py), so nothing waits for a leader's approval.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select

from ..domain import models as m
from ..domain.roles import Perm, has_perm
from .context import Services
from .dashboard import DEADLINE_KINDS
from .listing import Lister, ListQuery, list_spec

TODO_LIMIT = 20  # rows per group
TITLE_COLUMN = {"petition": "petitioner_name", "dispute": "title", "package": "title", "dispatch": "title"}


def title_column(kind: str) -> str:
    """The list column that names a record of `kind` (a registered kind: its KindSpec's title field)."""
    from .kinds import KINDS

    return TITLE_COLUMN.get(kind) or KINDS[kind].title_field


@dataclass(frozen=True)
class TodoItem:
    """One thing to do. `kind`/`record_id` name the record (or the sheet), `action` the step to open."""

    group: str  # close_request | sheet | package_overdue | overdue | due_soon
    kind: str  # petition | dispute | package | dispatch, or for a sheet: weekly | monthly | quarterly
    record_id: str
    label: str  # what the row shows (serial and title, or the sheet's name and period)
    action: str | None = None  # workflow step to open (approve_close), None: just open the record
    due: date | None = None
    period: str | None = None  # sheets: the period key (2026-W47)


GROUP_LABELS = {
    "close_request": "申请销号",
    "sheet": "待签发",
    "package_overdue": "包案逾期",
    "overdue": "已逾期",
    "due_soon": "7日内到期",
}


def own_leader_ids(svc: Services, session: object) -> list[str]:
    """The 领导 entries that are the signed-in user: same name as the user's (a user account and a
    leader are not linked otherwise). Empty when none matches: the user then oversees every package."""
    name = (svc.actor.display_name or svc.person_name(svc.actor.username)).strip()
    if not name:
        return []
    return list(session.execute(select(m.Leader.id).where(  # type: ignore[attr-defined]
        m.Leader.name == name, m.Leader.voided.is_(False))).scalars())


def _review_items(svc: Services) -> list[TodoItem]:
    from ..reports.service import SHEET_LABELS  # reports builds on services: import when used

    out: list[TodoItem] = []
    today = svc.today()
    with svc.session() as s:
        asking = s.execute(select(m.CasePackage).where(
            m.CasePackage.voided.is_(False), m.CasePackage.status == "close_requested",
            m.CasePackage.township_code == svc.township.code,
        ).order_by(m.CasePackage.target_date).limit(TODO_LIMIT)).scalars()
        out += [TodoItem("close_request", "package", p.id, f"{p.serial}　{p.title}", "approve_close", p.target_date)
                for p in asking]
        sheets = s.execute(select(m.ReportSheet).where(
            m.ReportSheet.voided.is_(False), m.ReportSheet.status == "draft",
            m.ReportSheet.township_code == svc.township.code,
        ).order_by(m.ReportSheet.period_start).limit(TODO_LIMIT)).scalars()
        out += [TodoItem("sheet", sh.sheet_kind, sh.id, f"{SHEET_LABELS.get(sh.sheet_kind, sh.sheet_kind)}　{sh.period}",
                         None, sh.period_end, sh.period) for sh in sheets]
        late_q = select(m.CasePackage).where(
            m.CasePackage.voided.is_(False), m.CasePackage.status.in_(("in_progress", "close_requested")),
            m.CasePackage.township_code == svc.township.code, m.CasePackage.target_date < today)
        if (own := own_leader_ids(svc, s)):  # a 包案 leader sees their own packages; the centre's head all
            late_q = late_q.where(m.CasePackage.leader_id.in_(own))
        late = s.execute(late_q.order_by(m.CasePackage.target_date).limit(TODO_LIMIT)).scalars()
        out += [TodoItem("package_overdue", "package", p.id, f"{p.serial}　{p.title}", None, p.target_date)
                for p in late]
    return out


def _clerk_items(svc: Services) -> list[TodoItem]:
    lister = Lister(svc)
    out: list[TodoItem] = []
    for group, make in (("overdue", lambda k: ListQuery(k, overdue=True, sort="next_deadline", descending=False)),
                        ("due_soon", lambda k: ListQuery(k, due_within=Lister.DUE_SOON_DAYS, sort="next_deadline",
                                                         descending=False))):
        for kind in DEADLINE_KINDS:
            if not svc.may_read(kind):
                continue  # a register the user is not granted: not even its names here
            index = {c.key: i for i, c in enumerate(list_spec(kind).columns)}

            def cell(cells: list[str], key: str, index: dict[str, int] = index) -> str:
                return cells[index[key]] if key in index else ""

            for row in lister.page(make(kind), 0, TODO_LIMIT):
                due = cell(row.cells, "next_deadline")
                out.append(TodoItem(group, kind, row.id, "　".join(
                    c for c in (cell(row.cells, "serial"), cell(row.cells, title_column(kind))) if c),
                    due=date.fromisoformat(due) if len(due) == 10 else None))
    return out


def todo_for(svc: Services) -> list[TodoItem]:
    """Everything waiting for the signed-in user, grouped in the order of GROUP_LABELS."""
    items: list[TodoItem] = []
    if has_perm(svc.actor.role, Perm.REVIEW):
        items += _review_items(svc)
    if has_perm(svc.actor.role, Perm.ENTER):
        items += _clerk_items(svc)
    order = list(GROUP_LABELS)
    return sorted(items, key=lambda i: order.index(i.group))


FIVE_PACKS = (("know_situation", "包掌握情况"), ("counsel", "包思想疏导"), ("solve_problem", "包解决问题"),
              ("stabilise", "包稳控"), ("stop_petitioning", "包息诉罢访"))


@dataclass(frozen=True)
class LinkedCase:
    kind: str
    record_id: str
    label: str  # serial and title / petitioner
    state: str  # the state's label (调解中, 已答复…)
    open: bool


@dataclass(frozen=True)
class CloseReview:
    """What the 销号 dialog shows: the linked cases with their state, the 五包 checklist, warnings."""

    links: list[LinkedCase]
    checklist: list[tuple[str, bool]]
    warnings: list[str]


def close_review(svc: Services, package_id: str) -> CloseReview:
    """The facts a reviewer checks before closing (销号) a case-package."""
    from .kinds import kind_spec

    pkg = svc.get("package", package_id)
    links: list[LinkedCase] = []
    for link in svc.children("package", pkg.id).get("links", []):
        spec = kind_spec(link.record_kind)
        rec = svc.get(link.record_kind, link.record_id)
        wfl = spec.workflow
        state = wfl.states.get(rec.status, rec.status) if wfl else ""
        is_open = bool(wfl) and rec.status in wfl.open_states and not rec.voided
        title = getattr(rec, TITLE_COLUMN.get(link.record_kind, "title"), "") or ""
        links.append(LinkedCase(link.record_kind, rec.id, f"{rec.serial}　{title}", state, is_open))
    checklist = [(label, bool(getattr(pkg, name))) for name, label in FIVE_PACKS]
    warnings = [f"关联案件 {c.label} 仍在办（{c.state}）" for c in links if c.open]
    missing = [label for label, done in checklist if not done]
    if missing:
        warnings.append("五包未落实：" + "、".join(missing))
    if not links:
        warnings.append("未关联任何案件")
    return CloseReview(links, checklist, warnings)
