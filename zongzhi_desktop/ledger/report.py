"""The error report: the original rows of every sheet with an 错误 column, and a 汇总 sheet."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font, PatternFill

from .importer import SKIP_LABELS, Plan
from .values import cell_text

_RED = PatternFill("solid", fgColor="FDE2E1")


def _safe(v: Any) -> Any:
    if isinstance(v, str):
        v = ILLEGAL_CHARACTERS_RE.sub("", v)  # control characters from a CSV cannot go into an .xlsx
        if v[:1] in ("=", "+", "-", "@"):
            return "'" + v  # never let a ledger cell become a formula in the report
    return v


def write_error_report(plan: Plan, out: str | Path) -> Path:
    """Write the refused rows (original cells plus 错误) per sheet and the import summary."""
    out = Path(out)
    wb = Workbook()
    ws = wb.active
    ws.title = "汇总"
    ws.append(["台账文件", plan.path.name])
    ws.append(["读取行数", plan.rows_read])
    ws.append(["可导入（通过校验）", len(plan.prepared)])
    for reason, n in plan.skipped.items():
        ws.append([f"跳过：{SKIP_LABELS.get(reason, reason)}", n])
    ws.append(["未通过校验（拒绝）", plan.refused_rows])
    for rule, n in plan.refused_by_rule().most_common():
        ws.append([f"  拒绝原因：{rule}", n])
    if plan.unknown:
        ws.append([])
        ws.append(["未能对应的值", "出现次数"])
        for u in plan.unknown:
            ws.append([_safe(f"{u.label}：{u.text}"), u.count])
    ws.column_dimensions["A"].width = 36
    by_sheet: dict[str, list[tuple[int, list[str]]]] = {}
    for e in plan.errors:
        rows = by_sheet.setdefault(e.sheet, [])
        text = f"[{e.column or '—'}] {e.message}（规则 {e.rule}）"
        if rows and rows[-1][0] == e.row:
            rows[-1][1].append(text)
        else:
            rows.append((e.row, [text]))
    for sp in plan.sheets:
        if sp.name not in by_sheet or sp.header is None:
            continue
        sheet = wb.create_sheet(sp.name[:31])
        sheet.append(["原行号", "错误", *sp.header.columns])
        for c in sheet[1]:
            c.font = Font(bold=True)
        for number, messages in by_sheet[sp.name]:
            raw = plan.raw_rows.get((sp.name, number), [])
            sheet.append([number, _safe("；".join(messages)), *(_safe(cell_text(v)) for v in raw)])
            err = sheet.cell(row=sheet.max_row, column=2)
            err.fill = _RED
            err.alignment = Alignment(wrap_text=True, vertical="top")
        sheet.column_dimensions["B"].width = 60
        sheet.freeze_panes = "C2"
    wb.save(out)
    return out
