"""The OpenAPI document is valid OpenAPI 3 and describes exactly the routes the service answers."""

from __future__ import annotations

import re

from openapi_spec_validator import validate

from web.api.openapi import document


def test_the_document_is_valid_openapi(client):
    served = client.get("/api/v1/openapi.json")
    assert served.status_code == 200
    validate(served.get_json())
    assert served.get_json() == document()


def _routes(app) -> set[tuple[str, str]]:
    found = set()
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/api/v1/"):
            continue
        path = re.sub(r"<(?:[a-z]+:)?([a-z_]+)>", r"{\1}", rule.rule.removeprefix("/api/v1"))
        for method in (rule.methods or set()) - {"HEAD", "OPTIONS"}:
            found.add((method.lower(), path))
    return found


def test_every_route_is_documented_and_every_documented_route_exists(app):
    documented = {(method, path) for path, item in document()["paths"].items() for method in item
                  if method in ("get", "post", "put", "patch", "delete")}
    assert _routes(app) == documented
