"""The web service: create_app() wires settings, the database, the JSON API and the pages."""

from __future__ import annotations

import secrets
from typing import Any

from flask import Flask

from casework.config import load_settings
from casework.db import Database
from casework.policy import Policy


def create_app(settings: dict[str, Any] | None = None, db: Database | None = None) -> Flask:
    settings = settings or load_settings()
    app = Flask(__name__, instance_relative_config=False)
    web_settings = settings.get("web", {})
    app.config.update(
        SECRET_KEY=web_settings.get("secret_key") or secrets.token_hex(32),
        EHCP_SETTINGS=settings,
        JSON_SORT_KEYS=False,
    )
    app.extensions["ehcp_db"] = db or Database(settings["database"]["url"], Policy.from_settings(settings))

    from web.api import api
    from web.api.views import json_errors_for_api_paths

    app.register_blueprint(api)
    json_errors_for_api_paths(app)
    _register_pages(app)
    return app


def _register_pages(app: Flask) -> None:
    """The server-rendered pages, when the UI package is present."""
    try:
        from web.pages import register
    except ImportError:
        return
    register(app)


def database(app: Flask | None = None) -> Database:
    from flask import current_app

    return (app or current_app).extensions["ehcp_db"]
