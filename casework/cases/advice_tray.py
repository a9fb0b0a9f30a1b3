"""Advice still owed, as a list: the adviser's tray and the caseworker's advice page.

Only what is outstanding is listed: never a request returned or cancelled, nor one whose deadline the case's
path has closed (a refusal, a withdrawal), which is what an advice request's ``owed_due_on`` says (the deadline
ledger keeps it). A page is a count and one indexed read of the page's rows with their case and child, however
many requests there are (the count kept until something is recorded); nothing is loaded per row.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, func

from casework import access
from casework.audit import kept
from casework.cases.caseload import Page, search
from casework.core.policy import Policy
from casework.models import AdviceRequest, Case, Person, User


@dataclass(frozen=True)
class TrayFilters:
    """What the tray is narrowed by; each is optional."""

    advice_type: str | None = None
    organisation_id: int | None = None
    overdue: bool | None = None  # True: already past its 6 weeks; False: not yet
    q: str | None = None  # part of the case reference or of the child's name


def owed_query(user: User, filters: TrayFilters, today: dt.date) -> Select[Any]:
    """The outstanding requests this user may see that match the filters, with their case and child."""
    query = (access.advice_requests_query(user)
             .join(Case, Case.id == AdviceRequest.case_id).join(Person, Person.id == Case.person_id)
             .add_columns(Case.reference, Person.given_name, Person.family_name, Person.date_of_birth)
             .where(AdviceRequest.owed_due_on.is_not(None), Case.closed_on.is_(None)))
    if filters.advice_type:
        query = query.where(AdviceRequest.advice_type == filters.advice_type)
    if filters.organisation_id is not None:
        query = query.where(AdviceRequest.organisation_id == filters.organisation_id)
    if filters.overdue is True:
        query = query.where(AdviceRequest.owed_due_on < today)
    elif filters.overdue is False:
        query = query.where(AdviceRequest.owed_due_on >= today)
    text = (filters.q or "").strip()
    if text:
        query = query.where(search(text))
    return query


def owed_status(due_on: dt.date, today: dt.date, policy: Policy) -> str:
    """The status of advice still owed (the rule of ``casework.deadlines.status.status`` for an open duty)."""
    if today > due_on:
        return "overdue"
    return "due_soon" if today >= policy.due_soon_from("advice", due_on) else "pending"


def tray_page(session: Any, user: User, filters: TrayFilters, *, page: int, per_page: int, today: dt.date,
              policy: Policy, clamp: bool = True) -> tuple[Page[dict[str, Any]], int]:
    """One page of outstanding advice, soonest due first, and how many of all that match are overdue."""
    query = owed_query(user, filters, today)
    counted = query.with_only_columns(
        func.count(), func.count().filter(AdviceRequest.owed_due_on < today), maintain_column_froms=True
    ).order_by(None)
    # Counting every request that matches reads them all; the count changes only when something is recorded
    # (or the day turns), so it is kept (casework.audit.kept) for this scope and these filters.
    scope = user.organisation_id if user.role == "adviser" else None
    total, overdue = kept.Figures(session, today, pool="advice counts").get(
        "owed", user.role == "adviser", scope, filters, compute=lambda: tuple(session.execute(counted).one()))
    if clamp:
        page = min(page, max(1, -(-total // per_page)))
    rows = [] if (page - 1) * per_page >= total else session.execute(
        query.order_by(AdviceRequest.owed_due_on, AdviceRequest.id).limit(per_page).offset((page - 1) * per_page))
    items = [{
        "id": advice.id, "case_id": advice.case_id, "case_reference": reference, "advice_type": advice.advice_type,
        "organisation": advice.organisation.name, "organisation_id": advice.organisation_id,
        "requested_on": advice.requested_on, "received_on": advice.received_on, "due_on": advice.owed_due_on,
        "status": owed_status(advice.owed_due_on, today, policy),
        "child_name": f"{given_name} {family_name}", "child_date_of_birth": date_of_birth,
    } for advice, reference, given_name, family_name, date_of_birth in rows]
    return Page(items=items, total=total, page=page, per_page=per_page), overdue or 0
