"""The issue of an appealable decision's letter starts the family's mediation and appeal time from its date."""

from __future__ import annotations

from freezegun import freeze_time
from sqlalchemy import select

from casework import operations as ops
from casework.letters import produce
from casework.models import Dispute
from tests.disputes.conftest import D, dispute_deadlines


def test_the_refusal_letter_issued_late_starts_the_clocks_from_its_own_date(db, settings, new_case):
    case = new_case(received_on=D(2025, 3, 3))
    ops.refuse_to_assess(db, case.id, actor=None, on=D(2025, 4, 7), reason="Needs met by the school")
    with freeze_time(D(2025, 5, 30)):  # produced some weeks later, on Friday 30 May 2025
        assert produce.produce_queued(db, settings) == {"produced": 1, "failed": 0}
        assert produce.produce_queued(db, settings) == {"produced": 0, "failed": 0}
    with db.reading() as session:
        dispute = session.scalars(select(Dispute).where(Dispute.case_id == case.id)).one()
    assert (dispute.decision_event, dispute.letter_on) == ("refuse_to_assess", D(2025, 5, 30))
    # 30 May 2025 + 2 months = 30 July 2025, for the mediation contact and, until a certificate, the appeal.
    assert {(d.kind, d.rule, d.due_on) for d in dispute_deadlines(db, case.id)} == {
        ("mediation_contact", "R10.1", D(2025, 7, 30)), ("appeal_window", "R10.6", D(2025, 7, 30))}


def test_a_letter_that_is_not_appealable_starts_nothing(db, settings, new_case):
    case = new_case(received_on=D(2025, 3, 3))
    ops.agree_to_assess(db, case.id, actor=None, on=D(2025, 4, 7))
    with freeze_time(D(2025, 4, 8)):
        assert produce.produce_queued(db, settings)["produced"] == 1
    assert dispute_deadlines(db, case.id) == []
