"""R1.1: the decision whether to assess within 6 weeks of the request (regs 4(1), 5(1)), from the spec's worked
example: request received Monday 2 September 2024, decision due Monday 14 October 2024."""

from __future__ import annotations

import pytest

from casework import operations as ops
from tests.law.rules.paths import D, one, reads

RECEIVED = D(2024, 9, 2)


@pytest.mark.rule("R1.1", "met", "overdue")
def test_a_decision_on_the_last_day_is_met_and_none_by_the_next_day_is_overdue(db, new_case):
    decided, undecided = new_case(RECEIVED), new_case(RECEIVED)
    # 2 September 2024 + 42 days: 28 days to 30 September, 14 more to Monday 14 October.
    assert (one(decided, "decision_to_assess").rule, one(decided, "decision_to_assess").due_on) == (
        "R1.1", D(2024, 10, 14))
    decided = ops.agree_to_assess(db, decided.id, actor=None, on=D(2024, 10, 14))
    assert reads(db, decided, "decision_to_assess", D(2024, 11, 1)) == "met"
    assert reads(db, undecided, "decision_to_assess", D(2024, 10, 14)) != "overdue"
    assert reads(db, undecided, "decision_to_assess", D(2024, 10, 15)) == "overdue"


@pytest.mark.rule("R1.1", "excused")
def test_a_late_decision_with_the_familys_circumstances_during_the_six_weeks_is_excused(db, new_case):
    case = new_case(RECEIVED)
    case = ops.record_exception(db, case.id, actor=None, on=D(2024, 10, 10), reason="personal_circumstances",
                                starts_on=D(2024, 10, 1), ends_on=D(2024, 11, 4), applies_to="decision_to_assess")
    case = ops.refuse_to_assess(db, case.id, actor=None, on=D(2024, 10, 28), reason="Needs met at SEN support")
    assert reads(db, case, "decision_to_assess", D(2024, 11, 1)) == "excused"


@pytest.mark.rule("R1.1", "cancelled")
def test_a_request_withdrawn_before_the_decision_cancels_it(db, new_case):
    case = ops.withdraw(db, new_case(RECEIVED).id, actor=None, on=D(2024, 9, 20), reason="The family moved away")
    assert one(case, "decision_to_assess").cancelled_on == D(2024, 9, 20)
    assert reads(db, case, "decision_to_assess", D(2024, 10, 15)) == "cancelled"
