"""The annual review and its steps (CFA s.44, regs 20-22): R7.1, R7.4, R7.5, R7.7, R7.8, R7.9, R7.12. The spec's
worked examples: a plan issued 1 January 2025 is reviewed by 31 December 2025; a meeting on Wednesday 5 March
2025 has papers by Wednesday 19 February, its report by Wednesday 19 March and the decision with any proposed
amendments by Wednesday 2 April. The 2020 coronavirus exception (SI 2020/471) named the review and its steps."""

from __future__ import annotations

import pytest

from casework import operations as ops
from casework.deadlines.status import excused, status
from tests.law.rules.paths import D, one, plan_issued, reads
from tests.support import by_kind, to_final_plan

MEETING = D(2025, 3, 5)


def _plan_of_1_january_2025(db, new_case):
    case = plan_issued(db, new_case, D(2024, 9, 2), D(2024, 12, 2), D(2025, 1, 1))
    assert (one(case, "annual_review").rule, one(case, "annual_review").due_on) == ("R7.1", D(2025, 12, 31))
    return case


def reads_one(db, deadline, as_of=D(2026, 2, 1)):
    return status(deadline, as_of, db.policy)


@pytest.fixture
def maintained(db, new_case):
    return to_final_plan(db, new_case(D(2024, 9, 2)).id)  # final plan Monday 6 January 2025


@pytest.mark.rule("R7.1", "met")
def test_a_review_decided_on_31_december_is_met_and_the_next_period_runs_from_it(db, new_case):
    case = _plan_of_1_january_2025(db, new_case)
    ops.hold_review_meeting(db, case.id, actor=None, on=D(2025, 12, 3))
    case = ops.decide_review_outcome(db, case.id, actor=None, on=D(2025, 12, 31), outcome="maintain")
    first, following = sorted(by_kind(case)["annual_review"], key=lambda d: d.due_on)
    assert first.met_on == D(2025, 12, 31) and reads_one(db, first) == "met"
    assert (following.rule, following.starts_on, following.due_on) == ("R7.1", D(2025, 12, 31), D(2026, 12, 30))


@pytest.mark.rule("R7.1", "overdue", "met_late")
def test_no_review_in_the_12_months_is_overdue_on_1_january_and_a_later_one_met_late(db, new_case):
    case = _plan_of_1_january_2025(db, new_case)
    assert reads(db, case, "annual_review", D(2025, 12, 31)) != "overdue"
    assert reads(db, case, "annual_review", D(2026, 1, 1)) == "overdue"
    ops.hold_review_meeting(db, case.id, actor=None, on=D(2025, 12, 10))
    case = ops.decide_review_outcome(db, case.id, actor=None, on=D(2026, 1, 2), outcome="maintain")
    first = min(by_kind(case)["annual_review"], key=lambda d: d.due_on)
    assert first.met_on == D(2026, 1, 2) and reads_one(db, first) == "met_late"


@pytest.mark.rule("R7.1", "cancelled")
def test_the_plan_ceased_cancels_the_review_owed(db, new_case):
    case = _plan_of_1_january_2025(db, new_case)
    ops.cease_plan(db, case.id, actor=None, on=D(2025, 3, 3), reason=4)
    # the review clock runs on while the family may appeal: 3 March + 2 months = 3 May 2025 is their last day
    case = ops.confirm_ceased(db, case.id, actor=None, on=D(2025, 5, 4))
    assert one(case, "annual_review").cancelled_on == D(2025, 5, 4)


@pytest.mark.rule("R7.1", "excused")
def test_a_late_review_of_a_plan_whose_year_ran_through_2020_is_excused_for_coronavirus(db, new_case):
    case = to_final_plan(db, new_case(D(2019, 9, 2)).id, start=D(2019, 9, 2))  # final plan Monday 6 January 2020
    assert one(case, "annual_review").due_on == D(2021, 1, 5)
    ops.record_exception(db, case.id, actor=None, on=D(2020, 12, 1), reason="coronavirus",
                         starts_on=D(2020, 5, 1), ends_on=D(2020, 9, 26), applies_to="annual_review")
    ops.hold_review_meeting(db, case.id, actor=None, on=D(2021, 1, 4))
    case = ops.decide_review_outcome(db, case.id, actor=None, on=D(2021, 1, 15), outcome="maintain")
    first = min(by_kind(case)["annual_review"], key=lambda d: d.due_on)
    assert status(first, D(2021, 2, 1), db.policy) == "met_late"
    assert excused(first, "met_late", case.exceptions, D(2021, 2, 1))


@pytest.mark.rule("R7.5", "met", "overdue")
@pytest.mark.rule("R7.4", "met_late")
def test_papers_on_19_february_are_met_and_invitations_a_day_late_are_met_late(db, maintained):
    case = ops.schedule_review_meeting(db, maintained.id, actor=None, on=D(2025, 2, 1), meeting_on=MEETING)
    assert (one(case, "review_papers").rule, one(case, "review_papers").due_on) == ("R7.5", D(2025, 2, 19))
    assert reads(db, case, "review_papers", D(2025, 2, 20)) == "overdue"
    case = ops.circulate_review_papers(db, case.id, actor=None, on=D(2025, 2, 19))
    case = ops.send_review_invitations(db, case.id, actor=None, on=D(2025, 2, 20))
    assert reads(db, case, "review_papers", D(2025, 3, 1)) == "met"
    assert reads(db, case, "review_invitations", D(2025, 3, 1)) == "met_late"


@pytest.mark.rule("R7.7", "met")
@pytest.mark.rule("R7.8", "met")
@pytest.mark.rule("R7.9", "met")
def test_the_worked_example_report_19_march_and_decision_with_amendments_2_april(db, maintained):
    case = ops.hold_review_meeting(db, maintained.id, actor=None, on=MEETING)
    assert (one(case, "review_report").rule, one(case, "review_report").due_on) == ("R7.7", D(2025, 3, 19))
    assert (one(case, "review_decision").rule, one(case, "review_decision").due_on) == ("R7.8", D(2025, 4, 2))
    ops.record_review_report(db, case.id, actor=None, on=D(2025, 3, 19))
    case = ops.decide_review_outcome(db, case.id, actor=None, on=D(2025, 4, 2), outcome="amend")
    assert reads(db, case, "review_report", D(2025, 4, 3)) == "met"
    assert reads(db, case, "review_decision", D(2025, 4, 3)) == "met"
    # the proposed amendments went with the decision: the notice is dated 2 April, the plan due 28 May
    assert one(case, "amendment_representations").starts_on == D(2025, 4, 2)
    assert one(case, "amended_plan").due_on == D(2025, 5, 28)


@pytest.mark.rule("R7.7", "overdue", "met_late")
@pytest.mark.rule("R7.8", "overdue", "met_late")
@pytest.mark.rule("R7.9", "overdue", "met_late")
def test_a_report_and_a_decision_to_amend_a_day_late_are_overdue_then_met_late(db, maintained):
    case = ops.hold_review_meeting(db, maintained.id, actor=None, on=MEETING)
    assert reads(db, case, "review_report", D(2025, 3, 20)) == "overdue"
    assert reads(db, case, "review_decision", D(2025, 4, 2)) != "overdue"
    assert reads(db, case, "review_decision", D(2025, 4, 3)) == "overdue"
    ops.record_review_report(db, case.id, actor=None, on=D(2025, 3, 20))
    case = ops.decide_review_outcome(db, case.id, actor=None, on=D(2025, 4, 3), outcome="amend")
    assert reads(db, case, "review_report", D(2025, 4, 4)) == "met_late"
    assert reads(db, case, "review_decision", D(2025, 4, 4)) == "met_late"
    # the amendments proposed a day late: 3 April + 56 days = Thursday 29 May 2025
    assert one(case, "amended_plan").due_on == D(2025, 5, 29)


@pytest.mark.rule("R7.7", "excused")
@pytest.mark.rule("R7.8", "excused")
@pytest.mark.rule("R7.9", "excused")
@pytest.mark.rule("R7.12", "excused")
def test_review_steps_late_in_2020_are_excused_for_coronavirus(db, new_case):
    case = to_final_plan(db, new_case(D(2019, 9, 2)).id, start=D(2019, 9, 2))  # final plan Monday 6 January 2020
    case = ops.hold_review_meeting(db, case.id, actor=None, on=D(2020, 6, 3))
    # Wednesday 3 June 2020: report by 17 June, decision by 1 July.
    assert (one(case, "review_report").due_on, one(case, "review_decision").due_on) == (D(2020, 6, 17),
                                                                                         D(2020, 7, 1))
    ops.record_review_report(db, case.id, actor=None, on=D(2020, 7, 1))
    case = ops.decide_review_outcome(db, case.id, actor=None, on=D(2020, 7, 15), outcome="amend")
    assert one(case, "amended_plan").due_on == D(2020, 9, 9)  # 15 July + 56 days
    ops.record_exception(db, case.id, actor=None, on=D(2020, 7, 16), reason="coronavirus", starts_on=D(2020, 5, 1),
                         ends_on=D(2020, 9, 26), applies_to=["review_report", "review_decision", "amended_plan"])
    case = ops.decide_not_to_amend(db, case.id, actor=None, on=D(2020, 9, 14), reason="Needs unchanged")
    assert one(case, "amended_plan").rule == "R7.12"
    for kind in ("review_report", "review_decision", "amended_plan"):
        assert reads(db, case, kind, D(2020, 10, 1)) == "excused", kind


@pytest.mark.rule("R7.7", "cancelled")
def test_a_decision_to_cease_before_the_report_then_the_plan_ceased_cancels_the_report(db, maintained):
    ops.hold_review_meeting(db, maintained.id, actor=None, on=MEETING)
    case = ops.decide_review_outcome(db, maintained.id, actor=None, on=D(2025, 3, 12), outcome="cease", reason=2)
    assert case.state == "ceasing" and one(case, "review_report").is_open  # still owed while the plan is kept
    # 12 March + 2 months = 12 May 2025, the family's last day to appeal
    case = ops.confirm_ceased(db, maintained.id, actor=None, on=D(2025, 5, 13))
    assert one(case, "review_report").cancelled_on == D(2025, 5, 13)
