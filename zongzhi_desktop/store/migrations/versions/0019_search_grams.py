"""search_grams: any search term through an index (issue 17). The FTS5 trigram tables of 0004 are
replaced by a plain search-text table per kind and a contentless FTS5 index (detail=none) of the
3-character substring at every position of that text with prefix indexes of 1 and 2 characters,
fed by plain-SQL triggers (store/search_index.py), and a partial index of each searchable kind's
voided rows (a frequent term's count is its hits less the voided ones). The upgrade rebuilds the
search tables from the stored rows; the base-table triggers keep their text.

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-08
"""
from collections.abc import Sequence

from alembic import op

from zongzhi_desktop.store import search_index

revision: str = "0019"
down_revision: str | Sequence[str] | None = "0018"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        return
    search_index.drop_search(op.execute)
    search_index.create_all(op.execute)


def downgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        return
    search_index.drop_search(op.execute)
    search_index.create_trigram(op.execute)
