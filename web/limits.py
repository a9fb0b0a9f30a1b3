"""The bounds every request is held to at the door, before a view or the database sees it.

PostgreSQL refuses integers beyond its column types and SQLite beyond 64 bits; a year or a page number
that no person would ask for turns into date or offset arithmetic that overflows. Each of those would be a
500 deep inside a query, so the edge answers them first, in the same words for the API and the pages.
"""

from __future__ import annotations

import re

from flask import Flask, abort, current_app, request
from werkzeug.exceptions import BadRequest
from werkzeug.routing import BaseConverter, IntegerConverter, Map

from casework.core.errors import TooLarge

MAX_BODY_BYTES = 1024 * 1024  # the contract's "a body over 1 MB answers 413"
# The routes that take a document: the file may be up to [documents] max_mb, with room for the form around it.
UPLOAD_ENDPOINTS = frozenset({"api.add_document", "cases.add_document", "advice.mark_returned"})
FORM_ROOM = 64 * 1024
FIRST_ID, LAST_ID = 1, 2**31 - 1  # ids are PostgreSQL integer columns
FIRST_YEAR, LAST_YEAR = 2014, 2100  # the Children and Families Act 2014 onwards
MAX_PAGE = 1_000_000  # a million pages of 100 is far beyond any caseload, and its offset still fits
# Unicode category Cc (U+0000-U+001F, U+007F-U+009F) less tab, line feed and carriage return: NUL, escape,
# backspace and the like, which no one types and which break letters, exports, logs and PostgreSQL text.
CONTROL_CHARACTERS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
# Half of a surrogate pair: JSON can spell one ("\\ud800"), but no database or file can store it.
LONE_SURROGATE = re.compile("[\ud800-\udfff]")
_DIGITS = re.compile(r"[0-9]+")
BEYOND_ANY_BOUND = 10**12


NO_RECORD = 0  # an id no record has: what an id out of range reads as, so the view answers its own 404


class IdConverter(BaseConverter):
    """``<id:case_id>``: a record id. One outside 1..2147483647 (0, 00, twenty digits) reads as an id no record
    has, so every method of the address still matches its route, the route's own checks (sign-in first) run,
    and the answer is the route's 404, never a database overflow nor a misleading 405."""

    regex = r"[0-9]+"
    part_isolating = True

    def to_python(self, value: str) -> int:
        number = int(value) if len(value) <= 12 else NO_RECORD
        return number if FIRST_ID <= number <= LAST_ID else NO_RECORD

    def to_url(self, value: int) -> str:
        return str(int(value))


class YearConverter(IntegerConverter):
    """``<year:year>``: a calendar year the service can report on."""

    regex = r"[0-9]{4}"

    def __init__(self, map: Map) -> None:
        super().__init__(map, min=FIRST_YEAR, max=LAST_YEAR)


def whole_number(raw: str) -> int | None:
    """A query parameter written in ASCII digits, or None if it is not one.

    int() alone would take "٣" and raise on "²" or on 5,000 digits; a run of more than 12 digits counts
    as BEYOND_ANY_BOUND, so the caller refuses it as out of range like any other too-large number.
    """
    if not _DIGITS.fullmatch(raw):
        return None
    return int(raw) if len(raw) <= 12 else BEYOND_ANY_BOUND


def year_in_range(year: int) -> bool:
    return FIRST_YEAR <= year <= LAST_YEAR


def install(app: Flask) -> None:
    """Converters first: they bind when the blueprints' routes are added."""
    app.url_map.converters["id"] = IdConverter
    app.url_map.converters["int"] = IdConverter  # an <int:...> route gets the same bounds as <id:...>
    app.url_map.converters["year"] = YearConverter
    app.config["MAX_CONTENT_LENGTH"] = MAX_BODY_BYTES
    app.before_request(_refuse_large_bodies)
    app.before_request(_refuse_untypeable_form_text)


def document_bytes() -> int:
    """The largest document a route takes, from ``[documents] max_mb``."""
    return int(current_app.config["EHCP_SETTINGS"].get("documents", {}).get("max_mb", 10)) * 1024 * 1024


def _refuse_large_bodies() -> None:
    """413 from the declared length, even for a route that would never read the body.

    Flask enforces MAX_CONTENT_LENGTH only when the body is read, and a body sent without a length
    (chunked) is still cut off there. A form sent with a file to a route that takes a document is allowed
    the document's size instead; every other body, there too, stays within 1 MB.
    """
    limit = current_app.config["MAX_CONTENT_LENGTH"]
    upload = request.endpoint in UPLOAD_ENDPOINTS and request.mimetype == "multipart/form-data"
    if upload:
        limit = document_bytes() + FORM_ROOM
        request.max_content_length = limit
    if request.content_length is not None and request.content_length > limit:
        if upload:
            raise TooLarge(f"The file is too large: documents can be up to {document_bytes() // (1024 * 1024)} MB.",
                           field="file")
        abort(413)


class UntypeableText(BadRequest):
    description = ("Something sent with the page holds characters no keyboard types (such as a null). "
                   "Go back, type it again and send it.")


def _refuse_untypeable_form_text() -> None:
    """The pages' query strings and forms, which reach searches and records as they are.

    The API checks its JSON bodies field by field (web.api.parsing) and leaves query parameters it does
    not know alone, so this is for the pages only.
    """
    if request.path.startswith("/api/") or request.endpoint in ("static", "assets"):
        return
    for values in (request.args, request.form):
        for key, value in values.items(multi=True):
            if CONTROL_CHARACTERS.search(key) or CONTROL_CHARACTERS.search(value):
                raise UntypeableText()
