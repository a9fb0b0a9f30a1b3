"""Phase transfers (reg 18): R8.1 before 15 February, R8.2 before 31 March, R8.3 at least 5 months before a
post-16 move at another time, each met only by a review decision or amended plan within the 12 months before
the transfer. Dates worked out by hand: a move on 31 July 2026 less 5 months is 31 February, which does not
exist, so 28 February 2026."""

from __future__ import annotations

import datetime as dt

import pytest

from casework import operations as ops
from tests.law.rules.paths import D, one, reads
from tests.support import to_final_plan

TRANSFERS = [
    pytest.param("school", None, D(2026, 2, 14), id="R8.1", marks=pytest.mark.rule(
        "R8.1", "met", "met_late", "overdue", "cancelled")),
    pytest.param("post16", None, D(2026, 3, 30), id="R8.2", marks=pytest.mark.rule(
        "R8.2", "met", "met_late", "overdue", "cancelled")),
    pytest.param("post16_other", D(2026, 7, 31), D(2026, 2, 28), id="R8.3", marks=pytest.mark.rule(
        "R8.3", "met", "met_late", "overdue", "cancelled")),
]


@pytest.fixture
def maintained(db, new_case):
    return to_final_plan(db, new_case(D(2024, 9, 2)).id)  # final plan Monday 6 January 2025


def _set(db, case_id, transfer, transfer_on, due_on):
    case = ops.set_phase_transfer(db, case_id, actor=None, on=D(2025, 9, 1), transfer=transfer, year=2026,
                                  transfer_on=transfer_on)
    assert one(case, "phase_transfer").due_on == due_on
    return case


def _maintained_at_review(db, case_id, decided_on):
    ops.hold_review_meeting(db, case_id, actor=None, on=D(2026, 2, 2))
    return ops.decide_review_outcome(db, case_id, actor=None, on=decided_on, outcome="maintain")


@pytest.mark.parametrize(("transfer", "transfer_on", "due_on"), TRANSFERS)
def test_a_decision_to_maintain_on_the_last_day_is_met(db, maintained, transfer, transfer_on, due_on):
    _set(db, maintained.id, transfer, transfer_on, due_on)
    case = _maintained_at_review(db, maintained.id, due_on)
    assert one(case, "phase_transfer").met_on == due_on
    assert reads(db, case, "phase_transfer", D(2026, 4, 1)) == "met"


@pytest.mark.parametrize(("transfer", "transfer_on", "due_on"), TRANSFERS)
def test_none_by_the_last_day_is_overdue_and_two_days_later_met_late(db, maintained, transfer, transfer_on, due_on):
    case = _set(db, maintained.id, transfer, transfer_on, due_on)
    assert reads(db, case, "phase_transfer", due_on) != "overdue"
    assert reads(db, case, "phase_transfer", due_on + dt.timedelta(days=1)) == "overdue"
    case = _maintained_at_review(db, maintained.id, due_on + dt.timedelta(days=2))
    assert reads(db, case, "phase_transfer", D(2026, 4, 1)) == "met_late"


@pytest.mark.parametrize(("transfer", "transfer_on", "due_on"), TRANSFERS)
def test_the_plan_ceased_cancels_the_transfer_still_owed(db, maintained, transfer, transfer_on, due_on):
    _set(db, maintained.id, transfer, transfer_on, due_on)
    ops.cease_plan(db, maintained.id, actor=None, on=D(2025, 10, 31), reason=5)
    # 31 October + 2 months = 31 December 2025, the family's last day to appeal
    case = ops.confirm_ceased(db, maintained.id, actor=None, on=D(2026, 1, 1))
    assert one(case, "phase_transfer").cancelled_on == D(2026, 1, 1)
    assert reads(db, case, "phase_transfer", due_on) == "cancelled"
