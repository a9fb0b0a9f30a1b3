"""Every page of a section is for signed-in people of certain roles: one check, run before any view."""

from __future__ import annotations

from flask import Blueprint
from flask_login import current_user, login_required

from casework import access as authz
from web.security import access_hook


def section(name: str, roles: frozenset[str], what: str, url_prefix: str) -> Blueprint:
    """A blueprint whose every route first sends strangers to sign in and refuses other roles with 403.

    Checking once per section, not per view, means a page added later cannot forget the check.
    """
    bp = Blueprint(name, __name__, url_prefix=url_prefix)

    @bp.before_request
    @access_hook
    @login_required
    def _check_role() -> None:
        authz.require(current_user, roles, what)

    return bp
