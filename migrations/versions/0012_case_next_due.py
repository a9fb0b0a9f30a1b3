"""Each case keeps its next deadline (the soonest open duty) on its own row, so lists sort and filter on an
index of the cases table alone, and each advice request its due date while the advice is owed; on PostgreSQL, trigram indexes let the caseload's search use an index too

Revision ID: 0012
Revises: 0009
Create Date: 2026-12-01 13:30:00

The copy is filled from the deadlines as they stand (the ledger keeps it from then on), with the same rule as
casework.deadlines.ledger.next_due: the soonest open duty deadline not superseded, the earlier kind by name on
a tie.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0012'
down_revision = '0017'
branch_labels = None
depends_on = None

_OPEN_DUTY = ("d.case_id = cases.id AND d.met_on IS NULL AND d.cancelled_on IS NULL AND d.superseded_at IS NULL "
              "AND d.is_duty = {true}")

# The caseload's search: reference, and the child's full name, without regard to case.
_TRIGRAM_INDEXES = (
    ("ix_cases_reference_trgm", "cases", "lower(reference)"),
    ("ix_people_full_name_trgm", "people", "lower(given_name || ' ' || family_name)"),
)


def upgrade() -> None:
    op.add_column('cases', sa.Column('next_due_on', sa.Date(), nullable=True))
    op.add_column('cases', sa.Column('next_due_kind', sa.String(length=30), nullable=True))
    conn = op.get_bind()
    open_duty = _OPEN_DUTY.format(true="true" if conn.dialect.name == "postgresql" else "1")
    conn.execute(sa.text(f"UPDATE cases SET next_due_on = (SELECT min(d.due_on) FROM deadlines d WHERE {open_duty})"))
    conn.execute(sa.text(f"UPDATE cases SET next_due_kind = (SELECT min(d.kind) FROM deadlines d WHERE {open_duty} "
                         "AND d.due_on = cases.next_due_on) WHERE next_due_on IS NOT NULL"))
    op.add_column('advice_requests', sa.Column('owed_due_on', sa.Date(), nullable=True))
    conn.execute(sa.text(
        "UPDATE advice_requests SET owed_due_on = (SELECT min(d.due_on) FROM deadlines d "
        "WHERE d.subject_type = 'advice_request' AND d.subject_id = advice_requests.id "
        "AND d.cancelled_on IS NULL AND d.superseded_at IS NULL) "
        "WHERE returned_on IS NULL AND voided_on IS NULL"))
    op.create_index('ix_advice_requests_owed', 'advice_requests', ['owed_due_on', 'id'])
    op.create_index('ix_advice_requests_organisation_owed', 'advice_requests',
                    ['organisation_id', 'owed_due_on', 'id'])
    op.create_index('ix_cases_next_due', 'cases', ['next_due_on', 'id'])
    op.create_index('ix_cases_state_next_due', 'cases', ['state', 'next_due_on', 'id'])
    if conn.dialect.name == "sqlite":  # SQLite sorts NULL first: the caseload's order (none last) as an index
        op.execute("CREATE INDEX ix_cases_sqlite_next_due ON cases (next_due_on IS NULL, next_due_on, id)")
        op.execute("CREATE INDEX ix_cases_sqlite_state_next_due ON cases (state, next_due_on IS NULL, next_due_on, id)")
    if conn.dialect.name == "postgresql":
        op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        for name, table, expression in _TRIGRAM_INDEXES:
            op.execute(f"CREATE INDEX {name} ON {table} USING gin (({expression}) gin_trgm_ops)")


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        # IF EXISTS: a later downgrade that rebuilt the table (SQLite batch mode) has dropped them already.
        op.execute("DROP INDEX IF EXISTS ix_cases_sqlite_state_next_due")
        op.execute("DROP INDEX IF EXISTS ix_cases_sqlite_next_due")
    if op.get_bind().dialect.name == "postgresql":
        for name, _table, _expression in _TRIGRAM_INDEXES:
            op.execute(f"DROP INDEX {name}")
    op.drop_index('ix_advice_requests_organisation_owed', table_name='advice_requests')
    op.drop_index('ix_advice_requests_owed', table_name='advice_requests')
    with op.batch_alter_table('advice_requests') as batch_op:
        batch_op.drop_column('owed_due_on')
    op.drop_index('ix_cases_state_next_due', table_name='cases')
    op.drop_index('ix_cases_next_due', table_name='cases')
    with op.batch_alter_table('cases') as batch_op:
        batch_op.drop_column('next_due_kind')
        batch_op.drop_column('next_due_on')
