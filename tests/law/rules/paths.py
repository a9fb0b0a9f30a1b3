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
