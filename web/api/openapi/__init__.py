"""The OpenAPI 3.1 description of the API, built from the same tables the code runs on.

Event bodies come from the pydantic models of web.api.bodies (built from the event declarations), so the
document cannot drift from what the API accepts; a test checks every route is described and that real
responses validate against these schemas.
"""

from __future__ import annotations

from typing import Any

from web.api.openapi.alerts import alert_paths, alert_schemas
from web.api.openapi.beside_the_case import beside_the_case_paths, beside_the_case_schemas
from web.api.openapi.cases import case_paths, case_schemas
from web.api.openapi.common import every_post_takes_an_idempotency_key
from web.api.openapi.communications import communications
from web.api.openapi.events import event_schemas
from web.api.openapi.letters import letters_and_documents
from web.api.openapi.organisations import organisation_paths, organisation_schemas
from web.api.openapi.people import people_paths, people_schemas
from web.api.openapi.reports import report_paths, report_schemas
from web.api.openapi.sen2 import sen2

__all__ = ["document"]


def document() -> dict[str, Any]:
    paths = {**case_paths(), **alert_paths(), **report_paths()}
    letter_schemas, letter_paths = letters_and_documents()
    communication_schemas, communication_paths = communications()
    every_post_takes_an_idempotency_key(communication_paths)
    sen2_schemas, sen2_paths = sen2()
    every_post_takes_an_idempotency_key(letter_paths)
    every_post_takes_an_idempotency_key(paths)
    schemas = {
        **case_schemas(), **alert_schemas(), **report_schemas(), **event_schemas(), **beside_the_case_schemas(),
        **people_schemas(), **organisation_schemas(), **letter_schemas, **communication_schemas, **sen2_schemas,
    }
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "EHCP casework API",
            "version": "1",
            "description": "Statutory EHC needs assessment and plan casework (Children and Families Act 2014).",
        },
        "servers": [{"url": "/api/v1"}],
        "security": [{"bearer": []}],
        "paths": {**paths, **people_paths(), **letter_paths, **organisation_paths(), **communication_paths,
                  **sen2_paths, **beside_the_case_paths()},
        "components": {"securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}}, "schemas": schemas},
    }
