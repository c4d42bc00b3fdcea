"""Random but reproducible township data entered through the services (every workflow step real).

Dates are drawn around the periods the tests look at, with extra weight on boundaries (Sundays
and Mondays, month and quarter ends), and every kind gets some records voided.
"""

from __future__ import annotations

import random
from datetime import date, timedelta
from typing import Any

from zongzhi_desktop.domain.errors import DomainError
from zongzhi_desktop.services import Services

VILLAGES = [("001", "东村"), ("002", "西村"), ("003", "南社区"), ("004", "北村"), ("005", "䶮溪村")]
DEPARTMENTS = ["派出所", "司法所", "自然资源所", "民政办", "人社所"]
COMMITTEES = ["城关镇人民调解委员会", "东村人民调解委员会"]
LEADERS = [("王书记", "党委书记"), ("李镇长", "镇长"), ("赵副书记", "政法委员")]
TEAMS = [("龙游大妈", "patrol"), ("龙游老兵", "mediation"), ("法治宣传队", "legal_publicity")]
FORMS = ["online", "letter", "call", "fax", "visit"]
SUBJECTS = ["land_demolition", "labour_social", "agriculture", "law_litigation", "other"]
TYPES = ["marriage_family", "neighbour", "house_homestead", "land_contract", "labour", "contract", "other"]
SURNAMES = "张王李赵刘陈杨黄周吴"
GIVEN = ["伟", "芳", "娜", "敏", "静", "强", "磊", "军", "洋", "勇", "𠮷"]


class Gen:
    """Fills a store through `svc` (acting as admin, who may enter and review)."""

    def __init__(self, svc: Services, seed: int, start: date, end: date) -> None:
        self.svc = svc
        self.rnd = random.Random(seed)
        self.start, self.end = start, end
        self.today = svc.today()
        self.villages: list[str] = []
        self.departments: list[str] = []
        self.committees: list[str] = []
        self.leaders: list[str] = []
        self.teams: list[str] = []
        self.volunteers: list[str] = []
        self.anchors: list[date] = []

    # -- helpers ------------------------------------------------------------------------------
    def day(self) -> date:
        """A date in [start, end], half of the time right at a boundary anchor."""
        anchors = [a for a in self.anchors if a <= self.today]
        if anchors and self.rnd.random() < 0.5:
            return self.rnd.choice(anchors)
        return self.start + timedelta(days=self.rnd.randrange((self.end - self.start).days + 1))

    def after(self, d: date, lo: int, hi: int) -> date | None:
        """A date lo..hi days after d that is not in the future (None if impossible)."""
        x = d + timedelta(days=self.rnd.randint(lo, hi))
        return x if x <= self.today else None

    def name(self) -> str:
        return self.rnd.choice(SURNAMES) + self.rnd.choice(GIVEN) + self.rnd.choice(GIVEN[:-1])

    def act(self, kind: str, rid: str, action: str, data: dict[str, Any]) -> bool:
        try:
            self.svc.act(kind, rid, action, data)
            return True
        except DomainError:
            return False

    # -- reference data -----------------------------------------------------------------------
    def reference(self) -> None:
        code = self.svc.township.code
        for suffix, name in VILLAGES:
            self.villages.append(self.svc.create("village", {"code": code + suffix, "name": name}).record.id)
        for name in DEPARTMENTS:
            self.departments.append(self.svc.create("department", {"name": name}).record.id)
        for name in COMMITTEES:
            self.committees.append(self.svc.create("committee", {"name": name}).record.id)
        for name, post in LEADERS:
            self.leaders.append(self.svc.create("leader", {"name": name, "post": post}).record.id)
        for name, typ in TEAMS:
            self.teams.append(self.svc.create("team", {"name": name, "type": typ,
                                                       "village_id": self.rnd.choice(self.villages)}).record.id)
        for _ in range(12):
            v = self.svc.create("volunteer", {"name": self.name(), "teams": [{"team_id": self.rnd.choice(self.teams)}]})
            self.volunteers.append(v.record.id)

    # -- records ------------------------------------------------------------------------------
    def petition(self) -> str:
        d = self.day()
        head = self.rnd.choice([1, 1, 1, 2, 5, 7])
        data: dict[str, Any] = {
            "received_date": d.isoformat(), "form": self.rnd.choice(FORMS), "petitioner_name": self.name(),
            "category": self.rnd.choice(["suggestion", "complaint", "claim"]), "subject": self.rnd.choice(SUBJECTS),
            "request": "要求解决" + self.rnd.choice(["拖欠工资", "宅基地界线", "征地补偿", "低保资格", "噪音扰民"]) + "问题",
            "headcount": head, "is_skip_level": self.rnd.random() < 0.15,
        }
        if self.rnd.random() < 0.8:
            data["village_id"] = self.rnd.choice(self.villages)
        if head >= 5:
            data["representatives"] = "、".join(self.name() for _ in range(3))
        rec = self.svc.create("petition", data).record
        rid = rec.id
        if self.rnd.random() < 0.15:
            return rid
        dd = self.after(d, 0, 22)
        if dd is None:
            return rid
        decision = "accept" if self.rnd.random() < 0.85 else "reject"
        if not self.act("petition", rid, "accept", {"decision_date": dd.isoformat(), "decision": decision,
                                                     "decision_reason": "不属于受理范围" if decision == "reject" else None}):
            return rid
        if decision != "accept":
            return rid
        if self.rnd.random() < 0.7:
            ad = self.after(dd, 0, 5)
            if ad:
                self.act("petition", rid, "assign", {"assigned_date": ad.isoformat(),
                                                     "assigned_department_id": self.rnd.choice(self.departments)})
        if self.rnd.random() < 0.2:
            ed = self.after(dd, 10, 50)
            if ed:
                self.act("petition", rid, "extend", {"extension_date": ed.isoformat(), "extension_days": self.rnd.randint(5, 30),
                                                     "extension_reason": "情况复杂", "extension_approver": "李镇长"})
        if self.rnd.random() < 0.15:
            return rid
        rd = self.after(dd, 3, 85)
        if rd is None:
            return rid
        level = self.rnd.choice(["village", "village", "township", "county", None])
        ok = self.act("petition", rid, "reply", {"reply_date": rd.isoformat(),
                                                 "reply_result": self.rnd.choice(["support", "explain", "not_support"]),
                                                 "resolution_level": level})
        if ok and self.rnd.random() < 0.6:
            rt = self.after(rd, 0, 20)
            if rt:
                self.act("petition", rid, "rate", {"rating_date": rt.isoformat(),
                                                   "rating": self.rnd.choice(["satisfied", "basically", "unsatisfied"])})
        return rid

    def dispute(self) -> str:
        d = self.day()
        data: dict[str, Any] = {
            "title": self.rnd.choice(["宅基地边界", "邻里噪音", "婚姻家庭财产", "土地承包", "工资拖欠"]) + "纠纷",
            "found_date": d.isoformat(), "source": self.rnd.choice(["grid_screening", "mass_visit", "police_110"]),
            "type": self.rnd.choice(TYPES), "risk_level": self.rnd.choice(["low", "low", "medium", "high"]),
            "homicide_risk": self.rnd.random() < 0.2,
            "parties": [{"name": self.name(), "role": "applicant", "id_number": "110101199003074477",
                         "phone": "13812345678"},
                        {"name": self.name(), "role": "respondent"}],
        }
        if self.rnd.random() < 0.85:
            data["village_id"] = self.rnd.choice(self.villages)
        rid = self.svc.create("dispute", data).record.id
        ad = self.after(d, 0, 4)
        if ad is None or self.rnd.random() < 0.1 or not self.act("dispute", rid, "accept", {"accepted_date": ad.isoformat()}):
            return rid
        sd = self.after(ad, 0, 5)
        if sd is None or self.rnd.random() < 0.1:
            return rid
        start = {"mediation_start_date": sd.isoformat(), "route": "people"}
        if self.rnd.random() < 0.8:
            start["committee_id"] = self.rnd.choice(self.committees)
        if not self.act("dispute", rid, "start_mediation", start):
            return rid
        if self.rnd.random() < 0.2:
            return rid
        ed = self.after(sd, 0, 45)
        if ed is None:
            return rid
        if self.rnd.random() < 0.75:
            self.act("dispute", rid, "succeed", {
                "mediation_end_date": ed.isoformat(), "agreement_form": "written",
                "agreement_terms": "被申请人于协议签订后十日内赔偿申请人损失人民币三千元。", "performance_manner": "现金支付",
                "performance_deadline": (ed + timedelta(days=10)).isoformat(),
                "resolution_level": self.rnd.choice(["village", "village", "township", "county"])})
        else:
            self.act("dispute", rid, "fail", {"mediation_end_date": ed.isoformat(), "failure_reason": "双方分歧较大"})
        return rid

    def package(self, links: list[tuple[str, str]]) -> str:
        d = self.day()
        target = d + timedelta(days=self.rnd.randint(10, 90))
        data: dict[str, Any] = {
            "title": self.rnd.choice(["征地补偿积案", "重复访化解", "劳资纠纷包案"]) + f"{self.rnd.randint(1, 99)}号",
            "leader_id": self.rnd.choice(self.leaders), "start_date": d.isoformat(), "target_date": target.isoformat(),
            "unit_department_id": self.rnd.choice(self.departments), "is_backlog": self.rnd.random() < 0.4,
            "supervised": self.rnd.random() < 0.3, "know_situation": True, "counsel": self.rnd.random() < 0.5,
            "links": [{"record_kind": k, "record_id": i} for k, i in links],
        }
        rid = self.svc.create("package", data).record.id
        for _ in range(self.rnd.randint(0, 3)):
            pd = self.after(d, 0, 60)
            if pd:
                try:
                    self.svc.add_child("package", rid, "progress", {"entry_date": pd.isoformat(),
                                                                   "content": "走访当事人，做思想疏导工作", "by_whom": "张干事"})
                except DomainError:
                    pass
        if self.rnd.random() < 0.2:
            xd = self.after(d, 5, 40)
            if xd:
                self.act("package", rid, "extend", {"extension_date": xd.isoformat(),
                                                    "target_date": (target + timedelta(days=30)).isoformat(),
                                                    "extension_reason": "当事人外出"})
        if self.rnd.random() < 0.6:
            rq = self.after(d, 3, 100)
            if rq and self.act("package", rid, "request_close", {"close_request_date": rq.isoformat()}):
                cd = self.after(rq, 0, 10)
                if cd and self.rnd.random() < 0.85:
                    self.act("package", rid, "approve_close", {"closed_date": cd.isoformat(), "reviewer": "王书记"})
                elif cd:
                    self.act("package", rid, "return", {"return_date": cd.isoformat(), "reviewer": "王书记",
                                                        "review_opinion": "化解不彻底"})
        return rid

    def dispatch(self) -> str:
        d = self.day()
        rid = self.svc.create("dispatch", {
            "title": self.rnd.choice(["征地补偿资金未到位", "调解员不足", "监控盲区整改"]), "raised_date": d.isoformat(),
            "department_id": self.rnd.choice(self.departments),
            "deadline": (d + timedelta(days=self.rnd.randint(3, 40))).isoformat()}).record.id
        if self.rnd.random() < 0.6:
            dd = self.after(d, 0, 50)
            if dd:
                self.act("dispatch", rid, "complete", {"done_date": dd.isoformat(), "result": "已协调解决"})
        return rid

    def activity(self) -> str:
        d = self.day()
        parts = [{"volunteer_id": v, "hours": self.rnd.choice([1, 1.5, 2, 3])}
                 for v in self.rnd.sample(self.volunteers, self.rnd.randint(0, 4))]
        data: dict[str, Any] = {
            "activity_date": d.isoformat(), "team_id": self.rnd.choice(self.teams), "type": "patrol", "place": "村委会",
            "content": "夜间巡逻", "hazards_found": self.rnd.randint(0, 3), "disputes_resolved": self.rnd.randint(0, 2),
            "people_served": self.rnd.randint(0, 40), "participants": parts,
        }
        if self.rnd.random() < 0.6:
            data["village_id"] = self.rnd.choice(self.villages)
        return self.svc.create("activity", data).record.id

    def keyperson(self, workers: list[str]) -> str:
        """A key person (重点人员) with visits at about the cadence, some late, some raising the risk;
        some released, some of those resumed."""
        categories = list(self.svc.codes["key_person_category"].items)
        registered = self.day()
        rec = self.svc.create("keyperson", {
            "name": self.name(), "village_id": self.rnd.choice(self.villages),
            "category": self.rnd.choice(categories), "risk_level": self.rnd.choice(["low", "medium", "high"]),
            "grid_worker_id": self.rnd.choice(workers), "registered_date": registered}).record
        day = registered
        released = False
        while (day := self.after(day, 10, 75)) is not None:
            if not released and self.rnd.random() < 0.08:
                released = self.act("keyperson", rec.id, "release", {
                    "released_date": day, "release_reason": "稳控期满", "release_approver": "李主任"})
            elif released and self.rnd.random() < 0.3:
                released = not self.act("keyperson", rec.id, "resume", {"resume_date": day, "resume_reason": "复发"})
            elif not released:
                self.svc.add_child("keyperson", rec.id, "visits", {
                    "visit_date": day, "visitor": "网格员", "situation": "走访",
                    "risk_after": self.rnd.choice([None, "low", "medium", "high"])})
        return rec.id

    def fill(self, n: int) -> dict[str, list[str]]:
        """About n records of each main kind; a few of each voided."""
        self.reference()
        ids: dict[str, list[str]] = {"petition": [], "dispute": [], "package": [], "dispatch": [], "activity": []}
        for _ in range(n):
            ids["petition"].append(self.petition())
            ids["dispute"].append(self.dispute())
            ids["activity"].append(self.activity())
        for _ in range(max(1, n // 3)):
            ids["dispatch"].append(self.dispatch())
            links = [("petition", self.rnd.choice(ids["petition"]))] if ids["petition"] else []
            ids["package"].append(self.package(links))
        # 重点人员 (the register needs the grant; one category with its own cadence setting).
        self.svc.set_grant(self.svc.actor.username, "view_keyperson", True)
        self.svc.set_setting("cadence.alone", "20/40")
        grid = self.svc.create("grid", {"village_id": self.villages[0], "name": "第一网格"}).record.id
        workers = [self.svc.create("grid_worker", {"grid_id": grid, "name": w}).record.id for w in ("甲网格", "乙网格")]
        main, self.rnd = self.rnd, random.Random(18)  # the other kinds' data stays as it was
        ids["keyperson"] = [self.keyperson(workers) for _ in range(max(1, n // 2))]
        self.rnd = main
        for kind, rows in ids.items():
            for rid in self.rnd.sample(rows, max(1, len(rows) // 12)):
                self.svc.void(kind, rid, "录入错误")
        return ids
