"""Every event of the contract through POST /cases/{id}/events."""

import datetime as dt

import freezegun


def kinds(case, kind):
    return [d for d in case["deadlines"] if d["kind"] == kind]


def test_a_case_from_request_to_ceasing_through_every_event(api):
    case = api.new_case("2024-09-02")
    cid = case["id"]
    assert [(d["kind"], d["rule"], d["due_on"]) for d in case["deadlines"]] == [
        ("decision_to_assess", "R1.1", "2024-10-14"), ("issue_decision", "R3.1", "2024-12-23"),
        ("final_plan", "R5.1", "2025-01-20")]
    assert api.event(cid, "agree_to_assess", "2024-10-07").get_json()["state"] == "assessment"
    case = api.event(cid, "request_advice", "2024-10-08", advice_type="health", organisation="Northbridge NHS Trust",
                     received_on="2024-10-09").get_json()
    advice = case["advice_requests"][0]
    assert (advice["received_on"], advice["due_on"]) == ("2024-10-09", "2024-11-20")
    api.event(cid, "request_advice", "2024-10-08", advice_type="educational", organisation="Oak Primary School")
    case = api.event(cid, "record_advice", "2024-11-19", advice_request_id=advice["id"]).get_json()
    assert [d["met_on"] for d in kinds(case, "advice") if d["advice_request_id"] == advice["id"]] == ["2024-11-19"]
    case = api.event(cid, "record_exception", "2024-11-20", reason="personal_circumstances", starts_on="2024-11-01",
                     ends_on="2024-12-31", applies_to="final_plan", family_told_on="2024-11-20",
                     evidence="Hospital stay").get_json()
    assert case["exceptions"][0]["applies_to"] == "final_plan"
    assert api.event(cid, "decide_to_issue", "2024-12-16").get_json()["state"] == "drafting"
    assert api.event(cid, "issue_draft", "2025-01-06").get_json()["state"] == "draft_issued"
    early = api.event(cid, "issue_final", "2025-01-20")
    assert early.status_code == 422 and early.get_json()["error"]["code"] == "guard_refused"
    assert "the earliest date the plan may be issued is 21 January 2025" in early.get_json()["error"]["message"]
    case = api.event(cid, "issue_final", "2025-01-21", named_setting="Oak Primary School").get_json()
    final = kinds(case, "final_plan")[0]
    assert (case["state"], final["status"], final["excused"]) == ("plan_maintained", "met_late", True)
    case = api.event(cid, "set_phase_transfer", "2025-03-01", transfer="school", year=2026).get_json()
    assert kinds(case, "phase_transfer")[0]["due_on"] == "2026-02-14"
    assert api.event(cid, "hold_review_meeting", "2025-11-05").get_json()["state"] == "under_review"
    api.event(cid, "record_review_report", "2025-11-12")
    case = api.event(cid, "decide_review_outcome", "2025-11-26", outcome="amend").get_json()
    assert case["state"] == "amending" and kinds(case, "amended_plan")[0]["due_on"] == "2026-01-21"
    assert api.event(cid, "issue_amended_plan", "2026-01-13").get_json()["state"] == "plan_maintained"
    assert api.event(cid, "cease_plan", "2026-07-20", reason=4).get_json()["state"] == "ceasing"
    # kept until the family's 2 months to appeal have passed: 20 September 2026 is the last day
    assert api.event(cid, "confirm_ceased", "2026-09-20").status_code == 422
    assert api.event(cid, "confirm_ceased", "2026-09-21").get_json()["state"] == "ceased"
    history = api.get(f"/cases/{cid}/history").get_json()
    assert [h["event"] for h in history] == [
        "request_received", "agree_to_assess", "request_advice", "request_advice", "record_advice", "record_exception",
        "decide_to_issue", "issue_draft", "issue_final", "set_phase_transfer", "hold_review_meeting",
        "record_review_report", "decide_review_outcome", "issue_amended_plan", "cease_plan", "confirm_ceased"]
    assert history[1]["actor"].startswith("caseworker")


def test_refuse_withdraw_and_not_issue_paths(api):
    refused = api.new_case()
    case = api.event(refused["id"], "refuse_to_assess", "2024-10-01", reason="Needs met at SEN support").get_json()
    assert case["state"] == "refused_to_assess" and case["allowed_events"] == ["record_contact"]
    withdrawn = api.new_case()
    assert api.event(withdrawn["id"], "withdraw", "2024-09-20", reason="Moved away").get_json()["state"] == "withdrawn"
    not_issued = api.new_case()
    api.event(not_issued["id"], "agree_to_assess", "2024-10-01")
    case = api.event(not_issued["id"], "decide_not_to_issue", "2024-12-20", reason="Needs can be met").get_json()
    assert case["state"] == "not_issued"
    assert {d["kind"]: d["status"] for d in case["deadlines"]}["final_plan"] == "cancelled"


def test_review_outcomes_maintain_and_cease(api):
    for outcome, state, extra in (("maintain", "plan_maintained", {}), ("cease", "ceasing", {"reason": 2})):
        cid = api.new_case()["id"]
        for event, on in (("agree_to_assess", "2024-10-01"), ("decide_to_issue", "2024-12-01"),
                          ("issue_draft", "2024-12-02"), ("issue_final", "2024-12-20"),
                          ("hold_review_meeting", "2025-11-01")):
            assert api.event(cid, event, on).status_code == 200
        case = api.event(cid, "decide_review_outcome", "2025-11-20", outcome=outcome, **extra).get_json()
        assert case["state"] == state


def test_statuses_as_of_a_date(api):
    cid = api.new_case("2024-09-02")["id"]
    statuses = {d["kind"]: d["status"] for d in api.get(f"/cases/{cid}?as_of=2024-10-01").get_json()["deadlines"]}
    assert statuses == {"decision_to_assess": "due_soon", "issue_decision": "pending", "final_plan": "pending"}
    statuses = {d["kind"]: d["status"] for d in api.get(f"/cases/{cid}?as_of=2024-10-15").get_json()["deadlines"]}
    assert statuses["decision_to_assess"] == "overdue"


def test_listing_filters_and_pages(api):
    with freezegun.freeze_time("2024-10-20"):
        ids = [api.new_case(f"2024-09-{day:02d}")["id"] for day in (2, 3, 30)]
        api.event(ids[0], "agree_to_assess", "2024-10-01")
        listing = api.get("/cases?overdue=true").get_json()
        assert [c["id"] for c in listing["items"]] == [ids[1]]  # received 3 Sep: decision due 15 Oct, not made
        assert api.get("/cases?overdue=false").get_json()["total"] == 2
        assert api.get("/cases?state=assessment").get_json()["total"] == 1
        page = api.get("/cases?per_page=2&page=2").get_json()
        assert (page["total"], len(page["items"]), page["page"]) == (3, 1, 2)


def test_advisers_see_and_return_only_their_organisations_advice(api, api_as):
    cid = api.new_case()["id"]
    api.event(cid, "agree_to_assess", "2024-10-01")
    api.event(cid, "request_advice", "2024-10-02", advice_type="health", organisation="Northbridge NHS Trust")
    case = api.event(cid, "request_advice", "2024-10-02", advice_type="psychological",
                     organisation="Educational Psychology Service").get_json()
    health, psych = case["advice_requests"]
    nurse = api_as("adviser", org="Northbridge NHS Trust")
    listing = nurse.get("/advice-requests?status=outstanding").get_json()
    assert [a["id"] for a in listing["items"]] == [health["id"]]
    assert nurse.post(f"/advice-requests/{psych['id']}/return", {"on": "2024-10-20"}).status_code == 404
    returned = nurse.post(f"/advice-requests/{health['id']}/return", {"on": "2024-10-20"})
    assert returned.status_code == 200 and returned.get_json()["returned_on"] == "2024-10-20"
    assert nurse.get("/advice-requests?status=outstanding").get_json()["total"] == 0
    case = api.get(f"/cases/{cid}").get_json()
    assert [d["status"] for d in case["deadlines"] if d["advice_request_id"] == health["id"]] == ["met"]
    assert api.get(f"/cases/{cid}/history").get_json()[-1]["actor"].startswith("adviser")


def test_today_is_the_default_as_of(api):
    cid = api.new_case(dt.date.today().isoformat())["id"]
    assert {d["status"] for d in api.get(f"/cases/{cid}").get_json()["deadlines"]} == {"pending"}
