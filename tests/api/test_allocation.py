"""Allocation over the API: POST /cases/{id}/allocation and GET /cases?assigned_to=, with the contract's errors."""

from __future__ import annotations

from freezegun import freeze_time


@freeze_time("2024-09-20")
def test_a_request_made_through_the_api_starts_unallocated_and_is_then_allocated(api, make_user, client):
    make_user(username="anna")
    make_user(username="ben")
    case = api.new_case()
    assert case["assigned_to"] is None
    assert [c["id"] for c in api.get("/cases?assigned_to=none").get_json()["items"]] == [case["id"]]
    answer = api.post(f"/cases/{case['id']}/allocation", {"caseworker": "anna", "on": "2024-09-03"})
    assert answer.status_code == 200 and answer.get_json()["assigned_to"] == "anna"
    again = api.post(f"/cases/{case['id']}/allocation", {"caseworker": "ben"})
    assert again.status_code == 200 and again.get_json()["assigned_to"] == "ben"
    assert api.get("/cases?assigned_to=anna").get_json()["total"] == 0
    assert [c["id"] for c in api.get("/cases?assigned_to=ben").get_json()["items"]] == [case["id"]]
    assert api.get("/cases?assigned_to=none").get_json()["total"] == 0
    history = api.get(f"/cases/{case['id']}/history").get_json()
    allocations = [(e["on"], e["fields"]) for e in history if e["event"] == "assign_caseworker"]
    assert allocations == [("2024-09-03", {"caseworker": "anna"}),
                           ("2024-09-20", {"caseworker": "ben", "previous_caseworker": "anna"})]


@freeze_time("2024-09-20")
def test_refusals_use_the_contract_shape(api, api_as, make_user):
    make_user(username="anna")
    case = api.new_case()
    path = f"/cases/{case['id']}/allocation"
    cases = [
        ({"caseworker": "nobody"}, 422, "unknown_caseworker"),
        ({"caseworker": "anna", "colour": "red"}, 400, "unknown_field"),
        ({}, 400, "missing_field"),
        ({"caseworker": "anna", "on": "2099-01-01"}, 422, "date_in_future"),
        ({"caseworker": "anna", "on": "2024-08-01"}, 422, "date_before_request"),
        ({"caseworker": "a" * 101}, 422, "too_long"),
    ]
    for body, status, code in cases:
        answer = api.post(path, body)
        assert (answer.status_code, answer.get_json()["error"]["code"]) == (status, code), body
    assert api.post(path, {"caseworker": "anna"}).status_code == 200
    twice = api.post(path, {"caseworker": "anna"})
    assert (twice.status_code, twice.get_json()["error"]["code"]) == (422, "already_allocated")
    assert "anna" in twice.get_json()["error"]["message"]
    assert api.post("/cases/999999/allocation", {"caseworker": "anna"}).status_code == 404
    adviser = api_as("adviser", org="Northbridge NHS Foundation Trust")
    assert adviser.post(path, {"caseworker": "anna"}).status_code == 403
    assert api.get("/cases?assigned_to=" + "x" * 101).status_code == 422
