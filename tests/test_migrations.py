"""Migrations on the engine under test: up, down, up; the schema matches the models; audit is append-only."""


import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from casework import operations as ops
from casework.core.db import Database, alembic_config
from casework.models import Base
from tests.conftest import ENGINE
from tests.support import postgres_database


@pytest.fixture
def empty_url(tmp_path):
    if ENGINE == "sqlite":
        yield f"sqlite:///{tmp_path / 'empty.db'}"
        return
    with postgres_database("ehcp_mig") as url:
        yield url


def test_upgrade_downgrade_upgrade(empty_url):
    from alembic import command

    db = Database(empty_url)
    db.upgrade()
    command.downgrade(alembic_config(empty_url), "base")
    with db.engine.connect() as conn:
        from sqlalchemy import inspect
        assert set(inspect(conn).get_table_names()) <= {"alembic_version"}
    db.upgrade()
    with db.engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        assert compare_metadata(context, Base.metadata) == []
    db.dispose()


def test_the_audit_trail_cannot_be_changed_or_deleted(db, new_case):
    case = new_case()
    ops.agree_to_assess(db, case.id, actor=None, on=case.received_on)
    for statement in ("UPDATE audit_entries SET actor = 'someone else'", "DELETE FROM audit_entries"):
        with pytest.raises(DBAPIError, match="append-only"), db.engine.begin() as conn:
            conn.execute(text(statement))
    with db.engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM audit_entries")).scalar() == 2
