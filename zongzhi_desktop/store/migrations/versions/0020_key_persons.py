"""key persons (重点人员, issue 18): the register, its visits and its links to petitions and disputes.
New tables only: nothing is rebuilt, so no trigger is lost.

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-08
"""
from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0020"
down_revision: str | Sequence[str] | None = "0019"
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


def _indexes(table: str, *columns: str) -> None:
    for column in ("township_code", *columns):
        op.create_index(f"ix_{table}_{column}", table, [column])


def upgrade() -> None:
    if sa.inspect(op.get_bind()).has_table("key_person"):  # a store stamped back to an earlier revision
        return
    op.create_table(
        "key_person", *_record_columns(),
        sa.Column("serial", Text(length=32), nullable=False),
        sa.Column("name", Text(), nullable=False),
        sa.Column("id_number", Text(length=18), nullable=True),
        sa.Column("phone", Text(length=32), nullable=True),
        sa.Column("address", Text(), nullable=True),
        sa.Column("village_id", Text(), nullable=True),
        sa.Column("grid_id", Text(), nullable=True),
        sa.Column("category", Text(length=32), nullable=False),
        sa.Column("risk_level", Text(length=16), nullable=False),
        sa.Column("grid_worker_id", Text(), nullable=True),
        sa.Column("leader_id", Text(), nullable=True),
        sa.Column("measures", Text(), nullable=True),
        sa.Column("registered_date", sa.Date(), nullable=False),
        sa.Column("last_visit_date", sa.Date(), nullable=True),
        sa.Column("risk_raised_date", sa.Date(), nullable=True),
        sa.Column("status", Text(), nullable=False),
        sa.Column("next_deadline", sa.Date(), nullable=True),
        sa.Column("next_deadline_kind", Text(), nullable=True),
        sa.Column("released_date", sa.Date(), nullable=True),
        sa.Column("release_reason", Text(), nullable=True),
        sa.Column("release_approver", Text(), nullable=True),
        sa.Column("note", Text(), nullable=True),
        sa.ForeignKeyConstraint(["village_id"], ["village.id"]),
        sa.ForeignKeyConstraint(["grid_id"], ["grid.id"]),
        sa.ForeignKeyConstraint(["grid_worker_id"], ["grid_worker.id"]),
        sa.ForeignKeyConstraint(["leader_id"], ["leader.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    _indexes("key_person", "serial", "id_number", "village_id", "category", "registered_date", "status",
             "next_deadline", "released_date")
    op.create_index("ix_key_person_name", "key_person", ["name"])
    op.create_index("ix_key_person_status_registered", "key_person", ["status", "registered_date"])
    op.create_index("ix_key_person_category_registered", "key_person", ["category", "registered_date"])
    op.create_table(
        "key_person_visit", *_record_columns(),
        sa.Column("key_person_id", Text(), nullable=False),
        sa.Column("visit_date", sa.Date(), nullable=False),
        sa.Column("visitor", Text(), nullable=False),
        sa.Column("situation", Text(), nullable=False),
        sa.Column("risk_before", Text(length=16), nullable=True),
        sa.Column("risk_after", Text(length=16), nullable=True),
        sa.ForeignKeyConstraint(["key_person_id"], ["key_person.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    _indexes("key_person_visit", "key_person_id", "visit_date")
    op.create_table(
        "key_person_link", *_record_columns(),
        sa.Column("key_person_id", Text(), nullable=False),
        sa.Column("record_kind", Text(length=16), nullable=False),
        sa.Column("record_id", Text(length=36), nullable=False),
        sa.ForeignKeyConstraint(["key_person_id"], ["key_person.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    _indexes("key_person_link", "key_person_id", "record_id")


def downgrade() -> None:
    """Keeps the tables and their rows: the register is the only copy of what it holds (it does not
    travel whole to the county), an older release ignores tables it does not know, and upgrading
    again finds them in place (the guard in `upgrade`)."""
