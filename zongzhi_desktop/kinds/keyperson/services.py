"""重点人员 as the services see it: fields, visits and links, who may read, and the visit rule."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sqlalchemy import select
from sqlmodel import Session

from ...domain import models as m
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


def _id_numbers(kind: str, rec: Any, children: list[dict[str, Any]]) -> set[str]:
    """The ID numbers a petition (its petitioner) or a dispute (its parties) names."""
    found = {rec.id_number} if kind == "petition" and rec.id_number else set()
    if kind == "dispute":
        found |= {c["id_number"] for c in children if c.get("id_number")}
    return found


def _noticed(services: Services, session: Session, kind: str, rec: Any, children: list[dict[str, Any]]) -> list[str]:
    """A new petition or dispute naming a key person's ID number: told to a user granted the register
    (nobody else learns from it that someone is in the register)."""
    if kind not in d.LINK_KINDS or not services.may_read(d.NAME):
        return []
    numbers = _id_numbers(kind, rec, children)
    if not numbers:
        return []
    people = session.execute(select(d.MODEL.serial, d.MODEL.name).where(
        d.MODEL.id_number.in_(numbers), d.MODEL.voided.is_(False))).all()  # type: ignore[attr-defined]
    return [f"身份证号与重点人员 {serial}（{name}）相同，可在其详情中“关联案件”" for serial, name in people]


def suggested_links(services: Services, ident: str) -> list[tuple[str, str, str]]:
    """(kind, id, serial) of the petitions and disputes naming the person's ID number that are not
    linked to them yet, newest first."""
    services.require_read(SPEC)
    with services.session() as session:
        person = services._load(session, SPEC, ident)
        if not person.id_number:
            return []
        linked = set(session.execute(select(d.LINK_MODEL.record_id).where(
            d.LINK_MODEL.key_person_id == person.id, d.LINK_MODEL.voided.is_(False))).scalars())  # type: ignore[attr-defined]
        p, dsp, party = m.Petition, m.Dispute, m.DisputeParty
        rows = [("petition", r.id, r.serial, r.received_date) for r in session.execute(
            select(p.id, p.serial, p.received_date).where(p.id_number == person.id_number, p.voided.is_(False)))]
        rows += [("dispute", r.id, r.serial, r.found_date) for r in session.execute(
            select(dsp.id, dsp.serial, dsp.found_date).join(party, party.dispute_id == dsp.id).where(
                party.id_number == person.id_number, party.voided.is_(False), dsp.voided.is_(False)).distinct())]
    rows.sort(key=lambda r: r[3], reverse=True)
    return [(kind, rid, serial) for kind, rid, serial, _day in rows if rid not in linked]


def _extra_detail(services: Services, rec: Any) -> dict[str, str]:
    suggested = suggested_links(services, rec.id)
    return {"建议关联（同一身份证号）": "、".join(serial for _k, _id, serial in suggested)}


SPEC = KindSpec(
    d.NAME, d.LABEL, d.MODEL, d.FIELDS, d.SERIAL_PREFIX, d.WORKFLOW, d.REG_DATE, "name",
    children={
        "visits": ChildSpec("visits", d.VISIT_MODEL, d.VISIT_FIELDS, "key_person_id", "走访记录"),
        "links": ChildSpec("links", d.LINK_MODEL, d.LINK_FIELDS, "key_person_id", "关联案件"),
    },
    searchable=("name", "id_number", "phone", "address", "measures"),
    read_grant=d.GRANT, check=_check, child_values=_child_values, child_added=_child_added, child_open=_child_open,
    noticed=_noticed, extra_detail=_extra_detail,
)
GRANT, GRANT_LABEL = d.GRANT, d.GRANT_LABEL
