"""Registry of record kinds: model, input fields, serial prefix, workflow, child tables."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from sqlmodel import SQLModel

from ..domain import fields as f
from ..domain import models as m
from ..domain import workflows as wf
from ..domain.roles import Perm


@dataclass(frozen=True)
class ChildSpec:
    """A sub-table entered with its parent (dispute parties, activity participants…)."""

    key: str  # key in the input JSON, e.g. "parties"
    model: type[SQLModel]
    fields: list[f.FieldSpec]
    parent_field: str
    label: str


@dataclass(frozen=True)
class KindSpec:
    name: str
    label: str
    model: type[m.Record]
    fields: list[f.FieldSpec]
    serial_prefix: str | None = None
    workflow: wf.Workflow | None = None
    date_field: str | None = None  # the registration date used for periods and sorting
    title_field: str = "id"
    children: dict[str, ChildSpec] = field(default_factory=dict)
    perm: Perm = Perm.ENTER
    searchable: tuple[str, ...] = ()  # text columns for name/content search
    # Kinds added through the registry (zongzhi_desktop/kinds) may restrict reading to users granted
    # `read_grant` by the administrator (domain/roles.py GRANT_LABELS), and bring their own rules:
    # check(rec) cross-field rules; child_values(services, session, key, values) -> values for a
    # child row; child_added(services, session, rec, key, values) after a child row is stored.
    read_grant: str | None = None
    check: Callable[[Any], None] | None = None
    child_values: Callable[..., dict[str, Any]] | None = None
    child_added: Callable[..., None] | None = None
    # child_open(rec, key): whether a child row may be added to `rec` now (the window's buttons).
    child_open: Callable[[Any, str], bool] | None = None
    # noticed(services, session, kind, rec, child values) -> warnings for the user who just stored
    # a record of another kind (a petition naming the ID number of someone in the register).
    noticed: Callable[..., list[str]] | None = None
    # extra_detail(services, rec) -> {label: text}: more lines for the record's detail (suggestions…).
    extra_detail: Callable[..., dict[str, str]] | None = None


KINDS: dict[str, KindSpec] = {}


def _reg(spec: KindSpec) -> None:
    cols = spec.model.__table__.columns  # type: ignore[attr-defined]
    f.fit_to_columns(spec.fields, cols)
    for child in spec.children.values():
        f.fit_to_columns(child.fields, child.model.__table__.columns)  # type: ignore[attr-defined]
    if spec.workflow is not None:
        for action in spec.workflow.actions.values():
            f.fit_to_columns(action.fields, cols)
    KINDS[spec.name] = spec


_reg(KindSpec(
    "petition", "信访件", m.Petition, f.PETITION_FIELDS, "XF", wf.PETITION, "received_date", "petitioner_name",
    searchable=("petitioner_name", "id_number", "phone", "request", "facts", "address"),
))
_reg(KindSpec(
    "dispute", "矛盾纠纷", m.Dispute, f.DISPUTE_FIELDS, "JF", wf.DISPUTE, "found_date", "title",
    children={
        "parties": ChildSpec("parties", m.DisputeParty, f.PARTY_FIELDS, "dispute_id", "当事人"),
        "visits": ChildSpec("visits", m.DisputeVisit, wf.VISIT_FIELDS, "dispute_id", "回访"),
    },
    searchable=("title", "description"),
))
_reg(KindSpec(
    "package", "领导包案", m.CasePackage, f.PACKAGE_FIELDS, "BA", wf.PACKAGE, "start_date", "title",
    children={
        "links": ChildSpec("links", m.PackageLink, f.LINK_FIELDS, "package_id", "关联案件"),
        "progress": ChildSpec("progress", m.PackageProgress, wf.PROGRESS_FIELDS, "package_id", "工作进展"),
    },
    searchable=("title", "plan", "staff"),
))
_reg(KindSpec(
    "team", "志愿服务队", m.VolunteerTeam, f.TEAM_FIELDS, None, None, "founded_date", "name",
    searchable=("name", "leader_name"),
))
_reg(KindSpec(
    "volunteer", "志愿者", m.Volunteer, f.VOLUNTEER_FIELDS, None, None, None, "name",
    children={"teams": ChildSpec("teams", m.TeamMember, [f.F("team_id", "所属队伍", "ref", required=True, ref="team")], "volunteer_id", "所属队伍")},
    searchable=("name", "phone", "skills"),
))
_reg(KindSpec(
    "activity", "志愿活动", m.Activity, f.ACTIVITY_FIELDS, "HD", None, "activity_date", "content",
    children={"participants": ChildSpec("participants", m.ActivityParticipant, f.PARTICIPANT_FIELDS, "activity_id", "参与志愿者")},
    searchable=("place", "content"),
))
_reg(KindSpec(
    "dispatch", "调度事项", m.DispatchItem, f.DISPATCH_FIELDS, "DD", wf.DISPATCH, "raised_date", "title",
    searchable=("title", "description"),
))

# Reference data, managed in settings; also addressable by name in `ref` fields.
_reg(KindSpec("village", "村(社区)", m.Village, [
    f.F("code", "区划代码", required=True, max_length=12), f.F("name", "名称", required=True),
    f.F("kind", "类型", "code", code_table="village_kind")], title_field="name", perm=Perm.ADMIN))
_reg(KindSpec("grid", "网格", m.Grid, [
    f.F("village_id", "所属村(社区)", "ref", required=True, ref="village"), f.F("name", "网格名称", required=True),
    f.F("code", "网格编码")], title_field="name", perm=Perm.ADMIN))
_reg(KindSpec("grid_worker", "网格员", m.GridWorker, [
    f.F("grid_id", "所属网格", "ref", required=True, ref="grid"), f.F("name", "姓名", required=True),
    f.F("phone", "电话", check="phone")], title_field="name", perm=Perm.ADMIN))
_reg(KindSpec("department", "部门", m.Department, [
    f.F("name", "部门名称", required=True), f.F("kind", "部门类别", "code", code_table="department_kind"),
    f.F("contact", "联系人"), f.F("phone", "电话", check="phone")], title_field="name"))
_reg(KindSpec("leader", "领导", m.Leader, [
    f.F("name", "姓名", required=True), f.F("post", "职务", required=True),
    f.F("level", "层级", "code", code_table="leader_level")], title_field="name"))
_reg(KindSpec("committee", "调委会", m.MediationCommittee, [
    f.F("name", "名称", required=True), f.F("village_id", "所属村(社区)", "ref", ref="village")], title_field="name"))
_reg(KindSpec("mediator", "调解员", m.Mediator, [
    f.F("committee_id", "所属调委会", "ref", ref="committee"), f.F("name", "姓名", required=True),
    f.F("phone", "电话", check="phone")], title_field="name"))

# Kinds a clerk enters day to day (the CLI's KIND argument).
RECORD_KINDS: tuple[str, ...] = ("petition", "dispute", "package", "team", "volunteer", "activity", "dispatch")


REGISTERED_KINDS: tuple[str, ...] = ()  # the kinds added through the registry, in its order


def _add_registered_kinds() -> None:
    """The kinds added through the registry (zongzhi_desktop/kinds), after the first release's."""
    global RECORD_KINDS, REGISTERED_KINDS
    from ..domain.roles import GRANT_LABELS
    from ..kinds import parts

    for part in parts("services"):
        _reg(part.SPEC)
        GRANT_LABELS[part.GRANT] = part.GRANT_LABEL
        RECORD_KINDS = (*RECORD_KINDS, part.SPEC.name)
        REGISTERED_KINDS = (*REGISTERED_KINDS, part.SPEC.name)


_add_registered_kinds()


def restricted_kinds() -> tuple[str, ...]:
    """Kinds only granted users read: their records, and the attachments on them, stay in the township."""
    return tuple(name for name, spec in KINDS.items() if spec.read_grant is not None)


def kind_spec(name: str) -> KindSpec:
    """Look up a kind by name, with a Chinese message listing the valid ones."""
    from ..domain.errors import DomainError

    try:
        return KINDS[name]
    except KeyError:
        valid = "、".join(f"{k}({KINDS[k].label})" for k in KINDS)
        raise DomainError(f"未知的记录类型“{name}”，可用：{valid}") from None


def kind_of_model(model: type[SQLModel]) -> str | None:
    for spec in KINDS.values():
        if spec.model is model:
            return spec.name
    return None
