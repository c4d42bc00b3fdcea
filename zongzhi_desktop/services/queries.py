"""Read operations: lists with filters, what is due, record detail with labels and masking."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

from sqlalchemy import func, select

from ..domain import models as m
from ..domain.masking import mask_id_number, mask_phone
from ..domain.roles import Perm, has_perm
from ..store.serialize import to_row
from .kinds import KINDS, REGISTERED_KINDS, kind_spec

if TYPE_CHECKING:
    from .context import Services

DUE_SOON_DAYS = 7
DUE_KINDS = ("petition", "dispute", "package", "dispatch")
_PHONE_COLS = {"phone"}
_ID_COLS = {"id_number"}


@dataclass(frozen=True)
class DueItem:
    """One open record with a deadline that is past or within the warning window."""

    kind: str
    kind_label: str
    id: str
    serial: str
    title: str
    status: str
    deadline: date
    deadline_kind: str
    days_left: int

    @property
    def overdue(self) -> bool:
        return self.days_left < 0


class QueryOps:
    """Read operations (mixed into Services)."""

    def get(self: Services, kind: str, ident: str) -> Any:
        """One record by id or serial."""
        spec = kind_spec(kind)
        self.require_read(spec)
        with self.session() as session:
            return self._load(session, spec, ident)

    def list_records(
        self: Services,
        kind: str,
        *,
        status: str | None = None,
        overdue: bool = False,
        due_within: int | None = None,
        date_from: date | None = None,
        date_to: date | None = None,
        include_voided: bool = False,
        limit: int | None = None,
        offset: int = 0,
    ) -> list[Any]:
        """Records of a kind, newest first by registration date, filtered in SQL."""
        spec = kind_spec(kind)
        self.require_read(spec)
        model: Any = spec.model
        q = select(model)
        if not include_voided:
            q = q.where(model.voided.is_(False))
        if status:
            if spec.workflow and status not in spec.workflow.states:
                from ..domain.errors import DomainError

                valid = "、".join(f"{k}({v})" for k, v in spec.workflow.states.items())
                raise DomainError(f"{spec.label}没有状态“{status}”，可用：{valid}")
            q = q.where(model.status == status)
        today = self.today()
        if overdue or due_within is not None:
            if not hasattr(model, "next_deadline"):
                return []
            q = q.where(model.next_deadline.is_not(None))
            if overdue and due_within is None:
                q = q.where(model.next_deadline < today)
            elif due_within is not None and not overdue:
                q = q.where(model.next_deadline >= today, model.next_deadline <= today + timedelta(days=due_within))
            else:
                q = q.where(model.next_deadline <= today + timedelta(days=due_within or 0))
        if spec.date_field:
            col = getattr(model, spec.date_field)
            if date_from:
                q = q.where(col >= date_from)
            if date_to:
                q = q.where(col <= date_to)
            q = q.order_by(col.desc(), model.id)
        else:
            q = q.order_by(model.created_at.desc(), model.id)
        if limit is not None:
            q = q.limit(limit).offset(offset)
        with self.session() as session:
            return list(session.execute(q).scalars())

    def count_records(self: Services, kind: str) -> int:
        spec = kind_spec(kind)
        self.require_read(spec)
        model: Any = spec.model
        with self.session() as session:
            return int(session.execute(select(func.count()).select_from(model).where(model.voided.is_(False))).scalar_one())

    def due(self: Services, within: int = DUE_SOON_DAYS) -> list[DueItem]:
        """Everything open that is overdue or due within `within` days, across kinds, most urgent first."""
        today = self.today()
        horizon = today + timedelta(days=within)
        items: list[DueItem] = []
        with self.session() as session:
            for kind in (*DUE_KINDS, *REGISTERED_KINDS):
                if not self.may_read(kind):
                    continue  # a register the actor is not granted: not even its names here
                spec = KINDS[kind]
                model: Any = spec.model
                title_col = getattr(model, spec.title_field)
                rows = session.execute(
                    select(model.id, model.serial, title_col, model.status, model.next_deadline, model.next_deadline_kind)
                    .where(model.voided.is_(False), model.next_deadline.is_not(None), model.next_deadline <= horizon)
                ).all()
                for rid, serial, title, status, deadline, dkind in rows:
                    label = spec.workflow.states.get(status, status) if spec.workflow else status
                    items.append(DueItem(kind, spec.label, rid, serial, str(title), label, deadline, dkind or "",
                                         (deadline - today).days))
        items.sort(key=lambda i: (i.deadline, i.kind, i.serial))
        return items

    def timeline(self: Services, kind: str, record_id: str) -> list[m.WorkflowEvent]:
        """Workflow events of a record, oldest first."""
        with self.session() as session:
            q = (select(m.WorkflowEvent).where(m.WorkflowEvent.record_id == record_id)
                 .order_by(m.WorkflowEvent.event_date, m.WorkflowEvent.created_at))
            return list(session.execute(q).scalars())

    def children(self: Services, kind: str, record_id: str) -> dict[str, list[Any]]:
        """Child rows of a record by key (parties, visits, links, progress…)."""
        spec = kind_spec(kind)
        self.require_read(spec)
        out: dict[str, list[Any]] = {}
        with self.session() as session:
            for key, child in spec.children.items():
                model: Any = child.model
                q = select(model).where(getattr(model, child.parent_field) == record_id, model.voided.is_(False))
                out[key] = list(session.execute(q.order_by(model.created_at)).scalars())
        return out

    def audit_history(self: Services, record_id: str) -> list[m.AuditEntry]:
        """The audit entries of a record and of its attachments (added, voided), oldest first."""
        with self.session() as session:
            ids = [record_id, *session.execute(select(m.Attachment.id).where(m.Attachment.record_id == record_id)).scalars()]
            q = select(m.AuditEntry).where(m.AuditEntry.record_id.in_(ids)).order_by(m.AuditEntry.seq)
            return list(session.execute(q).scalars())

    # -- presentation helpers (labels and masking; shared by CLI, UI and print forms) ---------
    def may_see_personal(self: Services) -> bool:
        return has_perm(self.actor.role, Perm.VIEW_PERSONAL)

    def describe(self: Services, kind: str, rec: Any, *, unmasked: bool | None = None) -> dict[str, Any]:
        """A record as a JSON-safe dict with code labels added and identifiers masked by role."""
        spec = kind_spec(kind)
        self.require_read(spec)
        row = to_row(rec)
        show = self.may_see_personal() if unmasked is None else unmasked
        _mask_row(row, show)
        labels: dict[str, str] = {}
        for fs in spec.fields:
            if fs.type == "code" and row.get(fs.name):
                labels[fs.name] = self.codes[fs.code_table].label_of(row[fs.name])  # type: ignore[index]
        if spec.workflow:
            labels["status"] = spec.workflow.states.get(row["status"], row["status"])
        row["_labels"] = labels
        row["_kind"] = kind
        if spec.extra_detail is not None:
            row["_extra"] = spec.extra_detail(self, rec)
        kids = self.children(kind, rec.id)
        for key, rows in kids.items():
            row[key] = [_mask_row(to_row(r), show) for r in rows]
        return row

    def describe_events(self: Services, events: list[m.WorkflowEvent]) -> list[dict[str, Any]]:
        out = []
        for ev in events:
            d = {"date": ev.event_date.isoformat(), "action": ev.action, "label": ev.note, "actor": ev.actor}
            if ev.data:
                d["data"] = json.loads(ev.data)
            out.append(d)
        return out


def _mask_row(row: dict[str, Any], show: bool) -> dict[str, Any]:
    if show:
        return row
    for col in _ID_COLS & row.keys():
        row[col] = mask_id_number(row[col])
    for col in _PHONE_COLS & row.keys():
        row[col] = mask_phone(row[col])
    return row
