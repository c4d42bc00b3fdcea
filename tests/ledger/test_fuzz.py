"""Hypothesis fuzzes ledger cells: no unhandled exception, and nothing is stored when an import is refused."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from sqlalchemy import func, select

from zongzhi_desktop.domain import models as m
from zongzhi_desktop.domain.errors import DomainError
from zongzhi_desktop.ledger.importer import commit_import, plan_import
from zongzhi_desktop.ledger.report import write_error_report
from zongzhi_desktop.ledger.values import CellProblem, parse_date, parse_id_number

from .samples import VILLAGES

HEADER = ["序号", "当事人姓名", "身份证号", "联系电话", "村居", "纠纷类型", "纠纷来源", "排查日期", "化解情况", "化解日期",
          "调解途径", "协议形式", "化解层级", "涉及人数", "涉及金额"]

cell = st.one_of(
    st.none(),
    st.text(max_size=30),
    st.sampled_from(["2025-03-05", "2025.3", "3月5日", "已化解", "调解中", "小计", "城东村", "邻里", "1.10101E+17",
                     "330825198503121239", "张三、李四", "=1+1", "nan", "inf", "-1", "0", "9" * 40]),
    st.integers(min_value=-10**20, max_value=10**20),
    st.floats(allow_nan=True, allow_infinity=True),
    st.booleans(),
    st.dates(min_value=date(1800, 1, 1), max_value=date(2200, 1, 1)),
    st.datetimes(min_value=datetime(1800, 1, 1), max_value=datetime(2200, 1, 1)),
)

# A valid row; each cell is kept or replaced by a fuzzed value, so some rows import and some do not.
VALID = ["1", "张三、李四", "330825198503121239", "13800000001", "城东村", "邻里", "网格员排查", "2025-03-05", "已化解",
         "2025-03-20", "人民调解", "口头协议", "村级", "2", "100"]
row = st.tuples(*[st.one_of(st.just(v), cell) for v in VALID]).map(list)


@given(cell, st.one_of(st.none(), st.integers(1900, 2100)))
def test_parse_date_never_crashes(value, year):
    try:
        parse_date(value, year)
    except CellProblem as p:
        assert p.message and p.rule


@given(cell)
def test_parse_id_never_crashes(value):
    try:
        out = parse_id_number(value)
    except CellProblem as p:
        assert p.message and p.rule
    else:
        assert out is None or isinstance(out, str)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(row, min_size=1, max_size=6))
def test_fuzzed_ledger_never_crashes_and_refusal_stores_nothing(admin, tmp_path_factory, rows):
    with admin.session() as s:
        if not s.execute(select(m.Village)).first():
            for code, name in VILLAGES:
                admin.create("village", {"code": code, "name": name})
    path = Path(tmp_path_factory.mktemp("fuzz")) / "台账.xlsx"
    wb = Workbook()
    ws = wb.active
    ws.append(["2025年矛盾纠纷台账"])
    ws.append(HEADER)
    for r in rows:
        # Control characters cannot be stored in an .xlsx cell.
        ws.append([ILLEGAL_CHARACTERS_RE.sub("", v) if isinstance(v, str) else v for v in r])
    wb.save(path)

    def counts():
        with admin.session() as s:
            return (s.execute(select(func.count()).select_from(m.Dispute)).scalar_one(),
                    s.execute(select(func.count()).select_from(m.AuditEntry)).scalar_one())

    before = counts()
    try:
        plan = plan_import(admin, "dispute", path)
    except DomainError:
        assert counts() == before
        return
    write_error_report(plan, path.with_name("错误报告.xlsx"))
    if plan.errors:
        try:
            commit_import(admin, plan)
        except DomainError:
            assert counts() == before
        else:
            raise AssertionError("an import with refused rows must not store anything")
    result = commit_import(admin, plan, valid_only=True)
    after = counts()
    assert after[0] == before[0] + result.imported
    assert after[1] == before[1] + (1 if result.imported else 0)


def test_the_valid_fuzz_row_imports(admin, tmp_path):
    """The template the fuzzer mutates is itself a clean row (so the fuzzer reaches the insert path)."""
    for code, name in VILLAGES:
        admin.create("village", {"code": code, "name": name})
    wb = Workbook()
    wb.active.append(HEADER)
    wb.active.append(VALID)
    wb.save(tmp_path / "t.xlsx")
    plan = plan_import(admin, "dispute", tmp_path / "t.xlsx")
    assert not plan.errors and commit_import(admin, plan).imported == 1


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.one_of(st.binary(max_size=400),
                 st.lists(st.lists(cell.map(lambda v: "" if v is None else str(v)), min_size=1, max_size=8),
                          max_size=8).map(lambda rows: "\n".join(",".join(r) for r in rows).encode("gb18030", "replace"))))
def test_fuzzed_csv_bytes_never_crash(admin, tmp_path_factory, data):
    path = Path(tmp_path_factory.mktemp("csv")) / "台账.csv"
    path.write_bytes(b"\xd0\xf2\xba\xc5,\xd0\xd5\xc3\xfb,\xc5\xc5\xb2\xe9\xc8\xd5\xc6\xda\n" + data)  # 序号,姓名,排查日期 in GBK
    try:
        plan = plan_import(admin, "dispute", path)
    except DomainError:
        return
    write_error_report(plan, path.with_suffix(".xlsx"))


# The other kinds: a valid template row per kind (with 交办 columns on the petition ledger), fuzzed the same way.
KIND_LEDGERS = {
    "package": (["序号", "包案事项", "包案领导", "责任单位", "包案日期", "化解时限", "包稳控", "销号情况", "销号日期",
                 "审核人", "关联案件"],
                ["1", "宅基地积案", "王书记", "司法所", "2025-02-01", "2025-04-30", "是", "已销号", "2025-04-10",
                 "王书记", None]),
    "activity": (["序号", "活动日期", "服务队", "活动类型", "活动地点", "活动内容", "村居", "参与志愿者", "服务时长",
                  "发现隐患数", "服务人次"],
                 ["1", "2025-05-01", "龙游大妈", "治安巡逻", "城东村", "节日巡逻", "城东村", "张阿姨", "2", "1", "30"]),
    "petition": (["序号", "来访日期", "信访人", "信访形式", "信访类别", "反映问题", "受理日期", "交办单位", "交办日期",
                  "交办时限", "办理情况", "办结日期", "处理意见"],
                 ["1", "2025-03-01", "马六", "来访", "申诉求决类", "拖欠工资", "2025-03-03", "司法所", "2025-03-05",
                  "2025-04-15", "已办结", "2025-04-10", "支持"]),
}
MODELS = {"package": m.CasePackage, "activity": m.Activity, "petition": m.Petition}


def _reference_data(admin) -> None:  # type: ignore[no-untyped-def]
    with admin.session() as s:
        if s.execute(select(m.Leader)).first():
            return
    for code, name in VILLAGES:
        admin.create("village", {"code": code, "name": name})
    admin.create("leader", {"name": "王书记", "post": "党委书记", "level": "township"})
    admin.create("department", {"name": "司法所", "kind": "justice"})
    team = admin.create("team", {"name": "龙游大妈", "type": "patrol"}).record
    admin.create("volunteer", {"name": "张阿姨", "teams": [{"team_id": team.id}]})


@settings(max_examples=45, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.sampled_from(sorted(KIND_LEDGERS)), st.data())
def test_fuzzed_ledgers_of_the_other_kinds_never_crash(admin, tmp_path_factory, kind, data):
    _reference_data(admin)
    header, valid = KIND_LEDGERS[kind]
    rows = data.draw(st.lists(st.tuples(*[st.one_of(st.just(v), cell) for v in valid]).map(list), min_size=1, max_size=4))
    path = Path(tmp_path_factory.mktemp("fuzz")) / "台账.xlsx"
    wb = Workbook()
    ws = wb.active
    ws.append(["2025年台账"])
    ws.append(header)
    for r in rows:
        ws.append([ILLEGAL_CHARACTERS_RE.sub("", v) if isinstance(v, str) else v for v in r])
    wb.save(path)

    def counts():
        with admin.session() as s:
            return (s.execute(select(func.count()).select_from(MODELS[kind])).scalar_one(),
                    s.execute(select(func.count()).select_from(m.AuditEntry)).scalar_one())

    before = counts()
    try:
        plan = plan_import(admin, kind, path)
    except DomainError:
        assert counts() == before
        return
    write_error_report(plan, path.with_name("错误报告.xlsx"))
    if plan.errors:
        try:
            commit_import(admin, plan)
        except DomainError:
            assert counts() == before
        else:
            raise AssertionError("an import with refused rows must not store anything")
    result = commit_import(admin, plan, valid_only=True)
    assert counts() == (before[0] + result.imported, before[1] + (1 if result.imported else 0))


def test_the_other_kinds_valid_rows_import(admin, tmp_path):
    """Each template the fuzzer mutates imports cleanly (so the fuzzer reaches the insert path)."""
    _reference_data(admin)
    for kind, (header, valid) in KIND_LEDGERS.items():
        wb = Workbook()
        wb.active.append(header)
        wb.active.append(valid)
        wb.save(tmp_path / f"{kind}.xlsx")
        plan = plan_import(admin, kind, tmp_path / f"{kind}.xlsx")
        assert not plan.errors, (kind, plan.errors)
        assert commit_import(admin, plan).imported == 1
