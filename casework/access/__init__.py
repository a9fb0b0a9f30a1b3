"""Who may see what: the only room that writes visibility filters.

Lists start from ``cases_query(user)`` or ``advice_requests_query(user)`` and narrow them further; one record
is loaded with ``visible_case`` or ``visible_advice_request``. A record a user may not see answers 404, the
same as one that does not exist, so an adviser cannot learn that another organisation's advice request or a
case exists by guessing numbers. A whole area a role may never use answers 403.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.orm import Session, joinedload

from casework.core.errors import Forbidden, NotFound
from casework.models import AdviceRequest, Case, Document, Letter, Organisation, Person, User

CASE_ROLES = frozenset({"caseworker", "manager"})
CASE_WRITE_ROLES = frozenset({"caseworker", "manager"})
ADVICE_ROLES = frozenset({"caseworker", "manager", "adviser"})
REPORT_ROLES = frozenset({"manager"})
ADMIN_ROLES = frozenset({"admin"})
DOCUMENT_ROLES = ADVICE_ROLES
DIRECTORY_ROLES = frozenset({"caseworker", "manager", "adviser", "admin"})


def require(user: User, roles: frozenset[str], what: str) -> None:
    if user.role not in roles:
        raise Forbidden(f"Your role ({user.role}) may not {what}.")


def cases_query(user: User) -> Select[tuple[Case]]:
    require(user, CASE_ROLES, "see cases")
    return select(Case)


def _visible_one(session: Session, query: Select[Any], model: Any, record_id: int, what: str) -> Any:
    """One record through a user's visibility filter; hidden reads exactly like missing (404 either way)."""
    found = session.scalars(query.where(model.id == record_id)).first()
    if found is None:
        raise NotFound(f"There is no {what} {record_id}.")
    return found


def visible_case(session: Session, user: User, case_id: int, *, whole: bool = False) -> Case:
    """The case, if this user may see it; one that is hidden from them reads exactly like one that is missing.
    ``whole``: for the case page, which reads the case file whole, its child and officer come in the case's
    own statement rather than a statement each after it."""
    query = cases_query(user)
    if whole:
        query = query.options(joinedload(Case.person, innerjoin=True), joinedload(Case.assigned_caseworker))
    return _visible_one(session, query, Case, case_id, "case")


def advice_requests_query(user: User) -> Select[tuple[AdviceRequest]]:
    """Advisers see only the requests sent to their own organisation."""
    require(user, ADVICE_ROLES, "see advice requests")
    query = select(AdviceRequest)
    if user.role == "adviser":
        query = query.where(AdviceRequest.organisation_id == (user.organisation_id or -1))
    return query


def visible_advice_request(session: Session, user: User, advice_request_id: int) -> AdviceRequest:
    """The advice request, if this user may see it; another organisation's reads like one that is missing."""
    return _visible_one(session, advice_requests_query(user), AdviceRequest, advice_request_id, "advice request")


# What of a child's record an adviser sees: enough to know whose advice it is and where they are, no more
# (no address, no family, no ethnicity, no other requests).
ADVISER_PERSON_FIELDS = ("id", "given_name", "family_name", "date_of_birth", "nhs_number", "current_setting")


def people_query(user: User) -> Select[tuple[Person]]:
    """Staff see every child; an adviser only a child on whose case their organisation was asked for advice."""
    if user.role == "adviser":
        asked = (select(AdviceRequest.id).join(Case, Case.id == AdviceRequest.case_id)
                 .where(Case.person_id == Person.id, AdviceRequest.organisation_id == (user.organisation_id or -1))
                 .exists())
        return select(Person).where(asked)
    require(user, CASE_ROLES, "see children's records")
    return select(Person)


def person_facts(user: User, person: dict[str, Any]) -> dict[str, Any]:
    """The part of a person's record (as casework.people.profile shows it) that this user may see."""
    if user.role == "adviser":
        return {name: person[name] for name in ADVISER_PERSON_FIELDS}
    return person


# ------------------------------------------------------------------------------------------ letters and documents


def letters_query(user: User) -> Select[tuple[Letter]]:
    """The notices sent to families and bodies are the caseworkers' and managers' to see."""
    require(user, CASE_ROLES, "see letters")
    return select(Letter)


def visible_letter(session: Session, user: User, letter_id: int) -> Letter:
    return _visible_one(session, letters_query(user), Letter, letter_id, "letter")


def _own_advice_requests(user: User) -> Select[tuple[int]]:
    return select(AdviceRequest.id).where(AdviceRequest.organisation_id == (user.organisation_id or -1))


def documents_query(user: User) -> Select[tuple[Document]]:
    """Staff see every document; an adviser only those of their own organisation's advice requests."""
    require(user, DOCUMENT_ROLES, "see documents")
    query = select(Document)
    if user.role == "adviser":
        query = query.where(Document.advice_request_id.in_(_own_advice_requests(user)))
    return query


def visible_document(session: Session, user: User, document_id: int) -> Document:
    return _visible_one(session, documents_query(user), Document, document_id, "document")


def documents_case(session: Session, user: User, case_id: int) -> Case:
    """The case whose documents this user may list or add to: any case for staff; for an adviser, only a case
    on which their organisation was asked for advice (any other reads as missing)."""
    require(user, DOCUMENT_ROLES, "see documents")
    if user.role != "adviser":
        return visible_case(session, user, case_id)
    case = session.scalars(select(Case).where(
        Case.id == case_id, select(AdviceRequest.id).where(
            AdviceRequest.case_id == Case.id, AdviceRequest.organisation_id == (user.organisation_id or -1))
        .exists())).first()
    if case is None:
        raise NotFound(f"There is no case {case_id}.")
    return case


def organisations_query(user: User) -> Select[tuple[Organisation]]:
    """Staff and administrators see the whole directory; an adviser only their own organisation."""
    require(user, DIRECTORY_ROLES, "see the directory of organisations")
    query = select(Organisation).order_by(Organisation.name_key)
    if user.role == "adviser":
        query = query.where(Organisation.id == (user.organisation_id or -1))
    return query
