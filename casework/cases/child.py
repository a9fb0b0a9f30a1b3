"""The child or young person a new request is for: one named afresh, or one the service already knows.

A request names the child either by their details (a new person is recorded) or by the id of a person
already known (a second request, a re-assessment). A known child with a request still open gets a clear
refusal naming that case: two open requests for one child would run two sets of statutory clocks.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session

from casework import audit
from casework.core import clock
from casework.core.errors import Conflict, Invalid
from casework.core.text import clean_text
from casework.models import Case, Person, User
from casework.models.person import NAME_LENGTH
from workflows import ehcp

MAX_AGE_AT_REQUEST = 25  # EHC plans cover 0 to 25
LARGEST_ID = 2**31 - 1


def _long_date(day: dt.date) -> str:
    return f"{day.day} {day:%B %Y}"


def checked_details(given_name: str | None, family_name: str | None,
                    date_of_birth: dt.date | None) -> tuple[str, str, dt.date]:
    """The new child's names, trimmed and within their limits, and a date of birth that is there."""
    given = clean_text(given_name, field="child.given_name", what="the child's given name", limit=NAME_LENGTH,
                       required=True)
    family = clean_text(family_name, field="child.family_name", what="the child's family name", limit=NAME_LENGTH,
                        required=True)
    if date_of_birth is None:
        raise Invalid("Enter the child's date of birth.", code="required", field="child.date_of_birth")
    assert given is not None and family is not None
    return given, family, date_of_birth


def check_age(date_of_birth: dt.date, received_on: dt.date, field: str = "child.date_of_birth") -> None:
    if date_of_birth > received_on:
        raise Invalid("The child's date of birth is after the request date.", code="birth_after_request",
                      field=field)
    if clock.months_after(date_of_birth, 12 * MAX_AGE_AT_REQUEST) <= received_on:
        raise Invalid(f"The young person was {MAX_AGE_AT_REQUEST} or older on the request date: a new request can "
                      f"be made only for a young person under {MAX_AGE_AT_REQUEST} (Children and Families Act 2014 "
                      "s.83(2)).", code="too_old", field=field)


def new_child(session: Session, actor: User | None, given_name: str, family_name: str,
              date_of_birth: dt.date) -> Person:
    """A person recorded from the request's details, with the entry that says who recorded them."""
    person = Person(given_name=given_name, family_name=family_name, date_of_birth=date_of_birth, contacts=[])
    session.add(person)
    session.flush()
    audit.record(session, case=None, person=person, actor=actor, event="person_added", on=None,
                 fields={"changes": {"given_name": {"before": None, "after": given_name},
                                     "family_name": {"before": None, "after": family_name},
                                     "date_of_birth": {"before": None, "after": date_of_birth.isoformat()}}},
                 state_before=None, state_after=None)
    return person


def known_child(session: Session, person_id: int, received_on: dt.date) -> Person:
    """The person a new request is for, locked so that two requests at once cannot both find none open."""
    person = None
    if 1 <= person_id <= LARGEST_ID:  # a number no row can have would overflow the column on PostgreSQL
        person = session.scalars(select(Person).where(Person.id == person_id).with_for_update()).one_or_none()
    if person is None:
        raise Invalid(f"There is no child or young person {person_id} on record. Check the number, or give the "
                      "child's details to record them.", code="unknown_person", field="person_id")
    check_age(person.date_of_birth, received_on, field="person_id")
    open_request = session.execute(
        select(Case.reference, Case.received_on)
        .where(Case.person_id == person.id, Case.state.in_(ehcp.OPEN_STATES))
        .order_by(Case.received_on, Case.id)
    ).first()
    if open_request is not None:
        reference, received = open_request
        raise Conflict(f"This child already has an open request, {reference}, received "
                       f"{_long_date(received)}. Record what happens next on that case, or close it before "
                       "logging another request.", code="open_request_exists", field="person_id")
    return person
