"""deadlines for every open dispute stage (issue 16): disputes in 排查登记 / 已受理 / 调解不成 now have
a next deadline. The rows are recomputed right after the upgrade, with an audit entry each
(store/stage_deadlines.py run_pending, called by Store); this migration only leaves the marker, on
a township store that has such disputes (a county store never rewrites its townships' rows).

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-07
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0016"
down_revision: str | Sequence[str] | None = "0015"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

PENDING_KEY = "pending_stage_deadlines"  # store/stage_deadlines.py


def upgrade() -> None:
    conn = op.get_bind()
    role = conn.execute(sa.text("SELECT value FROM setting WHERE key = 'store_role'")).scalar()
    if role == "county":
        return
    waiting = conn.execute(sa.text(
        "SELECT count(*) FROM dispute WHERE voided = :no AND status IN ('registered', 'accepted', 'failed')"),
        {"no": False}).scalar()
    if waiting:
        conn.execute(sa.text("INSERT INTO setting (key, value) VALUES (:k, '1')"), {"k": PENDING_KEY})


def downgrade() -> None:
    op.get_bind().execute(sa.text("DELETE FROM setting WHERE key = :k"), {"k": PENDING_KEY})
