"""The API for disagreement resolution and transfers: events on the case, 409 and 422 that change nothing."""

from __future__ import annotations

import pytest

from tests.disputes.conftest import D


@pytest.fixture
def caseworker_header(make_user, auth_header):
    return auth_header(make_user("caseworker"))


def _post(client, header, case_id, body):
    return client.post(f"/api/v1/cases/{case_id}/events", json=body, headers=header)


def _disputes(client, header, case_id):
    answer = client.get(f"/api/v1/cases/{case_id}/disputes", headers=header)
    assert answer.status_code == 200
    return answer.get_json()["items"]


def test_mediation_and_appeal_through_the_api(client, caseworker_header, refused):
    case_id, decision = refused(letter_on=D(2025, 1, 10))
    answer = _post(client, caseworker_header, case_id, {"event": "record_mediation_contact", "on": "2025-02-17",
                                                        "decision": decision, "wants_mediation": False})
    assert answer.status_code == 200, answer.get_json()
    case = answer.get_json()
    # Monday 17 February 2025 + 3 working days: due Thursday 20 February 2025, long past.
    assert [(d["due_on"], d["status"]) for d in case["deadlines"] if d["kind"] == "mediation_certificate"] == [
        ("2025-02-20", "overdue")]
    assert _post(client, caseworker_header, case_id, {"event": "issue_mediation_certificate", "on": "2025-02-20",
                                                      "decision": decision}).status_code == 200
    assert _post(client, caseworker_header, case_id, {
        "event": "register_appeal", "on": "2025-03-20", "decision": decision, "tribunal_reference": "EH/API/1",
        "grounds": ["assessment"]}).status_code == 200
    answer = _post(client, caseworker_header, case_id, {
        "event": "record_appeal_outcome", "on": "2025-06-02", "tribunal_reference": "EH/API/1", "outcome": "order",
        "order": "assess", "ordered_on": "2025-05-30"})
    assert answer.status_code == 200
    (dispute,) = _disputes(client, caseworker_header, case_id)
    assert (dispute["certificate_on"], dispute["tribunal_reference"], dispute["order"]) == (
        "2025-02-20", "EH/API/1", "assess")
    steps = {d["step"]: d["due_on"] for d in dispute["deadlines"] if d["kind"] == "tribunal_order"}
    # Friday 30 May 2025 + 2, 10 and 14 weeks.
    assert steps == {"notify_assessment": "2025-06-13", "no_plan_notice": "2025-08-08", "final_plan": "2025-09-05"}
    assert answer.get_json()["state"] == "refused_to_assess"  # the appeal runs beside the case


@pytest.mark.parametrize(("body", "status", "code"), [
    ({"event": "record_mediation_contact", "on": "2025-02-17", "decision": "D", "wants_mediation": "no"}, 400,
     "bad_type"),
    ({"event": "record_mediation_contact", "on": "2025-02-17", "decision": "D", "wants_mediation": False,
      "colour": "red"}, 400, "unknown_field"),
    ({"event": "register_appeal", "on": "2025-02-17", "tribunal_reference": "EH/1", "grounds": ["assessment"]}, 400,
     "missing_field"),
    ({"event": "register_appeal", "on": "2025-02-17", "decision": "D", "tribunal_reference": "EH/1",
      "grounds": ["cost"]}, 422, "invalid_choice"),
    ({"event": "hold_mediation", "on": "2025-02-17", "decision": "D"}, 400, "missing_field"),
    ({"event": "record_mediation_contact", "on": "17/02/2025", "decision": "D", "wants_mediation": True}, 400,
     "bad_date"),
    ({"event": "record_mediation_contact", "on": "2999-01-01", "decision": "D", "wants_mediation": True}, 422,
     "date_in_future"),
    ({"event": "record_mediation_contact", "on": "2025-02-17", "decision": 987654, "wants_mediation": True}, 422,
     "unknown_decision"),
    ({"event": "register_appeal", "on": "2025-02-17", "decision": "D", "tribunal_reference": "x" * 51,
      "grounds": ["contents_i"]}, 422, "too_long"),
    ({"event": "record_appeal_outcome", "on": "2025-02-17", "tribunal_reference": "none", "outcome": "order",
      "order": "assess", "ordered_on": "2025-02-17"}, 422, "unknown_appeal"),
])
def test_bad_bodies_answer_their_code_and_change_nothing(client, caseworker_header, refused, body, status, code):
    case_id, decision = refused(letter_on=D(2025, 1, 10))
    body = {k: (decision if v == "D" else v) for k, v in body.items()}
    before = client.get(f"/api/v1/cases/{case_id}/history", headers=caseworker_header).get_json()
    answer = _post(client, caseworker_header, case_id, body)
    assert answer.status_code == status, answer.get_json()
    assert answer.get_json()["error"]["code"] == code
    assert client.get(f"/api/v1/cases/{case_id}/history", headers=caseworker_header).get_json() == before


def test_a_step_out_of_turn_is_409_and_changes_nothing(client, caseworker_header, refused):
    case_id, decision = refused(letter_on=D(2025, 1, 10))
    body = {"event": "record_mediation_contact", "on": "2025-02-17", "decision": decision, "wants_mediation": False}
    assert _post(client, caseworker_header, case_id, body).status_code == 200
    before = _disputes(client, caseworker_header, case_id)
    again = _post(client, caseworker_header, case_id, {**body, "on": "2025-02-18", "wants_mediation": True})
    assert again.status_code == 409
    assert "2025" not in again.get_json()["error"]["message"]
    mediation = _post(client, caseworker_header, case_id, {"event": "hold_mediation", "on": "2025-02-18",
                                                           "decision": decision, "outcome": "agreed"})
    assert mediation.status_code == 409
    assert _disputes(client, caseworker_header, case_id) == before


def test_an_appeal_without_a_certificate_is_422_naming_the_law(client, caseworker_header, refused):
    case_id, decision = refused(letter_on=D(2025, 1, 10))
    answer = _post(client, caseworker_header, case_id, {"event": "register_appeal", "on": "2025-02-03",
                                                        "decision": decision, "tribunal_reference": "EH/2",
                                                        "grounds": ["assessment"]})
    assert answer.status_code == 422
    assert answer.get_json()["error"] | {"message": None} == {"code": "certificate_required", "field": "grounds",
                                                              "message": None}
    assert "s.55" in answer.get_json()["error"]["message"]


def test_a_transfer_in_and_a_move_out_through_the_api(client, caseworker_header):
    answer = client.post("/api/v1/cases", headers=caseworker_header, json={
        "child": {"given_name": "Sam", "family_name": "Example", "date_of_birth": "2015-06-01"},
        "transfer_in": {"from_authority": "Westshire Council", "transferred_on": "2025-01-31",
                        "plan_made_on": "2024-03-01", "last_reviewed_on": "2025-01-15"}})
    assert answer.status_code == 201, answer.get_json()
    case = answer.get_json()
    assert case["state"] == "plan_maintained"
    assert {(d["kind"], d["rule"], d["due_on"]) for d in case["deadlines"]} == {
        ("transfer_notice", "R9.2", "2025-03-14"), ("annual_review", "R9.3", "2026-01-14")}
    assert _post(client, caseworker_header, case["id"], {"event": "send_transfer_notice",
                                                         "on": "2025-03-10"}).status_code == 200
    moved = _post(client, caseworker_header, case["id"], {"event": "record_move_out", "on": "2025-04-14",
                                                          "new_authority": "Southshire", "moved_on": "2025-04-20",
                                                          "learned_on": "2025-04-14"})
    assert moved.status_code == 200
    assert [d["due_on"] for d in moved.get_json()["deadlines"] if d["kind"] == "transfer_out"] == ["2025-05-07"]
    (out,) = [t for t in client.get(f"/api/v1/cases/{case['id']}/transfers", headers=caseworker_header)
              .get_json()["items"] if t["direction"] == "out"]
    assert (out["authority"], out["deadlines"][0]["rule"]) == ("Southshire", "R9.1")


def test_a_transfer_in_with_an_unknown_field_or_bad_dates_is_refused(client, caseworker_header):
    typo = client.post("/api/v1/cases", headers=caseworker_header, json={
        "child": {"given_name": "Sam", "family_name": "Example", "date_of_birth": "2015-06-01"},
        "transfer_in": {"from_authority": "W", "transferred_on": "2025-01-31", "plan_made_on": "2024-03-01"},
        "received_on": "2025-01-31"})
    assert (typo.status_code, typo.get_json()["error"]["code"]) == (400, "unknown_field")
    late = client.post("/api/v1/cases", headers=caseworker_header, json={
        "child": {"given_name": "Sam", "family_name": "Example", "date_of_birth": "2015-06-01"},
        "transfer_in": {"from_authority": "W", "transferred_on": "2025-01-31", "plan_made_on": "2025-03-01"}})
    assert (late.status_code, late.get_json()["error"]["code"]) == (422, "date_after_transfer")
    assert client.get("/api/v1/cases", headers=caseworker_header).get_json()["total"] == 0
