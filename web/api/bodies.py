"""Request bodies as strict schemas, built from the event declarations (``casework.law.events``).

Each event's body is a pydantic model with ``extra="forbid"``: a field the event does not take is refused
with its name (a typo such as ``recieved_on`` would otherwise start a 6-week clock from the wrong date), and a
date must be written YYYY-MM-DD (pydantic's own date parsing would take a number as a Unix timestamp). The
OpenAPI document takes its event schemas from the same models, so the document and the checks cannot differ.
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, StrictInt, StrictStr, ValidationError, create_model
from pydantic_core import PydanticCustomError

from casework.core.errors import CaseworkError, Invalid, MalformedInput
from casework.law.events import EVENTS, EventField, EventSpec

_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def _iso_date(value: Any) -> Any:
    if isinstance(value, dt.date):
        return value
    if not isinstance(value, str) or not _ISO_DATE.match(value):
        raise PydanticCustomError("bad_date", "must be a date written YYYY-MM-DD")
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise PydanticCustomError("bad_date", "must be a real date written YYYY-MM-DD") from None


def _whole_number(value: Any) -> Any:
    if isinstance(value, bool):
        raise PydanticCustomError("bad_type", "must be a whole number")
    if isinstance(value, str) and value.isdigit():
        return int(value)
    if not isinstance(value, int):
        raise PydanticCustomError("bad_type", "must be a whole number")
    return value


IsoDate = Annotated[dt.date, BeforeValidator(_iso_date), Field(json_schema_extra={"format": "date"})]
WholeNumber = Annotated[int, BeforeValidator(_whole_number)]
STRICT = ConfigDict(extra="forbid", str_strip_whitespace=False)


def _annotation(declared: EventField) -> Any:
    if declared.type in ("text", "long_text"):
        return Annotated[str, Field(max_length=declared.max_length)]
    if declared.type == "organisation":
        return Annotated[Annotated[StrictStr, Field(max_length=declared.max_length)] | StrictInt,
                         Field(description="an organisation of the directory (GET /organisations), by id or exact "
                                           "name")]
    if declared.type == "caseworker":
        return Annotated[StrictStr, Field(max_length=declared.max_length,
                                          description="the username of a caseworker or manager")]
    if declared.type == "date":
        return IsoDate
    if declared.type == "choice":
        return Literal[tuple(declared.choices)]  # type: ignore[valid-type]
    if declared.type in ("whole_number", "advice_request", "exception", "year"):
        return WholeNumber
    if declared.type == "consultation":
        return Annotated[WholeNumber, Field(description="the consultation answered: the id of the history entry "
                                                        "that recorded it (a deadline's consultation_id)")]
    if declared.type == "limits":
        one = StrictStr | StrictInt  # a true or a null is no time limit
        return Annotated[one | list[one], Field(description="a deadline kind or an advice request id, or a list "
                                                            "of them")]
    raise ValueError(declared.type)


def event_model(spec: EventSpec) -> type[BaseModel]:
    fields: dict[str, Any] = {
        "event": (Literal[spec.name], ...),  # type: ignore[valid-type]
        "on": (IsoDate, Field(description=spec.date_label)),
        "version": (WholeNumber | None, Field(None, description="the case version you saw; a newer one answers 409")),
        "expected_version": (WholeNumber | None, Field(None, description="the same as version")),
    }
    for declared in spec.fields:
        annotation = _annotation(declared)
        if declared.required:
            fields[declared.name] = (annotation, Field(description=declared.label))
        else:
            fields[declared.name] = (annotation | None, Field(None, description=declared.label))
    return create_model(f"Event_{spec.name}", __config__=STRICT, **fields)


EVENT_MODELS: dict[str, type[BaseModel]] = {name: event_model(spec) for name, spec in EVENTS.items()}
COMMON = ("event", "on", "version", "expected_version")


class ReturnAdvice(BaseModel):
    """An adviser's return of advice: only its date."""

    model_config = STRICT
    on: IsoDate


# Which pydantic error types are malformed requests (400) and which are well-formed but not acceptable (422).
_PRIORITY = ("extra_forbidden", "missing", "bad_date", "bad_type", "literal_error", "string_too_long")
_AS_CODE = {
    "extra_forbidden": (MalformedInput, "unknown_field"),
    "missing": (MalformedInput, "missing_field"),
    "bad_date": (MalformedInput, "bad_date"),
    "bad_type": (MalformedInput, "bad_type"),
    "literal_error": (Invalid, "invalid_choice"),
    "string_too_long": (Invalid, "too_long"),
}


def _label(spec: EventSpec | None, name: str) -> str:
    if spec is not None and name == "on":
        return spec.date_label
    if spec is not None and name in spec.field_names:
        return spec.field(name).label
    return {"on": "The date", "version": "The case version"}.get(name, "This value")


def refusal(error: ValidationError, spec: EventSpec | None, allowed: tuple[str, ...]) -> CaseworkError:
    """The one error a caseworker reads for a body that failed its schema: the most basic fault first."""
    problems = error.errors()
    problems.sort(key=lambda e: _PRIORITY.index(e["type"]) if e["type"] in _PRIORITY else len(_PRIORITY))
    first = problems[0]
    name = str(first["loc"][0]) if first["loc"] else "body"  # the top-level field, not the union member tried
    kind = first["type"]
    what = _label(spec, name)
    if kind == "extra_forbidden":
        close = difflib.get_close_matches(name, allowed, n=1)
        hint = f" Did you mean '{close[0]}'?" if close else ""
        title = spec.title if spec else "This request"
        return MalformedInput(f"{title} does not take a field called '{name}'.{hint}", code="unknown_field",
                              field=name)
    if kind == "missing":
        return MalformedInput(f"{what} is required.", code="missing_field", field=name)
    if kind == "bad_date":
        return MalformedInput(f"{what} {first['msg']}.", code="bad_date", field=name)
    if kind == "literal_error":
        declared = spec.field(name) if spec is not None and name in spec.field_names else None
        options = ", ".join(str(declared.choice_labels.get(c, c)) for c in declared.choices) if declared else ""
        return Invalid(f"{what} must be one of: {options}.", code="invalid_choice", field=name)
    if kind == "string_too_long":
        limit = first.get("ctx", {}).get("max_length")
        return Invalid(f"{what} must be {limit} characters or fewer.", code="too_long", field=name)
    if kind == "bad_type":
        return MalformedInput(f"{what} {first['msg']}.", code="bad_type", field=name)
    return MalformedInput(f"{what} is not in the form expected.", code="bad_type", field=name)


def read_event(body: dict[str, Any]) -> tuple[EventSpec, dt.date, int | None, dict[str, Any]]:
    """(the event, its date, the case version the client saw, the event's own fields) from a request body."""
    name = body.get("event")
    if not isinstance(name, str) or name not in EVENTS:
        raise MalformedInput(f"event must be one of: {', '.join(EVENTS)}.", code="unknown_event", field="event")
    spec = EVENTS[name]
    model = EVENT_MODELS[name]
    try:
        parsed = model.model_validate(body)
    except ValidationError as error:
        raise refusal(error, spec, (*COMMON, *spec.field_names)) from None
    values = parsed.model_dump()
    if values["version"] is not None and values["expected_version"] is not None \
            and values["version"] != values["expected_version"]:
        raise MalformedInput("Send the case version once: version and expected_version differ.", code="bad_type",
                             field="expected_version")
    version = values["version"] if values["version"] is not None else values["expected_version"]
    fields = {k: v for k, v in values.items() if k not in COMMON}
    return spec, values["on"], version, fields


def read_return(body: dict[str, Any]) -> dt.date:
    try:
        return ReturnAdvice.model_validate(body).on
    except ValidationError as error:
        raise refusal(error, None, ("on",)) from None


def event_schema(name: str) -> dict[str, Any]:
    """The event's body as JSON Schema, for the OpenAPI document."""
    schema = EVENT_MODELS[name].model_json_schema()
    schema["title"] = name
    return schema


class NewChild(BaseModel):
    """A new child's details on a request; what else is known of them is added to their record later."""

    model_config = STRICT
    given_name: str
    family_name: str
    date_of_birth: IsoDate
    primary_need: StrictStr | None = None


class NewRequest(BaseModel):
    """A request for an EHC needs assessment: a new child's details, or the id of a child already known."""

    model_config = STRICT
    child: NewChild | None = None
    person_id: WholeNumber | None = None
    primary_need: StrictStr | None = None
    received_on: IsoDate
    requested_by: StrictStr


_REQUEST_LABELS = {"child": "The child's details", "person_id": "The child already known",
                   "received_on": "The date the request was received", "requested_by": "Who made the request",
                   "given_name": "The child's given name", "family_name": "The child's family name",
                   "date_of_birth": "The child's date of birth", "primary_need": "The primary need"}


def read_new_request(body: dict[str, Any]) -> NewRequest:
    """A new request's body, every field known: a typo is refused with its name, never dropped."""
    try:
        return NewRequest.model_validate(body)
    except ValidationError as error:
        problem = sorted(error.errors(), key=lambda e: _PRIORITY.index(e["type"]) if e["type"] in _PRIORITY
                         else len(_PRIORITY))[0]
        path = [str(part) for part in problem["loc"] if not isinstance(part, int)]
        name = ".".join(path[:2]) or "body"
        leaf = path[-1] if path else "body"
        if problem["type"] == "extra_forbidden":
            known = tuple(NewChild.model_fields) if path[:1] == ["child"] else tuple(NewRequest.model_fields)
            close = difflib.get_close_matches(leaf, known, n=1)
            hint = f" Did you mean '{close[0]}'?" if close else ""
            return_error = MalformedInput(f"A request does not take a field called '{leaf}'.{hint}",
                                          code="unknown_field", field=name)
        elif problem["type"] == "missing":
            return_error = MalformedInput(f"{_REQUEST_LABELS.get(leaf, leaf)} is required.", code="missing_field",
                                          field=name)
        elif problem["type"] == "bad_date":
            return_error = MalformedInput(f"{_REQUEST_LABELS.get(leaf, leaf)} {problem['msg']}.", code="bad_date",
                                          field=name)
        else:
            return_error = MalformedInput(f"{_REQUEST_LABELS.get(leaf, leaf)} is not in the form expected.",
                                          code="bad_type", field=name)
        raise return_error from None


class Sen2Placement(BaseModel):
    """A placement named in the plan or attended: one of its URN, UKPRN or SEN setting code, and its rank."""

    model_config = STRICT
    kind: StrictStr
    urn: StrictStr | None = None
    ukprn: StrictStr | None = None
    sen_setting: StrictStr | None = None
    rank: StrictInt


class Sen2Need(BaseModel):
    model_config = STRICT
    code: StrictStr
    rank: StrictInt


class Sen2Details(BaseModel):
    """A case's SEN2 details as a whole (PUT): a detail left out is recorded as not known."""

    model_config = STRICT
    request_source: StrictInt | None = None
    youth_accommodation: bool | None = Field(default=None, strict=True)
    residential: bool | None = Field(default=None, strict=True)
    work_based_learning: bool | None = Field(default=None, strict=True)
    personal_budget: list[StrictStr] = []
    transfer_la: StrictStr | None = None
    placements: list[Sen2Placement] = []
    sen_needs: list[Sen2Need] = []


def read_sen2_details(body: dict[str, Any]) -> dict[str, Any]:
    try:
        return Sen2Details.model_validate(body).model_dump()
    except ValidationError as error:
        problem = sorted(error.errors(), key=lambda e: _PRIORITY.index(e["type"]) if e["type"] in _PRIORITY
                         else len(_PRIORITY))[0]
        where = ".".join(str(p) if not isinstance(p, int) else f"[{p}]" for p in problem["loc"]).replace(".[", "[")
        where = where or "body"
        if problem["type"] == "extra_forbidden":
            raise MalformedInput(f"The SEN2 details do not take a field called '{where}'.", code="unknown_field",
                                 field=where) from None
        if problem["type"] == "missing":
            raise MalformedInput(f"{where} is required.", code="missing_field", field=where) from None
        raise MalformedInput(f"{where} is not in the form expected.", code="bad_type", field=where) from None
