"""Re-assessment (regs 24-27): the decision on a request (R5.3, 15 days, a service level), the plan within 14
weeks of a decision to re-assess (R5.4) with the reg 27(3) exceptions, and a re-assessed plan that is not a new
plan in the DfE figure. Dates worked out by hand in each test."""

from __future__ import annotations

import datetime as dt

import pytest

from casework import operations as ops
from casework.core.errors import EventNotAllowed, Invalid
from casework.deadlines.status import excused, status
from casework.law import rules
from casework.reporting.timeliness import timeliness
from tests.support import by_kind, snapshot, to_final_plan

D = dt.date


@pytest.fixture
def maintained(db, new_case):
    return to_final_plan(db, new_case(D(2023, 9, 4)).id, start=D(2023, 9, 4))  # final plan 8 January 2024


def _one(case, kind):
    [deadline] = by_kind(case)[kind]
    return deadline


@pytest.mark.rule("R5.3", "overdue", "met_late")
def test_a_request_owes_a_decision_in_15_days_as_a_service_level(db, maintained):
    case = ops.request_reassessment(db, maintained.id, actor=None, on=D(2025, 3, 3), requested_by="parent")
    decision = _one(case, "reassessment_decision")
    assert (decision.rule, decision.starts_on, decision.due_on) == ("R5.3", D(2025, 3, 3), D(2025, 3, 18))
    assert not rules.rule_in_force("R5.3", D(2025, 3, 3)).statutory  # never counted as a breach
    assert status(decision, D(2025, 3, 19), db.policy) == "overdue"
    case = ops.refuse_to_reassess(db, case.id, actor=None, on=D(2025, 3, 20), reason="Assessed in the last 6 months")
    assert status(_one(case, "reassessment_decision"), D(2025, 4, 1), db.policy) == "met_late"
    assert "reassessment_final" not in by_kind(case) and case.state == "plan_maintained"


@pytest.mark.rule("R5.3", "met")
@pytest.mark.rule("R5.4", "met")
def test_a_decision_to_reassess_owes_the_plan_in_14_weeks_met_by_the_amended_plan(db, maintained):
    ops.request_reassessment(db, maintained.id, actor=None, on=D(2025, 3, 3), requested_by="school")
    case = ops.decide_to_reassess(db, maintained.id, actor=None, on=D(2025, 3, 17))
    assert status(_one(case, "reassessment_decision"), D(2025, 4, 1), db.policy) == "met"
    final = _one(case, "reassessment_final")
    # 17 March 2025 + 98 days: 14 to 31 March, 30 in April, 31 in May, 23 in June = 23 June 2025
    assert (final.rule, final.due_on, final.citation) == ("R5.4", D(2025, 6, 23), "SEND Regs 2014 reg 27(2)")
    ops.propose_amendments(db, case.id, actor=None, on=D(2025, 5, 1))
    case = ops.issue_amended_plan(db, case.id, actor=None, on=D(2025, 5, 16))
    assert status(_one(case, "reassessment_final"), D(2025, 7, 1), db.policy) == "met"


@pytest.mark.rule("R5.4", "overdue", "met_late", "excused")
def test_a_late_reassessed_plan_is_overdue_then_met_late_and_excused_by_personal_circumstances(db, maintained):
    ops.request_reassessment(db, maintained.id, actor=None, on=D(2025, 3, 3), requested_by="parent")
    case = ops.decide_to_reassess(db, maintained.id, actor=None, on=D(2025, 3, 17))
    assert status(_one(case, "reassessment_final"), D(2025, 6, 24), db.policy) == "overdue"
    ops.propose_amendments(db, case.id, actor=None, on=D(2025, 6, 10))
    ops.record_exception(db, case.id, actor=None, on=D(2025, 6, 12), reason="personal_circumstances",
                         starts_on=D(2025, 4, 1), ends_on=D(2025, 5, 20), applies_to="reassessment_final")
    case = ops.decide_not_to_amend(db, case.id, actor=None, on=D(2025, 7, 1), reason="Needs unchanged")
    final = _one(case, "reassessment_final")
    assert final.met_on == D(2025, 7, 1) and status(final, D(2025, 7, 2), db.policy) == "met_late"
    assert excused(final, "met_late", case.exceptions, D(2025, 7, 2))


@pytest.mark.rule("R5.4", "cancelled")
def test_the_plan_ceased_cancels_a_reassessment_running(db, maintained):
    ops.request_reassessment(db, maintained.id, actor=None, on=D(2025, 3, 3), requested_by="parent")
    ops.decide_to_reassess(db, maintained.id, actor=None, on=D(2025, 3, 17))
    ops.cease_plan(db, maintained.id, actor=None, on=D(2025, 3, 31), reason=4)
    case = ops.confirm_ceased(db, maintained.id, actor=None, on=D(2025, 6, 1))  # 31 May was the last day
    assert _one(case, "reassessment_final").cancelled_on == D(2025, 6, 1)


def test_decisions_need_a_request_waiting_and_requests_do_not_pile_up(db, maintained):
    before = snapshot(db, maintained.id)
    with pytest.raises(Invalid) as refused:
        ops.decide_to_reassess(db, maintained.id, actor=None, on=D(2025, 3, 17))
    assert refused.value.code == "not_outstanding"
    assert snapshot(db, maintained.id) == before
    ops.request_reassessment(db, maintained.id, actor=None, on=D(2025, 3, 3), requested_by="parent")
    with pytest.raises(Invalid) as refused:
        ops.request_reassessment(db, maintained.id, actor=None, on=D(2025, 3, 5), requested_by="school")
    assert refused.value.code == "already_requested" and "3 March 2025" in refused.value.message
    with pytest.raises(Invalid) as refused:
        ops.refuse_to_reassess(db, maintained.id, actor=None, on=D(2025, 3, 2), reason="x")
    assert refused.value.code == "date_before_trigger"
    case = ops.decide_to_reassess(db, maintained.id, actor=None, on=D(2025, 3, 10))
    assert "request_reassessment" not in ops.allowed_events(case)
    assert "decide_to_reassess" not in ops.allowed_events(case)


def test_a_reassessment_is_not_possible_while_the_plan_is_being_amended(db, maintained):
    ops.propose_amendments(db, maintained.id, actor=None, on=D(2025, 3, 3))
    with pytest.raises(EventNotAllowed):
        ops.request_reassessment(db, maintained.id, actor=None, on=D(2025, 3, 4), requested_by="parent")


def test_a_reassessed_plan_is_not_a_new_plan_in_the_dfe_figure(db, maintained, new_case):
    ops.request_reassessment(db, maintained.id, actor=None, on=D(2025, 3, 3), requested_by="parent")
    ops.decide_to_reassess(db, maintained.id, actor=None, on=D(2025, 3, 17))
    ops.propose_amendments(db, maintained.id, actor=None, on=D(2025, 5, 1))
    ops.issue_amended_plan(db, maintained.id, actor=None, on=D(2025, 5, 16))
    to_final_plan(db, new_case(D(2024, 9, 2)).id)  # one new plan in 2025, on 6 January, within 20 weeks
    with db.reading() as session:
        figures = timeliness(session, 2025, db.policy)
    assert (figures["plans_issued"], figures["within_20_weeks"]) == (1, 1)


# --- advice during a re-assessment, and the school-closure exception to its 14 weeks (reg 27(3))


def _reassessing(db, maintained):
    """A request to re-assess of 19 May 2025 decided on Monday 2 June 2025: the plan due 8 September 2025
    (2 June + 98 days: 28 more in June, 31 in July, 31 in August, 8 in September)."""
    ops.request_reassessment(db, maintained.id, actor=None, on=D(2025, 5, 19), requested_by="parent")
    with pytest.raises(EventNotAllowed):  # nothing to advise on until the re-assessment is decided
        ops.request_advice(db, maintained.id, actor=None, on=D(2025, 5, 20), advice_type="educational",
                           organisation="Oak Primary School")
    case = ops.decide_to_reassess(db, maintained.id, actor=None, on=D(2025, 6, 2))
    assert "request_advice" in ops.allowed_events(case)
    assert _one(case, "reassessment_final").due_on == D(2025, 9, 8)
    return case


def test_advice_is_gathered_during_a_reassessment_with_its_own_6_weeks(db, maintained):
    case = _reassessing(db, maintained)
    with pytest.raises(Invalid) as before:
        ops.request_advice(db, case.id, actor=None, on=D(2025, 6, 1), advice_type="health",
                           organisation="Northbridge NHS Trust")
    assert before.value.code == "date_before_trigger"
    case = ops.request_advice(db, case.id, actor=None, on=D(2025, 6, 3), advice_type="health",
                              organisation="Northbridge NHS Trust")
    advice = _one(case, "advice")
    assert (advice.rule, advice.due_on, case.state) == ("R2.1", D(2025, 7, 15), "plan_maintained")
    case = ops.record_advice(db, case.id, actor=None, on=D(2025, 7, 10), advice_request_id=advice.advice_request_id)
    assert status(_one(case, "advice"), D(2025, 8, 1), db.policy) == "met"
    # Once the re-assessed plan is issued there is nothing more to advise on.
    ops.propose_amendments(db, case.id, actor=None, on=D(2025, 7, 14))
    case = ops.issue_amended_plan(db, case.id, actor=None, on=D(2025, 8, 4))
    assert "request_advice" not in ops.allowed_events(case)
    with pytest.raises(EventNotAllowed):
        ops.request_advice(db, case.id, actor=None, on=D(2025, 8, 5), advice_type="health",
                           organisation="Northbridge NHS Trust")


def test_a_summer_closure_excuses_a_late_reassessed_plan_when_the_school_was_asked_in_the_window(db, maintained):
    case = _reassessing(db, maintained)
    # School closed Wednesday 23 July, reopening Wednesday 3 September 2025 (42 days): the head teacher must be
    # asked for advice between 16 July and 27 August.
    ops.request_advice(db, case.id, actor=None, on=D(2025, 7, 15), advice_type="educational",
                       organisation="Oak Primary School")
    with pytest.raises(Invalid) as outside:
        ops.record_exception(db, case.id, actor=None, on=D(2025, 7, 20), reason="school_closure",
                             starts_on=D(2025, 7, 23), ends_on=D(2025, 9, 3), applies_to="reassessment_final")
    assert outside.value.code == "closure_window" and "16 July 2025" in outside.value.message
    ops.request_advice(db, case.id, actor=None, on=D(2025, 7, 18), advice_type="educational",
                       organisation="Oak Primary School")
    ops.record_exception(db, case.id, actor=None, on=D(2025, 7, 20), reason="school_closure",
                         starts_on=D(2025, 7, 23), ends_on=D(2025, 9, 3), applies_to="reassessment_final",
                         family_told_on=D(2025, 7, 20), evidence="Summer closure")
    ops.propose_amendments(db, case.id, actor=None, on=D(2025, 9, 15))
    case = ops.issue_amended_plan(db, case.id, actor=None, on=D(2025, 10, 1))
    final = _one(case, "reassessment_final")
    assert (final.due_on, final.met_on, status(final, D(2025, 10, 2), db.policy)) == (
        D(2025, 9, 8), D(2025, 10, 1), "met_late")  # the exception never moves the date
    assert excused(final, "met_late", case.exceptions, D(2025, 10, 2))
