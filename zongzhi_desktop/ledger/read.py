"""Read a ledger file into sheets of cell rows: .xlsx/.xls through python-calamine, CSV in UTF-8 or GBK."""

from __future__ import annotations

import csv
import hashlib
import io
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from python_calamine import CalamineWorkbook

from ..domain.errors import DomainError

EXCEL_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".xlsb", ".ods")


@dataclass
class Sheet:
    """One sheet: its name, its rows of cell values (str, int, float, date, datetime, bool or '')
    and the merged ranges ((first row, first col), (last row, last col)), 0-based."""

    name: str
    rows: list[list[Any]]
    merged: list[tuple[tuple[int, int], tuple[int, int]]] = field(default_factory=list)


def file_sha256(path: Path) -> str:
    """SHA-256 of the file's bytes: the key that makes re-importing the same file a no-op."""
    h = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def sheet_names(path: Path) -> list[str]:
    """Names of the sheets in a workbook (a CSV file has one, named after the file)."""
    if path.suffix.lower() == ".csv":
        return [path.stem]
    return list(_open(path).sheet_names)


def read_sheets(path: Path, names: list[str] | None = None) -> list[Sheet]:
    """Read the chosen sheets (all when `names` is None)."""
    if not path.is_file():
        raise DomainError(f"找不到台账文件“{path}”")
    if path.suffix.lower() == ".csv":
        return [Sheet(path.stem, _read_csv(path))]
    if path.suffix.lower() not in EXCEL_SUFFIXES:
        raise DomainError(f"不支持的台账文件类型“{path.suffix}”：请使用 .xlsx、.xls 或 .csv")
    wb = _open(path)
    chosen = list(wb.sheet_names) if names is None else names
    out = []
    for name in chosen:
        if name not in wb.sheet_names:
            raise DomainError(f"台账中没有名为“{name}”的工作表，现有：{'、'.join(wb.sheet_names)}")
        try:
            sheet = wb.get_sheet_by_name(name)
            rows = sheet.to_python(skip_empty_area=False)
            merged = [((r0, c0), (r1, c1)) for (r0, c0), (r1, c1) in (sheet.merged_cell_ranges or [])]
        except Exception as e:  # calamine's own error types for a damaged sheet
            raise DomainError(f"无法读取工作表“{name}”（{path.name}）：{e}") from None
        out.append(Sheet(name, rows if all(type(r) is list for r in rows) else [list(r) for r in rows], merged))
    return out


def _open(path: Path) -> CalamineWorkbook:
    try:
        return CalamineWorkbook.from_path(str(path))
    except Exception as e:  # calamine raises its own error types for damaged or foreign files
        raise DomainError(f"无法读取台账文件“{path.name}”：{e}") from None


def decode_text(data: bytes) -> str:
    """UTF-8 (with or without BOM) when the bytes are valid UTF-8, otherwise GBK (GB18030)."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("gb18030")
    except UnicodeDecodeError:
        raise DomainError("CSV 文件既不是 UTF-8 也不是 GBK 编码，请在 Excel 中另存为“CSV UTF-8”") from None


def _read_csv(path: Path) -> list[list[Any]]:
    text = decode_text(path.read_bytes())
    try:
        return [list(r) for r in csv.reader(io.StringIO(text))]
    except csv.Error as e:  # NUL bytes, a field over the size limit…
        raise DomainError(f"CSV 文件“{path.name}”格式有误：{e}") from None
