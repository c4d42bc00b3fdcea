"""row audit hash: every record row (and user) carries the hash of the audit entry that last wrote
it, so `audit verify` can check rows against the chain (issue 14). Plain ADD COLUMN (no batch
rebuild, so no trigger is lost), then the existing rows get their hash from the chain.

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-07
"""
from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

from zongzhi_desktop.store import rowhash

revision: str = "0013"
down_revision: str | Sequence[str] | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    inspector = sa.inspect(op.get_bind())
    for table in rowhash.ROW_TABLES:
        # A store re-stamped to an older revision (tests, a repaired store) may already have it.
        if "audit_hash" not in {c["name"] for c in inspector.get_columns(table)}:
            op.add_column(table, sa.Column("audit_hash", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True))
    rowhash.backfill(op.get_bind())


def downgrade() -> None:
    sqlite = op.get_bind().dialect.name == "sqlite"
    for table in rowhash.ROW_TABLES:
        if sqlite:  # SQLite 3.35+ drops a column in place: no table rebuild, triggers kept
            op.execute(f"ALTER TABLE {table} DROP COLUMN audit_hash")
        else:
            op.drop_column(table, "audit_hash")
