"""Transfers between English authorities (reg 15): R9.2, the new authority's notice within 6 weeks, and R9.3,
the first review by the later of the plan's 12-month date and 3 months from the transfer. A plan made 1 March
2024 and transferred Friday 31 January 2025: notice by Friday 14 March; 12-month date 28 February 2025, and
31 January + 3 months is 30 April (no 31 April), the later."""

from __future__ import annotations

import pytest

from casework import operations as ops
from casework import transfers
from casework.deadlines.status import status
from casework.models import Case
from tests.law.rules.paths import D, one
from tests.support import by_kind

TRANSFERRED = D(2025, 1, 31)


def _transferred_in(db):
    case = transfers.transfer_in(db, actor=None, from_authority="Westshire Council", transferred_on=TRANSFERRED,
                                 plan_made_on=D(2024, 3, 1), given_name="Sam", family_name="Example",
                                 date_of_birth=D(2015, 6, 1))
    assert (one(case, "transfer_notice").rule, one(case, "transfer_notice").due_on) == ("R9.2", D(2025, 3, 14))
    assert (one(case, "annual_review").rule, one(case, "annual_review").due_on) == ("R9.3", D(2025, 4, 30))
    return case


def _reread(db, case_id):
    with db.reading() as session:
        return session.get(Case, case_id)


def _first_review(db, case_id):
    return min(by_kind(_reread(db, case_id))["annual_review"], key=lambda d: d.due_on)


@pytest.mark.rule("R9.2", "met")
def test_the_notice_on_its_last_day_is_met(db):
    case = _transferred_in(db)
    transfers.send_transfer_notice(db, case.id, actor=None, on=D(2025, 3, 14))
    assert status(one(_reread(db, case.id), "transfer_notice"), D(2025, 4, 1), db.policy) == "met"


@pytest.mark.rule("R9.3", "overdue", "met_late")
def test_no_review_by_30_april_is_overdue_and_a_decision_on_2_may_is_met_late(db):
    case = _transferred_in(db)
    assert status(one(case, "annual_review"), D(2025, 4, 30), db.policy) != "overdue"
    assert status(one(case, "annual_review"), D(2025, 5, 1), db.policy) == "overdue"
    ops.hold_review_meeting(db, case.id, actor=None, on=D(2025, 4, 28))
    ops.decide_review_outcome(db, case.id, actor=None, on=D(2025, 5, 2), outcome="maintain")
    first = _first_review(db, case.id)
    assert (first.rule, first.met_on, status(first, D(2025, 6, 1), db.policy)) == ("R9.3", D(2025, 5, 2), "met_late")


@pytest.mark.rule("R9.3", "cancelled")
def test_the_plan_ceased_cancels_the_first_review_owed(db):
    case = _transferred_in(db)
    ops.cease_plan(db, case.id, actor=None, on=D(2025, 3, 3), reason=9)
    # 3 March + 2 months = 3 May 2025, the family's last day to appeal
    case = ops.confirm_ceased(db, case.id, actor=None, on=D(2025, 5, 4))
    assert (one(case, "annual_review").rule, one(case, "annual_review").cancelled_on) == ("R9.3", D(2025, 5, 4))
