"""status history: each record's status and deadline over time, backfilled from the workflow events

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-07
"""
from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

from zongzhi_desktop.store import status_history

revision: str = "0009"
down_revision: str | Sequence[str] | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "status_span",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("record_kind", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("record_id", sqlmodel.sql.sqltypes.AutoString(length=36), nullable=False),
        sa.Column("township_code", sqlmodel.sql.sqltypes.AutoString(length=9), nullable=False),
        sa.Column("start_date", sa.Date(), nullable=False),
        sa.Column("end_date", sa.Date(), nullable=False),
        sa.Column("status", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
        sa.Column("is_open", sa.Boolean(), nullable=False),
        sa.Column("deadline", sa.Date(), nullable=True),
        sa.Column("deadline_kind", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("status_span", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_status_span_record_id"), ["record_id"], unique=False)
        batch_op.create_index("ix_status_span_open_at", ["record_kind", "is_open", "end_date", "start_date"],
                              unique=False)
    status_history.rebuild_all(op.get_bind(), reflect=True)


def downgrade() -> None:
    with op.batch_alter_table("status_span", schema=None) as batch_op:
        batch_op.drop_index("ix_status_span_open_at")
        batch_op.drop_index(batch_op.f("ix_status_span_record_id"))
    op.drop_table("status_span")
