"""Cases, their events (one schema per declared event, and the steps run beside the case), advice requests,
alerts and the timeliness report."""

from __future__ import annotations

from typing import Any

from casework.law import rules
from casework.models import ADVICE_TYPES, PRIMARY_NEEDS, REQUESTERS, STATUSES
from web.api import parsing
from web.api import transfers as web_transfers
from web.api.openapi.common import (
    CASE_ID,
    DATE,
    NULLABLE_DATE,
    NULLABLE_TEXT,
    TEXT,
    json_body,
    model_schema,
    paging,
    param,
    ref,
    responses,
    true_false_filter,
)
from workflows import ehcp


def case_schemas() -> dict[str, Any]:
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
        "child": ref("Child"),
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
            "consultation_id": {"type": ["integer", "null"], "description": "the consultation of a school or "
                                "college it times: the history entry that recorded it, which record_school_response "
                                "names as its consultation"},
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
            "deadlines": {"type": "array", "items": ref("Deadline")},
            "advice_requests": {"type": "array", "items": ref("AdviceRequest")},
            "exceptions": {"type": "array", "items": ref("Exception")},
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
            "child": ref("Child"),
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
        "Error": error,
        "NewCase": {"oneOf": [ref("NewCaseForNewChild"), ref("NewCaseForKnownChild"),
                              ref("NewCaseTransferredIn")]},
        "NewCaseTransferredIn": model_schema(web_transfers.NewTransferredCase, "NewCaseTransferredIn"),
        "NewCaseForNewChild": new_case,
        "NewCaseForKnownChild": new_case_for_known_child,
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
    }


def case_paths() -> dict[str, Any]:
    """The paths of cases, their events, advice requests, alerts and the timeliness report."""
    page = {
        "type": "object",
        "properties": {
            "items": {"type": "array", "items": ref("CaseSummary")},
            "total": {"type": "integer", "description": "how many cases match, on every page"},
            "page": {"type": "integer"},
            "per_page": {"type": "integer"},
        },
        "required": ["items", "total", "page", "per_page"],
    }
    advice_list = {
        "type": "object",
        "properties": {
            "items": {"type": "array", "items": ref("AdviceRequest")},
            "total": {"type": "integer", "description": "how many match, on every page"},
            "page": {"type": "integer"},
            "per_page": {"type": "integer"},
        },
        "required": ["items", "total", "page", "per_page"],
    }
    paths: dict[str, Any] = {
        "/cases": {
            "post": {
                "summary": "Record a request for an EHC needs assessment",
                "operationId": "createCase",
                "requestBody": json_body(ref("NewCase")),
                "responses": responses("201", ref("Case"), "The new case", "400", "403", "409", "422"),
            },
            "get": {
                "summary": "List cases",
                "operationId": "listCases",
                "parameters": [
                    param("state", "query", {"type": "string", "enum": list(ehcp.STATES)}, "only this state"),
                    true_false_filter("overdue", "only cases with (true) or without (false) an overdue deadline"),
                    true_false_filter("due_soon", "only cases with (true) or without (false) a deadline due soon"),
                    param("assigned_to", "query", {"type": "string", "maxLength": 100},
                           "only the cases allocated to this username, or none for those not yet allocated"),
                    param("q", "query", {"type": "string", "maxLength": parsing.SEARCH_LENGTH},
                           "part of the case reference or of the child's name, in any case"),
                    *paging("cases"),
                ],
                "responses": responses("200", page, "A page of case summaries", "400", "403", "422"),
            },
        },
        "/cases/{case_id}": {
            "get": {
                "summary": "A case with its deadlines' statuses",
                "operationId": "getCase",
                "parameters": [
                    CASE_ID,
                    param("as_of", "query", DATE, "work out statuses as of this date (default today)"),
                ],
                "responses": responses("200", ref("Case"), "The case", "400", "403", "404"),
            }
        },
        "/cases/{case_id}/events": {
            "post": {
                "summary": "Record an event on a case",
                "operationId": "postEvent",
                "parameters": [CASE_ID],
                "requestBody": json_body(ref("Event")),
                "responses": responses(
                    "200", ref("Case"), "The case after the event", "400", "403", "404", "409", "422"
                ),
            }
        },
        "/cases/{case_id}/allocation": {
            "post": {
                "summary": "Allocate the case to a caseworker, or reallocate it (recorded in its history)",
                "operationId": "allocateCase",
                "parameters": [CASE_ID],
                "requestBody": json_body({
                    "type": "object", "additionalProperties": False, "required": ["caseworker"],
                    "properties": {
                        "caseworker": {"type": "string", "maxLength": 100,
                                       "description": "the username of a caseworker or manager"},
                        "on": {**DATE, "description": "the date of the allocation (default today)"},
                        "version": {"type": "integer", "description": "the case version you saw"},
                    },
                }),
                "responses": responses(
                    "200", ref("Case"), "The case, allocated", "400", "403", "404", "409", "422"
                ),
            }
        },
        "/cases/{case_id}/corrections": {
            "post": {
                "summary": "Correct one history entry; the case is recomputed as if it had been right",
                "operationId": "correctEntry",
                "parameters": [CASE_ID],
                "requestBody": json_body(ref("Correction")),
                "responses": responses(
                    "200", ref("Case"), "The case recomputed", "400", "403", "404", "409", "422"
                ),
            }
        },
        "/cases/{case_id}/history": {
            "get": {
                "summary": "The case's audit trail, oldest first",
                "operationId": "caseHistory",
                "parameters": [CASE_ID],
                "responses": responses(
                    "200", {"type": "array", "items": ref("AuditEntry")}, "Audit entries", "403", "404"
                ),
            }
        },
        "/advice-requests": {
            "get": {
                "summary": "The advice requests you may see (an adviser: their organisation's)",
                "operationId": "listAdviceRequests",
                "parameters": [
                    param(
                        "status",
                        "query",
                        {"type": "string", "enum": ["outstanding", "returned", "all"]},
                        "filter by whether advice has been returned (outstanding never includes a cancelled "
                        "request, nor one whose case no longer needs it)",
                    ),
                    *paging("advice requests"),
                ],
                "responses": responses("200", advice_list, "A page of advice requests", "400", "403", "422"),
            }
        },
        "/advice-requests/{advice_request_id}/return": {
            "post": {
                "summary": "Mark advice returned",
                "operationId": "returnAdvice",
                "parameters": [param("advice_request_id", "path", {"type": "integer"}, "the advice request's id")],
                "requestBody": json_body({"type": "object", "properties": {"on": DATE}, "required": ["on"]}),
                "responses": responses(
                    "200", ref("AdviceRequest"), "The advice request", "400", "403", "404", "409", "422"
                ),
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
    return paths
