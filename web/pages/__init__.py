"""The server-rendered pages: GOV.UK Design System templates over the same operations the API uses.

``register(app)`` wires the Jinja loaders for govuk-frontend-jinja and govuk-frontend-wtf, serves the
GOV.UK Frontend assets installed by npm, adds the blueprints (sign-in, cases, advice, dashboard, admin) and
the GOV.UK-style error pages.
"""

from __future__ import annotations

from pathlib import Path

from flask import Flask, abort, send_from_directory
from jinja2 import ChoiceLoader, FileSystemLoader, PackageLoader, PrefixLoader

from web.pages import (
    admin,
    advice,
    allocation,
    auth,
    cases,
    dashboard,
    directory,
    disputes,
    errors,
    family,
    lists,
    sen2,
    transfers,
)
from web.pages.presenters import register_template_helpers

WEB = Path(__file__).resolve().parents[1]
GOVUK_DIST = WEB / "node_modules" / "govuk-frontend" / "dist" / "govuk"
# Built files of GOV.UK Frontend served besides its assets folder (fonts, images, manifest).
GOVUK_BUILT = frozenset({"govuk-frontend.min.css", "govuk-frontend.min.css.map", "govuk-frontend.min.js",
                         "govuk-frontend.min.js.map"})
# The accessible autocomplete that turns a long list (the directory's organisations) into a box to type in.
AUTOCOMPLETE_DIST = WEB / "node_modules" / "accessible-autocomplete" / "dist"
AUTOCOMPLETE_BUILT = frozenset({"accessible-autocomplete.min.js", "accessible-autocomplete.min.css"})
ASSET_MAX_AGE = 3600


def register(app: Flask) -> None:
    app.jinja_loader = ChoiceLoader([
        FileSystemLoader(str(WEB / "templates")),
        PrefixLoader({
            "govuk_frontend_jinja": PackageLoader("govuk_frontend_jinja"),
            "govuk_frontend_wtf": PackageLoader("govuk_frontend_wtf"),
        }),
    ])
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True
    register_template_helpers(app)
    app.add_url_rule("/assets/<path:filename>", "assets", _govuk_asset)
    if not GOVUK_DIST.is_dir():
        app.logger.warning("GOV.UK Frontend is not installed at %s: run `npm ci` in web/ (bash .ci/setup)",
                           GOVUK_DIST)
    for blueprint in (auth.bp, cases.bp, family.bp, family.search_bp, advice.bp, dashboard.bp, admin.bp, directory.bp,
                      allocation.bp, lists.bp, sen2.bp, sen2.case_bp, disputes.bp,
                      transfers.bp):
        app.register_blueprint(blueprint)
    errors.register(app)


def _govuk_asset(filename: str):
    """GOV.UK Frontend's fonts and images (its CSS asks for /assets/...) and its built CSS and JS."""
    if filename in AUTOCOMPLETE_BUILT:
        return send_from_directory(AUTOCOMPLETE_DIST, filename, max_age=ASSET_MAX_AGE)
    if filename in GOVUK_BUILT:
        return send_from_directory(GOVUK_DIST, filename, max_age=ASSET_MAX_AGE)
    if not (GOVUK_DIST / "assets").is_dir():
        abort(404)
    return send_from_directory(GOVUK_DIST / "assets", filename, max_age=ASSET_MAX_AGE)
