"""The pieces every part of the document is written with: date and text types, the error answers every path
may give, parameters and paging, and pydantic bodies turned into JSON Schema."""

from __future__ import annotations

import json
from typing import Any

from web import limits
from web.api import parsing

DATE = {"type": "string", "format": "date", "pattern": r"^\d{4}-\d{2}-\d{2}$"}


NULLABLE_DATE = {"oneOf": [DATE, {"type": "null"}]}


TEXT = {"type": "string"}


NULLABLE_TEXT = {"type": ["string", "null"]}


def ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


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


def error_response(code: str) -> dict[str, Any]:
    return {"description": ERRORS[code], "content": {"application/json": {"schema": ref("Error")}}}


def responses(ok_status: str, ok_schema: dict[str, Any] | None, description: str, *errors: str) -> dict[str, Any]:
    responses: dict[str, Any] = {ok_status: {"description": description}}
    if ok_schema is not None:
        responses[ok_status]["content"] = {"application/json": {"schema": ok_schema}}
    for code in ("401", *errors, "503"):
        responses[code] = error_response(code)
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


def model_schema(model: Any, title: str) -> dict[str, Any]:
    """A pydantic body as JSON Schema, its nested models inlined (the document keeps one flat component list)."""
    schema = model.model_json_schema(ref_template="#/components/schemas/{model}")
    defs = schema.pop("$defs", {})
    text = json.dumps(schema)
    for name, definition in defs.items():
        text = text.replace(json.dumps({"$ref": f"#/components/schemas/{name}"}), json.dumps(definition))
    inlined = json.loads(text)
    inlined["title"] = title
    return inlined


def every_post_takes_an_idempotency_key(paths: dict[str, Any]) -> None:
    """And may answer the refusals every POST can meet: a bad key or body (400), a key in use (409), a body
    over 1 MB (413), a key reused or text out of bounds (422)."""
    for item in paths.values():
        operation = item.get("post")
        if operation is None:
            continue
        operation["parameters"] = [*operation.get("parameters", []), IDEMPOTENCY_KEY]
        for code in ("400", "409", "413", "422"):
            operation["responses"].setdefault(code, error_response(code))


def param(name: str, where: str, schema: dict[str, Any], description: str, required: bool = False) -> dict:
    return {
        "name": name,
        "in": where,
        "required": required or where == "path",
        "schema": schema,
        "description": description,
    }


CASE_ID = param("case_id", "path", {"type": "integer"}, "the case's id")


def true_false_filter(name: str, description: str) -> dict:
    """A true/false filter, as ``parsing.flag_param`` reads it."""
    return param(name, "query", {"type": "string", "enum": ["true", "false"]}, description)


def paging(items: str) -> list[dict]:
    """page and per_page, as ``parsing.page_params`` reads them."""
    return [
        param("page", "query", {"type": "integer", "minimum": 1, "maximum": limits.MAX_PAGE},
               f"page number, from 1 (beyond {limits.MAX_PAGE:,} is out of range)"),
        param("per_page", "query", {"type": "integer", "minimum": 1, "maximum": parsing.MAX_PER_PAGE},
               f"{items} per page (at most {parsing.MAX_PER_PAGE})"),
    ]


def json_body(schema: dict[str, Any]) -> dict[str, Any]:
    return {"required": True, "content": {"application/json": {"schema": schema}}}


def nullable_code(code_list: dict[str, str], description: str) -> dict[str, Any]:
    return {"oneOf": [{"type": "string", "enum": list(code_list)}, {"type": "null"}], "description": description}


PERSON_ID = param("person_id", "path", {"type": "integer"}, "the person's id")
