"""city hub (issue 19): the county keeps each township bundle as received (forwarded to the city
byte for byte, the chain of custody) and what the city acknowledged; the city's registered counties,
their keys and the county bundles it imported. New tables and plain ADD COLUMNs: nothing is rebuilt,
so no trigger is lost.

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-08
"""
from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0021"
down_revision: str | Sequence[str] | None = "0020"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

Text = sqlmodel.sql.sqltypes.AutoString
When = sqlmodel.sql.sqltypes.UTCDateTime


def upgrade() -> None:
    bind = op.get_bind()
    inspector = sa.inspect(bind)
    have = {c["name"] for c in inspector.get_columns("county_bundle")}
    if "original" not in have:
        op.add_column("county_bundle", sa.Column("original", sa.LargeBinary(), nullable=True))
    if "city_sequence" not in have:
        op.add_column("county_bundle", sa.Column("city_sequence", sa.Integer(), nullable=True))
    if "city_acked_at" not in have:
        op.add_column("county_bundle", sa.Column("city_acked_at", When(), nullable=True))
    if inspector.has_table("city_county"):  # a store stamped back to an earlier revision
        return
    op.create_table(
        "city_county",
        sa.Column("code", Text(length=6), nullable=False),
        sa.Column("name", Text(), nullable=False),
        sa.Column("registered_at", When(), nullable=False),
        sa.Column("registered_by", Text(length=64), nullable=False),
        sa.Column("last_sequence", sa.Integer(), nullable=False),
        sa.Column("last_received_at", When(), nullable=True),
        sa.Column("bundle_count", sa.Integer(), nullable=False),
        sa.Column("lock_version", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("code"),
    )
    op.create_table(
        "city_county_key",
        sa.Column("key_id", Text(length=64), nullable=False),
        sa.Column("county_code", Text(length=6), nullable=False),
        sa.Column("public_key", Text(length=64), nullable=False),
        sa.Column("status", Text(length=16), nullable=False),
        sa.Column("registered_at", When(), nullable=False),
        sa.Column("registered_by", Text(length=64), nullable=False),
        sa.Column("status_changed_at", When(), nullable=True),
        sa.Column("registration", Text(), nullable=False),
        sa.ForeignKeyConstraint(["county_code"], ["city_county.code"]),
        sa.PrimaryKeyConstraint("key_id"),
    )
    op.create_index("ix_city_county_key_county_code", "city_county_key", ["county_code"])
    op.create_table(
        "city_bundle",
        sa.Column("bundle_hash", Text(length=64), nullable=False),
        sa.Column("county_code", Text(length=6), nullable=False),
        sa.Column("sequence", sa.Integer(), nullable=False),
        sa.Column("bundle_id", Text(length=36), nullable=False),
        sa.Column("previous_hash", Text(length=64), nullable=False),
        sa.Column("created_at", When(), nullable=False),
        sa.Column("span_from", When(), nullable=True),
        sa.Column("span_to", When(), nullable=True),
        sa.Column("received_at", When(), nullable=False),
        sa.Column("received_by", Text(length=64), nullable=False),
        sa.Column("via", Text(length=16), nullable=False),
        sa.Column("signer_key_id", Text(length=64), nullable=False),
        sa.Column("file_size", sa.Integer(), nullable=False),
        sa.Column("township_bundles", sa.Integer(), nullable=False),
        sa.Column("new_township_bundles", sa.Integer(), nullable=False),
        sa.Column("rows", sa.Integer(), nullable=False),
        sa.Column("manifest", Text(), nullable=False),
        sa.Column("receipt", sa.LargeBinary(), nullable=False),
        sa.ForeignKeyConstraint(["county_code"], ["city_county.code"]),
        sa.PrimaryKeyConstraint("bundle_hash"),
    )
    op.create_index("ix_city_bundle_county_seq", "city_bundle", ["county_code", "sequence"])


def downgrade() -> None:
    op.drop_table("city_bundle")
    op.drop_table("city_county_key")
    op.drop_table("city_county")
    with op.batch_alter_table("county_bundle") as b:
        b.drop_column("city_acked_at")
        b.drop_column("city_sequence")
        b.drop_column("original")
