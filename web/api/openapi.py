"""The OpenAPI 3.1 description of the API, built from the same tables the code runs on.

Event bodies come from web.api.parsing.EVENT_FIELDS and the choices from the models and rules, so the
document cannot drift from what the API accepts; a test checks every route is described and that real
responses validate against these schemas.
"""

from __future__ import annotations

from typing import Any

from casework.law import rules
from casework.models import ADVICE_TYPES, PRIMARY_NEEDS, REQUESTERS, STATUSES
from web import limits
from web.api import parsing
from workflows import ehcp

DATE = {"type": "string", "format": "date", "pattern": r"^\d{4}-\d{2}-\d{2}$"}
NULLABLE_DATE = {"oneOf": [DATE, {"type": "null"}]}
TEXT = {"type": "string"}
NULLABLE_TEXT = {"type": ["string", "null"]}

# Extra fields of each event as JSON Schema, with the choices the operations accept.
EVENT_FIELD_SCHEMAS: dict[str, dict[str, Any]] = {
    "reason": TEXT,
    "advice_type": {"type": "string", "enum": list(ADVICE_TYPES)},
    "organisation": TEXT,
    "received_on": DATE,
    "advice_request_id": {"type": "integer"},
    "named_setting": TEXT,
    "starts_on": DATE,
    "ends_on": DATE,
    "applies_to": {
        "oneOf": [
            {"type": "string", "enum": list(rules.DEADLINE_KINDS)},
            {"type": "string", "pattern": r"^\d+$"},
            {"type": "integer"},
        ],
        "description": "a deadline kind, or the id of an advice request",
    },
    "family_told_on": DATE,
    "evidence": TEXT,
    "transfer": {"type": "string", "enum": ["school", "post16"]},
    "year": {"type": "integer"},
    "outcome": {"type": "string", "enum": ["maintain", "amend", "cease"]},
}
EVENT_FIELD_OVERRIDES = {
    ("record_exception", "reason"): {"type": "string", "enum": list(rules.EXCEPTION_REASONS)},
    ("cease_plan", "reason"): {"type": "integer", "minimum": 1, "maximum": 9, "description": "SEN2 cease reason"},
}
OPTIONAL = {
    ("request_advice", "received_on"),
    ("issue_final", "named_setting"),
    ("record_exception", "family_told_on"),
    ("record_exception", "evidence"),
}


def _ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def _event_schema(event: str) -> dict[str, Any]:
    fields = parsing.EVENT_FIELDS[event]
    properties: dict[str, Any] = {
        "event": {"const": event},
        "on": DATE,
        "version": {"type": "integer", "description": "the case version you saw; a newer one answers 409"},
    }
    required = ["event", "on"]
    for name in fields:
        properties[name] = EVENT_FIELD_OVERRIDES.get((event, name), EVENT_FIELD_SCHEMAS[name])
        if (event, name) not in OPTIONAL:
            required.append(name)
    return {"type": "object", "title": event, "properties": properties, "required": required}


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
        "child": _ref("Child"),
        "received_on": DATE,
        "requested_by": {"type": "string", "enum": list(REQUESTERS)},
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
            "applies_to": TEXT,
            "family_told_on": NULLABLE_DATE,
            "evidence": NULLABLE_TEXT,
            "recorded_on": DATE,
        },
        "required": ["id", "reason", "starts_on", "ends_on", "applies_to"],
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
        "properties": {
            "child": _ref("Child"),
            "received_on": DATE,
            "requested_by": {"type": "string", "enum": list(REQUESTERS)},
        },
        "required": ["child", "received_on", "requested_by"],
    }
    events = {f"Event_{e}": _event_schema(e) for e in parsing.EVENT_FIELDS}
    return {
        "Child": child,
        "CaseSummary": {
            "type": "object",
            "properties": summary_props,
            "required": ["id", "reference", "state", "child", "received_on"],
        },
        "Case": case,
        "Deadline": deadline,
        "AdviceRequest": advice,
        "Exception": exception,
        "AuditEntry": audit,
        "Alert": alert,
        "Timeliness": timeliness,
        "Error": error,
        "NewCase": new_case,
        "Event": {
            "oneOf": [_ref(name) for name in events],
            "discriminator": {
                "propertyName": "event",
                "mapping": {e: f"#/components/schemas/Event_{e}" for e in parsing.EVENT_FIELDS},
            },
        },
        **events,
    }


ERRORS = {
    "400": "Malformed request: not JSON, a missing field, a date not written YYYY-MM-DD",
    "401": "No API token, or a token that is not valid",
    "403": "Your role may not do this",
    "404": "No such record, or not visible to you",
    "409": "The case's state does not allow this event, someone else changed the case first, or a request with "
           "the same Idempotency-Key is still being handled",
    "413": "The request body is larger than 1 MB",
    "422": "Well-formed but not acceptable: a date out of order or in the future, a window not yet closed, control "
           "characters in text, a number out of range, an Idempotency-Key first sent with another request",
}


def _error(code: str) -> dict[str, Any]:
    return {"description": ERRORS[code], "content": {"application/json": {"schema": _ref("Error")}}}


def _responses(ok_status: str, ok_schema: dict[str, Any] | None, description: str, *errors: str) -> dict[str, Any]:
    responses: dict[str, Any] = {ok_status: {"description": description}}
    if ok_schema is not None:
        responses[ok_status]["content"] = {"application/json": {"schema": ok_schema}}
    for code in ("401", *errors):
        responses[code] = _error(code)
    return responses


IDEMPOTENCY_KEY = {
    "name": "Idempotency-Key",
    "in": "header",
    "required": False,
    "schema": {"type": "string", "minLength": 1, "maxLength": 200, "pattern": "^[ -~]+$"},
    "description": "the same key from the same user within 24 hours answers with the first answer and changes "
                   "nothing again; the same key with another request is refused (422)",
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


def document() -> dict[str, Any]:
    page = {
        "type": "object",
        "properties": {
            "items": {"type": "array", "items": _ref("CaseSummary")},
            "total": {"type": "integer"},
            "page": {"type": "integer"},
            "per_page": {"type": "integer"},
        },
        "required": ["items", "total"],
    }
    advice_list = {
        "type": "object",
        "properties": {"items": {"type": "array", "items": _ref("AdviceRequest")}, "total": {"type": "integer"}},
        "required": ["items", "total"],
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
                "responses": _responses("201", _ref("Case"), "The new case", "400", "403", "422"),
            },
            "get": {
                "summary": "List cases",
                "operationId": "listCases",
                "parameters": [
                    _param("state", "query", {"type": "string", "enum": list(ehcp.STATES)}, "only this state"),
                    _flag("overdue", "only cases with (true) or without (false) an overdue deadline"),
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
                        "filter by whether advice has been returned",
                    )
                ],
                "responses": _responses("200", advice_list, "Advice requests", "400", "403"),
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
        "paths": paths,
        "components": {"securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}}, "schemas": _schemas()},
    }
