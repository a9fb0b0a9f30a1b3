"""The web service: create_app() wires settings, the database, the JSON API and the pages."""

from __future__ import annotations

import datetime as dt
import secrets
from typing import Any

from flask import Flask, Response, current_app, g, request, session
from flask_login import LoginManager
from flask_wtf.csrf import CSRFProtect

from casework.accounts import passwords
from casework.accounts import sessions as server_sessions
from casework.core.db import Database
from casework.core.policy import Policy
from casework.core.settings import load_settings
from casework.models import User
from web import limits
from web.templating import PageEnvironment


def create_app(settings: dict[str, Any] | None = None, db: Database | None = None) -> Flask:
    settings = settings or load_settings()
    app = Flask(__name__, instance_relative_config=False)
    app.jinja_environment = PageEnvironment  # before anything reads app.jinja_env, which is made once
    web_settings = settings.get("web", {})
    passwords.use_hashing_profile(web_settings.get("password_hashing", "rfc_9106_low_memory"))
    app.config.update(
        SECRET_KEY=web_settings.get("secret_key") or secrets.token_hex(32),
        EHCP_SETTINGS=settings,
        JSON_SORT_KEYS=False,
    )
    app.extensions["ehcp_db"] = db or Database(settings["database"]["url"], Policy.from_settings(settings))
    limits.install(app)  # before any blueprint: its routes bind the bounded id converter

    from web.api import api
    from web.api.views import json_errors_for_api_paths

    app.register_blueprint(api)
    json_errors_for_api_paths(app)
    _secure(app, web_settings)
    CSRFProtect(app).exempt(api)  # the API authenticates by bearer token only, never by cookie
    _register_pages(app)
    return app


def _secure(app: Flask, web_settings: dict[str, Any]) -> None:
    """Browser sessions: signed cookies naming a session kept on the server, Flask-Login, and security headers.

    The cookie holds the key of a ``user_sessions`` record (casework.accounts.sessions), which is what decides
    whether someone is signed in: it ends on sign-out, on disabling, on a password change, after
    ``session_idle_minutes`` unused and ``session_max_hours`` after signing in. The cookie's own signed
    timestamp still expires it after the idle time, so a browser forgets it too.
    """
    secure = bool(web_settings.get("secure_cookies", True))
    app.config.update(
        SESSION_COOKIE_NAME="ehcp_session",
        SESSION_COOKIE_SECURE=secure,
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        PERMANENT_SESSION_LIFETIME=dt.timedelta(minutes=int(web_settings.get("session_idle_minutes", 30))),
        SESSION_REFRESH_EACH_REQUEST=True,
        REMEMBER_COOKIE_SECURE=secure,
        REMEMBER_COOKIE_HTTPONLY=True,
        WTF_CSRF_TIME_LIMIT=None,  # a token lives as long as the session that holds it
    )
    login = LoginManager(app)
    login.login_view = "auth.sign_in"
    login.login_message = "Sign in to continue."
    login.login_message_category = "info"
    login.user_loader(_load_user)
    app.after_request(_security_headers)


def _load_user(user_id: str) -> User | None:
    """The signed-in user when the cookie's session still stands on the server, and is theirs."""
    key = session.get("sid")
    if not isinstance(key, str) or not key or len(key) > 100:
        return None
    lifetimes = server_sessions.Lifetimes.from_settings(current_app.config["EHCP_SETTINGS"])
    user = server_sessions.resume(database(), key, lifetimes)
    if user is None or str(user.id) != user_id or not user.active:
        return None
    return user


def csp_nonce() -> str:
    """A fresh nonce per response for the one inline script GOV.UK's page template needs."""
    if "csp_nonce" not in g:
        g.csp_nonce = secrets.token_urlsafe(18)
    return g.csp_nonce


def _security_headers(response: Response) -> Response:
    nonce = g.get("csp_nonce")
    scripts = "'self'" + (f" 'nonce-{nonce}'" if nonce else "")
    response.headers.setdefault(
        "Content-Security-Policy",
        f"default-src 'self'; script-src {scripts}; style-src 'self'; img-src 'self' data:; font-src 'self'; "
        "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
    )
    response.headers.setdefault("X-Frame-Options", "DENY")
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("Referrer-Policy", "same-origin")
    response.headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
    if request.endpoint not in ("static", "assets"):
        # Pages carry children's details: never keep them in a shared or back-button cache.
        response.headers.setdefault("Cache-Control", "no-store")
    if request.is_secure:
        response.headers.setdefault("Strict-Transport-Security", "max-age=31536000")
    return response


def _register_pages(app: Flask) -> None:
    """The server-rendered pages, when the UI package is present; a fault inside it is never hidden."""
    try:
        from web.pages import register
    except ModuleNotFoundError as exc:
        if exc.name != "web.pages":
            raise
        return
    register(app)


def database(app: Flask | None = None) -> Database:
    from flask import current_app

    return (app or current_app).extensions["ehcp_db"]
