"""Status codes exactly as the contract names them; after any refusal the case is exactly as before."""

import pytest

from tests.api.conftest import Api


@pytest.fixture
def assessed(api):
    cid = api.new_case("2024-09-02")["id"]
    api.event(cid, "agree_to_assess", "2024-10-01")
    return cid


def state_of(api: Api, cid: int):
    return api.get(f"/cases/{cid}?as_of=2025-06-01").get_json(), api.get(f"/cases/{cid}/history").get_json()


def refused(api: Api, cid: int, response, status: int, code: str | None = None):
    before = state_of(api, cid)
    answer = response()
    assert answer.status_code == status, answer.get_json()
    body = answer.get_json()
    assert set(body) == {"error"} and body["error"]["message"]
    if code:
        assert body["error"]["code"] == code
    assert state_of(api, cid) == before
    return body["error"]


@pytest.mark.parametrize(("body", "code"), [
    ({"on": "2024-10-02"}, "unknown_event"),
    ({"event": "teleport", "on": "2024-10-02"}, "unknown_event"),
    ({"event": "decide_to_issue"}, "missing_field"),
    ({"event": "decide_to_issue", "on": "02/10/2024"}, "bad_date"),
    ({"event": "decide_to_issue", "on": "2025-02-30"}, "bad_date"),
    ({"event": "decide_to_issue", "on": 20241002}, "bad_date"),
    ({"event": "request_advice", "on": "2024-10-02", "organisation": "NHS"}, "missing_field"),
    ({"event": "record_advice", "on": "2024-10-02", "advice_request_id": "one"}, "bad_type"),
    ({"event": "decide_to_issue", "on": "2024-10-02", "version": "x"}, "bad_type"),
])
def test_malformed_events_are_400(api, assessed, body, code):
    refused(api, assessed, lambda: api.post(f"/cases/{assessed}/events", body), 400, code)


def test_a_body_that_is_not_a_json_object_is_400(api, assessed):
    refused(api, assessed, lambda: api.client.post(f"/api/v1/cases/{assessed}/events", data="not json",
                                                   headers={**api.header, "Content-Type": "application/json"}),
            400, "malformed_json")
    refused(api, assessed, lambda: api.post(f"/cases/{assessed}/events", ["agree_to_assess"]), 400, "malformed_json")


@pytest.mark.parametrize("header", [{}, {"Authorization": "Token abc"}, {"Authorization": "Bearer "},
                                    {"Authorization": "Bearer not-a-real-token"}])
def test_no_or_bad_token_is_401(api, assessed, header):
    unauthenticated = Api(api.client, header)
    for response in (unauthenticated.get("/cases"), unauthenticated.get(f"/cases/{assessed}"),
                     unauthenticated.event(assessed, "decide_to_issue", "2024-12-01")):
        assert response.status_code == 401 and response.get_json()["error"]["code"] in ("unauthenticated", "bad_token")
    assert state_of(api, assessed)[0]["state"] == "assessment"


def test_roles_that_may_not_are_403(api, api_as, assessed):
    adviser, admin = api_as("adviser", org="Northbridge NHS Trust"), api_as("admin")
    for who in (adviser, admin):
        refused(api, assessed, lambda who=who: who.event(assessed, "decide_to_issue", "2024-12-01"), 403, "forbidden")
        assert who.get("/cases").status_code == 403
        assert who.post("/cases", {"child": {}, "received_on": "2024-09-02"}).status_code == 403
    manager = api_as("manager")
    assert manager.get(f"/cases/{assessed}").status_code == 200


def test_missing_things_are_404(api):
    assert api.get("/cases/999999").status_code == 404
    assert api.get("/cases/999999/history").status_code == 404
    assert api.event(999999, "agree_to_assess", "2024-10-01").status_code == 404
    assert api.post("/advice-requests/999999/return", {"on": "2024-10-01"}).status_code == 404
    missing = api.client.get("/api/v1/no-such-thing", headers=api.header)
    assert missing.status_code == 404 and missing.get_json()["error"]["code"] == "not_found"
    wrong_method = api.client.delete("/api/v1/cases", headers=api.header)
    assert wrong_method.status_code == 405 and "error" in wrong_method.get_json()


def test_an_event_the_state_does_not_allow_is_409_naming_the_state(api, assessed):
    error = refused(api, assessed, lambda: api.event(assessed, "issue_final", "2024-12-01"), 409, "event_not_allowed")
    assert "'Assessment'" in error["message"] and "Decide to issue a plan" in error["message"]
    assert "decide_to_issue" not in error["message"]


def test_a_stale_version_is_409(api, assessed):
    version = api.get(f"/cases/{assessed}").get_json()["version"]
    assert api.event(assessed, "request_advice", "2024-10-02", advice_type="health", organisation="NHS",
                     version=version).status_code == 200
    refused(api, assessed, lambda: api.event(assessed, "decide_to_issue", "2024-12-01", version=version), 409,
            "conflict")


@pytest.mark.parametrize(("on", "code"), [
    ("2024-09-01", "date_before_request"),
    ("2024-09-30", "date_before_last_event"),
    ("2999-01-01", "date_in_future"),
])
def test_dates_out_of_order_are_422(api, assessed, on, code):
    refused(api, assessed, lambda: api.event(assessed, "decide_to_issue", on), 422, code)


def test_a_window_not_yet_closed_is_422(api):
    cid = api.new_case("2024-09-02")["id"]
    steps = (("agree_to_assess", "2024-10-01"), ("decide_to_issue", "2024-11-01"), ("issue_draft", "2024-11-04"))
    for event, on in steps:
        api.event(cid, event, on)
    refused(api, cid, lambda: api.event(cid, "issue_final", "2024-11-18"), 422, "guard_refused")


@pytest.mark.parametrize(("change", "status"), [
    ({"received_on": "2999-01-01"}, 422),
    ({"received_on": "yesterday"}, 400),
    ({"requested_by": "neighbour"}, 422),
    ({"child": {"given_name": "A", "family_name": "B", "date_of_birth": "2016-01-01", "primary_need": "XX"}}, 422),
    ({"child": {"given_name": "A", "family_name": "B"}}, 400),
    ({"child": "Sam"}, 400),
])
def test_bad_new_requests_are_refused_and_create_nothing(api, change, status):
    body = {"child": {"given_name": "Sam", "family_name": "Taylor", "date_of_birth": "2016-05-04"},
            "received_on": "2024-09-02", "requested_by": "parent", **change}
    assert api.post("/cases", body).status_code == status
    assert api.get("/cases").get_json()["total"] == 0


@pytest.mark.parametrize("query", ["state=dreaming", "overdue=maybe", "page=0", "per_page=x"])
def test_bad_list_parameters_are_400(api, query):
    assert api.get(f"/cases?{query}").status_code == 400


def test_bad_as_of_is_400(api, assessed):
    assert api.get(f"/cases/{assessed}?as_of=tomorrow").status_code == 400
