"""The caseload as lists: cases through the user's visibility filter, narrowed and one page at a time; whose
cases they are, the intake queue, and each officer's counts.

The pages and the API read the same queries. Everything the caseload sorts and filters on is on the case row
(its next deadline, kept by the deadline ledger; its allocated officer), so a page is a walk along an index for
one page of rows plus a count (kept until something is recorded), never every case's deadlines aggregated to
sort 25 of them. The rows' own collections (deadlines, advice, exceptions) are not loaded: a list shows the
case, its child and its next deadline, nothing more.
"""


from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

from sqlalchemy import (
    Boolean,
    ColumnElement,
    Select,
    and_,
    bindparam,
    case,
    exists,
    func,
    literal_column,
    or_,
    select,
    table,
)
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import Session
from sqlalchemy.sql.visitors import InternalTraversal

from casework import access
from casework import access as authz
from casework.audit import kept
from casework.cases.allocation import ALLOCATABLE_ROLES
from casework.core.policy import Policy
from casework.deadlines import status as deadline_status
from casework.law import rules
from casework.models import Case, Deadline, Person, User
from workflows import ehcp

T = TypeVar("T")

# The statuses a next deadline can have while it is open (met and cancelled ones are never a case's next).
OPEN_STATUSES = deadline_status.OPEN


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
    extra: tuple[Any, ...] = field(default_factory=tuple, compare=False)  # further conditions a caller adds
    # What the extra conditions are, as values (a view's name, an officer, a day), so the count of a list with
    # them can be kept; None when the caller gives no such description, and the count is then made afresh.
    extra_key: tuple[Any, ...] | None = None


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


# SQLite's full-text indexes of the same text (migration 0020): FTS5 tables whose rowid is the row's id.
SEARCH_INDEXES = {"name": "people_name_search", "reference": "cases_reference_search"}
TRIGRAM = 3  # the shortest part a trigram index can find; a shorter one is looked for row by row


class _Contains(ColumnElement[bool]):
    """``column IN (ids whose text contains the part)``: through the trigram index on PostgreSQL (migration
    0012) and the FTS5 index on SQLite (migration 0020), both written as the same condition so the caller
    need not know the engine. The SQL is chosen when the statement is compiled for its dialect."""

    inherit_cache = True
    type = Boolean()
    _is_implicitly_boolean = True  # a condition in itself: SQLite must not be sent "(... IN ...) = 1"
    _traverse_internals = [("like", InternalTraversal.dp_clauseelement),
                           ("fts", InternalTraversal.dp_clauseelement)]

    def __init__(self, like: ColumnElement[bool], fts: ColumnElement[bool]) -> None:
        self.like = like
        self.fts = fts


@compiles(_Contains)
def _contains_default(element: _Contains, compiler: Any, **kw: Any) -> str:
    return compiler.process(element.like, **kw)


@compiles(_Contains, "sqlite")
def _contains_sqlite(element: _Contains, compiler: Any, **kw: Any) -> str:
    return compiler.process(element.fts, **kw)


def _fts_ids(index: str, text: str) -> Select[Any]:
    """The rowids an FTS5 index finds for the part, as one quoted phrase (so no character is an operator)."""
    phrase = '"' + text.replace('"', '""') + '"'
    return select(literal_column("rowid")).select_from(table(index)).where(
        literal_column(index).op("MATCH")(bindparam("fts_phrase", phrase, unique=True)))


def search(text: str) -> ColumnElement[bool]:
    """Part of the reference or of the child's full name, in any case. Each side is its own subquery of ids
    so that an index answers it: trigram indexes on PostgreSQL, FTS5 trigram indexes on SQLite (a part of
    fewer than three characters, which no trigram holds, is looked for row by row on SQLite)."""
    pattern = _like(text)
    by_reference = Case.id.in_(select(Case.id).where(func.lower(Case.reference).like(pattern, escape="\\")))
    full_name = func.lower(Person.given_name + " " + Person.family_name)
    by_name = Case.person_id.in_(select(Person.id).where(full_name.like(pattern, escape="\\")))
    if len(text) < TRIGRAM:
        return or_(by_reference, by_name)
    return or_(_Contains(by_reference, Case.id.in_(_fts_ids(SEARCH_INDEXES["reference"], text))),
               _Contains(by_name, Case.person_id.in_(_fts_ids(SEARCH_INDEXES["name"], text))))


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


def ordered(order: str, dialect: str, filters: CaseloadFilters) -> tuple[Any, ...]:
    """The list's order as its index holds it. When the filters leave only cases with a next deadline
    (overdue, due soon), "none last" is moot, and on SQLite the plain index on (next_due_on, id) gives the order
    without sorting every matching case."""
    if order == "soonest" and dialect == "sqlite" and (filters.overdue is True or filters.due_soon):
        return Case.next_due_on, Case.id
    return ORDERS[order](dialect)


def _paged(session: Session, user: User, filters: CaseloadFilters, page: int, per_page: int, today: dt.date,
           policy: Policy, clamp: bool, read: Callable[[Select[Any], int], Sequence[T]]) -> Page[T]:
    """The count (kept), the page number it allows, and ``read`` of that page's rows from the filtered query
    and the offset."""
    query = caseload_query(user, filters, today, policy)

    def count() -> int:
        return session.scalar(select(func.count()).select_from(query.order_by(None).subquery())) or 0
    # Counting reads every matching case; the count changes only when something is recorded (or the day turns),
    # so it is kept (casework.audit.kept) for these filters. Extra conditions with no key are counted afresh.
    if filters.extra and filters.extra_key is None:
        total = count()
    else:
        total = kept.Figures(session, today, pool="caseload counts").get("cases", user.role, filters, compute=count)
    if clamp:
        page = min(page, max(1, math.ceil(total / per_page)))
    if not total or (page - 1) * per_page >= total:
        return Page(items=[], total=total, page=page, per_page=per_page)
    return Page(items=read(query, (page - 1) * per_page), total=total, page=page, per_page=per_page)


# What a row of a list of cases holds: the case, its child, its next deadline and its officer's username.
LIST_COLUMNS = (Case.id, Case.reference, Case.state, Case.version, Case.person_id, Case.primary_need,
                Case.received_on, Case.requested_by, Case.next_due_on, Case.next_due_kind,
                Person.given_name, Person.family_name, Person.date_of_birth, User.username.label("caseworker"))


def caseload_rows(session: Session, user: User, filters: CaseloadFilters, *, page: int, per_page: int,
                  today: dt.date, policy: Policy, order: str = "soonest", clamp: bool = True) -> Page[Any]:
    """One page of the caseload as plain rows (``LIST_COLUMNS``): a count (kept), and one statement for the
    rows, joined to the child and the officer, however long the caseload. No objects are built for them: a
    list shows these and nothing more, and building 25 cases with their children and officers cost more than
    reading them. A page past the end shows the last one (``clamp``, for a person paging) or nothing (for a
    client that pages until it runs out)."""
    def read(query: Select[Any], offset: int) -> Sequence[Any]:
        rows = (select(*LIST_COLUMNS).join_from(Case, Person, Person.id == Case.person_id)
                .outerjoin(User, User.id == Case.assigned_caseworker_id))
        if query.whereclause is not None:
            rows = rows.where(query.whereclause)
        ordering = ordered(order, session.get_bind().dialect.name, filters)
        return session.execute(rows.order_by(*ordering).limit(per_page).offset(offset)).all()
    return _paged(session, user, filters, page, per_page, today, policy, clamp, read)


# --------------------------------------------------------------------------------------------------- views

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


def view_conditions(view: str, user: User) -> tuple[ColumnElement[bool], ...]:
    """What narrows the cases to one caseload view (none for "all")."""
    if view == "mine":
        return (Case.assigned_caseworker_id == user.id,)
    if view == "team":
        return (Case.assigned_caseworker_id.is_not(None),)
    if view == "unassigned":
        return (Case.assigned_caseworker_id.is_(None),)
    return ()


def in_view(query: Select[Any], view: str, user: User) -> Select[Any]:
    """Narrow a list of cases to one caseload view."""
    return query.where(*view_conditions(view, user))


def assigned_to_condition(username: str) -> ColumnElement[bool]:
    """The API's ``assigned_to``: a username, or ``none`` for cases no one is allocated."""
    if username == "none":
        return Case.assigned_caseworker_id.is_(None)
    officer = select(User.id).where(User.username == username).scalar_subquery()
    return Case.assigned_caseworker_id == officer


def assigned_to(query: Select[Any], username: str) -> Select[Any]:
    return query.where(assigned_to_condition(username))


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
