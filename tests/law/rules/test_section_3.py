"""R3.1 and M3.2: by 16 weeks from the request a notice that no plan will be made (reg 10(1)-(3)), or a decision
to issue, a local milestone never counted as a breach. The spec's worked example: request Monday 2 September
2024, 16 weeks on is Monday 23 December 2024."""

from __future__ import annotations

import pytest

from casework import operations as ops
from casework.law import rules
from tests.law.rules.paths import D, assessing, one, reads

RECEIVED = D(2024, 9, 2)
DUE = D(2024, 12, 23)  # 2 September + 112 days: 28 to 30 September, 31, 30, then 23 December


def _assessing(db, new_case):
    case = new_case(RECEIVED)
    case = assessing(db, case.id, D(2024, 10, 7))
    assert (one(case, "issue_decision").rule, one(case, "issue_decision").due_on) == ("R3.1", DUE)
    return case


@pytest.mark.rule("R3.1", "met")
def test_a_notice_that_no_plan_will_be_made_on_the_last_day_is_met_under_r3_1(db, new_case):
    case = ops.decide_not_to_issue(db, _assessing(db, new_case).id, actor=None, on=DUE, reason="Needs can be met")
    assert one(case, "issue_decision").rule == "R3.1" and reads(db, case, "issue_decision", D(2025, 1, 6)) == "met"


@pytest.mark.rule("R3.1", "overdue", "met_late")
def test_no_decision_by_week_16_is_an_r3_1_breach_and_a_late_notice_is_met_late(db, new_case):
    case = _assessing(db, new_case)
    assert reads(db, case, "issue_decision", DUE) != "overdue"
    assert reads(db, case, "issue_decision", D(2024, 12, 24)) == "overdue"
    case = ops.decide_not_to_issue(db, case.id, actor=None, on=D(2024, 12, 30), reason="Needs can be met")
    assert one(case, "issue_decision").rule == "R3.1"
    assert reads(db, case, "issue_decision", D(2025, 1, 6)) == "met_late"


@pytest.mark.rule("R3.1", "excused")
def test_a_late_notice_with_the_family_away_during_the_16_weeks_is_excused(db, new_case):
    case = _assessing(db, new_case)
    # Away Monday 2 December 2024 to Monday 6 January 2025: 35 days.
    ops.record_exception(db, case.id, actor=None, on=D(2025, 1, 6), reason="absent_from_area",
                         starts_on=D(2024, 12, 2), ends_on=D(2025, 1, 6), applies_to="issue_decision")
    case = ops.decide_not_to_issue(db, case.id, actor=None, on=D(2025, 1, 8), reason="Needs can be met")
    assert reads(db, case, "issue_decision", D(2025, 1, 9)) == "excused"


@pytest.mark.rule("M3.2", "met", "met_late")
def test_a_decision_to_issue_is_recorded_under_the_local_milestone_on_time_or_late(db, new_case):
    on_time = ops.decide_to_issue(db, _assessing(db, new_case).id, actor=None, on=DUE)
    late = ops.decide_to_issue(db, _assessing(db, new_case).id, actor=None, on=D(2024, 12, 24))
    assert one(on_time, "issue_decision").rule == one(late, "issue_decision").rule == "M3.2"
    assert reads(db, on_time, "issue_decision", D(2025, 1, 6)) == "met"
    assert reads(db, late, "issue_decision", D(2025, 1, 6)) == "met_late"
    assert not rules.rule_in_force("M3.2", RECEIVED).statutory  # never counted as a statutory breach


@pytest.mark.rule("M3.2", "excused")
def test_a_late_decision_to_issue_with_an_exception_during_the_16_weeks_is_excused(db, new_case):
    case = _assessing(db, new_case)
    ops.record_exception(db, case.id, actor=None, on=D(2024, 12, 20), reason="personal_circumstances",
                         starts_on=D(2024, 12, 9), ends_on=D(2025, 1, 13), applies_to="issue_decision")
    case = ops.decide_to_issue(db, case.id, actor=None, on=D(2025, 1, 13))
    assert one(case, "issue_decision").rule == "M3.2"
    assert reads(db, case, "issue_decision", D(2025, 1, 14)) == "excused"
