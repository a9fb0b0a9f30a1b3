"""The directory of organisations."""

from __future__ import annotations

from typing import Any

from casework.law import codes
from web.api.openapi.common import (
    TEXT,
    every_post_takes_an_idempotency_key,
    json_body,
    param,
    ref,
    responses,
)


def organisation_schemas() -> dict[str, Any]:
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


def organisation_paths() -> dict[str, Any]:
    listing = {
        "type": "object",
        "properties": {"items": {"type": "array", "items": ref("Organisation")}, "total": {"type": "integer"}},
        "required": ["items", "total"],
    }
    paths = {
        "/organisations": {
            "get": {
                "summary": "The directory of organisations advice is asked of (an adviser: their own)",
                "operationId": "listOrganisations",
                "parameters": [param("kind", "query", {"type": "string", "enum": list(codes.ORGANISATION_KINDS)},
                                      "only organisations of this kind")],
                "responses": responses("200", listing, "The organisations, in name order", "400", "403"),
            },
            "post": {
                "summary": "Add an organisation to the directory (administrators)",
                "operationId": "addOrganisation",
                "requestBody": json_body(ref("NewOrganisation")),
                "responses": {
                    **responses("201", ref("Organisation"), "The organisation added", "400", "403", "422"),
                    "200": {"description": "The organisation of that name already in the directory, unchanged",
                            "content": {"application/json": {"schema": ref("Organisation")}}},
                },
            },
        }
    }
    every_post_takes_an_idempotency_key(paths)
    return paths
