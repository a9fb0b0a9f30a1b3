"""Migrations on the engine under test: up, down, up; the schema matches the models; audit is append-only;
the children cases held survive their move onto people, and back."""

import datetime as dt

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from casework import operations as ops
from casework.cases import casefile
from casework.cases.caseload import SEARCH_INDEXES
from casework.core.db import Database, alembic_config
from casework.models import Base, Case
from tests.conftest import ENGINE
from tests.support import postgres_database


def _modelled(name: str | None, type_: str, _parents: dict) -> bool:
    """SQLite's full-text indexes (migration 0020) are virtual tables, with shadow tables of their own, made by
    the migration alone: an index of the models' tables rather than tables of the models."""
    return not (type_ == "table" and name is not None and name.startswith(tuple(SEARCH_INDEXES.values())))


COMPARED = {"compare_type": True, "include_name": _modelled}


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
        context = MigrationContext.configure(conn, opts=COMPARED)
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


# --- revision 0004: subjects, exception limits, closable alerts

NOW = dt.datetime(2024, 11, 1, 9, 0, tzinfo=dt.UTC)
ROWS_AT_0003 = [
    "INSERT INTO organisations (id, name, created_at) VALUES (1, 'Northbridge NHS Trust', :now)",
    "INSERT INTO users (id, username, role, active, failed_logins, created_at) VALUES (1, 'manager', 'manager', "
    "true, 0, :now)",
    "INSERT INTO cases (id, reference, state, version, child_given_name, child_family_name, child_date_of_birth, "
    "received_on, requested_by, last_event_on, decision_to_assess_on, created_at) VALUES (1, 'EHC-2024-000001', "
    "'assessment', 3, 'Ada', 'Example', '2016-05-04', '2024-09-02', 'parent', '2024-10-01', '2024-10-01', :now)",
    "INSERT INTO advice_requests (id, case_id, advice_type, organisation_id, requested_on, received_on, "
    "created_at) VALUES (7, 1, 'health', 1, '2024-10-01', '2024-10-01', :now)",
    "INSERT INTO deadlines (id, case_id, kind, rule, citation, starts_on, due_on, met_on, is_duty, "
    "advice_request_id, created_at) VALUES "
    "(1, 1, 'decision_to_assess', 'R1.1', 'SEND Regs 2014 reg 4(1), 5(1)', '2024-09-02', '2024-10-14', "
    "'2024-10-01', true, NULL, :now), "
    "(2, 1, 'issue_decision', 'R3.1', 'SEND Regs 2014 reg 10(1)-(3)', '2024-09-02', '2024-12-23', NULL, true, "
    "NULL, :now), "
    "(3, 1, 'final_plan', 'R5.1', 'SEND Regs 2014 reg 13(2)', '2024-09-02', '2025-01-20', NULL, true, NULL, :now), "
    "(4, 1, 'advice', 'R2.1', 'SEND Regs 2014 reg 8(1)', '2024-10-01', '2024-11-12', NULL, true, 7, :now)",
    "INSERT INTO exceptions (id, case_id, reason, starts_on, ends_on, applies_to_kind, advice_request_id, "
    "recorded_on, created_at) VALUES "
    "(1, 1, 'missed_appointment', '2024-10-10', '2024-10-10', 'advice', 7, '2024-10-20', :now), "
    "(2, 1, 'personal_circumstances', '2024-10-10', '2024-12-10', 'final_plan', NULL, '2024-10-20', :now)",
    "INSERT INTO alerts (id, kind, deadline_id, case_id, deadline_kind, rule, due_on, advice_request_id, "
    "raised_on, created_at) VALUES (1, 'overdue', 4, 1, 'advice', 'R2.1', '2024-11-12', 7, '2024-11-13', :now), "
    "(2, 'due_soon', 3, 1, 'final_plan', 'R5.1', '2025-01-20', NULL, '2025-01-06', :now)",
    "INSERT INTO outbox (id, recipient_id, to_address, subject, body, message_id, created_at, attempts) VALUES "
    "(1, 1, 'manager@example.gov.uk', '1 overdue', 'Advice', '<m1@example.gov.uk>', :now, 0)",
    "INSERT INTO alert_deliveries (id, alert_id, recipient_id, outbox_id) VALUES (1, 1, 1, 1)",
]


def _database_at_0003_with_rows(url: str) -> Database:
    db = Database(url)
    db.upgrade("0003")
    with db.engine.begin() as conn:
        for statement in ROWS_AT_0003:
            conn.execute(text(statement), {"now": NOW})
        if db.dialect == "postgresql":  # explicit ids: move the sequences past them, as inserts would have
            for table in ("organisations", "users", "cases", "advice_requests", "deadlines", "exceptions", "alerts",
                          "outbox", "alert_deliveries"):
                conn.execute(text(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                                  f"(SELECT max(id) FROM {table}))"))
    return db


def _rows(db: Database, sql: str) -> list[tuple]:
    with db.engine.connect() as conn:
        return [tuple(row) for row in conn.execute(text(sql))]


def test_upgrading_keeps_each_deadlines_exceptions_and_alerts_subject(empty_url):
    from alembic import command

    db = _database_at_0003_with_rows(empty_url)
    db.upgrade()
    assert _rows(db, "SELECT id, subject_type, subject_id FROM deadlines ORDER BY id") == [
        (1, "case", 1), (2, "case", 1), (3, "case", 1), (4, "advice_request", 7)]
    assert _rows(db, "SELECT id, subject_type, subject_id FROM exceptions ORDER BY id") == [
        (1, "advice_request", 7), (2, "case", 1)]
    assert _rows(db, "SELECT exception_id, deadline_kind, subject_type, subject_id FROM exception_limits "
                     "ORDER BY id") == [(1, "advice", "advice_request", 7), (2, "final_plan", "case", 1)]
    assert _rows(db, "SELECT id, subject_type, subject_id, closed_at FROM alerts ORDER BY id") == [
        (1, "advice_request", 7, None), (2, "case", 1, None)]

    # The service reads the migrated rows as it reads its own: the exceptions still excuse what they did.
    with db.reading() as s:
        case = casefile.case_dict(s.get(Case, 1), dt.date(2025, 2, 1), db.policy)
    excused = {(d["kind"], d["advice_request_id"]): (d["status"], d["excused"]) for d in case["deadlines"]}
    assert excused[("advice", 7)] == ("overdue", True) and excused[("final_plan", None)] == ("overdue", True)
    assert excused[("issue_decision", None)] == ("overdue", False)
    assert [(e["applies_to"], e["limits"]) for e in case["exceptions"]] == [("7", ["7"]), ("final_plan",
                                                                                            ["final_plan"])]
    ops.record_exception(db, 1, actor=None, on=dt.date(2024, 11, 20), reason="personal_circumstances",
                         starts_on=dt.date(2024, 11, 1), ends_on=dt.date(2024, 12, 31),
                         applies_to=["issue_decision", "final_plan"])

    # Down again: the advice columns come back from the subjects, and the exception covering two limits
    # becomes two exceptions, one per limit, so both stay excused under the older schema.
    command.downgrade(alembic_config(empty_url), "0003")
    assert _rows(db, "SELECT id, advice_request_id FROM deadlines ORDER BY id") == [(1, None), (2, None), (3, None),
                                                                                    (4, 7)]
    assert _rows(db, "SELECT id, reason, applies_to_kind, advice_request_id FROM exceptions ORDER BY id") == [
        (1, "missed_appointment", "advice", 7), (2, "personal_circumstances", "final_plan", None),
        (3, "personal_circumstances", "issue_decision", None), (4, "personal_circumstances", "final_plan", None)]
    assert _rows(db, "SELECT id, advice_request_id FROM alerts ORDER BY id") == [(1, 7), (2, None)]
    db.upgrade()
    assert _rows(db, "SELECT exception_id, deadline_kind FROM exception_limits ORDER BY id") == [
        (1, "advice"), (2, "final_plan"), (3, "issue_decision"), (4, "final_plan")]
    with db.engine.connect() as conn:
        assert compare_metadata(MigrationContext.configure(conn, opts=COMPARED), Base.metadata) == []
    db.dispose()


def test_downgrading_stops_rather_than_lose_an_alert_raised_again(empty_url):
    from alembic import command

    db = _database_at_0003_with_rows(empty_url)
    db.upgrade()
    with db.engine.begin() as conn:
        conn.execute(text("UPDATE alerts SET closed_at = :now, closed_reason = 'Corrected' WHERE id = 1"),
                     {"now": NOW})
        conn.execute(text("INSERT INTO alerts (id, kind, deadline_id, case_id, deadline_kind, rule, due_on, "
                          "subject_type, subject_id, raised_on, created_at) VALUES (3, 'overdue', 4, 1, 'advice', "
                          "'R2.1', '2024-11-19', 'advice_request', 7, '2024-11-20', :now)"), {"now": NOW})
    with pytest.raises(RuntimeError, match="alerted again"):
        command.downgrade(alembic_config(empty_url), "0003")
    assert _rows(db, "SELECT id, closed_at IS NULL FROM alerts ORDER BY id") == [(1, False), (2, True), (3, True)]
    # the downgrade stopped before undoing 0004 (PostgreSQL rolls the whole downgrade back, SQLite the last step)
    (version,), = _rows(db, "SELECT version_num FROM alembic_version")
    assert version >= "0004"
    db.dispose()


# --- revision 0005: every case's child becomes a person

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
