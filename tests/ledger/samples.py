"""Ledgers as clerks really keep them, generated with openpyxl (and a GBK CSV) for the import tests.

Every oddity the issue lists is in here; EXPECTED says what an import must make of each sheet.
"""

from __future__ import annotations

import csv
import json
from datetime import date, datetime
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment

ID_A = "330825198503121239"
ID_B = "330825199001014569"
ID_C = "330825197511207898"
ID_X_LOWER = "33082519700101018x"
ID_P = "330825196205053216"
ID_Q = "330825198808086542"

VILLAGES = [("330825101001", "城东村"), ("330825101002", "河西社区")]


def _title(ws, text: str, width: int) -> None:
    ws.append([text])
    ws.merge_cells(start_row=ws.max_row, start_column=1, end_row=ws.max_row, end_column=width)
    ws.append(["填报单位：湖镇镇综治中心", None, None, None, "填报人：王五"])


def _two_row_header(ws) -> None:
    top = ["序号", "当事人", None, None, "被申请人", "村居", "纠纷类型", "排查日期", "化解情况", "化解日期", "化解层级", "备注"]
    sub = [None, "姓名", "身份证号", "电话", None, None, None, None, None, None, None, None]
    ws.append(top)
    ws.append(sub)
    r = ws.max_row
    ws.merge_cells(start_row=r - 1, start_column=2, end_row=r - 1, end_column=4)
    for col in (1, 5, 6, 7, 8, 9, 10, 11, 12):
        ws.merge_cells(start_row=r - 1, start_column=col, end_row=r, end_column=col)
    ws.cell(r - 1, 2).alignment = Alignment(horizontal="center")


def dispute_workbook(path: Path) -> Path:
    """Two sheets (one a year): title + 填报单位 rows, a two-row merged header on 2025年, a
    one-row header with other synonyms on 2026年, and every kind of odd cell."""
    wb = Workbook()
    ws = wb.active
    ws.title = "2025年"
    _title(ws, "湖镇镇2025年矛盾纠纷排查化解台账", 12)
    _two_row_header(ws)
    rows = [
        # 1 two applicants in one cell, two IDs, date as a real Excel date, resolved
        [1, "张三、李四", f"{ID_A}、{ID_B}", "13800000001、13800000002", "王五", "城东村", "邻里纠纷",
         datetime(2025, 3, 5), "已化解", "2025.3.20", "村级", "双方和解"],
        # 2 ID typed as a number: Excel kept 15 digits -> refused, never repaired
        [2, "赵六", 330825198503121000, None, "钱七", "城东村", "邻里", "2025-04-01", "调解中", None, None, None],
        # 3 3月5日 without a year: the year comes from the title; still in mediation
        [3, "孙八", ID_C, "0570-7012345", "周九", "河西社区", "婚姻家庭", "3月5日", "调解中", None, None, None],
        [],  # 4 blank row
        # 5 an old 15-digit number -> refused
        [5, "吴十", "330825850312123", None, None, "城东村", "土地纠纷", "2025-05-02", "已受理", None, None, None],
        # 6 lowercase x -> accepted as X
        [6, "郑一", ID_X_LOWER, None, "王二", "城东村", "劳资纠纷", "2025年6月1日", "调解不成", "2025-06-20", None, "转诉讼"],
        ["小计", None, None, None, None, None, None, None, None, None, None, None],
        # page-break repeat of both header rows
        ["序号", "当事人", None, None, "被申请人", "村居", "纠纷类型", "排查日期", "化解情况", "化解日期", "化解层级", "备注"],
        [None, "姓名", "身份证号", "电话", None, None, None, None, None, None, None, None],
        # 10 only a year and month -> refused
        [10, "冯三", None, None, "陈四", "城东村", "邻里纠纷", "2025.7", "调解中", None, None, None],
        # 11 a state nobody mapped -> refused, listed once as unknown
        [11, "褚五", None, None, "卫六", "城东村", "邻里纠纷", "2025-07-15", "搁置", None, None, None],
        # 12 date as an Excel serial number typed as plain number; resolved with a slash date
        [12, "蒋七", None, "13900000003", "沈八", "河西社区", "物业纠纷", 45800, "调解成功", "2025/06/10", "乡镇级", None],
        # 13 a village not in the store -> refused
        [13, "韩九", None, None, "杨十", "西山村", "邻里纠纷", "2025-08-01", "已登记", None, None, None],
        ["合计", None, None, None, None, None, None, None, None, None, None, "13件"],
    ]
    for r in rows:
        ws.append(r)
    ws2 = wb.create_sheet("2026年")
    ws2.append(["2026年矛盾纠纷排查化解台账"])
    ws2.append(["申请人", "身份证号码", "联系电话", "对方当事人", "村别", "纠纷类别", "登记日期", "办理结果", "办结日期", "化解层面"])
    ws2.append(["朱一", ID_P, "13700000004", "秦二", "河西社区", "合同纠纷", date(2026, 1, 8), "化解", date(2026, 1, 20), "乡镇"])
    ws2.append(["尤三", None, None, "许四", "城东村", "损害赔偿", "2026-02-03", None, None, None])
    wb.save(path)
    return path


# What an import with DISPUTE_MAPPING must make of dispute_workbook().
DISPUTE_EXPECTED = {
    "rows_read": 16,  # rows between the header and the last filled row: 14 on 2025年, 2 on 2026年
    "imported": 6,  # rows 1, 3, 6, 12 of 2025年 and both rows of 2026年
    "skipped": {"blank": 1, "subtotal": 2, "header_repeat": 2},
    "refused_rules": {"id_mangled", "id_15", "date_month_only", "unmapped_value", "ref"},
    "refused": 5,
}

DISPUTE_MAPPING = {
    "kind": "dispute",
    "columns": {"备注": "remark"},
    "values": {"state": {}},
    "defaults": {"source": "网格员排查", "route": "人民调解", "agreement_form": "口头协议"},
}


def write_mapping(path: Path, mapping: dict) -> Path:
    path.write_text(json.dumps(mapping, ensure_ascii=False), encoding="utf-8")
    return path


def petition_csv(path: Path, encoding: str = "gbk") -> Path:
    """A 2026 信访台账 exported to CSV (GBK by default, as Excel on Chinese Windows writes it)."""
    rows = [
        ["湖镇镇2026年信访台账"],
        ["序号", "来访日期", "信访人", "身份证号", "联系电话", "村居", "信访形式", "信访类别", "问题类别", "反映问题",
         "受理日期", "办理结果", "办结日期", "处理意见"],
        ["1", "2026-01-10", "马六", ID_Q, "13600000005", "城东村", "来访", "申诉求决类", "劳动社保", "要求支付拖欠工资",
         "2026-01-12", "已办结", "2026-02-20", "支持"],
        ["2", "2026.2.3", "牛七", "", "", "河西社区", "来信", "建议意见类", "城乡建设", "建议修缮村道",
         "", "在办", "", ""],
        ["3", "2026年3月1日", "杨八、何九", "", "", "城东村", "走访", "申诉求决类", "农村农业", "土地补偿",
         "", "", "", ""],
        ["", "", "", "", "", "", "", "", "", "", "", "", "", ""],
        ["4", "2026-03-02", "吕十", "1.10101E+17", "", "城东村", "来访", "申诉求决类", "其他", "反映邻居占道",
         "", "", "", ""],
        ["合计", "", "", "", "", "", "", "", "", "", "", "", "", ""],
    ]
    with path.open("w", encoding=encoding, newline="") as fh:
        csv.writer(fh).writerows(rows)
    return path
