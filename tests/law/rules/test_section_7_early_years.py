"""The review of a plan for a child under 5 every 3 to 6 months (G7.2, SEND Code of Practice 2015 para 9.178):
guidance, tracked as a service level and never a breach. It is due 6 months after the plan or the review
decision that opened it (the corresponding date, or the month's last day when there is none), met by any
review decision, cancelled when the plan has ceased, and opened only while the child is under 5: a child is 5
from the start of their fifth birthday."""

from __future__ import annotations

import datetime as dt

import pytest

from casework import operations as ops
from casework.deadlines.status import status
from casework.law import rules
from casework.reporting.breaches import STATUTORY_RULES, breaches
from casework.reporting.timeliness import timeliness
from tests.law.rules.paths import BORN_2022, DUE, PLAN, D, one, plan_for, reads
from tests.support import by_kind


def review(db, case_id: int, meeting_on: dt.date, decided_on: dt.date, outcome: str = "maintain"):
    ops.hold_review_meeting(db, case_id, actor=None, on=meeting_on)
    return ops.decide_review_outcome(db, case_id, actor=None, on=decided_on, outcome=outcome)


def reads_met(db, deadline, as_of=D(2026, 12, 1)) -> str:
    return status(deadline, as_of, db.policy)


def early_years(case) -> list:
    return sorted(by_kind(case).get("early_years_review", []), key=lambda d: (d.starts_on, d.id))


def test_the_rule_is_a_service_level_never_a_statutory_breach():
    rule = rules.rule_in_force("G7.2", PLAN)
    assert (rule.statutory, rule.citation) == (False, "SEND Code of Practice 2015 para 9.178")
    assert "G7.2" not in STATUTORY_RULES
    assert rules.DEADLINE_KINDS["early_years_review"].rule_ids == ("G7.2",)


@pytest.mark.rule("G7.2", "met")
def test_a_plan_for_a_child_of_3_owes_a_review_by_28_february_met_by_a_decision_that_opens_the_next(db, new_case):
    case = plan_for(db, new_case, BORN_2022)
    row = one(case, "early_years_review")
    assert (row.rule, row.citation, row.starts_on, row.due_on) == ("G7.2", "SEND Code of Practice 2015 para 9.178",
                                                                   PLAN, DUE)
    assert one(case, "annual_review").due_on == D(2026, 8, 30)  # the annual review beside it is unchanged
    # Meeting Monday 2 February 2026, decision to maintain Monday 16 February: in time. The child is 3, so the next
    # review is owed by 16 August 2026 (16 February + 6 months, a date that exists).
    case = review(db, case.id, D(2026, 2, 2), D(2026, 2, 16))
    first, following = early_years(case)
    assert first.met_on == D(2026, 2, 16) and reads_met(db, first) == "met"
    assert (following.rule, following.starts_on, following.due_on) == ("G7.2", D(2026, 2, 16), D(2026, 8, 16))
    assert following.is_open


@pytest.mark.rule("G7.2", "overdue", "met_late")
def test_no_review_by_28_february_is_overdue_on_1_march_and_a_decision_then_met_late(db, new_case):
    case = plan_for(db, new_case, BORN_2022)
    assert reads(db, case, "early_years_review", D(2026, 2, 28)) == "due_soon"  # its last day
    assert reads(db, case, "early_years_review", D(2026, 3, 1)) == "overdue"
    # An amendment decided on Monday 2 March 2026, two days late, meets it late and opens the next, due
    # 2 September 2026.
    case = review(db, case.id, D(2026, 2, 23), D(2026, 3, 2), outcome="amend")
    first, following = early_years(case)
    assert first.met_on == D(2026, 3, 2) and reads_met(db, first) == "met_late"
    assert (following.starts_on, following.due_on) == (D(2026, 3, 2), D(2026, 9, 2))


@pytest.mark.rule("G7.2", "cancelled")
def test_the_plan_ceased_cancels_the_early_years_review_owed(db, new_case):
    case = plan_for(db, new_case, BORN_2022)
    # Decided to cease on Wednesday 1 October 2025: the family may appeal until 1 December (1 October + 2 months),
    # so the plan ceases on 2 December with the review, due 28 February 2026, still owed: it is cancelled.
    ops.cease_plan(db, case.id, actor=None, on=D(2025, 10, 1), reason=4)
    case = ops.confirm_ceased(db, case.id, actor=None, on=D(2025, 12, 2))
    assert one(case, "early_years_review").cancelled_on == D(2025, 12, 2)
    assert reads(db, case, "early_years_review", D(2026, 3, 1)) == "cancelled"


def test_a_child_who_is_5_on_the_plans_date_owes_none_and_one_a_day_younger_does(db, new_case):
    # Born 31 August 2020: the fifth birthday is the plan's own day, 31 August 2025, and a child is 5 from the
    # start of that day (Family Law Reform Act 1969 s.9): no early years review.
    five = plan_for(db, new_case, D(2020, 8, 31))
    assert "early_years_review" not in by_kind(five)
    assert one(five, "annual_review").due_on == D(2026, 8, 30)
    # Born 1 September 2020: still 4 on 31 August 2025, a day short of 5: the review is owed by 28 February 2026.
    four = plan_for(db, new_case, D(2020, 9, 1))
    assert one(four, "early_years_review").due_on == DUE


def test_a_review_decision_while_under_5_opens_the_next_and_one_on_the_fifth_birthday_does_not(db, new_case):
    # Born 10 March 2021: 4 on 31 August 2025, 5 from 10 March 2026.
    case = plan_for(db, new_case, D(2021, 3, 10))
    assert one(case, "early_years_review").due_on == DUE
    # Decision to maintain on 16 February 2026, the child still 4: the next is owed by 16 August 2026.
    case = review(db, case.id, D(2026, 2, 2), D(2026, 2, 16))
    assert [d.due_on for d in early_years(case)] == [DUE, D(2026, 8, 16)]
    # Decision to maintain on Tuesday 10 March 2026, the fifth birthday: it meets the one owed and opens none.
    case = review(db, case.id, D(2026, 3, 2), D(2026, 3, 10))
    rows = early_years(case)
    assert [(d.due_on, d.met_on) for d in rows] == [(DUE, D(2026, 2, 16)), (D(2026, 8, 16), D(2026, 3, 10))]
    # the annual review goes on as before: 10 March 2026 + 12 months - 1 day
    assert max(d.due_on for d in by_kind(case)["annual_review"]) == D(2027, 3, 9)


def test_a_decision_to_cease_meets_the_review_and_opens_no_next(db, new_case):
    case = plan_for(db, new_case, BORN_2022)
    case = ops.hold_review_meeting(db, case.id, actor=None, on=D(2026, 1, 12))
    case = ops.decide_review_outcome(db, case.id, actor=None, on=D(2026, 1, 26), outcome="cease", reason=4)
    assert [(d.due_on, d.met_on) for d in early_years(case)] == [(DUE, D(2026, 1, 26))]


def test_an_overdue_early_years_review_is_never_a_breach_nor_a_plan_in_the_timeliness_figure(db, new_case):
    case = plan_for(db, new_case, BORN_2022)
    assert reads(db, case, "early_years_review", D(2026, 6, 1)) == "overdue"  # due 28 February 2026, never met
    with db.reading() as session:
        found = breaches(session, 2026, D(2026, 6, 1))
    assert "G7.2" not in found
    with db.reading() as session:  # the year the plan was issued: nothing of G7.2 falls due then either
        assert "G7.2" not in breaches(session, 2025, D(2026, 6, 1))
    # Met late by a decision on 8 June 2026, it is no new plan in the DfE figure: the one plan is 2025's, issued
    # 13 weeks after the request of 2 June (within 20), and 2026 issued none.
    case = review(db, case.id, D(2026, 6, 1), D(2026, 6, 8))
    assert early_years(case)[0].met_on == D(2026, 6, 8)
    with db.reading() as session:
        figures = {year: timeliness(session, year, db.policy) for year in (2025, 2026)}
        assert [(f["plans_issued"], f["within_20_weeks"]) for f in figures.values()] == [(1, 1), (0, 0)]
        assert "G7.2" not in breaches(session, 2026, D(2026, 7, 1))
