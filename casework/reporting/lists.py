"""The lists a manager asks for: annual reviews coming due, phase-transfer cohorts, every overdue item and the
decisions awaited.

Each list is one SELECT of plain columns, started from ``casework.access.cases_query(user)`` and ordered by
indexed columns, so a page reads LIMIT rows however long the list, and an export streams the same statement.
Rows carry codes (deadline kind, status, state); the pages and the CSV put them into words.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, Select, and_
from sqlalchemy.orm import aliased

from casework import access as authz
from casework.core.policy import Policy
from casework.deadlines import status as deadline_status
from casework.models import Case, Deadline, Person, User

# The decisions the council owes on a case: whether to assess, whether to issue, and a review's outcome.
DECISION_KINDS = ("decision_to_assess", "issue_decision", "review_decision")
# The two fixed phase-transfer dates of reg 18(1): the plan amended before 15 February (a school phase) or
# before 31 March (school to post-16), the last compliant days 14 February and 30 March.
COHORTS = {"february": ("R8.1", 2, 14), "march": ("R8.2", 3, 30)}
MAX_WEEKS = 52


@dataclass(frozen=True)
class Params:
    today: dt.date
    weeks: int = 8
    year: int | None = None
    cohort: str = "february"


def _open(*extra: ColumnElement[bool]) -> ColumnElement[bool]:
    return and_(Deadline.met_on.is_(None), Deadline.cancelled_on.is_(None), Deadline.superseded_at.is_(None), *extra)


def _base(user: Any, policy: Policy, today: dt.date) -> Select[Any]:
    """Deadline rows with their case, child and caseworker, as plain columns."""
    officer = aliased(User)
    return (authz.cases_query(user).with_only_columns(
                Case.id.label("case_id"), Case.reference, Case.state, Person.given_name, Person.family_name,
                Person.date_of_birth, officer.username.label("caseworker"), Deadline.kind, Deadline.rule,
                Deadline.due_on, Deadline.met_on, deadline_status.status_sql(today, policy).label("status"))
            .select_from(Deadline).join(Case, Case.id == Deadline.case_id).join(Person, Person.id == Case.person_id)
            .outerjoin(officer, officer.id == Case.assigned_caseworker_id))


def annual_reviews(user: Any, policy: Policy, params: Params) -> Select[Any]:
    """Annual reviews not yet held whose date falls in the next ``weeks`` weeks, with those already overdue."""
    horizon = params.today + dt.timedelta(weeks=params.weeks)
    return (_base(user, policy, params.today)
            .where(_open(Deadline.kind == "annual_review", Deadline.due_on <= horizon))
            .order_by(Deadline.due_on, Deadline.id))


def phase_transfers(user: Any, policy: Policy, params: Params) -> Select[Any]:
    """Every child whose plan must be amended for a transfer in ``year`` by the cohort's date, each with the
    status of that duty (met, met late, overdue, due soon or pending; cancelled when the plan has ceased)."""
    rule, month, day = COHORTS[params.cohort]
    assert params.year is not None
    return (_base(user, policy, params.today)
            .where(Deadline.kind == "phase_transfer", Deadline.rule == rule,
                   Deadline.due_on == dt.date(params.year, month, day), Deadline.superseded_at.is_(None))
            .order_by(Person.family_name, Person.given_name, Deadline.id))


def overdue_items(user: Any, policy: Policy, params: Params) -> Select[Any]:
    """Every duty of the council past its date and still owed, oldest first."""
    return (_base(user, policy, params.today)
            .where(_open(Deadline.is_duty.is_(True), Deadline.due_on < params.today))
            .order_by(Deadline.due_on, Deadline.id))


def decisions_awaited(user: Any, policy: Policy, params: Params) -> Select[Any]:
    """Decisions still to be made (whether to assess, whether to issue a plan, a review's outcome), soonest
    due first."""
    return (_base(user, policy, params.today)
            .where(_open(Deadline.kind.in_(DECISION_KINDS)))
            .order_by(Deadline.due_on, Deadline.id))


LISTS = {
    "annual-reviews": annual_reviews,
    "phase-transfers": phase_transfers,
    "overdue": overdue_items,
    "decisions": decisions_awaited,
}


def list_query(name: str, user: Any, policy: Policy, params: Params) -> Select[Any]:
    authz.require(user, authz.REPORT_ROLES, "see the manager's lists")
    return LISTS[name](user, policy, params)
