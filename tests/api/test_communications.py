"""The communication log through POST/GET /cases/{id}/communications; answers checked against OpenAPI."""

from __future__ import annotations

CALL = {"on": "2024-09-10", "direction": "in", "channel": "phone", "party": "Ms Taylor (mother)",
        "summary": "Asked when the decision is due; told by 14 October 2024."}


def test_a_call_is_logged_listed_and_in_the_history(api):
    cid = api.new_case("2024-09-02")["id"]
    answer = api.post(f"/cases/{cid}/communications", CALL)
    assert answer.status_code == 201, answer.get_json()
    logged = answer.get_json()
    assert {k: logged[k] for k in CALL} == CALL and logged["corrected"] is False
    email = {**CALL, "on": "2024-09-12", "direction": "out", "channel": "email", "summary": "Sent the leaflet."}
    assert api.post(f"/cases/{cid}/communications", email).status_code == 201
    listed = api.get(f"/cases/{cid}/communications").get_json()
    assert [c["on"] for c in listed] == ["2024-09-12", "2024-09-10"]  # newest first
    history = api.get(f"/cases/{cid}/history").get_json()
    assert [h["fields"]["channel"] for h in history if h["event"] == "record_contact"] == ["phone", "email"]
    case = api.get(f"/cases/{cid}").get_json()
    assert case["state"] == "request_received"
    assert [d["kind"] for d in case["deadlines"]] == ["decision_to_assess", "issue_decision", "final_plan"]


def test_a_contact_can_be_logged_on_a_closed_case(api):
    cid = api.new_case("2024-09-02")["id"]
    assert api.event(cid, "refuse_to_assess", "2024-09-20", reason="Needs met at SEN support").status_code == 200
    answer = api.post(f"/cases/{cid}/communications", {**CALL, "on": "2024-09-25"})
    assert answer.status_code == 201, answer.get_json()


def test_a_corrected_contact_reads_as_corrected(api):
    cid = api.new_case("2024-09-02")["id"]
    entry_id = api.post(f"/cases/{cid}/communications", CALL).get_json()["id"]
    answer = api.post(f"/cases/{cid}/corrections", {"entry_id": entry_id, "channel": "meeting",
                                                      "reason": "It was a meeting at school, not a call"})
    assert answer.status_code == 200, answer.get_json()
    [logged] = api.get(f"/cases/{cid}/communications").get_json()
    assert (logged["channel"], logged["corrected"]) == ("meeting", True)


def test_bad_contacts_are_refused_and_nothing_is_written(api):
    cid = api.new_case("2024-09-02")["id"]
    refusals = [
        ({**CALL, "channel": "pigeon"}, 422, "channel"),
        ({**CALL, "summary": "x" * 2001}, 422, "summary"),
        ({k: v for k, v in CALL.items() if k != "party"}, 400, "party"),
        ({**CALL, "on": "2024-08-30"}, 422, "on"),  # before the request was received
        ({**CALL, "on": "2099-01-01"}, 422, "on"),
        ({**CALL, "event": "withdraw"}, 400, "event"),
        ({**CALL, "colour": "red"}, 400, "colour"),
    ]
    for body, status, field in refusals:
        answer = api.post(f"/cases/{cid}/communications", body)
        assert answer.status_code == status, (body, answer.get_json())
        assert answer.get_json()["error"]["field"] == field, body
    assert api.get(f"/cases/{cid}/communications").get_json() == []


def test_roles(api_as):
    caseworker = api_as("caseworker")
    cid = caseworker.new_case("2024-09-02")["id"]
    assert api_as("manager").get(f"/cases/{cid}/communications").status_code == 200
    assert api_as("adviser", org="Northbridge NHS Trust").get(f"/cases/{cid}/communications").status_code == 403
    adviser = api_as("adviser", org="Northbridge NHS Trust")
    assert adviser.post(f"/cases/{cid}/communications", CALL).status_code == 403
    assert api_as("manager").post(f"/cases/{cid}/communications", CALL).status_code == 201
    assert caseworker.get("/cases/999999/communications").status_code == 404
