"""The timeliness report, counted as the DfE counts it."""

from __future__ import annotations

from typing import Any

from web.api.openapi.common import (
    param,
    ref,
    responses,
)


def report_schemas() -> dict[str, Any]:
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
    return {"Timeliness": timeliness}


def report_paths() -> dict[str, Any]:
    return {
        "/reports/timeliness": {
            "get": {
                "summary": "Timeliness as the DfE counts it",
                "operationId": "timeliness",
                "parameters": [param("year", "query", {"type": "integer", "minimum": 2014, "maximum": 2100},
                                      "calendar year", required=True)],
                "responses": responses("200", ref("Timeliness"), "The year's figures", "400", "403", "422"),
            }
        },
    }
