"""The early years review (G7.2) after a correction: a corrected plan date moves it, and a corrected date of birth
makes it owed or not owed, each case of the child rebuilt from its history so that it equals a fresh replay."""

from __future__ import annotations

import datetime as dt

from freezegun import freeze_time
from sqlalchemy import select

from casework import operations as ops
from casework.cases import replay
from casework.models import AuditEntry, Deadline
from tests.law.rules.paths import BORN_2022, DUE, PLAN, plan_for

D = dt.date


def _standing(db, case_id: int) -> list[tuple]:
    with db.reading() as session:
        rows = session.scalars(select(Deadline).where(Deadline.case_id == case_id,
                                                      Deadline.kind == "early_years_review",
                                                      Deadline.superseded_at.is_(None)).order_by(Deadline.id))
        return [(d.rule, d.starts_on, d.due_on, d.met_on, d.cancelled_on) for d in rows]


def _replays_the_same(db, case_id: int) -> None:
    with db.reading() as session:
        assert replay.rebuilt_differences(session, case_id, db.policy) == []


@freeze_time("2026-01-15")
def test_a_corrected_plan_date_moves_the_early_years_review(db, new_case):
    case = plan_for(db, new_case, BORN_2022)
    assert _standing(db, case.id) == [("G7.2", PLAN, DUE, None, None)]
    with db.reading() as session:
        entry_id = session.scalars(select(AuditEntry.id).where(AuditEntry.case_id == case.id,
                                                               AuditEntry.event == "issue_final")).one()
    # The plan was issued on Tuesday 26 August 2025, not Sunday the 31st: 26 August + 6 months is 26 February 2026.
    replay.correct_entry(db, case.id, actor=None, entry_id=entry_id, on=D(2025, 8, 26), reason="Keyed wrong")
    assert _standing(db, case.id) == [("G7.2", D(2025, 8, 26), D(2026, 2, 26), None, None)]
    _replays_the_same(db, case.id)


@freeze_time("2026-01-15")
def test_a_corrected_date_of_birth_makes_the_review_owed_or_not(db, new_case):
    # Keyed as born 10 March 2020: 5 on the plan's date, 31 August 2025, so no early years review.
    case = plan_for(db, new_case, D(2020, 3, 10))
    assert _standing(db, case.id) == []
    # Corrected to 10 March 2022: 3 on the plan's date, so the review is owed by 28 February 2026.
    ops.update_person(db, case.person_id, actor=None, reason="Birth certificate seen",
                      fields={"date_of_birth": D(2022, 3, 10)})
    assert _standing(db, case.id) == [("G7.2", PLAN, DUE, None, None)]
    _replays_the_same(db, case.id)
    # Back to 2020 after all: the row no longer stands (superseded, never deleted).
    ops.update_person(db, case.person_id, actor=None, reason="The first date was right",
                      fields={"date_of_birth": D(2020, 3, 10)})
    assert _standing(db, case.id) == []
    with db.reading() as session:
        kept = session.scalars(select(Deadline).where(Deadline.case_id == case.id,
                                                      Deadline.kind == "early_years_review")).all()
        assert [d.superseded_at is not None for d in kept] == [True]
    _replays_the_same(db, case.id)


@freeze_time("2026-01-15")
def test_a_change_to_another_detail_rebuilds_nothing(db, new_case):
    case = plan_for(db, new_case, BORN_2022)
    before = _standing(db, case.id)
    ops.update_person(db, case.person_id, actor=None, reason="Moved", fields={"postcode": "NB1 2AA"})
    assert _standing(db, case.id) == before
    _replays_the_same(db, case.id)
