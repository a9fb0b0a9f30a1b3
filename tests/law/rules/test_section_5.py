"""R5.1, the final plan within 20 weeks of the request (reg 13(2)), and R5.3, the decision on a request to
re-assess (regs 24-25). Dates worked out by hand: a request of Thursday 12 October 2023 owes its plan on
Thursday 29 February 2024 (19 days of October, 30, 31, 31, then 29 of February: 140)."""

from __future__ import annotations

import pytest

from casework import operations as ops
from casework.models import Case
from tests.law.rules.paths import D, one, reads
from tests.support import to_final_plan

RECEIVED = D(2023, 10, 12)
DUE = D(2024, 2, 29)


def _drafted(db, new_case):
    case = new_case(RECEIVED)
    ops.agree_to_assess(db, case.id, actor=None, on=D(2023, 11, 16))
    ops.decide_to_issue(db, case.id, actor=None, on=D(2024, 1, 18))
    case = ops.issue_draft(db, case.id, actor=None, on=D(2024, 1, 25))  # window to 8 February
    assert (one(case, "final_plan").rule, one(case, "final_plan").due_on) == ("R5.1", DUE)
    return case


@pytest.mark.rule("R5.1", "met", "overdue", "met_late")
def test_a_plan_on_29_february_is_met_none_on_1_march_is_overdue_and_a_later_one_met_late(db, new_case):
    on_time, late = _drafted(db, new_case), _drafted(db, new_case)
    on_time = ops.issue_final(db, on_time.id, actor=None, on=DUE)
    assert reads(db, on_time, "final_plan", D(2024, 3, 31)) == "met"
    assert reads(db, late, "final_plan", DUE) != "overdue"
    assert reads(db, late, "final_plan", D(2024, 3, 1)) == "overdue"
    late = ops.issue_final(db, late.id, actor=None, on=D(2024, 3, 4))
    assert reads(db, late, "final_plan", D(2024, 3, 31)) == "met_late"


@pytest.mark.rule("R5.1", "excused")
def test_a_late_plan_with_the_familys_circumstances_during_the_20_weeks_is_excused_and_not_otherwise(db, new_case):
    case = _drafted(db, new_case)
    case = ops.record_exception(db, case.id, actor=None, on=D(2024, 2, 1), reason="personal_circumstances",
                                starts_on=D(2024, 1, 29), ends_on=D(2024, 3, 11), applies_to="final_plan")
    case = ops.issue_final(db, case.id, actor=None, on=D(2024, 3, 14))
    assert reads(db, case, "final_plan", D(2024, 3, 31)) == "excused"
    ops.withdraw_exception(db, case.id, actor=None, on=D(2024, 4, 2), exception_id=case.exceptions[0].id,
                           reason="Recorded against the wrong child")
    with db.reading() as session:
        reread = session.get(Case, case.id)
        assert reads(db, reread, "final_plan", D(2024, 4, 2)) == "met_late"  # withdrawn, it excuses nothing


@pytest.mark.rule("R5.3", "cancelled")
def test_the_plan_ceased_cancels_the_decision_owed_on_a_request_to_reassess(db, new_case):
    case = to_final_plan(db, new_case(D(2024, 9, 2)).id)  # final plan Monday 6 January 2025
    case = ops.request_reassessment(db, case.id, actor=None, on=D(2025, 3, 3), requested_by="parent")
    assert one(case, "reassessment_decision").due_on == D(2025, 3, 18)  # 3 March + 15 days
    ops.cease_plan(db, case.id, actor=None, on=D(2025, 3, 5), reason=3)
    # 5 March + 2 months = 5 May 2025, the family's last day to appeal; the plan ceases the day after.
    case = ops.confirm_ceased(db, case.id, actor=None, on=D(2025, 5, 6))
    assert one(case, "reassessment_decision").cancelled_on == D(2025, 5, 6)
    assert reads(db, case, "reassessment_decision", D(2025, 5, 6)) == "cancelled"
