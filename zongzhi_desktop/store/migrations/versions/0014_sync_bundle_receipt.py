"""sync_bundle.receipt: the township keeps the county's signed receipt of each bundle (zlib-compressed),
so `audit verify` can check its audit chain against the chain end the county witnessed (issue 15).
Plain ADD COLUMN; bundles receipted before it keep NULL there.

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-07
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0014"
down_revision: str | Sequence[str] | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # A store re-stamped to an older revision (tests, a repaired store) may already have it.
    if "receipt" not in {c["name"] for c in sa.inspect(op.get_bind()).get_columns("sync_bundle")}:
        op.add_column("sync_bundle", sa.Column("receipt", sa.LargeBinary(), nullable=True))


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":  # SQLite 3.35+ drops a column in place: no table rebuild
        op.execute("ALTER TABLE sync_bundle DROP COLUMN receipt")
    else:
        op.drop_column("sync_bundle", "receipt")
