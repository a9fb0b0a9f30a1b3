"""Scan runs, and deadlines indexed by when they were recorded, so a scan reads only what changed

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-25 09:30:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('scan_runs',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('as_of', sa.Date(), nullable=False),
    sa.Column('warning_windows', sa.String(length=1000), nullable=False),
    sa.Column('started_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('full_scan', sa.Boolean(), nullable=False),
    sa.Column('deadlines_examined', sa.Integer(), nullable=False),
    sa.Column('overdue', sa.Integer(), nullable=False),
    sa.Column('new_alerts', sa.Integer(), nullable=False),
    sa.Column('new_warnings', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_scan_runs'))
    )
    with op.batch_alter_table('scan_runs', schema=None) as batch_op:
        batch_op.create_index('ix_scan_runs_as_of', ['as_of'], unique=False)
    with op.batch_alter_table('deadlines', schema=None) as batch_op:
        batch_op.create_index('ix_deadlines_created_at', ['created_at'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('deadlines', schema=None) as batch_op:
        batch_op.drop_index('ix_deadlines_created_at')
    with op.batch_alter_table('scan_runs', schema=None) as batch_op:
        batch_op.drop_index('ix_scan_runs_as_of')
    op.drop_table('scan_runs')
