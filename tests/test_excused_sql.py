"""The excused test in SQL agrees with the one in Python, row by row, so the lists and counts that keep raw
and excused lateness apart say what the case page says."""

from __future__ import annotations

import datetime as dt

from freezegun import freeze_time
from sqlalchemy import select

from casework import operations, organisations
from casework.deadlines import status
from casework.models import Case, Deadline

D = dt.date


def _both(db, as_of: dt.date) -> list[tuple[int, bool, bool]]:
    with db.reading() as session:
        flagged = dict(session.execute(select(Deadline.id, status.excused_sql(as_of))).all())
        rows = []
        for deadline in session.scalars(select(Deadline).order_by(Deadline.id)):
            current = status.status(deadline, as_of, db.policy)
            case = session.get(Case, deadline.case_id)
            python = status.excused(deadline, current, case.exceptions, as_of)
            sql = bool(flagged[deadline.id]) and current in status.LATE
            rows.append((deadline.id, python, sql))
        return rows


@freeze_time("2025-03-03")
def test_sql_and_python_agree_on_which_late_deadlines_are_excused(db, new_case):
    organisations.add_organisation(db, "Northbridge NHS Trust", "nhs")
    covered = new_case(D(2024, 9, 2))  # final plan due 20 January 2025
    operations.agree_to_assess(db, covered.id, actor=None, on=D(2024, 10, 7))
    operations.request_advice(db, covered.id, actor=None, on=D(2024, 10, 8), advice_type="health",
                              organisation="Northbridge NHS Trust", received_on=None)
    operations.record_exception(db, covered.id, actor=None, on=D(2024, 11, 20), reason="personal_circumstances",
                                starts_on=D(2024, 11, 1), ends_on=D(2024, 12, 31), applies_to=["final_plan"],
                                family_told_on=None, evidence=None)
    withdrawn = new_case(D(2024, 9, 2), given_name="Ben")
    case = operations.record_exception(db, withdrawn.id, actor=None, on=D(2024, 10, 1),
                                       reason="personal_circumstances", starts_on=D(2024, 9, 10),
                                       ends_on=D(2024, 10, 30), applies_to=["final_plan", "issue_decision"],
                                       family_told_on=None, evidence=None)
    operations.withdraw_exception(db, withdrawn.id, actor=None, on=D(2024, 12, 1),
                                  exception_id=case.exceptions[0].id, reason="Recorded on the wrong case")
    new_case(D(2024, 9, 2), given_name="Cai")  # late with no exception at all
    rows = _both(db, D(2025, 3, 3))
    assert all(python == sql for _, python, sql in rows), rows
    assert sum(python for _, python, _ in rows) == 1  # only the first case's final plan
    # Before the withdrawal the second case's two limits were excused too (as of 30 November 2024 neither is
    # late yet, so as of then nothing is excused at all).
    assert all(python == sql for _, python, sql in _both(db, D(2024, 11, 30)))


@freeze_time("2020-12-01")
def test_the_coronavirus_reason_excuses_in_sql_only_a_limit_that_ran_in_2020(db, new_case):
    case = new_case(D(2020, 5, 11), date_of_birth=D(2012, 1, 1))  # decision due 22 June 2020, in the period
    recorded = operations.record_exception(db, case.id, actor=None, on=D(2020, 7, 1), reason="coronavirus",
                                           starts_on=D(2020, 5, 11), ends_on=D(2020, 9, 26),
                                           applies_to=["decision_to_assess"], family_told_on=None, evidence=None)
    assert recorded.exceptions
    rows = _both(db, D(2020, 12, 1))
    assert all(python == sql for _, python, sql in rows), rows
    assert sum(sql for _, _, sql in rows) == 1
