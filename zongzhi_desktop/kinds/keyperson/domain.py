"""重点人员: workflow (在管 → 解除管控 → 恢复), the visit cadence and the next-visit deadline.

Seed 002 (彰武): screen 9 categories of 重点人 (酒色财气、鳏寡孤独、生活困难) and keep 10 categories
of 重点人群 in view; each person has a responsible grid worker and a 包保 leader, stability
measures (稳控措施) and a visit log (走访/稳控). How often a person must be visited depends on the
category: a setting `cadence.<category code>` per category, "N" (every N days) or "N/M" (every N
days in the first year after registration, every M days after). Without a setting the defaults
below apply.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from ...domain import deadlines as dl
from ...domain.fields import F
from ...domain.models.keyperson import KeyPerson, KeyPersonLink, KeyPersonVisit
from ...domain.roles import Perm
from ...domain.workflows import Action, Workflow, _not_before

NAME = "keyperson"
LABEL = "重点人员"
MODEL = KeyPerson
VISIT_MODEL = KeyPersonVisit
LINK_MODEL = KeyPersonLink
SERIAL_PREFIX = "ZD"
CODE_TABLE = "key_person_category"
LINK_KINDS = ("petition", "dispute")  # what a key person may be linked to

# Default visit cadence (days in the first year, days after) by category code; any category not
# listed: DEFAULT_CADENCE. 严重精神障碍患者: monthly follow-up (国家基本公共卫生服务规范 asks at least
# four a year; townships visit monthly); 刑释解教: every 90 days in the first year (安置帮教).
DEFAULT_CADENCE: tuple[int, int] = (90, 90)
CADENCES: dict[str, tuple[int, int]] = {
    "mental_disorder": (30, 30),
    "released_prisoner": (90, 180),
    "threat_society": (30, 30),
    "extreme_behaviour": (30, 30),
    "domestic_violence": (30, 60),
    "petition_key": (30, 60),
}
FIRST_YEAR_DAYS = 365
CADENCE_PREFIX = dl.CADENCE_PREFIX  # settings cadence.<category code>
VISIT_DEADLINE = "走访期限"

WORKFLOW = Workflow(NAME, states={"managed": "在管", "released": "解除管控"}, open_states=frozenset({"managed"}))
INITIAL_STATUS = "managed"
REG_DATE = "registered_date"
STEP_COLUMNS = ("released_date", "release_reason", "release_approver")


def _release(r: Any, v: dict[str, Any], policy: dl.DeadlinePolicy) -> date:
    d = v["released_date"]
    _not_before("released_date", "解除日期", d, r.registered_date, "列管日期")
    r.released_date, r.release_reason, r.release_approver = d, v["release_reason"], v["release_approver"]
    r.status = "released"
    return d


def _resume(r: Any, v: dict[str, Any], policy: dl.DeadlinePolicy) -> date:
    d = v["resume_date"]
    _not_before("resume_date", "恢复日期", d, r.released_date, "解除日期")
    r.released_date = r.release_reason = r.release_approver = None
    r.status = "managed"
    return d


WORKFLOW.add(Action(
    "release", "解除管控", frozenset({"managed"}),
    [F("released_date", "解除日期", "date", required=True), F("release_reason", "解除原因", "longtext", required=True),
     F("release_approver", "批准人", required=True)],
    _release, perm=Perm.REVIEW,
))
WORKFLOW.add(Action(
    "resume", "恢复管控", frozenset({"released"}),
    [F("resume_date", "恢复日期", "date", required=True), F("resume_reason", "恢复原因", "longtext", required=True)],
    _resume, perm=Perm.REVIEW,
))

FIELDS = [
    F("name", "姓名", required=True, max_length=50),
    F("id_number", "身份证号", check="id_number"),
    F("phone", "联系电话", check="phone"),
    F("address", "住址", max_length=200),
    F("village_id", "所属村(社区)", "ref", required=True, ref="village"),
    F("grid_id", "所属网格", "ref", ref="grid"),
    F("category", "人员类别", "code", required=True, code_table=CODE_TABLE),
    F("risk_level", "风险等级", "code", required=True, code_table="risk_level"),
    F("grid_worker_id", "责任网格员", "ref", ref="grid_worker"),
    F("leader_id", "包保领导", "ref", ref="leader"),
    F("measures", "稳控措施", "longtext"),
    F("registered_date", "列管日期", "date", required=True),
    F("note", "备注", "longtext"),
]
VISIT_FIELDS = [
    F("visit_date", "走访日期", "date", required=True),
    F("visitor", "走访人", required=True, max_length=50),
    F("situation", "走访情况", "longtext", required=True),
    F("risk_after", "走访后风险等级", "code", code_table="risk_level"),
]
LINK_FIELDS = [
    F("record_kind", "关联类型", required=True),
    F("record_id", "关联案件", required=True),
]

RISK_ORDER = {"low": 0, "medium": 1, "high": 2}


def parse_cadence(text: str) -> tuple[int, int]:
    """A cadence setting "N" or "N/M" as (first-year days, later days); ValueError when malformed."""
    parts = text.replace("／", "/").split("/")
    if not 1 <= len(parts) <= 2:
        raise ValueError(text)
    days = tuple(int(p.strip()) for p in parts)
    if any(d < 1 or d > 3650 for d in days):
        raise ValueError(text)
    return (days[0], days[-1])


def cadence_of(category: str, policy: dl.DeadlinePolicy) -> tuple[int, int]:
    """The cadence of a category: its setting when set and well-formed, else the default."""
    stored = policy.cadence(category)
    if stored:
        try:
            return parse_cadence(stored)
        except ValueError:
            pass  # a malformed setting is refused when set (services); an old one falls back
    return CADENCES.get(category, DEFAULT_CADENCE)


def next_visit(registered: date, last_visit: date | None, category: str, policy: dl.DeadlinePolicy) -> date:
    """The day by which the next visit is due: the cadence counted from the last visit (or the
    registration), the first-year cadence while that day is within a year of registration."""
    first, later = cadence_of(category, policy)
    start = last_visit or registered
    days = first if start < registered + timedelta(days=FIRST_YEAR_DAYS) else later
    return policy.add(start, days)


def refresh(r: Any, policy: dl.DeadlinePolicy | None = None) -> None:
    """Set the next-visit deadline from the status, category and last visit."""
    if r.status == "managed":
        r.next_deadline = next_visit(r.registered_date, r.last_visit_date, r.category, policy or dl.DeadlinePolicy())
        r.next_deadline_kind = VISIT_DEADLINE
    else:
        r.next_deadline, r.next_deadline_kind = None, None


def risk_raised(before: str | None, after: str | None) -> bool:
    """Whether a visit raised the risk level."""
    return after is not None and RISK_ORDER.get(after, -1) > RISK_ORDER.get(before or "", -1) and before is not None

# Reading the register is a grant the administrator gives user by user (not a role).
GRANT = "view_keyperson"
GRANT_LABEL = "查看重点人员"

# What travels to the county (docs/bundle-format.md §7.3). By default the rows without who the person
# is — the county counts people by township, category and village, risk and visits, and sees no name
# — and the whole rows only when the county asks (`county config --restricted-records on`). The links
# (which petitions concern whom) travel only with the whole rows. NOT NULL text is sent empty.
BLANKED = {
    "key_person": ("name", "id_number", "phone", "address", "measures", "note", "release_reason", "release_approver"),
    "key_person_visit": ("visitor", "situation"),
}
FULL_ONLY = ("key_person_link",)
