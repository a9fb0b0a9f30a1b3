"""Transfers between English authorities (reg 15, R9.1-R9.3), dates worked out by hand."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from casework import operations as ops
from casework import transfers
from casework.core.errors import EventNotAllowed, Invalid
from casework.deadlines import status as deadline_status
from casework.models import AuditEntry, Case, Deadline, Transfer
from casework.reporting.timeliness import timeliness

D = dt.date


def _deadlines(db, case_id, kind):
    with db.reading() as session:
        return list(session.scalars(select(Deadline).where(Deadline.case_id == case_id, Deadline.kind == kind,
                                                           Deadline.superseded_at.is_(None)).order_by(Deadline.id)))


def _status(db, deadline, as_of):
    return deadline_status.status(deadline, as_of, db.policy)


@pytest.fixture
def maintained(db, new_case):
    """A case with a plan issued on 20 January 2025."""

    def _make() -> int:
        case = new_case(received_on=D(2024, 9, 2))
        ops.agree_to_assess(db, case.id, actor=None, on=D(2024, 10, 7))
        ops.decide_to_issue(db, case.id, actor=None, on=D(2024, 11, 25))
        ops.issue_draft(db, case.id, actor=None, on=D(2024, 12, 2))
        ops.issue_final(db, case.id, actor=None, on=D(2025, 1, 20))
        return case.id

    return _make


@pytest.mark.parametrize(("learned_on", "moved_on", "due_on"), [
    # Learned Mon 14 April 2025: 14-17 April are days 1-4; Good Friday 18 and Easter Monday 21 are bank holidays;
    # 22-25 and 28-30 April, 1-2 May are days 5-13; Mon 5 May is a bank holiday; 6 May day 14, 7 May day 15.
    (D(2025, 4, 14), D(2025, 4, 20), D(2025, 5, 7)),
    # Learned Mon 18 August 2025: 18-22 days 1-5; Mon 25 the summer bank holiday; 26-29 days 6-9; 1-5 September
    # days 10-14; Mon 8 September day 15.
    (D(2025, 8, 18), D(2025, 8, 22), D(2025, 9, 8)),
    # Learned Sat 1 March 2025: a weekend day is not day 1; Mon 3 March is. 15 working days end Fri 21 March.
    (D(2025, 3, 1), D(2025, 3, 7), D(2025, 3, 21)),
    # Learned well before the move: the plan goes on the move date itself.
    (D(2025, 3, 3), D(2025, 4, 30), D(2025, 4, 30)),
])
def test_the_plan_is_owed_on_the_move_or_within_15_working_days_of_learning_of_it(db, maintained, learned_on,
                                                                                 moved_on, due_on):
    case_id = maintained()
    transfers.record_move_out(db, case_id, actor=None, on=learned_on, new_authority="Southshire County Council",
                              moved_on=moved_on, learned_on=learned_on)
    (deadline,) = _deadlines(db, case_id, "transfer_out")
    assert (deadline.rule, deadline.starts_on, deadline.due_on, deadline.subject_type) == (
        "R9.1", learned_on, due_on, "transfer")
    assert deadline.citation == "SEND Regs 2014 reg 15(1)-(2)"


@pytest.mark.rule("R9.1", "met", "met_late", "overdue")
def test_plan_sent_on_time_met_late_and_overdue(db, maintained):
    on_time, late, missing = maintained(), maintained(), maintained()
    for case_id in (on_time, late, missing):
        transfers.record_move_out(db, case_id, actor=None, on=D(2025, 4, 14), new_authority="Southshire",
                                  moved_on=D(2025, 4, 20), learned_on=D(2025, 4, 14))
    transfers.send_plan_to_new_authority(db, on_time, actor=None, on=D(2025, 5, 7))
    transfers.send_plan_to_new_authority(db, late, actor=None, on=D(2025, 5, 8))
    assert _status(db, _deadlines(db, on_time, "transfer_out")[0], D(2025, 6, 1)) == "met"
    assert _status(db, _deadlines(db, late, "transfer_out")[0], D(2025, 6, 1)) == "met_late"
    assert _status(db, _deadlines(db, missing, "transfer_out")[0], D(2025, 5, 8)) == "overdue"
    with pytest.raises(EventNotAllowed):
        transfers.send_plan_to_new_authority(db, on_time, actor=None, on=D(2025, 5, 9))
    with db.reading() as session:
        assert session.get(Case, on_time).state == "plan_maintained"  # the move does not move the case


def test_a_pending_assessment_does_not_transfer_and_nothing_is_recorded(db, new_case):
    case = new_case(received_on=D(2025, 3, 3))
    ops.agree_to_assess(db, case.id, actor=None, on=D(2025, 3, 10))
    with pytest.raises(EventNotAllowed) as refusal:
        transfers.record_move_out(db, case.id, actor=None, on=D(2025, 4, 1), new_authority="Southshire",
                                  moved_on=D(2025, 4, 20), learned_on=D(2025, 4, 1))
    assert "A pending assessment does not transfer" in str(refusal.value)
    with db.reading() as session:
        assert session.scalars(select(Transfer)).all() == []
        assert session.scalars(select(AuditEntry.event).where(AuditEntry.case_id == case.id)).all() == [
            "request_received", "agree_to_assess"]


def test_bad_dates_for_a_move_are_refused(db, maintained):
    case_id = maintained()
    with pytest.raises(Invalid) as after:
        transfers.record_move_out(db, case_id, actor=None, on=D(2025, 4, 1), new_authority="Southshire",
                                  moved_on=D(2025, 4, 20), learned_on=D(2025, 4, 2))
    assert after.value.code == "date_after_event"
    with pytest.raises(Invalid) as blank:
        transfers.record_move_out(db, case_id, actor=None, on=D(2025, 4, 1), new_authority="  ",
                                  moved_on=D(2025, 4, 20), learned_on=D(2025, 4, 1))
    assert blank.value.field == "new_authority"
    assert _deadlines(db, case_id, "transfer_out") == []


@pytest.mark.parametrize(("transferred_on", "plan_made_on", "last_reviewed_on", "notice_by", "review_by"), [
    # Transfer Fri 31 January 2025 + 6 weeks = 14 March 2025. Last reviewed 15 January 2025: its 12-month period
    # ends 14 January 2026, later than 30 April 2025 (transfer + 3 months).
    (D(2025, 1, 31), D(2024, 3, 1), D(2025, 1, 15), D(2025, 3, 14), D(2026, 1, 14)),
    # Plan made 10 May 2024, never reviewed: 12-month date 9 May 2025; transfer 30 April 2025 + 3 months is
    # 30 July 2025, the later.
    (D(2025, 4, 30), D(2024, 5, 10), None, D(2025, 6, 11), D(2025, 7, 30)),
    # Month end: transfer 30 November 2024 + 3 months = 28 February 2025 (no 30 February); plan made
    # 1 December 2023, 12-month date 30 November 2024; 6 weeks = 11 January 2025.
    (D(2024, 11, 30), D(2023, 12, 1), None, D(2025, 1, 11), D(2025, 2, 28)),
])
def test_a_plan_transferred_in_is_maintained_with_the_notice_and_the_first_review(
        db, transferred_on, plan_made_on, last_reviewed_on, notice_by, review_by):
    case = transfers.transfer_in(db, actor=None, from_authority="Westshire Council", transferred_on=transferred_on,
                                 plan_made_on=plan_made_on, last_reviewed_on=last_reviewed_on, given_name="Sam",
                                 family_name="Example", date_of_birth=D(2015, 6, 1))
    assert case.state == "plan_maintained"
    (notice,) = _deadlines(db, case.id, "transfer_notice")
    (review,) = _deadlines(db, case.id, "annual_review")
    assert (notice.rule, notice.due_on) == ("R9.2", notice_by)
    assert (review.rule, review.due_on, review.citation) == ("R9.3", review_by, "SEND Regs 2014 reg 15(5)")
    # Not a new plan: no assessment clocks, nothing in the 20-week figure.
    assert _deadlines(db, case.id, "final_plan") == [] and _deadlines(db, case.id, "decision_to_assess") == []


@pytest.mark.rule("R9.2", "overdue", "met_late")
@pytest.mark.rule("R9.3", "met")
def test_the_transfer_notice_met_late_and_the_review_met_by_a_review_decision(db):
    case = transfers.transfer_in(db, actor=None, from_authority="Westshire Council", transferred_on=D(2025, 1, 31),
                                 plan_made_on=D(2024, 3, 1), given_name="Sam", family_name="Example",
                                 date_of_birth=D(2015, 6, 1))
    (notice,) = _deadlines(db, case.id, "transfer_notice")
    assert _status(db, notice, D(2025, 3, 15)) == "overdue"
    transfers.send_transfer_notice(db, case.id, actor=None, on=D(2025, 3, 17))
    (notice,) = _deadlines(db, case.id, "transfer_notice")
    assert _status(db, notice, D(2025, 3, 17)) == "met_late"
    # 12-month date 28 February 2025; transfer + 3 months = 30 April 2025, the later.
    (review,) = _deadlines(db, case.id, "annual_review")
    assert review.due_on == D(2025, 4, 30)
    ops.hold_review_meeting(db, case.id, actor=None, on=D(2025, 4, 2))
    ops.decide_review_outcome(db, case.id, actor=None, on=D(2025, 4, 16), outcome="maintain")
    first, following = _deadlines(db, case.id, "annual_review")
    assert (first.rule, first.met_on) == ("R9.3", D(2025, 4, 16))
    assert (following.rule, following.due_on) == ("R7.1", D(2026, 4, 15))


def test_a_transfer_in_is_not_a_new_plan_in_the_20_week_figure(db):
    transfers.transfer_in(db, actor=None, from_authority="Westshire Council", transferred_on=D(2025, 1, 31),
                          plan_made_on=D(2024, 3, 1), given_name="Sam", family_name="Example",
                          date_of_birth=D(2015, 6, 1))
    with db.reading() as session:
        assert timeliness(session, 2025, db.policy)["plans_issued"] == 0


def test_a_transfer_in_with_impossible_dates_is_refused_and_records_nothing(db):
    with pytest.raises(Invalid) as refusal:
        transfers.transfer_in(db, actor=None, from_authority="Westshire", transferred_on=D(2025, 1, 31),
                              plan_made_on=D(2025, 2, 1), given_name="Sam", family_name="Example",
                              date_of_birth=D(2015, 6, 1))
    assert refusal.value.code == "date_after_transfer"
    with db.reading() as session:
        assert session.scalars(select(Case)).all() == []


def test_a_case_transferred_in_is_rebuilt_from_its_history_and_can_be_corrected(db):
    from casework.cases import replay

    case = transfers.transfer_in(db, actor=None, from_authority="Westshire Council", transferred_on=D(2025, 1, 31),
                                 plan_made_on=D(2024, 3, 1), given_name="Sam", family_name="Example",
                                 date_of_birth=D(2015, 6, 1))
    transfers.send_transfer_notice(db, case.id, actor=None, on=D(2025, 3, 10))
    ops.hold_review_meeting(db, case.id, actor=None, on=D(2025, 4, 2))
    with db.reading() as session:
        assert replay.rebuilt_differences(session, case.id, db.policy) == []
        (entry_id,) = session.scalars(select(AuditEntry.id).where(AuditEntry.case_id == case.id,
                                                                  AuditEntry.event == "hold_review_meeting")).all()
        (transfer_entry,) = session.scalars(select(AuditEntry.id).where(AuditEntry.case_id == case.id,
                                                                        AuditEntry.event == "transfer_in")).all()
    replay.correct_entry(db, case.id, actor=None, entry_id=entry_id, reason="The meeting was a day earlier",
                         on=D(2025, 4, 1))
    # Meeting 1 April 2025: decision due 29 April; report due 15 April.
    assert [d.due_on for d in _deadlines(db, case.id, "review_decision")] == [D(2025, 4, 29)]
    assert [d.due_on for d in _deadlines(db, case.id, "annual_review")] == [D(2025, 4, 30)]
    assert [d.met_on for d in _deadlines(db, case.id, "transfer_notice")] == [D(2025, 3, 10)]
    with pytest.raises(Invalid) as refusal:
        replay.correct_entry(db, case.id, actor=None, entry_id=transfer_entry, reason="x", on=D(2025, 1, 30))
    assert refusal.value.code == "not_correctable"


@pytest.mark.rule("R9.1", "cancelled")
def test_a_move_called_off_cancels_the_plan_owed_and_a_new_move_can_be_recorded(db, maintained):
    case_id = maintained()
    transfers.record_move_out(db, case_id, actor=None, on=D(2025, 4, 14), new_authority="Southshire",
                              moved_on=D(2025, 4, 20), learned_on=D(2025, 4, 14))
    with pytest.raises(Invalid) as blank:
        transfers.cancel_move_out(db, case_id, actor=None, on=D(2025, 4, 16), reason=" ")
    assert blank.value.field == "reason"
    transfers.cancel_move_out(db, case_id, actor=None, on=D(2025, 4, 16), reason="The family's purchase fell through")
    (called_off,) = _deadlines(db, case_id, "transfer_out")
    assert (called_off.cancelled_on, _status(db, called_off, D(2025, 5, 8))) == (D(2025, 4, 16), "cancelled")
    with pytest.raises(EventNotAllowed):
        transfers.send_plan_to_new_authority(db, case_id, actor=None, on=D(2025, 4, 17))
    # A later move: learned Thu 1 May 2025, moving 2 May; Mon 5 May a bank holiday; day 15 is Thu 22 May.
    transfers.record_move_out(db, case_id, actor=None, on=D(2025, 5, 1), new_authority="Eastshire",
                              moved_on=D(2025, 5, 2), learned_on=D(2025, 5, 1))
    assert [d.due_on for d in _deadlines(db, case_id, "transfer_out") if d.cancelled_on is None] == [D(2025, 5, 22)]
