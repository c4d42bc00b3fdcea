"""文件 → 导入台账 driven with pytest-qt on a generated ledger: every step clicked, screenshots taken."""

from __future__ import annotations

import json
import os
from pathlib import Path

from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QApplication, QFileDialog, QMenu, QWizard
from sqlalchemy import func, select

from tests.ledger.samples import VILLAGES, dispute_workbook
from tests.ui.conftest import type_text
from zongzhi_desktop.domain import models as m
from zongzhi_desktop.ui.ledger_wizard import LedgerImportWizard

SHOTS = os.environ.get("ZONGZHI_SHOTS")  # a folder to keep the step screenshots in (to look at them)


def _shot(widget, tmp_path: Path, name: str) -> None:  # type: ignore[no-untyped-def]
    image = widget.grab().toImage()
    assert not image.isNull() and image.width() > 600
    image.save(str(tmp_path / f"{name}.png"))
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        image.save(str(Path(SHOTS) / f"{name}.png"))


def _open_from_menu(qtbot, window) -> LedgerImportWizard:  # type: ignore[no-untyped-def]
    bar = window.menuBar()
    file_action = next(a for a in bar.actions() if a.text() == "文件")
    qtbot.mouseClick(bar, Qt.MouseButton.LeftButton, pos=bar.actionGeometry(file_action).center())
    menu: QMenu = file_action.menu()
    qtbot.waitUntil(menu.isVisible)
    item = next(a for a in menu.actions() if a.objectName() == "action_import_ledger")
    qtbot.mouseClick(menu, Qt.MouseButton.LeftButton, pos=menu.actionGeometry(item).center())
    qtbot.waitUntil(lambda: getattr(window, "ledger_wizard", None) is not None and window.ledger_wizard.isVisible())
    return window.ledger_wizard


def _choose(combo, text: str) -> None:  # type: ignore[no-untyped-def]
    index = combo.findText(text)
    assert index >= 0, (text, [combo.itemText(i) for i in range(combo.count())])
    combo.setCurrentIndex(index)


def test_import_a_dispute_ledger_through_the_wizard(qtbot, make_window, admin, clerk, tmp_path, monkeypatch):
    for code, name in VILLAGES:
        admin.create("village", {"code": code, "name": name})
    book = dispute_workbook(tmp_path / "纠纷台账.xlsx")
    window = make_window(clerk)
    wiz = _open_from_menu(qtbot, window)
    wiz.resize(1100, 680)

    # Step 1: kind, file, sheets.
    page1 = wiz.file_page
    _choose(page1.kind, "矛盾纠纷排查化解台账")
    type_text(page1.path, str(book))
    qtbot.waitUntil(lambda: page1.sheets.count() == 2, timeout=10_000)
    assert [page1.sheets.item(i).text() for i in range(2)] == ["2025年", "2026年"]
    _shot(wiz, tmp_path, "ledger-wizard-1-file")
    next_button = wiz.button(QWizard.WizardButton.NextButton)
    qtbot.mouseClick(next_button, Qt.MouseButton.LeftButton)

    # Step 2: detected header, column mapping, fixed values; save the mapping file.
    page2 = wiz.columns_page
    qtbot.waitUntil(lambda: page2.isComplete(), timeout=10_000)
    assert "工作表“2025年”：表头在第3–4行，跳过上方2行；无年份的日期按2025年" in page2.info.text()
    headers = [page2.columns.item(r, 0).text() for r in range(page2.columns.rowCount())]
    assert "当事人身份证号" in headers and "申请人" in headers
    row = headers.index("当事人身份证号")
    assert page2.columns.cellWidget(row, 1).currentText() == "当事人身份证号"
    _choose(page2.findChild(type(page1.kind), "fixed_source"), "网格员排查")
    _choose(page2.findChild(type(page1.kind), "fixed_route"), "人民调解")
    _choose(page2.findChild(type(page1.kind), "fixed_agreement_form"), "口头协议")
    saved = tmp_path / "映射.json"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(saved), ""))
    qtbot.mouseClick(page2.findChild(type(next_button), "save_mapping"), Qt.MouseButton.LeftButton)
    mapping = json.loads(saved.read_text(encoding="utf-8"))
    assert mapping["defaults"] == {"source": "grid_screening", "route": "people", "agreement_form": "oral"}
    assert mapping["columns"]["当事人身份证号"] == "party_ids"
    _shot(wiz, tmp_path, "ledger-wizard-2-columns")
    qtbot.mouseClick(next_button, Qt.MouseButton.LeftButton)

    # Step 3: values; 搁置 is unknown (red) and is mapped here to 调解中.
    page3 = wiz.values_page
    qtbot.waitUntil(lambda: page3.isComplete(), timeout=20_000)
    values = {(page3.table.item(r, 1).text()): r for r in range(page3.table.rowCount())}
    assert "共" in page3.info.text() and "2 个未能自动对应" in page3.info.text()
    assert page3.table.cellWidget(values["已化解"], 3).currentText() == "调解成功"
    assert page3.table.cellWidget(values["搁置"], 3).currentText().startswith("（未对应")
    _choose(page3.table.cellWidget(values["搁置"], 3), "调解中")
    saved_values = tmp_path / "映射2.json"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(saved_values), ""))
    qtbot.mouseClick(page3.findChild(type(next_button), "save_mapping_values"), Qt.MouseButton.LeftButton)
    again = json.loads(saved_values.read_text(encoding="utf-8"))
    assert again["values"] == {"state": {"搁置": "mediating"}} and again["defaults"] == mapping["defaults"]
    _shot(wiz, tmp_path, "ledger-wizard-3-values")
    qtbot.mouseClick(next_button, Qt.MouseButton.LeftButton)

    # Step 4: preview; with errors the import waits for "import the valid rows".
    page4 = wiz.preview_page
    qtbot.waitUntil(lambda: page4.plan is not None, timeout=20_000)
    assert "读取 16 行：可导入 7 条" in page4.summary.text() and "未通过校验 4 行" in page4.summary.text()
    assert page4.errors.model().rowCount() == 4
    first = page4.errors.model().index(0, 4)
    assert "后几位已丢失" in page4.errors.model().data(first)
    assert page4.preview.rowCount() == 7
    finish = wiz.button(QWizard.WizardButton.FinishButton)
    assert not finish.isEnabled()
    page4.valid_only.setFocus()
    qtbot.mouseClick(page4.valid_only, Qt.MouseButton.LeftButton, pos=QPoint(8, page4.valid_only.height() // 2))
    assert page4.valid_only.isChecked() and finish.isEnabled()
    _shot(wiz, tmp_path, "ledger-wizard-4-preview")
    qtbot.mouseClick(finish, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: wiz.result is not None, timeout=20_000)
    assert wiz.result.imported == 7
    qtbot.waitUntil(lambda: not wiz.isVisible())
    with clerk.session() as s:
        n = s.execute(select(func.count()).select_from(m.Dispute)).scalar_one()
        gezhi = s.execute(select(m.Dispute).where(m.Dispute.title == "褚五与卫六邻里纠纷")).scalar_one()
    assert n == 7 and gezhi.status == "mediating"
    QApplication.processEvents()
    _shot(window, tmp_path, "ledger-wizard-5-done")


def test_reviewer_undoes_a_batch_from_the_batches_dialog(qtbot, make_window, admin, reviewer, clerk, tmp_path):
    from tests.ledger.samples import DISPUTE_MAPPING, write_mapping
    from zongzhi_desktop.ledger.importer import commit_import, plan_import
    from zongzhi_desktop.ledger.mapping import load_mapping

    for code, name in VILLAGES:
        admin.create("village", {"code": code, "name": name})
    mapping = load_mapping(write_mapping(tmp_path / "m.json", DISPUTE_MAPPING), "dispute")
    plan = plan_import(clerk, "dispute", dispute_workbook(tmp_path / "纠纷台账.xlsx"), mapping=mapping)
    batch = commit_import(clerk, plan, valid_only=True)
    window = make_window(reviewer)
    bar = window.menuBar()
    file_action = next(a for a in bar.actions() if a.text() == "文件")
    qtbot.mouseClick(bar, Qt.MouseButton.LeftButton, pos=bar.actionGeometry(file_action).center())
    menu = file_action.menu()
    qtbot.waitUntil(menu.isVisible)
    item = next(a for a in menu.actions() if a.objectName() == "action_import_batches")
    qtbot.mouseClick(menu, Qt.MouseButton.LeftButton, pos=menu.actionGeometry(item).center())
    qtbot.waitUntil(lambda: getattr(window, "ledger_batches", None) is not None and window.ledger_batches.isVisible())
    dlg = window.ledger_batches
    assert dlg.table.rowCount() == 1 and dlg.table.item(0, 0).text() == batch.batch_id[:8]
    assert not dlg.undo.isEnabled()
    rect = dlg.table.visualItemRect(dlg.table.item(0, 3))
    qtbot.mouseClick(dlg.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    type_text(dlg.reason, "导错了台账")
    assert dlg.undo.isEnabled()
    _shot(dlg, tmp_path, "ledger-batches")
    qtbot.mouseClick(dlg.undo, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dlg.undone == 6, timeout=10_000)
    assert dlg.table.item(0, 6).text() == "已撤销：导错了台账"
    with reviewer.session() as s:
        live = s.execute(select(func.count()).select_from(m.Dispute).where(m.Dispute.voided.is_(False))).scalar_one()
    assert live == 0


def test_import_a_volunteer_ledger_through_the_wizard(qtbot, make_window, admin, clerk, tmp_path):
    """志愿服务台账 (a kind without workflow): teams and volunteers resolved, the unknown team and
    volunteer shown in the value step, participants stored with their hours."""
    from tests.ledger.test_kinds import activity_workbook

    team = admin.create("team", {"name": "龙游大妈", "type": "patrol"}).record
    admin.create("team", {"name": "龙游老兵", "type": "mediation"})
    for name in ("张阿姨", "刘大姐", "陈老伯"):
        admin.create("volunteer", {"name": name, "teams": [{"team_id": team.id}]})
    for code, name in VILLAGES:
        admin.create("village", {"code": code, "name": name})
    book = activity_workbook(tmp_path / "志愿服务台账.xlsx")
    window = make_window(clerk)
    wiz = _open_from_menu(qtbot, window)
    wiz.resize(1100, 680)
    page1 = wiz.file_page
    _choose(page1.kind, "志愿服务台账")
    type_text(page1.path, str(book))
    qtbot.waitUntil(lambda: page1.sheets.count() == 1, timeout=10_000)
    next_button = wiz.button(QWizard.WizardButton.NextButton)
    qtbot.mouseClick(next_button, Qt.MouseButton.LeftButton)
    page2 = wiz.columns_page
    qtbot.waitUntil(lambda: page2.isComplete(), timeout=10_000)
    headers = [page2.columns.item(r, 0).text() for r in range(page2.columns.rowCount())]
    row = headers.index("参与志愿者")
    assert page2.columns.cellWidget(row, 1).currentText() == "参与志愿者"
    qtbot.mouseClick(next_button, Qt.MouseButton.LeftButton)
    page3 = wiz.values_page
    qtbot.waitUntil(lambda: page3.isComplete(), timeout=20_000)
    values = {page3.table.item(r, 1).text(): r for r in range(page3.table.rowCount())}
    assert page3.table.cellWidget(values["治安巡逻"], 3).currentText() == "平安巡防"
    assert page3.table.cellWidget(values["夕阳红队"], 3).currentText().startswith("（未对应")
    assert page3.table.cellWidget(values["龙游老兵"], 3).currentText() == "龙游老兵"  # a registered team
    assert page3.table.cellWidget(values["城东村"], 3).currentText() == "城东村"
    _shot(wiz, tmp_path, "ledger-wizard-activity-3-values")
    qtbot.mouseClick(next_button, Qt.MouseButton.LeftButton)
    page4 = wiz.preview_page
    qtbot.waitUntil(lambda: page4.plan is not None, timeout=20_000)
    assert "可导入 2 条" in page4.summary.text() and "未通过校验 3 行" in page4.summary.text()
    assert page4.preview.rowCount() == 2 and page4.preview.item(0, 2).text() == "五一节日巡逻"
    assert page4.preview.item(0, 4).text() == "—"
    page4.valid_only.setFocus()
    qtbot.mouseClick(page4.valid_only, Qt.MouseButton.LeftButton, pos=QPoint(8, page4.valid_only.height() // 2))
    _shot(wiz, tmp_path, "ledger-wizard-activity-4-preview")
    qtbot.mouseClick(wiz.button(QWizard.WizardButton.FinishButton), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: wiz.result is not None, timeout=20_000)
    assert (wiz.result.imported, wiz.result.parties) == (2, 3)
    with clerk.session() as s:
        hours = s.execute(select(func.sum(m.ActivityParticipant.hours))).scalar_one()
    assert hours == 2.5 * 2 + 1
