"""Disputes (mediation, appeals, tribunal orders) and transfers between authorities, each a subject of deadlines;
a deadline may name the step of a tribunal order it times

Revision ID: 0017
Revises: 0009
Create Date: 2026-12-01 13:40:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0017'
down_revision = '0015'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('transfers',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('direction', sa.String(length=3), nullable=False),
    sa.Column('authority', sa.String(length=200), nullable=False),
    sa.Column('moved_on', sa.Date(), nullable=True),
    sa.Column('learned_on', sa.Date(), nullable=True),
    sa.Column('plan_sent_on', sa.Date(), nullable=True),
    sa.Column('cancelled_on', sa.Date(), nullable=True),
    sa.Column('transferred_on', sa.Date(), nullable=True),
    sa.Column('plan_made_on', sa.Date(), nullable=True),
    sa.Column('last_reviewed_on', sa.Date(), nullable=True),
    sa.Column('family_told_on', sa.Date(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("direction IN ('out', 'in')", name=op.f('ck_transfers_transfer_direction')),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_transfers_case_id_cases')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_transfers'))
    )
    with op.batch_alter_table('transfers', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_transfers_case_id'), ['case_id'], unique=False)

    op.create_table('disputes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('decision_entry_id', sa.Integer(), nullable=False),
    sa.Column('decision_event', sa.String(length=40), nullable=False),
    sa.Column('letter_on', sa.Date(), nullable=False),
    sa.Column('contacted_on', sa.Date(), nullable=True),
    sa.Column('wants_mediation', sa.Boolean(), nullable=True),
    sa.Column('mediation_held_on', sa.Date(), nullable=True),
    sa.Column('mediation_outcome', sa.String(length=20), nullable=True),
    sa.Column('certificate_on', sa.Date(), nullable=True),
    sa.Column('tribunal_reference', sa.String(length=50), nullable=True),
    sa.Column('appeal_registered_on', sa.Date(), nullable=True),
    sa.Column('grounds', sa.JSON(), nullable=True),
    sa.Column('appeal_outcome', sa.String(length=20), nullable=True),
    sa.Column('order', sa.String(length=30), nullable=True),
    sa.Column('ordered_on', sa.Date(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_disputes_case_id_cases')),
    sa.ForeignKeyConstraint(['decision_entry_id'], ['audit_entries.id'], name=op.f('fk_disputes_decision_entry_id_audit_entries')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_disputes')),
    sa.UniqueConstraint('decision_entry_id', name='uq_disputes_decision'),
    sa.UniqueConstraint('tribunal_reference', name='uq_disputes_tribunal_reference')
    )
    with op.batch_alter_table('disputes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_disputes_case_id'), ['case_id'], unique=False)

    with op.batch_alter_table('deadlines', schema=None) as batch_op:
        batch_op.add_column(sa.Column('step', sa.String(length=30), nullable=True))



def downgrade() -> None:
    with op.batch_alter_table('deadlines', schema=None) as batch_op:
        batch_op.drop_column('step')

    with op.batch_alter_table('disputes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_disputes_case_id'))

    op.drop_table('disputes')
    with op.batch_alter_table('transfers', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_transfers_case_id'))

    op.drop_table('transfers')
