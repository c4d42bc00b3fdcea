"""status history for records without any: the ledger import of the previous release stored
records without their status history, so stock figures as at A (在办, 逾期, 7日内到期) left them
out. Every record of a kind with a history gets its spans replayed from its events if it has none.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-07
"""
from collections.abc import Sequence

from alembic import op

from zongzhi_desktop.store import status_history

revision: str = "0012"
down_revision: str | Sequence[str] | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    conn = op.get_bind()
    status_history.backfill_missing(conn)


def downgrade() -> None:
    pass  # the spans are derived data; leaving them is harmless
