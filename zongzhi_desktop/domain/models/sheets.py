"""Saved report sheets (周研判 / 月调度 / 季推进): staff-written parts, and once signed, the frozen copy."""

from datetime import date

from sqlmodel import Field

from .base import Record


class ReportSheet(Record, table=True):
    """One sheet of one period for one township.

    A draft keeps the staff-written parts only (figures are recomputed on every print). Sign-off
    by a reviewer freezes it: the report content as canonical JSON with its SHA-256, and the
    rendered PDF (base64, so the row stays JSON-safe in bundles) with its SHA-256, so the sheet
    reprints byte-identically whatever happens to the records or the software afterwards.
    """

    __tablename__ = "report_sheet"
    sheet_kind: str = Field(index=True, max_length=16)  # weekly | monthly | quarterly
    period: str = Field(index=True, max_length=16)  # 2026-W47 | 2026-11 | 2026-Q4
    period_start: date
    period_end: date
    number: str = Field(max_length=64)  # 编号
    status: str = Field(default="draft", index=True, max_length=16)  # draft | signed
    parts_json: str = Field(default="{}")  # staff-written parts (研判意见…) as JSON
    filled_by: str | None = Field(default=None, max_length=64)  # 填报人 (display name)
    content_json: str | None = None  # frozen report, canonical JSON
    content_sha256: str | None = Field(default=None, max_length=64)
    pdf_b64: str | None = None
    pdf_sha256: str | None = Field(default=None, max_length=64)
    signed_by: str | None = Field(default=None, max_length=64)  # reviewer username
    signed_by_name: str | None = Field(default=None, max_length=64)  # 审核人 as printed
    signed_date: date | None = None
