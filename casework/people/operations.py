"""Changing a child's details and their family's contacts: one transaction, every change audited with its reason.

A change of a parent's address or phone decides where letters and calls about a child go, so nothing about
a person changes without a reason, and each change leaves an entry saying who made it, when, why, and each
value before and after. A contact is added or changed, never removed: a parent who no longer wants letters
is a change to their preferred way of being reached, and the trail still shows who they were.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import flag_modified
from sqlalchemy.orm.exc import StaleDataError

from casework import audit
from casework.cases import replay
from casework.core import clock
from casework.core.db import Database
from casework.core.errors import Conflict, Invalid, NotFound
from casework.core.text import clean_text
from casework.law import codes
from casework.models import Case, Contact, Person, User
from casework.models.person import (
    ADDRESS_LENGTH,
    CONTACT_NAME_LENGTH,
    LANGUAGE_LENGTH,
    NAME_LENGTH,
    RELATIONSHIP_LENGTH,
)
from casework.people import identifiers, profile

REASON_LENGTH = 1000
SETTING_KINDS = ("urn", "ukprn", "sen_setting")
SETTING_COLUMNS = frozenset({"setting_urn", "setting_ukprn", "sen_setting"})
# Identifiers that name one child only: a second person with the same one is a typing error or a duplicate.
UNIQUE_IDENTIFIERS = {"upn": "unique pupil number (UPN)", "uln": "unique learner number (ULN)",
                      "nhs_number": "NHS number"}

Check = Callable[[Any, str], Any]


def _text(what: str, limit: int, *, required: bool = False, multiline: bool = False) -> Check:
    return lambda value, field: clean_text(value, field=field, what=what, limit=limit, required=required,
                                           multiline=multiline)


def _code(code_list: Mapping[str, str], what: str) -> Check:
    return lambda value, field: identifiers.code(value, code_list, field, what)


def _date_of_birth(value: Any, field: str) -> dt.date:
    if value is None:
        raise Invalid("Enter the child's date of birth.", code="required", field=field)
    if value > clock.today():
        raise Invalid("The date of birth is in the future.", code="date_in_future", field=field)
    return value


def _flag(value: Any, field: str) -> bool:
    return bool(value)


PERSON_CHECKS: dict[str, Check] = {
    "given_name": _text("the child's given name", NAME_LENGTH, required=True),
    "family_name": _text("the child's family name", NAME_LENGTH, required=True),
    "date_of_birth": _date_of_birth,
    "sex": _code(codes.SEXES, "sex"),
    "ethnicity": _code(codes.ETHNICITIES, "ethnicity"),
    "upn": identifiers.upn,
    "uln": identifiers.uln,
    "nhs_number": identifiers.nhs_number,
    "postcode": identifiers.postcode,
    "address": _text("the child's address", ADDRESS_LENGTH, multiline=True),
    "first_language": _text("the child's first language", LANGUAGE_LENGTH),
}
CONTACT_CHECKS: dict[str, Check] = {
    "name": _text("the contact's name", CONTACT_NAME_LENGTH, required=True),
    "relationship": _text("the contact's relationship to the child", RELATIONSHIP_LENGTH),
    "parental_responsibility": _flag,
    "email": identifiers.email,
    "phone": identifiers.phone,
    "address": _text("the contact's address", ADDRESS_LENGTH, multiline=True),
    "preferred_contact": _code(codes.CONTACT_CHANNELS, "the contact's preferred way to be reached"),
    "interpreter_language": _text("the language of the interpreter the contact needs", LANGUAGE_LENGTH),
}


def _setting(value: Any, field: str) -> dict[str, str | None]:
    """The three setting columns from ``{"urn": ...}``, ``{"ukprn": ...}``, ``{"sen_setting": ...}`` or None."""
    columns: dict[str, str | None] = {"setting_urn": None, "setting_ukprn": None, "sen_setting": None}
    if not value:
        return columns
    given = [k for k in SETTING_KINDS if value.get(k) not in (None, "")]
    if len(given) != 1:
        raise Invalid("Give one current setting: a school's URN, a provider's UKPRN or an SEN2 setting code.",
                      code="one_setting", field=field)
    kind = given[0]
    if kind == "urn":
        columns["setting_urn"] = identifiers.urn(value[kind], f"{field}.urn")
    elif kind == "ukprn":
        columns["setting_ukprn"] = identifiers.ukprn(value[kind], f"{field}.ukprn")
    else:
        columns["sen_setting"] = identifiers.code(value[kind], codes.SEN_SETTINGS, f"{field}.sen_setting",
                                                  "the SEN2 setting")
    return columns


def _jsonable(value: Any) -> Any:
    return value.isoformat() if isinstance(value, dt.date) else value


def _changes(target: Any, wanted: Mapping[str, Any]) -> dict[str, dict[str, Any]]:
    """Set each wanted value that differs, and say what it was and what it is now."""
    changed: dict[str, dict[str, Any]] = {}
    for name, after in wanted.items():
        before = getattr(target, name)
        if before != after:
            changed[name] = {"before": _jsonable(before), "after": _jsonable(after)}
            setattr(target, name, after)
    return changed


def _checked_person_fields(fields: Mapping[str, Any]) -> dict[str, Any]:
    checked: dict[str, Any] = {}
    for name, value in fields.items():
        if name == "current_setting":
            checked.update(_setting(value, "current_setting"))
        elif name in PERSON_CHECKS:
            checked[name] = PERSON_CHECKS[name](value, name)
        else:
            raise Invalid(f"A child's record has no detail called {name}.", code="unknown_field", field=name)
    return checked


def _checked_contact(index: int, given: Mapping[str, Any]) -> tuple[int | None, dict[str, Any]]:
    prefix = f"contacts[{index}]"
    checked: dict[str, Any] = {}
    for name, value in given.items():
        if name == "id":
            continue
        if name not in CONTACT_CHECKS:
            raise Invalid(f"A contact has no detail called {name}.", code="unknown_field", field=f"{prefix}.{name}")
        checked[name] = CONTACT_CHECKS[name](value, f"{prefix}.{name}")
    contact_id = given.get("id")
    if contact_id is None:
        checked["name"] = CONTACT_CHECKS["name"](given.get("name"), f"{prefix}.name")
    return contact_id, checked


def _reachable(contact: Contact, index: int) -> None:
    """A preferred way of being reached that the record can actually use."""
    needs = {"email": ("email", "email address"), "phone": ("phone", "phone number"),
             "text": ("phone", "mobile number")}.get(contact.preferred_contact or "")
    if needs is not None and getattr(contact, needs[0]) is None:
        way = str(codes.label(codes.CONTACT_CHANNELS, contact.preferred_contact)).lower()
        raise Invalid(f"{contact.name} prefers to be reached by {way}, but has no {needs[1]} on record. Add one, "
                      "or choose another way to reach them.", code="not_reachable",
                      field=f"contacts[{index}].preferred_contact")


def _check_date_of_birth(session: Session, person: Person) -> None:
    """A date of birth after a request was made for the child cannot be right."""
    first = session.execute(select(Case.reference, Case.received_on).where(Case.person_id == person.id)
                            .order_by(Case.received_on, Case.id)).first()
    if first is not None and person.date_of_birth > first.received_on:
        raise Invalid(f"The date of birth is after request {first.reference} was received "
                      f"({first.received_on.day} {first.received_on:%B %Y}).", code="birth_after_request",
                      field="date_of_birth")


def _check_unique(session: Session, person: Person, changed: Mapping[str, Any]) -> None:
    for name, what in UNIQUE_IDENTIFIERS.items():
        value = getattr(person, name)
        if name not in changed or value is None:
            continue
        other = session.scalar(select(Person.id).where(getattr(Person, name) == value, Person.id != person.id))
        if other is not None:
            raise Invalid(f"This {what} is already recorded for another child or young person (number {other}). "
                          "Check it: the same child should not be on record twice.", code="already_recorded",
                          field=name)


def update_person(db: Database, person_id: int, *, actor: User | None, reason: str | None,
                  fields: Mapping[str, Any] | None = None, contacts: list[Mapping[str, Any]] | None = None,
                  expected_version: int | None = None) -> Person:
    """Change a child's details and add or change their contacts, all or nothing, each change audited.

    ``fields`` holds only the details to change (None clears one that may be blank); ``contacts`` lists
    contacts to change (with their ``id``) or add (without); a contact not listed is left as it is.
    """
    reason = clean_text(reason, field="reason", what="the reason for the change", limit=REASON_LENGTH,
                        required=True)
    person_fields = _checked_person_fields(fields or {})
    contact_changes = [_checked_contact(i, c) for i, c in enumerate(contacts or [])]
    try:
        with db.transaction() as session:
            person = session.scalars(select(Person).where(Person.id == person_id).with_for_update()).one_or_none()
            if person is None:
                raise NotFound(f"There is no child or young person {person_id}.")
            if expected_version is not None and person.version != expected_version:
                raise Conflict("Someone else changed this child's details while you were working on them. "
                               "Reload them and try again.")
            setting_before = profile.current_setting(person)
            changed = _changes(person, person_fields)
            if changed.keys() & SETTING_COLUMNS:  # recorded as the contract names it, not column by column
                changed = {k: v for k, v in changed.items() if k not in SETTING_COLUMNS}
                changed["current_setting"] = {"before": setting_before, "after": profile.current_setting(person)}
            _check_date_of_birth(session, person)
            _check_unique(session, person, changed)
            entries: list[tuple[str, Contact | None, dict[str, Any]]] = []
            if changed:
                entries.append(("person_changed", None, changed))
            for index, (contact_id, wanted) in enumerate(contact_changes):
                if contact_id is None:
                    contact = Contact(person=person, **{"parental_responsibility": False, **wanted})
                    session.add(contact)
                    entries.append(("contact_added", contact, {name: {"before": None, "after": value}
                                                                for name, value in wanted.items()
                                                                if value is not None}))
                else:
                    contact = next((c for c in person.contacts if c.id == contact_id), None)
                    if contact is None:
                        raise Invalid(f"This child has no contact {contact_id}. Leave out the id to add a new "
                                      "contact.", code="unknown_contact", field=f"contacts[{index}].id")
                    contact_changed = _changes(contact, wanted)
                    if contact_changed:
                        entries.append(("contact_changed", contact, contact_changed))
                _reachable(contact, index)
            if not entries:
                return person
            flag_modified(person, "given_name")  # any change to the record, contacts too, moves its version on
            session.flush()
            for event, contact, what in entries:
                audit.record(session, case=None, person=person, actor=actor, event=event, on=None,
                             fields={"reason": reason, "contact_id": contact.id if contact else None,
                                     "changes": what},
                             state_before=None, state_after=None)
            if "date_of_birth" in changed:  # what a case owes can turn on the child's age (G7.2)
                replay.rebuild_child_cases(session, person.id, db.policy)
        return person
    except StaleDataError as exc:
        raise Conflict("Someone else changed this child's details at the same moment. Reload them and try "
                       "again.") from exc
