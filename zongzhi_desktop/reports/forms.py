"""Daily print forms from one record: 信访事项登记表, 交办单, 人民调解协议书, 领导包案责任书.

Each form is a Report (grids of label/value cells, text and signature lines) rendered by the same
PDF renderer as the sheets. ID numbers and phones are masked unless the caller asks for them
unmasked and the signed-in role may see them (Perm.VIEW_PERSONAL).
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

from ..domain import models as m
from ..domain import workflows as wf
from ..domain.errors import DomainError
from ..domain.masking import mask_id_number, mask_phone
from ..domain.roles import Perm
from .fonts import glyph_warnings
from .model import Cell, Column, Report, Section, Signature, Table, Text
from .sheets import cn_date

if TYPE_CHECKING:
    from ..services import Services

# form -> (record kind, Chinese title); aliases accepted on the command line.
FORMS: dict[str, tuple[str, str]] = {
    "register": ("petition", "信访事项登记表"),
    "dispatch": ("petition", "信访事项交办单"),
    "agreement": ("dispute", "人民调解协议书"),
    "responsibility": ("package", "领导包案责任书"),
}
ALIASES = {
    "登记表": "register", "登记": "register", "信访事项登记表": "register",
    "交办单": "dispatch", "交办": "dispatch", "信访事项交办单": "dispatch",
    "协议书": "agreement", "调解协议书": "agreement", "人民调解协议书": "agreement",
    "责任书": "responsibility", "包案责任书": "responsibility", "领导包案责任书": "responsibility",
}


def form_name(text: str) -> str:
    """Canonical form name from an English name or a Chinese alias."""
    t = (text or "").strip()
    name = ALIASES.get(t, t)
    if name not in FORMS:
        valid = "、".join(f"{k}({v[1]})" for k, v in FORMS.items())
        raise DomainError(f"未知的表单“{text}”，可用：{valid}")
    return name


def _d(v: date | None) -> str:
    return cn_date(v) if v else ""


class _Grid:
    """A four-column label/value grid (label, value, label, value) with full-width rows."""

    def __init__(self) -> None:
        self.rows: list[list[Cell]] = []
        self.spans: list[tuple[int, int, int, int]] = []

    def pair(self, l1: str, v1: str, l2: str, v2: str) -> None:
        self.rows.append([Cell(l1, shade=True, align="center"), Cell(v1), Cell(l2, shade=True, align="center"), Cell(v2)])

    def wide(self, label: str, value: str, lines: int = 1) -> None:
        """A full-width row; a blank one keeps `lines` lines of room to write in by hand."""
        if not value.strip() and lines > 1:
            value = "\n".join(["\u3000"] * lines)
        r = len(self.rows)
        self.rows.append([Cell(label, shade=True, align="center"), Cell(value), Cell(""), Cell("")])
        self.spans.append((1, r, 3, r))

    def table(self, key: str, title: str | None = None) -> Table:
        cols = [Column("", 1.25), Column("", 2.4), Column("", 1.25), Column("", 2.4)]
        return Table(key, title, cols, self.rows, header=False, spans=self.spans, font_size=10.5, split_rows=True)


class FormBuilder:
    """Loads a record with its labels and builds one form."""

    def __init__(self, svc: Services, unmasked: bool) -> None:
        if unmasked:
            svc.require(Perm.VIEW_PERSONAL, "打印完整身份证号和电话")
        self.svc = svc
        self.unmasked = unmasked

    def ident(self, v: str | None) -> str:
        return (v or "") if self.unmasked else mask_id_number(v)

    def phone(self, v: str | None) -> str:
        return (v or "") if self.unmasked else mask_phone(v)

    def label(self, table: str, code: str | None) -> str:
        return self.svc.codes[table].label_of(code) if code else ""

    def name_of(self, model: Any, rid: str | None, attr: str = "name") -> str:
        if not rid:
            return ""
        with self.svc.session() as s:
            row = s.get(model, rid)
        return getattr(row, attr) if row else ""

    def report(self, form: str, number: str, sections: list[Section]) -> Report:
        title = FORMS[form][1]
        t = self.svc.township
        r = Report(kind=f"form:{form}", title=title, subtitle=f"{t.name}综治中心", number=number,
                   township_codes=[t.code], township_name=t.name, period=None, made_on=self.svc.today().isoformat(),
                   sections=sections, confidential=True, date_label="打印日期")
        r.warnings = glyph_warnings(r.texts())
        return r

    # -- petition ------------------------------------------------------------------------------
    def register(self, p: m.Petition) -> Report:
        g = _Grid()
        g.pair("登记编号", p.serial, "收件日期", _d(p.received_date))
        g.pair("信访形式", self.label("petition_form", p.form), "来源渠道", self.label("petition_route", p.route))
        g.pair("信访人", p.petitioner_name, "身份证号", self.ident(p.id_number))
        g.pair("联系电话", self.phone(p.phone), "所属村(社区)", self.name_of(m.Village, p.village_id))
        g.wide("住址", p.address or "")
        g.pair("来访人数", str(p.headcount or 1), "代表姓名", p.representatives or "")
        g.pair("信访类别", self.label("petition_category", p.category), "事项分类", self.label("petition_subject", p.subject))
        flags = [x for x, on in (("集体访", p.is_group), ("越级访", p.is_skip_level)) if on]
        if p.is_repeat:
            prev = self.name_of(m.Petition, p.repeat_of_id, "serial")
            flags.append(f"重复访（前次：{prev}）" if prev else "重复访")
        g.wide("标记", "、".join(flags) or "无")
        g.wide("信访请求", p.request, 2)
        g.wide("事实", p.facts or "", 3)
        g.wide("理由", p.reasons or "", 3)
        g.pair("受理告知期限", _d(p.accept_deadline), "当前状态", wf.PETITION.states.get(p.status, p.status))
        decision = ""
        if p.decision:
            decision = f"{self.label('acceptance_decision', p.decision)}（{_d(p.decision_date)}）"
        g.pair("受理决定", decision, "办结期限", _d(p.conclude_deadline))
        sig = Signature(["信访人（签名）", "登记人", "登记日期"], ["", self._user(p.created_by), _d(p.received_date)])
        return self.report("register", p.serial, [Section(None, [g.table("register")]), Section(None, [sig])])

    def dispatch(self, p: m.Petition) -> Report:
        if not p.assigned_department_id:
            raise DomainError(f"信访件{p.serial}尚未交办，不能打印交办单（请先办理“交办”）")
        dept = self.name_of(m.Department, p.assigned_department_id)
        t = self.svc.township
        intro = (f"现将{p.petitioner_name}反映的信访事项交由你单位办理。请按照《信访工作条例》的规定，"
                 f"于{_d(p.assign_deadline)}前办结，并将办理结果书面报送{t.name}综治中心（信访办）。"
                 "逾期未办结的，应说明理由并报批延期。")
        g = _Grid()
        g.pair("信访编号", p.serial, "收件日期", _d(p.received_date))
        g.pair("信访人", p.petitioner_name, "联系电话", self.phone(p.phone))
        g.wide("住址", p.address or "")
        g.pair("信访形式", self.label("petition_form", p.form), "事项分类", self.label("petition_subject", p.subject))
        g.wide("信访请求", p.request, 2)
        g.wide("事实和理由", "\n".join(x for x in (p.facts, p.reasons) if x), 3)
        g.pair("承办单位", dept, "交办日期", _d(p.assigned_date))
        g.pair("办结时限", _d(p.assign_deadline), "法定办结期限", _d(p.conclude_deadline))
        g.wide("办理结果", "", 6)
        sig = Signature(["交办人", "签收人", "签收日期"], [self._user(self.svc.actor.username), "", ""])
        return self.report("dispatch", p.serial, [
            Section(None, [Text(f"{dept}：", intro), g.table("dispatch")]), Section(None, [sig])])

    # -- dispute -------------------------------------------------------------------------------
    def agreement(self, d: m.Dispute, parties: list[m.DisputeParty]) -> Report:
        if d.outcome != "success":
            raise DomainError(f"矛盾纠纷{d.serial}尚未调解成功，不能打印调解协议书")
        if d.agreement_form != "written":
            raise DomainError(f"矛盾纠纷{d.serial}为口头协议（人民调解法第二十八条），不制作调解协议书")
        rows = [[Cell(self.label("party_role", x.role), align="center"), Cell(x.name), Cell(self.ident(x.id_number)),
                 Cell(self.phone(x.phone)), Cell(x.address or "")] for x in parties]
        cols = [Column("当事人", 1.1, "center"), Column("姓名", 1.2), Column("身份证号", 2.4), Column("联系电话", 1.6),
                Column("住址", 2.6)]
        committee = self.name_of(m.MediationCommittee, d.committee_id) or "人民调解委员会"
        mediator = self.name_of(m.Mediator, d.mediator_id)
        manner = d.performance_manner or ""
        if d.performance_deadline:
            manner += ("；" if manner else "") + f"履行期限：{_d(d.performance_deadline)}前"
        facts = d.description or d.title
        n_copies = len(parties) + 1
        closing = (f"本协议自各方当事人签名（盖章或按指印）、人民调解员签名并加盖人民调解委员会印章之日起生效，"
                   f"对当事人具有法律约束力，当事人应当按照约定履行（人民调解法第三十一条）。本协议一式{n_copies}份，"
                   "当事人各执一份，人民调解委员会留存一份。当事人可以自本协议生效之日起三十日内共同向人民法院申请司法确认"
                   "（人民调解法第三十三条）。")
        labels = [f"当事人（{self.label('party_role', x.role)}）" for x in parties] + ["人民调解员", "人民调解委员会（盖章）", "日期"]
        values = ["" for _ in parties] + [mediator, "", _d(d.agreement_date)]
        return self.report("agreement", d.serial, [
            Section("一、当事人基本情况", [Table("parties", None, cols, rows, font_size=10, split_rows=True)]),
            Section("二、纠纷主要事实、争议事项", [Text(None, facts)]),
            Section("三、经调解，各方自愿达成如下协议", [Text(None, d.agreement_terms or "")]),
            Section("四、履行方式、时限", [Text(None, manner, min_lines=2)]),
            Section(None, [Text(None, closing), Text(None, f"调解组织：{committee}")]),
            Section(None, [Signature(labels, values, per_row=2)]),
        ])

    # -- package -------------------------------------------------------------------------------
    def responsibility(self, k: m.CasePackage, links: list[m.PackageLink]) -> Report:
        with self.svc.session() as s:
            leader = s.get(m.Leader, k.leader_id)
            linked = []
            for ln in links:
                model = m.Petition if ln.record_kind == "petition" else m.Dispute
                rec: Any = s.get(model, ln.record_id)
                if rec is None:
                    continue
                what = f"{rec.petitioner_name}：{rec.request}" if ln.record_kind == "petition" else rec.title
                states = wf.PETITION.states if ln.record_kind == "petition" else wf.DISPUTE.states
                linked.append([Cell("信访件" if ln.record_kind == "petition" else "矛盾纠纷", align="center"),
                               Cell(rec.serial, refs={ln.record_kind: [rec.id]}), Cell(what),
                               Cell(states.get(rec.status, rec.status))])
        g = _Grid()
        g.wide("包案事项", k.title)
        g.pair("包案领导", f"{leader.name}（{leader.post}）" if leader else "", "领导层级",
               self.label("leader_level", leader.level) if leader else "")
        g.pair("责任单位", self.name_of(m.Department, k.unit_department_id), "责任人", k.staff or "")
        g.pair("包案日期", _d(k.start_date), "化解时限", _d(k.target_date))
        g.pair("挂牌督办", "是" if k.supervised else "否", "积案", "是" if k.is_backlog else "否")
        five = [("包掌握情况", "全面掌握当事人基本情况、诉求和矛盾症结", k.know_situation),
                ("包思想疏导", "面对面做好当事人思想疏导和法治宣传", k.counsel),
                ("包解决问题", "协调有关部门依法依规解决合理诉求", k.solve_problem),
                ("包稳控", "落实稳控措施，防止矛盾激化和越级访", k.stabilise),
                ("包息诉罢访", "做到案结事了、息诉罢访", k.stop_petitioning)]
        five_rows = [[Cell(n, align="center"), Cell(req), Cell("已明确" if on else "待明确", align="center")]
                     for n, req, on in five]
        pledge = ("包案领导对所包案件负总责，亲自阅卷、亲自接访、亲自协调、亲自督办，落实“五包”责任，"
                  f"在化解时限（{_d(k.target_date)}）内化解到位，经审核同意后销号；未按期化解的，应书面说明理由并申请延期。")
        sections = [
            Section(None, [g.table("package")]),
            Section("一、包案案件", [Table("links", None, [Column("类别", 1, "center"), Column("编号", 1.7),
                                                         Column("当事人/事项", 4.2), Column("状态", 1.2)],
                                       linked or [[Cell("（未关联案件）"), Cell(""), Cell(""), Cell("")]], font_size=9.5)]),
            Section("二、“五包”责任", [Table("five", None, [Column("责任", 1.2, "center"), Column("要求", 4.6),
                                                         Column("落实", 1, "center")], five_rows, font_size=9.5)]),
            Section("三、工作方案", [Text(None, k.plan or "", min_lines=2)]),
            Section(None, [Text(None, pledge)]),
            Section(None, [Signature(["包案领导（签字）", "责任单位（盖章）", "日期"], ["", "", _d(k.start_date)], per_row=2)]),
        ]
        return self.report("responsibility", k.serial, sections)

    def _user(self, username: str | None) -> str:
        if not username:
            return ""
        from sqlalchemy import select

        with self.svc.session() as s:
            name = s.execute(select(m.User.display_name).where(m.User.username == username)).scalar_one_or_none()
        return name or username


def build_form(svc: Services, kind: str, ident: str, form: str, *, unmasked: bool = False) -> Report:
    """The print form `form` for the record `ident` (id or serial) of `kind`."""
    form = form_name(form)
    want_kind, title = FORMS[form]
    if kind != want_kind:
        from ..services.kinds import KINDS

        label = KINDS[want_kind].label
        raise DomainError(f"{title}只能从{label}（{want_kind}）打印")
    fb = FormBuilder(svc, unmasked)
    rec = svc.get(kind, ident)
    if rec.voided:
        raise DomainError(f"“{ident}”已作废，不能打印{title}")
    if form == "register":
        return fb.register(rec)
    if form == "dispatch":
        return fb.dispatch(rec)
    kids = svc.children(kind, rec.id)
    if form == "agreement":
        return fb.agreement(rec, kids["parties"])
    return fb.responsibility(rec, kids["links"])
