"""Amending a plan (reg 22, reg 28): the family's 15 days on the proposed amendments (R7.10) before the amended
plan, the 8 weeks to it (R7.11) or to a decision not to amend (R7.12), and a plan being amended that ceases.
Dates are the spec's worked example (meeting Wednesday 5 March 2025, decision and amendments Wednesday 2 April,
final amended plan by Wednesday 28 May 2025) and others worked out by hand below."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from casework import operations as ops
from casework.alerts import scan
from casework.core.errors import EventNotAllowed, Invalid
from casework.deadlines.status import excused, status
from casework.models import Alert, Case
from tests.support import by_kind, snapshot, to_final_plan

D = dt.date


@pytest.fixture
def maintained(db, new_case):
    return to_final_plan(db, new_case(D(2024, 9, 2)).id)  # final plan Monday 6 January 2025


def _one(case, kind):
    [deadline] = by_kind(case)[kind]
    return deadline


def _amend_at_review(db, case_id):
    ops.hold_review_meeting(db, case_id, actor=None, on=D(2025, 3, 5))
    return ops.decide_review_outcome(db, case_id, actor=None, on=D(2025, 4, 2), outcome="amend")


@pytest.mark.rule("R7.10", "met")
def test_the_worked_example_a_decision_to_amend_opens_the_window_and_the_eight_weeks(db, maintained):
    case = _amend_at_review(db, maintained.id)
    assert case.state == "amending"
    window, plan = _one(case, "amendment_representations"), _one(case, "amended_plan")
    # 15 days beginning with Wednesday 2 April: the last is Wednesday 16 April; 2 April + 56 days = 28 May
    assert (window.rule, window.starts_on, window.due_on, window.is_duty) == ("R7.10", D(2025, 4, 2),
                                                                                D(2025, 4, 16), False)
    assert (plan.rule, plan.due_on) == ("R7.11", D(2025, 5, 28))
    assert plan.citation == "SEND Regs 2014 reg 22(3)"
    # the family's window is never overdue: once its last day has passed it reads as closed (met)
    assert status(window, D(2025, 4, 17), db.policy) == "met"


@pytest.mark.rule("R7.11", "met")
def test_the_amended_plan_waits_for_the_window_and_says_the_earliest_date(db, maintained):
    case = _amend_at_review(db, maintained.id)
    before = snapshot(db, case.id)
    with pytest.raises(Invalid) as refused:
        ops.issue_amended_plan(db, case.id, actor=None, on=D(2025, 4, 16))
    assert refused.value.code == "guard_refused" and refused.value.field == "on"
    assert "16 April 2025" in refused.value.message and "17 April 2025" in refused.value.message
    assert "reg 22(2)(c)" in refused.value.message
    assert snapshot(db, case.id) == before
    case = ops.issue_amended_plan(db, case.id, actor=None, on=D(2025, 4, 17), named_setting="Elm Secondary")
    assert case.state == "plan_maintained" and case.named_setting == "Elm Secondary"
    window, plan = _one(case, "amendment_representations"), _one(case, "amended_plan")
    assert window.met_on == D(2025, 4, 16)  # the family's window closed on its last day
    assert plan.met_on == D(2025, 4, 17) and status(plan, D(2025, 6, 1), db.policy) == "met"


@pytest.mark.rule("R7.11", "overdue", "met_late")
def test_the_amended_plan_late_is_overdue_then_met_late(db, maintained):
    case = _amend_at_review(db, maintained.id)
    plan = _one(case, "amended_plan")
    assert status(plan, D(2025, 5, 28), db.policy) != "overdue"
    assert status(plan, D(2025, 5, 29), db.policy) == "overdue"
    case = ops.issue_amended_plan(db, case.id, actor=None, on=D(2025, 5, 29))
    assert status(_one(case, "amended_plan"), D(2025, 6, 1), db.policy) == "met_late"


@pytest.mark.rule("R7.10", "cancelled")
@pytest.mark.rule("R7.12", "met")
def test_a_decision_not_to_amend_while_the_window_runs_cancels_it_and_meets_r7_12(db, maintained):
    case = _amend_at_review(db, maintained.id)
    case = ops.decide_not_to_amend(db, case.id, actor=None, on=D(2025, 4, 10), reason="Representations accepted")
    assert case.state == "plan_maintained"
    window, plan = _one(case, "amendment_representations"), _one(case, "amended_plan")
    assert window.cancelled_on == D(2025, 4, 10) and window.met_on is None
    assert (plan.rule, plan.met_on, plan.citation) == ("R7.12", D(2025, 4, 10), "SEND Regs 2014 reg 22(4)")


@pytest.mark.rule("R7.12", "met_late")
def test_a_decision_not_to_amend_after_eight_weeks_is_late_and_the_window_closed_on_its_day(db, maintained):
    case = _amend_at_review(db, maintained.id)
    case = ops.decide_not_to_amend(db, case.id, actor=None, on=D(2025, 5, 30), reason="Needs unchanged")
    window, plan = _one(case, "amendment_representations"), _one(case, "amended_plan")
    assert window.met_on == D(2025, 4, 16) and window.cancelled_on is None
    assert plan.rule == "R7.12" and status(plan, D(2025, 6, 1), db.policy) == "met_late"


def test_amendments_proposed_outside_a_review_run_the_same_clocks(db, maintained):
    case = ops.propose_amendments(db, maintained.id, actor=None, on=D(2025, 3, 3))
    assert case.state == "amending"
    # 3 March + 14 days = 17 March; 3 March + 56 days = 28 April 2025
    assert _one(case, "amendment_representations").due_on == D(2025, 3, 17)
    assert _one(case, "amended_plan").due_on == D(2025, 4, 28)
    with pytest.raises(EventNotAllowed):
        ops.propose_amendments(db, case.id, actor=None, on=D(2025, 3, 4))


def test_the_window_across_29_february(db, new_case):
    case = to_final_plan(db, new_case(D(2023, 9, 4)).id, start=D(2023, 9, 4))  # final plan 8 January 2024
    case = ops.propose_amendments(db, case.id, actor=None, on=D(2024, 2, 15))
    # 15 days beginning with Thursday 15 February 2024 end on Thursday 29 February; + 56 days = 11 April 2024
    assert _one(case, "amendment_representations").due_on == D(2024, 2, 29)
    assert _one(case, "amended_plan").due_on == D(2024, 4, 11)
    with pytest.raises(Invalid, match="1 March 2024"):
        ops.issue_amended_plan(db, case.id, actor=None, on=D(2024, 2, 29))
    case = ops.issue_amended_plan(db, case.id, actor=None, on=D(2024, 3, 1))
    assert status(_one(case, "amended_plan"), D(2024, 5, 1), db.policy) == "met"


@pytest.mark.rule("R7.11", "excused")
def test_a_late_amended_plan_in_the_2020_period_is_excused_by_coronavirus(db, new_case):
    case = to_final_plan(db, new_case(D(2019, 9, 2)).id, start=D(2019, 9, 2))  # final plan 6 January 2020
    case = ops.propose_amendments(db, case.id, actor=None, on=D(2020, 6, 1))
    assert _one(case, "amended_plan").due_on == D(2020, 7, 27)  # 1 June + 56 days
    ops.issue_amended_plan(db, case.id, actor=None, on=D(2020, 9, 1))
    case = ops.record_exception(db, case.id, actor=None, on=D(2020, 9, 2), reason="coronavirus",
                                starts_on=D(2020, 5, 1), ends_on=D(2020, 9, 25), applies_to="amended_plan")
    plan = _one(case, "amended_plan")
    assert status(plan, D(2020, 10, 1), db.policy) == "met_late"
    assert excused(plan, "met_late", case.exceptions, D(2020, 10, 1))


def test_no_other_exception_excuses_an_amended_plan(db, maintained):
    case = ops.propose_amendments(db, maintained.id, actor=None, on=D(2025, 3, 3))
    before = snapshot(db, case.id)
    with pytest.raises(Invalid) as refused:
        ops.record_exception(db, case.id, actor=None, on=D(2025, 3, 20), reason="personal_circumstances",
                             starts_on=D(2025, 3, 4), ends_on=D(2025, 4, 20), applies_to="amended_plan")
    assert refused.value.code == "exception_not_applicable"
    assert snapshot(db, case.id) == before


@pytest.mark.rule("R7.11", "cancelled")
def test_a_plan_being_amended_can_cease_and_its_amendment_clocks_end_with_it(db, maintained):
    case = ops.propose_amendments(db, maintained.id, actor=None, on=D(2025, 3, 3))
    case = ops.cease_plan(db, case.id, actor=None, on=D(2025, 3, 10), reason=4)
    assert case.state == "ceasing" and _one(case, "amended_plan").is_open
    # 10 March + 2 months = 10 May 2025, the family's last day to appeal
    case = ops.confirm_ceased(db, case.id, actor=None, on=D(2025, 5, 11))
    assert case.state == "ceased"
    assert _one(case, "amended_plan").cancelled_on == D(2025, 5, 11)
    assert _one(case, "amendment_representations").met_on == D(2025, 3, 17)  # it had run its course


def test_an_appeal_upheld_lets_the_plan_cease_while_the_window_still_runs(db, maintained):
    case = ops.propose_amendments(db, maintained.id, actor=None, on=D(2025, 3, 3))
    ops.cease_plan(db, case.id, actor=None, on=D(2025, 3, 5), reason=2)
    with db.transaction() as session:
        ops.record_cease_appeal(session.get(Case, case.id), "upheld")
    case = ops.confirm_ceased(db, case.id, actor=None, on=D(2025, 3, 10))
    assert _one(case, "amendment_representations").cancelled_on == D(2025, 3, 10)
    assert _one(case, "amended_plan").cancelled_on == D(2025, 3, 10)


def test_the_scan_alerts_an_overdue_amended_plan_under_its_rule(db, maintained, settings):
    _amend_at_review(db, maintained.id)
    scan.run_scan(db, settings, as_of=D(2025, 5, 29))
    with db.reading() as session:
        alerts = session.scalars(select(Alert).where(Alert.case_id == maintained.id, Alert.kind == "overdue")).all()
        late = {(a.deadline_kind, a.rule) for a in alerts}
    # the review report (meeting + 2 weeks) was never sent either; the family's window raises nothing
    assert late == {("amended_plan", "R7.11"), ("review_report", "R7.7")}
