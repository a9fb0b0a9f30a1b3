"""Four defects a review of the engine against the law found, each with dates worked out by hand."""

from __future__ import annotations

import datetime as dt

import pytest
from freezegun import freeze_time

from casework import operations as ops
from casework.core import clock
from casework.core.errors import Invalid
from casework.deadlines.status import excused, status
from tests.support import by_kind, to_final_plan

D = dt.date


def test_a_twelve_month_period_starting_29_february_ends_28_february():
    assert clock.period_last_day(D(2024, 2, 29), 12) == D(2025, 2, 28)
    assert clock.period_last_day(D(2025, 1, 1), 12) == D(2025, 12, 31)  # the worked example
    assert clock.period_last_day(D(2024, 3, 1), 12) == D(2025, 2, 28)


@freeze_time("2025-06-01")
def test_a_plan_made_on_29_february_is_reviewed_by_28_february(db, new_case):
    case = new_case(D(2023, 10, 16))
    ops.agree_to_assess(db, case.id, actor=None, on=D(2023, 11, 20))
    ops.decide_to_issue(db, case.id, actor=None, on=D(2024, 1, 22))
    ops.issue_draft(db, case.id, actor=None, on=D(2024, 2, 1))
    case = ops.issue_final(db, case.id, actor=None, on=D(2024, 2, 29))
    assert by_kind(case)["annual_review"][0].due_on == D(2025, 2, 28)


@freeze_time("2025-06-01")
def test_a_request_from_a_young_person_aged_25_or_over_is_refused(db, new_case):
    with pytest.raises(Invalid) as refused:
        new_case(D(2025, 5, 4), date_of_birth=D(2000, 5, 4))  # 25 that day
    assert refused.value.code == "too_old" and "under 25" in refused.value.message
    assert new_case(D(2025, 5, 3), date_of_birth=D(2000, 5, 4)).state == "request_received"  # 24 the day before


@freeze_time("2025-06-01")
def test_a_decision_to_issue_after_week_16_is_the_local_milestone_m3_2(db, new_case):
    case = new_case(D(2024, 9, 2))  # issue decision due 23 December 2024
    ops.agree_to_assess(db, case.id, actor=None, on=D(2024, 10, 1))
    case = ops.decide_to_issue(db, case.id, actor=None, on=D(2025, 1, 6))
    decision = by_kind(case)["issue_decision"][0]
    assert (decision.rule, decision.met_on) == ("M3.2", D(2025, 1, 6))
    assert "Local practice" in decision.citation and status(decision, D(2025, 6, 1), db.policy) == "met_late"

    other = new_case(D(2024, 9, 2))
    ops.agree_to_assess(db, other.id, actor=None, on=D(2024, 10, 1))
    other = ops.decide_not_to_issue(db, other.id, actor=None, on=D(2025, 1, 6), reason="Needs met at SEN support")
    assert by_kind(other)["issue_decision"][0].rule == "R3.1"  # a late notice that no plan will be made is a breach


@freeze_time("2025-12-01")
def test_a_review_report_is_recordable_after_the_decision_and_met_late(db, new_case):
    case = new_case(D(2024, 9, 2))
    to_final_plan(db, case.id)
    ops.hold_review_meeting(db, case.id, actor=None, on=D(2025, 9, 1))  # report due 15 September
    case = ops.decide_review_outcome(db, case.id, actor=None, on=D(2025, 9, 10), outcome="maintain")
    assert case.state == "plan_maintained" and "record_review_report" in ops.allowed_events(case)
    case = ops.record_review_report(db, case.id, actor=None, on=D(2025, 9, 20))
    report = by_kind(case)["review_report"][0]
    assert report.met_on == D(2025, 9, 20) and status(report, D(2025, 12, 1), db.policy) == "met_late"
    assert "record_review_report" not in ops.allowed_events(case)
    with pytest.raises(Invalid, match="No review report is owed"):
        ops.record_review_report(db, case.id, actor=None, on=D(2025, 9, 21))


@freeze_time("2025-06-01")
def test_an_exception_excuses_a_limit_only_when_its_period_overlaps_the_limits_running_time(db, new_case):
    case = new_case(D(2024, 9, 2))  # the 20 weeks run 2 September 2024 to 20 January 2025
    late = ops.record_exception(db, case.id, actor=None, on=D(2025, 3, 1), reason="personal_circumstances",
                                starts_on=D(2025, 2, 1), ends_on=D(2025, 3, 1), applies_to="final_plan")
    final_plan = by_kind(late)["final_plan"][0]
    assert not excused(final_plan, "overdue", late.exceptions, D(2025, 6, 1))  # after the limit had run out
    during = ops.record_exception(db, case.id, actor=None, on=D(2025, 3, 2), reason="personal_circumstances",
                                  starts_on=D(2025, 1, 6), ends_on=D(2025, 2, 10), applies_to="final_plan")
    assert excused(by_kind(during)["final_plan"][0], "overdue", during.exceptions, D(2025, 6, 1))
    other = new_case(D(2024, 9, 2))
    before = ops.record_exception(db, other.id, actor=None, on=D(2025, 3, 1), reason="absent_from_area",
                                  starts_on=D(2024, 8, 1), ends_on=D(2024, 9, 2), applies_to="final_plan")
    # back on 2 September, the day the request was received: the absence ended before the 20 weeks began
    assert not excused(by_kind(before)["final_plan"][0], "overdue", before.exceptions, D(2025, 6, 1))
