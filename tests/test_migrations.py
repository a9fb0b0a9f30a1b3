"""Migrations on the engine under test: up, down, up; the schema matches the models; audit is append-only;
the children cases held survive their move onto people, and back."""

import datetime as dt

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
    with db.engine.connect() as conn:  # the child recorded, the request, the decision
        assert conn.execute(text("SELECT count(*) FROM audit_entries")).scalar() == 3


# Three requests as a database at 0003 holds them: the first two are the same child by every detail the
# case held, and stay two people (nobody merges children by guesswork).
CHILDREN_AT_0003 = [
    (1, "Ada", "Example", dt.date(2016, 5, 4), "ASD", dt.date(2024, 9, 2)),
    (2, "Ada", "Example", dt.date(2016, 5, 4), "SLCN", dt.date(2025, 3, 3)),
    (3, "Ben", "O'Neill", dt.date(2009, 11, 30), None, dt.date(2024, 10, 7)),
]


def _plain(rows) -> list[tuple[str, ...]]:
    """Rows as text: raw SQL gives SQLite's dates back as strings and PostgreSQL's as dates."""
    return [tuple(str(value) for value in row) for row in rows]


def _cases_at_0003(conn) -> None:
    now = dt.datetime(2025, 3, 3, 9, 0, tzinfo=dt.UTC)
    for case_id, given, family, born, need, received in CHILDREN_AT_0003:
        conn.execute(text(
            "INSERT INTO cases (id, reference, state, version, child_given_name, child_family_name, "
            "child_date_of_birth, primary_need, received_on, requested_by, last_event_on, created_at) "
            "VALUES (:id, :ref, 'request_received', 2, :given, :family, :born, :need, :received, 'parent', "
            ":received, :now)"),
            {"id": case_id, "ref": f"EHC-{received.year}-{case_id:06d}", "given": given, "family": family,
             "born": born, "need": need, "received": received, "now": now})
        conn.execute(text(  # rows that refer to the case, which a rebuild of cases must leave pointing at it
            "INSERT INTO deadlines (case_id, kind, rule, citation, starts_on, due_on, is_duty, created_at) "
            "VALUES (:id, 'decision_to_assess', 'R1.1', 'reg 5(1)', :received, :received, true, :now)"),
            {"id": case_id, "received": received, "now": now})
        conn.execute(text(
            "INSERT INTO audit_entries (case_id, actor, at, event, \"on\", fields, state_after, version_after) "
            "VALUES (:id, 'system', :now, 'request_received', :received, '{}', 'request_received', 2)"),
            {"id": case_id, "received": received, "now": now})
    if conn.dialect.name == "postgresql":  # the ids were given, so move the sequence past them as inserts would
        conn.execute(text("SELECT setval(pg_get_serial_sequence('cases', 'id'), (SELECT max(id) FROM cases))"))


def test_every_child_a_case_held_survives_the_move_onto_people_and_back(empty_url):
    from alembic import command

    config = alembic_config(empty_url)
    db = Database(empty_url)
    db.upgrade("0003")
    with db.engine.begin() as conn:
        _cases_at_0003(conn)

    db.upgrade()
    with db.engine.connect() as conn:
        moved = conn.execute(text(
            "SELECT c.id, p.given_name, p.family_name, p.date_of_birth, c.primary_need, c.received_on, p.id "
            "FROM cases c JOIN people p ON p.id = c.person_id ORDER BY c.id")).all()
        kept = conn.execute(text("SELECT count(*) FROM deadlines d JOIN cases c ON c.id = d.case_id")).scalar()
        entries = conn.execute(text("SELECT count(*) FROM audit_entries WHERE case_id IS NOT NULL")).scalar()
    assert _plain(row[:6] for row in moved) == _plain(CHILDREN_AT_0003)
    assert len({row[6] for row in moved}) == 3  # a person for each case
    assert (kept, entries) == (3, 3)
    with pytest.raises(DBAPIError, match="append-only"), db.engine.begin() as conn:
        conn.execute(text("DELETE FROM audit_entries"))  # the rebuild left the audit trail's guard in place

    # The service goes on from there: a later request joins the child, a new child is a new person.
    ops.withdraw(db, 3, actor=None, on=dt.date(2024, 11, 1), reason="The family moved away.")
    later = ops.create_case(db, actor=None, person_id=3, received_on=dt.date(2025, 4, 1), requested_by="school")
    newcomer = ops.create_case(db, actor=None, given_name="Cara", family_name="New", date_of_birth=dt.date(2018, 1, 1),
                               received_on=dt.date(2025, 4, 1), requested_by="parent")
    assert later.person_id == 3 and newcomer.person_id == 4

    command.downgrade(config, "0003")
    with db.engine.connect() as conn:
        restored = conn.execute(text(
            "SELECT id, child_given_name, child_family_name, child_date_of_birth, primary_need, received_on "
            "FROM cases ORDER BY id")).all()
    assert _plain(restored[:3]) == _plain(CHILDREN_AT_0003)
    assert _plain(row[1:4] for row in restored[3:]) == [("Ben", "O'Neill", "2009-11-30"), ("Cara", "New", "2018-01-01")]
    db.dispose()
