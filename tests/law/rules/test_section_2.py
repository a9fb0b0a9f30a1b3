"""R2.1: advice within 6 weeks of the body's own receipt of the request (reg 8(1)), with the reg 8(2)
exceptions. Dates worked out by hand."""

from __future__ import annotations

import pytest

from casework import operations as ops
from tests.law.rules.paths import D, assessing, one, reads


def _asked(db, new_case):
    case = new_case(D(2024, 9, 2))
    assessing(db, case.id, D(2024, 10, 7))
    # Sent Tuesday 8 October 2024, received Thursday 10 October: 10 October + 42 days = Thursday 21 November.
    case = ops.request_advice(db, case.id, actor=None, on=D(2024, 10, 8), advice_type="health",
                              organisation="Northbridge NHS Trust", received_on=D(2024, 10, 10))
    assert (one(case, "advice").rule, one(case, "advice").due_on) == ("R2.1", D(2024, 11, 21))
    return case


@pytest.mark.rule("R2.1", "overdue", "met_late")
def test_advice_not_back_by_the_due_day_is_overdue_and_then_met_late(db, new_case):
    case = _asked(db, new_case)
    assert reads(db, case, "advice", D(2024, 11, 21)) != "overdue"
    assert reads(db, case, "advice", D(2024, 11, 22)) == "overdue"
    case = ops.record_advice(db, case.id, actor=None, on=D(2024, 11, 25), advice_request_id=case.advice_requests[0].id)
    assert reads(db, case, "advice", D(2024, 12, 1)) == "met_late"


@pytest.mark.rule("R2.1", "excused")
def test_late_advice_with_the_family_away_for_five_weeks_is_excused(db, new_case):
    case = _asked(db, new_case)
    # Away Monday 14 October, back Monday 18 November: 35 days, at least 4 continuous weeks.
    case = ops.record_exception(db, case.id, actor=None, on=D(2024, 11, 19), reason="absent_from_area",
                                starts_on=D(2024, 10, 14), ends_on=D(2024, 11, 18), applies_to="advice")
    case = ops.record_advice(db, case.id, actor=None, on=D(2024, 12, 2), advice_request_id=case.advice_requests[0].id)
    assert reads(db, case, "advice", D(2024, 12, 3)) == "excused"
