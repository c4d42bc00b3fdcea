"""report sheets (saved staff-written parts; signed-off sheets frozen with content and PDF hashes)

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-21
"""
from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0002"
down_revision: str | Sequence[str] | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_INDEXED = ("period", "sheet_kind", "status", "township_code")


def upgrade() -> None:
    op.create_table(
        "report_sheet",
        sa.Column("id", sqlmodel.sql.sqltypes.AutoString(length=36), nullable=False),
        sa.Column("township_code", sqlmodel.sql.sqltypes.AutoString(length=9), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("created_by", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("updated_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("updated_by", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("voided", sa.Boolean(), nullable=False),
        sa.Column("void_reason", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.Column("sheet_kind", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("period", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("period_start", sa.Date(), nullable=False),
        sa.Column("period_end", sa.Date(), nullable=False),
        sa.Column("number", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("status", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("parts_json", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("filled_by", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
        sa.Column("content_json", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.Column("content_sha256", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
        sa.Column("pdf_b64", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.Column("pdf_sha256", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
        sa.Column("signed_by", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
        sa.Column("signed_by_name", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
        sa.Column("signed_date", sa.Date(), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("report_sheet", schema=None) as batch_op:
        for col in _INDEXED:
            batch_op.create_index(batch_op.f(f"ix_report_sheet_{col}"), [col], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("report_sheet", schema=None) as batch_op:
        for col in _INDEXED:
            batch_op.drop_index(batch_op.f(f"ix_report_sheet_{col}"))
    op.drop_table("report_sheet")
