"""figure indexes: covering indexes for the sheets' counts (date of the period first, spans open at A)

The sheets count petitions and disputes by the database, one GROUP BY per family of figures over a
period of one date column. With these indexes SQLite answers those counts from the index alone
(no lookup of each record's row), so a county quarterly sheet over 1,000,000 records reads index
entries only. Plain CREATE INDEX: no batch rebuild, so no trigger is lost.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-07
"""
from collections.abc import Sequence

from alembic import op

revision: str = "0011"
down_revision: str | Sequence[str] | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# name -> (table, columns); the same as the models' __table_args__ (domain/models/petition.py, dispute.py,
# volunteer.py, history.py).
INDEXES = {
    "ix_petition_received_cover": ("petition", ["received_date", "voided", "township_code", "is_group",
                                                "is_skip_level", "is_repeat", "form", "subject"]),
    "ix_petition_reply_cover": ("petition", ["reply_date", "voided", "township_code", "conclude_deadline", "rating",
                                             "rating_date", "resolution_level", "subject"]),
    "ix_petition_decision_cover": ("petition", ["decision_date", "voided", "township_code", "accept_deadline"]),
    "ix_dispute_found_cover": ("dispute", ["found_date", "voided", "township_code", "risk_level", "homicide_risk",
                                           "type"]),
    "ix_dispute_ended_cover": ("dispute", ["mediation_end_date", "voided", "township_code", "outcome",
                                           "resolution_level", "type"]),
    "ix_activity_figures_cover": ("activity", ["activity_date", "voided", "township_code", "team_id", "village_id",
                                               "people_served", "hazards_found", "disputes_resolved"]),
    "ix_activity_participant_cover": ("activity_participant", ["activity_id", "voided", "hours"]),
    # Replaces ix_status_span_open_at (same leading columns): the spans covering A with their deadline
    # and record, so stock figures read the index only before looking up each open record.
    "ix_status_span_open_cover": ("status_span", ["record_kind", "is_open", "end_date", "start_date", "deadline",
                                                  "record_id"]),
}


def upgrade() -> None:
    for name, (table, cols) in INDEXES.items():
        op.create_index(name, table, cols, unique=False)
    op.drop_index("ix_status_span_open_at", table_name="status_span")


def downgrade() -> None:
    op.create_index("ix_status_span_open_at", "status_span", ["record_kind", "is_open", "end_date", "start_date"],
                    unique=False)
    for name, (table, _cols) in INDEXES.items():
        op.drop_index(name, table_name=table)
