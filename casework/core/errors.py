"""Errors a caseworker can read, each carrying the HTTP status and machine code of the public contract."""

from __future__ import annotations


class CaseworkError(Exception):
    status = 400
    code = "bad_request"

    def __init__(self, message: str, *, code: str | None = None, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field
        if code:
            self.code = code

    def as_dict(self) -> dict:
        body = {"code": self.code, "message": self.message}
        if self.field:
            body["field"] = self.field
        return {"error": body}


class MalformedInput(CaseworkError):
    status, code = 400, "malformed"


class Unauthenticated(CaseworkError):
    status, code = 401, "unauthenticated"


class Forbidden(CaseworkError):
    status, code = 403, "forbidden"


class NotFound(CaseworkError):
    status, code = 404, "not_found"


class EventNotAllowed(CaseworkError):
    """The case's current state does not allow this event."""

    status, code = 409, "event_not_allowed"


class Conflict(CaseworkError):
    """Someone else changed the case first."""

    status, code = 409, "conflict"


class Invalid(CaseworkError):
    """Well-formed but not acceptable: a date out of order, a window not yet closed."""

    status, code = 422, "invalid"


class TooLarge(CaseworkError):
    """A file or body beyond what the service accepts."""

    status, code = 413, "too_large"
