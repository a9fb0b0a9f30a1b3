"""The disputes (mediation, appeal, tribunal order) and transfers between authorities recorded on a case: run
beside the case, each with its own deadlines."""

from __future__ import annotations

from typing import Any

from web.api.openapi.common import (
    CASE_ID,
    ref,
    responses,
)


def beside_the_case_schemas() -> dict[str, Any]:
    return {
        "Dispute": _record("a decision disputed: mediation, appeal and any tribunal order, with its deadlines"),
        "Transfer": _record("a move to or from another English authority, with its deadlines"),
    }


def _record(description: str) -> dict[str, Any]:
    return {"type": "object", "description": description, "additionalProperties": True,
            "properties": {"id": {"type": "integer"}, "deadlines": {"type": "array", "items": {"type": "object"}}}}


def beside_the_case_paths() -> dict[str, Any]:
    def listing(name: str) -> dict[str, Any]:
        return {"type": "object", "required": ["items", "total"],
                "properties": {"items": {"type": "array", "items": ref(name)}, "total": {"type": "integer"}}}

    return {
        "/cases/{case_id}/disputes": {"get": {
            "summary": "The decisions disputed on a case: mediation, appeal, tribunal order, with their deadlines",
            "operationId": "caseDisputes",
            "parameters": [CASE_ID],
            "responses": responses("200", listing("Dispute"), "The disputes, oldest first", "403", "404"),
        }},
        "/cases/{case_id}/transfers": {"get": {
            "summary": "The moves between authorities recorded on a case, with their deadlines",
            "operationId": "caseTransfers",
            "parameters": [CASE_ID],
            "responses": responses("200", listing("Transfer"), "The transfers, oldest first", "403", "404"),
        }},
    }
