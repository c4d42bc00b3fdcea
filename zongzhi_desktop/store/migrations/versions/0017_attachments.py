"""attachments: files attached to records (metadata, synced) and their bytes as sent to the county
(issue 16 item 5). New tables only: nothing is rebuilt, so no trigger is lost.

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-07
"""
from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0017"
down_revision: str | Sequence[str] | None = "0016"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

Text = sqlmodel.sql.sqltypes.AutoString


def _record_columns() -> list[sa.Column]:
    return [
        sa.Column("id", Text(length=36), nullable=False),
        sa.Column("township_code", Text(length=9), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("created_by", Text(length=64), nullable=False),
        sa.Column("updated_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("updated_by", Text(length=64), nullable=False),
        sa.Column("voided", sa.Boolean(), nullable=False),
        sa.Column("void_reason", Text(), nullable=True),
        sa.Column("audit_hash", Text(length=64), nullable=True),
    ]


def upgrade() -> None:
    if sa.inspect(op.get_bind()).has_table("attachment"):  # a store stamped back to an earlier revision
        return
    op.create_table(
        "attachment", *_record_columns(),
        sa.Column("record_kind", Text(length=16), nullable=False),
        sa.Column("record_id", Text(length=36), nullable=False),
        sa.Column("sha256", Text(length=64), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("file_name", Text(length=200), nullable=False),
        sa.Column("media_type", Text(length=100), nullable=False),
        sa.Column("note", Text(length=500), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_attachment_township_code", "attachment", ["township_code"])
    op.create_index("ix_attachment_record_id", "attachment", ["record_id"])
    op.create_index("ix_attachment_sha256", "attachment", ["sha256"])
    op.create_table(
        "attachment_content", *_record_columns(),
        sa.Column("sha256", Text(length=64), nullable=False),
        sa.Column("content_zlib", sa.LargeBinary(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_attachment_content_township_code", "attachment_content", ["township_code"])


def downgrade() -> None:
    op.drop_table("attachment_content")
    op.drop_table("attachment")
