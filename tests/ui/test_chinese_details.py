"""Chinese details right (issue 16 item 7): Qt's own dialogs in Chinese, people's names instead of
login names, "—" for empty denominators, China time, pinyin search and collation."""

from __future__ import annotations

import re
from pathlib import Path

from PySide6.QtWidgets import QFileDialog, QLabel, QMessageBox, QPushButton

from zongzhi_desktop.services import Services

ROOT = Path(__file__).resolve().parents[2]


def test_qt_dialogs_are_chinese_after_start_up(qtbot, admin: Services, store_path: Path) -> None:  # type: ignore[no-untyped-def]
    from zongzhi_desktop.ui.app import AppController
    from zongzhi_desktop.ui.i18n import QT_CATALOG, qt_translations_dir

    assert (Path(qt_translations_dir()) / f"{QT_CATALOG}.qm").is_file()  # shipped in the PySide6 wheel
    admin.store.close()
    ctl = AppController(store_path.parent, install_hook=False)
    try:
        box = QMessageBox(QMessageBox.Icon.Question, "标题", "内容",
                          QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No
                          | QMessageBox.StandardButton.Cancel)
        qtbot.addWidget(box)
        assert {b.text() for b in box.buttons()} == {"是(&Y)", "否(&N)", "取消"}
        dialog = QFileDialog(None, "导出")
        dialog.setOption(QFileDialog.Option.DontUseNativeDialog)  # Qt's own dialog (Linux, offscreen)
        qtbot.addWidget(dialog)
        assert "打开(&O)" in [b.text() for b in dialog.findChildren(QPushButton)]
        assert "查找范围：" in [label.text() for label in dialog.findChildren(QLabel)]
    finally:
        ctl.shutdown()


def test_frozen_build_keeps_the_qt_catalog() -> None:
    spec = (ROOT / "build.spec").read_text(encoding="utf-8")
    pattern = re.search(r'r"(PySide6/\(Qt/\)\?translations/[^"]*)"', spec)
    assert pattern is not None, "build.spec should drop Qt's other catalogs by one pattern"
    drop = re.compile(pattern.group(1))
    assert not drop.match("PySide6/Qt/translations/qtbase_zh_CN.qm")  # kept in the one-folder build
    assert drop.match("PySide6/Qt/translations/qtbase_de.qm")


def test_people_names_and_china_time_in_the_detail_view(qtbot, clerk: Services, make_window,  # type: ignore[no-untyped-def]
                                                        monkeypatch) -> None:
    import time
    from datetime import timedelta

    from zongzhi_desktop.domain.clock import CHINA_TZ

    # The PC's clock is set to New York: every time shown is still China time.
    monkeypatch.setenv("TZ", "America/New_York")
    time.tzset()
    try:
        rid = clerk.create("dispute", {"title": "邻里纠纷", "found_date": "2026-11-15", "source": "proactive",
                                       "type": "neighbour"}).record.id
        clerk.act("dispute", rid, "accept", {"accepted_date": "2026-11-16"})
        entry = clerk.audit_history(rid)[-1]
        w = make_window(clerk)
        d = w.open_record("dispute", rid)
        qtbot.waitUntil(d.isVisible)
        timeline = d.timeline_table
        assert {timeline.item(r, 2).text() for r in range(timeline.rowCount())} == {"录入员小王"}  # not "clerk"
        history = d.audit_table
        assert {history.item(r, 1).text() for r in range(history.rowCount())} == {"录入员小王"}
        at = entry.at if entry.at.tzinfo else entry.at.replace(tzinfo=CHINA_TZ) - timedelta(hours=8)
        assert history.item(0, 0).text() == at.astimezone(CHINA_TZ).strftime("%Y-%m-%d %H:%M")
        d.close()
    finally:
        monkeypatch.delenv("TZ")
        time.tzset()


def test_one_rule_for_empty_denominators_and_times() -> None:
    from datetime import UTC, datetime

    from zongzhi_desktop.county.timeliness import rate_text as county_rate_text
    from zongzhi_desktop.domain.formatting import NO_VALUE, rate_text, time_text
    from zongzhi_desktop.reports.figures import fmt_rate

    assert rate_text(0, 0) == NO_VALUE == "—" and rate_text(2, 3) == "66.7%" and rate_text(0, 4) == "0.0%"
    assert fmt_rate(0, 0) == (None, "—") and fmt_rate(1, 2) == (50.0, "50.0%")
    assert county_rate_text(None) == "—"
    assert time_text(datetime(2026, 11, 30, 17, 30, tzinfo=UTC)) == "2026-12-01 01:30"  # China date already
    assert time_text(datetime(2026, 11, 30, 17, 30)) == "2026-12-01 01:30"  # stored naive = UTC
    assert time_text("2026-11-30T17:30:00+00:00") == "2026-12-01 01:30" and time_text(None) == ""


def test_pinyin_in_code_drop_downs_ref_fields_and_pickers(qtbot, admin: Services, clerk: Services,  # type: ignore[no-untyped-def]
                                                          make_window) -> None:
    from forms_helpers import focus, open_form, pick_ref, seed_reference
    from PySide6.QtCore import Qt
    from PySide6.QtTest import QTest

    from zongzhi_desktop.ui.forms.pickers import RecordPickerDialog

    seed_reference(admin)
    dlg = open_form(qtbot, clerk, "dispute")
    e = dlg.view.editors
    # A code drop-down: initials, then (after a pause) full pinyin.
    focus(e["type"])
    qtbot.keyClicks(e["type"], "ll")
    assert e["type"].currentText() == "邻里" and e["type"].value() == "neighbour"
    QTest.qWait(1100)
    qtbot.keyClicks(e["type"], "fangwu")
    assert e["type"].currentText() == "房屋宅基地"
    QTest.qWait(1100)
    # … also with its list open: the highlighted entry follows, Enter takes it.
    e["source"].showPopup()
    view = e["source"].view()
    qtbot.waitUntil(view.isVisible)
    qtbot.keyClicks(view, "wgy")  # 网格员排查
    qtbot.keyClick(view, Qt.Key.Key_Return)
    assert e["source"].currentText() == "网格员排查"
    # A reference field: initials and full pinyin find 城东村; names sort by pinyin.
    pick_ref(qtbot, e["village_id"], "cdc", "城东村")
    focus(e["village_id"])
    e["village_id"].edit.clear()
    qtbot.keyClicks(e["village_id"].edit, "longzhou")
    qtbot.waitUntil(lambda: e["village_id"].options() == ["龙洲社区"])
    # A picker: volunteers by pinyin, in pinyin order (吴 wu < 郑 zheng < 周 zhou).
    picker = RecordPickerDialog(clerk, ["volunteer"])
    qtbot.addWidget(picker)
    picker.show()
    labels = lambda: [picker.table.item(r, 1).text() for r in range(picker.table.rowCount())]  # noqa: E731
    assert labels() == ["吴桂兰", "郑老兵", "周秀英"]
    qtbot.keyClicks(picker.search_edit, "zxy")
    qtbot.waitUntil(lambda: labels() == ["周秀英"])
    picker.close()
    # A list page's filter drop-down too.
    w = make_window(clerk)
    page = w.list_page("dispute")
    page.type.setFocus()
    qtbot.keyClicks(page.type, "tdcb")  # 土地承包
    assert page.type.currentText() == "土地承包"


def test_case_pickers_find_recent_cases_by_pinyin(clerk: Services) -> None:
    from zongzhi_desktop.ui.forms import lookup

    for i, name in enumerate(("欧阳明月", "张伟", "李建国")):
        clerk.create("petition", {"received_date": f"2026-11-1{i}", "form": "来访", "petitioner_name": name,
                                  "category": "申诉求决类", "request": "宅基地"}, link_repeat=False)
    assert [o.label.split()[1] for o in lookup.search(clerk, "petition", "oymy")] == ["欧阳明月"]
    assert [o.label.split()[1] for o in lookup.search(clerk, "petition", "zhangwei")] == ["张伟"]
    assert [o.label.split()[1] for o in lookup.search(clerk, "petition", "李建")] == ["李建国"]  # Chinese: SQL


def test_name_columns_sort_by_pinyin(qtbot, clerk: Services, make_window) -> None:  # type: ignore[no-untyped-def]
    from PySide6.QtCore import QPoint, Qt

    for name in ("周秀英", "吴桂兰", "艾青", "郑老兵"):  # code-point order would be 吴 周 艾 郑
        clerk.create("volunteer", {"name": name, "gender": "female"})
    w = make_window(clerk)
    page = w.list_page("volunteer")
    names = lambda: [page.model.index(r, 0).data() for r in range(page.model.rowCount())]  # noqa: E731
    assert names() == ["艾青", "吴桂兰", "郑老兵", "周秀英"]  # ai, wu, zheng, zhou
    header = page.table.horizontalHeader()
    qtbot.mouseClick(header.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(header.sectionPosition(0) + 5, 5))
    if page.model.query.descending is not True:  # the first click only named the (already) sorted column
        qtbot.mouseClick(header.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(header.sectionPosition(0) + 5, 5))
    assert page.model.query.descending is True
    assert names() == ["周秀英", "郑老兵", "吴桂兰", "艾青"]


def test_petitioners_by_pinyin_beyond_the_newest_and_sorted_in_the_list(qtbot, clerk: Services,  # type: ignore[no-untyped-def]
                                                                         make_window) -> None:
    """信访人 is found by pinyin in the whole store (not only the newest 2,000) and the list's 信访人
    column sorts in pinyin order through its index (bulk-written rows included)."""
    from datetime import date, timedelta

    from PySide6.QtCore import QPoint, Qt

    from zongzhi_desktop.domain import models as m
    from zongzhi_desktop.services import bulk
    from zongzhi_desktop.ui.forms import lookup

    old = clerk.create("petition", {"received_date": "2020-01-06", "form": "来访", "petitioner_name": "欧阳明月",
                                    "category": "申诉求决类", "request": "宅基地"}, link_repeat=False).record
    base = {"township_code": clerk.township.code, "form": "visit", "category": "appeal", "request": "修路",
            "status": "registered", "accept_deadline": date(2026, 1, 20)}
    rows = [{**base, "serial": f"XF-2026-9{i:05d}", "received_date": date(2026, 1, 1) + timedelta(days=i % 300),
             "petitioner_name": ("周秀英", "吴桂兰", "艾青", "郑老兵")[i % 4]} for i in range(lookup.PINYIN_RECENT + 10)]
    with clerk.session() as s, s.begin():
        bulk.insert_batch(s, m.Petition, rows, username="clerk")
    assert [o.id for o in lookup.search(clerk, "petition", "oymy")] == [old.id]  # 2,011 newer petitions
    assert {o.label.split()[1] for o in lookup.search(clerk, "petition", "aq", limit=5)} == {"艾青"}

    w = make_window(clerk)
    page = w.list_page("petition")
    col = [c.key for c in page.model.spec.columns].index("petitioner_name")
    header = page.table.horizontalHeader()
    qtbot.mouseClick(header.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(header.sectionPosition(col) + 5, 5))
    if page.model.query.descending is not False:
        qtbot.mouseClick(header.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(header.sectionPosition(col) + 5, 5))
    qtbot.waitUntil(lambda: page.model.rowCount() > 0 and page.model.index(0, col).data() is not None)
    first = [page.model.index(r, col).data() for r in range(5)]
    assert first == ["艾青"] * 5  # ai < ou < wu < zheng < zhou (code points would start with 吴)
