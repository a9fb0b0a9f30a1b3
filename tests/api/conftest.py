"""An API client that checks every answer against the OpenAPI document as it goes."""

from __future__ import annotations

import socket
import threading
from typing import Any

import pytest
from jsonschema import Draft202012Validator
from waitress.server import create_server

from web.api.openapi import document

DOC = document()


def _pointer(*parts: str) -> str:
    return "#/" + "/".join(p.replace("~", "~0").replace("/", "~1") for p in parts)


def _template(path: str) -> str:
    """/cases/12/events -> /cases/{case_id}/events, matched against the document's paths."""
    for template in DOC["paths"]:
        t_parts, p_parts = template.strip("/").split("/"), path.strip("/").split("/")
        if len(t_parts) == len(p_parts) and all(t == p or t.startswith("{") for t, p in zip(t_parts, p_parts,
                                                                                              strict=True)):
            return template
    raise AssertionError(f"{path} is not described in the OpenAPI document")


def conforms(method: str, path: str, status: int, body: Any) -> None:
    """The response is one the document promises for this route and status, in the promised shape."""
    template = _template(path.split("?")[0])
    responses = DOC["paths"][template][method.lower()]["responses"]
    assert str(status) in responses, f"{method} {template} answered {status}, which the document does not list"
    content = responses[str(status)].get("content")
    if content:
        schema = {**DOC, "$ref": _pointer("paths", template, method.lower(), "responses", str(status), "content",
                                          "application/json", "schema")}
        Draft202012Validator(schema).validate(body)


class Api:
    def __init__(self, client, header: dict[str, str]) -> None:
        self.client, self.header = client, header

    def call(self, method: str, path: str, json: Any = None, **kwargs):
        response = self.client.open("/api/v1" + path, method=method, json=json, headers=self.header, **kwargs)
        if response.is_json:
            conforms(method, path, response.status_code, response.get_json())
        return response

    def get(self, path: str):
        return self.call("GET", path)

    def post(self, path: str, json: Any = None, **kwargs):
        return self.call("POST", path, json, **kwargs)

    def patch(self, path: str, json: Any = None, **kwargs):
        return self.call("PATCH", path, json, **kwargs)

    def event(self, case_id: int, event: str, on: str, **fields):
        return self.post(f"/cases/{case_id}/events", {"event": event, "on": on, **fields})

    def new_case(self, received_on: str = "2024-09-02", **child) -> dict:
        body = {"child": {"given_name": "Sam", "family_name": "Taylor", "date_of_birth": "2016-05-04",
                          "primary_need": "ASD", **child}, "received_on": received_on, "requested_by": "parent"}
        response = self.post("/cases", body)
        assert response.status_code == 201, response.get_json()
        return response.get_json()


@pytest.fixture
def api_as(client, make_user, auth_header):
    def _as(role: str = "caseworker", **user_fields) -> Api:
        return Api(client, auth_header(make_user(role, **user_fields)))

    return _as


@pytest.fixture
def api(api_as) -> Api:
    return api_as("caseworker")


@pytest.fixture
def server(app):
    """The app served over real HTTP by waitress, for requests that must truly run at the same time."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    srv = create_server(app, host="127.0.0.1", port=port, threads=4)
    thread = threading.Thread(target=srv.run, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{port}/api/v1"
    srv.close()
    thread.join(timeout=5)
