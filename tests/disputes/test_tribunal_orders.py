"""Tribunal orders and concessions (R10.9, R10.10): one compliance deadline per step of reg 44(2)."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from casework import disputes
from casework import operations as ops
from casework.core.errors import EventNotAllowed, Invalid
from casework.deadlines import status as deadline_status
from casework.models import Case, ExceptionRecord
from tests.disputes.conftest import D, dispute_deadlines, start, status_of

ORDERED_ON = D(2025, 1, 31)  # a Friday


@pytest.fixture
def appeal(db, refused):
    """An appeal registered on a refusal to assess (letter 10 January 2025, certificate 20 February)."""

    def _make(reference: str = "EH/25/1") -> int:
        case_id, decision = refused(letter_on=D(2025, 1, 10))
        disputes.record_mediation_contact(db, case_id, actor=None, on=D(2025, 1, 13), decision=decision,
                                          wants_mediation=False)
        disputes.issue_mediation_certificate(db, case_id, actor=None, on=D(2025, 1, 14), decision=decision)
        disputes.register_appeal(db, case_id, actor=None, on=D(2025, 1, 20), decision=decision,
                                 tribunal_reference=reference, grounds=["assessment"])
        return case_id

    return _make


def _steps(db, case_id):
    return {d.step: d for d in dispute_deadlines(db, case_id, "tribunal_order")}


@pytest.mark.parametrize(("order", "expected"), [
    # Friday 31 January 2025 + 2, 10 and 14 weeks.
    ("assess", {"notify_assessment": D(2025, 2, 14), "no_plan_notice": D(2025, 4, 11), "final_plan": D(2025, 5, 9)}),
    # + 5 weeks and + 11 weeks.
    ("make_plan", {"draft_plan": D(2025, 3, 7), "final_plan": D(2025, 4, 18)}),
    ("amend_plan", {"amended_plan": D(2025, 3, 7)}),
    ("amend_section_i", {"amended_section_i": D(2025, 2, 14)}),
    # "At once": due on the day of the order.
    ("continue_plan", {"continue_plan": ORDERED_ON}),
    ("cease_plan", {"cease_plan": ORDERED_ON}),
])
def test_an_order_opens_each_step_of_reg_44_2_from_the_order_date(db, appeal, order, expected):
    case_id = appeal()
    disputes.record_appeal_outcome(db, case_id, actor=None, on=D(2025, 2, 3), tribunal_reference="EH/25/1",
                                   outcome="order", order=order, ordered_on=ORDERED_ON)
    steps = _steps(db, case_id)
    assert {step: d.due_on for step, d in steps.items()} == expected
    assert {(d.rule, d.citation, d.starts_on) for d in steps.values()} == {
        ("R10.9", "SEND Regs 2014 reg 44(2) (as amended by SI 2015/359)", ORDERED_ON)}


def test_a_concession_runs_the_same_steps_from_the_day_the_tribunal_was_told(db, appeal):
    case_id = appeal()
    disputes.record_appeal_outcome(db, case_id, actor=None, on=D(2025, 3, 4), tribunal_reference="EH/25/1",
                                   outcome="conceded", order="make_plan", ordered_on=D(2025, 3, 3))
    steps = _steps(db, case_id)
    # Monday 3 March 2025 + 5 weeks = 7 April; + 11 weeks = 19 May.
    assert {s: (d.rule, d.due_on) for s, d in steps.items()} == {
        "draft_plan": ("R10.10", D(2025, 4, 7)), "final_plan": ("R10.10", D(2025, 5, 19))}
    assert steps["draft_plan"].citation == "SEND Regs 2014 reg 45"


@pytest.mark.rule("R10.9", "met", "met_late", "overdue", "cancelled")
def test_steps_met_met_late_overdue_and_the_alternative_cancelled(db, appeal):
    case_id = appeal()
    disputes.record_appeal_outcome(db, case_id, actor=None, on=D(2025, 2, 3), tribunal_reference="EH/25/1",
                                   outcome="order", order="assess", ordered_on=ORDERED_ON)
    assert status_of(db, _steps(db, case_id)["notify_assessment"], D(2025, 2, 15)) == "overdue"
    disputes.record_order_step(db, case_id, actor=None, on=D(2025, 2, 17), tribunal_reference="EH/25/1",
                               step="notify_assessment")
    disputes.record_order_step(db, case_id, actor=None, on=D(2025, 5, 9), tribunal_reference="EH/25/1",
                               step="final_plan")
    steps = _steps(db, case_id)
    assert status_of(db, steps["notify_assessment"], D(2025, 6, 1)) == "met_late"
    assert status_of(db, steps["final_plan"], D(2025, 6, 1)) == "met"
    # A final plan made, the no-plan notice can no longer be owed.
    assert (steps["no_plan_notice"].cancelled_on, status_of(db, steps["no_plan_notice"], D(2025, 6, 1))) == (
        D(2025, 5, 9), "cancelled")
    with pytest.raises(EventNotAllowed):
        disputes.record_order_step(db, case_id, actor=None, on=D(2025, 5, 10), tribunal_reference="EH/25/1",
                                   step="final_plan")
    with pytest.raises(Invalid) as not_ordered:
        disputes.record_order_step(db, case_id, actor=None, on=D(2025, 5, 10), tribunal_reference="EH/25/1",
                                   step="cease_plan")
    assert not_ordered.value.code == "step_not_ordered"


def test_a_dismissed_appeal_orders_nothing_and_refuses_an_order(db, appeal):
    case_id = appeal()
    with pytest.raises(Invalid) as refusal:
        disputes.record_appeal_outcome(db, case_id, actor=None, on=D(2025, 2, 3), tribunal_reference="EH/25/1",
                                       outcome="dismissed", order="assess")
    assert refusal.value.code == "nothing_ordered"
    disputes.record_appeal_outcome(db, case_id, actor=None, on=D(2025, 2, 3), tribunal_reference="EH/25/1",
                                   outcome="dismissed")
    assert _steps(db, case_id) == {}
    with pytest.raises(EventNotAllowed):
        disputes.record_appeal_outcome(db, case_id, actor=None, on=D(2025, 2, 4), tribunal_reference="EH/25/1",
                                       outcome="withdrawn")


def test_an_order_needs_its_date_and_an_unknown_appeal_is_refused(db, appeal):
    case_id = appeal()
    with pytest.raises(Invalid) as no_date:
        disputes.record_appeal_outcome(db, case_id, actor=None, on=D(2025, 2, 3), tribunal_reference="EH/25/1",
                                       outcome="order", order="assess")
    assert (no_date.value.code, no_date.value.field) == ("required", "ordered_on")
    with pytest.raises(Invalid) as unknown:
        disputes.record_appeal_outcome(db, case_id, actor=None, on=D(2025, 2, 3), tribunal_reference="EH/99/9",
                                       outcome="dismissed")
    assert unknown.value.code == "unknown_appeal"
    with pytest.raises(Invalid) as before_registration:
        disputes.record_appeal_outcome(db, case_id, actor=None, on=D(2025, 2, 3), tribunal_reference="EH/25/1",
                                       outcome="order", order="assess", ordered_on=D(2025, 1, 19))
    assert before_registration.value.code == "date_before_trigger"
    assert _steps(db, case_id) == {}


@pytest.mark.rule("R10.9", "excused")
def test_an_order_in_2020_late_for_coronavirus_is_excused(db, issued_plan):
    """SI 2020/471 named tribunal-order compliance (R10.9): a step running in its period may be excused."""
    case_id = issued_plan(issued_on=D(2020, 1, 27), received_on=D(2019, 9, 2))
    decision = start(db, case_id, "issue_final", D(2020, 1, 27))
    disputes.register_appeal(db, case_id, actor=None, on=D(2020, 3, 2), decision=decision,
                             tribunal_reference="EH/20/7", grounds=["contents_i"])
    disputes.record_appeal_outcome(db, case_id, actor=None, on=D(2020, 6, 1), tribunal_reference="EH/20/7",
                                   outcome="order", order="amend_section_i", ordered_on=D(2020, 6, 1))
    step = _steps(db, case_id)["amended_section_i"]
    assert step.due_on == D(2020, 6, 15)
    ops.record_exception(db, case_id, actor=None, on=D(2020, 6, 10), reason="coronavirus",
                         applies_to="tribunal_order", starts_on=D(2020, 6, 1), ends_on=D(2020, 7, 1))
    disputes.record_order_step(db, case_id, actor=None, on=D(2020, 6, 29), tribunal_reference="EH/20/7",
                               step="amended_section_i")
    with db.reading() as session:
        exceptions = list(session.scalars(select(ExceptionRecord).where(ExceptionRecord.case_id == case_id)))
        assert session.get(Case, case_id).state == "plan_maintained"  # the appeal never moved the case
    step = _steps(db, case_id)["amended_section_i"]
    late = deadline_status.status(step, D(2020, 7, 1), db.policy)
    assert late == "met_late"
    assert deadline_status.excused(step, late, exceptions, D(2020, 7, 1))


def test_an_order_in_2025_cannot_be_excused_for_coronavirus(db, issued_plan):
    case_id = issued_plan(issued_on=D(2025, 1, 20))
    decision = start(db, case_id, "issue_final", D(2025, 1, 20))
    disputes.register_appeal(db, case_id, actor=None, on=D(2025, 2, 3), decision=decision,
                             tribunal_reference="EH/25/8", grounds=["contents_i"])
    disputes.record_appeal_outcome(db, case_id, actor=None, on=D(2025, 3, 3), tribunal_reference="EH/25/8",
                                   outcome="order", order="amend_section_i", ordered_on=D(2025, 3, 3))
    with pytest.raises(Invalid) as refusal:
        ops.record_exception(db, case_id, actor=None, on=D(2025, 3, 10), reason="coronavirus",
                             applies_to="tribunal_order", starts_on=D(2025, 3, 3), ends_on=D(2025, 4, 1))
    assert refusal.value.code == "exception_not_applicable"
    assert dt.date(2025, 3, 17) == _steps(db, case_id)["amended_section_i"].due_on
