"""The directory of organisations: each organisation's kind, a school's URN or a college's UKPRN, and its
name without regard to case and spacing, so the same organisation cannot be added twice

Revision ID: 0009
Revises: 0010
Create Date: 2026-12-08 09:00:00

Organisations already recorded (made when an advice request or an adviser first named them) are kept, with
kind ``other`` until an administrator says what they are.
"""

from __future__ import annotations

import re

import sqlalchemy as sa
from alembic import op

revision = '0009'
down_revision = '0010'
branch_labels = None
depends_on = None


def _key(name: str) -> str:
    """As casework.organisations.name_key: kept here so the migration never changes with the code."""
    return re.sub(r"\s+", "", name).casefold()


def upgrade() -> None:
    op.add_column('organisations', sa.Column('name_key', sa.String(length=200), nullable=True))
    op.add_column('organisations', sa.Column('kind', sa.String(length=30), server_default='other', nullable=False))
    op.add_column('organisations', sa.Column('urn', sa.String(length=6), nullable=True))
    op.add_column('organisations', sa.Column('ukprn', sa.String(length=8), nullable=True))
    conn = op.get_bind()
    seen: set[str] = set()
    for row_id, name in conn.execute(sa.text("SELECT id, name FROM organisations ORDER BY id")).all():
        key = _key(name)
        if key in seen:  # two old names differing only in spacing: both kept, the later one marked apart
            key = f"{key}#{row_id}"
        seen.add(key)
        conn.execute(sa.text("UPDATE organisations SET name_key = :key WHERE id = :id"), {"key": key, "id": row_id})
    with op.batch_alter_table('organisations', schema=None) as batch_op:
        batch_op.alter_column('name_key', existing_type=sa.String(length=200), nullable=False)
        batch_op.create_index(batch_op.f('ix_organisations_name_key'), ['name_key'], unique=True)
        batch_op.create_index(batch_op.f('ix_organisations_urn'), ['urn'], unique=True)
        batch_op.create_index(batch_op.f('ix_organisations_ukprn'), ['ukprn'], unique=True)


def downgrade() -> None:
    with op.batch_alter_table('organisations', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_organisations_ukprn'))
        batch_op.drop_index(batch_op.f('ix_organisations_urn'))
        batch_op.drop_index(batch_op.f('ix_organisations_name_key'))
        batch_op.drop_column('ukprn')
        batch_op.drop_column('urn')
        batch_op.drop_column('kind')
        batch_op.drop_column('name_key')
