"""重点人员 as the services see it: fields, visits and links, who may read, and the visit rule."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sqlmodel import Session

from ...domain.errors import TransitionError, ValidationError
from ...services.kinds import ChildSpec, KindSpec
from ...store.serialize import to_row
from . import domain as d

if TYPE_CHECKING:
    from ...services.context import Services


def _check(rec: Any) -> None:
    if rec.last_visit_date is not None and rec.last_visit_date < rec.registered_date:
        raise ValidationError("registered_date", "列管日期", "date_order", "不能晚于最近一次走访日期")


def _child_values(services: Services, session: Session, key: str, values: dict[str, Any],
                  parent: Any | None) -> dict[str, Any]:
    if key == "links":
        kind = values["record_kind"]
        if kind not in d.LINK_KINDS:
            raise ValidationError("record_kind", "关联类型", "choice", "应为 petition（信访件）或 dispute（矛盾纠纷）")
        found = services._resolver(session)(kind, values["record_id"])
        if found is None:
            from ...services.kinds import KINDS

            raise ValidationError("record_id", "关联案件", "ref", f"找不到{KINDS[kind].label}“{values['record_id']}”")
        values["record_id"] = found
    if key == "visits" and parent is not None:
        if parent.status != "managed":
            raise TransitionError("已解除管控的人员不能登记走访，请先恢复管控")
        if values["visit_date"] < parent.registered_date:
            raise ValidationError("visit_date", "走访日期", "date_order", "不能早于列管日期")
        values["risk_before"] = parent.risk_level
    return values


def _child_added(services: Services, session: Session, rec: Any, key: str, values: dict[str, Any]) -> None:
    """A visit moves the person's last visit, risk level and next-visit deadline, with its own entry."""
    if key != "visits":
        return
    before = to_row(rec)
    visit_date = values["visit_date"]
    if rec.last_visit_date is None or visit_date > rec.last_visit_date:
        rec.last_visit_date = visit_date
    after_risk = values.get("risk_after")
    if after_risk:
        if d.risk_raised(rec.risk_level, after_risk):
            rec.risk_raised_date = visit_date
        rec.risk_level = after_risk
    services._refresh(d.NAME, rec)
    services._touch(rec)
    session.add(rec)
    services._event(session, d.NAME, rec.id, "visit", visit_date, "走访")
    services._spans(session, d.NAME, rec)  # the status history carries the deadline now in force
    services._audit(session, "visit", d.NAME, rec, before)


def _child_open(rec: Any, key: str) -> bool:
    """Visits only while in management; links at any time."""
    return key != "visits" or rec.status == "managed"


SPEC = KindSpec(
    d.NAME, d.LABEL, d.MODEL, d.FIELDS, d.SERIAL_PREFIX, d.WORKFLOW, d.REG_DATE, "name",
    children={
        "visits": ChildSpec("visits", d.VISIT_MODEL, d.VISIT_FIELDS, "key_person_id", "走访记录"),
        "links": ChildSpec("links", d.LINK_MODEL, d.LINK_FIELDS, "key_person_id", "关联案件"),
    },
    searchable=("name", "id_number", "phone", "address", "measures"),
    read_grant=d.GRANT, check=_check, child_values=_child_values, child_added=_child_added, child_open=_child_open,
)
GRANT, GRANT_LABEL = d.GRANT, d.GRANT_LABEL
