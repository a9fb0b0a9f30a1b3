"""Indexes the list pages walk: the new plans issued in a year (the dashboard and the timeliness report) and
the API's advice requests in the order they were received

Revision ID: 0018
Revises: 0016
Create Date: 2026-12-01 16:00:00

Without the first, counting a year's new plans reads every deadline (``kind = 'final_plan' AND met_on BETWEEN
...``); it is partial (rows not superseded, the only ones counted) and carries the due date and the case, so
the count, its on-time share and the mediation/tribunal test are answered from the index. Without the second,
``GET /advice-requests`` sorts every request to send 25.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0018'
down_revision = '0016'
branch_labels = None
depends_on = None

_STANDING = "superseded_at IS NULL"


def upgrade() -> None:
    op.create_index('ix_deadlines_kind_met', 'deadlines', ['kind', 'met_on', 'due_on', 'case_id'],
                    postgresql_where=sa.text(_STANDING), sqlite_where=sa.text(_STANDING))
    op.create_index('ix_advice_requests_received', 'advice_requests', ['received_on', 'id'])


def downgrade() -> None:
    op.drop_index('ix_advice_requests_received', table_name='advice_requests')
    op.drop_index('ix_deadlines_kind_met', table_name='deadlines')
