"""A real Excel 97-2003 .xls ledger (written with xlwt, read back through python-calamine)."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import pytest
import xlwt  # dev extra: writes the Excel 97-2003 file this test reads back
from sqlalchemy import select

from zongzhi_desktop.domain import models as m
from zongzhi_desktop.ledger.importer import commit_import, plan_import
from zongzhi_desktop.ledger.mapping import Mapping
from zongzhi_desktop.ledger.read import read_sheets, sheet_names

from .samples import ID_A, ID_C, VILLAGES


def xls_ledger(path: Path) -> Path:
    """Two sheets (one a month); a merged title, a two-row header merged over 当事人, an Excel date,
    text dates, an ID typed as a number, a 合计 row."""
    book = xlwt.Workbook(encoding="utf-8")
    day = xlwt.easyxf(num_format_str="YYYY-MM-DD")
    ws = book.add_sheet("2025年3月")
    ws.write_merge(0, 0, 0, 8, "湖镇镇2025年3月矛盾纠纷排查化解台账")
    ws.write(2, 0, "序号")
    ws.write_merge(2, 2, 1, 2, "当事人")
    ws.write(3, 1, "姓名")
    ws.write(3, 2, "身份证号")
    for col, text in enumerate(("被申请人", "村居", "纠纷类型", "排查日期", "化解情况", "化解日期"), start=3):
        ws.write_merge(2, 3, col, col, text)
    rows = [
        [1, "张三", ID_A, "王五", "城东村", "邻里纠纷", datetime(2025, 3, 5), "已化解", "2025.3.20"],
        [2, "孙八", ID_C, "周九", "河西社区", "婚姻家庭", "3月8日", "调解中", None],
        [3, "赵六", 330825198503121000.0, "钱七", "城东村", "邻里", "2025-03-09", "调解中", None],  # mangled ID
        ["合计", None, None, None, None, None, None, None, "3件"],
    ]
    for r, row in enumerate(rows, start=4):
        for c, value in enumerate(row):
            if value is None:
                continue
            if isinstance(value, datetime):
                ws.write(r, c, value, day)
            else:
                ws.write(r, c, value)
    ws2 = book.add_sheet("2025年4月")
    ws2.write(0, 0, "湖镇镇2025年4月矛盾纠纷排查化解台账")
    for c, text in enumerate(("序号", "申请人", "对方当事人", "村别", "纠纷类别", "登记日期", "调处结果")):
        ws2.write(1, c, text)
    for c, value in enumerate((1, "吴十", "郑一", "城东村", "土地纠纷", "2025年4月2日", "已受理")):
        ws2.write(2, c, value)
    book.save(str(path))
    return path


@pytest.fixture
def township(admin):
    for code, name in VILLAGES:
        admin.create("village", {"code": code, "name": name})
    return admin


def test_a_real_xls_file_is_read_and_imported(township, clerk, tmp_path):
    book = xls_ledger(tmp_path / "纠纷台账.xls")
    assert book.read_bytes()[:8] == bytes.fromhex("D0CF11E0A1B11AE1")  # an OLE2 compound file, not a renamed .xlsx
    assert sheet_names(book) == ["2025年3月", "2025年4月"]
    cells = read_sheets(book, ["2025年3月"])[0]
    assert ((2, 1), (2, 2)) in cells.merged  # the merged 当事人 cell survives the .xls reader
    mapping = Mapping("dispute", defaults={"source": "网格员排查", "route": "人民调解", "agreement_form": "口头协议",
                                           "resolution_level": "村级"})
    plan = plan_import(clerk, "dispute", book, sheets=None, mapping=mapping)
    assert plan.rows_read == 5 and dict(plan.skipped) == {"subtotal": 1}
    assert len(plan.prepared) == 3 and plan.refused_rows == 1
    (error,) = plan.errors
    assert (error.sheet, error.row, error.column, error.rule) == ("2025年3月", 7, "当事人身份证号", "id_mangled")
    result = commit_import(clerk, plan, valid_only=True)
    assert result.imported == 3
    with clerk.session() as s:
        got = {d.title: (d.status, d.found_date, d.mediation_end_date)
               for d in s.execute(select(m.Dispute)).scalars()}
    assert got == {
        "张三与王五邻里纠纷": ("succeeded", date(2025, 3, 5), date(2025, 3, 20)),  # the Excel date cell
        "孙八与周九婚姻家庭纠纷": ("mediating", date(2025, 3, 8), None),  # 3月8日: the year from the title
        "吴十与郑一土地承包纠纷": ("accepted", date(2025, 4, 2), None),
    }
