"""Reading request bodies: malformed input is a 400 that names the field and the form it should take."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence
from typing import Any

from flask import g, request

from casework.core.errors import Invalid, MalformedInput
from web import limits

LARGEST_NUMBER = limits.LAST_ID  # no number the API takes (ids, versions, years, codes) is larger


def json_body() -> dict[str, Any]:
    """The body as a JSON object, checked once through: no control characters in text, no huge numbers.

    The check walks every string and key of the decoded body, however deeply nested, so no view and no
    operation has to remember it, and nothing half-acceptable reaches the database.
    """
    if "json_body" in g:
        return g.json_body
    if not request.is_json:
        raise MalformedInput("Send the request body as JSON, with the header Content-Type: application/json.",
                             code="malformed_json")
    try:
        body = json.loads(request.get_data(cache=True), parse_constant=_not_json)
    except (ValueError, RecursionError):  # RecursionError: nesting deeper than any request needs
        body = None
    if not isinstance(body, dict):
        raise MalformedInput("The request body must be a JSON object.", code="malformed_json")
    _check_values(body)
    g.json_body = body
    return body


def _not_json(constant: str) -> Any:
    raise ValueError(f"{constant} is not JSON")


def _check_values(body: dict[str, Any]) -> None:
    """Walk the decoded body without recursion (its depth is the client's choice)."""
    stack: list[tuple[str, Any]] = [("", body)]
    while stack:
        path, value = stack.pop()
        if isinstance(value, dict):
            for key, item in value.items():
                where = f"{path}.{key}" if path else key
                _check_text(where, key)
                stack.append((where, item))
        elif isinstance(value, list):
            stack.extend((f"{path}[{index}]", item) for index, item in enumerate(value))
        elif isinstance(value, str):
            _check_text(path, value)
        elif isinstance(value, int) and not isinstance(value, bool) and abs(value) > LARGEST_NUMBER:
            raise Invalid(f"That number is too large: no value here is more than {LARGEST_NUMBER:,}.",
                          code="out_of_range", field=path)


def _check_text(field: str, text: str) -> None:
    if limits.CONTROL_CHARACTERS.search(text):
        raise Invalid("Text cannot contain control characters (such as a null or an escape character); "
                      "remove them and send it again.", code="control_characters", field=field)
    if limits.LONE_SURROGATE.search(text):
        raise Invalid("Text contains a broken character (half of a pair that makes one symbol); "
                      "check the text and send it again.", code="invalid_text", field=field)


def date_field(body: dict[str, Any], name: str, *, required: bool = True, label: str | None = None) -> dt.date | None:
    value = body.get(name)
    if value is None or value == "":
        if required:
            raise MalformedInput(f"{label or name} is required (a date like 2025-01-31).", code="missing_field",
                                 field=name)
        return None
    if not isinstance(value, str):
        raise MalformedInput(f"{label or name} must be a date written YYYY-MM-DD.", code="bad_date", field=name)
    try:
        return dt.date.fromisoformat(value) if len(value) == 10 else _raise()
    except ValueError:
        raise MalformedInput(f"{label or name} must be a real date written YYYY-MM-DD, not '{value}'.",
                             code="bad_date", field=name) from None


def _raise() -> dt.date:
    raise ValueError


def text_field(body: dict[str, Any], name: str, *, required: bool = True) -> str | None:
    value = body.get(name)
    if value is None:
        if required:
            raise MalformedInput(f"{name} is required.", code="missing_field", field=name)
        return None
    if not isinstance(value, str):
        raise MalformedInput(f"{name} must be text.", code="bad_type", field=name)
    return value


def int_field(body: dict[str, Any], name: str, *, required: bool = True) -> int | None:
    value = body.get(name)
    if value is None:
        if required:
            raise MalformedInput(f"{name} is required.", code="missing_field", field=name)
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        if isinstance(value, str) and value.isdigit():
            return int(value)
        raise MalformedInput(f"{name} must be a whole number.", code="bad_type", field=name)
    return value


MAX_PER_PAGE = 100


def choice_param(name: str, choices: Sequence[str], default: str | None = None) -> str | None:
    """A query parameter that must be one of a few words; absent gives the default."""
    raw = request.args.get(name, default)
    if raw is not None and raw not in choices:
        raise MalformedInput(f"{name} must be one of: {', '.join(choices)}.", code="bad_parameter", field=name)
    return raw


def short_text_param(name: str, raw: str, max_length: int = 100) -> str:
    """A short text query parameter (a username): no control characters, no longer than its limit."""
    if len(raw) > max_length:
        raise Invalid(f"{name} must be {max_length} characters or fewer.", code="too_long", field=name)
    _check_text(name, raw)
    return raw


def flag_param(name: str) -> bool | None:
    """A true/false query parameter; None when absent, so a list can be filtered either way or not at all."""
    raw = choice_param(name, ("true", "false"))
    return None if raw is None else raw == "true"


SEARCH_LENGTH = 200


def text_param(name: str, max_length: int = SEARCH_LENGTH) -> str | None:
    """A free-text query parameter (a search): at most ``max_length`` characters, no control characters."""
    raw = request.args.get(name)
    if raw is None or not raw.strip():
        return None
    if len(raw) > max_length:
        raise Invalid(f"{name} can be at most {max_length} characters.", code="too_long", field=name)
    _check_text(name, raw)
    return raw.strip()


def page_params() -> tuple[int, int]:
    """(page, per_page) for a paged list: both whole numbers from 1.

    A page size over the limit is refused rather than quietly cut, so a client never mistakes a short
    page for the end of the list; a page number beyond any caseload is out of range (422).
    """
    page, per_page = _positive_int_param("page", 1), _positive_int_param("per_page", 25)
    if per_page > MAX_PER_PAGE:
        raise MalformedInput(f"per_page can be at most {MAX_PER_PAGE}: ask for the next page for more.",
                             code="per_page_too_large", field="per_page")
    if page > limits.MAX_PAGE:
        raise Invalid(f"page can be at most {limits.MAX_PAGE:,}.", code="out_of_range", field="page")
    return page, per_page


def _positive_int_param(name: str, default: int) -> int:
    raw = request.args.get(name)
    if raw is None:
        return default
    number = limits.whole_number(raw)
    if number is None or number < 1:
        raise MalformedInput(f"{name} must be a whole number from 1.", code="bad_parameter", field=name)
    return number


def as_of_param() -> dt.date | None:
    raw = request.args.get("as_of")
    if raw is None:
        return None
    return date_field({"as_of": raw}, "as_of")
