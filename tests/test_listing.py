"""Record lists: SQL paging, sorting, filters, FTS/LIKE search, masking, export, dashboard figures."""

from __future__ import annotations

import sqlite3
from datetime import date, timedelta
from pathlib import Path

import pytest
from openpyxl import load_workbook

from zongzhi_desktop.domain import pinyin
from zongzhi_desktop.domain.validation import id_check_digit
from zongzhi_desktop.services import Services
from zongzhi_desktop.services.dashboard import build_dashboard
from zongzhi_desktop.services.listing import (
    OPEN,
    SPECS,
    Lister,
    ListQuery,
    ListRow,
    rebuild_search_index,
    search_index_problems,
)
from zongzhi_desktop.store.search_index import LIST_INDEXES

TODAY = date(2026, 11, 20)  # the fixtures' fixed today (tests/conftest.py)
NAMES = ["欧阳明月", "张伟", "李建国", "王伟", "张伟民", "赵敏", "孙丽华", "周杰", "吴静", "郑强"]


def id_number(seq: int) -> str:
    first = f"33082519800101{seq:03d}"
    return first + id_check_digit(first)


def petition(svc: Services, name: str, day: date, **extra: object) -> str:
    data = {"received_date": day.isoformat(), "form": "来访", "petitioner_name": name, "category": "申诉求决类",
            "request": "要求解决宅基地界址问题"}
    data.update(extra)
    return svc.create("petition", data, link_repeat=False).record.id


@pytest.fixture
def filled(clerk: Services) -> Services:
    """30 petitions over 30 days (names repeat), a few accepted, one with ID number and phone."""
    for i in range(30):
        extra: dict[str, object] = {}
        if i == 3:
            extra = {"id_number": id_number(7), "phone": "13812345678"}
        rid = petition(clerk, NAMES[i % len(NAMES)], TODAY - timedelta(days=i), **extra)
        if i % 4 == 0 and i > 0:
            clerk.act("petition", rid, "accept", {"decision_date": (TODAY - timedelta(days=i - 1)).isoformat(),
                                                  "decision": "accept"})
    return clerk


def cell(row: ListRow, key: str, kind: str = "petition") -> str:
    """A row's value in the column named `key` (column order is a presentation choice)."""
    return row.cells[[c.key for c in SPECS[kind].columns].index(key)]


def db(svc: Services) -> sqlite3.Connection:
    return sqlite3.connect(svc.store.path)


def test_pages_concatenate_to_the_sql_order(filled: Services) -> None:
    lister = Lister(filled)
    q = ListQuery("petition")
    expected = [r[0] for r in db(filled).execute(
        "SELECT id FROM petition WHERE voided = 0 ORDER BY received_date DESC, status DESC, rowid DESC")]
    assert lister.count(q) == len(expected) == 30
    # Page size 7: pages past the middle are read backwards from the end and must line up.
    got = [row.id for off in range(0, 30, 7) for row in lister.page(q, off, 7)]
    assert got == expected
    assert lister.ids(q) == expected
    assert lister.page(q, 30, 7) == []


def test_sort_by_name_both_directions(filled: Services) -> None:
    lister = Lister(filled)
    asc = ListQuery("petition", sort="petitioner_name", descending=False)
    names = [cell(r, "petitioner_name") for r in lister.page(asc, 0, 30)]
    in_pinyin = sorted(names, key=pinyin.sort_key)  # 信访人 in pinyin order (李 < 欧阳 < 吴 < 周), not code points
    assert names == in_pinyin and names != sorted(names)
    desc = asc.with_sort("petitioner_name", True)
    assert [cell(r, "petitioner_name") for r in lister.page(desc, 0, 30)] == in_pinyin[::-1]
    # The last page read from the end matches the tail of the full order.
    assert [cell(r, "petitioner_name") for r in lister.page(asc, 25, 5)] == in_pinyin[25:]


def test_status_and_date_filters_match_sql(filled: Services) -> None:
    lister = Lister(filled)
    con = db(filled)
    accepted = con.execute("SELECT count(*) FROM petition WHERE status = 'accepted'").fetchone()[0]
    assert accepted == 7
    assert lister.count(ListQuery("petition", status="accepted")) == accepted
    assert lister.count(ListQuery("petition", status=OPEN)) == 30
    q = ListQuery("petition", date_from=TODAY - timedelta(days=9), date_to=TODAY - timedelta(days=5))
    assert lister.count(q) == 5
    assert {cell(r, "received_date") for r in lister.page(q, 0, 10)} == {(TODAY - timedelta(days=d)).isoformat() for d in range(5, 10)}


def test_overdue_filter(filled: Services) -> None:
    lister = Lister(filled)
    con = db(filled)
    sql_overdue = {r[0] for r in con.execute(
        "SELECT id FROM petition WHERE voided = 0 AND next_deadline < ?", (TODAY.isoformat(),))}
    assert sql_overdue  # registered > 15 days ago and not yet accepted
    assert set(lister.ids(ListQuery("petition", overdue=True))) == sql_overdue
    row = lister.page(ListQuery("petition", overdue=True), 0, 1)[0]
    assert row.deadline_state == -1 and cell(row, "days_left").startswith("逾期")


def test_search_of_any_length_goes_through_the_gram_index(filled: Services) -> None:
    lister = Lister(filled)
    fts = ListQuery("petition", search="张伟民")
    assert "_grams MATCH" in lister._compile(fts).where
    assert {cell(r, "petitioner_name") for r in lister.page(fts, 0, 50)} == {"张伟民"}
    assert lister.count(fts) == 3
    two = ListQuery("petition", search="张伟")
    compiled = lister._compile(two)
    assert "_grams MATCH" in compiled.where and "instr" not in compiled.where  # one token, no scan
    assert "instr" in lister._compile(ListQuery("petition", search="宅基地界址")).where  # 4+: candidates confirmed
    assert {cell(r, "petitioner_name") for r in lister.page(two, 0, 50)} == {"张伟", "张伟民"}
    # Same rows as LIKE over every searchable column of the base table.
    cols = " OR ".join(f"{c} LIKE '%张伟%'" for c in SPECS["petition"].like_columns)
    assert set(lister.ids(two)) == {r[0] for r in db(filled).execute(f"SELECT id FROM petition WHERE {cols}")}
    assert lister.count(two) == 6
    # Content, phone and ID number are searchable too.
    assert lister.count(ListQuery("petition", search="宅基地界址")) == 30
    assert lister.count(ListQuery("petition", search="2345678")) == 1
    assert lister.count(ListQuery("petition", search=id_number(7)[-6:])) == 1
    assert lister.count(ListQuery("petition", search="56")) == 1  # two digits of the phone
    # Search text is never query syntax.
    for odd in ['"', "%", "_", "a*b", "NEAR(x)", "张\"伟\"民", "\\"]:
        assert lister.count(ListQuery("petition", search=odd)) == 0


def test_search_follows_updates_and_dispute_parties(clerk: Services) -> None:
    rid = petition(clerk, "钱学森", TODAY)
    lister = Lister(clerk)
    assert lister.ids(ListQuery("petition", search="钱学森")) == [rid]
    clerk.update("petition", rid, {"petitioner_name": "钱三强"})
    lister.invalidate()
    assert lister.ids(ListQuery("petition", search="钱学森")) == []
    assert lister.ids(ListQuery("petition", search="钱三强")) == [rid]
    d = clerk.create("dispute", {"title": "邻里通道纠纷", "found_date": TODAY.isoformat(), "source": "主动调解",
                                 "type": "邻里", "parties": [{"name": "上官婉儿", "phone": "13900001111"}]}).record
    party = clerk.add_child("dispute", d.id, "parties", {"name": "诸葛孔明"})
    lister.invalidate()
    for term in ("上官婉儿", "诸葛孔明", "诸葛", "00001111", "通道纠纷"):
        assert lister.ids(ListQuery("dispute", search=term)) == [d.id], term
    reviewer_like = Services(clerk.store, clerk.actor.__class__("leader", "reviewer"), today=clerk._today)
    reviewer_like.void_child("dispute", "parties", party.id, "录入错误")
    lister.invalidate()
    assert lister.ids(ListQuery("dispute", search="诸葛孔明")) == []
    assert lister.ids(ListQuery("dispute", search="诸葛")) == []


def test_identifiers_masked_for_reviewer(filled: Services, reviewer: Services) -> None:
    q = ListQuery("petition", search="13812345678")
    shown = Lister(filled).page(q, 0, 1)[0]
    masked = Lister(reviewer).page(q, 0, 1)[0]
    assert cell(shown, "id_number") == id_number(7) and cell(shown, "phone") == "13812345678"
    assert cell(masked, "id_number") == id_number(7)[:4] + "*" * 10 + id_number(7)[-4:]
    assert cell(masked, "phone") == "138****5678"


def test_export_xlsx_writes_every_filtered_row_masked(filled: Services, reviewer: Services, tmp_path: Path) -> None:
    target = tmp_path / "list.xlsx"
    q = ListQuery("petition", status="registered")
    n = Lister(reviewer).export_xlsx(q, target)
    assert n == 23
    rows = list(load_workbook(target).active.iter_rows(values_only=True))
    assert rows[0][:3] == ("编号", "收件日期", "信访人")
    assert len(rows) == 24
    col = rows[0].index("联系电话")
    phones = [r[col] for r in rows[1:] if r[col]]
    assert phones == ["138****5678"]


def test_every_sortable_column_has_a_list_index() -> None:
    from sqlmodel import SQLModel

    for spec in SPECS.values():
        # The list indexes, or the table's own (a kind added through the registry declares them on its model).
        own = [tuple(c.name for c in ix.columns) for ix in SQLModel.metadata.tables[spec.table].indexes]
        indexes = [tuple(cols) for cols in LIST_INDEXES.get(spec.table, ())] + own
        for col in spec.columns:
            if col.sort:
                keys = tuple(e.removeprefix("t.") for e in col.sort)
                assert any(ix[:len(keys)] == keys for ix in indexes), (spec.kind, col.key)


def test_dashboard_figures_equal_direct_sql(filled: Services) -> None:
    d = filled.create("dispute", {"title": "土地纠纷", "found_date": TODAY.isoformat(), "source": "主动调解",
                                  "type": "土地承包", "risk_level": "高", "homicide_risk": True}).record
    lister = Lister(filled)
    dash = build_dashboard(lister)
    con = db(filled)
    t = TODAY.isoformat()

    def sql(q: str, *args: object) -> int:
        return con.execute(q, args).fetchone()[0]

    fig = {f.kind: f for f in dash.overdue}
    assert fig["petition"].count == sql("SELECT count(*) FROM petition WHERE voided=0 AND next_deadline < ?", t)
    soon = {f.kind: f for f in dash.due_soon}
    assert soon["petition"].count == sql(
        "SELECT count(*) FROM petition WHERE voided=0 AND next_deadline BETWEEN ? AND ?", t,
        (TODAY + timedelta(days=7)).isoformat())
    new = {f.kind: f for f in dash.new_today}
    assert new["petition"].count == sql("SELECT count(*) FROM petition WHERE voided=0 AND received_date = ?", t) == 1
    assert new["dispute"].count == 1
    assert dash.high_risk is not None and dash.high_risk.count == 1
    assert dash.homicide is not None and lister.ids(dash.homicide.query) == [d.id]
    weeks = dash.weeks["petition"]
    assert len(weeks) == 12 and weeks[-1].start <= TODAY <= weeks[-1].end
    for b in weeks:
        assert b.new.count == sql("SELECT count(*) FROM petition WHERE voided=0 AND received_date BETWEEN ? AND ?",
                                  b.start.isoformat(), b.end.isoformat())
        assert len(lister.ids(b.new.query)) == b.new.count
    assert sum(b.new.count for b in weeks) == 30


def test_search_index_repair(filled: Services) -> None:
    assert search_index_problems(filled) == []
    with filled.store.engine.begin() as conn:
        conn.exec_driver_sql("DROP TRIGGER petition_fts_ai")
        conn.exec_driver_sql("DELETE FROM petition_fts")
    assert search_index_problems(filled) == ["petition_fts_ai"]
    rebuild_search_index(filled, search_index_problems(filled))
    assert search_index_problems(filled) == []
    assert Lister(filled).count(ListQuery("petition", search="欧阳明月")) == 3
    petition(filled, "司马相如", TODAY)
    assert Lister(filled).count(ListQuery("petition", search="司马相如")) == 1
