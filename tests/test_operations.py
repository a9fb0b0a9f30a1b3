"""Every event through casework.operations on the real database: deadlines, audit, refusals."""

import datetime as dt

import pytest
from sqlalchemy import select

from casework import operations as ops
from casework.core.errors import Conflict, EventNotAllowed, Invalid, NotFound
from casework.deadlines.status import excused, status
from casework.models import AuditEntry
from tests.support import by_kind, snapshot, to_final_plan

D = dt.date
T0 = D(2024, 9, 2)


def open_kinds(case):
    return sorted(d.kind for d in case.deadlines if d.is_open)


def test_a_request_opens_the_6_16_and_20_week_deadlines(db, new_case):
    case = new_case(T0)
    assert case.state == "request_received"
    assert case.reference.startswith("EHC-2024-")
    kinds = by_kind(case)
    assert [(k, kinds[k][0].rule, kinds[k][0].due_on) for k in ("decision_to_assess", "issue_decision", "final_plan")] \
        == [("decision_to_assess", "R1.1", D(2024, 10, 14)), ("issue_decision", "R3.1", D(2024, 12, 23)),
            ("final_plan", "R5.1", D(2025, 1, 20))]
    assert all(d.citation for d in case.deadlines)


def test_a_request_logged_without_an_officer_starts_unallocated(db, make_user):
    worker = make_user("caseworker")
    case = ops.create_case(db, actor=worker, given_name="A", family_name="B", date_of_birth=D(2015, 1, 1),
                           received_on=T0, requested_by="school")
    assert case.assigned_caseworker_id is None


@pytest.mark.parametrize(("fields", "code"), [
    ({"received_on": D(2099, 1, 1)}, "date_in_future"),
    ({"date_of_birth": D(2024, 9, 3)}, "birth_after_request"),
    ({"date_of_birth": D(1998, 9, 2)}, "too_old"),
    ({"requested_by": "grandparent"}, "invalid_choice"),
    ({"primary_need": "XYZ"}, "invalid_choice"),
    ({"given_name": "  "}, "required"),
])
def test_a_request_with_bad_details_is_refused_and_nothing_is_written(db, new_case, fields, code):
    args = {"received_on": T0, **fields}
    with pytest.raises(Invalid) as refused:
        new_case(**args)
    assert refused.value.code == code
    with db.reading() as s:
        assert s.scalars(select(AuditEntry)).first() is None


@pytest.mark.rule("R1.1", "met_late")
def test_agree_to_assess_meets_the_decision_deadline(db, new_case):
    case = ops.agree_to_assess(db, new_case(T0).id, actor=None, on=D(2024, 10, 15))
    decision = by_kind(case)["decision_to_assess"][0]
    assert case.state == "assessment" and decision.met_on == D(2024, 10, 15)
    assert status(decision, D(2025, 1, 1), db.policy) == "met_late"


@pytest.mark.rule("R3.1", "cancelled")
@pytest.mark.rule("R5.1", "cancelled")
def test_refuse_to_assess_meets_the_decision_and_cancels_the_rest(db, new_case):
    case = ops.refuse_to_assess(db, new_case(T0).id, actor=None, on=D(2024, 10, 1), reason="Needs met at SEN support")
    kinds = by_kind(case)
    assert case.state == "refused_to_assess"
    assert kinds["decision_to_assess"][0].met_on == D(2024, 10, 1)
    assert kinds["issue_decision"][0].cancelled_on == D(2024, 10, 1)
    assert kinds["final_plan"][0].cancelled_on == D(2024, 10, 1)
    assert open_kinds(case) == []


@pytest.mark.rule("R2.1", "met")
def test_advice_has_its_own_clock_from_the_bodys_receipt(db, new_case):
    case = new_case(T0)
    ops.agree_to_assess(db, case.id, actor=None, on=D(2024, 10, 1))
    case = ops.request_advice(db, case.id, actor=None, on=D(2024, 10, 2), advice_type="health",
                              organisation="Northbridge NHS Trust", received_on=D(2024, 10, 4))
    advice = case.advice_requests[0]
    deadline = by_kind(case)["advice"][0]
    assert (deadline.rule, deadline.starts_on, deadline.due_on) == ("R2.1", D(2024, 10, 4), D(2024, 11, 15))
    assert deadline.advice_request_id == advice.id
    case = ops.record_advice(db, case.id, actor=None, on=D(2024, 11, 15), advice_request_id=advice.id)
    assert by_kind(case)["advice"][0].met_on == D(2024, 11, 15)
    assert status(by_kind(case)["advice"][0], D(2024, 12, 1), db.policy) == "met"
    with pytest.raises(Invalid, match="already recorded"):
        ops.record_advice(db, case.id, actor=None, on=D(2024, 11, 16), advice_request_id=advice.id)
    with pytest.raises(NotFound):
        ops.record_advice(db, case.id, actor=None, on=D(2024, 11, 16), advice_request_id=advice.id + 999)


def test_advice_receipt_before_it_was_sent_is_refused(db, new_case):
    case = new_case(T0)
    ops.agree_to_assess(db, case.id, actor=None, on=D(2024, 10, 1))
    with pytest.raises(Invalid) as refused:
        ops.request_advice(db, case.id, actor=None, on=D(2024, 10, 2), advice_type="health", organisation="NHS",
                           received_on=D(2024, 10, 1))
    assert refused.value.code == "receipt_before_request"


@pytest.mark.rule("R5.1", "cancelled")
@pytest.mark.rule("R2.1", "cancelled")
def test_decide_not_to_issue_cancels_the_final_plan_and_open_advice(db, new_case):
    case = new_case(T0)
    ops.agree_to_assess(db, case.id, actor=None, on=D(2024, 10, 1))
    ops.request_advice(db, case.id, actor=None, on=D(2024, 10, 2), advice_type="psychological", organisation="EPS")
    case = ops.decide_not_to_issue(db, case.id, actor=None, on=D(2024, 12, 20), reason="Needs can be met")
    kinds = by_kind(case)
    assert case.state == "not_issued"
    assert kinds["issue_decision"][0].met_on == D(2024, 12, 20)
    assert kinds["final_plan"][0].cancelled_on == D(2024, 12, 20)
    assert kinds["advice"][0].cancelled_on == D(2024, 12, 20)


@pytest.mark.rule("R4.1", "met")
@pytest.mark.rule("R5.1", "met")
def test_issue_final_waits_for_the_representations_window(db, new_case):
    case = new_case(T0)
    ops.agree_to_assess(db, case.id, actor=None, on=D(2024, 9, 20))
    ops.decide_to_issue(db, case.id, actor=None, on=D(2024, 9, 30))
    case = ops.issue_draft(db, case.id, actor=None, on=D(2024, 10, 1))
    window = by_kind(case)["draft_representations"][0]
    assert (window.rule, window.due_on, window.is_duty) == ("R4.1", D(2024, 10, 15), False)
    assert status(window, D(2024, 10, 10), db.policy) in ("pending", "due_soon")
    assert status(window, D(2024, 10, 16), db.policy) == "met"  # a window closes; it is never overdue
    before = snapshot(db, case.id)
    with pytest.raises(Invalid) as refused:
        ops.issue_final(db, case.id, actor=None, on=D(2024, 10, 15))
    assert refused.value.code == "guard_refused" and "15-day" in refused.value.message
    assert snapshot(db, case.id) == before
    case = ops.issue_final(db, case.id, actor=None, on=D(2024, 10, 16), named_setting="Oak School")
    kinds = by_kind(case)
    assert case.state == "plan_maintained" and case.named_setting == "Oak School"
    assert kinds["final_plan"][0].met_on == D(2024, 10, 16)
    assert kinds["draft_representations"][0].met_on == D(2024, 10, 15)
    assert (kinds["annual_review"][0].rule, kinds["annual_review"][0].due_on) == ("R7.1", D(2025, 10, 15))


def test_annual_review_with_amendment_and_phase_transfer(db, new_case):
    case = to_final_plan(db, new_case(T0).id)
    case = ops.set_phase_transfer(db, case.id, actor=None, on=D(2025, 9, 1), transfer="school", year=2026)
    assert by_kind(case)["phase_transfer"][0].due_on == D(2026, 2, 14)
    case = ops.hold_review_meeting(db, case.id, actor=None, on=D(2025, 11, 5))
    kinds = by_kind(case)
    assert case.state == "under_review"
    assert (kinds["review_report"][0].due_on, kinds["review_decision"][0].due_on) == (D(2025, 11, 19), D(2025, 12, 3))
    case = ops.record_review_report(db, case.id, actor=None, on=D(2025, 11, 18))
    assert by_kind(case)["review_report"][0].met_on == D(2025, 11, 18)
    case = ops.decide_review_outcome(db, case.id, actor=None, on=D(2025, 12, 2), outcome="amend")
    kinds = by_kind(case)
    assert case.state == "amending"
    assert kinds["review_decision"][0].met_on == D(2025, 12, 2)
    assert kinds["annual_review"][0].met_on == D(2025, 12, 2)
    assert kinds["amended_plan"][0].due_on == D(2026, 1, 27)
    assert [d.due_on for d in kinds["annual_review"] if d.is_open] == [D(2026, 12, 1)]
    case = ops.issue_amended_plan(db, case.id, actor=None, on=D(2026, 1, 20))
    kinds = by_kind(case)
    assert case.state == "plan_maintained"
    assert kinds["amended_plan"][0].met_on == D(2026, 1, 20)
    assert kinds["phase_transfer"][0].met_on == D(2026, 1, 20)


def test_post16_phase_transfer_and_a_passed_year(db, new_case):
    case = to_final_plan(db, new_case(T0).id)
    case = ops.set_phase_transfer(db, case.id, actor=None, on=D(2025, 9, 1), transfer="post16", year=2026)
    assert (by_kind(case)["phase_transfer"][0].rule, by_kind(case)["phase_transfer"][0].due_on) == \
        ("R8.2", D(2026, 3, 30))
    with pytest.raises(Invalid) as refused:
        ops.set_phase_transfer(db, case.id, actor=None, on=D(2025, 9, 2), transfer="school", year=2025)
    assert refused.value.code == "deadline_passed"


def test_a_decision_to_maintain_meets_the_phase_transfer_and_starts_a_new_period(db, new_case):
    case = to_final_plan(db, new_case(T0).id)
    ops.set_phase_transfer(db, case.id, actor=None, on=D(2025, 9, 1), transfer="school", year=2026)
    ops.hold_review_meeting(db, case.id, actor=None, on=D(2025, 10, 1))
    case = ops.decide_review_outcome(db, case.id, actor=None, on=D(2025, 10, 20), outcome="maintain")
    kinds = by_kind(case)
    assert case.state == "plan_maintained"
    assert kinds["phase_transfer"][0].met_on == D(2025, 10, 20)
    assert [d.due_on for d in kinds["annual_review"] if d.is_open] == [D(2026, 10, 19)]
    assert kinds["review_report"][0].is_open  # the report is still owed


def test_review_period_may_start_at_the_meeting(db, new_case):
    from dataclasses import replace
    db.policy = replace(db.policy, review_period_starts_at="meeting")
    case = to_final_plan(db, new_case(T0).id)
    ops.hold_review_meeting(db, case.id, actor=None, on=D(2025, 10, 1))
    case = ops.decide_review_outcome(db, case.id, actor=None, on=D(2025, 10, 20), outcome="maintain")
    assert [d.due_on for d in by_kind(case)["annual_review"] if d.is_open] == [D(2026, 9, 30)]


def test_a_decision_to_cease_opens_no_new_review(db, new_case):
    case = to_final_plan(db, new_case(T0).id)
    ops.hold_review_meeting(db, case.id, actor=None, on=D(2025, 10, 1))
    case = ops.decide_review_outcome(db, case.id, actor=None, on=D(2025, 10, 20), outcome="cease", reason=2)
    assert case.state == "ceasing" and case.cease_reason == 2 and case.closed_on is None
    assert [d for d in by_kind(case)["annual_review"] if d.is_open] == []
    # The plan is kept while the family may appeal: the review report never recorded is still owed.
    assert [d.kind for d in case.deadlines if d.is_open] == ["review_report"]
    # 20 October + 2 months = 20 December 2025, the family's last day to appeal.
    with pytest.raises(Invalid) as refused:
        ops.confirm_ceased(db, case.id, actor=None, on=D(2025, 12, 20))
    assert refused.value.code == "appeal_time_open"
    assert "20 December 2025" in refused.value.message and "21 December 2025" in refused.value.message
    case = ops.confirm_ceased(db, case.id, actor=None, on=D(2025, 12, 21))
    assert case.state == "ceased" and case.closed_on == D(2025, 12, 21)
    assert [d.kind for d in case.deadlines if d.is_open] == []
    assert by_kind(case)["review_report"][0].cancelled_on == D(2025, 12, 21)


def test_cease_plan_keeps_the_plan_until_the_appeal_time_has_passed(db, new_case):
    case = to_final_plan(db, new_case(T0).id)
    ops.set_phase_transfer(db, case.id, actor=None, on=D(2025, 9, 1), transfer="school", year=2026)
    case = ops.cease_plan(db, case.id, actor=None, on=D(2025, 9, 10), reason=5)
    kinds = by_kind(case)
    assert case.state == "ceasing" and case.cease_reason == 5 and case.cease_decided_on == D(2025, 9, 10)
    assert kinds["annual_review"][0].is_open and kinds["phase_transfer"][0].is_open
    assert "confirm_ceased" in ops.allowed_events(case)
    case = ops.confirm_ceased(db, case.id, actor=None, on=D(2025, 11, 11))  # 10 November was the last day
    kinds = by_kind(case)
    assert kinds["annual_review"][0].cancelled_on == D(2025, 11, 11)
    assert kinds["phase_transfer"][0].cancelled_on == D(2025, 11, 11)
    with pytest.raises(Invalid):
        ops.cease_plan(db, to_final_plan(db, new_case(T0).id).id, actor=None, on=D(2025, 9, 10), reason=10)


def test_withdraw_cancels_everything_open(db, new_case):
    case = new_case(T0)
    ops.agree_to_assess(db, case.id, actor=None, on=D(2024, 10, 1))
    ops.request_advice(db, case.id, actor=None, on=D(2024, 10, 2), advice_type="educational", organisation="School")
    case = ops.withdraw(db, case.id, actor=None, on=D(2024, 10, 3), reason="Family moved away")
    assert case.state == "withdrawn"
    assert open_kinds(case) == []
    assert all(d.cancelled_on == D(2024, 10, 3) for d in case.deadlines if d.kind != "decision_to_assess")


def test_events_the_state_does_not_allow_are_409_and_change_nothing(db, new_case):
    case = new_case(T0)
    before = snapshot(db, case.id)
    with pytest.raises(EventNotAllowed) as refused:
        ops.issue_draft(db, case.id, actor=None, on=D(2024, 10, 1))
    assert "'Request received'" in refused.value.message and "Agree to assess" in refused.value.message
    assert "request_received" not in refused.value.message and "agree_to_assess" not in refused.value.message
    assert refused.value.status == 409
    assert snapshot(db, case.id) == before


@pytest.mark.parametrize(("on", "code"), [
    (D(2099, 1, 1), "date_in_future"),
    (D(2024, 9, 1), "date_before_request"),
])
def test_dates_out_of_order_are_422_and_change_nothing(db, new_case, on, code):
    case = new_case(T0)
    before = snapshot(db, case.id)
    with pytest.raises(Invalid) as refused:
        ops.agree_to_assess(db, case.id, actor=None, on=on)
    assert refused.value.code == code and refused.value.status == 422
    assert snapshot(db, case.id) == before


def test_an_event_dated_before_the_last_event_is_refused(db, new_case):
    case = new_case(T0)
    ops.agree_to_assess(db, case.id, actor=None, on=D(2024, 10, 1))
    before = snapshot(db, case.id)
    with pytest.raises(Invalid) as refused:
        ops.withdraw(db, case.id, actor=None, on=D(2024, 9, 30), reason="x")
    assert refused.value.code == "date_before_last_event"
    assert snapshot(db, case.id) == before


def test_a_stale_version_is_a_conflict(db, new_case):
    case = new_case(T0)
    version = case.version
    ops.agree_to_assess(db, case.id, actor=None, on=D(2024, 10, 1), expected_version=version)
    before = snapshot(db, case.id)
    with pytest.raises(Conflict):
        ops.request_advice(db, case.id, actor=None, on=D(2024, 10, 2), advice_type="health", organisation="NHS",
                           expected_version=version)
    assert snapshot(db, case.id) == before


def test_every_change_is_audited_with_actor_fields_and_states(db, new_case, make_user):
    worker = make_user("caseworker", username="jsmith")
    case = new_case(T0)
    ops.agree_to_assess(db, case.id, actor=worker, on=D(2024, 10, 1))
    case = ops.request_advice(db, case.id, actor=worker, on=D(2024, 10, 2), advice_type="health", organisation="NHS")
    with db.reading() as s:
        entries = list(s.scalars(select(AuditEntry).where(AuditEntry.case_id == case.id).order_by(AuditEntry.id)))
    assert [(e.event, e.actor, e.state_before, e.state_after) for e in entries] == [
        ("request_received", "system", None, "request_received"),
        ("agree_to_assess", "jsmith", "request_received", "assessment"),
        ("request_advice", "jsmith", "assessment", "assessment"),
    ]
    assert entries[2].fields == {"advice_type": "health", "organisation": "NHS", "received_on": "2024-10-02",
                                 "advice_request_id": case.advice_requests[0].id,
                                 "organisation_id": case.advice_requests[0].organisation_id}
    assert entries[1].on == D(2024, 10, 1) and entries[1].at is not None


# --- exceptions (reg 10(4), reg 8(2))

def assessed_with_educational_advice(db, new_case, asked_on=D(2025, 7, 18)):
    case = new_case(D(2025, 6, 2))
    ops.agree_to_assess(db, case.id, actor=None, on=D(2025, 7, 10))
    return ops.request_advice(db, case.id, actor=None, on=asked_on, advice_type="educational",
                              organisation="Oak Primary School")


def test_a_school_closure_excuses_a_late_final_plan(db, new_case):
    case = assessed_with_educational_advice(db, new_case)
    case = ops.record_exception(db, case.id, actor=None, on=D(2025, 7, 20), reason="school_closure",
                                starts_on=D(2025, 7, 23), ends_on=D(2025, 9, 3), applies_to="final_plan",
                                family_told_on=D(2025, 7, 20), evidence="Summer closure")
    final = by_kind(case)["final_plan"][0]
    assert final.due_on == D(2025, 10, 20)  # an exception never moves a date
    late = D(2025, 11, 1)
    assert status(final, late, db.policy) == "overdue"
    assert excused(final, "overdue", case.exceptions, late)
    decision = by_kind(case)["decision_to_assess"][0]
    assert not excused(decision, status(decision, late, db.policy), case.exceptions, late)


def test_school_closure_needs_educational_advice_asked_inside_the_window(db, new_case):
    case = assessed_with_educational_advice(db, new_case, asked_on=D(2025, 7, 15))  # window opens 16 Jul
    with pytest.raises(Invalid) as refused:
        ops.record_exception(db, case.id, actor=None, on=D(2025, 7, 20), reason="school_closure",
                             starts_on=D(2025, 7, 23), ends_on=D(2025, 9, 3), applies_to="final_plan")
    assert refused.value.code == "closure_window" and "16 July 2025" in refused.value.message


def test_half_term_is_too_short_for_a_closure_exception(db, new_case):
    case = assessed_with_educational_advice(db, new_case)
    with pytest.raises(Invalid) as refused:
        ops.record_exception(db, case.id, actor=None, on=D(2025, 7, 20), reason="school_closure",
                             starts_on=D(2025, 7, 23), ends_on=D(2025, 7, 30), applies_to="final_plan")
    assert refused.value.code == "too_short"


def test_school_closure_is_no_exception_to_the_advice_duty(db, new_case):
    case = assessed_with_educational_advice(db, new_case)
    advice_id = case.advice_requests[0].id
    with pytest.raises(Invalid) as refused:
        ops.record_exception(db, case.id, actor=None, on=D(2025, 7, 20), reason="school_closure",
                             starts_on=D(2025, 7, 23), ends_on=D(2025, 9, 3), applies_to=str(advice_id))
    assert refused.value.code == "exception_not_applicable"
    case = ops.record_exception(db, case.id, actor=None, on=D(2025, 7, 20), reason="missed_appointment",
                                starts_on=D(2025, 7, 21), ends_on=D(2025, 7, 21), applies_to=str(advice_id))
    advice = by_kind(case)["advice"][0]
    assert excused(advice, "overdue", case.exceptions, D(2025, 9, 30))
    final = by_kind(case)["final_plan"][0]
    assert not excused(final, "overdue", case.exceptions, D(2025, 11, 1))  # it named the advice request only


def test_an_exception_for_a_deadline_the_case_does_not_have_is_refused(db, new_case):
    case = new_case(T0)
    with pytest.raises(Invalid) as refused:
        ops.record_exception(db, case.id, actor=None, on=D(2024, 9, 10), reason="personal_circumstances",
                             starts_on=D(2024, 9, 5), ends_on=D(2024, 10, 5), applies_to="annual_review")
    assert refused.value.code == "no_such_deadline"


def test_statuses_as_of_dates(db, new_case):
    case = new_case(T0)
    decision = by_kind(case)["decision_to_assess"][0]  # due 14 Oct 2024; warning 14 days before
    assert status(decision, D(2024, 9, 29), db.policy) == "pending"
    assert status(decision, D(2024, 9, 30), db.policy) == "due_soon"
    assert status(decision, D(2024, 10, 14), db.policy) == "due_soon"
    assert status(decision, D(2024, 10, 15), db.policy) == "overdue"
    case = ops.withdraw(db, case.id, actor=None, on=D(2024, 9, 10), reason="x")
    assert {status(d, D(2025, 1, 1), db.policy) for d in case.deadlines} == {"cancelled"}
