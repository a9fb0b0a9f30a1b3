"""The plan's later life through the API: every event of amendments, re-assessment, ceasing, phase transfers and
the school asked for information, each with its 409 and 422 refusals and the case unchanged after each."""

from __future__ import annotations

import pytest

from tests.api.conftest import Api
from tests.api.test_errors import refused


def _ok(answer) -> dict:
    assert answer.status_code == 200, answer.get_json()
    return answer.get_json()


@pytest.fixture
def maintained(api: Api) -> int:
    cid = api.new_case("2024-09-02")["id"]
    for event, on in (("agree_to_assess", "2024-10-07"), ("decide_to_issue", "2024-11-25"),
                      ("issue_draft", "2024-12-09"), ("issue_final", "2025-01-06")):
        _ok(api.event(cid, event, on))
    return cid


def _deadline(case: dict, kind: str) -> dict:
    return next(d for d in case["deadlines"] if d["kind"] == kind)


def test_amendments_through_the_api(api, maintained):
    refused(api, maintained, lambda: api.event(maintained, "issue_amended_plan", "2025-03-01"), 409)
    refused(api, maintained, lambda: api.event(maintained, "decide_not_to_amend", "2025-03-01", reason="x"), 409)
    refused(api, maintained, lambda: api.event(maintained, "propose_amendments", "2025-01-01"), 422,
            "date_before_last_event")
    case = _ok(api.event(maintained, "propose_amendments", "2025-03-03"))
    assert case["state"] == "amending"
    window = _deadline(case, "amendment_representations")
    assert (window["rule"], window["due_on"], window["status"]) == ("R7.10", "2025-03-17", "met")
    assert _deadline(case, "amended_plan")["due_on"] == "2025-04-28"
    refused(api, maintained, lambda: api.event(maintained, "propose_amendments", "2025-03-04"), 409)
    error = refused(api, maintained, lambda: api.event(maintained, "issue_amended_plan", "2025-03-17"), 422,
                    "guard_refused")
    assert "17 March 2025" in error["message"] and "18 March 2025" in error["message"]
    refused(api, maintained, lambda: api.event(maintained, "issue_amended_plan", "2025-03-18", named_setting="x" * 201),
            422, "too_long")
    case = _ok(api.event(maintained, "issue_amended_plan", "2025-03-18", named_setting="Elm College"))
    assert case["state"] == "plan_maintained" and _deadline(case, "amended_plan")["status"] == "met"
    _ok(api.event(maintained, "propose_amendments", "2025-04-01"))
    refused(api, maintained, lambda: api.event(maintained, "decide_not_to_amend", "2025-04-10"), 400, "missing_field")
    case = _ok(api.event(maintained, "decide_not_to_amend", "2025-04-10", reason="Representations accepted"))
    latest = [d for d in case["deadlines"] if d["kind"] == "amended_plan"][-1]
    assert (latest["rule"], latest["met_on"]) == ("R7.12", "2025-04-10")


def test_reassessment_through_the_api(api, maintained):
    refused(api, maintained, lambda: api.event(maintained, "decide_to_reassess", "2025-03-01"), 422, "not_outstanding")
    refused(api, maintained, lambda: api.event(maintained, "refuse_to_reassess", "2025-03-01", reason="x"), 422,
            "not_outstanding")
    refused(api, maintained, lambda: api.event(maintained, "request_reassessment", "2025-03-03", requested_by="aunt"),
            422, "invalid_choice")
    case = _ok(api.event(maintained, "request_reassessment", "2025-03-03", requested_by="parent"))
    assert _deadline(case, "reassessment_decision")["due_on"] == "2025-03-18"
    refused(api, maintained, lambda: api.event(maintained, "request_reassessment", "2025-03-04", requested_by="school"),
            422, "already_requested")
    refused(api, maintained, lambda: api.event(maintained, "decide_to_reassess", "2025-03-01"), 422,
            "date_before_trigger")
    case = _ok(api.event(maintained, "decide_to_reassess", "2025-03-17"))
    assert _deadline(case, "reassessment_final")["due_on"] == "2025-06-23"
    _ok(api.event(maintained, "propose_amendments", "2025-04-01"))
    refused(api, maintained, lambda: api.event(maintained, "request_reassessment", "2025-04-02",
                                               requested_by="parent"), 409)
    refused(api, maintained, lambda: api.event(maintained, "refuse_to_reassess", "2025-04-02", reason="x"), 409)


def test_ceasing_through_the_api(api, maintained):
    refused(api, maintained, lambda: api.event(maintained, "confirm_ceased", "2025-03-01"), 409)
    refused(api, maintained, lambda: api.event(maintained, "cease_plan", "2025-03-01", reason=10), 422,
            "invalid_choice")
    case = _ok(api.event(maintained, "cease_plan", "2025-03-31", reason=4))
    assert case["state"] == "ceasing" and "confirm_ceased" in case["allowed_events"]
    assert _deadline(case, "annual_review")["status"] in ("pending", "due_soon", "overdue")
    refused(api, maintained, lambda: api.event(maintained, "cease_plan", "2025-04-01", reason=4), 409)
    error = refused(api, maintained, lambda: api.event(maintained, "confirm_ceased", "2025-05-31"), 422,
                    "appeal_time_open")
    assert "31 May 2025" in error["message"] and "1 June 2025" in error["message"]
    case = _ok(api.event(maintained, "confirm_ceased", "2025-06-01"))
    assert case["state"] == "ceased" and _deadline(case, "annual_review")["status"] == "cancelled"


def test_a_decision_to_cease_at_review_through_the_api(api, maintained):
    _ok(api.event(maintained, "hold_review_meeting", "2025-12-10"))
    refused(api, maintained, lambda: api.event(maintained, "decide_review_outcome", "2025-12-20", outcome="cease"),
            422, "required")
    refused(api, maintained, lambda: api.event(maintained, "confirm_ceased", "2025-12-20"), 409)
    case = _ok(api.event(maintained, "decide_review_outcome", "2025-12-20", outcome="cease", reason=2))
    assert case["state"] == "ceasing"


def test_phase_transfers_through_the_api(api, maintained):
    refused(api, maintained, lambda: api.event(maintained, "set_phase_transfer", "2025-09-01",
                                               transfer="post16_other", year=2026), 422, "required")
    case = _ok(api.event(maintained, "set_phase_transfer", "2025-09-01", transfer="post16_other", year=2026,
                         transfer_on="2026-07-31"))
    transfer = _deadline(case, "phase_transfer")
    assert (transfer["rule"], transfer["due_on"]) == ("R8.3", "2026-02-28")


def test_the_school_asked_for_information_through_the_api(api, maintained):
    refused(api, maintained, lambda: api.event(maintained, "request_school_information", "2025-03-01",
                                               organisation="Oak Primary"), 409)
    cid = api.new_case("2025-07-14")["id"]
    refused(api, cid, lambda: api.event(cid, "request_school_information", "2025-07-17"), 400, "missing_field")
    refused(api, cid, lambda: api.event(cid, "request_school_information", "2025-07-17", organisation="  "), 422,
            "required")
    refused(api, cid, lambda: api.event(cid, "request_school_information", "2025-07-17", organisation="x" * 201), 422,
            "too_long")
    refused(api, cid, lambda: api.event(cid, "request_school_information", "2025-07-01", organisation="Oak"), 422,
            "date_before_request")
    case = _ok(api.event(cid, "request_school_information", "2025-07-17", organisation="Oak Primary"))
    assert case["state"] == "request_received"
