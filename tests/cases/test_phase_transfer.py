"""Phase transfers (reg 18): R8.1 before 15 February, R8.2 before 31 March, R8.3 five months before a post-16
move at another time; met only by a decision to maintain or an amended plan within the 12 months before the
transfer; a new transfer never erases one already missed. Dates worked out by hand in each test."""

from __future__ import annotations

import datetime as dt

import pytest

from casework import operations as ops
from casework.core.errors import Invalid
from casework.deadlines.status import status
from tests.support import by_kind, snapshot, to_final_plan

D = dt.date


@pytest.fixture
def maintained(db, new_case):
    return to_final_plan(db, new_case(D(2024, 9, 2)).id)  # final plan 6 January 2025


def _transfers(case):
    return sorted(by_kind(case)["phase_transfer"], key=lambda d: d.due_on)


def _review(db, case_id, meeting_on, decided_on, outcome="maintain"):
    ops.hold_review_meeting(db, case_id, actor=None, on=meeting_on)
    return ops.decide_review_outcome(db, case_id, actor=None, on=decided_on, outcome=outcome)


@pytest.mark.parametrize(("transfer", "year", "transfer_on", "rule", "due_on", "moves_on"), [
    ("school", 2026, None, "R8.1", D(2026, 2, 14), D(2026, 9, 1)),       # before 15 February
    ("post16", 2026, None, "R8.2", D(2026, 3, 30), D(2026, 9, 1)),       # before 31 March
    ("post16_other", 2026, D(2026, 7, 31), "R8.3", D(2026, 2, 28), D(2026, 7, 31)),  # 31 July - 5 months
    ("post16_other", 2028, D(2028, 7, 31), "R8.3", D(2028, 2, 29), D(2028, 7, 31)),  # a leap year's February
])
def test_each_transfer_has_its_rule_and_date(db, maintained, transfer, year, transfer_on, rule, due_on, moves_on):
    case = ops.set_phase_transfer(db, maintained.id, actor=None, on=D(2025, 9, 1), transfer=transfer, year=year,
                                  transfer_on=transfer_on)
    [deadline] = _transfers(case)
    assert (deadline.rule, deadline.due_on, deadline.transfer_on) == (rule, due_on, moves_on)
    assert "reg 18" in deadline.citation


@pytest.mark.rule("R8.1", "met")
def test_a_decision_to_maintain_within_twelve_months_before_the_transfer_meets_it(db, maintained):
    ops.set_phase_transfer(db, maintained.id, actor=None, on=D(2025, 9, 1), transfer="school", year=2026)
    case = _review(db, maintained.id, D(2025, 12, 5), D(2025, 12, 20))
    [deadline] = _transfers(case)
    assert deadline.met_on == D(2025, 12, 20) and status(deadline, D(2026, 3, 1), db.policy) == "met"


def test_a_review_more_than_twelve_months_before_the_transfer_does_not_meet_it(db, maintained):
    # the 2027 transfer is on 1 September 2027: a decision of 20 December 2025 is more than 12 months before it
    ops.set_phase_transfer(db, maintained.id, actor=None, on=D(2025, 9, 1), transfer="school", year=2027)
    case = _review(db, maintained.id, D(2025, 12, 5), D(2025, 12, 20))
    [deadline] = _transfers(case)
    assert deadline.is_open and deadline.due_on == D(2027, 2, 14)


@pytest.mark.rule("R8.1", "overdue", "met_late")
def test_a_decision_to_amend_does_not_meet_it_but_the_amended_plan_does_late(db, maintained):
    ops.set_phase_transfer(db, maintained.id, actor=None, on=D(2025, 9, 1), transfer="school", year=2026)
    case = _review(db, maintained.id, D(2026, 1, 14), D(2026, 2, 4), outcome="amend")
    [deadline] = _transfers(case)
    assert deadline.is_open
    assert status(deadline, D(2026, 2, 15), db.policy) == "overdue"
    case = ops.issue_amended_plan(db, maintained.id, actor=None, on=D(2026, 3, 2))
    [deadline] = _transfers(case)
    assert deadline.met_on == D(2026, 3, 2) and status(deadline, D(2026, 4, 1), db.policy) == "met_late"


def test_a_new_transfer_never_erases_one_already_missed(db, maintained):
    ops.set_phase_transfer(db, maintained.id, actor=None, on=D(2025, 9, 1), transfer="school", year=2026)
    case = ops.set_phase_transfer(db, maintained.id, actor=None, on=D(2026, 3, 2), transfer="post16", year=2027)
    missed, coming = _transfers(case)
    assert missed.due_on == D(2026, 2, 14) and missed.cancelled_on is None
    assert status(missed, D(2026, 3, 2), db.policy) == "overdue"
    assert (coming.rule, coming.due_on) == ("R8.2", D(2027, 3, 30))


def test_a_post16_move_at_another_time_needs_its_date_and_a_date_to_come(db, maintained):
    before = snapshot(db, maintained.id)
    with pytest.raises(Invalid) as refused:
        ops.set_phase_transfer(db, maintained.id, actor=None, on=D(2025, 9, 1), transfer="post16_other", year=2026)
    assert (refused.value.code, refused.value.field) == ("required", "transfer_on")
    with pytest.raises(Invalid) as refused:  # 15 January 2026 - 5 months = 15 August 2025, already passed
        ops.set_phase_transfer(db, maintained.id, actor=None, on=D(2025, 9, 1), transfer="post16_other", year=2026,
                               transfer_on=D(2026, 1, 15))
    assert refused.value.code == "deadline_passed" and "15 August 2025" in refused.value.message
    with pytest.raises(Invalid) as refused:
        ops.set_phase_transfer(db, maintained.id, actor=None, on=D(2025, 9, 1), transfer="school", year=2026,
                               transfer_on=D(2027, 9, 1))
    assert refused.value.code == "year_mismatch"
    assert snapshot(db, maintained.id) == before


@pytest.mark.rule("R8.1", "cancelled")
def test_the_plan_ceased_cancels_a_transfer_still_owed(db, maintained):
    ops.set_phase_transfer(db, maintained.id, actor=None, on=D(2025, 9, 1), transfer="school", year=2026)
    ops.cease_plan(db, maintained.id, actor=None, on=D(2025, 9, 10), reason=7)
    case = ops.confirm_ceased(db, maintained.id, actor=None, on=D(2025, 11, 11))
    [deadline] = _transfers(case)
    assert deadline.cancelled_on == D(2025, 11, 11)
