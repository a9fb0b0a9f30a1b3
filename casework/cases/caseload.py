"""The caseload as a list: cases through the user's visibility filter, narrowed and one page at a time.

The page and the API read the same query. Everything it sorts and filters on is on the case row (its next
deadline, kept by the deadline ledger), so a page is a walk along an index for one page of rows plus a count,
never every case's deadlines aggregated to sort 25 of them. The rows' own collections (deadlines, advice,
exceptions) are not loaded: a list shows the case, its child and its next deadline, nothing more.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

from sqlalchemy import ColumnElement, Select, and_, func, or_, select
from sqlalchemy.orm import Session, lazyload, selectinload

from casework import access
from casework.core.policy import Policy
from casework.law import rules
from casework.models import Case, Person, User

T = TypeVar("T")

# The statuses a next deadline can have while it is open (met and cancelled ones are never a case's next).
OPEN_STATUSES = ("pending", "due_soon", "overdue")


@dataclass(frozen=True)
class Page(Generic[T]):
    """One page of a list and how long the whole list is."""

    items: Sequence[T]
    total: int
    page: int
    per_page: int

    @property
    def pages(self) -> int:
        return max(1, math.ceil(self.total / self.per_page))


@dataclass(frozen=True)
class CaseloadFilters:
    """What a caseworker narrows the caseload by; each is optional."""

    state: str | None = None
    overdue: bool | None = None  # True: a next deadline already passed; False: none passed
    due_soon: bool = False  # the next deadline falls within its warning days
    q: str | None = None  # part of the reference or of the child's name, in any case
    assigned_to_id: int | None = None
    extra: tuple[Any, ...] = field(default_factory=tuple)  # further conditions a caller adds


def next_status(case: Case, today: dt.date, policy: Policy) -> str | None:
    """The status of the case's next deadline today, from the copy on the case row (the same rule as
    ``casework.deadlines.status.status`` for an open duty)."""
    if case.next_due_on is None or case.next_due_kind is None:
        return None
    if today > case.next_due_on:
        return "overdue"
    if today >= policy.due_soon_from(case.next_due_kind, case.next_due_on):
        return "due_soon"
    return "pending"


def _due_soon(today: dt.date, policy: Policy) -> ColumnElement[bool]:
    """The next deadline is today or later and within its kind's warning days."""
    within = or_(*(and_(Case.next_due_kind == kind,
                        Case.next_due_on <= today + dt.timedelta(days=policy.warning_days(kind)))
                   for kind in rules.DEADLINE_KINDS))
    furthest = max(policy.warning_days(kind) for kind in rules.DEADLINE_KINDS)
    return and_(Case.next_due_on >= today, Case.next_due_on <= today + dt.timedelta(days=furthest), within)


def _like(text: str) -> str:
    escaped = text.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def search(text: str) -> ColumnElement[bool]:
    """Part of the reference or of the child's full name. Each side is its own subquery so that PostgreSQL's
    trigram indexes (migration 0012) answer it; SQLite reads the tables."""
    pattern = _like(text)
    by_reference = select(Case.id).where(func.lower(Case.reference).like(pattern, escape="\\"))
    full_name = func.lower(Person.given_name + " " + Person.family_name)
    by_name = select(Person.id).where(full_name.like(pattern, escape="\\"))
    return or_(Case.id.in_(by_reference), Case.person_id.in_(by_name))


def caseload_query(user: User, filters: CaseloadFilters, today: dt.date, policy: Policy) -> Select[tuple[Case]]:
    """The cases this user may see that match the filters, unordered."""
    query = access.cases_query(user)
    if filters.assigned_to_id is not None:
        query = query.where(Case.assigned_caseworker_id == filters.assigned_to_id)
    if filters.state:
        query = query.where(Case.state == filters.state)
    if filters.overdue is True:
        query = query.where(Case.next_due_on < today)
    elif filters.overdue is False:
        query = query.where(or_(Case.next_due_on.is_(None), Case.next_due_on >= today))
    if filters.due_soon:
        query = query.where(_due_soon(today, policy))
    text = (filters.q or "").strip()
    if text:
        query = query.where(search(text))
    for condition in filters.extra:
        query = query.where(condition)
    return query


def soonest_first(dialect: str) -> tuple[Any, ...]:
    """Soonest next deadline first, cases with none last, in the order an index holds them: PostgreSQL sorts
    NULL last itself; SQLite has an index on "has none" first (migration 0012)."""
    if dialect == "sqlite":
        return Case.next_due_on.is_(None), Case.next_due_on, Case.id
    return Case.next_due_on.asc().nulls_last(), Case.id


def newest_first(_dialect: str) -> tuple[Any, ...]:
    """Most recently received first, as the API has always listed cases."""
    return Case.received_on.desc(), Case.id.desc()


ORDERS = {"soonest": soonest_first, "newest": newest_first}


def caseload_page(session: Session, user: User, filters: CaseloadFilters, *, page: int, per_page: int,
                  today: dt.date, policy: Policy, order: str = "soonest", clamp: bool = True) -> Page[Case]:
    """One page of the caseload: a count, one indexed read of the page's cases and one of their children,
    however long the caseload. A page past the end shows the last one (``clamp``, for a person paging) or
    nothing (for a client that pages until it runs out)."""
    query = caseload_query(user, filters, today, policy)
    total = session.scalar(select(func.count()).select_from(query.order_by(None).subquery())) or 0
    if clamp:
        page = min(page, max(1, math.ceil(total / per_page)))
    if not total or (page - 1) * per_page >= total:
        return Page(items=[], total=total, page=page, per_page=per_page)
    rows = session.scalars(
        query.order_by(*ORDERS[order](session.get_bind().dialect.name))
        .options(selectinload(Case.person), lazyload(Case.deadlines), lazyload(Case.advice_requests),
                 lazyload(Case.exceptions))
        .limit(per_page).offset((page - 1) * per_page)).all()
    return Page(items=rows, total=total, page=page, per_page=per_page)

