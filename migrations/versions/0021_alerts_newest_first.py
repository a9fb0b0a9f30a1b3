"""The alerts list walks an index newest first

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-01 20:30:00

``GET /alerts`` sends its page newest first, ``created_at`` then ``id``. The index on ``created_at`` alone does
not settle the order: a morning's scan writes all its alerts in one transaction, so thousands share one
``created_at``, and each page sorted every one of them by id (about 100 ms for 25 rows at 100,000 cases, on
PostgreSQL). The index on both columns, of the open alerts the lists show, is walked backwards and stops at
the page; it replaces the old one, which nothing else read.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0021'
down_revision = '0020'
branch_labels = None
depends_on = None

_OPEN = "closed_at IS NULL"  # the lists show only the alerts still standing


def upgrade() -> None:
    op.create_index('ix_alerts_created', 'alerts', ['created_at', 'id'], postgresql_where=sa.text(_OPEN),
                    sqlite_where=sa.text(_OPEN))
    op.drop_index('ix_alerts_created_at', table_name='alerts')


def downgrade() -> None:
    op.create_index('ix_alerts_created_at', 'alerts', ['created_at'])
    op.drop_index('ix_alerts_created', table_name='alerts')
