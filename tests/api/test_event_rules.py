"""Through the API: strict event bodies, the dates of entry, late advice, cancelling and withdrawing, as_of."""

from __future__ import annotations

import pytest
from freezegun import freeze_time

from casework.law.events import EVENTS, LONG_TEXT
from tests.api.conftest import Api
from tests.api.test_errors import refused, state_of


@pytest.fixture
def assessed(api: Api) -> int:
    cid = api.new_case("2024-09-02")["id"]
    assert api.event(cid, "agree_to_assess", "2024-10-01").status_code == 200
    return cid


def _advice(api: Api, cid: int, on: str = "2024-10-02", **extra) -> dict:
    answer = api.event(cid, "request_advice", on, advice_type="health", organisation="Northbridge NHS Trust", **extra)
    assert answer.status_code == 200, answer.get_json()
    return answer.get_json()["advice_requests"][-1]


def _deadline(case: dict, kind: str, advice_id: int | None = None) -> dict:
    return next(d for d in case["deadlines"] if d["kind"] == kind and
                (advice_id is None or d["advice_request_id"] == advice_id))


# --------------------------------------------------------------------------------------------------- strict bodies


def test_a_mistyped_field_is_refused_naming_it_with_nothing_written(api, assessed):
    error = refused(api, assessed, lambda: api.event(assessed, "request_advice", "2024-10-02", advice_type="health",
                                                     organisation="Northbridge NHS Trust", recieved_on="2024-10-09"),
                    400, "unknown_field")
    assert error["field"] == "recieved_on" and "received_on" in error["message"]


def test_a_stale_expected_version_is_checked_not_dropped(api, assessed):
    version = api.get(f"/cases/{assessed}").get_json()["version"]
    assert api.event(assessed, "decide_to_issue", "2024-11-01", expected_version=version).status_code == 200
    refused(api, assessed, lambda: api.event(assessed, "issue_draft", "2024-11-20", expected_version=version),
            409, "conflict")


def test_fields_of_another_event_are_unknown(api, assessed):
    refused(api, assessed, lambda: api.event(assessed, "decide_to_issue", "2024-11-01", reason="Needs are complex"),
            400, "unknown_field")


@pytest.mark.parametrize(("event", "field", "limit", "extra"), [
    ("decide_not_to_issue", "reason", LONG_TEXT, {}),
    ("withdraw", "reason", LONG_TEXT, {}),
])
def test_every_text_limit_is_422_too_long_on_both_engines(api, assessed, event, field, limit, extra):
    assert EVENTS[event].field(field).max_length == limit
    long = "x" * (limit + 1)
    error = refused(api, assessed, lambda: api.event(assessed, event, "2024-10-05", **extra, **{field: long}),
                    422, "too_long")
    assert error["field"] == field and str(limit) in error["message"]
    at_limit = api.event(assessed, event, "2024-10-05", **extra, **{field: "x" * limit})
    assert at_limit.status_code == 200, at_limit.get_json()


def test_every_declared_text_field_has_a_limit_the_api_enforces(api, assessed):
    for spec in EVENTS.values():
        for declared in spec.fields:
            if declared.type in ("text", "long_text"):
                body = {"event": spec.name, "on": "2024-10-05", declared.name: "y" * (declared.max_length + 1)}
                answer = api.post(f"/cases/{assessed}/events", body)
                assert answer.status_code in (400, 409, 422), (spec.name, declared.name)
                if answer.status_code == 422 and answer.get_json()["error"]["field"] == declared.name:
                    assert answer.get_json()["error"]["code"] == "too_long"


def test_a_choice_outside_the_list_is_422_in_plain_words(api, assessed):
    error = refused(api, assessed, lambda: api.event(assessed, "request_advice", "2024-10-02", advice_type="dental",
                                                     organisation="Northbridge NHS Trust"), 422, "invalid_choice")
    assert "Health" in error["message"] and "social_care" not in error["message"]


def test_dates_in_messages_are_written_as_people_write_them(api, assessed):
    error = refused(api, assessed, lambda: api.event(assessed, "decide_to_issue", "2024-09-20"), 422)
    assert "20 September 2024" in error["message"] and "1 October 2024" in error["message"]
    assert "2024-09-20" not in error["message"]


# --------------------------------------------------------------------------------------------------- dates of entry


def test_advice_keyed_out_of_order_is_accepted(api, assessed):
    """Two requests keyed in the order they were opened, not sent: the second dated before the first."""
    first = _advice(api, assessed, "2024-10-20")
    second = _advice(api, assessed, "2024-10-03")
    case = api.event(assessed, "record_advice", "2024-11-01", advice_request_id=second["id"]).get_json()
    assert _deadline(case, "advice", second["id"])["status"] == "met"
    case = api.event(assessed, "record_advice", "2024-10-25", advice_request_id=first["id"]).get_json()
    assert _deadline(case, "advice", first["id"])["met_on"] == "2024-10-25"


def test_a_move_may_not_precede_the_last_move_but_a_fact_may(api, assessed):
    _advice(api, assessed, "2024-11-10")
    # a later fact does not hold back the next step of the case...
    assert api.event(assessed, "decide_to_issue", "2024-11-01").status_code == 200
    # ...but a step may not come before the one before it
    refused(api, assessed, lambda: api.event(assessed, "issue_draft", "2024-10-20"), 422, "date_before_last_event")


def test_advice_returned_before_it_was_requested_is_refused(api, assessed):
    advice = _advice(api, assessed, "2024-10-10")
    error = refused(api, assessed, lambda: api.event(assessed, "record_advice", "2024-10-09",
                                                     advice_request_id=advice["id"]), 422, "date_before_trigger")
    assert "10 October 2024" in error["message"]


def test_advice_requested_before_the_decision_to_assess_is_refused(api, assessed):
    refused(api, assessed, lambda: api.event(assessed, "request_advice", "2024-09-20", advice_type="health",
                                             organisation="Northbridge NHS Trust"), 422, "date_before_trigger")


@freeze_time("2025-06-01")
def test_advice_returned_late_after_the_final_plan_is_met_late_and_counts(api, api_as, assessed):
    advice = _advice(api, assessed, "2024-10-02")
    for event, on in (("decide_to_issue", "2024-11-01"), ("issue_draft", "2024-11-04"), ("issue_final", "2025-01-10")):
        assert api.event(assessed, event, on).status_code == 200
    case = api.get(f"/cases/{assessed}").get_json()
    assert case["state"] == "plan_maintained" and "record_advice" in case["allowed_events"]
    adviser = api_as("adviser", org="Northbridge NHS Trust")
    returned = adviser.post(f"/advice-requests/{advice['id']}/return", {"on": "2025-02-03"})
    assert returned.status_code == 200, returned.get_json()
    case = api.get(f"/cases/{assessed}").get_json()
    assert _deadline(case, "advice", advice["id"])["status"] == "met_late"
    report = api_as("manager").get("/reports/timeliness?year=2025").get_json()
    assert report["advice"]["health"]["returned"] == 1 and report["advice"]["health"]["within_6_weeks"] == 0


# ------------------------------------------------------------------------------------- cancelling, withdrawing


def test_a_request_for_advice_is_cancelled_with_its_reason_and_kept(api, api_as, assessed):
    advice = _advice(api, assessed)
    case = api.event(assessed, "void_advice_request", "2024-10-05", advice_request_id=advice["id"],
                     reason="Sent to the wrong trust").get_json()
    assert _deadline(case, "advice", advice["id"])["status"] == "cancelled"
    kept = next(a for a in case["advice_requests"] if a["id"] == advice["id"])
    assert kept["voided_on"] == "2024-10-05" and kept["void_reason"] == "Sent to the wrong trust"
    assert not kept["outstanding"] and "record_advice" not in case["allowed_events"]
    refused(api, assessed, lambda: api.event(assessed, "record_advice", "2024-10-06", advice_request_id=advice["id"]),
            422, "not_outstanding")
    tray = api_as("adviser", org="Northbridge NHS Trust").get("/advice-requests?status=outstanding").get_json()
    assert advice["id"] not in [a["id"] for a in tray["items"]]


def _exception(api: Api, cid: int, **extra) -> dict:
    body = dict(reason="personal_circumstances", starts_on="2024-12-01", ends_on="2025-01-20",
                applies_to="final_plan", **extra)
    answer = api.event(cid, "record_exception", "2025-01-25", **body)
    assert answer.status_code == 200, answer.get_json()
    return answer.get_json()["exceptions"][-1]


@freeze_time("2025-03-01")
def test_a_withdrawn_exception_excuses_nothing_from_its_withdrawal(api, assessed):
    exception = _exception(api, assessed)
    case = api.get(f"/cases/{assessed}").get_json()
    assert _deadline(case, "final_plan")["status"] == "overdue" and _deadline(case, "final_plan")["excused"]
    case = api.event(assessed, "withdraw_exception", "2025-02-10", exception_id=exception["id"],
                     reason="The family was not away after all").get_json()
    assert not _deadline(case, "final_plan")["excused"]
    assert case["exceptions"][0]["withdrawn_on"] == "2025-02-10"
    # as it stood before the withdrawal, it still excused the late plan
    before = api.get(f"/cases/{assessed}?as_of=2025-02-09").get_json()
    assert _deadline(before, "final_plan")["excused"] and before["exceptions"][0]["withdrawn_on"] is None
    refused(api, assessed, lambda: api.event(assessed, "withdraw_exception", "2025-02-11",
                                             exception_id=exception["id"], reason="again"), 422, "already_withdrawn")


# --------------------------------------------------------------------------------------------------- as_of


@freeze_time("2025-03-01")
def test_as_of_before_a_late_decision_shows_it_overdue_and_the_state_then(api):
    cid = api.new_case("2024-09-02")["id"]
    assert api.event(cid, "agree_to_assess", "2024-11-01").status_code == 200  # due 14 October: late
    now = api.get(f"/cases/{cid}").get_json()
    assert _deadline(now, "decision_to_assess")["status"] == "met_late" and now["state"] == "assessment"
    then = api.get(f"/cases/{cid}?as_of=2024-10-20").get_json()
    assert _deadline(then, "decision_to_assess")["status"] == "overdue"
    assert _deadline(then, "decision_to_assess")["met_on"] is None
    assert then["state"] == "request_received" and "agree_to_assess" in then["allowed_events"]
    earlier = api.get(f"/cases/{cid}?as_of=2024-09-20").get_json()
    assert _deadline(earlier, "decision_to_assess")["status"] == "pending"


@freeze_time("2025-03-01")
def test_as_of_hides_what_was_opened_later(api, assessed):
    advice = _advice(api, assessed, "2024-10-10")
    then = api.get(f"/cases/{assessed}?as_of=2024-10-05").get_json()
    assert advice["id"] not in [a["id"] for a in then["advice_requests"]]
    assert all(d["advice_request_id"] != advice["id"] for d in then["deadlines"])


def test_a_refused_event_leaves_the_case_and_its_history_as_they_were(api, assessed):
    before = state_of(api, assessed)
    assert api.event(assessed, "void_advice_request", "2024-10-02", advice_request_id=999999,
                     reason="x").status_code == 404
    assert state_of(api, assessed) == before


@pytest.mark.parametrize(("body", "field", "code"), [
    ({"recieved_on": "2024-09-02"}, "recieved_on", "unknown_field"),
    ({"child": {"famly_name": "Taylor"}}, "child.famly_name", "unknown_field"),
    ({"child": {"given_name": 7}}, "child.given_name", "bad_type"),
    ({"received_on": 20240902}, "received_on", "bad_date"),
])
def test_a_new_request_with_a_field_it_does_not_take_is_refused_and_nothing_is_written(api, body, field, code):
    good = {"child": {"given_name": "Sam", "family_name": "Taylor", "date_of_birth": "2016-05-04"},
            "received_on": "2024-09-02", "requested_by": "parent"}
    child = {**good["child"], **body.pop("child", {})}
    answer = api.post("/cases", {**good, "child": child, **body})
    assert answer.status_code == 400, answer.get_json()
    error = answer.get_json()["error"]
    assert (error["code"], error["field"]) == (code, field)
    assert api.get("/cases").get_json()["total"] == 0
