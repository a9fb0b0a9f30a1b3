"""Finding a child: by name (theirs or a parent's), date of birth, UPN, NHS number or postcode.

Before logging a request a caseworker looks for the child, so that a second request joins the child already
known instead of starting a stranger. Names match anywhere and in any case ("tay" finds Taylor, "sam taylor"
finds Sam Taylor); identifiers match exactly in their stored form, however they were typed; a postcode of
its outward part alone ("NB1") finds everyone in that district. Filters combine: every one given must match.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, func, or_, select
from sqlalchemy.orm import Session

from casework.models import Contact, Person
from casework.people import identifiers, profile


@dataclass(frozen=True)
class Filters:
    q: str | None = None
    date_of_birth: dt.date | None = None
    upn: str | None = None
    nhs_number: str | None = None
    postcode: str | None = None


def _compact(value: str | None) -> str | None:
    compact = re.sub(r"[\s-]+", "", value or "").upper()
    return compact or None


def matching(query: Select[tuple[Person]], filters: Filters) -> Select[tuple[Person]]:
    """The people of ``query`` that match every filter given."""
    text = " ".join((filters.q or "").split()).lower()
    if text:
        full_name = func.lower(Person.given_name + " " + Person.family_name)
        parent = (select(Contact.id).where(Contact.person_id == Person.id,
                                           func.lower(Contact.name).contains(text, autoescape=True)).exists())
        query = query.where(or_(func.lower(Person.given_name).contains(text, autoescape=True),
                                func.lower(Person.family_name).contains(text, autoescape=True),
                                full_name.contains(text, autoescape=True), parent))
    if filters.date_of_birth is not None:
        query = query.where(Person.date_of_birth == filters.date_of_birth)
    if upn := _compact(filters.upn):
        query = query.where(Person.upn == upn)
    if nhs_number := _compact(filters.nhs_number):
        query = query.where(Person.nhs_number == nhs_number)
    if filters.postcode and filters.postcode.strip():
        postcode = identifiers.search_postcode(filters.postcode)
        if " " in postcode:
            query = query.where(Person.postcode == postcode)
        else:
            query = query.where(Person.postcode.startswith(postcode + " ", autoescape=True))
    return query


def find(session: Session, query: Select[tuple[Person]], filters: Filters, page: int,
         per_page: int) -> tuple[list[dict[str, Any]], int]:
    """One page of the matching people, family name first, each with their cases; and how many match in all."""
    found = matching(query, filters)
    total = session.scalar(select(func.count()).select_from(found.order_by(None).subquery())) or 0
    people = list(session.scalars(found.order_by(Person.family_name, Person.given_name, Person.id)
                                  .limit(per_page).offset((page - 1) * per_page)))
    cases = profile.cases_of(session, [p.id for p in people])
    return [profile.summary(p, cases[p.id]) for p in people], total
