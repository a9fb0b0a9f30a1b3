"""An order or concession reopens a closed case (reg 44(2), reg 45): a refusal to assess, a decision not to issue,
a refusal to re-assess. Without one each stays refused (409 or 422, the case unchanged). The reopened case runs
on the order's clocks, not a second 20 weeks. Dates worked out by hand."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from casework import disputes
from casework import operations as ops
from casework.cases import replay
from casework.core.errors import EventNotAllowed, Invalid
from casework.models import AuditEntry, Case, Deadline
from tests.disputes.conftest import D, dispute_deadlines, start, status_of


def _steps(db, case_id):
    return {d.step: d for d in dispute_deadlines(db, case_id, "tribunal_order")}


def _case(db, case_id):
    with db.reading() as session:
        case = session.get(Case, case_id)
        own = [d for d in case.deadlines if d.subject_type == "case"]
        return case, own


def _allowed(db, case_id):
    with db.reading() as session:
        return ops.allowed_events(session.get(Case, case_id))


def _no_differences(db, case_id):
    with db.reading() as session:
        assert replay.rebuilt_differences(session, case_id, db.policy) == []


def _refused_with_appeal(db, refused):
    """Refused on Monday 9 December 2024 (request 4 November); letter 10 January 2025, certificate 14 January,
    appeal registered 20 January."""
    case_id, decision = refused(letter_on=D(2025, 1, 10))
    disputes.record_mediation_contact(db, case_id, actor=None, on=D(2025, 1, 13), decision=decision,
                                      wants_mediation=False)
    disputes.issue_mediation_certificate(db, case_id, actor=None, on=D(2025, 1, 14), decision=decision)
    disputes.register_appeal(db, case_id, actor=None, on=D(2025, 1, 20), decision=decision,
                             tribunal_reference="EH/25/40", grounds=["assessment"])
    return case_id


def test_an_order_to_assess_reopens_a_refused_case_on_the_orders_clocks(db, refused):
    case_id = _refused_with_appeal(db, refused)
    assert "agree_to_assess" not in _allowed(db, case_id)
    with pytest.raises(EventNotAllowed) as no_order:
        ops.agree_to_assess(db, case_id, actor=None, on=D(2025, 1, 21))
    assert "tribunal" in no_order.value.message
    assert _case(db, case_id)[0].state == "refused_to_assess"

    # Friday 31 January 2025: notice by 14 February, no-plan notice by 11 April, final plan by 9 May.
    disputes.record_appeal_outcome(db, case_id, actor=None, on=D(2025, 2, 3), tribunal_reference="EH/25/40",
                                   outcome="order", order="assess", ordered_on=D(2025, 1, 31))
    assert "agree_to_assess" in _allowed(db, case_id)
    with pytest.raises(Invalid) as too_early:
        ops.agree_to_assess(db, case_id, actor=None, on=D(2025, 1, 30))
    assert too_early.value.code == "date_before_trigger"

    ops.agree_to_assess(db, case_id, actor=None, on=D(2025, 2, 10))
    case, own = _case(db, case_id)
    assert (case.state, case.closed_on, case.closed_reason, case.decision_to_assess_on) == (
        "assessment", None, None, D(2025, 2, 10))
    # No second 6, 16 or 20 weeks: the request's own clocks stay as the refusal left them.
    assert sorted((d.kind, d.met_on, d.cancelled_on) for d in own) == [
        ("decision_to_assess", D(2024, 12, 9), None), ("final_plan", None, D(2024, 12, 9)),
        ("issue_decision", None, D(2024, 12, 9))]
    assert _steps(db, case_id)["notify_assessment"].met_on == D(2025, 2, 10)

    # Deciding to issue on Monday 10 March settles it: no notice that no plan will be made is owed from then, so
    # that step (due Friday 11 April) is cancelled, not overdue while the plan is drafted.
    ops.decide_to_issue(db, case_id, actor=None, on=D(2025, 3, 10))
    steps = _steps(db, case_id)
    assert (steps["no_plan_notice"].cancelled_on, steps["no_plan_notice"].met_on) == (D(2025, 3, 10), None)
    assert status_of(db, steps["no_plan_notice"], D(2025, 4, 20)) == "cancelled"
    assert status_of(db, steps["final_plan"], D(2025, 4, 20)) == "pending"
    _no_differences(db, case_id)
    ops.issue_draft(db, case_id, actor=None, on=D(2025, 3, 17))  # the family's 15 days: to 31 March
    ops.issue_final(db, case_id, actor=None, on=D(2025, 5, 12))
    steps = _steps(db, case_id)
    assert status_of(db, steps["final_plan"], D(2025, 6, 1)) == "met_late"  # due Friday 9 May
    assert (steps["no_plan_notice"].cancelled_on, steps["final_plan"].met_on) == (D(2025, 3, 10), D(2025, 5, 12))
    assert status_of(db, steps["notify_assessment"], D(2025, 6, 1)) == "met"
    _no_differences(db, case_id)

    # A correction replays the reopened case through the same rule: the plan was issued on 8 May, on time.
    with db.reading() as session:
        entry = session.scalars(select(AuditEntry.id).where(AuditEntry.case_id == case_id,
                                                            AuditEntry.event == "issue_final")).one()
    replay.correct_entry(db, case_id, actor=None, entry_id=entry, reason="Wrong date keyed", on=D(2025, 5, 8))
    assert status_of(db, _steps(db, case_id)["final_plan"], D(2025, 6, 1)) == "met"
    _no_differences(db, case_id)


def test_a_concession_to_assess_reopens_it_too_and_a_no_plan_notice_meets_its_step(db, refused):
    case_id = _refused_with_appeal(db, refused)
    # The council told the tribunal on Monday 3 March 2025 (R10.10): no-plan notice by 12 May.
    disputes.record_appeal_outcome(db, case_id, actor=None, on=D(2025, 3, 4), tribunal_reference="EH/25/40",
                                   outcome="conceded", order="assess", ordered_on=D(2025, 3, 3))
    ops.agree_to_assess(db, case_id, actor=None, on=D(2025, 3, 5))
    ops.decide_not_to_issue(db, case_id, actor=None, on=D(2025, 5, 9), reason="Needs met at SEN support")
    steps = _steps(db, case_id)
    assert (steps["no_plan_notice"].rule, steps["no_plan_notice"].due_on, steps["no_plan_notice"].met_on) == (
        "R10.10", D(2025, 5, 12), D(2025, 5, 9))
    assert steps["final_plan"].cancelled_on == D(2025, 5, 9)
    assert _case(db, case_id)[0].state == "not_issued"
    _no_differences(db, case_id)


def test_an_order_to_make_a_plan_lets_the_draft_be_issued_after_a_decision_not_to(db, new_case):
    case = new_case(received_on=D(2024, 9, 2))
    ops.agree_to_assess(db, case.id, actor=None, on=D(2024, 10, 7))
    ops.decide_not_to_issue(db, case.id, actor=None, on=D(2024, 12, 16), reason="Needs met at SEN support")
    decision = start(db, case.id, "decide_not_to_issue", D(2024, 12, 16))
    disputes.record_mediation_contact(db, case.id, actor=None, on=D(2024, 12, 18), decision=decision,
                                      wants_mediation=False)
    disputes.issue_mediation_certificate(db, case.id, actor=None, on=D(2024, 12, 19), decision=decision)
    disputes.register_appeal(db, case.id, actor=None, on=D(2025, 1, 6), decision=decision,
                             tribunal_reference="EH/25/41", grounds=["issue"])
    with pytest.raises(EventNotAllowed):
        ops.issue_draft(db, case.id, actor=None, on=D(2025, 1, 7))
    # An order to assess is not an order to make a plan.
    assert "issue_draft" not in _allowed(db, case.id)

    # Monday 3 March 2025: draft by 7 April (+ 5 weeks), final by 19 May (+ 11 weeks).
    disputes.record_appeal_outcome(db, case.id, actor=None, on=D(2025, 3, 3), tribunal_reference="EH/25/41",
                                   outcome="order", order="make_plan", ordered_on=D(2025, 3, 3))
    ops.issue_draft(db, case.id, actor=None, on=D(2025, 4, 9))
    assert _case(db, case.id)[0].state == "draft_issued"
    ops.issue_final(db, case.id, actor=None, on=D(2025, 5, 12))  # the family's 15 days ran to 23 April
    steps = _steps(db, case.id)
    assert status_of(db, steps["draft_plan"], D(2025, 6, 1)) == "met_late"
    assert status_of(db, steps["final_plan"], D(2025, 6, 1)) == "met"
    stored, own = _case(db, case.id)
    assert stored.state == "plan_maintained" and stored.closed_on is None
    assert [d.cancelled_on for d in own if d.kind == "final_plan"] == [D(2024, 12, 16)]  # no second R5.1
    _no_differences(db, case.id)


def test_an_order_to_assess_after_a_refusal_to_reassess_lets_the_council_reassess(db, issued_plan):
    case_id = issued_plan(issued_on=D(2025, 1, 20))
    ops.request_reassessment(db, case_id, actor=None, on=D(2025, 2, 3), requested_by="parent")
    ops.refuse_to_reassess(db, case_id, actor=None, on=D(2025, 2, 10), reason="Assessed within 6 months")
    decision = start(db, case_id, "refuse_to_reassess", D(2025, 2, 10))
    disputes.record_mediation_contact(db, case_id, actor=None, on=D(2025, 2, 11), decision=decision,
                                      wants_mediation=False)
    disputes.issue_mediation_certificate(db, case_id, actor=None, on=D(2025, 2, 12), decision=decision)
    disputes.register_appeal(db, case_id, actor=None, on=D(2025, 2, 17), decision=decision,
                             tribunal_reference="EH/25/42", grounds=["assessment"])
    with pytest.raises(Invalid) as no_order:
        ops.decide_to_reassess(db, case_id, actor=None, on=D(2025, 2, 18))
    assert no_order.value.code == "not_outstanding"

    # Monday 3 March 2025: notice by 17 March, final plan by 9 June.
    disputes.record_appeal_outcome(db, case_id, actor=None, on=D(2025, 3, 3), tribunal_reference="EH/25/42",
                                   outcome="order", order="assess", ordered_on=D(2025, 3, 3))
    assert "decide_to_reassess" in _allowed(db, case_id)
    ops.decide_to_reassess(db, case_id, actor=None, on=D(2025, 3, 10))
    with pytest.raises(Invalid):  # the order is carried out once
        ops.decide_to_reassess(db, case_id, actor=None, on=D(2025, 3, 11))
    ops.propose_amendments(db, case_id, actor=None, on=D(2025, 3, 17))
    ops.issue_amended_plan(db, case_id, actor=None, on=D(2025, 6, 2))
    steps = _steps(db, case_id)
    assert (steps["notify_assessment"].met_on, steps["final_plan"].met_on, steps["no_plan_notice"].cancelled_on) == (
        D(2025, 3, 10), D(2025, 6, 2), D(2025, 6, 2))
    with db.reading() as session:
        final = session.scalars(select(Deadline).where(Deadline.case_id == case_id,
                                                       Deadline.kind == "reassessment_final")).one()
    # The re-assessment's own 14 weeks from its decision (reg 27(2)): 10 March + 14 weeks = 16 June, met.
    assert (final.due_on, final.met_on) == (D(2025, 6, 16), D(2025, 6, 2))
    _no_differences(db, case_id)
