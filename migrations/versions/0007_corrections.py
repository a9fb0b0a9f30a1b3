"""Cancelled advice requests, withdrawn exceptions and superseded deadlines, so corrections delete nothing

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-01 10:40:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Plain ADD COLUMN on both engines: no table is rebuilt, so constraints, partial indexes and triggers stay.
    op.add_column('advice_requests', sa.Column('voided_on', sa.Date(), nullable=True))
    op.add_column('advice_requests', sa.Column('void_reason', sa.Text(), nullable=True))
    op.add_column('exceptions', sa.Column('withdrawn_on', sa.Date(), nullable=True))
    op.add_column('exceptions', sa.Column('withdrawn_reason', sa.Text(), nullable=True))
    op.add_column('deadlines', sa.Column('superseded_at', sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    op.drop_column('deadlines', 'superseded_at')
    op.drop_column('exceptions', 'withdrawn_reason')
    op.drop_column('exceptions', 'withdrawn_on')
    op.drop_column('advice_requests', 'void_reason')
    op.drop_column('advice_requests', 'voided_on')
