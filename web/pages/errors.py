"""GOV.UK-style error pages (400, 403, 404, 405, 500, 503) for the pages, leaving the API's JSON errors alone.

The API registers its own handlers for paths under /api/ that match no route. Those handlers are kept and
asked first; a page is rendered only when they pass the error back unhandled.
"""

from __future__ import annotations

from collections.abc import Callable

from flask import Flask, render_template
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, InternalServerError

from casework.core.errors import CaseworkError
from web import unavailable
from web.limits import UntypeableText

PAGES: dict[int, tuple[str, str]] = {
    400: ("Sorry, there is a problem with that request",
          "The form may have been open for too long, or it was sent without its security token. "
          "Go back, reload the page and try again."),
    403: ("You do not have access to this page",
          "Your role does not include this part of the service. If you think it should, ask your manager."),
    404: ("Page not found",
          "If you typed the web address, check it is correct. If you pasted it, check you copied the entire "
          "address."),
    405: ("Sorry, there is a problem with that request", "This page cannot be used that way."),
    413: ("Sorry, that was too much to send at once",
          "The service takes at most 1 MB in one go. Go back and send less, or split it into parts."),
    500: ("Sorry, there is a problem with the service", "Try again later. Nothing you entered was saved."),
    503: ("Sorry, the service is unavailable",
          "You will be able to use the service again in a few minutes. Nothing you entered was saved."),
}

Handler = Callable[[Exception], object]


def error_page(code: int, detail: str | None = None):
    title, body = PAGES.get(code, PAGES[500])
    return render_template("error.html", code=code, title=title, body=body, detail=detail), code


def _http_error(exc: HTTPException):
    code = exc.code or 500
    page, status = error_page(code if code in PAGES else 500,
                              exc.description if isinstance(exc, UntypeableText) else None)
    # A 405 names the methods the address does take (Allow), as HTTP asks.
    headers = {name: value for name, value in exc.get_headers() if name.lower() != "content-type"}
    return page, status, headers


def _csrf_error(exc: CSRFError):
    return error_page(400)


def _casework_error(exc: CaseworkError):
    """A Forbidden or NotFound raised by casework.access while loading a page (or a file too large to read)."""
    return error_page(exc.status if exc.status in PAGES else 400, exc.message if exc.status == 413 else None)


def _server_error(exc: InternalServerError):
    """Flask has already logged the fault; the page says nothing about it beyond sorry."""
    return error_page(500)


def _after_earlier(app: Flask, code: int, exc_class: type[Exception], page: Handler) -> Handler:
    """Ask a handler registered before this one (the API's) first; render the page if it hands the error back."""
    earlier = app.error_handler_spec.get(None, {}).get(code, {}).get(exc_class)
    if earlier is None:
        return page

    def handler(exc: Exception):
        answer = earlier(exc)
        return page(exc) if answer is exc else answer

    return handler


def register(app: Flask) -> None:
    from werkzeug.exceptions import BadRequest, Forbidden, MethodNotAllowed, NotFound, RequestEntityTooLarge

    for code, exc_class in ((400, BadRequest), (403, Forbidden), (404, NotFound), (405, MethodNotAllowed),
                            (413, RequestEntityTooLarge)):
        app.register_error_handler(code, _after_earlier(app, code, exc_class, _http_error))
    app.register_error_handler(CSRFError, _after_earlier(app, 400, CSRFError, _csrf_error))
    app.register_error_handler(CaseworkError, _casework_error)
    app.register_error_handler(InternalServerError, _server_error)
    for unreachable in unavailable.DATABASE_UNREACHABLE:
        app.register_error_handler(unreachable, unavailable.page_answer)
