"""An appeal against a decision to cease, through the API: registered, the plan cannot be confirmed as ceased;
upheld, it can at once; overturned (a tribunal order to continue, or the council conceding), ``continue_plan``
returns the case to a plan maintained. Each refusal is a 409 or 422 that leaves the case as it was."""

from __future__ import annotations

import pytest

from casework.core.db import Database
from casework.disputes.operations import cease_appeal_outcome
from tests.api.conftest import Api
from tests.api.test_errors import refused
from tests.disputes.conftest import D, start


def _ok(answer) -> dict:
    assert answer.status_code == 200, answer.get_json()
    return answer.get_json()


@pytest.fixture
def api(client, make_user, auth_header) -> Api:
    return Api(client, auth_header(make_user("caseworker")))


@pytest.fixture
def ceasing(api: Api, db: Database) -> tuple[int, int]:
    """A plan issued 6 January 2025, a decision to cease on Monday 31 March 2025 (reason 4) whose letter went the
    same day; the family declined mediation and had their certificate on 7 April. Returns (case, decision)."""
    cid = api.new_case("2024-09-02")["id"]
    for event, on in (("agree_to_assess", "2024-10-07"), ("decide_to_issue", "2024-11-25"),
                      ("issue_draft", "2024-12-09"), ("issue_final", "2025-01-06")):
        _ok(api.event(cid, event, on))
    refused(api, cid, lambda: api.event(cid, "continue_plan", "2025-03-01"), 409)  # nothing to continue yet
    _ok(api.event(cid, "cease_plan", "2025-03-31", reason=4))
    decision = start(db, cid, "cease_plan", D(2025, 3, 31))
    _ok(api.event(cid, "record_mediation_contact", "2025-04-03", decision=decision, wants_mediation=False))
    _ok(api.event(cid, "issue_mediation_certificate", "2025-04-07", decision=decision))
    return cid, decision


def _appeal(api: Api, cid: int, decision: int, on: str = "2025-05-01") -> dict:
    return _ok(api.event(cid, "register_appeal", on, decision=decision, tribunal_reference="EH/CEASE/1",
                         grounds=["cease"]))


def test_an_overturned_cease_continues_the_plan(api: Api, ceasing) -> None:
    cid, decision = ceasing
    case = _ok(api.get(f"/cases/{cid}"))
    assert case["state"] == "ceasing" and "continue_plan" not in case["allowed_events"]
    refused(api, cid, lambda: api.event(cid, "continue_plan", "2025-04-10"), 422, "cease_not_overturned")

    case = _appeal(api, cid, decision)
    assert case["state"] == "ceasing"  # the appeal runs beside the case
    # 31 March + 2 months = 31 May; the certificate of 7 April + 1 month is earlier. Past both, still refused.
    error = refused(api, cid, lambda: api.event(cid, "confirm_ceased", "2025-06-02"), 422, "appeal_pending")
    assert "appeal" in error["message"] and "cease" in error["message"]
    refused(api, cid, lambda: api.event(cid, "continue_plan", "2025-06-02"), 422, "appeal_pending")

    case = _ok(api.event(cid, "record_appeal_outcome", "2025-09-01", tribunal_reference="EH/CEASE/1",
                         outcome="order", order="continue_plan", ordered_on="2025-08-29"))
    assert case["state"] == "ceasing" and "continue_plan" in case["allowed_events"]
    refused(api, cid, lambda: api.event(cid, "confirm_ceased", "2025-09-02"), 422, "cease_overturned")
    refused(api, cid, lambda: api.event(cid, "continue_plan", "2025-09-02", reason="x"), 400, "unknown_field")
    refused(api, cid, lambda: api.event(cid, "continue_plan", "2025-03-30"), 422, "date_before_last_event")

    case = _ok(api.event(cid, "continue_plan", "2025-09-02"))
    assert case["state"] == "plan_maintained" and case["closed_on"] is None
    annual = [d for d in case["deadlines"] if d["kind"] == "annual_review"]
    assert annual and annual[-1]["cancelled_on"] is None and annual[-1]["met_on"] is None
    history = _ok(api.get(f"/cases/{cid}/history"))
    assert any(entry["event"] == "continue_plan" for entry in history)
    refused(api, cid, lambda: api.event(cid, "continue_plan", "2025-09-03"), 409)

    # A new decision to cease starts with no appeal: confirmed once its own 2 months have passed
    # (1 October + 2 months = 1 December 2025, so from 2 December).
    _ok(api.event(cid, "cease_plan", "2025-10-01", reason=4))
    refused(api, cid, lambda: api.event(cid, "confirm_ceased", "2025-12-01"), 422, "appeal_time_open")
    assert _ok(api.event(cid, "confirm_ceased", "2025-12-02"))["state"] == "ceased"


def test_an_upheld_cease_is_confirmed_without_waiting(api: Api, ceasing) -> None:
    cid, decision = ceasing
    _appeal(api, cid, decision, on="2025-04-14")
    _ok(api.event(cid, "record_appeal_outcome", "2025-05-12", tribunal_reference="EH/CEASE/1", outcome="dismissed"))
    refused(api, cid, lambda: api.event(cid, "continue_plan", "2025-05-13"), 422, "cease_not_overturned")
    # Dismissed on 12 May, within the family's time (to 31 May): the decision stands and is confirmed at once.
    case = _ok(api.event(cid, "confirm_ceased", "2025-05-13"))
    assert case["state"] == "ceased" and case["closed_on"] == "2025-05-13"
    refused(api, cid, lambda: api.event(cid, "continue_plan", "2025-05-14"), 409)


def test_a_conceded_cease_appeal_continues_the_plan(api: Api, ceasing) -> None:
    cid, decision = ceasing
    _appeal(api, cid, decision)
    _ok(api.event(cid, "record_appeal_outcome", "2025-06-10", tribunal_reference="EH/CEASE/1", outcome="conceded",
                  order="continue_plan", ordered_on="2025-06-09"))
    assert _ok(api.event(cid, "continue_plan", "2025-06-10"))["state"] == "plan_maintained"


def test_an_appeal_about_another_decision_leaves_the_ceasing_alone(api: Api, db: Database) -> None:
    cid = api.new_case("2024-09-02")["id"]
    for event, on in (("agree_to_assess", "2024-10-07"), ("decide_to_issue", "2024-11-25"),
                      ("issue_draft", "2024-12-09"), ("issue_final", "2025-01-06")):
        _ok(api.event(cid, event, on))
    plan = start(db, cid, "issue_final", D(2025, 1, 6))
    _ok(api.event(cid, "register_appeal", "2025-02-03", decision=plan, tribunal_reference="EH/SCHOOL/1",
                  grounds=["contents_i"]))
    _ok(api.event(cid, "cease_plan", "2025-03-31", reason=4))
    # the pending appeal is about the school named in the plan, not the ceasing: 31 May was the last day
    assert _ok(api.event(cid, "confirm_ceased", "2025-06-01"))["state"] == "ceased"


@pytest.mark.parametrize(("outcome", "order", "expected"), [
    ("dismissed", None, "upheld"), ("withdrawn", None, "upheld"), ("order", "cease_plan", "upheld"),
    ("order", "continue_plan", "overturned"), ("conceded", "continue_plan", "overturned"),
    ("order", "amend_plan", "overturned"),
])
def test_what_each_outcome_means_for_the_decision_to_cease(outcome, order, expected) -> None:
    assert cease_appeal_outcome(outcome, order) == expected
