"""Record list pages: SQL paging, header sort, filter widgets, search box, masking, XLSX export."""

from __future__ import annotations

import sqlite3
from datetime import date, timedelta
from pathlib import Path

import pytest
from conftest import type_text
from openpyxl import load_workbook
from PySide6.QtCore import Qt

from zongzhi_desktop.domain import pinyin
from zongzhi_desktop.services import Services
from zongzhi_desktop.services.listing import PAGE_SIZE

TODAY = date(2026, 11, 20)
NAMES = ["欧阳明月", "张伟", "李建国", "王伟", "张伟民", "赵敏", "孙丽华", "周杰", "吴静", "郑强"]
N = 250


@pytest.fixture
def petitions(clerk: Services) -> Services:
    """250 petitions over 250 days; every 10th accepted; one with a phone number."""
    for i in range(N):
        data = {"received_date": (TODAY - timedelta(days=i)).isoformat(), "form": "来访",
                "petitioner_name": NAMES[i % len(NAMES)], "category": "申诉求决类" if i % 3 else "建议意见类",
                "request": "要求解决宅基地界址问题" if i % 2 else "反映拖欠工资"}
        if i == 5:
            data["phone"] = "13812345678"
        rid = clerk.create("petition", data, link_repeat=False).record.id
        if i % 10 == 0 and i:
            clerk.act("petition", rid, "accept", {"decision_date": (TODAY - timedelta(days=i - 1)).isoformat(),
                                                  "decision": "accept"})
    return clerk


def sql(svc: Services, query: str, *args: object) -> list[tuple]:  # type: ignore[type-arg]
    return sqlite3.connect(svc.store.path).execute(query, args).fetchall()


def column(page, key: str) -> int:  # type: ignore[no-untyped-def]
    return next(i for i, c in enumerate(page.spec.columns) if c.key == key)


def cell(page, row: int, key: str) -> str:  # type: ignore[no-untyped-def]
    return page.model.index(row, column(page, key)).data()


def test_model_pages_only_what_is_shown(petitions: Services, make_window) -> None:  # type: ignore[no-untyped-def]
    page = make_window(petitions).list_page("petition")
    model = page.model
    assert model.rowCount() == N == page.table.model().rowCount()
    assert page.count_label.text() == "共 250 条"
    expected = [r[0] for r in sql(petitions, "SELECT serial FROM petition ORDER BY received_date DESC, status DESC, "
                                             "rowid DESC")]
    loads = model.page_loads
    assert cell(page, 0, "serial") == expected[0]
    assert cell(page, N - 1, "serial") == expected[-1]  # read from the end of the list
    assert cell(page, 150, "serial") == expected[150]
    assert model.page_loads - loads <= 3
    assert [cell(page, r, "serial") for r in range(N)] == expected
    assert len(model._pages) <= (N + PAGE_SIZE - 1) // PAGE_SIZE


def test_header_click_sorts_in_sql(qtbot, petitions: Services, make_window) -> None:  # type: ignore[no-untyped-def]
    page = make_window(petitions).list_page("petition")
    header = page.table.horizontalHeader()
    name_col = column(page, "petitioner_name")
    header.sectionClicked.emit(name_col)
    assert page.model.query.sort == "petitioner_name" and page.model.query.descending is False
    names = [cell(page, r, "petitioner_name") for r in range(N)]
    assert names == sorted(names, key=pinyin.sort_key)  # 信访人 in pinyin order
    assert header.sortIndicatorSection() == name_col
    header.sectionClicked.emit(name_col)  # again: descending
    assert [cell(page, r, "petitioner_name") for r in range(N)] == sorted(names, key=pinyin.sort_key, reverse=True)
    # A column without an index does not sort (and the indicator stays on the real sort).
    request_col = column(page, "request")
    header.sectionClicked.emit(request_col)
    assert page.model.query.sort == "petitioner_name"
    assert header.sortIndicatorSection() == name_col


def test_filter_widgets_run_sql_filters(qtbot, petitions: Services, make_window) -> None:  # type: ignore[no-untyped-def]
    page = make_window(petitions).list_page("petition")
    page.status.setCurrentIndex(page.status.findData("accepted"))
    assert page.model.rowCount() == sql(petitions, "SELECT count(*) FROM petition WHERE status='accepted'")[0][0] == 24
    assert {cell(page, r, "status") for r in range(24)} == {"已受理"}
    page.type.setCurrentIndex(page.type.findData("suggestion"))
    assert page.model.rowCount() == sql(
        petitions, "SELECT count(*) FROM petition WHERE status='accepted' AND category='suggestion'")[0][0]
    page.status.setCurrentIndex(0)
    page.type.setCurrentIndex(0)
    page.overdue.setChecked(True)
    overdue = {r[0] for r in sql(petitions, "SELECT serial FROM petition WHERE next_deadline < ?", TODAY.isoformat())}
    assert page.model.rowCount() == len(overdue) > 0
    assert {cell(page, r, "serial") for r in range(len(overdue))} == overdue
    page.overdue.setChecked(False)
    page.range.setCurrentIndex(page.range.findData("month"))
    assert page.model.rowCount() == sql(
        petitions, "SELECT count(*) FROM petition WHERE received_date BETWEEN '2026-11-01' AND '2026-11-30'")[0][0] == 20
    page.range.setCurrentIndex(page.range.findData("custom"))
    page.date_from.setDate(page.date_from.date().addDays(-9))
    assert page.model.rowCount() == 10  # custom range: today-9 … today


def test_search_box_three_and_two_characters(qtbot, petitions: Services, make_window) -> None:  # type: ignore[no-untyped-def]
    page = make_window(petitions).list_page("petition")
    with qtbot.waitSignal(page.model.query_changed, timeout=10_000):
        type_text(page.search, "张伟民")
    assert page.lister._compile(page.model.query).where.count("MATCH") == 1
    assert page.model.rowCount() == 25
    assert {cell(page, r, "petitioner_name") for r in range(25)} == {"张伟民"}
    with qtbot.waitSignal(page.model.query_changed, timeout=10_000):
        page.search.clear()
        type_text(page.search, "张伟")
    assert page.lister._compile(page.model.query).where.count("_grams MATCH") == 1  # 2 characters: the index too
    assert page.model.rowCount() == 50
    assert {cell(page, r, "petitioner_name") for r in range(50)} == {"张伟", "张伟民"}
    with qtbot.waitSignal(page.model.query_changed, timeout=10_000):
        page.search.clear()
    assert page.model.rowCount() == N


def test_reviewer_sees_masked_phone(qtbot, petitions: Services, reviewer: Services, make_window) -> None:  # type: ignore[no-untyped-def]
    clerk_page = make_window(petitions).list_page("petition")
    reviewer_page = make_window(reviewer).list_page("petition")
    for page in (clerk_page, reviewer_page):
        with qtbot.waitSignal(page.model.query_changed, timeout=10_000):
            qtbot.keyClicks(page.search, "5678")
            qtbot.keyClick(page.search, Qt.Key.Key_Return)
        assert page.model.rowCount() == 1
    assert cell(clerk_page, 0, "phone") == "13812345678"
    assert cell(reviewer_page, 0, "phone") == "138****5678"


def test_export_current_list_to_xlsx(qtbot, petitions: Services, reviewer: Services, make_window,  # type: ignore[no-untyped-def]
                                     tmp_path: Path) -> None:
    page = make_window(reviewer).list_page("petition")
    page.status.setCurrentIndex(page.status.findData("registered"))
    target = tmp_path / "登记.xlsx"
    with qtbot.waitSignal(page.exported, timeout=30_000) as blocker:
        op = page.export(str(target))
    assert op is not None and op.error is None
    assert blocker.args == [str(target), 226]
    rows = list(load_workbook(target).active.iter_rows(values_only=True))
    assert len(rows) == 227 and rows[0][0] == "编号"
    col = rows[0].index("联系电话")
    assert [r[col] for r in rows[1:] if r[col]] == ["138****5678"]


def test_enter_opens_the_record(qtbot, petitions: Services, make_window) -> None:  # type: ignore[no-untyped-def]
    page = make_window(petitions).list_page("petition")
    page.table.setFocus()
    page.table.setCurrentIndex(page.model.index(3, 0))
    with qtbot.waitSignal(page.open_record, timeout=5_000) as blocker:
        qtbot.keyClick(page.table, Qt.Key.Key_Return)
    assert blocker.args == ["petition", page.model.record_id(3)]


def test_volunteer_page_has_three_lists(admin: Services, make_window) -> None:  # type: ignore[no-untyped-def]
    admin.create("team", {"name": "龙游大妈", "type": "平安巡防"})
    admin.create("volunteer", {"name": "周秀英", "phone": "13900001111"})
    w = make_window(admin)
    vol = w.navigate("volunteer")
    assert [vol.tabText(i) for i in range(vol.count())] == ["志愿服务队", "志愿者", "志愿活动"]
    assert w.list_page("team").model.rowCount() == 1
    assert cell(w.list_page("volunteer"), 0, "phone") == "139****1111"  # admin has no VIEW_PERSONAL
    assert vol.currentWidget() is w.list_page("volunteer")


def test_due_within_seven_days_box_on_every_list_with_deadlines(qtbot, petitions: Services,  # type: ignore[no-untyped-def]
                                                                make_window) -> None:
    # A dispute waiting for 受理 (found 3 days ago: due in 4 days) and one found long ago (overdue).
    soon = petitions.create("dispute", {"title": "排查发现的邻里纠纷", "found_date": (TODAY - timedelta(days=3)).isoformat(),
                                        "source": "proactive", "type": "neighbour"}).record
    petitions.create("dispute", {"title": "早已登记的纠纷", "found_date": (TODAY - timedelta(days=30)).isoformat(),
                                 "source": "proactive", "type": "neighbour"})
    w = make_window(petitions)
    for kind in ("petition", "dispute", "package", "dispatch"):
        page = w.list_page(kind)
        assert page.due_soon.isVisible() and page.due_soon.text() == "7日内到期", kind
        assert page.overdue.isVisible(), kind
    page = w.list_page("dispute")
    qtbot.mouseClick(page.due_soon, Qt.MouseButton.LeftButton)
    assert page.model.rowCount() == 1 and cell(page, 0, "serial") == soon.serial
    assert cell(page, 0, "days_left") == "剩4天"
    qtbot.mouseClick(page.overdue, Qt.MouseButton.LeftButton)  # both: overdue or due within 7 days
    assert page.model.rowCount() == 2
    qtbot.mouseClick(page.due_soon, Qt.MouseButton.LeftButton)
    assert page.model.rowCount() == 1 and cell(page, 0, "title") == "早已登记的纠纷"
    page = w.list_page("petition")
    qtbot.mouseClick(page.due_soon, Qt.MouseButton.LeftButton)
    expected = {r[0] for r in sql(petitions, "SELECT serial FROM petition WHERE next_deadline BETWEEN ? AND ?",
                                  TODAY.isoformat(), (TODAY + timedelta(days=7)).isoformat())}
    assert page.model.rowCount() == len(expected) > 0
    assert {cell(page, r, "serial") for r in range(len(expected))} == expected
