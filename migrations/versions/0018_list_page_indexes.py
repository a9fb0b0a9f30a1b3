"""Indexes the list pages walk: the new plans issued in a year (the dashboard and the timeliness report), the
API's advice requests in the order they were received, an officer's own caseload and the intake queue

Revision ID: 0018
Revises: 0016
Create Date: 2026-12-01 16:00:00

Without the first, counting a year's new plans reads every deadline (``kind = 'final_plan' AND met_on BETWEEN
...``); it is partial (rows not superseded, the only ones counted) and carries the due date and the case, so
the count, its on-time share and the mediation/tribunal test are answered from the index. Without the second,
``GET /advice-requests`` sorts every request to send 25. Without the third, "my cases" sorts all of an
officer's cases (on SQLite, whose NULLs sort first, the order "none last" is an index of its own, as in 0012);
without the fourth, the intake queue sorts every unallocated request.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0018'
down_revision = '0016'
branch_labels = None
depends_on = None

_STANDING = "superseded_at IS NULL"
_UNALLOCATED = "assigned_caseworker_id IS NULL"


def upgrade() -> None:
    op.create_index('ix_deadlines_kind_met', 'deadlines', ['kind', 'met_on', 'due_on', 'case_id'],
                    postgresql_where=sa.text(_STANDING), sqlite_where=sa.text(_STANDING))
    op.create_index('ix_advice_requests_received', 'advice_requests', ['received_on', 'id'])
    op.create_index('ix_cases_assigned_next_due', 'cases', ['assigned_caseworker_id', 'next_due_on', 'id'])
    if op.get_bind().dialect.name == "sqlite":
        op.execute("CREATE INDEX ix_cases_sqlite_assigned_next_due ON cases "
                   "(assigned_caseworker_id, next_due_on IS NULL, next_due_on, id)")
    op.create_index('ix_cases_intake', 'cases', ['state', 'received_on', 'id'],
                    postgresql_where=sa.text(_UNALLOCATED), sqlite_where=sa.text(_UNALLOCATED))


def downgrade() -> None:
    op.drop_index('ix_cases_intake', table_name='cases')
    if op.get_bind().dialect.name == "sqlite":
        op.execute("DROP INDEX IF EXISTS ix_cases_sqlite_assigned_next_due")
    op.drop_index('ix_cases_assigned_next_due', table_name='cases')
    op.drop_index('ix_advice_requests_received', table_name='advice_requests')
    op.drop_index('ix_deadlines_kind_met', table_name='deadlines')
