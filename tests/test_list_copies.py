"""The copies lists sort and filter on (a case's next deadline, an advice request's due date while owed) are
kept by the deadline ledger in the event's own transaction, follow corrections, and are back-filled by
migration 0012. Each expected date is worked out by hand from the statutory weeks."""

from __future__ import annotations

import datetime as dt

from alembic import command
from sqlalchemy import select, update

from casework import operations as ops
from casework.cases import replay
from casework.core.db import alembic_config
from casework.models import AdviceRequest, AuditEntry, Case
from tests.support import list_copies_out_of_step

D = dt.date


def _stored(db, case_id: int) -> tuple[dt.date | None, str | None]:
    with db.reading() as s:
        case = s.get(Case, case_id)
        return case.next_due_on, case.next_due_kind


def _owed(db, advice_id: int) -> dt.date | None:
    with db.reading() as s:
        return s.get(AdviceRequest, advice_id).owed_due_on


def test_next_deadline_follows_every_event(db, new_case):
    case = new_case(D(2024, 9, 2))
    # 6 weeks from 2 September 2024 is 14 October 2024 (the decision whether to assess)
    assert _stored(db, case.id) == (D(2024, 10, 14), "decision_to_assess")
    ops.agree_to_assess(db, case.id, actor=None, on=D(2024, 10, 1))
    # the decision is met; 16 weeks from 2 September is 23 December 2024 (the decision whether to issue)
    assert _stored(db, case.id) == (D(2024, 12, 23), "issue_decision")
    case = ops.request_advice(db, case.id, actor=None, on=D(2024, 10, 2), advice_type="health",
                              organisation="Northbridge NHS Trust", received_on=D(2024, 10, 4))
    advice_id = case.advice_requests[0].id
    # 6 weeks from the trust's receipt on 4 October 2024 is 15 November 2024, sooner than 23 December
    assert _stored(db, case.id) == (D(2024, 11, 15), "advice")
    assert _owed(db, advice_id) == D(2024, 11, 15)
    ops.record_advice(db, case.id, actor=None, on=D(2024, 11, 12), advice_request_id=advice_id)
    assert _stored(db, case.id) == (D(2024, 12, 23), "issue_decision")
    assert _owed(db, advice_id) is None
    with db.reading() as s:
        assert list_copies_out_of_step(s) == []


def test_cancelled_advice_is_no_longer_owed_and_closing_the_case_clears_its_next_deadline(db, new_case):
    case = new_case(D(2024, 9, 2))
    ops.agree_to_assess(db, case.id, actor=None, on=D(2024, 10, 1))
    case = ops.request_advice(db, case.id, actor=None, on=D(2024, 10, 2), advice_type="psychological",
                              organisation="EPS")
    advice_id = case.advice_requests[0].id
    # sent and received on 2 October 2024: due 6 weeks later, 13 November 2024
    assert _owed(db, advice_id) == D(2024, 11, 13)
    ops.void_advice_request(db, case.id, actor=None, on=D(2024, 10, 3), advice_request_id=advice_id,
                            reason="Sent to the wrong service")
    assert _owed(db, advice_id) is None
    assert _stored(db, case.id) == (D(2024, 12, 23), "issue_decision")
    ops.decide_not_to_issue(db, case.id, actor=None, on=D(2024, 12, 2),
                            reason="Needs met from the school's own resources")
    # the decision is met and the 20-week plan cancelled: nothing is left for the case to be sorted by
    assert _stored(db, case.id) == (None, None)
    with db.reading() as s:
        assert list_copies_out_of_step(s) == []


def test_a_correction_moves_the_copy_with_the_deadlines(db, new_case):
    case = new_case(D(2024, 9, 2))
    with db.reading() as s:
        entry_id = s.scalars(select(AuditEntry.id).where(AuditEntry.case_id == case.id)).first()
    replay.correct_entry(db, case.id, actor=None, entry_id=entry_id, on=D(2024, 9, 16),
                         reason="Date stamp misread")
    # 6 weeks from 16 September 2024 is 28 October 2024
    assert _stored(db, case.id) == (D(2024, 10, 28), "decision_to_assess")
    with db.reading() as s:
        assert list_copies_out_of_step(s) == []
        assert replay.rebuilt_differences(s, case.id, db.policy) == []


def test_the_checker_sees_a_copy_out_of_step(db, new_case):
    case = new_case(D(2024, 9, 2))
    with db.transaction() as s:
        s.execute(update(Case).where(Case.id == case.id).values(next_due_on=D(2030, 1, 1)))
    with db.reading() as s:
        assert list_copies_out_of_step(s) == [
            f"case {case.id}: stored {(D(2030, 1, 1), 'decision_to_assess')} != "
            f"{(D(2024, 10, 14), 'decision_to_assess')}"]


def test_migration_0012_back_fills_the_copies(db, database_url, new_case):
    first = new_case(D(2024, 9, 2))
    ops.agree_to_assess(db, first.id, actor=None, on=D(2024, 10, 1))
    second = ops.request_advice(db, first.id, actor=None, on=D(2024, 10, 2), advice_type="health",
                                organisation="NHS")
    new_case(D(2025, 1, 6), given_name="Bea")
    ops.void_advice_request(db, first.id, actor=None, on=D(2024, 10, 3),
                            advice_request_id=second.advice_requests[0].id, reason="Not needed")
    ops.request_advice(db, first.id, actor=None, on=D(2024, 10, 7), advice_type="health", organisation="NHS")
    db.dispose()
    command.downgrade(alembic_config(database_url), "0009")
    command.upgrade(alembic_config(database_url), "head")
    with db.reading() as s:
        assert list_copies_out_of_step(s) == []
        stored = s.execute(select(Case.next_due_on, Case.next_due_kind).order_by(Case.id)).all()
        owed = s.scalars(select(AdviceRequest.owed_due_on).order_by(AdviceRequest.id)).all()
    # the second request, 7 October 2024, is due 18 November 2024; 6 weeks from 6 January 2025 is 17 February
    assert stored == [(D(2024, 11, 18), "advice"), (D(2025, 2, 17), "decision_to_assess")]
    assert owed == [None, D(2024, 11, 18)]
