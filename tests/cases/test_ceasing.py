"""Ceasing as CFA s.45(3) requires: a decision to cease keeps the plan, its review clock and its alerts until the
family's time to appeal has passed with no appeal, or an appeal upheld the decision; only then does
confirm_ceased end it. Dates worked out by hand: a decision letter of 31 December 2025 + 2 months is
28 February 2026 (no 31 February), and one of 30 December 2027 + 2 months is 29 February 2028."""

from __future__ import annotations

import datetime as dt

import pytest

from casework import operations as ops
from casework.alerts import scan
from casework.core import clock
from casework.core.errors import Invalid
from casework.models import Alert, Case, Deadline, Subject
from tests.support import by_kind, snapshot, to_final_plan

D = dt.date


@pytest.fixture
def maintained(db, new_case):
    return to_final_plan(db, new_case(D(2024, 9, 2)).id)  # final plan 6 January 2025: review by 5 January 2026


def test_a_decision_to_cease_at_review_records_the_sen2_reason_and_keeps_the_plan(db, maintained):
    ops.hold_review_meeting(db, maintained.id, actor=None, on=D(2025, 12, 10))
    case = ops.decide_review_outcome(db, maintained.id, actor=None, on=D(2025, 12, 31), outcome="cease", reason=3)
    assert (case.state, case.cease_reason, case.cease_decided_on, case.closed_on) == ("ceasing", 3,
                                                                                      D(2025, 12, 31), None)
    assert ops.appeal_time_ends(case) == D(2026, 2, 28)
    assert "record_review_report" in ops.allowed_events(case) and "confirm_ceased" in ops.allowed_events(case)


def test_a_decision_to_cease_at_review_needs_its_reason_and_only_it_takes_one(db, maintained):
    ops.hold_review_meeting(db, maintained.id, actor=None, on=D(2025, 12, 10))
    before = snapshot(db, maintained.id)
    with pytest.raises(Invalid) as refused:
        ops.decide_review_outcome(db, maintained.id, actor=None, on=D(2025, 12, 31), outcome="cease")
    assert (refused.value.code, refused.value.field) == ("required", "reason")
    with pytest.raises(Invalid) as refused:
        ops.decide_review_outcome(db, maintained.id, actor=None, on=D(2025, 12, 31), outcome="maintain", reason=3)
    assert refused.value.code == "reason_without_cease"
    with pytest.raises(Invalid) as refused:
        ops.decide_review_outcome(db, maintained.id, actor=None, on=D(2025, 12, 31), outcome="cease", reason=10)
    assert refused.value.code == "invalid_choice"
    assert snapshot(db, maintained.id) == before


def test_an_early_confirmation_says_the_earliest_date_at_a_month_end(db, maintained):
    ops.cease_plan(db, maintained.id, actor=None, on=D(2025, 12, 31), reason=9)
    before = snapshot(db, maintained.id)
    with pytest.raises(Invalid) as refused:
        ops.confirm_ceased(db, maintained.id, actor=None, on=D(2026, 2, 28))
    assert refused.value.code == "appeal_time_open" and refused.value.field == "on"
    assert "28 February 2026" in refused.value.message and "1 March 2026" in refused.value.message
    assert snapshot(db, maintained.id) == before
    case = ops.confirm_ceased(db, maintained.id, actor=None, on=D(2026, 3, 1))
    assert case.state == "ceased" and case.closed_on == D(2026, 3, 1) and case.cease_reason == 9


def test_the_appeal_time_from_a_december_letter_ends_on_29_february(db, new_case):
    case = to_final_plan(db, new_case(D(2024, 9, 2)).id)
    case = ops.cease_plan(db, case.id, actor=None, on=D(2025, 12, 30), reason=8)
    assert ops.appeal_time_ends(case) == D(2026, 2, 28)  # 2026 has no 29 February or 30 February
    # the leap year's case is the rule's own arithmetic: 30 December 2027 + 2 months
    assert clock.months_after(D(2027, 12, 30), 2) == D(2028, 2, 29)


def test_the_review_clock_and_its_alerts_run_on_while_ceasing(db, maintained, settings):
    case = ops.cease_plan(db, maintained.id, actor=None, on=D(2025, 12, 1), reason=6)
    [review] = by_kind(case)["annual_review"]
    assert review.is_open and review.due_on == D(2026, 1, 5)
    scan.run_scan(db, settings, as_of=D(2026, 1, 6))
    with db.reading() as session:
        alerts = session.query(Alert).filter(Alert.case_id == maintained.id, Alert.kind == "overdue").all()
        assert [a.deadline_kind for a in alerts] == ["annual_review"]
    case = ops.confirm_ceased(db, maintained.id, actor=None, on=D(2026, 2, 2))  # 1 February was the last day
    [review] = by_kind(case)["annual_review"]
    assert review.cancelled_on == D(2026, 2, 2)


def test_an_appeal_pending_blocks_the_confirmation_and_an_upheld_one_allows_it(db, maintained):
    ops.cease_plan(db, maintained.id, actor=None, on=D(2025, 9, 1), reason=2)
    with db.transaction() as session:
        ops.record_cease_appeal(session.get(Case, maintained.id), "pending")
    with pytest.raises(Invalid) as refused:
        ops.confirm_ceased(db, maintained.id, actor=None, on=D(2026, 1, 5))
    assert refused.value.code == "appeal_pending"
    with db.transaction() as session:
        ops.record_cease_appeal(session.get(Case, maintained.id), "overturned")
    with pytest.raises(Invalid) as refused:
        ops.confirm_ceased(db, maintained.id, actor=None, on=D(2026, 1, 5))
    assert refused.value.code == "cease_overturned"
    with db.transaction() as session:
        ops.record_cease_appeal(session.get(Case, maintained.id), "upheld")
    assert ops.confirm_ceased(db, maintained.id, actor=None, on=D(2026, 1, 5)).state == "ceased"
    with pytest.raises(ValueError):
        ops.record_cease_appeal(Case(), "maybe")


def test_a_later_appeal_window_after_a_certificate_holds_the_confirmation(db, maintained):
    """Disagreement resolution keeps the appeal window (R10.6); a certificate that moves it later holds the
    confirmation to that day: letter 10 January 2025 (+2 months: 10 March), certificate 20 February (+1 month:
    20 March 2025), the spec's worked example."""
    ops.cease_plan(db, maintained.id, actor=None, on=D(2025, 1, 10), reason=2)
    with db.transaction() as session:
        case = session.get(Case, maintained.id)
        case.deadlines.append(Deadline(kind="appeal_window", rule="R10.6", citation="HESC Rules 2008 r.20(1)(c)",
                                       starts_on=D(2025, 1, 10), due_on=D(2025, 3, 20), is_duty=False,
                                       subject=Subject.case(case.id)))
    with db.reading() as session:
        assert ops.appeal_time_ends(session.get(Case, maintained.id)) == D(2025, 3, 20)
    with pytest.raises(Invalid, match="21 March 2025"):
        ops.confirm_ceased(db, maintained.id, actor=None, on=D(2025, 3, 15))
    assert ops.confirm_ceased(db, maintained.id, actor=None, on=D(2025, 3, 21)).state == "ceased"
