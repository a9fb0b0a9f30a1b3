"""The case's communication log."""

from __future__ import annotations

from typing import Any

from casework.law import codes
from casework.law.events import EVENTS
from web.api import bodies
from web.api.openapi.common import (
    CASE_ID,
    DATE,
    TEXT,
    json_body,
    ref,
    responses,
)


def communications() -> tuple[dict[str, Any], dict[str, Any]]:
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
                "responses": responses("200", {"type": "array", "items": ref("Communication")},
                                        "Contacts logged", "403", "404"),
            },
            "post": {
                "summary": "Log a call, email, letter or meeting on the case",
                "operationId": "logCommunication",
                "parameters": [CASE_ID],
                "requestBody": json_body(ref("NewCommunication")),
                "responses": responses("201", ref("Communication"), "The contact logged", "400", "403", "404",
                                        "409", "422"),
            },
        },
    }
    return {"Communication": logged, "NewCommunication": new}, paths
