"""What the SEN2 return needs beyond the casework: request source, placements, ranked needs and the rest

Revision ID: 0015
Revises: 0009
Create Date: 2026-12-01 13:30:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0015'
down_revision = '0011'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('sen2_details',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('request_source', sa.Integer(), nullable=True),
    sa.Column('youth_accommodation', sa.Boolean(), nullable=True),
    sa.Column('residential', sa.Boolean(), nullable=True),
    sa.Column('work_based_learning', sa.Boolean(), nullable=True),
    sa.Column('personal_budget', sa.JSON(), nullable=False),
    sa.Column('transfer_la', sa.String(length=3), nullable=True),
    sa.Column('placements', sa.JSON(), nullable=False),
    sa.Column('sen_needs', sa.JSON(), nullable=False),
    sa.Column('recorded_by_id', sa.Integer(), nullable=True),
    sa.Column('recorded_by', sa.String(length=100), nullable=False),
    sa.Column('recorded_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_sen2_details_case_id_cases')),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['users.id'], name=op.f('fk_sen2_details_recorded_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_sen2_details'))
    )
    with op.batch_alter_table('sen2_details', schema=None) as batch_op:
        batch_op.create_index('ix_sen2_details_case_id_id', ['case_id', 'id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('sen2_details', schema=None) as batch_op:
        batch_op.drop_index('ix_sen2_details_case_id_id')
    op.drop_table('sen2_details')
