"""Whatever a client sends, every API route answers in the JSON error shape and never with a 500.

The routes are read from the app's URL map, so a route added later is walked too. Each is called with
ids no database column can hold, paging and years far out of range, bodies too large, broken or full of
control characters, the wrong content types and the wrong methods.
"""

from __future__ import annotations

import json
import re
from typing import Any

import pytest

HTTP_METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE")
HOSTILE_IDS = ["99999999999999999999", "2147483648", "0", "-1", "00", "abc", "1.5", "%00", "%D9%A3", "9" * 5000]
HOSTILE_QUERIES = [
    "page=-1", "page=0", "page=abc", "page=1.5", "page=99999999999999999999", "page=%C2%B2", "page=" + "9" * 5000,
    "per_page=101", "per_page=-5", "per_page=99999999999999999999", "year=99999", "year=2013", "year=2101",
    "year=%00", "as_of=9999-12-31", "as_of=0001-01-01", "as_of=%00", "state=%00", "overdue=%00", "status=%00",
    "kind=%00", "acknowledged=%00", "page=1&page=2", "unknown=%00",
]
TWO_MB = 2 * 1024 * 1024
HOSTILE_BODIES: list[tuple[str, bytes, str]] = [
    ("2 MB", json.dumps({"event": "agree_to_assess", "on": "2024-10-01", "x": "x" * TWO_MB}).encode(),
     "application/json"),
    ("NUL in text", json.dumps({"event": "withdraw", "on": "2024-10-01", "reason": "moved\u0000"}).encode(),
     "application/json"),
    ("NUL in a key", b'{"on\\u0000": "2024-10-01"}', "application/json"),
    ("escape in a nested name", json.dumps({"child": {"given_name": "Sam\u001b[2J", "family_name": "T",
                                                      "date_of_birth": "2016-05-04"},
                                            "received_on": "2024-09-02", "requested_by": "parent"}).encode(),
     "application/json"),
    ("lone surrogate", b'{"event": "withdraw", "on": "2024-10-01", "reason": "\\ud800"}', "application/json"),
    ("malformed JSON", b'{"event": ', "application/json"),
    ("not UTF-8", b'{"on": "\xff\xfe"}', "application/json"),
    ("deep nesting", b"[" * 100_000 + b"]" * 100_000, "application/json"),
    ("a JSON array", b'["agree_to_assess"]', "application/json"),
    ("a JSON string", b'"agree_to_assess"', "application/json"),
    ("NaN", b'{"event": "record_advice", "on": "2024-10-02", "advice_request_id": NaN}', "application/json"),
    ("a huge number", b'{"event": "record_advice", "on": "2024-10-02", "advice_request_id": 99999999999999999999}',
     "application/json"),
    ("a huge float", b'{"event": "record_advice", "on": "2024-10-02", "advice_request_id": 1e400}',
     "application/json"),
    ("a huge version", b'{"event": "agree_to_assess", "on": "2024-10-01", "version": 2147483648}',
     "application/json"),
    ("form-encoded", b"event=agree_to_assess&on=2024-10-01", "application/x-www-form-urlencoded"),
    ("plain text", b'{"event": "agree_to_assess", "on": "2024-10-01"}', "text/plain"),
    ("no content type", b'{"event": "agree_to_assess", "on": "2024-10-01"}', ""),
    ("XML", b"<event>agree_to_assess</event>", "application/xml"),
    ("multipart", b"--x\r\nContent-Disposition: form-data; name=\"on\"\r\n\r\n2024-10-01\r\n--x--\r\n",
     "multipart/form-data; boundary=x"),
]


def _api_routes(app) -> list[tuple[str, frozenset[str]]]:
    """Each address under /api/v1 with every method it takes (one address may have a rule per method)."""
    methods: dict[str, set[str]] = {}
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith("/api/v1/"):
            methods.setdefault(rule.rule, set()).update((rule.methods or set()) - {"HEAD", "OPTIONS"})
    return sorted((rule, frozenset(allowed)) for rule, allowed in methods.items())


def _fill(rule: str, ids: dict[str, int], hostile: str | None = None) -> list[str]:
    """The rule's path with real ids; with ``hostile``, one path per parameter with that value in its place."""
    names = re.findall(r"<(?:[a-z]+:)?([a-z_]+)>", rule)

    def path(bad: str | None) -> str:
        filled = rule
        for name in names:
            value = hostile if name == bad else str(ids.get(name, ids["case_id"]))
            filled = re.sub(rf"<(?:[a-z]+:)?{name}>", value, filled)
        return filled

    return [path(None)] if hostile is None else [path(name) for name in names]


def _is_error_shape(answer) -> bool:
    body = answer.get_json(silent=True)
    if not isinstance(body, dict) or set(body) != {"error"} or not isinstance(body["error"], dict):
        return False
    error = body["error"]
    return (isinstance(error.get("code"), str) and isinstance(error.get("message"), str) and error["message"]
            and set(error) <= {"code", "message", "field"})


def _check(answer, what: str, expected: int | None = None) -> None:
    assert answer.status_code != 500, f"{what} answered 500: {answer.get_data(as_text=True)[:300]}"
    if expected is not None:
        assert answer.status_code == expected, f"{what} answered {answer.status_code}, not {expected}"
    if answer.status_code >= 400:
        assert _is_error_shape(answer), f"{what} answered {answer.status_code} without the JSON error shape"


@pytest.fixture
def walk(app, client, make_user, auth_header, db):
    """A manager (who may call every route), a case with an advice request, and the routes to walk."""
    header = auth_header(make_user("manager"))
    body = {"child": {"given_name": "Sam", "family_name": "Taylor", "date_of_birth": "2016-05-04"},
            "received_on": "2024-09-02", "requested_by": "parent"}
    case = client.post("/api/v1/cases", json=body, headers=header).get_json()
    client.post(f"/api/v1/cases/{case['id']}/events", headers=header,
                json={"event": "agree_to_assess", "on": "2024-10-01"})
    answer = client.post(f"/api/v1/cases/{case['id']}/events", headers=header,
                         json={"event": "request_advice", "on": "2024-10-02", "advice_type": "health",
                               "organisation": "Northbridge NHS Trust"}).get_json()
    ids = {"case_id": case["id"], "advice_request_id": answer["advice_requests"][0]["id"], "alert_id": 1}
    return {"client": client, "header": header, "ids": ids, "routes": _api_routes(app)}


def _call(walk: dict[str, Any], method: str, path: str, **kwargs):
    return walk["client"].open(path, method=method, headers={**walk["header"], **kwargs.pop("headers", {})},
                               **kwargs)


def test_the_walk_covers_every_kind_of_route(walk):
    methods = {method for _, allowed in walk["routes"] for method in allowed}
    assert {"GET", "POST"} <= methods
    assert any("<" in rule for rule, _ in walk["routes"]) and len(walk["routes"]) >= 8


@pytest.mark.parametrize("hostile", HOSTILE_IDS)
def test_an_id_no_record_can_have_is_404(walk, hostile):
    for rule, methods in walk["routes"]:
        for path in _fill(rule, walk["ids"], hostile):
            for method in methods:
                _check(_call(walk, method, path, json={"on": "2024-10-01"}), f"{method} {path}", 404)


@pytest.mark.parametrize("query", HOSTILE_QUERIES)
def test_query_parameters_out_of_range_or_garbled_are_refused_in_shape(walk, query):
    for rule, methods in walk["routes"]:
        for method in methods & {"GET"}:
            path = _fill(rule, walk["ids"])[0]
            _check(_call(walk, method, f"{path}?{query}"), f"{method} {path}?{query[:40]}")


@pytest.mark.parametrize(("query", "status", "code"), [
    ("page=99999999999999999999", 422, "out_of_range"),
    ("page=1000001", 422, "out_of_range"),
    ("page=-1", 400, "bad_parameter"),
    ("page=%C2%B2", 400, "bad_parameter"),
    ("per_page=101", 400, "per_page_too_large"),
    ("per_page=100", 200, None),
    ("page=1000000&per_page=100", 200, None),
    ("unknown=1&sort=sideways", 200, None),
])
def test_paging_bounds_on_every_paged_list(walk, query, status, code):
    for path in ("/api/v1/cases", "/api/v1/alerts"):
        answer = _call(walk, "GET", f"{path}?{query}")
        _check(answer, f"GET {path}?{query}", status)
        if code:
            assert answer.get_json()["error"]["code"] == code
            assert answer.get_json()["error"]["field"] in query


@pytest.mark.parametrize(("year", "status"), [("2013", 422), ("2101", 422), ("99999", 422), ("2014", 200),
                                              ("2100", 200), ("abcd", 400)])
def test_a_report_year_outside_2014_to_2100_is_422(walk, year, status):
    answer = _call(walk, "GET", f"/api/v1/reports/timeliness?year={year}")
    _check(answer, f"year={year}", status)
    if status == 422:
        assert answer.get_json()["error"] == {
            "code": "out_of_range", "field": "year",
            "message": f"year must be from 2014 (the Children and Families Act) to 2100, not {year}."}


@pytest.mark.parametrize(("name", "body", "content_type"), HOSTILE_BODIES, ids=[b[0] for b in HOSTILE_BODIES])
def test_hostile_bodies_are_refused_in_shape_on_every_route(walk, name, body, content_type):
    for rule, methods in walk["routes"]:
        path = _fill(rule, walk["ids"])[0]
        for method in methods:
            headers = {"Content-Type": content_type} if content_type else {}
            answer = _call(walk, method, path, data=body, headers=headers)
            _check(answer, f"{method} {path} with {name}", 413 if name == "2 MB" else None)


@pytest.mark.parametrize(("body", "field", "code"), [
    ({"event": "withdraw", "on": "2024-10-01", "reason": "moved\u0000away"}, "reason", "control_characters"),
    ({"event": "withdraw", "on": "2024-10-01", "reason": "bell\u0007"}, "reason", "control_characters"),
    ({"event": "withdraw", "on": "2024-10-01", "reason": "C1 \u0085 control"}, "reason", "control_characters"),
    ({"event": "withdraw", "on": "2024-10-01", "reason": "x", "extra": [{"deep": ["\u001f"]}]}, "extra[0].deep[0]",
     "control_characters"),
    ({"event": "withdraw", "on": "2024-10-01\u0000"}, "on", "control_characters"),
    ({"event": "record_advice", "on": "2024-10-02", "advice_request_id": 2**31}, "advice_request_id",
     "out_of_range"),
])
def test_control_characters_and_huge_numbers_are_422_naming_the_field(walk, body, field, code):
    case_id = walk["ids"]["case_id"]
    before = _call(walk, "GET", f"/api/v1/cases/{case_id}/history").get_json()
    answer = _call(walk, "POST", f"/api/v1/cases/{case_id}/events", json=body)
    _check(answer, "event", 422)
    error = answer.get_json()["error"]
    assert (error["code"], error["field"]) == (code, field)
    assert _call(walk, "GET", f"/api/v1/cases/{case_id}/history").get_json() == before


def test_tabs_and_line_breaks_in_text_are_kept(walk):
    case_id = walk["ids"]["case_id"]
    reason = "Family moved.\r\n\tNew address to follow."
    answer = _call(walk, "POST", f"/api/v1/cases/{case_id}/events",
                   json={"event": "withdraw", "on": "2024-10-03", "reason": reason})
    assert answer.status_code == 200, answer.get_json()
    assert answer.get_json()["state"] == "withdrawn"


def test_wrong_methods_are_405_with_an_allow_header(walk):
    for rule, methods in walk["routes"]:
        path = _fill(rule, walk["ids"])[0]
        for method in set(HTTP_METHODS) - methods:
            answer = _call(walk, method, path, json={})
            _check(answer, f"{method} {path}", 405)
            allowed = {m.strip() for m in answer.headers["Allow"].split(",")}
            assert methods <= allowed, (path, allowed)
            assert answer.get_json()["error"]["code"] == "method_not_allowed"


def test_without_a_token_hostile_requests_are_still_answered_in_shape(walk):
    client = walk["client"]
    for rule, methods in walk["routes"]:
        for path in _fill(rule, walk["ids"], "99999999999999999999") or _fill(rule, walk["ids"]):
            for method in methods:
                _check(client.open(path, method=method, data=b"{", content_type="application/json"),
                       f"{method} {path} without a token")
    _check(client.post("/api/v1/no-such-thing", data=b"{}", content_type="application/json"), "unknown POST", 404)
    wrong = client.post("/api/v1/openapi.json", data=b"{}", content_type="application/json")
    _check(wrong, "POST to a GET-only address", 405)
    assert "GET" in wrong.headers["Allow"]
    _check(client.post("/api/v1/cases", data=b"x" * TWO_MB, content_type="application/json"), "2 MB", 413)
