"""The OpenAPI 3.1 description of the API, built from the same tables the code runs on.

Event bodies come from the pydantic models of web.api.bodies (built from the event declarations), so the
document cannot drift from what the API accepts; a test checks every route is described and that real
responses validate against these schemas.
"""

from __future__ import annotations

import json
from typing import Any

from casework.law import codes, rules
from casework.law.events import EVENTS
from casework.law.letters import LETTER_KINDS
from casework.models import ADVICE_TYPES, PRIMARY_NEEDS, REQUESTERS, STATUSES
from web import limits
from web.api import bodies, parsing
from web.api import disputes as web_disputes
from web.api import transfers as web_transfers
from workflows import ehcp

DATE = {"type": "string", "format": "date", "pattern": r"^\d{4}-\d{2}-\d{2}$"}
NULLABLE_DATE = {"oneOf": [DATE, {"type": "null"}]}
TEXT = {"type": "string"}
NULLABLE_TEXT = {"type": ["string", "null"]}

def _ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def _schemas() -> dict[str, Any]:
    child = {
        "type": "object",
        "properties": {
            "given_name": TEXT,
            "family_name": TEXT,
            "date_of_birth": DATE,
            "primary_need": {"oneOf": [{"type": "string", "enum": list(PRIMARY_NEEDS)}, {"type": "null"}]},
        },
        "required": ["given_name", "family_name", "date_of_birth"],
    }
    summary_props = {
        "id": {"type": "integer"},
        "reference": TEXT,
        "state": {"type": "string", "enum": list(ehcp.STATES)},
        "person_id": {"type": "integer", "description": "the child or young person, at /people/{person_id}"},
        "child": _ref("Child"),
        "received_on": DATE,
        "requested_by": {"type": "string", "enum": list(REQUESTERS)},
        "assigned_to": {"type": ["string", "null"], "description": "the allocated caseworker's username"},
        "version": {"type": "integer"},
    }
    deadline = {
        "type": "object",
        "properties": {
            "id": {"type": "integer"},
            "kind": {"type": "string", "enum": list(rules.DEADLINE_KINDS)},
            "rule": TEXT,
            "citation": TEXT,
            "starts_on": DATE,
            "due_on": DATE,
            "met_on": NULLABLE_DATE,
            "cancelled_on": NULLABLE_DATE,
            "status": {"type": "string", "enum": list(STATUSES)},
            "excused": {"type": "boolean"},
            "advice_request_id": {"type": ["integer", "null"]},
            "dispute_id": {"type": ["integer", "null"], "description": "the dispute a mediation, appeal or "
                           "tribunal-order deadline is about"},
            "transfer_id": {"type": ["integer", "null"], "description": "the move between authorities it is about"},
            "step": {"type": ["string", "null"], "description": "the step of a tribunal order it times"},
        },
        "required": [
            "kind",
            "rule",
            "citation",
            "starts_on",
            "due_on",
            "met_on",
            "status",
            "excused",
            "advice_request_id",
        ],
    }
    advice = {
        "type": "object",
        "properties": {
            "id": {"type": "integer"},
            "case_id": {"type": "integer"},
            "case_reference": TEXT,
            "advice_type": {"type": "string", "enum": list(ADVICE_TYPES)},
            "organisation": TEXT,
            "requested_on": DATE,
            "received_on": DATE,
            "returned_on": NULLABLE_DATE,
            "due_on": NULLABLE_DATE,
            "status": {"oneOf": [{"type": "string", "enum": list(STATUSES)}, {"type": "null"}]},
        },
        "required": ["id", "case_id", "advice_type", "organisation", "received_on", "returned_on", "due_on"],
    }
    exception = {
        "type": "object",
        "properties": {
            "id": {"type": "integer"},
            "reason": {"type": "string", "enum": list(rules.EXCEPTION_REASONS)},
            "starts_on": DATE,
            "ends_on": DATE,
            "applies_to": {"oneOf": [TEXT, {"type": "array", "items": TEXT}],
                           "description": "the time limit covered (a deadline kind or an advice request's id), "
                                          "or the list of them when the exception covers several"},
            "limits": {"type": "array", "items": TEXT, "description": "every time limit covered, always a list"},
            "family_told_on": NULLABLE_DATE,
            "evidence": NULLABLE_TEXT,
            "recorded_on": DATE,
        },
        "required": ["id", "reason", "starts_on", "ends_on", "applies_to", "limits"],
    }
    case = {
        "type": "object",
        "properties": {
            **summary_props,
            "as_of": DATE,
            "allowed_events": {"type": "array", "items": {"type": "string", "enum": list(ehcp.EVENTS)}},
            "deadlines": {"type": "array", "items": _ref("Deadline")},
            "advice_requests": {"type": "array", "items": _ref("AdviceRequest")},
            "exceptions": {"type": "array", "items": _ref("Exception")},
            "draft_issued_on": NULLABLE_DATE,
            "plan_issued_on": NULLABLE_DATE,
            "named_setting": NULLABLE_TEXT,
            "closed_on": NULLABLE_DATE,
        },
        "required": [
            "id",
            "reference",
            "state",
            "person_id",
            "child",
            "received_on",
            "requested_by",
            "allowed_events",
            "deadlines",
            "advice_requests",
            "exceptions",
        ],
    }
    audit = {
        "type": "object",
        "properties": {
            "id": {"type": "integer"},
            "at": {"type": "string"},
            "actor": TEXT,
            "event": TEXT,
            "on": NULLABLE_DATE,
            "fields": {"type": "object"},
            "state_before": NULLABLE_TEXT,
            "state_after": NULLABLE_TEXT,
            "corrected": {"type": "boolean", "description": "a later correction entry put this entry right"},
            "corrected_by": {"type": "array", "items": {"type": "integer"}},
            "now_reads": {"type": "object", "description": "the entry's date and fields as corrected"},
        },
        "required": ["id", "at", "actor", "event", "state_before", "state_after"],
    }
    alert = {
        "type": "object",
        "properties": {
            "id": {"type": "integer"},
            "kind": {"type": "string", "enum": ["overdue", "due_soon"]},
            "deadline_kind": {"type": "string", "enum": list(rules.DEADLINE_KINDS)},
            "case_id": {"type": "integer"},
            "case_reference": TEXT,
            "due_on": DATE,
            "rule": TEXT,
            "citation": TEXT,
            "created_at": {"type": "string"},
            "advice_request_id": {"type": ["integer", "null"]},
            "acknowledged_at": {"type": ["string", "null"]},
        },
        "required": ["id", "kind", "deadline_kind", "case_id", "case_reference", "due_on", "rule", "created_at"],
    }
    rate = {
        "type": "object",
        "properties": {
            "plans_issued": {"type": "integer"},
            "within_20_weeks": {"type": "integer"},
            "pct_within_20_weeks": {"type": ["number", "null"]},
        },
        "required": ["plans_issued", "within_20_weeks", "pct_within_20_weeks"],
    }
    timeliness = {
        "type": "object",
        "properties": {
            "year": {"type": "integer"},
            **rate["properties"],
            "excluding_exceptions": rate,
            "advice": {
                "type": "object",
                "additionalProperties": {
                    "type": "object",
                    "properties": {
                        "returned": {"type": "integer"},
                        "within_6_weeks": {"type": "integer"},
                        "pct_within_6_weeks": {"type": ["number", "null"]},
                    },
                    "required": ["returned", "within_6_weeks", "pct_within_6_weeks"],
                },
            },
            "breaches": {
                "type": "object",
                "description": "Each statutory limit due in the year, by rule id: how many fell due, how many "
                               "were breached (met late, still open after the due date, or cancelled after it) "
                               "and how many of those are excused by an exception recorded.",
                "additionalProperties": {
                    "type": "object",
                    "properties": {"due": {"type": "integer"}, "raw": {"type": "integer"},
                                   "excused": {"type": "integer"}},
                    "required": ["due", "raw", "excused"],
                },
            },
        },
        "required": [
            "year",
            "plans_issued",
            "within_20_weeks",
            "pct_within_20_weeks",
            "excluding_exceptions",
            "advice",
        ],
    }
    error = {
        "type": "object",
        "properties": {
            "error": {
                "type": "object",
                "properties": {"code": TEXT, "message": TEXT, "field": TEXT},
                "required": ["code", "message"],
            }
        },
        "required": ["error"],
    }
    new_case = {
        "type": "object",
        "title": "a request for a new child",
        "properties": {
            "child": _ref("Child"),
            "received_on": DATE,
            "requested_by": {"type": "string", "enum": list(REQUESTERS)},
        },
        "required": ["child", "received_on", "requested_by"],
    }
    new_case_for_known_child = {
        "type": "object",
        "title": "a request for a child already known",
        "properties": {
            "person_id": {"type": "integer"},
            "primary_need": {"oneOf": [{"type": "string", "enum": list(PRIMARY_NEEDS)}, {"type": "null"}]},
            "received_on": DATE,
            "requested_by": {"type": "string", "enum": list(REQUESTERS)},
        },
        "required": ["person_id", "received_on", "requested_by"],
    }
    events = {f"Event_{e}": bodies.event_schema(e) for e in EVENTS}
    events.update(_beside_the_case_events())
    return {
        "Child": child,
        "CaseSummary": {
            "type": "object",
            "properties": summary_props,
            "required": ["id", "reference", "state", "person_id", "child", "received_on"],
        },
        "Case": case,
        "Deadline": deadline,
        "AdviceRequest": advice,
        "Exception": exception,
        "AuditEntry": audit,
        "Alert": alert,
        "Timeliness": timeliness,
        "Error": error,
        "NewCase": {"oneOf": [_ref("NewCaseForNewChild"), _ref("NewCaseForKnownChild"),
                              _ref("NewCaseTransferredIn")]},
        "NewCaseTransferredIn": _schema(web_transfers.NewTransferredCase, "NewCaseTransferredIn"),
        "Dispute": _record("a decision disputed: mediation, appeal and any tribunal order, with its deadlines"),
        "Transfer": _record("a move to or from another English authority, with its deadlines"),
        "NewCaseForNewChild": new_case,
        "NewCaseForKnownChild": new_case_for_known_child,
        **_people_schemas(),
        **_organisation_schemas(),
        "Correction": {
            "type": "object",
            "properties": {
                "entry_id": {"type": "integer"},
                "on": DATE,
                "reason": TEXT,
                "version": {"type": "integer"},
            },
            "additionalProperties": True,
            "description": "the entry's right date and/or the fields of its event that were wrong, with why",
            "required": ["entry_id", "reason"],
        },
        "Event": {
            "oneOf": [_ref(name) for name in events],
            "discriminator": {
                "propertyName": "event",
                "mapping": {name.removeprefix("Event_"): f"#/components/schemas/{name}" for name in events},
            },
        },
        **events,
    }


ERRORS = {
    "400": "Malformed request: not JSON, a missing field, a date not written YYYY-MM-DD",
    "401": "No API token, or a token that is not valid (revoked, or its user disabled)",
    "403": "Your role may not do this",
    "404": "No such record, or not visible to you",
    "409": "The case's state does not allow this event, someone else changed the record first, the child already "
           "has an open request, or a request with the same Idempotency-Key is still being handled",
    "413": "The request body is larger than 1 MB (a document upload: its file is larger than [documents] max_mb)",
    "422": "Well-formed but not acceptable: a date out of order or in the future, a window not yet closed, text "
           "too long, control characters in text, a number out of range, an organisation not in the directory "
           "(unknown_organisation, with the nearest name), an Idempotency-Key first sent with "
           "another request",
    "503": "The database cannot be reached just now (unavailable); nothing was changed. Retry after the seconds "
           "the Retry-After header gives",
}


def _error(code: str) -> dict[str, Any]:
    return {"description": ERRORS[code], "content": {"application/json": {"schema": _ref("Error")}}}


def _responses(ok_status: str, ok_schema: dict[str, Any] | None, description: str, *errors: str) -> dict[str, Any]:
    responses: dict[str, Any] = {ok_status: {"description": description}}
    if ok_schema is not None:
        responses[ok_status]["content"] = {"application/json": {"schema": ok_schema}}
    for code in ("401", *errors, "503"):
        responses[code] = _error(code)
    responses["503"]["headers"] = {"Retry-After": {"description": "seconds to wait before trying again",
                                                   "schema": {"type": "integer"}}}
    return responses


IDEMPOTENCY_KEY = {
    "name": "Idempotency-Key",
    "in": "header",
    "required": False,
    "schema": {"type": "string", "minLength": 1, "maxLength": 200, "pattern": "^[ -~]+$"},
    "description": "the same key from the same user within 24 hours answers with the first answer and changes "
                   "nothing again; the same key with another request is refused (422)",
}


def _schema(model: Any, title: str) -> dict[str, Any]:
    """A pydantic body as JSON Schema, its nested models inlined (the document keeps one flat component list)."""
    schema = model.model_json_schema(ref_template="#/components/schemas/{model}")
    defs = schema.pop("$defs", {})
    text = json.dumps(schema)
    for name, definition in defs.items():
        text = text.replace(json.dumps({"$ref": f"#/components/schemas/{name}"}), json.dumps(definition))
    inlined = json.loads(text)
    inlined["title"] = title
    return inlined


def _beside_the_case_events() -> dict[str, Any]:
    """The disagreement-resolution and transfer steps, posted as events on the case but run beside it."""
    found = {f"Event_{name}": _schema(model, name) for name, model in web_disputes.BODIES.items()}
    found.update({f"Event_{name}": _schema(model, name) for name, model in web_transfers.BODIES.items()})
    return found


def _record(description: str) -> dict[str, Any]:
    return {"type": "object", "description": description, "additionalProperties": True,
            "properties": {"id": {"type": "integer"}, "deadlines": {"type": "array", "items": {"type": "object"}}}}


def _beside_the_case_paths() -> dict[str, Any]:
    def listing(name: str) -> dict[str, Any]:
        return {"type": "object", "required": ["items", "total"],
                "properties": {"items": {"type": "array", "items": _ref(name)}, "total": {"type": "integer"}}}

    return {
        "/cases/{case_id}/disputes": {"get": {
            "summary": "The decisions disputed on a case: mediation, appeal, tribunal order, with their deadlines",
            "operationId": "caseDisputes",
            "parameters": [CASE_ID],
            "responses": _responses("200", listing("Dispute"), "The disputes, oldest first", "403", "404"),
        }},
        "/cases/{case_id}/transfers": {"get": {
            "summary": "The moves between authorities recorded on a case, with their deadlines",
            "operationId": "caseTransfers",
            "parameters": [CASE_ID],
            "responses": _responses("200", listing("Transfer"), "The transfers, oldest first", "403", "404"),
        }},
    }


def _every_post_takes_an_idempotency_key(paths: dict[str, Any]) -> None:
    """And may answer the refusals every POST can meet: a bad key or body (400), a key in use (409), a body
    over 1 MB (413), a key reused or text out of bounds (422)."""
    for item in paths.values():
        operation = item.get("post")
        if operation is None:
            continue
        operation["parameters"] = [*operation.get("parameters", []), IDEMPOTENCY_KEY]
        for code in ("400", "409", "413", "422"):
            operation["responses"].setdefault(code, _error(code))


def _param(name: str, where: str, schema: dict[str, Any], description: str, required: bool = False) -> dict:
    return {
        "name": name,
        "in": where,
        "required": required or where == "path",
        "schema": schema,
        "description": description,
    }


CASE_ID = _param("case_id", "path", {"type": "integer"}, "the case's id")


def _flag(name: str, description: str) -> dict:
    """A true/false filter, as ``parsing.flag_param`` reads it."""
    return _param(name, "query", {"type": "string", "enum": ["true", "false"]}, description)


def _paging(items: str) -> list[dict]:
    """page and per_page, as ``parsing.page_params`` reads them."""
    return [
        _param("page", "query", {"type": "integer", "minimum": 1, "maximum": limits.MAX_PAGE},
               f"page number, from 1 (beyond {limits.MAX_PAGE:,} is out of range)"),
        _param("per_page", "query", {"type": "integer", "minimum": 1, "maximum": parsing.MAX_PER_PAGE},
               f"{items} per page (at most {parsing.MAX_PER_PAGE})"),
    ]


def _body(schema: dict[str, Any]) -> dict[str, Any]:
    return {"required": True, "content": {"application/json": {"schema": schema}}}


def _nullable_code(code_list: dict[str, str], description: str) -> dict[str, Any]:
    return {"oneOf": [{"type": "string", "enum": list(code_list)}, {"type": "null"}], "description": description}


def _people_schemas() -> dict[str, Any]:
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
        "preferred_contact": _nullable_code(codes.CONTACT_CHANNELS, "how they prefer to be reached"),
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
        "sex": _nullable_code(codes.SEXES, "sex as the DfE returns record it"),
        "ethnicity": _nullable_code(codes.ETHNICITIES, "DfE extended ethnicity code"),
        "upn": {"type": ["string", "null"], "pattern": r"^[A-Z]\d{11}[0-9A-Z]$", "description": "unique pupil number"},
        "uln": {"type": ["string", "null"], "pattern": r"^\d{10}$", "description": "unique learner number"},
        "nhs_number": {"type": ["string", "null"], "pattern": r"^\d{10}$"},
        "postcode": {"type": ["string", "null"], "description": "upper case, one space: NB1 2AB"},
        "address": NULLABLE_TEXT,
        "first_language": NULLABLE_TEXT,
        "current_setting": _ref("CurrentSetting"),
    }
    person = {
        "type": "object",
        "properties": {**identity, **details, "contacts": {"type": "array", "items": _ref("Contact")},
                       "cases": {"type": "array", "items": _ref("PersonCase")},
                       "version": {"type": "integer", "description": "send it back on a change; a newer one is 409"}},
        "required": [*identity, *details, "contacts", "cases"],
    }
    adviser_view = {
        "type": "object",
        "description": "what an adviser sees of a child on whose case their organisation was asked for advice",
        "properties": {**identity, "nhs_number": details["nhs_number"], "current_setting": _ref("CurrentSetting")},
        "required": [*identity, "nhs_number", "current_setting"],
        "additionalProperties": False,
    }
    found = {
        "type": "object",
        "properties": {**identity, "upn": details["upn"], "nhs_number": details["nhs_number"],
                       "postcode": details["postcode"], "cases": {"type": "array", "items": _ref("PersonCase")}},
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
            "current_setting": _ref("CurrentSetting"),
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


PERSON_ID = _param("person_id", "path", {"type": "integer"}, "the person's id")


def _communications() -> tuple[dict[str, Any], dict[str, Any]]:
    """The schemas and paths of the case's communication log (the ``record_contact`` entries)."""
    spec = EVENTS["record_contact"]
    own = {declared.name: bodies.event_schema("record_contact")["properties"][declared.name]
           for declared in spec.fields}
    new = {
        "type": "object",
        "properties": {"on": DATE, **own, "version": {"type": "integer", "description": "the case version you saw"}},
        "required": ["on", *(d.name for d in spec.fields if d.required)],
        "additionalProperties": False,
    }
    logged = {
        "type": "object",
        "properties": {
            "id": {"type": "integer", "description": "the history entry; correct it with POST /cases/{id}/corrections"},
            "on": DATE,
            "direction": {"type": "string", "enum": list(codes.CONTACT_DIRECTIONS)},
            "channel": {"type": "string", "enum": list(codes.COMMUNICATION_CHANNELS)},
            "party": TEXT,
            "summary": TEXT,
            "recorded_at": {"type": "string"},
            "recorded_by": TEXT,
            "corrected": {"type": "boolean"},
        },
        "required": ["id", "on", "direction", "channel", "party", "summary", "recorded_at", "recorded_by",
                     "corrected"],
    }
    paths = {
        "/cases/{case_id}/communications": {
            "get": {
                "summary": "The case's communication log, newest first, each contact as now corrected",
                "operationId": "listCommunications",
                "parameters": [CASE_ID],
                "responses": _responses("200", {"type": "array", "items": _ref("Communication")},
                                        "Contacts logged", "403", "404"),
            },
            "post": {
                "summary": "Log a call, email, letter or meeting on the case",
                "operationId": "logCommunication",
                "parameters": [CASE_ID],
                "requestBody": _body(_ref("NewCommunication")),
                "responses": _responses("201", _ref("Communication"), "The contact logged", "400", "403", "404",
                                        "409", "422"),
            },
        },
    }
    return {"Communication": logged, "NewCommunication": new}, paths


def _letters_and_documents() -> tuple[dict[str, Any], dict[str, Any]]:
    """The schemas and paths of the letters issued on a case and the documents added to it."""
    letter = {
        "type": "object",
        "properties": {
            "id": {"type": "integer"},
            "case_id": {"type": "integer"},
            "kind": {"type": "string", "enum": list(LETTER_KINDS)},
            "title": TEXT,
            "variant": NULLABLE_TEXT,
            "status": {"type": "string", "enum": ["queued", "issued"],
                       "description": "queued with the decision; issued once produced (usually within minutes)"},
            "decided_on": DATE,
            "entry_id": {"type": ["integer", "null"], "description": "the history entry of the decision"},
            "advice_request_id": {"type": ["integer", "null"]},
            "issued_on": {**NULLABLE_DATE, "description": "the letter's date: the appeal clocks run from it"},
            "addressed_to": NULLABLE_TEXT,
            "template_version": {"type": ["integer", "null"]},
            "pdf": {**NULLABLE_TEXT, "description": "where the PDF is, once issued"},
        },
        "required": ["id", "case_id", "kind", "status", "decided_on", "issued_on"],
    }
    document = {
        "type": "object",
        "properties": {
            "id": {"type": "integer"},
            "case_id": {"type": "integer"},
            "advice_request_id": {"type": ["integer", "null"]},
            "kind": {"type": "string", "enum": list(codes.DOCUMENT_KINDS)},
            "filename": {**TEXT, "description": "the name it was uploaded with, made safe"},
            "content_type": {**TEXT, "description": "the type found from the file's content"},
            "size": {"type": "integer"},
            "sha256": TEXT,
            "added_by": TEXT,
            "added_at": {"type": "string", "format": "date-time"},
        },
        "required": ["id", "case_id", "kind", "filename", "content_type", "size", "added_by", "added_at"],
    }

    def listing(name: str) -> dict[str, Any]:
        return {"type": "object", "properties": {"items": {"type": "array", "items": _ref(name)},
                                                 "total": {"type": "integer"}}, "required": ["items", "total"]}

    upload = {
        "required": True,
        "content": {"multipart/form-data": {"schema": {
            "type": "object",
            "properties": {
                "file": {"type": "string", "format": "binary",
                         "description": "a PDF, a Word document or an image, checked by its content; at most "
                                        "[documents] max_mb (10 MB by default)"},
                "kind": {"type": "string", "enum": list(codes.DOCUMENT_KINDS)},
                "advice_request_id": {"type": "integer", "description": "the advice request it answers (an "
                                                                        "adviser must give their own)"},
            },
            "required": ["file", "kind"],
        }}},
    }
    file_id = _param("document_id", "path", {"type": "integer"}, "the document's id")
    paths = {
        "/cases/{case_id}/letters": {"get": {
            "summary": "The statutory notices issued (or queued) on a case",
            "operationId": "caseLetters",
            "parameters": [CASE_ID],
            "responses": _responses("200", listing("Letter"), "The letters, oldest first", "403", "404"),
        }},
        "/letters/{letter_id}": {"get": {
            "summary": "A letter as the PDF that was sent",
            "operationId": "getLetter",
            "parameters": [_param("letter_id", "path", {"type": "integer"}, "the letter's id")],
            "responses": {**_responses("200", None, "The PDF", "403", "404", "409"),
                          "200": {"description": "The PDF",
                                  "content": {"application/pdf": {"schema": {"type": "string",
                                                                             "format": "binary"}}}}},
        }},
        "/cases/{case_id}/documents": {
            "get": {
                "summary": "The documents on a case (an adviser: those of their organisation's advice requests)",
                "operationId": "caseDocuments",
                "parameters": [CASE_ID],
                "responses": _responses("200", listing("Document"), "The documents, oldest first", "403", "404"),
            },
            "post": {
                "summary": "Add a document to a case",
                "operationId": "addDocument",
                "parameters": [CASE_ID],
                "requestBody": upload,
                "responses": _responses("201", _ref("Document"), "The document added", "400", "403", "404", "413",
                                        "422"),
            },
        },
        "/documents/{document_id}": {"get": {
            "summary": "The document's file, byte for byte",
            "operationId": "getDocument",
            "parameters": [file_id],
            "responses": {**_responses("200", None, "The file", "403", "404"),
                          "200": {"description": "The file, with the type found from its content",
                                  "content": {"application/octet-stream": {"schema": {"type": "string",
                                                                                      "format": "binary"}}}}},
        }},
    }
    return {"Letter": letter, "Document": document}, paths


def _people_paths() -> dict[str, Any]:
    found = {
        "type": "object",
        "properties": {
            "items": {"type": "array", "items": _ref("PersonFound")},
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
                    _param("q", "query", text, "part of the child's name, or of a parent's or carer's name"),
                    _param("date_of_birth", "query", DATE, "the child's date of birth"),
                    _param("upn", "query", text, "unique pupil number"),
                    _param("nhs_number", "query", text, "NHS number, spaces allowed"),
                    _param("postcode", "query", text, "a whole postcode, or its first part (NB1)"),
                    *_paging("people"),
                ],
                "responses": _responses("200", found, "A page of people, family name first", "400", "403"),
            }
        },
        "/people/{person_id}": {
            "get": {
                "summary": "A child or young person with their contacts and cases (an adviser: a few facts only)",
                "operationId": "getPerson",
                "parameters": [PERSON_ID],
                "responses": _responses("200", {"oneOf": [_ref("Person"), _ref("PersonForAdviser")]}, "The person",
                                        "403", "404"),
            },
            "patch": {
                "summary": "Change a child's details and add or change their contacts, with the reason",
                "operationId": "changePerson",
                "parameters": [PERSON_ID],
                "requestBody": _body(_ref("PersonChange")),
                "responses": _responses("200", _ref("Person"), "The person after the change", "400", "403", "404",
                                        "409", "422"),
            },
        },
        "/people/{person_id}/history": {
            "get": {
                "summary": "Every change to the person and their contacts: who, when, why, before and after",
                "operationId": "personHistory",
                "parameters": [PERSON_ID],
                "responses": _responses("200", {"type": "array", "items": _ref("PersonHistoryEntry")},
                                        "The changes, oldest first", "403", "404"),
            }
        },
    }


def _sen2() -> tuple[dict[str, Any], dict[str, Any]]:
    """The SEN2 details on a case, and the return's findings."""
    flag = {"type": ["boolean", "null"]}
    placement = {
        "type": "object",
        "properties": {
            "kind": {"type": "string", "enum": list(codes.PLACEMENT_KINDS)},
            "urn": {"type": ["string", "null"], "description": "a school's URN: 6 numbers"},
            "ukprn": {"type": ["string", "null"], "description": "a college's UKPRN: 8 numbers starting with 1"},
            "sen_setting": {"oneOf": [{"type": "string", "enum": list(codes.SEN_SETTINGS)}, {"type": "null"}]},
            "rank": {"type": "integer", "enum": list(codes.PLACEMENT_RANKS)},
        },
        "required": ["kind", "rank"],
        "additionalProperties": False,
        "description": "exactly one of urn, ukprn and sen_setting",
    }
    need = {"type": "object", "properties": {"code": {"type": "string", "enum": list(codes.PRIMARY_NEEDS)},
                                             "rank": {"type": "integer", "minimum": 1}},
            "required": ["code", "rank"], "additionalProperties": False}
    properties = {
        "request_source": {"oneOf": [{"type": "integer", "enum": list(codes.REQUEST_SOURCES)}, {"type": "null"}],
                           "description": "; ".join(f"{k}: {v}" for k, v in codes.REQUEST_SOURCE_LABELS.items())},
        "youth_accommodation": {**flag, "description": "the request is for someone in relevant youth accommodation"},
        "residential": {**flag, "description": "the plan names a residential placement"},
        "work_based_learning": {**flag, "description": "the plan includes work-based learning"},
        "personal_budget": {"type": "array", "items": {"type": "string", "enum": list(codes.PERSONAL_BUDGET_ITEMS)}},
        "transfer_la": {"type": ["string", "null"], "pattern": r"^\d{3}$",
                        "description": "the DfE number of the authority the plan transferred in from"},
        "placements": {"type": "array", "items": placement},
        "sen_needs": {"type": "array", "items": need},
    }
    details_in = {"type": "object", "properties": properties, "additionalProperties": False}
    details_out = {"type": "object", "properties": {**properties, "recorded_by": NULLABLE_TEXT,
                                                     "recorded_at": NULLABLE_TEXT},
                   "required": [*properties, "recorded_by", "recorded_at"]}
    finding = {
        "type": "object",
        "properties": {"rule": {"type": "string", "pattern": "^SEN2-"},
                       "severity": {"type": "string", "enum": ["error", "query"]},
                       "person_id": {"type": ["integer", "null"]}, "person": TEXT,
                       "case_reference": NULLABLE_TEXT, "field": TEXT, "message": TEXT},
        "required": ["rule", "severity", "person_id", "person", "case_reference", "field", "message"],
    }
    findings = {
        "type": "object",
        "properties": {"year": {"type": "integer"}, "census_date": DATE, "period_start": DATE, "period_end": DATE,
                       "persons": {"type": "integer"}, "errors": {"type": "integer"},
                       "queries": {"type": "integer"}, "findings": {"type": "array", "items": _ref("Sen2Finding")}},
        "required": ["year", "census_date", "period_start", "period_end", "persons", "errors", "queries",
                     "findings"],
    }
    paths = {
        "/exports/sen2": {"get": {
            "summary": "The SEN2 person-level return for a January census, validated first (managers only)",
            "operationId": "exportSen2",
            "parameters": [
                _param("year", "query", {"type": "integer", "minimum": 2015, "maximum": 2100},
                       "the census year: the January census of this year, reporting the year before", required=True),
                _flag("validate_only", "true: the findings as JSON instead of the return"),
            ],
            "responses": {**_responses("200", None, "The return", "400", "403", "422"),
                          "200": {"description": "The return as XML, or with validate_only=true its findings",
                                  "content": {"application/xml": {"schema": {"type": "string"}},
                                              "application/json": {"schema": _ref("Sen2Findings")}}}},
        }},
        "/cases/{case_id}/sen2": {
            "get": {
                "summary": "What the case records for the SEN2 return beyond the casework",
                "operationId": "caseSen2",
                "parameters": [CASE_ID],
                "responses": _responses("200", _ref("Sen2Details"), "The details (all unknown if none recorded)",
                                        "403", "404"),
            },
            "put": {
                "summary": "Record the case's SEN2 details as a whole (a detail left out is not known)",
                "operationId": "recordCaseSen2",
                "parameters": [CASE_ID],
                "requestBody": _body(_ref("Sen2DetailsChange")),
                "responses": _responses("200", _ref("Sen2Details"), "The details recorded", "400", "403", "404",
                                        "409", "422"),
            },
        },
    }
    return {"Sen2Details": details_out, "Sen2DetailsChange": details_in, "Sen2Finding": finding,
            "Sen2Findings": findings}, paths


def _organisation_schemas() -> dict[str, Any]:
    kind = {"type": "string", "enum": list(codes.ORGANISATION_KINDS),
            "description": "; ".join(f"{k}: {v}" for k, v in codes.ORGANISATION_KIND_LABELS.items())}
    urn = {"type": ["string", "null"], "pattern": r"^\d{6}$", "description": "a school's URN: 6 numbers"}
    ukprn = {"type": ["string", "null"], "pattern": r"^1\d{7}$",
             "description": "a college's UKPRN: 8 numbers starting with 1"}
    return {
        "Organisation": {
            "type": "object",
            "properties": {"id": {"type": "integer"}, "name": TEXT, "kind": kind, "urn": urn, "ukprn": ukprn},
            "required": ["id", "name", "kind", "urn", "ukprn"],
        },
        "NewOrganisation": {
            "type": "object",
            "properties": {"name": {"type": "string", "maxLength": 200}, "kind": kind, "urn": urn, "ukprn": ukprn},
            "required": ["name", "kind"],
            "additionalProperties": False,
            "description": "a school, college or early years setting needs its URN or UKPRN; other kinds have "
                           "neither",
        },
    }


def _organisation_paths() -> dict[str, Any]:
    listing = {
        "type": "object",
        "properties": {"items": {"type": "array", "items": _ref("Organisation")}, "total": {"type": "integer"}},
        "required": ["items", "total"],
    }
    paths = {
        "/organisations": {
            "get": {
                "summary": "The directory of organisations advice is asked of (an adviser: their own)",
                "operationId": "listOrganisations",
                "parameters": [_param("kind", "query", {"type": "string", "enum": list(codes.ORGANISATION_KINDS)},
                                      "only organisations of this kind")],
                "responses": _responses("200", listing, "The organisations, in name order", "400", "403"),
            },
            "post": {
                "summary": "Add an organisation to the directory (administrators)",
                "operationId": "addOrganisation",
                "requestBody": _body(_ref("NewOrganisation")),
                "responses": {
                    **_responses("201", _ref("Organisation"), "The organisation added", "400", "403", "422"),
                    "200": {"description": "The organisation of that name already in the directory, unchanged",
                            "content": {"application/json": {"schema": _ref("Organisation")}}},
                },
            },
        }
    }
    _every_post_takes_an_idempotency_key(paths)
    return paths


def document() -> dict[str, Any]:
    page = {
        "type": "object",
        "properties": {
            "items": {"type": "array", "items": _ref("CaseSummary")},
            "total": {"type": "integer", "description": "how many cases match, on every page"},
            "page": {"type": "integer"},
            "per_page": {"type": "integer"},
        },
        "required": ["items", "total", "page", "per_page"],
    }
    advice_list = {
        "type": "object",
        "properties": {
            "items": {"type": "array", "items": _ref("AdviceRequest")},
            "total": {"type": "integer", "description": "how many match, on every page"},
            "page": {"type": "integer"},
            "per_page": {"type": "integer"},
        },
        "required": ["items", "total", "page", "per_page"],
    }
    alert_list = {
        "type": "object",
        "properties": {
            "items": {"type": "array", "items": _ref("Alert")},
            "total": {"type": "integer"},
            "page": {"type": "integer"},
            "per_page": {"type": "integer"},
        },
        "required": ["items", "total"],
    }
    paths: dict[str, Any] = {
        "/cases": {
            "post": {
                "summary": "Record a request for an EHC needs assessment",
                "operationId": "createCase",
                "requestBody": _body(_ref("NewCase")),
                "responses": _responses("201", _ref("Case"), "The new case", "400", "403", "409", "422"),
            },
            "get": {
                "summary": "List cases",
                "operationId": "listCases",
                "parameters": [
                    _param("state", "query", {"type": "string", "enum": list(ehcp.STATES)}, "only this state"),
                    _flag("overdue", "only cases with (true) or without (false) an overdue deadline"),
                    _flag("due_soon", "only cases with (true) or without (false) a deadline due soon"),
                    _param("assigned_to", "query", {"type": "string", "maxLength": 100},
                           "only the cases allocated to this username, or none for those not yet allocated"),
                    _param("q", "query", {"type": "string", "maxLength": parsing.SEARCH_LENGTH},
                           "part of the case reference or of the child's name, in any case"),
                    *_paging("cases"),
                ],
                "responses": _responses("200", page, "A page of case summaries", "400", "403", "422"),
            },
        },
        "/cases/{case_id}": {
            "get": {
                "summary": "A case with its deadlines' statuses",
                "operationId": "getCase",
                "parameters": [
                    CASE_ID,
                    _param("as_of", "query", DATE, "work out statuses as of this date (default today)"),
                ],
                "responses": _responses("200", _ref("Case"), "The case", "400", "403", "404"),
            }
        },
        "/cases/{case_id}/events": {
            "post": {
                "summary": "Record an event on a case",
                "operationId": "postEvent",
                "parameters": [CASE_ID],
                "requestBody": _body(_ref("Event")),
                "responses": _responses(
                    "200", _ref("Case"), "The case after the event", "400", "403", "404", "409", "422"
                ),
            }
        },
        "/cases/{case_id}/allocation": {
            "post": {
                "summary": "Allocate the case to a caseworker, or reallocate it (recorded in its history)",
                "operationId": "allocateCase",
                "parameters": [CASE_ID],
                "requestBody": _body({
                    "type": "object", "additionalProperties": False, "required": ["caseworker"],
                    "properties": {
                        "caseworker": {"type": "string", "maxLength": 100,
                                       "description": "the username of a caseworker or manager"},
                        "on": {**DATE, "description": "the date of the allocation (default today)"},
                        "version": {"type": "integer", "description": "the case version you saw"},
                    },
                }),
                "responses": _responses(
                    "200", _ref("Case"), "The case, allocated", "400", "403", "404", "409", "422"
                ),
            }
        },
        "/cases/{case_id}/corrections": {
            "post": {
                "summary": "Correct one history entry; the case is recomputed as if it had been right",
                "operationId": "correctEntry",
                "parameters": [CASE_ID],
                "requestBody": _body(_ref("Correction")),
                "responses": _responses(
                    "200", _ref("Case"), "The case recomputed", "400", "403", "404", "409", "422"
                ),
            }
        },
        "/cases/{case_id}/history": {
            "get": {
                "summary": "The case's audit trail, oldest first",
                "operationId": "caseHistory",
                "parameters": [CASE_ID],
                "responses": _responses(
                    "200", {"type": "array", "items": _ref("AuditEntry")}, "Audit entries", "403", "404"
                ),
            }
        },
        "/advice-requests": {
            "get": {
                "summary": "The advice requests you may see (an adviser: their organisation's)",
                "operationId": "listAdviceRequests",
                "parameters": [
                    _param(
                        "status",
                        "query",
                        {"type": "string", "enum": ["outstanding", "returned", "all"]},
                        "filter by whether advice has been returned (outstanding never includes a cancelled "
                        "request, nor one whose case no longer needs it)",
                    ),
                    *_paging("advice requests"),
                ],
                "responses": _responses("200", advice_list, "A page of advice requests", "400", "403", "422"),
            }
        },
        "/advice-requests/{advice_request_id}/return": {
            "post": {
                "summary": "Mark advice returned",
                "operationId": "returnAdvice",
                "parameters": [_param("advice_request_id", "path", {"type": "integer"}, "the advice request's id")],
                "requestBody": _body({"type": "object", "properties": {"on": DATE}, "required": ["on"]}),
                "responses": _responses(
                    "200", _ref("AdviceRequest"), "The advice request", "400", "403", "404", "409", "422"
                ),
            }
        },
        "/alerts": {
            "get": {
                "summary": "The alerts you may see",
                "operationId": "listAlerts",
                "parameters": [
                    _param("kind", "query", {"type": "string", "enum": ["overdue", "due_soon"]}, "alert kind"),
                    _flag("acknowledged", "only alerts someone has (true) or has not yet (false) acknowledged"),
                    *_paging("alerts"),
                ],
                "responses": _responses("200", alert_list, "Alerts, newest first", "400", "403", "422"),
            }
        },
        "/alerts/{alert_id}/acknowledge": {
            "post": {
                "summary": "Acknowledge an alert",
                "operationId": "acknowledgeAlert",
                "parameters": [_param("alert_id", "path", {"type": "integer"}, "the alert's id")],
                "responses": _responses("200", _ref("Alert"), "The alert", "403", "404"),
            }
        },
        "/reports/timeliness": {
            "get": {
                "summary": "Timeliness as the DfE counts it",
                "operationId": "timeliness",
                "parameters": [_param("year", "query", {"type": "integer", "minimum": 2014, "maximum": 2100},
                                      "calendar year", required=True)],
                "responses": _responses("200", _ref("Timeliness"), "The year's figures", "400", "403", "422"),
            }
        },
        "/openapi.json": {
            "get": {
                "summary": "This document",
                "operationId": "openapi",
                "security": [],
                "responses": {"200": {"description": "OpenAPI 3.1 document"}},
            }
        },
    }
    letter_schemas, letter_paths = _letters_and_documents()
    communication_schemas, communication_paths = _communications()
    _every_post_takes_an_idempotency_key(communication_paths)
    sen2_schemas, sen2_paths = _sen2()
    _every_post_takes_an_idempotency_key(letter_paths)
    _every_post_takes_an_idempotency_key(paths)
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "EHCP casework API",
            "version": "1",
            "description": "Statutory EHC needs assessment and plan casework (Children and Families Act 2014).",
        },
        "servers": [{"url": "/api/v1"}],
        "security": [{"bearer": []}],
        "paths": {**paths, **_people_paths(), **letter_paths, **_organisation_paths(), **communication_paths,
                  **sen2_paths, **_beside_the_case_paths()},
        "components": {"securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
                       "schemas": {**_schemas(), **letter_schemas, **communication_schemas,
                                   **sen2_schemas}},
    }
