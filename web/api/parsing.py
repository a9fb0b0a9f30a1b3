"""Reading request bodies: malformed input is a 400 that names the field and the form it should take."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from flask import request

from casework.core.errors import MalformedInput


def json_body() -> dict[str, Any]:
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        raise MalformedInput("The request body must be a JSON object.", code="malformed_json")
    return body


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


def limits_field(body: dict[str, Any], name: str) -> str | list[str]:
    """One time limit (a deadline kind, or an advice request's id as a number or as text), or a list of them."""
    value = body.get(name)
    if value is None:
        raise MalformedInput(f"{name} is required.", code="missing_field", field=name)
    items = value if isinstance(value, list) else [value]
    if any(isinstance(item, bool) or not isinstance(item, str | int) for item in items):
        raise MalformedInput(f"{name} must be a time limit (a deadline kind or an advice request's id) or a list "
                             "of them.", code="bad_type", field=name)
    named = [str(item) for item in items]
    return named if isinstance(value, list) else named[0]


MAX_PER_PAGE = 100


def choice_param(name: str, choices: Sequence[str], default: str | None = None) -> str | None:
    """A query parameter that must be one of a few words; absent gives the default."""
    raw = request.args.get(name, default)
    if raw is not None and raw not in choices:
        raise MalformedInput(f"{name} must be one of: {', '.join(choices)}.", code="bad_parameter", field=name)
    return raw


def flag_param(name: str) -> bool | None:
    """A true/false query parameter; None when absent, so a list can be filtered either way or not at all."""
    raw = choice_param(name, ("true", "false"))
    return None if raw is None else raw == "true"


def page_params() -> tuple[int, int]:
    """(page, per_page) for a paged list: both whole numbers from 1, per_page capped."""
    return _positive_int_param("page", 1), min(_positive_int_param("per_page", 25), MAX_PER_PAGE)


def _positive_int_param(name: str, default: int) -> int:
    raw = request.args.get(name)
    if raw is None:
        return default
    if not raw.isdigit() or int(raw) < 1:
        raise MalformedInput(f"{name} must be a whole number from 1.", code="bad_parameter", field=name)
    return int(raw)


def as_of_param() -> dt.date | None:
    raw = request.args.get("as_of")
    if raw is None:
        return None
    return date_field({"as_of": raw}, "as_of")


# Extra fields of each event beyond "on" (and the optional "version"): name -> reader.
EVENT_FIELDS: dict[str, dict[str, Any]] = {
    "agree_to_assess": {},
    "refuse_to_assess": {"reason": text_field},
    "request_advice": {"advice_type": text_field, "organisation": text_field,
                       "received_on": lambda b, n: date_field(b, n, required=False)},
    "record_advice": {"advice_request_id": int_field},
    "decide_to_issue": {},
    "decide_not_to_issue": {"reason": text_field},
    "issue_draft": {},
    "issue_final": {"named_setting": lambda b, n: text_field(b, n, required=False)},
    "record_exception": {"reason": text_field, "starts_on": date_field, "ends_on": date_field,
                         "applies_to": lambda b, n: limits_field(b, n),
                         "family_told_on": lambda b, n: date_field(b, n, required=False),
                         "evidence": lambda b, n: text_field(b, n, required=False)},
    "set_phase_transfer": {"transfer": text_field, "year": int_field},
    "hold_review_meeting": {},
    "record_review_report": {},
    "decide_review_outcome": {"outcome": text_field},
    "issue_amended_plan": {},
    "cease_plan": {"reason": int_field},
    "withdraw": {"reason": text_field},
}


def event_fields(event: str, body: dict[str, Any]) -> dict[str, Any]:
    return {name: reader(body, name) for name, reader in EVENT_FIELDS[event].items()}
