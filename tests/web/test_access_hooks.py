"""Every endpoint sits behind an access hook, unless it is one of a few public pages named here.

The check reads the app's URL map and its before-request hooks: a hook counts when it is marked with
``web.security.access_hook`` (the API's bearer-token check, the pages' ``section()`` role check). A blueprint
added without one fails here, before any page of it can leak a child's details.
"""

from __future__ import annotations

import datetime as dt
import re

from flask import Blueprint, Flask
from sqlalchemy import select

from casework import operations
from casework.models import AdviceRequest
from web.security import access_hook, is_access_hook

# endpoint: why a stranger may open it. Keep this short; everything else needs an access hook.
PUBLIC_ENDPOINTS: dict[str, str] = {
    "static": "Flask's static files",
    "assets": "GOV.UK Frontend's fonts, images, CSS and JavaScript",
    "auth.sign_in": "signing in",
    "auth.sign_out": "signing out",
    "auth.signed_out": "the page that says you have signed out",
    "auth.set_password": "setting a first password through a one-time link (the link is the credential)",
    "auth.home": "only sends a stranger to sign in and a signed-in person to their role's first page",
    "api.openapi": "the OpenAPI document describes the API, not anyone's records",
}


def _hooks_in_force(app: Flask, endpoint: str) -> list:
    """The app's own hooks and those of the endpoint's blueprint and of every blueprint it is nested in."""
    blueprint = endpoint.rpartition(".")[0]
    parts = blueprint.split(".") if blueprint else []
    scopes = [None] + [".".join(parts[:depth]) for depth in range(1, len(parts) + 1)]
    return [hook for scope in scopes for hook in app.before_request_funcs.get(scope, ())]


def unguarded_endpoints(app: Flask, public: dict[str, str] | None = None) -> list[str]:
    """Endpoints no marked access hook stands in front of, except the public ones."""
    public = PUBLIC_ENDPOINTS if public is None else public
    return sorted(f"{rule.endpoint} ({rule.rule})" for rule in app.url_map.iter_rules()
                  if rule.endpoint not in public
                  and not any(is_access_hook(hook) for hook in _hooks_in_force(app, rule.endpoint)))


def test_every_endpoint_of_the_service_has_an_access_hook(app):
    assert len(list(app.url_map.iter_rules())) > len(PUBLIC_ENDPOINTS), "the URL map looks empty"
    assert unguarded_endpoints(app) == []


def test_the_public_list_names_only_endpoints_that_exist(app):
    """A stale entry would quietly let a future endpoint of that name through."""
    assert set(PUBLIC_ENDPOINTS) <= {rule.endpoint for rule in app.url_map.iter_rules()}


def test_the_checker_reports_a_blueprint_without_an_access_hook():
    app = Flask("bare")  # its static endpoint is on the public list
    bare = Blueprint("bare", __name__, url_prefix="/bare")
    bare.add_url_rule("/hello", "hello", lambda: "hello")
    app.register_blueprint(bare)
    assert unguarded_endpoints(app) == ["bare.hello (/bare/hello)"]


def test_the_checker_reports_a_hook_that_is_not_marked_and_a_route_outside_any_blueprint():
    app = Flask("bare")  # its static endpoint is on the public list
    hooked = Blueprint("hooked", __name__, url_prefix="/hooked")
    hooked.before_request(lambda: None)
    hooked.add_url_rule("/page", "page", lambda: "page")
    app.register_blueprint(hooked)
    app.add_url_rule("/loose", "loose", lambda: "loose")
    assert unguarded_endpoints(app) == ["hooked.page (/hooked/page)", "loose (/loose)"]


def test_the_checker_accepts_a_marked_hook_on_the_blueprint_or_on_a_parent():
    app = Flask("bare")  # its static endpoint is on the public list
    parent = Blueprint("parent", __name__, url_prefix="/parent")
    parent.before_request(access_hook(lambda: None))
    child = Blueprint("child", __name__, url_prefix="/child")
    child.add_url_rule("/page", "page", lambda: "page")
    parent.register_blueprint(child)
    app.register_blueprint(parent)
    assert unguarded_endpoints(app) == []


def _sample_path(rule) -> str:
    samples = {"int": "1", "id": "1", "year": "2025"}
    return re.sub(r"<(?:(\w+):)?\w+>", lambda found: samples.get(found.group(1) or "", "x"), rule.rule)


def test_every_endpoint_off_the_public_list_turns_a_stranger_away(app):
    """The marks are promises; this holds them to it: no token is 401 on the API, no session is sign-in."""
    app.config["WTF_CSRF_ENABLED"] = False  # so a form's POST reaches the sign-in check, not the CSRF one
    client = app.test_client()
    checked = 0
    for rule in app.url_map.iter_rules():
        if rule.endpoint in PUBLIC_ENDPOINTS:
            continue
        method = "GET" if "GET" in rule.methods else sorted(rule.methods - {"HEAD", "OPTIONS"})[0]
        answer = client.open(_sample_path(rule), method=method)
        if rule.endpoint.startswith("api."):
            assert answer.status_code == 401, (rule.endpoint, answer.status_code)
            assert answer.get_json()["error"]["code"] == "unauthenticated"
        else:
            assert answer.status_code == 302, (rule.endpoint, answer.status_code)
            assert answer.headers["Location"].startswith("/sign-in"), rule.endpoint
        checked += 1
    assert checked >= 20


def test_another_organisations_advice_shows_the_same_404_page_as_missing_advice(browser_for, db, new_case):
    case = new_case(dt.date(2024, 9, 2))
    operations.agree_to_assess(db, case.id, actor=None, on=dt.date(2024, 9, 20))
    operations.request_advice(db, case.id, actor=None, on=dt.date(2024, 9, 23), advice_type="health",
                              organisation="Southmoor Community Health")
    with db.reading() as session:
        theirs = session.scalar(select(AdviceRequest.id))
    adviser = browser_for("adviser", org="Northbridge NHS Foundation Trust")
    hidden = adviser.client.get(f"/advice/{theirs}/return")
    missing = adviser.client.get(f"/advice/{theirs + 1000}/return")
    assert hidden.status_code == missing.status_code == 404
    assert "Page not found" in hidden.text
    assert _without_nonce(hidden.text) == _without_nonce(missing.text)


def _without_nonce(html: str) -> str:
    return re.sub(r'nonce="[^"]*"', 'nonce=""', html)
