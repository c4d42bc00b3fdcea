"""Ledger imports (台账导入): one row per import batch and one per imported ledger row.

Installation-local bookkeeping like drafts: the imported records themselves sync as usual;
these tables say where each record came from (file, sheet, row) and let a batch be undone.
"""

from datetime import datetime

from sqlmodel import Field

from .base import Model, utcnow


class ImportBatch(Model, table=True):
    """One import of one ledger file: what was read, what was stored, and whether it was undone."""

    __tablename__ = "import_batch"
    id: str = Field(primary_key=True, max_length=36)
    kind: str = Field(max_length=16)
    file_name: str
    file_sha256: str = Field(max_length=64, index=True)
    sheets: str  # JSON list of sheet names read
    summary: str  # JSON: rows read, imported, skipped and refused by reason
    imported: int = Field(default=0)
    audit_seq: int | None = None
    created_at: datetime = Field(default_factory=utcnow)
    created_by: str = Field(default="", max_length=64)
    undone_at: datetime | None = None
    undone_by: str | None = Field(default=None, max_length=64)
    undo_reason: str | None = None


class ImportSource(Model, table=True):
    """Where one imported record came from. Re-imports are recognised by (file hash, sheet, row) and,
    for a file saved again with the same rows, by the hash of the row's mapped cells."""

    __tablename__ = "import_source"
    id: int | None = Field(default=None, primary_key=True)
    batch_id: str = Field(foreign_key="import_batch.id", index=True, max_length=36)
    record_kind: str = Field(max_length=16)
    record_id: str = Field(index=True, max_length=36)
    file_sha256: str = Field(max_length=64, index=True)
    sheet: str
    row_number: int
    content_sha256: str = Field(max_length=64, index=True)
