"""A subject for every deadline, exception and alert; exceptions covering several limits; alerts that close

Deadlines, exceptions and alerts name what they are about with (subject_type, subject_id) instead of an
advice-only advice_request_id: rows that had an advice request become 'advice_request' subjects, the rest
'case' subjects with the case's id. The limits an exception covers move to exception_limits, one row per
limit, from applies_to_kind / advice_request_id. Alerts gain closed_at and closed_reason, and the
(deadline, kind) uniqueness holds among open alerts only, so a deadline whose alert was closed can be alerted
again.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-26 09:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None

OWN_CASE = "subject_type <> 'case' OR subject_id = case_id"
OPEN_ALERT = "closed_at IS NULL"
CLOSED_ALERT = "closed_at IS NOT NULL"
SUBJECT_FROM_ADVICE = ("subject_type = CASE WHEN advice_request_id IS NULL THEN 'case' ELSE 'advice_request' END, "
                       "subject_id = COALESCE(advice_request_id, case_id)")


def _add_subject_columns(table: str) -> None:
    """Nullable first, so existing rows can be given their subject before the columns are made required."""
    with op.batch_alter_table(table, schema=None) as batch_op:
        batch_op.add_column(sa.Column('subject_type', sa.String(length=30), nullable=True))
        batch_op.add_column(sa.Column('subject_id', sa.Integer(), nullable=True))


def _require_subject(batch_op, table: str) -> None:
    batch_op.alter_column('subject_type', existing_type=sa.String(length=30), nullable=False)
    batch_op.alter_column('subject_id', existing_type=sa.Integer(), nullable=False)
    batch_op.create_check_constraint(op.f(f'ck_{table}_subject_of_own_case'), sa.text(OWN_CASE))


def upgrade() -> None:
    # Deadlines: the advice request a deadline belonged to becomes its subject.
    _add_subject_columns('deadlines')
    op.execute(f"UPDATE deadlines SET {SUBJECT_FROM_ADVICE}")
    with op.batch_alter_table('deadlines', schema=None) as batch_op:
        _require_subject(batch_op, 'deadlines')
        batch_op.drop_index('ix_deadlines_advice_request_id')
        batch_op.drop_constraint('fk_deadlines_advice_request_id_advice_requests', type_='foreignkey')
        batch_op.drop_column('advice_request_id')
        batch_op.create_index('ix_deadlines_subject', ['subject_type', 'subject_id'], unique=False)

    # Exceptions: each one's limit becomes a row of exception_limits; the exception's own subject is that
    # limit's (the advice request, or the case).
    op.create_table('exception_limits',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('exception_id', sa.Integer(), nullable=False),
    sa.Column('deadline_kind', sa.String(length=30), nullable=False),
    sa.Column('subject_type', sa.String(length=30), nullable=False),
    sa.Column('subject_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['exception_id'], ['exceptions.id'], name=op.f('fk_exception_limits_exception_id_exceptions')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_exception_limits')),
    sa.UniqueConstraint('exception_id', 'deadline_kind', 'subject_type', 'subject_id', name='uq_exception_limits_exception_limit')
    )
    op.execute(
        "INSERT INTO exception_limits (exception_id, deadline_kind, subject_type, subject_id) "
        "SELECT id, COALESCE(applies_to_kind, 'advice'), "
        "CASE WHEN advice_request_id IS NULL THEN 'case' ELSE 'advice_request' END, "
        "COALESCE(advice_request_id, case_id) FROM exceptions "
        "WHERE applies_to_kind IS NOT NULL OR advice_request_id IS NOT NULL ORDER BY id"
    )
    _add_subject_columns('exceptions')
    op.execute(f"UPDATE exceptions SET {SUBJECT_FROM_ADVICE}")
    with op.batch_alter_table('exceptions', schema=None) as batch_op:
        _require_subject(batch_op, 'exceptions')
        batch_op.drop_constraint('fk_exceptions_advice_request_id_advice_requests', type_='foreignkey')
        batch_op.drop_column('advice_request_id')
        batch_op.drop_column('applies_to_kind')

    # Alerts: the subject copied from the deadline, and closing instead of a uniqueness for all time.
    _add_subject_columns('alerts')
    op.execute(f"UPDATE alerts SET {SUBJECT_FROM_ADVICE}")
    with op.batch_alter_table('alerts', schema=None) as batch_op:
        _require_subject(batch_op, 'alerts')
        batch_op.add_column(sa.Column('closed_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('closed_reason', sa.String(length=200), nullable=True))
        batch_op.drop_index('ix_alerts_advice_request_id')
        batch_op.drop_constraint('fk_alerts_advice_request_id_advice_requests', type_='foreignkey')
        batch_op.drop_column('advice_request_id')
        batch_op.drop_constraint('uq_alerts_deadline_kind', type_='unique')
        batch_op.create_index('ix_alerts_subject', ['subject_type', 'subject_id'], unique=False)
        batch_op.create_index('uq_alerts_open_deadline_kind', ['deadline_id', 'kind'], unique=True,
                              postgresql_where=sa.text(OPEN_ALERT), sqlite_where=sa.text(OPEN_ALERT))
        batch_op.create_index('ix_alerts_closed_at', ['closed_at'], unique=False,
                              postgresql_where=sa.text(CLOSED_ALERT), sqlite_where=sa.text(CLOSED_ALERT))


def _add_advice_request_column(batch_op, table: str) -> None:
    batch_op.add_column(sa.Column('advice_request_id', sa.Integer(), nullable=True))
    batch_op.create_foreign_key(f'fk_{table}_advice_request_id_advice_requests', 'advice_requests',
                                ['advice_request_id'], ['id'])


def _drop_subject(batch_op, table: str) -> None:
    batch_op.drop_constraint(op.f(f'ck_{table}_subject_of_own_case'), type_='check')
    batch_op.drop_column('subject_id')
    batch_op.drop_column('subject_type')


ADVICE_FROM_SUBJECT = "CASE WHEN subject_type = 'advice_request' THEN subject_id END"
ADVICE_FROM_LIMIT = "CASE WHEN l.subject_type = 'advice_request' THEN l.subject_id END"
EXCEPTION_COLUMNS = "case_id, reason, starts_on, ends_on, evidence, family_told_on, recorded_on, created_at"
EXCEPTION_COLUMNS_OF_E = ", ".join(f"e.{column}" for column in EXCEPTION_COLUMNS.split(", "))


def downgrade() -> None:
    bind = op.get_bind()
    # The older schema holds one alert per deadline and kind for all time: a deadline alerted again after its
    # alert was closed cannot go back into it, and alerts are never deleted to make it fit.
    twice = bind.execute(sa.text(
        "SELECT count(*) FROM (SELECT deadline_id, kind FROM alerts GROUP BY deadline_id, kind "
        "HAVING count(*) > 1) AS repeated")).scalar()
    if twice:
        raise RuntimeError(f"{twice} deadlines were alerted again after an earlier alert was closed; the schema "
                           "before revision 0004 cannot hold both alerts, so this downgrade stops here.")

    with op.batch_alter_table('alerts', schema=None) as batch_op:
        _add_advice_request_column(batch_op, 'alerts')
    op.execute(f"UPDATE alerts SET advice_request_id = {ADVICE_FROM_SUBJECT}")
    with op.batch_alter_table('alerts', schema=None) as batch_op:
        batch_op.drop_index('uq_alerts_open_deadline_kind', postgresql_where=sa.text(OPEN_ALERT),
                            sqlite_where=sa.text(OPEN_ALERT))
        batch_op.drop_index('ix_alerts_subject')
        batch_op.drop_index('ix_alerts_closed_at', postgresql_where=sa.text(CLOSED_ALERT),
                            sqlite_where=sa.text(CLOSED_ALERT))
        batch_op.create_unique_constraint('uq_alerts_deadline_kind', ['deadline_id', 'kind'])
        batch_op.create_index(batch_op.f('ix_alerts_advice_request_id'), ['advice_request_id'], unique=False)
        batch_op.drop_column('closed_reason')
        batch_op.drop_column('closed_at')
        _drop_subject(batch_op, 'alerts')

    # Exceptions: the first limit goes back on the exception itself; each further limit becomes a copy of the
    # exception covering that limit, so every limit stays excused under the older schema.
    with op.batch_alter_table('exceptions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('applies_to_kind', sa.String(length=30), nullable=True))
        _add_advice_request_column(batch_op, 'exceptions')
    first = "(SELECT {column} FROM exception_limits l WHERE l.exception_id = exceptions.id ORDER BY l.id LIMIT 1)"
    op.execute(f"UPDATE exceptions SET applies_to_kind = {first.format(column='l.deadline_kind')}, "
               f"advice_request_id = {first.format(column=ADVICE_FROM_LIMIT)}")
    op.execute(
        f"INSERT INTO exceptions ({EXCEPTION_COLUMNS}, subject_type, subject_id, applies_to_kind, advice_request_id) "
        f"SELECT {EXCEPTION_COLUMNS_OF_E}, l.subject_type, l.subject_id, "
        f"l.deadline_kind, {ADVICE_FROM_LIMIT} "
        "FROM exception_limits l JOIN exceptions e ON e.id = l.exception_id "
        "WHERE l.id > (SELECT min(m.id) FROM exception_limits m WHERE m.exception_id = l.exception_id) "
        "ORDER BY l.id"
    )
    op.drop_table('exception_limits')
    with op.batch_alter_table('exceptions', schema=None) as batch_op:
        _drop_subject(batch_op, 'exceptions')

    with op.batch_alter_table('deadlines', schema=None) as batch_op:
        _add_advice_request_column(batch_op, 'deadlines')
    op.execute(f"UPDATE deadlines SET advice_request_id = {ADVICE_FROM_SUBJECT}")
    with op.batch_alter_table('deadlines', schema=None) as batch_op:
        batch_op.drop_index('ix_deadlines_subject')
        batch_op.create_index(batch_op.f('ix_deadlines_advice_request_id'), ['advice_request_id'], unique=False)
        _drop_subject(batch_op, 'deadlines')
