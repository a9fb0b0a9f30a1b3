"""The caseload's search finds a case by any part of its reference or of the child's full name, in any case,
on both engines; on SQLite through the FTS5 trigram indexes (migration 0020), which triggers keep up to date
with every insert and every change of name or reference, so the search never reads every person."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select

from casework import operations
from casework.cases import caseload
from casework.models import User
from tests.conftest import ENGINE

TODAY = dt.date(2025, 3, 3)


@pytest.fixture
def manager(make_user) -> User:
    return make_user("manager")


def _found(db, manager: User, text: str) -> list[str]:
    with db.reading() as session:
        query = caseload.caseload_query(manager, caseload.CaseloadFilters(q=text), TODAY, db.policy)
        return sorted(case.reference for case in session.scalars(query))


def test_a_case_is_found_by_any_part_of_the_childs_name_or_its_reference(db, manager, new_case):
    khan = new_case(given_name="Amir", family_name="Khan")
    new_case(given_name="Bea", family_name="Khanna")
    other = new_case(given_name="Cal", family_name="Jones")
    assert len(_found(db, manager, "KHAN")) == 2
    assert _found(db, manager, "r kh") == [khan.reference]  # across the space between the names
    assert _found(db, manager, "jon") == [other.reference]
    assert _found(db, manager, khan.reference[-6:].lower()) == [khan.reference]
    assert _found(db, manager, "zzz") == []


def test_a_part_shorter_than_a_trigram_and_characters_with_meaning_still_search_literally(db, manager, new_case):
    new_case(given_name="Amir", family_name="O'Neil-Khan")
    assert len(_found(db, manager, "o'")) == 1  # two characters: looked for row by row
    assert len(_found(db, manager, "'neil-k")) == 1
    for text in ('"', '"kh', "%", "a_b", "kh*", "NEAR(kh an)", "\\"):
        assert _found(db, manager, text) == [], text  # no operator of LIKE or of FTS5 is honoured


def test_a_change_of_name_is_found_at_once(db, manager, new_case):
    case = new_case(given_name="Amir", family_name="Khan")
    operations.update_person(db, case.person_id, actor=None, reason="Name changed by deed poll",
                             fields={"family_name": "Rahman"})
    assert _found(db, manager, "rahman") == [case.reference]
    assert _found(db, manager, "khan") == []


@pytest.mark.skipif(ENGINE != "sqlite", reason="SQLite's own full-text index; PostgreSQL's trigram indexes are 0012's")
def test_on_sqlite_the_search_reads_the_full_text_indexes_not_every_person(db, manager, new_case):
    new_case(given_name="Amir", family_name="Khan")
    with db.reading() as session:
        query = caseload.caseload_query(manager, caseload.CaseloadFilters(q="khan"), TODAY, db.policy)
        counted = select(func.count()).select_from(query.subquery())
        sql = str(counted.compile(dialect=session.get_bind().dialect, compile_kwargs={"literal_binds": True}))
        plan = "\n".join(row[-1] for row in session.connection().exec_driver_sql(f"EXPLAIN QUERY PLAN {sql}"))
    assert "SCAN people_name_search VIRTUAL TABLE" in plan and "SCAN cases_reference_search VIRTUAL TABLE" in plan
    assert "SCAN people" not in plan.replace("SCAN people_name_search", ""), plan
    assert "SCAN cases " not in plan + " ", plan
