"""Paths through a case for the rule tests, each built only through the operations, and the readings the
tests make of a deadline (its status as of a day, and whether an exception excuses it)."""

from __future__ import annotations

import datetime as dt

from casework import operations as ops
from casework.core.db import Database
from casework.deadlines.status import excused, status
from casework.models import Case, Deadline
from tests.support import by_kind

D = dt.date


def one(case: Case, kind: str) -> Deadline:
    """The case's one deadline of this kind (a test that expects several says so itself)."""
    [deadline] = by_kind(case)[kind]
    return deadline


def reads(db: Database, case: Case, kind: str, as_of: dt.date) -> str:
    """The status of the case's one deadline of ``kind`` on ``as_of``, with "excused" when late and excused."""
    deadline = one(case, kind)
    found = status(deadline, as_of, db.policy)
    return "excused" if excused(deadline, found, case.exceptions, as_of) else found


def assessing(db: Database, case_id: int, agreed_on: dt.date) -> Case:
    return ops.agree_to_assess(db, case_id, actor=None, on=agreed_on)


def plan_issued(db: Database, new_case, received_on: dt.date, draft_on: dt.date, issued_on: dt.date) -> Case:
    """A plan issued on ``issued_on``: agreed a week after the request, decided two weeks later."""
    case = new_case(received_on)
    ops.agree_to_assess(db, case.id, actor=None, on=received_on + dt.timedelta(weeks=1))
    ops.decide_to_issue(db, case.id, actor=None, on=received_on + dt.timedelta(weeks=3))
    ops.issue_draft(db, case.id, actor=None, on=draft_on)
    return ops.issue_final(db, case.id, actor=None, on=issued_on)


# The early years review (G7.2): a plan for a young child, requested 2 June 2025, the draft served 1 August.
RECEIVED, DRAFT, PLAN = D(2025, 6, 2), D(2025, 8, 1), D(2025, 8, 31)
# A plan issued on Sunday 31 August 2025 is due its early years review 6 months on: there is no 31 February, so
# the last day of February 2026, Saturday 28 February (2026 is not a leap year).
DUE = D(2026, 2, 28)
BORN_2022 = D(2022, 3, 10)  # 3 on 31 August 2025; 5 on 10 March 2027


def plan_for(db, new_case, date_of_birth: dt.date, issued_on: dt.date = PLAN):
    """A plan issued on ``issued_on`` for a child born on ``date_of_birth``: requested 2 June 2025, agreed a week
    on, decided two weeks after that, the draft served on 1 August (the family's 15 days run to 15 August)."""
    case = new_case(RECEIVED, date_of_birth=date_of_birth)
    ops.agree_to_assess(db, case.id, actor=None, on=RECEIVED + dt.timedelta(weeks=1))
    ops.decide_to_issue(db, case.id, actor=None, on=RECEIVED + dt.timedelta(weeks=3))
    ops.issue_draft(db, case.id, actor=None, on=DRAFT)
    return ops.issue_final(db, case.id, actor=None, on=issued_on)
