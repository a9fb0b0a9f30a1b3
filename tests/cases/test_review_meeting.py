"""The review meeting's notice: invitations and the advice and papers 2 weeks before it (reg 20(3)-(4)),
worked from the spec's example (meeting Wednesday 5 March 2025: papers by Wednesday 19 February)."""

from __future__ import annotations

import datetime as dt

import pytest
from freezegun import freeze_time

from casework import operations as ops
from casework.core.errors import Invalid
from casework.deadlines.status import status
from tests.support import by_kind, to_final_plan

D = dt.date


@pytest.fixture
def maintained(db, new_case):
    case = new_case(D(2024, 9, 2))
    return to_final_plan(db, case.id)  # final plan 6 January 2025


def _open(case, kind):
    return [d for d in by_kind(case).get(kind, []) if d.is_open]


@freeze_time("2025-04-01")
@pytest.mark.rule("R7.4", "met")
@pytest.mark.rule("R7.5", "met_late")
def test_scheduling_the_meeting_opens_invitations_and_papers_due_two_weeks_before(db, maintained):
    case = ops.schedule_review_meeting(db, maintained.id, actor=None, on=D(2025, 2, 1), meeting_on=D(2025, 3, 5))
    invitations, papers = by_kind(case)["review_invitations"][0], by_kind(case)["review_papers"][0]
    assert (invitations.rule, invitations.due_on) == ("R7.4", D(2025, 2, 19))
    assert (papers.rule, papers.due_on, papers.starts_on) == ("R7.5", D(2025, 2, 19), D(2025, 2, 1))
    case = ops.send_review_invitations(db, case.id, actor=None, on=D(2025, 2, 18))
    case = ops.circulate_review_papers(db, case.id, actor=None, on=D(2025, 2, 20))
    assert status(by_kind(case)["review_invitations"][0], D(2025, 4, 1), db.policy) == "met"
    assert status(by_kind(case)["review_papers"][0], D(2025, 4, 1), db.policy) == "met_late"
    assert "send_review_invitations" not in ops.allowed_events(case)
    with pytest.raises(Invalid, match="No invitations are owed"):
        ops.send_review_invitations(db, case.id, actor=None, on=D(2025, 2, 21))


@freeze_time("2025-04-01")
@pytest.mark.rule("R7.4", "cancelled")
def test_a_meeting_moved_to_another_date_replaces_the_steps_still_owed(db, maintained):
    ops.schedule_review_meeting(db, maintained.id, actor=None, on=D(2025, 2, 1), meeting_on=D(2025, 3, 5))
    case = ops.schedule_review_meeting(db, maintained.id, actor=None, on=D(2025, 2, 10), meeting_on=D(2025, 3, 12))
    assert [d.due_on for d in _open(case, "review_invitations")] == [D(2025, 2, 26)]
    assert [d.cancelled_on for d in by_kind(case)["review_invitations"] if not d.is_open] == [D(2025, 2, 10)]


@freeze_time("2025-04-01")
@pytest.mark.rule("R7.4", "overdue")
def test_a_meeting_arranged_at_less_than_two_weeks_notice_is_late_from_the_start(db, maintained):
    case = ops.schedule_review_meeting(db, maintained.id, actor=None, on=D(2025, 3, 1), meeting_on=D(2025, 3, 5))
    invitations = by_kind(case)["review_invitations"][0]
    assert (invitations.starts_on, invitations.due_on) == (D(2025, 2, 19), D(2025, 2, 19))
    assert status(invitations, D(2025, 3, 1), db.policy) == "overdue"


@freeze_time("2025-04-01")
def test_a_meeting_before_the_day_it_was_arranged_is_refused(db, maintained):
    with pytest.raises(Invalid) as refused:
        ops.schedule_review_meeting(db, maintained.id, actor=None, on=D(2025, 3, 1), meeting_on=D(2025, 2, 20))
    assert refused.value.code == "meeting_before_arranged" and "20 February 2025" in refused.value.message


@freeze_time("2025-05-01")
@pytest.mark.rule("R7.4", "cancelled")
@pytest.mark.rule("R7.5", "cancelled")
def test_the_plan_ceased_cancels_the_notice_still_owed(db, maintained):
    ops.schedule_review_meeting(db, maintained.id, actor=None, on=D(2025, 2, 1), meeting_on=D(2025, 3, 5))
    case = ops.cease_plan(db, maintained.id, actor=None, on=D(2025, 2, 5), reason=5)
    # still maintained while the family may appeal (to 5 April 2025): the notice is still owed
    assert len(_open(case, "review_invitations")) == 1 and len(_open(case, "review_papers")) == 1
    case = ops.confirm_ceased(db, maintained.id, actor=None, on=D(2025, 4, 6))
    assert _open(case, "review_invitations") == [] and _open(case, "review_papers") == []
