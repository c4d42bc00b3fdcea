"""petitioner_pinyin: 信访人 sorted in pinyin order through an index (issue 16 item 7), a store-local
column derived from petitioner_name (store/derived.py), filled here for the petitions stored before.
Plain ADD COLUMN: no batch rebuild, so no trigger is lost.

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-07
"""
from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0018"
down_revision: str | Sequence[str] | None = "0017"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BATCH = 5000


def upgrade() -> None:
    from zongzhi_desktop.domain.pinyin import collation_key

    bind = op.get_bind()
    if "petitioner_pinyin" not in {c["name"] for c in sa.inspect(bind).get_columns("petition")}:
        op.add_column("petition", sa.Column("petitioner_pinyin", sqlmodel.sql.sqltypes.AutoString(), nullable=True))
    rows = bind.execute(sa.text("SELECT id, petitioner_name FROM petition WHERE petitioner_pinyin IS NULL")).all()
    update = sa.text("UPDATE petition SET petitioner_pinyin = :k WHERE id = :i")
    for start in range(0, len(rows), BATCH):
        bind.execute(update, [{"k": collation_key(name), "i": rid} for rid, name in rows[start:start + BATCH]])
    if bind.dialect.name == "sqlite":  # the list's sort index (store/search_index.py LIST_INDEXES)
        op.execute("DROP INDEX IF EXISTS ixl_petition_petitioner_name")
        op.execute("CREATE INDEX IF NOT EXISTS ixl_petition_petitioner_pinyin ON petition (petitioner_pinyin) "
                   "WHERE voided = 0")


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        op.execute("DROP INDEX IF EXISTS ixl_petition_petitioner_pinyin")
        op.execute("CREATE INDEX IF NOT EXISTS ixl_petition_petitioner_name ON petition (petitioner_name) "
                   "WHERE voided = 0")
    if op.get_bind().dialect.name == "sqlite":  # SQLite 3.35+ drops a column in place: triggers kept
        op.execute("ALTER TABLE petition DROP COLUMN petitioner_pinyin")
    else:
        op.drop_column("petition", "petitioner_pinyin")
