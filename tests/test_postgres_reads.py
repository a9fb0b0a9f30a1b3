"""On PostgreSQL a read session runs in autocommit: a page's reads send no BEGIN and no ROLLBACK, two round
trips to the server fewer for each of the two or three read sessions a page opens. Under READ COMMITTED each
statement sees what was committed when it began either way, so a read sees the same rows as before. A read
that streams its rows through a server-side cursor (a CSV export) still runs in a transaction, which
PostgreSQL requires for one."""

from __future__ import annotations

import pytest
from psycopg.pq import TransactionStatus
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from casework.models import Case
from tests.conftest import ENGINE

pytestmark = pytest.mark.skipif(ENGINE != "postgresql", reason="autocommit reads are PostgreSQL's")


def _status(session: Session) -> TransactionStatus:
    return session.connection().connection.dbapi_connection.info.transaction_status


def test_a_read_session_runs_outside_any_transaction(db, new_case):
    new_case()
    with db.reading() as session:
        assert session.scalar(select(func.count()).select_from(Case)) == 1
        assert _status(session) == TransactionStatus.IDLE  # no BEGIN was sent for the read


def test_a_read_sees_what_another_session_committed_after_it_began(db, new_case):
    new_case()
    with db.reading() as session:
        assert session.scalar(select(func.count()).select_from(Case)) == 1
        new_case(given_name="Bea")
        assert session.scalar(select(func.count()).select_from(Case)) == 2


def test_a_streaming_read_runs_in_a_transaction_its_cursor_needs(db, new_case):
    for name in ("Ada", "Bea", "Cy"):
        new_case(given_name=name)
    with db.reading(streaming=True) as session:
        ids = [row.id for row in session.execute(select(Case.id).execution_options(yield_per=1))]
        assert _status(session) == TransactionStatus.INTRANS
    assert len(ids) == 3


def test_a_unit_of_work_still_runs_in_a_transaction(db):
    with db.transaction() as session:
        session.execute(select(1))
        assert _status(session) == TransactionStatus.INTRANS
