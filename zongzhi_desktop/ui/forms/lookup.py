"""Searching reference records for `ref` fields and pickers (plain SQL through the store).

Each searchable kind names the columns matched by the typed text and how a hit is shown. Lists stay
small (LIMIT), so a combo over 50,000 petitions costs one indexed query per keystroke pause.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QCoreApplication
from sqlalchemy import or_, select

from ...domain import models as m
from ...domain import pinyin
from ...services import Services
from ...services.kinds import KINDS

DEFAULT_LIMIT = 50


@dataclass(frozen=True)
class RefOption:
    """One record offered in a ref combo or picker."""

    kind: str
    id: str
    label: str  # what the field shows: "城东村", "XF-2026-000001 张三"
    detail: str = ""  # extra columns in pickers: date, status, village…


@dataclass(frozen=True)
class _Source:
    model: Any
    columns: tuple[str, ...]  # matched with LIKE %text%
    label: Callable[[Any], str]
    order: tuple[str, ...]
    detail: Callable[[Services, Any], str] = lambda svc, r: ""


def _status(kind: str) -> Callable[[Services, Any], str]:
    def detail(svc: Services, r: Any) -> str:
        wf = KINDS[kind].workflow
        date = getattr(r, KINDS[kind].date_field or "", None)
        status = QCoreApplication.translate("forms", wf.states.get(r.status, r.status)) if wf else ""
        return "  ".join(x for x in (date.isoformat() if date else "", status) if x)

    return detail


SOURCES: dict[str, _Source] = {
    "village": _Source(m.Village, ("name", "code"), lambda r: r.name, ("code",), lambda s, r: r.code),
    "grid": _Source(m.Grid, ("name", "code"), lambda r: r.name, ("name",)),
    "department": _Source(m.Department, ("name",), lambda r: r.name, ("name",)),
    "leader": _Source(m.Leader, ("name", "post"), lambda r: r.name, ("name",), lambda s, r: r.post),
    "committee": _Source(m.MediationCommittee, ("name",), lambda r: r.name, ("name",)),
    "mediator": _Source(m.Mediator, ("name",), lambda r: r.name, ("name",)),
    "team": _Source(m.VolunteerTeam, ("name", "leader_name"), lambda r: r.name, ("name",),
                    lambda s, r: s.codes["team_type"].label_of(r.type)),
    "volunteer": _Source(m.Volunteer, ("name", "skills"), lambda r: r.name, ("name",),
                         lambda s, r: r.skills or ""),
    "petition": _Source(m.Petition, ("serial", "petitioner_name"), lambda r: f"{r.serial} {r.petitioner_name}",
                        ("received_date",), _status("petition")),
    "dispute": _Source(m.Dispute, ("serial", "title"), lambda r: f"{r.serial} {r.title}", ("found_date",),
                       _status("dispute")),
    "package": _Source(m.CasePackage, ("serial", "title"), lambda r: f"{r.serial} {r.title}", ("start_date",),
                       _status("package")),
}


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


CASE_KINDS = ("petition", "dispute", "package")  # large tables: matched in SQL, newest first
CODE_ORDERED = ("village",)  # listed by division code, the official order; other names by pinyin


def search(services: Services, kind: str, text: str = "", limit: int = DEFAULT_LIMIT) -> list[RefOption]:
    """Records of `kind` whose searchable columns contain `text` (all when empty), newest first for cases.

    Reference data (villages, grids, departments, leaders, mediators, teams, volunteers: hundreds of
    rows) also matches pinyin, full or initials ("cdc", "chengdong" → 城东村), and names are sorted by
    pinyin (domain/pinyin.py). Case records match their serial and Chinese text in SQL; petitions
    also match their 信访人's pinyin over the whole store (stored `petitioner_pinyin`), disputes and
    packages the pinyin of their titles among the PINYIN_RECENT newest."""
    src = SOURCES[kind]
    model = src.model
    if kind not in CASE_KINDS:
        return _search_reference(services, kind, text.strip(), limit)
    q = select(model).where(model.voided.is_(False))
    t = text.strip()
    if t:
        pattern = f"%{_escape_like(t)}%"
        q = q.where(or_(*(getattr(model, c).like(pattern, escape="\\") for c in src.columns)))
    desc = kind in ("petition", "dispute", "package")
    for col in src.order:
        q = q.order_by(getattr(model, col).desc() if desc else getattr(model, col))
    q = q.limit(limit)
    with services.session() as s:
        rows = list(s.execute(q).scalars())
        if t and pinyin.is_pinyin_query(t) and len(rows) < limit and kind == "petition":
            rows += _petitioners_by_pinyin(s, t, limit - len(rows), {r.id for r in rows})
        elif t and pinyin.is_pinyin_query(t) and len(rows) < limit:
            rows += _recent_by_pinyin(s, kind, t, limit - len(rows), {r.id for r in rows})
        return [RefOption(kind, r.id, src.label(r), src.detail(services, r)) for r in rows]


PINYIN_RECENT = 2000  # disputes and packages searched by pinyin of their titles: the newest this many


def _petitioners_by_pinyin(s: Any, text: str, limit: int, seen: set[str]) -> list[Any]:
    """Petitions whose 信访人 matches `text` as full pinyin or initials, over the whole store (the
    stored `petitioner_pinyin`: "zhang san␟张三␟zs"; one narrow column scanned in SQL), newest first."""
    from sqlalchemy import func

    q = text.replace(" ", "").lower()
    pattern = f"%{_escape_like(q)}%"
    stmt = (select(m.Petition).where(m.Petition.voided.is_(False),
                                     func.replace(m.Petition.petitioner_pinyin, " ", "").like(pattern, escape="\\"))
            .order_by(m.Petition.received_date.desc()).limit(limit + len(seen)))
    return [r for r in s.execute(stmt).scalars() if r.id not in seen][:limit]


def _recent_by_pinyin(s: Any, kind: str, text: str, limit: int, seen: set[str]) -> list[Any]:
    """The newest cases whose searchable text matches `text` as pinyin (columns read, not objects)."""
    src = SOURCES[kind]
    model = src.model
    cols = [getattr(model, c) for c in src.columns]
    q = select(model.id, *cols).where(model.voided.is_(False))
    for col in src.order:
        q = q.order_by(getattr(model, col).desc())
    hits: list[str] = []
    for rid, *values in s.execute(q.limit(PINYIN_RECENT)):
        if rid not in seen and any(v and pinyin.matches(str(v), text) for v in values):
            hits.append(rid)
            if len(hits) >= limit:
                break
    if not hits:
        return []
    found = {r.id: r for r in s.execute(select(model).where(model.id.in_(hits))).scalars()}
    return [found[h] for h in hits if h in found]


def _search_reference(services: Services, kind: str, text: str, limit: int) -> list[RefOption]:
    src = SOURCES[kind]
    model = src.model
    q = select(model).where(model.voided.is_(False))
    for col in src.order:
        q = q.order_by(getattr(model, col))
    with services.session() as s:
        rows = list(s.execute(q).scalars())
        if text:
            rows = [r for r in rows if any(pinyin.matches(str(getattr(r, c) or ""), text) for c in src.columns)]
        if kind not in CODE_ORDERED:
            rows.sort(key=lambda r: pinyin.sort_key(src.label(r)))
        return [RefOption(kind, r.id, src.label(r), src.detail(services, r)) for r in rows[:limit]]


def label_of(services: Services, kind: str, record_id: str | None) -> str:
    """How a referenced record is shown ("" for None; the id itself if it no longer exists)."""
    if not record_id:
        return ""
    src = SOURCES.get(kind)
    if src is None:
        return record_id
    with services.session() as s:
        row = s.get(src.model, record_id)
        return src.label(row) if row is not None else record_id


def option_of(services: Services, kind: str, record_id: str) -> RefOption | None:
    src = SOURCES[kind]
    with services.session() as s:
        row = s.get(src.model, record_id)
        return RefOption(kind, row.id, src.label(row), src.detail(services, row)) if row is not None else None
