"""The SEN2 details of a case and the return's findings."""

from __future__ import annotations

from typing import Any

from casework.law import codes
from web.api.openapi.common import (
    CASE_ID,
    DATE,
    NULLABLE_TEXT,
    TEXT,
    json_body,
    param,
    ref,
    responses,
    true_false_filter,
)


def sen2() -> tuple[dict[str, Any], dict[str, Any]]:
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
                       "queries": {"type": "integer"}, "findings": {"type": "array", "items": ref("Sen2Finding")}},
        "required": ["year", "census_date", "period_start", "period_end", "persons", "errors", "queries",
                     "findings"],
    }
    paths = {
        "/exports/sen2": {"get": {
            "summary": "The SEN2 person-level return for a January census, validated first (managers only)",
            "operationId": "exportSen2",
            "parameters": [
                param("year", "query", {"type": "integer", "minimum": 2015, "maximum": 2100},
                       "the census year: the January census of this year, reporting the year before", required=True),
                true_false_filter("validate_only", "true: the findings as JSON instead of the return"),
            ],
            "responses": {**responses("200", None, "The return", "400", "403", "422"),
                          "200": {"description": "The return as XML, or with validate_only=true its findings",
                                  "content": {"application/xml": {"schema": {"type": "string"}},
                                              "application/json": {"schema": ref("Sen2Findings")}}}},
        }},
        "/cases/{case_id}/sen2": {
            "get": {
                "summary": "What the case records for the SEN2 return beyond the casework",
                "operationId": "caseSen2",
                "parameters": [CASE_ID],
                "responses": responses("200", ref("Sen2Details"), "The details (all unknown if none recorded)",
                                        "403", "404"),
            },
            "put": {
                "summary": "Record the case's SEN2 details as a whole (a detail left out is not known)",
                "operationId": "recordCaseSen2",
                "parameters": [CASE_ID],
                "requestBody": json_body(ref("Sen2DetailsChange")),
                "responses": responses("200", ref("Sen2Details"), "The details recorded", "400", "403", "404",
                                        "409", "422"),
            },
        },
    }
    return {"Sen2Details": details_out, "Sen2DetailsChange": details_in, "Sen2Finding": finding,
            "Sen2Findings": findings}, paths
