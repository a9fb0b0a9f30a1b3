"""The caseload as lists: whose cases, the intake queue, and each officer's counts.

Every list starts from ``casework.access.cases_query(user)`` (the only visibility filter) and narrows it here,
so the pages and the API read the same rows. Each is one statement over indexed columns (the allocated
officer, the state, the deadline's case and due date), paged by the caller with LIMIT and OFFSET.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, case, exists, func, select
from sqlalchemy.orm import Session

from casework import access as authz
from casework.cases.allocation import ALLOCATABLE_ROLES
from casework.core.policy import Policy
from casework.deadlines import status as deadline_status
from casework.models import Case, Deadline, User
from workflows import ehcp

# "mine": allocated to me; "team": allocated to any officer; "unassigned": waiting for an officer; "all".
VIEWS = ("mine", "team", "unassigned", "all")
VIEW_LABELS = {"mine": "My cases", "team": "Team cases", "unassigned": "Unallocated", "all": "All cases"}


def open_duty(*extra: ColumnElement[bool]) -> ColumnElement[bool]:
    """A duty of the council on the case that is still open (not met, not cancelled, not superseded)."""
    return and_(Deadline.case_id == Case.id, Deadline.is_duty.is_(True), Deadline.met_on.is_(None),
                Deadline.cancelled_on.is_(None), Deadline.superseded_at.is_(None), *extra)


def overdue_on(today: dt.date) -> ColumnElement[bool]:
    return exists().where(open_duty(Deadline.due_on < today))


def due_soon_on(today: dt.date, policy: Policy) -> ColumnElement[bool]:
    return exists().where(open_duty(deadline_status.status_sql(today, policy) == "due_soon"))


def in_view(query: Select[Any], view: str, user: User) -> Select[Any]:
    """Narrow a list of cases to one caseload view."""
    if view == "mine":
        return query.where(Case.assigned_caseworker_id == user.id)
    if view == "team":
        return query.where(Case.assigned_caseworker_id.is_not(None))
    if view == "unassigned":
        return query.where(Case.assigned_caseworker_id.is_(None))
    return query


def assigned_to(query: Select[Any], username: str) -> Select[Any]:
    """The API's ``assigned_to``: a username, or ``none`` for cases no one is allocated."""
    if username == "none":
        return query.where(Case.assigned_caseworker_id.is_(None))
    officer = select(User.id).where(User.username == username).scalar_subquery()
    return query.where(Case.assigned_caseworker_id == officer)


# --------------------------------------------------------------------------------------------------- intake


def intake_query(user: User) -> Select[Any]:
    """Requests not yet allocated and not yet decided, oldest first, with the 6-week decision's due date
    (R1.1). The Ombudsman's point: a request nobody owns is a request nobody answers."""
    decision_due = (select(Deadline.due_on).where(open_duty(Deadline.kind == "decision_to_assess"))
                    .correlate(Case).limit(1).scalar_subquery().label("decision_due"))
    return (authz.cases_query(user).add_columns(decision_due)
            .where(Case.assigned_caseworker_id.is_(None), Case.state == ehcp.INITIAL)
            .order_by(Case.received_on, Case.id))


# --------------------------------------------------------------------------------------------------- by officer


@dataclass(frozen=True)
class OfficerCounts:
    username: str
    open: int
    overdue: int
    due_soon: int


def officer_counts(session: Session, user: User, today: dt.date, policy: Policy) -> list[OfficerCounts]:
    """Each officer who can hold cases with their open cases, those with something overdue and those with
    something due soon: one grouped statement, whatever the size of the caseload."""
    authz.require(user, authz.REPORT_ROLES, "see the team's caseloads")
    is_open = Case.state.in_(ehcp.OPEN_STATES)

    def how_many(condition: ColumnElement[bool]) -> ColumnElement[int]:
        return func.coalesce(func.sum(case((and_(is_open, condition), 1), else_=0)), 0)

    query = (select(User.username, func.count(Case.id), how_many(overdue_on(today)),
                    how_many(due_soon_on(today, policy)))
             .select_from(User)
             .outerjoin(Case, and_(Case.assigned_caseworker_id == User.id, is_open))
             .where(User.role.in_(ALLOCATABLE_ROLES), User.active.is_(True))
             .group_by(User.id, User.username).order_by(User.username))
    return [OfficerCounts(name, int(n), int(late), int(soon)) for name, n, late, soon in session.execute(query)]


def unallocated_open(session: Session, user: User) -> int:
    return session.scalar(select(func.count()).select_from(
        authz.cases_query(user).where(Case.assigned_caseworker_id.is_(None), Case.state.in_(ehcp.OPEN_STATES))
        .subquery())) or 0
