"""A tribunal order's steps (R10.9, R10.10) met by the case events that carry them out, dated on or after the
order: no ``record_order_step`` needed, met late after the due date, and the same answer whichever was keyed
first and after a correction. Dates worked out by hand in each test."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from casework import disputes
from casework import operations as ops
from casework.cases import replay
from casework.core.errors import EventNotAllowed
from casework.models import AuditEntry
from tests.disputes.conftest import D, dispute_deadlines, start, status_of


def _steps(db, case_id):
    return {d.step: d for d in dispute_deadlines(db, case_id, "tribunal_order")}


def _entry(db, case_id, event):
    with db.reading() as session:
        return session.scalars(select(AuditEntry.id).where(AuditEntry.case_id == case_id, AuditEntry.event == event)
                               .order_by(AuditEntry.id.desc())).first()


def _no_differences(db, case_id):
    with db.reading() as session:
        assert replay.rebuilt_differences(session, case_id, db.policy) == []


@pytest.fixture
def section_i_appeal(db, issued_plan):
    """A plan issued Monday 20 January 2025, its letter the same day; an appeal about section I alone (no
    certificate needed) registered on 3 February 2025. Returns the case id."""
    case_id = issued_plan(issued_on=D(2025, 1, 20))
    decision = start(db, case_id, "issue_final", D(2025, 1, 20))
    disputes.register_appeal(db, case_id, actor=None, on=D(2025, 2, 3), decision=decision,
                             tribunal_reference="EH/25/30", grounds=["contents_i"])
    return case_id


def _order(db, case_id, order, ordered_on, on=None, reference="EH/25/30"):
    disputes.record_appeal_outcome(db, case_id, actor=None, on=on or ordered_on, tribunal_reference=reference,
                                   outcome="order", order=order, ordered_on=ordered_on)


def test_an_amended_plan_after_the_order_meets_it_late_and_a_correction_restates_it(db, section_i_appeal):
    case_id = section_i_appeal
    # Monday 3 March 2025 + 5 weeks = Monday 7 April 2025.
    _order(db, case_id, "amend_plan", D(2025, 3, 3))
    assert _steps(db, case_id)["amended_plan"].due_on == D(2025, 4, 7)
    ops.propose_amendments(db, case_id, actor=None, on=D(2025, 3, 4))  # family's 15 days: 4 to 18 March
    assert _steps(db, case_id)["amended_plan"].met_on is None
    ops.issue_amended_plan(db, case_id, actor=None, on=D(2025, 4, 14))
    step = _steps(db, case_id)["amended_plan"]
    assert (step.met_on, status_of(db, step, D(2025, 5, 1))) == (D(2025, 4, 14), "met_late")
    with pytest.raises(EventNotAllowed):  # nothing left to record by hand
        disputes.record_order_step(db, case_id, actor=None, on=D(2025, 4, 15), tribunal_reference="EH/25/30",
                                   step="amended_plan")
    _no_differences(db, case_id)

    # The plan was in fact issued on Friday 4 April: the correction makes the step met on time.
    replay.correct_entry(db, case_id, actor=None, entry_id=_entry(db, case_id, "issue_amended_plan"),
                         reason="Keyed with the wrong date", on=D(2025, 4, 4))
    step = _steps(db, case_id)["amended_plan"]
    assert (step.met_on, status_of(db, step, D(2025, 5, 1))) == (D(2025, 4, 4), "met")
    _no_differences(db, case_id)


def test_an_order_keyed_late_is_met_by_the_plan_already_issued_after_its_date_not_before(db, section_i_appeal):
    case_id = section_i_appeal
    # An amended plan of 24 February 2025, before the order, carries out nothing it orders.
    ops.propose_amendments(db, case_id, actor=None, on=D(2025, 2, 5))  # window 5 to 19 February
    ops.issue_amended_plan(db, case_id, actor=None, on=D(2025, 2, 24))
    # Another of 12 March 2025, after the order of Monday 3 March that is keyed only on 14 March.
    ops.propose_amendments(db, case_id, actor=None, on=D(2025, 2, 25))  # window 25 February to 11 March
    ops.issue_amended_plan(db, case_id, actor=None, on=D(2025, 3, 12))
    _order(db, case_id, "amend_section_i", D(2025, 3, 3), on=D(2025, 3, 14))
    step = _steps(db, case_id)["amended_section_i"]
    # 3 March + 2 weeks = 17 March: met on 12 March, on time.
    assert (step.due_on, step.met_on, status_of(db, step, D(2025, 3, 20))) == (D(2025, 3, 17), D(2025, 3, 12),
                                                                              "met")
    _no_differences(db, case_id)


def test_an_order_without_a_matching_event_stays_overdue_and_can_be_recorded_by_hand(db, section_i_appeal):
    case_id = section_i_appeal
    _order(db, case_id, "amend_section_i", D(2025, 3, 3))
    ops.record_contact(db, case_id, actor=None, on=D(2025, 3, 10), direction="out", channel="phone",
                       party="Mother", summary="Explained the order")
    step = _steps(db, case_id)["amended_section_i"]
    assert (step.met_on, status_of(db, step, D(2025, 3, 18))) == (None, "overdue")
    disputes.record_order_step(db, case_id, actor=None, on=D(2025, 3, 19), tribunal_reference="EH/25/30",
                               step="amended_section_i")
    assert status_of(db, _steps(db, case_id)["amended_section_i"], D(2025, 3, 20)) == "met_late"
    _no_differences(db, case_id)


@pytest.fixture
def cease_appeal(db, issued_plan):
    """A plan issued 6 January 2025 and a decision to cease on Monday 31 March 2025, its letter the same day;
    certificate 7 April, appeal registered 1 May 2025. Returns the case id."""
    case_id = issued_plan(issued_on=D(2025, 1, 6))
    ops.cease_plan(db, case_id, actor=None, on=D(2025, 3, 31), reason=4)
    decision = start(db, case_id, "cease_plan", D(2025, 3, 31))
    disputes.record_mediation_contact(db, case_id, actor=None, on=D(2025, 4, 3), decision=decision,
                                      wants_mediation=False)
    disputes.issue_mediation_certificate(db, case_id, actor=None, on=D(2025, 4, 7), decision=decision)
    disputes.register_appeal(db, case_id, actor=None, on=D(2025, 5, 1), decision=decision,
                             tribunal_reference="EH/25/31", grounds=["cease"])
    return case_id


def test_an_order_to_continue_is_met_by_continuing_the_plan(db, cease_appeal):
    case_id = cease_appeal
    # Friday 29 August 2025: "at once", due that day; continued on Tuesday 2 September, late.
    _order(db, case_id, "continue_plan", D(2025, 8, 29), on=D(2025, 9, 1), reference="EH/25/31")
    ops.continue_plan(db, case_id, actor=None, on=D(2025, 9, 2))
    step = _steps(db, case_id)["continue_plan"]
    assert (step.due_on, step.met_on, status_of(db, step, D(2025, 9, 3))) == (D(2025, 8, 29), D(2025, 9, 2),
                                                                             "met_late")
    _no_differences(db, case_id)


def test_an_order_to_cease_is_met_by_confirming_the_plan_ceased(db, cease_appeal):
    case_id = cease_appeal
    _order(db, case_id, "cease_plan", D(2025, 8, 29), reference="EH/25/31")
    ops.confirm_ceased(db, case_id, actor=None, on=D(2025, 8, 29))
    step = _steps(db, case_id)["cease_plan"]
    assert (step.met_on, status_of(db, step, D(2025, 9, 1))) == (D(2025, 8, 29), "met")
    _no_differences(db, case_id)


def test_the_steps_each_event_carries_out_are_the_events_that_declare_them():
    from casework.law.disputes import CANCELLING_EVENTS, COMPLYING_EVENTS
    from casework.law.events import EVENTS

    assert {name for name, spec in EVENTS.items() if "tribunal_order" in spec.may("meet")} == COMPLYING_EVENTS
    assert {name for name, spec in EVENTS.items() if "tribunal_order" in spec.may("cancel")} == CANCELLING_EVENTS
