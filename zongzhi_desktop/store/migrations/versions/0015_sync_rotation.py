"""sync rotation: the township keeps the county signing keys a rotation replaced (receipts for
bundles sealed before it), and each exported bundle's content key, recipient and re-sealed file
hash, so a bundle still waiting can be re-sealed to the county's new key, and when a waiting bundle
was dropped because no county key opens it any more (issue 15). Plain ADD COLUMN: no batch
rebuild, so no trigger is lost.

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-07
"""
from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0015"
down_revision: str | Sequence[str] | None = "0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

COLUMNS = {
    "sync_county": [sa.Column("previous_keys", sqlmodel.sql.sqltypes.AutoString(), nullable=False,
                              server_default="[]")],
    "sync_bundle": [sa.Column("content_key", sa.LargeBinary(), nullable=True),
                    sa.Column("recipient", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
                    sa.Column("file_hash", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
                    sa.Column("dropped_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True)],
}


def upgrade() -> None:
    inspector = sa.inspect(op.get_bind())
    for table, columns in COLUMNS.items():
        have = {c["name"] for c in inspector.get_columns(table)}
        for column in columns:
            if column.name not in have:
                op.add_column(table, column)


def downgrade() -> None:
    sqlite = op.get_bind().dialect.name == "sqlite"
    for table, columns in COLUMNS.items():
        for column in columns:
            if sqlite:  # SQLite 3.35+ drops a column in place: no table rebuild, triggers kept
                op.execute(f"ALTER TABLE {table} DROP COLUMN {column.name}")
            else:
                op.drop_column(table, column.name)
