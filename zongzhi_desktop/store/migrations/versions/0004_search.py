"""search: FTS5 trigram tables kept in sync by triggers, and partial indexes for the record lists

Revision ID: 0004
Revises: 0001
Create Date: 2026-11-21

The definitions live in zongzhi_desktop/store/search_index.py (the app can rebuild them after a
batch migration drops the triggers). The upgrade fills the search tables from existing rows. The
trigram tables made here are replaced by the n-gram design in migration 0019.
SQLite only: on PostgreSQL (the county hub) this revision does nothing.
"""
from collections.abc import Sequence

from alembic import op

from zongzhi_desktop.store import search_index

revision: str = '0004'
down_revision: str | Sequence[str] | None = '0001'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        return
    import sqlalchemy as sa

    # Indexes on columns a later migration adds (0018: petitioner_pinyin) are made by that migration.
    inspector = sa.inspect(op.get_bind())
    have = {t: {c["name"] for c in inspector.get_columns(t)} for t in search_index.LIST_INDEXES}
    search_index.create_trigram(op.execute)
    search_index.create_list_indexes(op.execute, has_columns=lambda table, cols: set(cols) <= have[table])


def downgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        return
    search_index.drop_all(op.execute)
