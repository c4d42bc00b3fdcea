"""sync: keys, trusted county, exported bundles and acknowledgements; county townships, keys, bundles

Revision ID: 0003
Revises: 0001
Create Date: 2026-11-21
"""
from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = '0003'
down_revision: str | Sequence[str] | None = '0001'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

S = sqlmodel.sql.sqltypes.AutoString
T = sqlmodel.sql.sqltypes.UTCDateTime


def upgrade() -> None:
    # -- township side ------------------------------------------------------------------------
    op.create_table(
        'sync_key',
        sa.Column('key_id', S(length=64), nullable=False),
        sa.Column('purpose', S(length=32), nullable=False),
        sa.Column('public_key', S(length=64), nullable=False),
        sa.Column('sealed_secret', S(), nullable=False),
        sa.Column('created_at', T(), nullable=False),
        sa.Column('created_by', S(length=64), nullable=False),
        sa.Column('status', S(length=16), nullable=False),
        sa.Column('retired_at', T(), nullable=True),
        sa.PrimaryKeyConstraint('key_id'),
    )
    with op.batch_alter_table('sync_key', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_sync_key_purpose'), ['purpose'], unique=False)
    op.create_table(
        'sync_county',
        sa.Column('county_code', S(length=6), nullable=False),
        sa.Column('county_name', S(), nullable=False),
        sa.Column('signing_key', S(length=64), nullable=False),
        sa.Column('encryption_key', S(length=64), nullable=False),
        sa.Column('profile_id', S(length=64), nullable=False),
        sa.Column('profile', S(), nullable=False),
        sa.Column('upload_url', S(), nullable=True),
        sa.Column('trusted_at', T(), nullable=False),
        sa.Column('trusted_by', S(length=64), nullable=False),
        sa.Column('active', sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint('county_code'),
    )
    op.create_table(
        'sync_bundle',
        sa.Column('sequence', sa.Integer(), autoincrement=False, nullable=False),
        sa.Column('bundle_hash', S(length=64), nullable=False),
        sa.Column('bundle_id', S(length=36), nullable=False),
        sa.Column('file_name', S(length=64), nullable=False),
        sa.Column('county_code', S(length=6), nullable=False),
        sa.Column('signer_key_id', S(length=64), nullable=False),
        sa.Column('created_at', T(), nullable=False),
        sa.Column('created_by', S(length=64), nullable=False),
        sa.Column('rows', sa.Integer(), nullable=False),
        sa.Column('counts', S(), nullable=False),
        sa.Column('outbox_path', S(), nullable=True),
        sa.Column('receipt_at', T(), nullable=True),
        sa.Column('accepted', sa.Integer(), nullable=True),
        sa.Column('rejected', sa.Integer(), nullable=True),
        sa.PrimaryKeyConstraint('sequence'),
        sa.UniqueConstraint('bundle_hash'),
    )
    op.create_table(
        'sync_ack',
        sa.Column('table_name', S(length=64), nullable=False),
        sa.Column('record_id', S(length=36), nullable=False),
        sa.Column('revision', sa.Integer(), nullable=False),
        sa.Column('bundle_sequence', sa.Integer(), nullable=False),
        sa.Column('acked_at', T(), nullable=False),
        sa.PrimaryKeyConstraint('table_name', 'record_id'),
    )
    op.create_table(
        'sync_rejection',
        sa.Column('table_name', S(length=64), nullable=False),
        sa.Column('record_id', S(length=36), nullable=False),
        sa.Column('revision', sa.Integer(), nullable=False),
        sa.Column('reason', S(), nullable=False),
        sa.Column('bundle_sequence', sa.Integer(), nullable=False),
        sa.Column('at', T(), nullable=False),
        sa.PrimaryKeyConstraint('table_name', 'record_id'),
    )
    # -- county side --------------------------------------------------------------------------
    op.create_table(
        'county_township',
        sa.Column('code', S(length=9), nullable=False),
        sa.Column('name', S(), nullable=False),
        sa.Column('registered_at', T(), nullable=False),
        sa.Column('registered_by', S(length=64), nullable=False),
        sa.Column('last_sequence', sa.Integer(), nullable=False),
        sa.Column('last_received_at', T(), nullable=True),
        sa.Column('bundle_count', sa.Integer(), nullable=False),
        sa.Column('lock_version', sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint('code'),
    )
    op.create_table(
        'county_township_key',
        sa.Column('key_id', S(length=64), nullable=False),
        sa.Column('township_code', S(length=9), nullable=False),
        sa.Column('public_key', S(length=64), nullable=False),
        sa.Column('status', S(length=16), nullable=False),
        sa.Column('registered_at', T(), nullable=False),
        sa.Column('registered_by', S(length=64), nullable=False),
        sa.Column('status_changed_at', T(), nullable=True),
        sa.Column('registration', S(), nullable=False),
        sa.ForeignKeyConstraint(['township_code'], ['county_township.code']),
        sa.PrimaryKeyConstraint('key_id'),
    )
    with op.batch_alter_table('county_township_key', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_county_township_key_township_code'), ['township_code'], unique=False)
    op.create_table(
        'county_bundle',
        sa.Column('bundle_hash', S(length=64), nullable=False),
        sa.Column('township_code', S(length=9), nullable=False),
        sa.Column('sequence', sa.Integer(), nullable=False),
        sa.Column('bundle_id', S(length=36), nullable=False),
        sa.Column('previous_hash', S(length=64), nullable=False),
        sa.Column('created_at', T(), nullable=False),
        sa.Column('span_from', T(), nullable=True),
        sa.Column('span_to', T(), nullable=True),
        sa.Column('received_at', T(), nullable=False),
        sa.Column('received_by', S(length=64), nullable=False),
        sa.Column('via', S(length=16), nullable=False),
        sa.Column('signer_key_id', S(length=64), nullable=False),
        sa.Column('file_size', sa.Integer(), nullable=False),
        sa.Column('rows', sa.Integer(), nullable=False),
        sa.Column('accepted', sa.Integer(), nullable=False),
        sa.Column('applied', sa.Integer(), nullable=False),
        sa.Column('rejected', sa.Integer(), nullable=False),
        sa.Column('manifest', S(), nullable=False),
        sa.Column('receipt', sa.LargeBinary(), nullable=False),
        sa.ForeignKeyConstraint(['township_code'], ['county_township.code']),
        sa.PrimaryKeyConstraint('bundle_hash'),
    )
    with op.batch_alter_table('county_bundle', schema=None) as batch_op:
        batch_op.create_index('ix_county_bundle_township_seq', ['township_code', 'sequence'], unique=False)


def downgrade() -> None:
    for name in ('county_bundle', 'county_township_key', 'county_township',
                 'sync_rejection', 'sync_ack', 'sync_bundle', 'sync_county', 'sync_key'):
        op.drop_table(name)
