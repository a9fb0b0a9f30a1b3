"""Exceptions covering several time limits through POST /cases/{id}/events; answers checked against OpenAPI."""

from __future__ import annotations


def assessing(api) -> dict:
    cid = api.new_case("2024-09-02")["id"]  # no-plan notice due 23 December 2024, final plan 20 January 2025
    api.event(cid, "agree_to_assess", "2024-10-07")
    return api.event(cid, "request_advice", "2024-10-08", advice_type="health",
                     organisation="Northbridge NHS Trust").get_json()


def deadline(case: dict, kind: str) -> dict:
    return next(d for d in case["deadlines"] if d["kind"] == kind)


def test_one_exception_for_two_limits_excuses_both_when_late(api):
    case = assessing(api)
    cid = case["id"]
    answer = api.event(cid, "record_exception", "2024-11-20", reason="personal_circumstances",
                       starts_on="2024-11-01", ends_on="2024-12-31", applies_to=["final_plan", "issue_decision"],
                       family_told_on="2024-11-20", evidence="Letter from the family's GP")
    assert answer.status_code == 200, answer.get_json()
    [exception] = answer.get_json()["exceptions"]
    assert (exception["applies_to"], exception["limits"]) == (["final_plan", "issue_decision"],
                                                              ["final_plan", "issue_decision"])
    for event, on in (("decide_to_issue", "2025-01-06"), ("issue_draft", "2025-01-07"), ("issue_final", "2025-02-03")):
        assert api.event(cid, event, on).status_code == 200
    case = api.get(f"/cases/{cid}?as_of=2025-02-10").get_json()
    for kind in ("issue_decision", "final_plan"):
        assert (deadline(case, kind)["status"], deadline(case, kind)["excused"]) == ("met_late", True), kind
    assert (deadline(case, "advice")["status"], deadline(case, "advice")["excused"]) == ("overdue", False)
    history = api.get(f"/cases/{cid}/history").get_json()
    assert next(h for h in history if h["event"] == "record_exception")["fields"]["applies_to"] == [
        "final_plan", "issue_decision"]


def test_an_advice_request_named_by_number_reads_back_as_one_limit(api):
    case = assessing(api)
    advice_id = case["advice_requests"][0]["id"]
    answer = api.event(case["id"], "record_exception", "2024-11-20", reason="missed_appointment",
                       starts_on="2024-10-20", ends_on="2024-10-20", applies_to=[advice_id])
    assert answer.status_code == 200, answer.get_json()
    [exception] = answer.get_json()["exceptions"]
    assert (exception["applies_to"], exception["limits"]) == (str(advice_id), [str(advice_id)])
    assert deadline(api.get(f"/cases/{case['id']}?as_of=2024-12-01").get_json(), "advice")["excused"] is True


def test_a_list_with_one_inapplicable_limit_is_refused_and_nothing_is_written(api):
    case = assessing(api)
    cid, advice_id = case["id"], case["advice_requests"][0]["id"]
    before = api.get(f"/cases/{cid}").get_json()
    history = api.get(f"/cases/{cid}/history").get_json()
    refused = api.event(cid, "record_exception", "2024-11-20", reason="missed_appointment", starts_on="2024-10-20",
                        ends_on="2024-10-20", applies_to=[advice_id, "final_plan"])
    assert refused.status_code == 422
    error = refused.get_json()["error"]
    assert (error["code"], error["field"]) == ("exception_not_applicable", "applies_to")
    assert "Final plan issued (20 weeks)" in error["message"] and "final_plan" not in error["message"]
    after = api.get(f"/cases/{cid}").get_json()
    assert (after["exceptions"], after["version"]) == ([], before["version"])
    assert api.get(f"/cases/{cid}/history").get_json() == history


def test_malformed_lists_are_400_and_an_empty_one_422(api):
    cid = assessing(api)["id"]
    fields = {"reason": "personal_circumstances", "starts_on": "2024-10-20", "ends_on": "2024-11-20"}
    for bad in ([True], [["final_plan"]], {"kind": "final_plan"}, [None]):
        answer = api.event(cid, "record_exception", "2024-11-20", applies_to=bad, **fields)
        assert answer.status_code == 400 and answer.get_json()["error"]["code"] == "bad_type", bad
    empty = api.event(cid, "record_exception", "2024-11-20", applies_to=[], **fields)
    assert empty.status_code == 422 and empty.get_json()["error"]["code"] == "required"
