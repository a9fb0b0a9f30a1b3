"""When the database cannot be reached: the API answers 503 ``unavailable`` with Retry-After, pages say sorry.

Neither answer touches the database: the page is drawn for nobody signed in (the signed-in user is read from
the database), and nothing was written, because the unit of work that failed rolled back. The engine checks a
pooled connection before lending it (pool_pre_ping on PostgreSQL), so once the database is back the next
request simply gets a fresh connection: the service recovers by itself.
"""

from __future__ import annotations

from flask import current_app, g, jsonify
from sqlalchemy.exc import DisconnectionError, InterfaceError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout

# OperationalError covers "connection refused", "server closed the connection", SQLite's "unable to open"
# and a lock that did not clear within the busy timeout: in each case trying again shortly is right.
DATABASE_UNREACHABLE = (OperationalError, InterfaceError, DisconnectionError, PoolTimeout)
RETRY_AFTER_SECONDS = 10


def _log(exc: Exception) -> None:
    current_app.logger.error("database unavailable: %s", type(getattr(exc, "orig", None) or exc).__name__)


def api_answer(exc: Exception):
    _log(exc)
    response = jsonify({"error": {"code": "unavailable",
                                  "message": "The service cannot reach its database just now; nothing was changed. "
                                             "Try again shortly."}})
    response.headers["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response, 503


def page_answer(exc: Exception):
    from web.pages.errors import error_page

    _log(exc)
    g._login_user = current_app.login_manager.anonymous_user()  # draw the page without reading the user
    body, status = error_page(503)
    return body, status, {"Retry-After": str(RETRY_AFTER_SECONDS)}
