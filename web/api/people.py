"""API routes for the children and young people behind cases: find, read, change, and the trail of changes.

What a user may see of a person is decided in casework.access; these views read the request, call the
people room and answer JSON.
"""

from __future__ import annotations

from typing import Any

from flask import g, jsonify, request

from casework import access as authz
from casework import operations
from casework.core.errors import MalformedInput, NotFound
from casework.models import Person
from casework.people import profile, search
from web import database
from web.api import parsing
from web.api.views import api

LARGEST_ID = 2**31 - 1
PERSON_TEXT_FIELDS = ("given_name", "family_name", "sex", "ethnicity", "upn", "uln", "nhs_number", "postcode",
                      "address", "first_language")
SETTING_KEYS = ("urn", "ukprn", "sen_setting")
CONTACT_TEXT_FIELDS = ("name", "relationship", "email", "phone", "address", "preferred_contact",
                       "interpreter_language")
SEARCH_PARAMETERS = ("q", "date_of_birth", "upn", "nhs_number", "postcode")


def _visible(session, person_id: int) -> Person:
    """The person, if this user may see them; otherwise the same 404 as for no such person."""
    person = None
    if 1 <= person_id <= LARGEST_ID:
        person = session.scalars(authz.people_query(g.user).where(Person.id == person_id)).first()
    if person is None:
        raise NotFound(f"There is no child or young person {person_id}.")
    return person


def _person_response(person_id: int, status: int = 200):
    with database().reading() as session:
        person = _visible(session, person_id)
        return jsonify(authz.person_facts(g.user, profile.person_dict(session, person))), status


@api.get("/people")
def list_people():
    authz.require(g.user, authz.CASE_ROLES, "search for children and young people")
    filters = search.Filters(
        q=request.args.get("q"),
        date_of_birth=parsing.date_field(dict(request.args), "date_of_birth", required=False),
        upn=request.args.get("upn"),
        nhs_number=request.args.get("nhs_number"),
        postcode=request.args.get("postcode"),
    )
    page, per_page = parsing.page_params()
    with database().reading() as session:
        items, total = search.find(session, authz.people_query(g.user), filters, page, per_page)
    return jsonify({"items": items, "total": total, "page": page, "per_page": per_page})


@api.get("/people/<int:person_id>")
def get_person(person_id: int):
    return _person_response(person_id)


@api.get("/people/<int:person_id>/history")
def person_history(person_id: int):
    authz.require(g.user, authz.CASE_ROLES, "see the history of a child's record")
    with database().reading() as session:
        _visible(session, person_id)
        return jsonify(profile.history(session, person_id))


def _nullable_text(body: dict[str, Any], name: str, field: str) -> str | None:
    value = body[name]
    if value is not None and not isinstance(value, str):
        raise MalformedInput(f"{field} must be text, or null to clear it.", code="bad_type", field=field)
    return value


def _refuse_unknown(body: dict[str, Any], known: tuple[str, ...], prefix: str = "") -> None:
    for name in body:
        if name not in known:
            raise MalformedInput(f"{prefix}{name} is not something that can be changed here.", code="unknown_field",
                                 field=f"{prefix}{name}")


def _setting(value: Any) -> dict[str, Any] | None:
    if value is None:
        return None
    if not isinstance(value, dict):
        raise MalformedInput('current_setting must be an object such as {"urn": "123456"}, or null.',
                             code="bad_type", field="current_setting")
    _refuse_unknown(value, SETTING_KEYS, "current_setting.")
    return {key: _nullable_text(value, key, f"current_setting.{key}") for key in value}


def _contact(index: int, value: Any) -> dict[str, Any]:
    prefix = f"contacts[{index}]"
    if not isinstance(value, dict):
        raise MalformedInput(f"{prefix} must be an object.", code="bad_type", field=prefix)
    _refuse_unknown(value, ("id", "parental_responsibility", *CONTACT_TEXT_FIELDS), f"{prefix}.")
    contact: dict[str, Any] = {}
    for name in value:
        field = f"{prefix}.{name}"
        if name == "id":
            contact_id = value[name]
            if isinstance(contact_id, bool) or not isinstance(contact_id, int):
                raise MalformedInput(f"{field} must be a whole number: the id of a contact already recorded.",
                                     code="bad_type", field=field)
            contact["id"] = contact_id
        elif name == "parental_responsibility":
            if not isinstance(value[name], bool):
                raise MalformedInput(f"{field} must be true or false.", code="bad_type", field=field)
            contact[name] = value[name]
        else:
            contact[name] = _nullable_text(value, name, field)
    return contact


@api.patch("/people/<int:person_id>")
def change_person(person_id: int):
    authz.require(g.user, authz.CASE_WRITE_ROLES, "change children's records")
    body = parsing.json_body()
    with database().reading() as session:  # 404 before anything else for a person the user may not see
        _visible(session, person_id)
    _refuse_unknown(body, ("reason", "version", "contacts", "date_of_birth", "current_setting", *PERSON_TEXT_FIELDS))
    reason = parsing.text_field(body, "reason")
    fields: dict[str, Any] = {name: _nullable_text(body, name, name) for name in PERSON_TEXT_FIELDS if name in body}
    if "date_of_birth" in body:
        fields["date_of_birth"] = parsing.date_field(body, "date_of_birth", required=False)
    if "current_setting" in body:
        fields["current_setting"] = _setting(body["current_setting"])
    contacts = body.get("contacts", [])
    if not isinstance(contacts, list):
        raise MalformedInput("contacts must be a list of contacts to change (with their id) or add (without).",
                             code="bad_type", field="contacts")
    operations.update_person(database(), person_id, actor=g.user, reason=reason, fields=fields,
                             contacts=[_contact(i, c) for i, c in enumerate(contacts)],
                             expected_version=parsing.int_field(body, "version", required=False))
    return _person_response(person_id)
