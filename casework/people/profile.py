"""A person as the public contract shows them: plain data, with their contacts, their cases and their history."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from casework.models import AuditEntry, Case, Contact, Person

CONTACT_FIELDS = ("name", "relationship", "parental_responsibility", "email", "phone", "address",
                  "preferred_contact", "interpreter_language")


def _iso(value: dt.date | dt.datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def _utc(value: dt.datetime) -> str:
    """A recorded time with its offset; SQLite gives back the stored UTC time without one."""
    return (value if value.tzinfo is not None else value.replace(tzinfo=dt.UTC)).isoformat()


def current_setting(person: Person) -> dict[str, str] | None:
    """Where the child is educated now, as one of a URN, a UKPRN or an SEN2 setting code; None when not known."""
    for key, value in (("urn", person.setting_urn), ("ukprn", person.setting_ukprn),
                       ("sen_setting", person.sen_setting)):
        if value is not None:
            return {key: value}
    return None


def contact_dict(contact: Contact) -> dict[str, Any]:
    return {"id": contact.id, **{name: getattr(contact, name) for name in CONTACT_FIELDS}}


def cases_of(session: Session, person_ids: Iterable[int]) -> dict[int, list[dict[str, Any]]]:
    """Each person's cases, oldest request first, read in one query for a whole page of people."""
    wanted = list(person_ids)
    found: dict[int, list[dict[str, Any]]] = {pid: [] for pid in wanted}
    if not wanted:
        return found
    rows = session.execute(select(Case.person_id, Case.id, Case.reference, Case.state, Case.received_on)
                           .where(Case.person_id.in_(wanted)).order_by(Case.received_on, Case.id))
    for person_id, case_id, reference, state, received_on in rows:
        found[person_id].append({"id": case_id, "reference": reference, "state": state,
                                 "received_on": _iso(received_on)})
    return found


def summary(person: Person, cases: list[dict[str, Any]]) -> dict[str, Any]:
    """What a list of search results shows of each person: enough to tell two children apart."""
    return {"id": person.id, "given_name": person.given_name, "family_name": person.family_name,
            "date_of_birth": _iso(person.date_of_birth), "upn": person.upn, "nhs_number": person.nhs_number,
            "postcode": person.postcode, "cases": cases}


def person_dict(session: Session, person: Person) -> dict[str, Any]:
    return {
        "id": person.id,
        "given_name": person.given_name,
        "family_name": person.family_name,
        "date_of_birth": _iso(person.date_of_birth),
        "sex": person.sex,
        "ethnicity": person.ethnicity,
        "upn": person.upn,
        "uln": person.uln,
        "nhs_number": person.nhs_number,
        "postcode": person.postcode,
        "address": person.address,
        "first_language": person.first_language,
        "current_setting": current_setting(person),
        "contacts": [contact_dict(c) for c in person.contacts],
        "cases": cases_of(session, [person.id])[person.id],
        "version": person.version,
    }


def history(session: Session, person_id: int) -> list[dict[str, Any]]:
    """Every change to the person and their contacts, oldest first: who, when, why, and each value before and after."""
    entries = session.scalars(select(AuditEntry).where(AuditEntry.person_id == person_id).order_by(AuditEntry.id))
    return [
        {"id": e.id, "at": _utc(e.at), "actor": e.actor, "event": e.event, "reason": e.fields.get("reason"),
         "contact_id": e.fields.get("contact_id"), "changes": e.fields.get("changes", {})}
        for e in entries
    ]
