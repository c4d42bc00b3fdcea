"""merge the four feature branches (0002 sheets, 0003 sync, 0004 search, 0005 drafts) into one line

From here on the history is linear: every new migration revises the single head before it
(tests/test_migrations.py fails when the graph has two heads).

Revision ID: 0006
Revises: 0002, 0003, 0004, 0005
Create Date: 2026-12-07
"""
from collections.abc import Sequence

revision: str = "0006"
down_revision: str | Sequence[str] | None = ("0002", "0003", "0004", "0005")
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Nothing to change: the merge only joins the branches."""


def downgrade() -> None:
    """Nothing to change: the merge only joins the branches."""
