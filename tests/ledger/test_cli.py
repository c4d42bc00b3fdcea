"""`zongzhi import-ledger` / `import-batches` / `undo-import` on a real store: dry run, report, mapping, exit codes."""

from __future__ import annotations

import io
import json
import sys

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select

from zongzhi_desktop.cli import main
from zongzhi_desktop.domain import models as m

from .samples import DISPUTE_MAPPING, VILLAGES, dispute_workbook, petition_csv, write_mapping


@pytest.fixture
def admin(encrypted_admin):  # the shared store, encrypted as the command line's sign-in would leave it
    return encrypted_admin


@pytest.fixture
def run(admin, tmp_path, monkeypatch, capsys):
    for code, name in VILLAGES:
        admin.create("village", {"code": code, "name": name})

    def call(*args: str, user: str = "clerk", password: str = "clerk-pass-1") -> tuple[int, str, str]:
        monkeypatch.setenv("ZONGZHI_USER", user)
        monkeypatch.setenv("ZONGZHI_PASSWORD", password)
        monkeypatch.setattr(sys, "stdin", io.StringIO(""))
        capsys.readouterr()
        try:
            code = main(["--data-dir", str(tmp_path), *args])
        except SystemExit as e:
            code = int(e.code or 0)
        out, err = capsys.readouterr()
        return code, out, err

    return call


def _disputes(admin) -> int:
    with admin.session() as s:
        return s.execute(select(func.count()).select_from(m.Dispute).where(m.Dispute.voided.is_(False))).scalar_one()


def test_dry_run_report_then_valid_only_import_then_undo(run, admin, tmp_path):
    book = dispute_workbook(tmp_path / "纠纷台账.xlsx")
    mapping = write_mapping(tmp_path / "映射.json", DISPUTE_MAPPING)
    report = tmp_path / "错误报告.xlsx"
    code, out, err = run("import-ledger", "dispute", str(book), "--sheet", "all", "--mapping", str(mapping),
                         "--dry-run", "--report", str(report))
    assert code == 2, err
    assert "读取 16 行；可导入 6 条；拒绝 5 行" in out
    assert "2025年 第6行 [当事人身份证号]" in out and "后几位已丢失" in out
    assert "未能对应的值：化解情况“搁置” × 1" in out
    assert load_workbook(report)["汇总"]["B2"].value == 16
    assert _disputes(admin) == 0

    code, out, err = run("import-ledger", "dispute", str(book), "--sheet", "all", "--mapping", str(mapping))
    assert code == 2 and "5行未通过校验，未导入任何数据" in err and _disputes(admin) == 0

    code, out, err = run("import-ledger", "dispute", str(book), "--sheet", "all", "--mapping", str(mapping),
                         "--valid-only", "--json")
    assert code == 0, err
    summary = json.loads(out)
    assert summary["imported"] == 6 and summary["refused"] == 5 and _disputes(admin) == 6
    batch = summary["batch_id"]

    code, out, _ = run("import-ledger", "dispute", str(book), "--sheet", "all", "--mapping", str(mapping), "--valid-only")
    assert code == 0 and "导入 0 条" in out and "已导入过（同一文件同一行，或内容相同的行）：6" in out and _disputes(admin) == 6

    code, out, _ = run("import-batches")
    assert batch[:8] in out and "纠纷台账.xlsx" in out and "有效" in out
    code, _, err = run("undo-import", batch[:8], "--reason", "导错")
    assert code == 2 and "权限" in err
    code, out, err = run("undo-import", batch[:8], "--reason", "导错", user="leader", password="leader-pass-1")
    assert code == 0, err
    assert "作废 6 条" in out and _disputes(admin) == 0


def test_save_mapping_and_reuse(run, admin, tmp_path):
    csv_path = petition_csv(tmp_path / "信访台账.csv")
    saved = tmp_path / "信访映射.json"
    code, out, _ = run("import-ledger", "petition", str(csv_path), "--dry-run", "--save-mapping", str(saved))
    assert code == 2  # one refused row
    mapping = json.loads(saved.read_text(encoding="utf-8"))
    assert mapping["kind"] == "petition" and mapping["columns"]["信访人"] == "names"
    code, out, err = run("import-ledger", "petition", str(csv_path), "--mapping", str(saved), "--valid-only")
    assert code == 0, err
    assert "导入 3 条" in out


def test_bad_input_exits_2_in_chinese(run, tmp_path):
    code, _, err = run("import-ledger", "dispatch", str(tmp_path / "x.xlsx"))
    assert code == 2 and "不能导入" in err
    code, _, err = run("import-ledger", "dispute", str(tmp_path / "无此文件.xlsx"))
    assert code == 2 and "找不到台账文件" in err
    bad = tmp_path / "坏映射.json"
    bad.write_text('{"kind": "dispute", "columns": {"姓名": "no_such_field"}}', encoding="utf-8")
    book = dispute_workbook(tmp_path / "纠纷台账.xlsx")
    code, _, err = run("import-ledger", "dispute", str(book), "--mapping", str(bad))
    assert code == 2 and "no_such_field" in err and "不存在" in err
    code, _, err = run("import-ledger", "dispute", str(book), "--sheet", "无此表")
    assert code == 2 and "没有名为“无此表”的工作表" in err
    garbage = tmp_path / "坏文件.xlsx"
    garbage.write_bytes(b"not a workbook")
    code, _, err = run("import-ledger", "dispute", str(garbage))
    assert code == 2 and "无法读取台账文件" in err and "Traceback" not in err


def test_values_the_county_would_refuse_are_refused_at_import(run, admin, tmp_path):
    """One validation at both ends (domain/rowrules.py): a ledger cell with a NUL character or a
    number out of the county's integer range refuses its row, in the county's words."""
    import csv

    path = tmp_path / "信访台账.csv"
    rows = [["序号", "来访日期", "信访人", "村居", "信访形式", "信访类别", "反映问题", "来访人数"],
            ["1", "2026-01-10", "马六", "城东村", "来访", "申诉求决类", "要求支付\x00拖欠工资", "1"],
            ["2", "2026-01-11", "牛七", "城东村", "来访", "申诉求决类", "建议修缮村道", "3000000000"],
            ["3", "2026-01-12", "杨八", "城东村", "来访", "申诉求决类", "土地补偿", "2"]]
    with path.open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh).writerows(rows)
    code, out, err = run("import-ledger", "petition", str(path), "--dry-run")
    assert code == 2, err
    assert "可导入 1 条；拒绝 2 行" in out
    assert "含有无法保存的字符（U+0000）" in out and "整数超出范围" in out
    code, out, err = run("import-ledger", "petition", str(path), "--valid-only")
    assert code == 0 and "导入 1 条" in out, err
    with admin.session() as s:
        assert s.execute(select(func.count()).select_from(m.Petition)).scalar_one() == 1
