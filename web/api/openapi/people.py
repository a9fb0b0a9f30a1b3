"""People (the child or young person), their contacts, and what an adviser may see of them."""

from __future__ import annotations

from typing import Any

from casework.law import codes
from web.api.openapi.common import (
    DATE,
    NULLABLE_TEXT,
    PERSON_ID,
    TEXT,
    json_body,
    nullable_code,
    paging,
    param,
    ref,
    responses,
)
from workflows import ehcp


def people_schemas() -> dict[str, Any]:
    """A person (the child or young person), their contacts and cases, what an adviser sees, and changes."""
    setting = {
        "oneOf": [
            {"type": "object", "properties": {"urn": {"type": "string", "pattern": r"^\d{6}$"}},
             "required": ["urn"], "additionalProperties": False},
            {"type": "object", "properties": {"ukprn": {"type": "string", "pattern": r"^1\d{7}$"}},
             "required": ["ukprn"], "additionalProperties": False},
            {"type": "object", "properties": {"sen_setting": {"type": "string", "enum": list(codes.SEN_SETTINGS)}},
             "required": ["sen_setting"], "additionalProperties": False},
            {"type": "null"},
        ],
        "description": "where the child is educated now: a school's URN, a provider's UKPRN or an SEN2 setting code",
    }
    contact_fields = {
        "name": TEXT,
        "relationship": NULLABLE_TEXT,
        "parental_responsibility": {"type": "boolean"},
        "email": NULLABLE_TEXT,
        "phone": NULLABLE_TEXT,
        "address": NULLABLE_TEXT,
        "preferred_contact": nullable_code(codes.CONTACT_CHANNELS, "how they prefer to be reached"),
        "interpreter_language": NULLABLE_TEXT,
    }
    contact = {"type": "object", "properties": {"id": {"type": "integer"}, **contact_fields},
               "required": ["id", *contact_fields]}
    person_case = {
        "type": "object",
        "properties": {"id": {"type": "integer"}, "reference": TEXT,
                       "state": {"type": "string", "enum": list(ehcp.STATES)}, "received_on": DATE},
        "required": ["id", "reference", "state"],
    }
    identity = {"id": {"type": "integer"}, "given_name": TEXT, "family_name": TEXT, "date_of_birth": DATE}
    details = {
        "sex": nullable_code(codes.SEXES, "sex as the DfE returns record it"),
        "ethnicity": nullable_code(codes.ETHNICITIES, "DfE extended ethnicity code"),
        "upn": {"type": ["string", "null"], "pattern": r"^[A-Z]\d{11}[0-9A-Z]$", "description": "unique pupil number"},
        "uln": {"type": ["string", "null"], "pattern": r"^\d{10}$", "description": "unique learner number"},
        "nhs_number": {"type": ["string", "null"], "pattern": r"^\d{10}$"},
        "postcode": {"type": ["string", "null"], "description": "upper case, one space: NB1 2AB"},
        "address": NULLABLE_TEXT,
        "first_language": NULLABLE_TEXT,
        "current_setting": ref("CurrentSetting"),
    }
    person = {
        "type": "object",
        "properties": {**identity, **details, "contacts": {"type": "array", "items": ref("Contact")},
                       "cases": {"type": "array", "items": ref("PersonCase")},
                       "version": {"type": "integer", "description": "send it back on a change; a newer one is 409"}},
        "required": [*identity, *details, "contacts", "cases"],
    }
    adviser_view = {
        "type": "object",
        "description": "what an adviser sees of a child on whose case their organisation was asked for advice",
        "properties": {**identity, "nhs_number": details["nhs_number"], "current_setting": ref("CurrentSetting")},
        "required": [*identity, "nhs_number", "current_setting"],
        "additionalProperties": False,
    }
    found = {
        "type": "object",
        "properties": {**identity, "upn": details["upn"], "nhs_number": details["nhs_number"],
                       "postcode": details["postcode"], "cases": {"type": "array", "items": ref("PersonCase")}},
        "required": [*identity, "cases"],
    }
    text_or_null = {"type": ["string", "null"]}
    change = {
        "type": "object",
        "properties": {
            "reason": {"type": "string", "description": "why the details change; required"},
            "version": {"type": "integer"},
            "given_name": TEXT,
            "family_name": TEXT,
            "date_of_birth": DATE,
            **{name: text_or_null for name in ("sex", "ethnicity", "upn", "uln", "nhs_number", "postcode",
                                               "address", "first_language")},
            "current_setting": ref("CurrentSetting"),
            "contacts": {
                "type": "array",
                "description": "contacts to change (with their id) or add (without); a contact not listed is kept",
                "items": {
                    "type": "object",
                    "properties": {
                        "id": {"type": "integer"},
                        "name": TEXT,
                        "parental_responsibility": {"type": "boolean"},
                        **{name: text_or_null for name in ("relationship", "email", "phone", "address",
                                                           "preferred_contact", "interpreter_language")},
                    },
                    "additionalProperties": False,
                },
            },
        },
        "required": ["reason"],
        "additionalProperties": False,
    }
    history_entry = {
        "type": "object",
        "properties": {
            "id": {"type": "integer"},
            "at": {"type": "string"},
            "actor": TEXT,
            "event": {"type": "string", "enum": ["person_added", "person_changed", "contact_added", "contact_changed"]},
            "reason": NULLABLE_TEXT,
            "contact_id": {"type": ["integer", "null"]},
            "changes": {
                "type": "object",
                "additionalProperties": {"type": "object", "properties": {"before": {}, "after": {}},
                                         "required": ["before", "after"]},
            },
        },
        "required": ["id", "at", "actor", "event", "reason", "contact_id", "changes"],
    }
    return {
        "CurrentSetting": setting,
        "Contact": contact,
        "PersonCase": person_case,
        "Person": person,
        "PersonForAdviser": adviser_view,
        "PersonFound": found,
        "PersonChange": change,
        "PersonHistoryEntry": history_entry,
    }


def people_paths() -> dict[str, Any]:
    found = {
        "type": "object",
        "properties": {
            "items": {"type": "array", "items": ref("PersonFound")},
            "total": {"type": "integer"},
            "page": {"type": "integer"},
            "per_page": {"type": "integer"},
        },
        "required": ["items", "total"],
    }
    text = {"type": "string"}
    return {
        "/people": {
            "get": {
                "summary": "Find children and young people, each with their cases",
                "operationId": "listPeople",
                "parameters": [
                    param("q", "query", text, "part of the child's name, or of a parent's or carer's name"),
                    param("date_of_birth", "query", DATE, "the child's date of birth"),
                    param("upn", "query", text, "unique pupil number"),
                    param("nhs_number", "query", text, "NHS number, spaces allowed"),
                    param("postcode", "query", text, "a whole postcode, or its first part (NB1)"),
                    *paging("people"),
                ],
                "responses": responses("200", found, "A page of people, family name first", "400", "403"),
            }
        },
        "/people/{person_id}": {
            "get": {
                "summary": "A child or young person with their contacts and cases (an adviser: a few facts only)",
                "operationId": "getPerson",
                "parameters": [PERSON_ID],
                "responses": responses("200", {"oneOf": [ref("Person"), ref("PersonForAdviser")]}, "The person",
                                        "403", "404"),
            },
            "patch": {
                "summary": "Change a child's details and add or change their contacts, with the reason",
                "operationId": "changePerson",
                "parameters": [PERSON_ID],
                "requestBody": json_body(ref("PersonChange")),
                "responses": responses("200", ref("Person"), "The person after the change", "400", "403", "404",
                                        "409", "422"),
            },
        },
        "/people/{person_id}/history": {
            "get": {
                "summary": "Every change to the person and their contacts: who, when, why, before and after",
                "operationId": "personHistory",
                "parameters": [PERSON_ID],
                "responses": responses("200", {"type": "array", "items": ref("PersonHistoryEntry")},
                                        "The changes, oldest first", "403", "404"),
            }
        },
    }
