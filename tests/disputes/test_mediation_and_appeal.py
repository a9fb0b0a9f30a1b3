"""Mediation and appeal time (R10.1, R10.2, R10.3, R10.6), dates worked out by hand."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from casework import disputes
from casework.core.errors import EventNotAllowed, Invalid
from casework.models import AuditEntry, Dispute
from tests.disputes.conftest import D, dispute_deadlines, one, start, status_of


@pytest.mark.rule("R10.1", "met")
@pytest.mark.rule("R10.6", "cancelled")
def test_the_worked_example_letter_10_january_certificate_20_february_appeal_by_20_march(db, refused):
    case_id, decision = refused(letter_on=D(2025, 1, 10))
    contact = one(db, case_id, "mediation_contact")
    window = one(db, case_id, "appeal_window")
    # R10.1 and R10.6 before any certificate: the letter + 2 months.
    assert (contact.rule, contact.due_on) == ("R10.1", D(2025, 3, 10))
    assert (window.rule, window.due_on, window.citation) == (
        "R10.6", D(2025, 3, 10), "Tribunal Procedure (First-tier Tribunal) (HESC) Rules 2008 r.20(1)(c)")
    disputes.record_mediation_contact(db, case_id, actor=None, on=D(2025, 2, 17), decision=decision,
                                      wants_mediation=False)
    disputes.issue_mediation_certificate(db, case_id, actor=None, on=D(2025, 2, 20), decision=decision)
    # Later of 10 March 2025 (letter + 2 months) and 20 March 2025 (certificate + 1 month).
    windows = dispute_deadlines(db, case_id, "appeal_window")
    assert [(w.due_on, w.cancelled_on) for w in windows] == [(D(2025, 3, 10), D(2025, 2, 20)),
                                                            (D(2025, 3, 20), None)]
    assert status_of(db, one(db, case_id, "mediation_contact"), D(2025, 3, 1)) == "met"


@pytest.mark.rule("R10.1", "met_late")
def test_mediation_contact_is_the_familys_window_met_late_or_lapsing_never_a_breach(db, refused):
    case_id, decision = refused(letter_on=D(2025, 1, 10))
    contact = one(db, case_id, "mediation_contact")
    assert status_of(db, contact, D(2025, 3, 10)) in ("pending", "due_soon")
    assert status_of(db, contact, D(2025, 3, 11)) == "met"  # closed, not overdue: the family's own time
    assert not contact.is_duty
    disputes.record_mediation_contact(db, case_id, actor=None, on=D(2025, 3, 12), decision=decision,
                                      wants_mediation=False)
    assert one(db, case_id, "mediation_contact").met_on == D(2025, 3, 12)
    assert status_of(db, one(db, case_id, "mediation_contact"), D(2025, 3, 12)) == "met_late"


@pytest.mark.parametrize(("declined_on", "due_on"), [
    # Thu 17 April 2025: Good Friday 18 and Easter Monday 21 are bank holidays; Tue 22, Wed 23, Thu 24.
    (D(2025, 4, 17), D(2025, 4, 24)),
    # Fri 22 August 2025: Mon 25 is the summer bank holiday; Tue 26, Wed 27, Thu 28.
    (D(2025, 8, 22), D(2025, 8, 28)),
    # Wed 24 December 2025: 25, 26 bank holidays, 27-28 a weekend; Mon 29, Tue 30, Wed 31.
    (D(2025, 12, 24), D(2025, 12, 31)),
])
def test_a_certificate_is_owed_within_3_working_days_of_mediation_being_declined(db, refused, declined_on, due_on):
    case_id, decision = refused(letter_on=declined_on)
    disputes.record_mediation_contact(db, case_id, actor=None, on=declined_on, decision=decision,
                                      wants_mediation=False)
    certificate = one(db, case_id, "mediation_certificate")
    assert (certificate.rule, certificate.starts_on, certificate.due_on) == ("R10.2", declined_on, due_on)
    assert certificate.citation == "SEND Regs 2014 reg 34"


@pytest.mark.rule("R10.2", "met", "met_late", "overdue")
def test_a_certificate_on_its_third_working_day_is_met_a_day_later_is_met_late_and_none_is_overdue(db, refused):
    on_time, late, missing = (refused(letter_on=D(2025, 4, 17)) for _ in range(3))
    for case_id, decision in (on_time, late, missing):
        disputes.record_mediation_contact(db, case_id, actor=None, on=D(2025, 4, 17), decision=decision,
                                          wants_mediation=False)
    disputes.issue_mediation_certificate(db, on_time[0], actor=None, on=D(2025, 4, 24), decision=on_time[1])
    disputes.issue_mediation_certificate(db, late[0], actor=None, on=D(2025, 4, 25), decision=late[1])
    assert status_of(db, one(db, on_time[0], "mediation_certificate"), D(2025, 5, 1)) == "met"
    assert status_of(db, one(db, late[0], "mediation_certificate"), D(2025, 5, 1)) == "met_late"
    assert status_of(db, one(db, missing[0], "mediation_certificate"), D(2025, 4, 25)) == "overdue"
    assert status_of(db, one(db, missing[0], "mediation_certificate"), D(2025, 4, 24)) == "due_soon"


@pytest.mark.rule("R10.3", "met")
def test_mediation_within_30_days_then_a_certificate_when_not_agreed(db, refused):
    case_id, decision = refused(letter_on=D(2025, 1, 10))
    disputes.record_mediation_contact(db, case_id, actor=None, on=D(2025, 1, 31), decision=decision,
                                      wants_mediation=True)
    meeting = one(db, case_id, "mediation_meeting")
    # 31 January 2025 + 30 days = 2 March 2025 (February has 28 days).
    assert (meeting.rule, meeting.due_on) == ("R10.3", D(2025, 3, 2))
    assert dispute_deadlines(db, case_id, "mediation_certificate") == []
    disputes.hold_mediation(db, case_id, actor=None, on=D(2025, 2, 28), decision=decision, outcome="not_agreed")
    assert one(db, case_id, "mediation_meeting").met_on == D(2025, 2, 28)
    # Fri 28 February 2025: Mon 3, Tue 4, Wed 5 March.
    assert one(db, case_id, "mediation_certificate").due_on == D(2025, 3, 5)


@pytest.mark.rule("R10.3", "met_late", "overdue")
def test_mediation_held_late_is_met_late_and_overdue_before_it(db, refused):
    case_id, decision = refused(letter_on=D(2025, 1, 10))
    disputes.record_mediation_contact(db, case_id, actor=None, on=D(2025, 1, 31), decision=decision,
                                      wants_mediation=True)
    assert status_of(db, one(db, case_id, "mediation_meeting"), D(2025, 3, 3)) == "overdue"
    disputes.hold_mediation(db, case_id, actor=None, on=D(2025, 3, 3), decision=decision, outcome="agreed")
    assert status_of(db, one(db, case_id, "mediation_meeting"), D(2025, 3, 3)) == "met_late"
    assert dispute_deadlines(db, case_id, "mediation_certificate") == []  # agreed: no certificate owed


@pytest.mark.rule("R10.3", "cancelled")
def test_a_certificate_before_the_mediation_closes_it_and_cancels_the_meeting(db, refused):
    case_id, decision = refused(letter_on=D(2025, 1, 10))
    disputes.record_mediation_contact(db, case_id, actor=None, on=D(2025, 1, 31), decision=decision,
                                      wants_mediation=True)
    disputes.issue_mediation_certificate(db, case_id, actor=None, on=D(2025, 2, 10), decision=decision)
    meeting = one(db, case_id, "mediation_meeting")
    assert (meeting.cancelled_on, status_of(db, meeting, D(2025, 3, 10))) == (D(2025, 2, 10), "cancelled")
    with pytest.raises(EventNotAllowed):
        disputes.hold_mediation(db, case_id, actor=None, on=D(2025, 2, 11), decision=decision, outcome="agreed")


@pytest.mark.parametrize(("letter_on", "certificate_on", "appeal_by"), [
    # 31 December 2024 + 2 months: no 31 February, so 28 February 2025; 31 January + 1 month: 28 February.
    (D(2024, 12, 31), D(2025, 1, 31), D(2025, 2, 28)),
    # 30 November 2024 + 2 months = 30 January 2025; 31 January 2025 + 1 month = 28 February 2025 (the later).
    (D(2024, 11, 30), D(2025, 1, 31), D(2025, 2, 28)),
    # An early certificate never shortens the window: 10 March 2025 is later than 15 February 2025.
    (D(2025, 1, 10), D(2025, 1, 15), D(2025, 3, 10)),
])
def test_the_appeal_window_is_the_later_of_letter_plus_2_months_and_certificate_plus_1(db, refused, letter_on,
                                                                                       certificate_on, appeal_by):
    case_id, decision = refused(letter_on=letter_on, received_on=D(2024, 10, 1))
    disputes.record_mediation_contact(db, case_id, actor=None, on=certificate_on, decision=decision,
                                      wants_mediation=False)
    disputes.issue_mediation_certificate(db, case_id, actor=None, on=certificate_on, decision=decision)
    assert one(db, case_id, "appeal_window", open_only=True).due_on == appeal_by


@pytest.mark.rule("R10.6", "met", "met_late")
def test_an_appeal_registered_on_the_last_day_is_in_time_and_a_later_one_is_late(db, refused):
    (a, a_decision), (b, b_decision) = refused(letter_on=D(2025, 1, 10)), refused(letter_on=D(2025, 1, 10))
    for case_id, decision in ((a, a_decision), (b, b_decision)):
        disputes.record_mediation_contact(db, case_id, actor=None, on=D(2025, 2, 17), decision=decision,
                                          wants_mediation=False)
        disputes.issue_mediation_certificate(db, case_id, actor=None, on=D(2025, 2, 20), decision=decision)
    disputes.register_appeal(db, a, actor=None, on=D(2025, 3, 20), decision=a_decision, tribunal_reference="EH1/1",
                             grounds=["assessment"])
    disputes.register_appeal(db, b, actor=None, on=D(2025, 3, 21), decision=b_decision, tribunal_reference="EH1/2",
                             grounds=["assessment"])
    assert status_of(db, one(db, a, "appeal_window", open_only=True), D(2025, 4, 1)) == "met"
    assert status_of(db, one(db, b, "appeal_window", open_only=True), D(2025, 4, 1)) == "met_late"


def _appeals(db, case_id):
    with db.reading() as session:
        return session.scalars(select(Dispute).where(Dispute.case_id == case_id)).one()


def _entries(db, case_id):
    with db.reading() as session:
        return session.scalars(select(AuditEntry.event).where(AuditEntry.case_id == case_id)).all()


def test_an_appeal_needs_a_certificate_unless_it_is_about_the_placement_alone(db, refused, issued_plan):
    case_id, decision = refused(letter_on=D(2025, 1, 10))
    before = _entries(db, case_id)
    with pytest.raises(Invalid) as refusal:
        disputes.register_appeal(db, case_id, actor=None, on=D(2025, 2, 1), decision=decision,
                                 tribunal_reference="EH9/1", grounds=["assessment"])
    assert refusal.value.code == "certificate_required"
    assert _entries(db, case_id) == before and _appeals(db, case_id).tribunal_reference is None
    plan = issued_plan(issued_on=D(2025, 1, 20))
    plan_decision = start(db, plan, "issue_final", D(2025, 1, 20))
    disputes.register_appeal(db, plan, actor=None, on=D(2025, 2, 3), decision=plan_decision,
                             tribunal_reference="EH9/2", grounds=["contents_i"])
    assert _appeals(db, plan).grounds == ["contents_i"]
    with pytest.raises(Invalid) as mixed:
        disputes.register_appeal(db, case_id, actor=None, on=D(2025, 2, 1), decision=decision,
                                 tribunal_reference="EH9/3", grounds=["contents_i", "contents_f"])
    assert mixed.value.code == "certificate_required"


@pytest.mark.parametrize(("call", "code"), [
    (lambda db, c, d: disputes.record_mediation_contact(db, c, actor=None, on=D(2025, 1, 9), decision=d,
                                                        wants_mediation=False), "date_before_trigger"),
    (lambda db, c, d: disputes.record_mediation_contact(db, c, actor=None, on=D(2025, 1, 20), decision=d + 999,
                                                        wants_mediation=False), "unknown_decision"),
    (lambda db, c, d: disputes.record_mediation_contact(db, c, actor=None, on=D(2025, 1, 20), decision=d,
                                                        wants_mediation="yes"), "required"),
    (lambda db, c, d: disputes.hold_mediation(db, c, actor=None, on=D(2025, 1, 20), decision=d,
                                              outcome="maybe"), "invalid_choice"),
    (lambda db, c, d: disputes.register_appeal(db, c, actor=None, on=D(2025, 1, 20), decision=d,
                                               tribunal_reference="x" * 51, grounds=["cease"]), "too_long"),
    (lambda db, c, d: disputes.register_appeal(db, c, actor=None, on=D(2025, 1, 20), decision=d,
                                               tribunal_reference="EH1", grounds=["nonsense"]), "invalid_choice"),
    (lambda db, c, d: disputes.record_mediation_contact(db, c, actor=None, on=D(2999, 1, 1), decision=d,
                                                        wants_mediation=False), "date_in_future"),
])
def test_bad_input_is_refused_with_a_code_and_changes_nothing(db, refused, call, code):
    case_id, decision = refused(letter_on=D(2025, 1, 10))
    before = (_entries(db, case_id), [(d.id, d.met_on, d.cancelled_on) for d in dispute_deadlines(db, case_id)])
    with pytest.raises(Invalid) as refusal:
        call(db, case_id, decision)
    assert refusal.value.code == code
    assert before == (_entries(db, case_id),
                      [(d.id, d.met_on, d.cancelled_on) for d in dispute_deadlines(db, case_id)])


def test_a_step_recorded_twice_is_a_conflict_and_the_first_stands(db, refused):
    case_id, decision = refused(letter_on=D(2025, 1, 10))
    disputes.record_mediation_contact(db, case_id, actor=None, on=D(2025, 1, 20), decision=decision,
                                      wants_mediation=False)
    with pytest.raises(EventNotAllowed):
        disputes.record_mediation_contact(db, case_id, actor=None, on=D(2025, 1, 21), decision=decision,
                                          wants_mediation=True)
    assert _appeals(db, case_id).contacted_on == D(2025, 1, 20)
    assert len(dispute_deadlines(db, case_id, "mediation_certificate")) == 1
    assert dispute_deadlines(db, case_id, "mediation_meeting") == []


def test_a_correction_of_the_case_leaves_the_disputes_clocks_standing(db, refused):
    from casework.cases import replay

    case_id, decision = refused(letter_on=D(2025, 1, 10))
    disputes.record_mediation_contact(db, case_id, actor=None, on=D(2025, 1, 20), decision=decision,
                                      wants_mediation=False)
    before = [(d.id, d.kind, d.due_on, d.met_on) for d in dispute_deadlines(db, case_id)]
    with db.reading() as session:
        assert replay.rebuilt_differences(session, case_id, db.policy) == []
    replay.correct_entry(db, case_id, actor=None, entry_id=decision, reason="Keyed a day late", on=D(2024, 12, 8))
    assert [(d.id, d.kind, d.due_on, d.met_on) for d in dispute_deadlines(db, case_id)] == before
    with db.reading() as session:
        assert replay.rebuilt_differences(session, case_id, db.policy) == []
