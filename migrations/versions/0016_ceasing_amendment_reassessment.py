"""The facts the rest of the case workflow reads: the decision to cease (its appeal window runs from it), an
appeal against it, the head teacher asked for information while deciding whether to assess, and the date of the
transfer a phase-transfer deadline is for

Revision ID: 0016
Revises: 0009
Create Date: 2026-12-01 13:30:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0016'
down_revision = '0012'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('cases') as batch:
        batch.add_column(sa.Column('cease_decided_on', sa.Date(), nullable=True))
        batch.add_column(sa.Column('cease_appeal', sa.String(length=20), nullable=True))
        batch.add_column(sa.Column('school_information_requests', sa.JSON(), nullable=True))
    with op.batch_alter_table('deadlines') as batch:
        batch.add_column(sa.Column('transfer_on', sa.Date(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('deadlines') as batch:
        batch.drop_column('transfer_on')
    with op.batch_alter_table('cases') as batch:
        batch.drop_column('school_information_requests')
        batch.drop_column('cease_appeal')
        batch.drop_column('cease_decided_on')
