"""Sheets for the signed-in user: build, save the staff-written parts, sign off (freeze), reprint.

Each write is one transaction with its audit entry. A signed sheet is never recomputed: its
PDF is the stored bytes (checked against the stored SHA-256) and its XLSX is rendered from the
frozen content, so a reprint shows exactly what the reviewer signed.
"""

from __future__ import annotations

import base64
import hashlib
import json
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, select

from ..domain import models as m
from ..domain.errors import DomainError, NotFound, TransitionError, ValidationError
from ..domain.roles import Perm
from ..store import audit
from ..store.database import Store
from ..store.serialize import canonical_json, to_row
from .figures import FigureQueries
from .fonts import report_warnings
from .model import Refs, Report
from .periods import SHEET_PERIOD, Period, parse_period
from .render_pdf import Hotspot, render_pdf
from .sheets import PARTS, SHEETS, SignInfo, build_sheet, sheet_number

if TYPE_CHECKING:
    from ..services import Services

SHEET_LABELS = {k: v[0] for k, v in SHEETS.items()}
STATUS_LABELS = {"draft": "草稿", "signed": "已签发"}
_MAX_PART = 5000


@dataclass
class Rendered:
    """The bytes of one output and the report they came from."""

    data: bytes
    report: Report
    frozen: bool
    sheet: m.ReportSheet | None

    @property
    def warnings(self) -> list[str]:
        return self.report.warnings


def sheet_kind(kind: str) -> str:
    if kind not in SHEETS:
        raise DomainError(f"未知的报表“{kind}”，可用：weekly(周研判)、monthly(月调度)、quarterly(季推进)")
    return kind


def period_for(kind: str, text: str | Period) -> Period:
    return text if isinstance(text, Period) else parse_period(text, SHEET_PERIOD[sheet_kind(kind)])


def display_name(svc: Services, username: str) -> str:
    with svc.session() as s:
        name = s.execute(select(m.User.display_name).where(m.User.username == username)).scalar_one_or_none()
    return name or svc.actor.display_name or username


def check_parts(kind: str, parts: dict[str, str] | None) -> dict[str, str]:
    """Keep the parts this sheet has; refuse unknown ones with a message listing the valid keys."""
    out: dict[str, str] = {}
    valid = PARTS[kind]
    for k, v in (parts or {}).items():
        if k not in valid:
            names = "、".join(f"{key}({label})" for key, label in valid.items())
            raise ValidationError(k, k, "part", f"{SHEET_LABELS[kind]}没有这一栏，可填：{names}")
        text = (v or "").replace("\r\n", "\n").strip()
        if len(text) > _MAX_PART:
            raise ValidationError(k, valid[k], "max_length", f"不能超过{_MAX_PART}字")
        out[k] = text
    return out


def build_report(svc: Services, kind: str, period: str | Period, *, parts: dict[str, str] | None = None,
                 sign: SignInfo | None = None, townships: list[str] | None = None, all_townships: bool = False,
                 township_name: str | None = None, list_limit: int | None = None, appendix: bool = False) -> Report:
    """Compute a sheet from the records now (never the frozen copy): for this installation's
    township, the given `townships`, or (`all_townships`) every township in the store."""
    kind = sheet_kind(kind)
    p = period_for(kind, period)
    codes = None if all_townships else (townships if townships is not None else [svc.township.code])
    name = township_name or svc.township.name
    kw: dict[str, Any] = {"appendix": appendix} if list_limit is None else {"list_limit": list_limit, "appendix": appendix}
    with svc.store.engine.connect() as conn:
        report = build_sheet(conn, kind, p, codes=svc.codes, townships=codes, township_name=name,
                             made_on=svc.today(), parts=check_parts(kind, parts), sign=sign, **kw)
    report.confidential = True
    report.warnings = report_warnings(report)
    return report


def figure_queries(conn: Connection, report: Report) -> FigureQueries:
    """Queries over the report's townships, counting stock as at the same A as the report."""
    return FigureQueries(conn, report.township_codes, today=date.fromisoformat(report.made_on))


def fill_refs(store: Store, report: Report) -> Report:
    """Fetch the ids behind every number of the report (a sheet being frozen); returns the report."""
    with store.engine.connect() as conn:
        q = figure_queries(conn, report)
        for v in report.values.values():
            q.fill(v)
    return report


def fetch_refs(store: Store, report: Report, key: str) -> tuple[Refs | None, Refs | None]:
    """The ids behind one number as (numerator, denominator or None), read from the database
    without touching the report (safe on a worker thread while the window shows the report);
    a value that already carries its ids (a frozen sheet) answers with them."""
    v = report.values[key]
    if v.query is None or v.refs is not None:
        return v.refs, v.den_refs
    with store.engine.connect() as conn:
        q = figure_queries(conn, report)
        return q.refs(v.query["num"]), (q.refs(v.query["den"]) if "den" in v.query else None)


def keep_refs(report: Report, key: str, fetched: tuple[Refs | None, Refs | None]) -> Refs:
    """Store `fetch_refs`' answer on the report (a second click opens them at once) and return the
    records a click opens: a rate's denominator, else the number's own records."""
    v = report.values[key]
    if v.refs is None:
        v.refs, v.den_refs = fetched
    refs = v.den_refs if v.den_refs is not None else v.refs
    return refs or {}


def figure_refs(store: Store, report: Report, key: str) -> Refs:
    """Drill-down: the records behind one number of the report (a rate: its denominator; the
    numerator is in `report.values[key].refs` afterwards), fetched now unless already known."""
    return keep_refs(report, key, fetch_refs(store, report, key))


def get_sheet(svc: Services, kind: str, period: str | Period) -> m.ReportSheet | None:
    """The saved (not voided) sheet of this township for the period, if any."""
    p = period_for(kind, period)
    with svc.session() as s:
        return s.execute(select(m.ReportSheet).where(
            m.ReportSheet.township_code == svc.township.code, m.ReportSheet.sheet_kind == kind,
            m.ReportSheet.period == p.code, m.ReportSheet.voided.is_(False))).scalars().first()


def sheet_parts(sheet: m.ReportSheet | None) -> dict[str, str]:
    return json.loads(sheet.parts_json) if sheet else {}


def list_sheets(svc: Services, kind: str | None = None) -> list[m.ReportSheet]:
    """Saved sheets of this township, newest period first."""
    with svc.session() as s:
        q = select(m.ReportSheet).where(m.ReportSheet.voided.is_(False),
                                        m.ReportSheet.township_code == svc.township.code)
        if kind:
            q = q.where(m.ReportSheet.sheet_kind == sheet_kind(kind))
        return list(s.execute(q.order_by(m.ReportSheet.period_start.desc(), m.ReportSheet.sheet_kind)).scalars())


def _audit_row(sheet: m.ReportSheet) -> dict[str, Any]:
    # The frozen content and PDF are covered by their hashes; the audit log keeps those, not megabytes.
    row = to_row(sheet)
    row.pop("content_json", None)
    row.pop("pdf_b64", None)
    return row


def save_sheet(svc: Services, kind: str, period: str | Period, parts: dict[str, str],
               filled_by: str | None = None) -> m.ReportSheet:
    """Save (create or update) the staff-written parts of a draft sheet."""
    kind = sheet_kind(kind)
    p = period_for(kind, period)
    svc.require(Perm.ENTER, f"填报{SHEET_LABELS[kind]}")
    clean = check_parts(kind, parts)
    filler = (filled_by or "").strip() or display_name(svc, svc.actor.username)
    with svc.session() as s, s.begin():
        sheet = _load_for_update(svc, s, kind, p)
        if sheet is not None and sheet.status == "signed":
            raise TransitionError(f"{SHEET_LABELS[kind]}（{p.short_label}）已签发，不能修改；如需更正请由审核人作废后重新填报")
        before = _audit_row(sheet) if sheet else None
        if sheet is None:
            sheet = m.ReportSheet(sheet_kind=kind, period=p.code, period_start=p.start, period_end=p.end,
                                  number=sheet_number(kind, svc.township.name, p), township_code=svc.township.code)
            svc._stamp_new(sheet)
        else:
            svc._touch(sheet)
        merged = {**sheet_parts(sheet if before else None), **clean}
        sheet.parts_json = canonical_json(merged)
        sheet.filled_by = filler
        s.add(sheet)
        s.flush()
        audit.append(s, username=svc.actor.username, action="save" if before is None else "update",
                     record_kind="report_sheet", record_id=sheet.id, before=before, after=_audit_row(sheet))
    return sheet


def _load_for_update(svc: Services, s: Any, kind: str, p: Period) -> m.ReportSheet | None:
    return s.execute(select(m.ReportSheet).where(
        m.ReportSheet.township_code == svc.township.code, m.ReportSheet.sheet_kind == kind,
        m.ReportSheet.period == p.code, m.ReportSheet.voided.is_(False)).with_for_update()).scalars().first()


def sign_sheet(svc: Services, kind: str, period: str | Period, parts: dict[str, str] | None = None) -> m.ReportSheet:
    """Sign off: compute the sheet now, render it, and freeze content + PDF with their hashes."""
    kind = sheet_kind(kind)
    p = period_for(kind, period)
    svc.require(Perm.REVIEW, f"签发{SHEET_LABELS[kind]}")
    if parts:
        save_sheet(svc, kind, p, parts)
    existing = get_sheet(svc, kind, p)
    if existing is not None and existing.status == "signed":
        raise TransitionError(f"{SHEET_LABELS[kind]}（{p.short_label}）已于{existing.signed_date}签发，不能重复签发")
    saved = sheet_parts(existing)
    filler = existing.filled_by if existing and existing.filled_by else ""
    reviewer = display_name(svc, svc.actor.username)
    # The signed copy is the paper record: it always carries the appendix of its cut lists.
    report = build_report(svc, kind, p, parts=saved, appendix=True,
                          sign=SignInfo(filled_by=filler, reviewed_by=reviewer, signed_on=svc.today()))
    fill_refs(svc.store, report)  # the frozen copy keeps the ids behind every number
    content = canonical_json(pack_refs(report.to_dict()))
    pdf = render_pdf(report)
    with svc.session() as s, s.begin():
        sheet = _load_for_update(svc, s, kind, p)
        if sheet is not None and sheet.status == "signed":
            raise TransitionError(f"{SHEET_LABELS[kind]}（{p.short_label}）已签发")
        before = _audit_row(sheet) if sheet else None
        if sheet is None:
            sheet = m.ReportSheet(sheet_kind=kind, period=p.code, period_start=p.start, period_end=p.end,
                                  number=report.number, township_code=svc.township.code, parts_json="{}")
            svc._stamp_new(sheet)
        else:
            svc._touch(sheet)
        sheet.status = "signed"
        sheet.number = report.number
        sheet.content_json = content
        sheet.content_sha256 = hashlib.sha256(content.encode("utf-8")).hexdigest()
        sheet.pdf_b64 = base64.b64encode(pdf).decode("ascii")
        sheet.pdf_sha256 = hashlib.sha256(pdf).hexdigest()
        sheet.signed_by = svc.actor.username
        sheet.signed_by_name = reviewer
        sheet.signed_date = svc.today()
        s.add(sheet)
        s.flush()
        audit.append(s, username=svc.actor.username, action="sign", record_kind="report_sheet",
                     record_id=sheet.id, before=before, after=_audit_row(sheet))
    return sheet


def void_sheet(svc: Services, kind: str, period: str | Period, reason: str) -> m.ReportSheet:
    """Withdraw a saved or signed sheet (reviewer, with a reason) so it can be filled in again."""
    kind = sheet_kind(kind)
    p = period_for(kind, period)
    svc.require(Perm.REVIEW, f"作废{SHEET_LABELS[kind]}")
    if not (reason or "").strip():
        raise ValidationError("void_reason", "作废原因", "required", "作废须写明原因")
    with svc.session() as s, s.begin():
        sheet = _load_for_update(svc, s, kind, p)
        if sheet is None:
            raise NotFound(f"没有已保存的{SHEET_LABELS[kind]}（{p.short_label}）")
        before = _audit_row(sheet)
        sheet.voided, sheet.void_reason = True, reason.strip()
        svc._touch(sheet)
        s.add(sheet)
        audit.append(s, username=svc.actor.username, action="void", record_kind="report_sheet",
                     record_id=sheet.id, before=before, after=_audit_row(sheet))
    return sheet


def _walk_refs(d: Any, fn: Any) -> None:
    """Apply fn(refs_dict) -> refs_dict to every refs / den_refs mapping in a report dict."""
    if isinstance(d, dict):
        for k, v in d.items():
            if k in ("refs", "den_refs") and isinstance(v, dict):
                d[k] = fn(v)
            else:
                _walk_refs(v, fn)
    elif isinstance(d, list):
        for x in d:
            _walk_refs(x, fn)


def pack_refs(d: dict[str, Any]) -> dict[str, Any]:
    """Frozen form of a report dict: each record id is stored once (in `ids`), and refs hold
    indexes into it — a 50,000-record township's quarterly sheet shrinks from ~6 MB to ~1 MB."""
    ids: dict[str, dict[str, int]] = {}

    def pack(refs: dict[str, list[str]]) -> dict[str, list[int]]:
        out = {}
        for kind, lst in refs.items():
            table = ids.setdefault(kind, {})
            out[kind] = [table.setdefault(i, len(table)) for i in lst]
        return out

    body = json.loads(json.dumps(d))
    _walk_refs(body, pack)
    return {"format": 1, "ids": {k: list(t) for k, t in ids.items()}, "report": body}


def unpack_refs(frozen: dict[str, Any]) -> dict[str, Any]:
    ids = frozen["ids"]
    body = frozen["report"]
    _walk_refs(body, lambda refs: {k: [ids[k][i] for i in lst] for k, lst in refs.items()})
    return body


def frozen_report(sheet: m.ReportSheet) -> Report:
    """The signed content, after checking it against its stored hash."""
    content = sheet.content_json or ""
    if hashlib.sha256(content.encode("utf-8")).hexdigest() != sheet.content_sha256:
        raise DomainError(f"已签发报表 {sheet.number} 的内容与签发时的哈希不符，可能被篡改")
    return Report.from_dict(unpack_refs(json.loads(content)))


def frozen_pdf(sheet: m.ReportSheet) -> bytes:
    pdf = base64.b64decode(sheet.pdf_b64 or "")
    if hashlib.sha256(pdf).hexdigest() != sheet.pdf_sha256:
        raise DomainError(f"已签发报表 {sheet.number} 的PDF与签发时的哈希不符，可能被篡改")
    return pdf


def xlsx_bytes(report: Report) -> bytes:
    """XLSX bytes; openpyxl is imported only when a workbook is asked for (not on the PDF path)."""
    from .render_xlsx import render_xlsx

    return render_xlsx(report)


def render_sheet(svc: Services, kind: str, period: str | Period, fmt: str = "pdf", *,
                 parts: dict[str, str] | None = None, hotspots: list[Hotspot] | None = None,
                 appendix: bool = False) -> Rendered:
    """The sheet as PDF or XLSX: the frozen copy once signed, else computed now with the saved parts
    (overridden by `parts`, which are not saved). `hotspots` (PDF only) receives where each
    figure is drawn, for the preview's click-through. `appendix` prints every cut list whole at
    the end (a signed sheet always has it)."""
    kind = sheet_kind(kind)
    p = period_for(kind, period)
    if fmt not in ("pdf", "xlsx"):
        raise DomainError(f"不支持的格式“{fmt}”，可用：pdf、xlsx")
    sheet = get_sheet(svc, kind, p)
    if sheet is not None and sheet.status == "signed":
        if parts:
            raise TransitionError(f"{SHEET_LABELS[kind]}（{p.short_label}）已签发，不能再修改填写内容")
        report = frozen_report(sheet)
        data = frozen_pdf(sheet) if fmt == "pdf" else xlsx_bytes(report)
        if fmt == "pdf" and hotspots is not None:
            render_pdf(report, hotspots)  # same layout as the stored bytes; only the positions are kept
        return Rendered(data, report, True, sheet)
    merged = {**sheet_parts(sheet), **check_parts(kind, parts)}
    filler = sheet.filled_by if sheet and sheet.filled_by else ""
    report = build_report(svc, kind, p, parts=merged, sign=SignInfo(filled_by=filler), appendix=appendix)
    data = render_pdf(report, hotspots) if fmt == "pdf" else xlsx_bytes(report)
    return Rendered(data, report, False, sheet)
