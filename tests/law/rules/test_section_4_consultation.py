"""G4.4: a school or college consulted on being named should answer within 15 days (CFA s.39, CoP 9.80).

Guidance, so a service level and never a statutory breach. "Within 15 days" of the consultation is counted as
"within N weeks" is (statutory-rules.md section 0): the consultation day is not counted, so a school consulted on
D answers by D + 15. One deadline per consultation, named by the history entry that recorded it."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from casework import operations as ops
from casework.alerts import scan
from casework.core.errors import Invalid
from casework.deadlines.status import status
from casework.law import rules
from casework.mail import notify
from casework.models import Alert, AuditEntry, Case, Deadline, User
from casework.reporting import breaches, timeliness
from tests.law.rules.paths import D, one, reads
from tests.support import by_kind

SCHOOL = "Oak Primary School"
OTHER_SCHOOL = "Riverside Primary School"


def _drafting(db, new_case, received_on: dt.date = D(2024, 9, 2)) -> Case:
    """Agreed to assess a week after the request, decided to issue two weeks after that."""
    case = new_case(received_on)
    ops.agree_to_assess(db, case.id, actor=None, on=received_on + dt.timedelta(weeks=1))
    return ops.decide_to_issue(db, case.id, actor=None, on=received_on + dt.timedelta(weeks=3))


def _consulted(db, new_case, on: dt.date, received_on: dt.date = D(2024, 9, 2), school: str = SCHOOL) -> Case:
    case = _drafting(db, new_case, received_on)
    return ops.consult_school(db, case.id, actor=None, on=on, organisation=school)


def _entry(db, case_id: int, event: str = "consult_school") -> list[int]:
    with db.reading() as session:
        return list(session.scalars(select(AuditEntry.id).where(AuditEntry.case_id == case_id,
                                                                AuditEntry.event == event).order_by(AuditEntry.id)))


@pytest.mark.rule("G4.4", "met")
def test_a_consultation_opens_15_days_and_an_answer_on_the_15th_meets_it(db, new_case):
    # Consulted Tuesday 1 October 2024; the day after is day 1, so day 15 is Wednesday 16 October.
    case = _consulted(db, new_case, D(2024, 10, 1))
    [entry_id] = _entry(db, case.id)
    deadline = one(case, "school_consultation")
    assert (deadline.rule, deadline.starts_on, deadline.due_on, deadline.is_duty) == ("G4.4", D(2024, 10, 1),
                                                                                      D(2024, 10, 16), True)
    assert deadline.consultation_id == entry_id  # named by the entry that recorded it
    assert deadline.citation == "Children and Families Act 2014 s.39; SEND Code of Practice 9.80 (guidance)"
    assert rules.rule_in_force("G4.4", D(2024, 10, 1)).statutory is False
    assert reads(db, case, "school_consultation", D(2024, 10, 16)) == "due_soon"
    case = ops.record_school_response(db, case.id, actor=None, on=D(2024, 10, 16), consultation=entry_id)
    assert one(case, "school_consultation").met_on == D(2024, 10, 16)
    assert reads(db, case, "school_consultation", D(2024, 12, 1)) == "met"
    assert case.state == "drafting"  # a fact recorded, the case not moved


@pytest.mark.rule("G4.4", "met_late", "overdue")
def test_an_answer_after_the_15th_day_is_late_and_the_day_before_it_was_overdue(db, new_case):
    case = _consulted(db, new_case, D(2024, 10, 1))
    [entry_id] = _entry(db, case.id)
    # Due Wednesday 16 October 2024: on the 16th it is still owed on time, from Thursday the 17th overdue.
    assert reads(db, case, "school_consultation", D(2024, 10, 16)) == "due_soon"
    assert reads(db, case, "school_consultation", D(2024, 10, 17)) == "overdue"
    case = ops.record_school_response(db, case.id, actor=None, on=D(2024, 10, 18), consultation=entry_id)
    assert reads(db, case, "school_consultation", D(2024, 10, 18)) == "met_late"
    # As the case stood on 17 October, before the answer: overdue.
    assert status(one(case, "school_consultation"), D(2024, 10, 17), db.policy) == "overdue"


@pytest.mark.rule("G4.4", "met")
def test_across_a_month_end_and_29_february(db, new_case):
    # Consulted Monday 20 January 2025: 11 days to 31 January, 4 more: due Tuesday 4 February 2025.
    case = _consulted(db, new_case, D(2025, 1, 20), received_on=D(2024, 11, 4))
    assert one(case, "school_consultation").due_on == D(2025, 2, 4)
    # Consulted Wednesday 14 February 2024 (a leap year): 15 days on is Thursday 29 February.
    leap = _consulted(db, new_case, D(2024, 2, 14), received_on=D(2023, 12, 4))
    assert one(leap, "school_consultation").due_on == D(2024, 2, 29)
    [entry_id] = _entry(db, leap.id)
    leap = ops.record_school_response(db, leap.id, actor=None, on=D(2024, 2, 29), consultation=entry_id)
    assert reads(db, leap, "school_consultation", D(2024, 3, 1)) == "met"


@pytest.mark.rule("G4.4", "met", "overdue")
def test_two_schools_consulted_each_have_their_own_15_days(db, new_case):
    case = _consulted(db, new_case, D(2024, 10, 1))
    case = ops.consult_school(db, case.id, actor=None, on=D(2024, 10, 7), organisation=OTHER_SCHOOL)
    first, second = _entry(db, case.id)
    # 1 October + 15 = 16 October; 7 October + 15 = 22 October.
    assert sorted((d.consultation_id, d.due_on) for d in by_kind(case)["school_consultation"]) == [
        (first, D(2024, 10, 16)), (second, D(2024, 10, 22))]
    case = ops.record_school_response(db, case.id, actor=None, on=D(2024, 10, 20), consultation=second)
    by_entry = {d.consultation_id: d for d in by_kind(case)["school_consultation"]}
    assert by_entry[second].met_on == D(2024, 10, 20) and by_entry[first].met_on is None
    assert status(by_entry[first], D(2024, 10, 20), db.policy) == "overdue"
    assert status(by_entry[second], D(2024, 10, 20), db.policy) == "met"


@pytest.mark.rule("G4.4", "cancelled")
def test_the_final_plan_issued_without_the_answer_makes_it_moot(db, new_case):
    # Consulted 1 October 2024 (due 16 October); draft served 7 October, its window closes 21 October.
    case = _consulted(db, new_case, D(2024, 10, 1))
    ops.consult_school(db, case.id, actor=None, on=D(2024, 10, 2), organisation=OTHER_SCHOOL)
    first, second = _entry(db, case.id)
    ops.issue_draft(db, case.id, actor=None, on=D(2024, 10, 7))
    ops.record_school_response(db, case.id, actor=None, on=D(2024, 10, 10), consultation=first)
    case = ops.issue_final(db, case.id, actor=None, on=D(2024, 10, 28), named_setting=SCHOOL)
    by_entry = {d.consultation_id: d for d in by_kind(case)["school_consultation"]}
    assert by_entry[first].met_on == D(2024, 10, 10)  # answered stays answered
    assert by_entry[second].cancelled_on == D(2024, 10, 28)
    assert status(by_entry[second], D(2024, 11, 30), db.policy) == "cancelled"
    with pytest.raises(Invalid) as refused:
        ops.record_school_response(db, case.id, actor=None, on=D(2024, 10, 29), consultation=second)
    assert refused.value.code == "not_outstanding"


@pytest.mark.rule("G4.4", "cancelled")
def test_a_request_withdrawn_cancels_the_consultation(db, new_case):
    case = _consulted(db, new_case, D(2024, 10, 1))
    case = ops.withdraw(db, case.id, actor=None, on=D(2024, 10, 8), reason="The family moved away")
    assert one(case, "school_consultation").cancelled_on == D(2024, 10, 8)
    assert reads(db, case, "school_consultation", D(2024, 10, 20)) == "cancelled"


@pytest.mark.rule("G4.4", "cancelled")
def test_an_amendment_consults_under_reg_22_and_the_amended_plan_ends_it(db, new_case):
    case = _drafting(db, new_case)
    ops.issue_draft(db, case.id, actor=None, on=D(2024, 10, 7))
    ops.issue_final(db, case.id, actor=None, on=D(2024, 11, 4))
    ops.propose_amendments(db, case.id, actor=None, on=D(2025, 3, 3))
    with pytest.raises(Invalid) as refused:  # before the amendment notice there was nothing to consult on
        ops.consult_school(db, case.id, actor=None, on=D(2025, 3, 1), organisation=OTHER_SCHOOL)
    assert refused.value.code == "date_before_trigger"
    # Consulted Monday 10 March 2025: due Tuesday 25 March.
    case = ops.consult_school(db, case.id, actor=None, on=D(2025, 3, 10), organisation=OTHER_SCHOOL)
    assert one(case, "school_consultation").due_on == D(2025, 3, 25)
    case = ops.issue_amended_plan(db, case.id, actor=None, on=D(2025, 3, 24))
    assert one(case, "school_consultation").cancelled_on == D(2025, 3, 24)


def test_only_a_school_or_college_of_the_directory_is_consulted(db, new_case):
    case = _drafting(db, new_case)
    for organisation, code in (("Northbridge NHS Trust", "not_a_school"), ("Oak Primry", "unknown_organisation")):
        with pytest.raises(Invalid) as refused:
            ops.consult_school(db, case.id, actor=None, on=D(2024, 10, 1), organisation=organisation)
        assert (refused.value.code, refused.value.field) == (code, "organisation")
    assert "school_consultation" not in by_kind(case)
    case = ops.consult_school(db, case.id, actor=None, on=D(2024, 10, 1), organisation=SCHOOL.upper())
    assert one(case, "school_consultation").due_on == D(2024, 10, 16)
    with db.reading() as session:  # the directory's own spelling and id are what the history keeps
        fields = session.get(AuditEntry, _entry(db, case.id)[0]).fields
    assert fields["organisation"] == SCHOOL and fields["organisation_id"]


def test_a_correction_of_the_consultation_date_moves_its_deadline_and_keeps_its_name(db, new_case):
    from casework.cases import replay

    case = _consulted(db, new_case, D(2024, 10, 1))
    [entry_id] = _entry(db, case.id)
    replay.correct_entry(db, case.id, actor=None, entry_id=entry_id, on=D(2024, 10, 3), reason="Misread the date")
    # 3 October + 15 = 18 October; the answer still names the consultation by the same entry.
    case = ops.record_school_response(db, case.id, actor=None, on=D(2024, 10, 18), consultation=entry_id)
    with db.reading() as session:
        standing = session.scalars(select(Deadline).where(Deadline.case_id == case.id,
                                                          Deadline.kind == "school_consultation",
                                                          Deadline.superseded_at.is_(None))).one()
        assert (standing.due_on, standing.met_on, standing.consultation_id) == (D(2024, 10, 18), D(2024, 10, 18),
                                                                                entry_id)
        assert replay.rebuilt_differences(session, case.id, db.policy) == []


def test_no_exception_applies_to_guidance(db, new_case):
    """("G4.4", "excused") cannot arise: no exception is recorded against a service level."""
    case = _consulted(db, new_case, D(2024, 10, 1))
    with pytest.raises(Invalid) as refused:
        ops.record_exception(db, case.id, actor=None, on=D(2024, 10, 20), reason="personal_circumstances",
                             applies_to="school_consultation", starts_on=D(2024, 10, 1), ends_on=D(2024, 10, 30))
    assert refused.value.code == "exception_not_applicable"
    assert "G4.4" in refused.value.message


def test_an_overdue_answer_is_alerted_as_a_service_level_and_never_counted_a_breach(db, new_case):
    # Request 2 September 2024; consulted 1 October, due 16 October, never answered; the draft served 7
    # October (window to 21 October), the final plan issued 28 October, within the 20 weeks (due 20 January).
    case = _consulted(db, new_case, D(2024, 10, 1))
    with db.transaction() as session:  # the morning scan of 20 October: the answer is 4 days late
        scan.raise_alerts(session, session.get_bind().dialect.name, D(2024, 10, 20), db.policy)
    with db.reading() as session:
        [alert] = session.scalars(select(Alert).where(Alert.case_id == case.id, Alert.kind == "overdue")).all()
    assert (alert.deadline_kind, alert.rule, alert.due_on) == ("school_consultation", "G4.4", D(2024, 10, 16))
    line = notify.AlertLine(alert.id, "overdue", case.id, case.reference, "school_consultation", "G4.4",
                            one(case, "school_consultation").citation, alert.due_on, None)
    digest = notify.body([line], User(username="manager", role="manager"), D(2024, 10, 20), "https://ehcp.example",
                         "Demo Borough Council")
    assert ("School's answer to the consultation (15 days: a service level) was due on 16 October 2024: 4 days "
            "late") in digest
    assert ("Rule G4.4 (a service level, not a statutory time limit): Children and Families Act 2014 s.39; SEND "
            "Code of Practice 9.80 (guidance)") in digest
    ops.issue_draft(db, case.id, actor=None, on=D(2024, 10, 7))
    ops.issue_final(db, case.id, actor=None, on=D(2024, 10, 28))
    with db.reading() as session:
        # Due in 2024 and late (cancelled after its due date by the plan): a breach were it statutory; it is not.
        found = breaches.breaches(session, 2024, D(2024, 12, 31))
        figures = timeliness.timeliness(session, 2024, db.policy)
    assert "G4.4" not in found and "G4.4" not in breaches.STATUTORY_RULES
    assert found["R1.1"] == {"due": 1, "raw": 0, "excused": 0}
    assert (figures["plans_issued"], figures["within_20_weeks"]) == (1, 1)
