"""包案台账 and 志愿服务台账: generated ledgers imported end to end (counts, states, dates, deadlines,
refusals, status history, idempotence, undo)."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import pytest
from openpyxl import Workbook
from sqlalchemy import func, select

from zongzhi_desktop.domain import models as m
from zongzhi_desktop.ledger.importer import commit_import, plan_import, undo_import
from zongzhi_desktop.ledger.mapping import Mapping, suggest_columns
from zongzhi_desktop.store import search_index, status_history

from .samples import VILLAGES


@pytest.fixture
def township(admin):
    for code, name in VILLAGES:
        admin.create("village", {"code": code, "name": name})
    admin.create("leader", {"name": "王书记", "post": "党委书记", "level": "township"})
    admin.create("leader", {"name": "李镇长", "post": "镇长", "level": "township"})
    admin.create("department", {"name": "司法所", "kind": "justice"})
    team = admin.create("team", {"name": "龙游大妈", "type": "patrol"}).record
    admin.create("team", {"name": "龙游老兵", "type": "mediation"})
    for name in ("张阿姨", "刘大姐", "陈老伯"):
        admin.create("volunteer", {"name": name, "teams": [{"team_id": team.id}]})
    return admin


def package_workbook(path: Path, linked: str = "JF-2025-000001") -> Path:
    """A 包案台账 as a clerk keeps it: title and 填报单位 rows, free-text states, dates in several
    spellings, a 五包 tick column, a 小计 row and rows that must be refused."""
    wb = Workbook()
    ws = wb.active
    ws.title = "2025年包案"
    ws.append(["湖镇镇2025年领导包案台账"])
    ws.append(["填报单位：湖镇镇综治中心", None, None, None, "填报人：王五"])
    ws.append(["序号", "包案事项", "包案领导", "责任单位", "责任人", "包案日期", "化解时限", "化解措施", "包稳控",
               "挂牌督办", "销号情况", "销号日期", "审核人", "工作进展", "关联案件"])
    rows = [
        # 4 closed (已化解 = 已销号): 申请销号 inferred from the 销号 date
        [1, "城东村宅基地积案", "王书记", "司法所", "小刘", datetime(2025, 2, 1), "2025-04-30", "逐户走访",
         "是", "是", "已化解", "2025.4.10", "王书记", "3月已签协议", f"{linked}、{linked}"],
        # 5 still in progress: open, its deadline is the target date
        [2, "河西社区征地补偿", "李镇长", None, "小陈", "2025年3月1日", "2025年6月30日", None, "否", None,
         "包案中", None, None, None],
        # 6 a leader nobody registered -> refused (listed as an unknown value)
        [3, "某企业欠薪", "赵县长", None, None, "2025-03-05", "2025-05-05", None, None, None, "包案中", None, None, None],
        # 7 target date before the start -> refused by the form's rule
        [4, "邻里通道纠纷", "王书记", None, None, "2025-05-01", "2025-04-01", None, None, None, None, None, None, None],
        # 8 销号 without a reviewer: the mapping's fixed value fills it in
        [5, "山林权属", "李镇长", None, None, "2025-01-10", "2025-03-10", None, None, None, "销号", "2025-03-01",
         None, None],
        # 9 申请销号 with no date of its own -> the 销号 date column is empty, state given: refused
        [6, "水利设施", "王书记", None, None, "2025-06-01", "2025-09-01", None, None, None, "已销号", None, None, None],
        # 10 a linked case number that is in no store -> refused
        [7, "道路占用", "王书记", None, None, "2025-06-05", "2025-08-01", None, None, None, None, None, None, None,
         "XF-2025-999999"],
        ["小计", None, None, None, None, None, None, None, None, None, None, None, None, "6件"],
    ]
    for r in rows:
        ws.append(r)
    wb.save(path)
    return path


def activity_workbook(path: Path) -> Path:
    wb = Workbook()
    ws = wb.active
    ws.title = "2025年"
    ws.append(["湖镇镇2025年平安志愿服务活动台账"])
    ws.append(["序号", "活动日期", "服务队", "服务类型", "活动地点", "活动内容", "村居", "参与志愿者",
               "服务时长(小时)", "发现隐患数", "化解纠纷数", "服务人次"])
    rows = [
        [1, "2025.5.1", "龙游大妈", "治安巡逻", "城东村", "五一节日巡逻", "城东村", "张阿姨、刘大姐", 2.5, 3, None, 40],
        [2, "5月20日", "龙游老兵", "矛盾调解", "河西社区", "调解邻里纠纷", "河西社区", "陈老伯", "1", None, 1, None],
        # a volunteer nobody registered -> refused, the row's other participants do not come in alone
        [3, "2025-06-01", "龙游大妈", "普法", "城东村", "法治宣传", None, "张阿姨、孙大爷", 2, None, None, 100],
        # negative count -> refused by the form's minimum
        [4, "2025-06-02", "龙游大妈", "帮扶", "城东村", "走访慰问", None, "刘大姐", 1, -1, None, None],
        # a team nobody registered -> refused
        [5, "2025-06-03", "夕阳红队", "巡防", "城东村", "巡逻", None, None, None, None, None, None],
        ["合计", None, None, None, None, None, None, None, None, None, None, None],
    ]
    for r in rows:
        ws.append(r)
    wb.save(path)
    return path


def _count(svc, model, *where) -> int:
    with svc.session() as s:
        return s.execute(select(func.count()).select_from(model).where(*where)).scalar_one()


def test_package_ledger_states_dates_deadlines_and_refusals(township, clerk, reviewer, tmp_path):
    dispute = township.create("dispute", {"title": "宅基地纠纷", "found_date": "2025-01-20", "source": "主动调解",
                                          "type": "房屋宅基地"}).record
    book = package_workbook(tmp_path / "包案台账.xlsx", dispute.serial)
    headers = ["包案事项", "包案领导", "责任单位", "责任人", "包案日期", "化解时限", "化解措施", "包稳控", "挂牌督办",
               "销号情况", "销号日期", "审核人", "工作进展"]
    columns = suggest_columns("package", headers)
    assert columns["销号情况"] == "state" and columns["工作进展"] == "progress" and columns["包稳控"] == "stabilise"
    mapping = Mapping("package", columns, defaults={"reviewer": "李主任"})
    plan = plan_import(clerk, "package", book, mapping=mapping)
    assert plan.rows_read == 8 and dict(plan.skipped) == {"subtotal": 1}
    assert len(plan.prepared) == 3 and plan.refused_rows == 4
    by_row = {e.row: e for e in plan.errors}
    assert (by_row[6].column, by_row[6].rule, by_row[6].value) == ("包案领导", "ref", "赵县长")
    assert (by_row[7].column, by_row[7].rule) == ("化解时限", "date_order")
    assert (by_row[9].column, by_row[9].rule) == ("销号日期", "required")
    assert (by_row[10].column, by_row[10].rule, by_row[10].value) == ("关联案件", "ref", "XF-2025-999999")
    assert [(u.field, u.text) for u in plan.unknown] == [("leader_id", "赵县长")]

    result = commit_import(clerk, plan, valid_only=True)
    assert (result.imported, result.parties, result.events) == (3, 1, 3 + 2 + 2)
    with clerk.session() as s:
        pk = {p.title: p for p in s.execute(select(m.CasePackage)).scalars()}
        closed = pk["城东村宅基地积案"]
        assert (closed.status, closed.start_date, closed.target_date, closed.closed_date, closed.close_request_date) == (
            "closed", date(2025, 2, 1), date(2025, 4, 30), date(2025, 4, 10), date(2025, 4, 10))
        assert closed.reviewer == "王书记" and closed.stabilise and closed.supervised and not closed.counsel
        assert closed.plan == "逐户走访；工作进展：3月已签协议" and closed.next_deadline is None
        assert closed.serial.startswith("BA-2025-")
        links = s.execute(select(m.PackageLink.record_kind, m.PackageLink.record_id)
                          .where(m.PackageLink.package_id == closed.id)).all()
        assert links == [("dispute", dispute.id)]  # named twice in the cell, linked once
        leader = s.execute(select(m.Leader).where(m.Leader.name == "王书记")).scalar_one()
        dept = s.execute(select(m.Department)).scalar_one()
        assert (closed.leader_id, closed.unit_department_id) == (leader.id, dept.id)
        open_pk = pk["河西社区征地补偿"]
        assert (open_pk.status, open_pk.next_deadline, open_pk.next_deadline_kind) == (
            "in_progress", date(2025, 6, 30), "化解时限")
        assert pk["山林权属"].reviewer == "李主任"  # the mapping's fixed value
        events = s.execute(select(m.WorkflowEvent.action, m.WorkflowEvent.event_date, m.WorkflowEvent.note)
                           .where(m.WorkflowEvent.record_id == closed.id)).all()
        assert [(a, d) for a, d, _n in events] == [
            ("register", date(2025, 2, 1)), ("request_close", date(2025, 4, 10)), ("approve_close", date(2025, 4, 10))]
        assert "推定" in events[1][2]
        assert status_history.check(s.connection()) == []
        conn = s.connection()
        cond, params = search_index.term_condition("case_package", "宅基地积案", "p.rowid")
        hits = conn.exec_driver_sql(f"SELECT p.title FROM case_package p WHERE {cond}", tuple(params)).scalars().all()
        assert hits == ["城东村宅基地积案"]  # the search rows were written with the batch
        objects = conn.exec_driver_sql("SELECT type, name FROM sqlite_master").all()
        assert search_index.missing_objects([tuple(o) for o in objects]) == []  # triggers back in place
        open_on = {r[0] for r in status_history.open_on(s.connection(), "package", date(2025, 3, 15))}
        assert open_on == {closed.id, open_pk.id}  # 山林权属 was closed on 1 March

    again = plan_import(clerk, "package", book, mapping=mapping)
    assert again.skipped["already_imported"] == 3 and not again.prepared
    assert undo_import(reviewer, result.batch_id, "导错了") == 3
    assert _count(clerk, m.CasePackage, m.CasePackage.voided.is_(False)) == 0


def test_activity_ledger_participants_hours_and_refusals(township, clerk, reviewer, tmp_path):
    book = activity_workbook(tmp_path / "志愿服务台账.xlsx")
    plan = plan_import(clerk, "activity", book)  # mapping suggested from the headers
    assert plan.rows_read == 6 and dict(plan.skipped) == {"subtotal": 1}
    assert len(plan.prepared) == 2 and plan.refused_rows == 3
    by_row = {e.row: e for e in plan.errors}
    assert (by_row[5].column, by_row[5].rule) == ("参与志愿者", "ref")
    assert (by_row[6].column, by_row[6].rule, by_row[6].value) == ("发现隐患数", "minimum", "-1")
    assert (by_row[7].column, by_row[7].rule, by_row[7].value) == ("服务队", "ref", "夕阳红队")

    result = commit_import(clerk, plan, valid_only=True)
    assert (result.imported, result.parties, result.events) == (2, 3, 0)
    with clerk.session() as s:
        acts = {a.content: a for a in s.execute(select(m.Activity)).scalars()}
        patrol = acts["五一节日巡逻"]
        assert (patrol.activity_date, patrol.type, patrol.hazards_found, patrol.disputes_resolved,
                patrol.people_served) == (date(2025, 5, 1), "patrol", 3, 0, 40)
        assert patrol.serial.startswith("HD-2025-")
        mediation = acts["调解邻里纠纷"]
        assert (mediation.activity_date, mediation.type) == (date(2025, 5, 20), "mediation")  # year from the title
        hours = s.execute(select(m.Volunteer.name, m.ActivityParticipant.hours)
                          .join(m.Volunteer, m.Volunteer.id == m.ActivityParticipant.volunteer_id)
                          .where(m.ActivityParticipant.activity_id == patrol.id)).all()
        assert sorted(hours) == [("刘大姐", 2.5), ("张阿姨", 2.5)]
        cond, params = search_index.term_condition("activity", "节日巡逻", "a.rowid")
        hits = s.connection().exec_driver_sql(f"SELECT a.content FROM activity a WHERE {cond}",
                                              tuple(params)).scalars().all()
        assert hits == ["五一节日巡逻"]
    assert plan_import(clerk, "activity", book).skipped["already_imported"] == 2
    assert undo_import(reviewer, result.batch_id, "重复导入") == 2
    assert _count(clerk, m.ActivityParticipant, m.ActivityParticipant.voided.is_(False)) == 0
    assert _count(clerk, m.Activity, m.Activity.voided.is_(True)) == 2


def test_assignment_columns_become_the_assign_step(township, clerk, tmp_path):
    """交办单位 / 交办日期 / 交办时限 in a 信访台账: the 交办 step, dated as the ledger says, with the
    deadlines it sets, between 受理 and 答复."""
    wb = Workbook()
    ws = wb.active
    ws.title = "2025年"
    ws.append(["湖镇镇2025年信访台账"])
    ws.append(["序号", "来访日期", "信访人", "信访形式", "信访类别", "反映问题", "受理日期", "交办单位", "交办日期",
               "交办时限", "办理情况", "办结日期", "处理意见"])
    rows = [
        [1, "2025-03-01", "马六", "来访", "申诉求决类", "拖欠工资", "2025-03-03", "司法所", "2025-03-05", "2025-04-15",
         "已办结", "2025-04-10", "支持"],
        [2, "2025-03-02", "牛七", "来信", "建议意见类", "修缮村道", "2025-03-04", "司法所", "2025.3.6", None,
         "已交办", None, None],
        [3, "2025-03-03", "杨八", "来访", "申诉求决类", "土地补偿", None, "司法所", None, None, None, None, None],
        # 交办 before the acceptance decision -> refused by the 交办 step's rule
        [4, "2025-03-04", "吕十", "来访", "申诉求决类", "占道", "2025-03-10", "司法所", "2025-03-08", None, None, None, None],
        # a department nobody registered -> refused
        [5, "2025-03-05", "何九", "来访", "申诉求决类", "噪音", "2025-03-06", "城管中队", "2025-03-07", None, None, None, None],
        # the unit's deadline past the statutory 60 days -> refused
        [6, "2025-03-06", "朱一", "来电", "申诉求决类", "停水", "2025-03-06", "司法所", "2025-03-07", "2025-06-30",
         None, None, None],
        # 不予受理 yet assigned -> a contradiction, refused
        [7, "2025-03-07", "秦二", "来访", "申诉求决类", "重复诉求", "2025-03-08", "司法所", "2025-03-09", None,
         "不予受理", None, None],
    ]
    for r in rows:
        ws.append(r)
    book = tmp_path / "信访台账.xlsx"
    wb.save(book)
    plan = plan_import(clerk, "petition", book, mapping=Mapping("petition", defaults={"decision_reason": "同一事项"}))
    assert len(plan.prepared) == 3 and plan.refused_rows == 4
    by_row = {e.row: e for e in plan.errors}
    assert (by_row[6].column, by_row[6].rule) == ("交办日期", "date_order")
    assert (by_row[7].column, by_row[7].rule, by_row[7].value) == ("交办单位", "ref", "城管中队")
    assert (by_row[8].column, by_row[8].rule) == ("交办时限", "deadline")
    assert (by_row[9].column, by_row[9].rule) == ("办理情况", "state_conflict")
    commit_import(clerk, plan, valid_only=True)
    with clerk.session() as s:
        dept = s.execute(select(m.Department)).scalar_one()
        pets = {p.petitioner_name: p for p in s.execute(select(m.Petition)).scalars()}
        done = pets["马六"]
        assert (done.status, done.assigned_department_id, done.assigned_date, done.assign_deadline, done.reply_date) == (
            "replied", dept.id, date(2025, 3, 5), date(2025, 4, 15), date(2025, 4, 10))
        events = s.execute(select(m.WorkflowEvent.action, m.WorkflowEvent.event_date)
                           .where(m.WorkflowEvent.record_id == done.id)).all()
        assert events == [("register", date(2025, 3, 1)), ("accept", date(2025, 3, 3)), ("assign", date(2025, 3, 5)),
                          ("reply", date(2025, 4, 10))]
        open_one = pets["牛七"]
        assert (open_one.status, open_one.assigned_date, open_one.conclude_deadline, open_one.assign_deadline,
                open_one.next_deadline) == ("assigned", date(2025, 3, 6), date(2025, 5, 3), date(2025, 5, 3),
                                            date(2025, 5, 3))  # the unit's deadline defaults to the statutory one
        inferred = pets["杨八"]  # no dates: accepted and assigned on the day received, and the events say so
        assert (inferred.status, inferred.decision_date, inferred.assigned_date) == (
            "assigned", date(2025, 3, 3), date(2025, 3, 3))
        notes = s.execute(select(m.WorkflowEvent.note).where(m.WorkflowEvent.record_id == inferred.id,
                                                              m.WorkflowEvent.action == "assign")).scalar_one()
        assert "推定" in notes
        assert status_history.check(s.connection()) == []
        assigned_on = {r[0] for r in status_history.open_on(s.connection(), "petition", date(2025, 3, 20))}
        assert {done.id, open_one.id, inferred.id} <= assigned_on
