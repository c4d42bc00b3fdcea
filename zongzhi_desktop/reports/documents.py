"""Documents printed from one record (the 打印 menu of a detail view and `zongzhi print`).

Each document is a Report rendered by the same PDF renderer as the sheets, laid out in the manner
of GB/T 9704: title, 文号 (document number), addressee, body, issuing organ and date. The 文号
("城关综信受〔2026〕3号") comes from a sequence per document kind and year kept in the store
(table document_number); it is issued when the document is first printed or exported, and a
reprint keeps it. Preview shows "（打印时编号）" instead, so closing a preview never leaves a gap.

Masking follows the role that prints (Perm.VIEW_PERSONAL and the explicit `unmasked` request),
except where a document's purpose needs the value: the 交办单 carries the petitioner's phone so
the department can call back. Every print or export of a document that carries an unmasked ID
number or phone writes an audit entry naming the document, its 文号 and the fields printed.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

from sqlalchemy import func, select

from ..domain import models as m
from ..domain.errors import DomainError
from ..store import audit
from .fonts import glyph_warnings
from .forms import FormBuilder, _d, _Grid
from .model import Cell, Column, Report, Section, Signature, Table, Text

if TYPE_CHECKING:
    from ..services import Services

PENDING_NUMBER = "（打印时编号）"
STATUTE = "《信访工作条例》"
MEDIATION_LAW = "《中华人民共和国人民调解法》"


@dataclass(frozen=True)
class Document:
    """One printable document: its record kind, title, 文号 code and when it is offered."""

    key: str
    kind: str
    title: str
    code: str  # the organ-and-kind part of the 文号, after the township's short name
    offered: Callable[[Any], bool]
    # Fields printed unmasked whatever the role, because the document's purpose needs them.
    always_unmasked: tuple[str, ...] = ()


def _has(*fields: str) -> Callable[[Any], bool]:
    return lambda r: all(getattr(r, f, None) for f in fields)


DOCUMENTS: dict[str, Document] = {d.key: d for d in (
    Document("register", "petition", "信访事项登记表", "综信登", lambda r: True),
    Document("accept_notice", "petition", "信访事项受理告知书", "综信受", lambda r: r.decision == "accept"),
    Document("reject_notice", "petition", "信访事项不予受理告知书", "综信不受",
             lambda r: r.decision in ("reject", "no_longer")),
    Document("dispatch", "petition", "信访事项交办单", "综信交", _has("assigned_department_id"),
             always_unmasked=("phone",)),
    Document("reply", "petition", "信访事项处理意见书", "综信处", _has("reply_date", "reply_result")),
    Document("review", "petition", "信访事项复查意见书", "综信复查", _has("review_reply_date", "review_result")),
    Document("recheck", "petition", "信访事项复核意见书", "综信复核", _has("recheck_reply_date", "recheck_result")),
    Document("intake", "dispute", "人民调解申请书（受理登记表）", "综调受", lambda r: True),
    Document("agreement", "dispute", "人民调解协议书", "综调协",
             lambda r: r.outcome == "success" and r.agreement_form == "written"),
    Document("visits", "dispute", "人民调解回访记录", "综调访", lambda r: r.status == "succeeded"),
    Document("judicial_hint", "dispute", "司法确认申请提示", "综调确",
             lambda r: r.outcome == "success" and r.agreement_form == "written"),
    Document("responsibility", "package", "领导包案责任书", "综包责", lambda r: True),
    Document("closure", "package", "领导包案销号审批表", "综包销", lambda r: r.status in ("close_requested", "closed")),
    Document("dispatch_order", "dispatch", "调度事项交办单", "综调度", lambda r: True),
)}
ALIASES = {d.title: k for k, d in DOCUMENTS.items()} | {
    "登记表": "register", "登记": "register", "受理告知书": "accept_notice", "不予受理告知书": "reject_notice",
    "交办单": "dispatch", "交办": "dispatch", "处理意见书": "reply", "意见书": "reply", "复查意见书": "review",
    "复核意见书": "recheck", "调解申请书": "intake", "受理登记表": "intake", "协议书": "agreement",
    "调解协议书": "agreement", "回访记录": "visits", "司法确认申请提示": "judicial_hint", "司法确认": "judicial_hint",
    "责任书": "responsibility", "包案责任书": "responsibility", "销号审批表": "closure",
    "调度交办单": "dispatch_order",
}


def document_key(text: str) -> str:
    """Canonical document key from a key or a Chinese name."""
    t = (text or "").strip()
    key = ALIASES.get(t, t)
    if key not in DOCUMENTS:
        valid = "、".join(f"{k}({d.title})" for k, d in DOCUMENTS.items())
        raise DomainError(f"未知的文书“{text}”，可用：{valid}")
    return key


def documents_for(kind: str, record: Any) -> list[Document]:
    """The documents that fit the record's current state (none for a voided record)."""
    if record is None or getattr(record, "voided", False):
        return []
    return [d for d in DOCUMENTS.values() if d.kind == kind and d.offered(record)]


def short_name(township_name: str) -> str:
    """城关镇 -> 城关, 东华街道 -> 东华 (the organ part of a 文号)."""
    for suffix in ("街道办事处", "街道", "镇", "乡"):
        if township_name.endswith(suffix) and len(township_name) > len(suffix):
            return township_name[: -len(suffix)]
    return township_name


def existing_number(svc: Services, key: str, record_id: str) -> str | None:
    with svc.session() as s:
        row = s.get(m.DocumentNumber, (key, record_id))
        return row.number if row else None


def issue_number(svc: Services, key: str, kind: str, record_id: str) -> str:
    """The record's 文号 for this document: the one issued before, or the next of this year's
    sequence (written with its audit entry in one transaction)."""
    doc = DOCUMENTS[key]
    year = svc.today().year
    with svc.session() as s, s.begin():
        row = s.get(m.DocumentNumber, (key, record_id))
        if row is not None:
            return row.number
        last = s.execute(select(func.max(m.DocumentNumber.seq)).where(
            m.DocumentNumber.doc_kind == key, m.DocumentNumber.year == year)).scalar_one_or_none() or 0
        number = f"{short_name(svc.township.name)}{doc.code}〔{year}〕{last + 1}号"
        s.add(m.DocumentNumber(doc_kind=key, record_id=record_id, record_kind=kind, year=year, seq=last + 1,
                               number=number, issued_by=svc.actor.username))
        audit.append(s, username=svc.actor.username, action="issue_document_number", record_kind=kind,
                     record_id=record_id, before=None, after={"document": doc.title, "number": number})
    return number


def record_print(svc: Services, kind: str, record_id: str, key: str, number: str, personal: list[str],
                 output: str) -> None:
    """Audit one print/export of a document that carries unmasked personal data (else nothing)."""
    if not personal:
        return
    with svc.session() as s, s.begin():
        audit.append(s, username=svc.actor.username, action="print_personal_document", record_kind=kind,
                     record_id=record_id, before=None,
                     after={"document": DOCUMENTS[key].title, "number": number, "fields": sorted(personal),
                            "output": output})


class DocumentBuilder(FormBuilder):
    """FormBuilder with 文号, letters and the documents beyond the four original forms."""

    def __init__(self, svc: Services, key: str, unmasked: bool, number: str) -> None:
        super().__init__(svc, unmasked)
        self.doc = DOCUMENTS[key]
        self.number = number
        self.personal: set[str] = set()  # unmasked personal fields that went into the document

    def ident(self, v: str | None) -> str:
        if v and self.unmasked:
            self.personal.add("id_number")
        return super().ident(v)

    def phone(self, v: str | None) -> str:
        if v and (self.unmasked or "phone" in self.doc.always_unmasked):
            self.personal.add("phone")
            return v
        return super().phone(v)

    def report(self, form: str, number: str, sections: list[Section]) -> Report:
        t = self.svc.township
        r = Report(kind=f"document:{self.doc.key}", title=self.doc.title, subtitle=f"{t.name}综治中心",
                   number=self.number, township_codes=[t.code], township_name=t.name, period=None,
                   made_on=self.svc.today().isoformat(), sections=sections, confidential=True, date_label="打印日期")
        r.warnings = glyph_warnings(r.texts())
        return r

    # -- shared parts -------------------------------------------------------------------------
    def organ(self) -> str:
        return f"{self.svc.township.name}综治中心"

    def letter(self, to: str, paragraphs: list[str], issued: date | None, extra: list[Any] | None = None) -> Report:
        """A notice to a person: addressee, body, issuing organ and date, sealed by hand."""
        blocks: list[Any] = [Text(None, f"{to}：")]
        blocks += [Text(None, "\u3000\u3000" + p) for p in paragraphs]
        sections = [Section(None, blocks)]
        if extra:
            sections.append(Section(None, extra))
        sections.append(Section(None, [Signature(["发文单位（印章）", "日期"], [self.organ(), _d(issued)])]))
        return self.report(self.doc.key, self.number, sections)

    # -- petition letters ---------------------------------------------------------------------
    def _facts(self, p: m.Petition) -> str:
        return f"你于{_d(p.received_date)}以{self.label('petition_form', p.form)}形式反映的“{p.request}”信访事项（登记编号{p.serial}）"

    def accept_notice(self, p: m.Petition) -> Report:
        body = [f"{self._facts(p)}，经审查，属于本机关职权范围，根据{STATUTE}第二十二条、第二十三条的规定，"
                f"本机关于{_d(p.decision_date)}决定予以受理。",
                f"根据{STATUTE}第三十三条，本机关将自受理之日起六十日内办结，法定办结期限为{_d(p.conclude_deadline)}；"
                "情况复杂的，经批准可以适当延长办理期限，但延长期限不超过三十日，并将告知你延期理由。",
                "办理过程中，请你如实反映情况，依法逐级走访，不得采取违法方式表达诉求。"]
        return self.letter(p.petitioner_name, body, p.decision_date)

    def reject_notice(self, p: m.Petition) -> Report:
        reason = p.decision_reason or ""
        if p.decision == "no_longer":
            basis = (f"根据{STATUTE}第三十六条的规定，信访人对复核意见不服，仍然以同一事实和理由提出投诉请求的，"
                     "各级党委和政府信访部门和其他机关、单位不再受理")
            decision = "不再受理"
        else:
            basis = f"根据{STATUTE}第二十二条、第二十三条、第三十一条的规定"
            decision = "不予受理"
        body = [f"{self._facts(p)}，经审查，{basis}，本机关于{_d(p.decision_date)}决定{decision}。",
                f"理由：{reason}"]
        if p.decision == "reject":
            body.append("你反映的事项依法应当通过诉讼、仲裁、行政复议等法定途径解决的，"
                        "请依照有关法律、行政法规的规定程序向有关机关提出。")
        return self.letter(p.petitioner_name, body, p.decision_date)

    def _opinion(self, p: m.Petition, result: str | None, summary: str | None, when: date | None,
                 stage: str, rights: str) -> Report:
        outcome = self.label("reply_result", result)
        basis = {"support": "请求事实清楚，符合法律、法规、规章或者其他有关规定，予以支持",
                 "explain": "请求合理但缺乏法律依据，作出解释说明",
                 "not_support": "请求缺乏事实根据或者不符合法律、法规、规章或者其他有关规定，不予支持"}.get(result or "", "")
        body = [f"{self._facts(p)}，本机关已依法{stage}完毕，现答复如下。",
                f"处理意见：{outcome}。根据{STATUTE}第三十二条，{basis}。",
                *(x for x in (summary or "").split("\n") if x.strip()),
                rights]
        return self.letter(p.petitioner_name, body, when)

    def reply(self, p: m.Petition) -> Report:
        due = p.reply_date + timedelta(days=30) if p.reply_date else None
        rights = (f"根据{STATUTE}第三十五条，你如对本处理意见不服，可以自收到本意见书之日起三十日内（即{_d(due)}前）"
                  "向本机关的上一级机关、单位请求复查。")
        return self._opinion(p, p.reply_result, p.reply_summary, p.reply_date, "办理", rights)

    def review(self, p: m.Petition) -> Report:
        due = p.review_reply_date + timedelta(days=30) if p.review_reply_date else None
        rights = (f"根据{STATUTE}第三十六条，你如对本复查意见不服，可以自收到本意见书之日起三十日内（即{_d(due)}前）"
                  "向复查机关的上一级机关、单位请求复核。")
        return self._opinion(p, p.review_result, None, p.review_reply_date, "复查", rights)

    def recheck(self, p: m.Petition) -> Report:
        rights = (f"本复核意见为最终意见。根据{STATUTE}第三十六条，你对复核意见不服，仍然以同一事实和理由提出投诉请求的，"
                  "各级党委和政府信访部门和其他机关、单位不再受理。")
        return self._opinion(p, p.recheck_result, None, p.recheck_reply_date, "复核", rights)

    # -- dispute --------------------------------------------------------------------------------
    def _parties(self, parties: list[m.DisputeParty]) -> Table:
        rows = [[Cell(self.label("party_role", x.role), align="center"), Cell(x.name), Cell(self.ident(x.id_number)),
                 Cell(self.phone(x.phone)), Cell(x.address or "")] for x in parties]
        cols = [Column("当事人", 1.1, "center"), Column("姓名", 1.2), Column("身份证号", 2.4), Column("联系电话", 1.6),
                Column("住址", 2.6)]
        return Table("parties", None, cols, rows or [[Cell("（未登记）"), Cell(""), Cell(""), Cell(""), Cell("")]],
                     font_size=10, split_rows=True)

    def intake(self, d: m.Dispute, parties: list[m.DisputeParty]) -> Report:
        g = _Grid()
        g.pair("登记编号", d.serial, "发现日期", _d(d.found_date))
        g.pair("纠纷来源", self.label("dispute_source", d.source), "纠纷类型", self.label("dispute_type", d.type))
        g.pair("所属村(社区)", self.name_of(m.Village, d.village_id), "涉及人数", str(d.people_count or ""))
        g.pair("涉及金额(元)", f"{d.amount:g}" if d.amount else "", "风险等级", self.label("risk_level", d.risk_level))
        g.wide("纠纷事项", d.title)
        g.wide("纠纷简要情况及申请事项", d.description or "", 4)
        g.pair("受理日期", _d(d.accepted_date), "调解方式", self.label("mediation_route", d.route))
        g.pair("调解组织", self.name_of(m.MediationCommittee, d.committee_id), "人民调解员",
               self.name_of(m.Mediator, d.mediator_id))
        note = ("当事人自愿申请人民调解。人民调解委员会依照"
                f"{MEDIATION_LAW}第三条、第四条，在当事人自愿、平等的基础上进行调解，不违背法律、法规和国家政策，"
                "尊重当事人的权利，不收取任何费用。")
        sig = Signature(["申请人（签名）", "受理人", "受理日期"], ["", "", _d(d.accepted_date)], per_row=2)
        return self.report(self.doc.key, self.number, [
            Section("一、当事人", [self._parties(parties)]), Section("二、纠纷情况", [g.table("intake")]),
            Section(None, [Text(None, note), sig])])

    def visits(self, d: m.Dispute, visits: list[m.DisputeVisit]) -> Report:
        rows = [[Cell(_d(v.visit_date), align="center"), Cell(v.visitor or ""),
                 Cell(self.label("performance_status", v.performance_status)),
                 Cell(self.label("satisfaction", v.satisfaction)), Cell(v.note or "")] for v in visits]
        cols = [Column("回访日期", 1.4, "center"), Column("回访人", 1.1), Column("履行情况", 1.2), Column("满意度", 1.0),
                Column("回访情况", 3.6)]
        g = _Grid()
        g.pair("纠纷编号", d.serial, "调解成功日期", _d(d.mediation_end_date))
        g.wide("纠纷事项", d.title)
        g.pair("协议履行期限", _d(d.performance_deadline), "当前履行情况", self.label("performance_status", d.performance_status))
        return self.report(self.doc.key, self.number, [
            Section(None, [g.table("visit_head")]),
            Section("回访情况", [Table("visits", None, cols, rows or [[Cell("（尚未回访）"), Cell(""), Cell(""), Cell(""),
                                                                        Cell("")]], font_size=10, split_rows=True),
                              Text("本次回访情况：", "", min_lines=4)]),
            Section(None, [Signature(["回访人（签名）", "被回访人（签名）", "日期"], ["", "", ""])])])

    def judicial_hint(self, d: m.Dispute, parties: list[m.DisputeParty]) -> Report:
        due = d.judicial_confirm_deadline or (d.agreement_date + timedelta(days=30) if d.agreement_date else None)
        names = "、".join(x.name for x in parties) or "各方当事人"
        body = [f"你们于{_d(d.agreement_date)}经人民调解达成的调解协议（纠纷编号{d.serial}，“{d.title}”）已经生效。"
                f"根据{MEDIATION_LAW}第三十一条，该协议对各方具有法律约束力，各方应当按照约定履行。",
                f"根据{MEDIATION_LAW}第三十三条，经人民调解委员会调解达成调解协议后，双方当事人认为有必要的，"
                f"可以自调解协议生效之日起三十日内（即{_d(due)}前）共同向人民法院申请司法确认。",
                "人民法院依法确认调解协议有效，一方当事人拒绝履行或者未全部履行的，对方当事人可以向人民法院申请强制执行；"
                "人民法院依法确认调解协议无效的，当事人可以通过人民调解方式变更原调解协议或者达成新的调解协议，也可以向人民法院提起诉讼。",
                "申请时请携带调解协议书原件、各方当事人的身份证明，由双方当事人共同到场提出申请。"]
        return self.letter(names, body, self.svc.today())

    # -- package --------------------------------------------------------------------------------
    def closure(self, k: m.CasePackage, progress: list[m.PackageProgress]) -> Report:
        with self.svc.session() as s:
            leader = s.get(m.Leader, k.leader_id)
        g = _Grid()
        g.pair("包案编号", k.serial, "包案领导", f"{leader.name}（{leader.post}）" if leader else "")
        g.wide("包案事项", k.title)
        g.pair("包案日期", _d(k.start_date), "化解时限", _d(k.target_date))
        g.pair("申请销号日期", _d(k.close_request_date), "责任单位", self.name_of(m.Department, k.unit_department_id))
        g.wide("化解工作情况", "\n".join(f"{_d(x.entry_date)} {x.content}（{x.by_whom}）" for x in progress), 4)
        g.wide("责任单位意见", "", 2)
        g.wide("审核意见", k.review_opinion or "", 3)
        g.pair("审核人", k.reviewer or "", "销号日期", _d(k.closed_date))
        sig = Signature(["包案领导（签字）", "审核人（签字）", "日期"], ["", k.reviewer or "", _d(k.closed_date)], per_row=2)
        return self.report(self.doc.key, self.number, [Section(None, [g.table("closure")]), Section(None, [sig])])

    # -- dispatch item --------------------------------------------------------------------------
    def dispatch_order(self, x: m.DispatchItem) -> Report:
        dept = self.name_of(m.Department, x.department_id)
        intro = (f"经{self.svc.township.name}平安建设（综治）工作领导小组月调度研究，下列事项由你单位负责办理。"
                 f"请于{_d(x.deadline)}前办结，并将办理情况书面报送{self.organ()}。")
        g = _Grid()
        g.pair("事项编号", x.serial, "提出日期", _d(x.raised_date))
        g.wide("调度事项", x.title)
        g.wide("具体情况", x.description or "", 3)
        g.pair("责任单位", dept, "完成时限", _d(x.deadline))
        g.wide("办理结果", x.result or "", 4)
        sig = Signature(["交办人", "签收人", "签收日期"], [self._user(self.svc.actor.username), "", ""])
        return self.report(self.doc.key, self.number, [
            Section(None, [Text(f"{dept or '责任单位'}：", intro), g.table("dispatch_order")]), Section(None, [sig])])


@dataclass
class Built:
    """A built document with what printing it must record."""

    report: Report
    key: str
    kind: str
    record_id: str
    personal: list[str]


def build_document(svc: Services, kind: str, ident: str, key: str, *, unmasked: bool = False,
                   issue: bool = False) -> Built:
    """Document `key` for record `ident` (id or serial) of `kind`; `issue` gives it its 文号."""
    key = document_key(key)
    doc = DOCUMENTS[key]
    if kind != doc.kind:
        from ..services.kinds import KINDS

        raise DomainError(f"{doc.title}只能从{KINDS[doc.kind].label}打印")
    rec = svc.get(kind, ident)
    if rec.voided:
        raise DomainError(f"“{ident}”已作废，不能打印{doc.title}")
    if not doc.offered(rec):
        raise DomainError(f"{getattr(rec, 'serial', ident)}当前的办理状态不能打印{doc.title}")
    number = issue_number(svc, key, kind, rec.id) if issue else (existing_number(svc, key, rec.id) or PENDING_NUMBER)
    b = DocumentBuilder(svc, key, unmasked, number)
    kids = svc.children(kind, rec.id) if kind in ("dispute", "package") else {}
    build: dict[str, Callable[[], Report]] = {
        "register": lambda: b.register(rec), "accept_notice": lambda: b.accept_notice(rec),
        "reject_notice": lambda: b.reject_notice(rec), "dispatch": lambda: b.dispatch(rec),
        "reply": lambda: b.reply(rec), "review": lambda: b.review(rec), "recheck": lambda: b.recheck(rec),
        "intake": lambda: b.intake(rec, kids.get("parties", [])),
        "agreement": lambda: b.agreement(rec, kids.get("parties", [])),
        "visits": lambda: b.visits(rec, kids.get("visits", [])),
        "judicial_hint": lambda: b.judicial_hint(rec, kids.get("parties", [])),
        "responsibility": lambda: b.responsibility(rec, kids.get("links", [])),
        "closure": lambda: b.closure(rec, kids.get("progress", [])),
        "dispatch_order": lambda: b.dispatch_order(rec),
    }
    report = build[key]()
    return Built(report, key, kind, rec.id, sorted(b.personal))
