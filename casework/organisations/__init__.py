"""The directory of organisations that advice is asked of and advisers belong to.

Administrators keep it (``ehcp organisations add``, the admin pages, ``POST /organisations``); everything else
only chooses from it. A request for advice or an adviser naming an organisation that is not in the directory
is refused with the nearest name, never added on the fly: an organisation no adviser belongs to would hold
advice that nobody can ever return.

It sits beside the case operations rather than with the user accounts because recording an advice request
names an organisation, and an operation on a case may only lean on rooms at its own level or below.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from casework.core.db import Database
from casework.core.errors import Invalid, NotFound
from casework.law.codes import ORGANISATION_KIND_LABELS, ORGANISATION_KINDS
from casework.models import Organisation

NAME_LENGTH = 200
LARGEST_ID = 2**31 - 1
_URN = re.compile(r"^\d{6}$")
_UKPRN = re.compile(r"^1\d{7}$")


def name_key(name: str) -> str:
    """The name without regard to case and spacing: what makes two names the same organisation."""
    return re.sub(r"\s+", "", name).casefold()


def _tidy(name: str) -> str:
    return re.sub(r"\s+", " ", name).strip()


@dataclass(frozen=True)
class Details:
    """An organisation's details as an administrator gives them, checked."""

    name: str
    kind: str
    urn: str | None = None
    ukprn: str | None = None


def checked(name: str | None, kind: str | None, urn: str | None = None, ukprn: str | None = None) -> Details:
    """The details tidied, or the first thing wrong with them, said as an administrator would read it."""
    tidy = _tidy(name or "")
    if not tidy:
        raise Invalid("Enter the organisation's name.", code="required", field="name")
    if len(tidy) > NAME_LENGTH:
        raise Invalid(f"The name must be {NAME_LENGTH} characters or fewer.", code="too_long", field="name")
    if any(ord(c) < 32 or ord(c) == 127 for c in tidy):
        raise Invalid("The name cannot contain control characters.", code="control_characters", field="name")
    if kind not in ORGANISATION_KINDS:
        raise Invalid(f"The kind of organisation must be one of: {', '.join(ORGANISATION_KINDS)} "
                      f"({'; '.join(ORGANISATION_KIND_LABELS.values())}).", code="invalid_choice", field="kind")
    urn = re.sub(r"\s+", "", urn or "") or None
    ukprn = re.sub(r"\s+", "", ukprn or "") or None
    if urn is not None and not _URN.match(urn):
        raise Invalid("A URN is 6 numbers, like 123456.", code="bad_urn", field="urn")
    if ukprn is not None and not _UKPRN.match(ukprn):
        raise Invalid("A UKPRN is 8 numbers starting with 1, like 10012345.", code="bad_ukprn", field="ukprn")
    if kind == "school" and urn is None and ukprn is None:
        raise Invalid("Enter the school's URN or the college's UKPRN: the plan records the setting by it.",
                      code="required", field="urn")
    if kind != "school" and (urn is not None or ukprn is not None):
        raise Invalid("Only a school, college or early years setting has a URN or UKPRN.",
                      code="not_a_school", field="urn" if urn is not None else "ukprn")
    return Details(tidy, kind, urn, ukprn)


def as_dict(organisation: Organisation) -> dict[str, Any]:
    return {"id": organisation.id, "name": organisation.name, "kind": organisation.kind,
            "urn": organisation.urn, "ukprn": organisation.ukprn}


# --------------------------------------------------------------------------------------------------- reading


def directory(session: Session, kinds: tuple[str, ...] | None = None) -> list[Organisation]:
    """The organisations of the directory in name order, of those kinds when given."""
    query = select(Organisation).order_by(Organisation.name_key)
    if kinds:
        query = query.where(Organisation.kind.in_(kinds))
    return list(session.scalars(query))


def _named(session: Session, name: str) -> Organisation | None:
    return session.scalars(select(Organisation).where(Organisation.name_key == name_key(name))).first()


def nearest_name(session: Session, name: str) -> str | None:
    """The directory's name closest to what was typed, for "Did you mean ...?"."""
    names = list(session.scalars(select(Organisation.name)))
    by_key = {name_key(n): n for n in names}
    typed = name_key(name)
    close = difflib.get_close_matches(typed, list(by_key), n=1, cutoff=0.6)
    if close:
        return by_key[close[0]]
    containing = [n for k, n in by_key.items() if typed and (typed in k or k in typed)]
    return min(containing, key=len) if containing else None


def unknown(session: Session, given: str, field: str) -> Invalid:
    """The refusal for a name that is not in the directory, with the nearest one when there is one."""
    near = nearest_name(session, given)
    hint = f" Did you mean {near}?" if near else " Choose one from the directory, or ask an administrator to add it."
    return Invalid(f"{_tidy(given)} is not in the directory of organisations.{hint}", code="unknown_organisation",
                   field=field)


def find_organisation(session: Session, ref: int | str, *, field: str = "organisation") -> Organisation:
    """The directory's organisation by its id or its exact name (without regard to case and spacing)."""
    if isinstance(ref, bool) or not isinstance(ref, int | str):
        raise Invalid("Give the organisation by its id or its name.", code="bad_type", field=field)
    if isinstance(ref, int):
        found = session.get(Organisation, ref) if 1 <= ref <= LARGEST_ID else None
        if found is None:
            raise Invalid(f"There is no organisation {ref} in the directory.", code="unknown_organisation",
                          field=field)
        return found
    found = _named(session, ref) if ref.strip() else None
    if found is None:
        raise unknown(session, ref, field)
    return found


# --------------------------------------------------------------------------------------------------- keeping it


def _clash(session: Session, details: Details, other_than: int | None) -> None:
    for column, value, what in ((Organisation.urn, details.urn, "URN"), (Organisation.ukprn, details.ukprn, "UKPRN")):
        if value is None:
            continue
        holder = session.scalars(select(Organisation).where(column == value)).first()
        if holder is not None and holder.id != other_than:
            raise Invalid(f"{holder.name} already has the {what} {value}.", code=f"duplicate_{what.lower()}",
                          field=what.lower())


def add_organisation(db: Database, name: str | None, kind: str | None, *, urn: str | None = None,
                     ukprn: str | None = None) -> tuple[Organisation, bool]:
    """Add an organisation to the directory; one already there (by name) is answered as it is, unchanged.

    Adding is safe to repeat, so a new installation can load its directory from a script run more than once.
    """
    details = checked(name, kind, urn, ukprn)
    with db.transaction() as session:
        existing = _named(session, details.name)
        if existing is not None:
            return existing, False
        _clash(session, details, None)
        organisation = Organisation(name=details.name, name_key=name_key(details.name), kind=details.kind,
                                    urn=details.urn, ukprn=details.ukprn)
        session.add(organisation)
    return organisation, True


def change_organisation(db: Database, organisation_id: int, name: str | None, kind: str | None, *,
                        urn: str | None = None, ukprn: str | None = None) -> Organisation:
    """Correct an organisation's details (a trust renamed after a merger, a school's URN). Advice requests and
    advisers stay with it: they point at the organisation, not at its name."""
    details = checked(name, kind, urn, ukprn)
    with db.transaction() as session:
        organisation = session.get(Organisation, organisation_id) if 1 <= organisation_id <= LARGEST_ID else None
        if organisation is None:
            raise NotFound(f"There is no organisation {organisation_id}.")
        same_name = _named(session, details.name)
        if same_name is not None and same_name.id != organisation.id:
            raise Invalid(f"{same_name.name} is already in the directory.", code="duplicate", field="name")
        _clash(session, details, organisation.id)
        organisation.name, organisation.name_key = details.name, name_key(details.name)
        organisation.kind, organisation.urn, organisation.ukprn = details.kind, details.urn, details.ukprn
    return organisation
