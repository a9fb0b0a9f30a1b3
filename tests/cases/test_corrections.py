"""Corrections through the API: the entry stays, a correction entry says who, when and why, and the case, its
deadlines and its alerts are recomputed by replaying the corrected history."""

from __future__ import annotations

import datetime as dt

import pytest
from freezegun import freeze_time
from sqlalchemy import func, select

from casework.alerts import scan
from casework.cases import replay
from casework.models import Alert, AuditEntry, Deadline
from tests.api.conftest import Api
from tests.api.test_errors import refused, state_of

D = dt.date


def _deadline(case: dict, kind: str) -> dict:
    return next(d for d in case["deadlines"] if d["kind"] == kind)


def _entry(api: Api, cid: int, event: str) -> dict:
    return next(e for e in api.get(f"/cases/{cid}/history").get_json() if e["event"] == event)


def _correct(api: Api, cid: int, **body):
    return api.post(f"/cases/{cid}/corrections", body)


@freeze_time("2024-10-20")
def test_correcting_the_request_date_moves_the_6_16_and_20_week_dates_and_their_alerts(api, api_as, db, settings):
    cid = api.new_case("2024-09-02")["id"]
    case = api.get(f"/cases/{cid}").get_json()
    assert [_deadline(case, k)["due_on"] for k in ("decision_to_assess", "issue_decision", "final_plan")] == \
        ["2024-10-14", "2024-12-23", "2025-01-20"]
    scan.run_scan(db, settings, as_of=D(2024, 10, 20))
    manager = api_as("manager")
    assert [a["deadline_kind"] for a in manager.get("/alerts").get_json()["items"]] == ["decision_to_assess"]

    request = _entry(api, cid, "request_received")
    answer = _correct(api, cid, entry_id=request["id"], on="2024-09-16",
                      reason="Date stamp misread: the request reached us on 16 September")
    assert answer.status_code == 200, answer.get_json()
    case = answer.get_json()
    assert case["received_on"] == "2024-09-16"
    assert [_deadline(case, k)["due_on"] for k in ("decision_to_assess", "issue_decision", "final_plan")] == \
        ["2024-10-28", "2025-01-06", "2025-02-03"]
    assert _deadline(case, "decision_to_assess")["status"] == "due_soon"
    # the overdue alert no longer stands: closed, not deleted
    assert manager.get("/alerts").get_json()["items"] == []
    with db.reading() as session:
        alert = session.scalars(select(Alert)).one()
        assert alert.closed_at is not None and alert.closed_reason
        superseded = select(func.count()).select_from(Deadline).where(Deadline.superseded_at.is_not(None))
        assert session.scalar(superseded) == 3
        assert replay.rebuilt_differences(session, cid, db.policy) == []
    # the history keeps the entry as first keyed, marked corrected, and the correction says who and why
    history = api.get(f"/cases/{cid}/history").get_json()
    original = next(e for e in history if e["id"] == request["id"])
    assert original["on"] == "2024-09-02" and original["corrected"]
    assert original["now_reads"]["on"] == "2024-09-16"
    correction = next(e for e in history if e["event"] == "correction")
    assert correction["id"] in original["corrected_by"]
    assert correction["fields"]["reason"].startswith("Date stamp misread") and correction["actor"]


@freeze_time("2024-11-01")
def test_a_correction_that_makes_a_deadline_late_is_alerted_by_the_next_scan(api, api_as, db, settings):
    cid = api.new_case("2024-09-23")["id"]  # decision due 4 November
    scan.run_scan(db, settings, as_of=D(2024, 11, 1))
    request = _entry(api, cid, "request_received")
    assert _correct(api, cid, entry_id=request["id"], on="2024-09-02", reason="Logged against the wrong post"
                    ).status_code == 200
    scan.run_scan(db, settings, as_of=D(2024, 11, 1))
    kinds = {(a["deadline_kind"], a["kind"], a["due_on"]) for a in api_as("manager").get("/alerts").get_json()["items"]}
    assert ("decision_to_assess", "overdue", "2024-10-14") in kinds
    assert all(due != "2024-11-04" for _, _, due in kinds)


@freeze_time("2025-01-10")
def test_a_correction_that_makes_a_later_entry_impossible_is_409_naming_it(api):
    cid = api.new_case("2024-09-02")["id"]
    assert api.event(cid, "agree_to_assess", "2024-09-20").status_code == 200
    request = _entry(api, cid, "request_received")
    error = refused(api, cid, lambda: _correct(api, cid, entry_id=request["id"], on="2024-09-25",
                                               reason="Wrong date"), 409, "correction_conflict")
    assert "Agreed to assess" in error["message"] and "20 September 2024" in error["message"]


@freeze_time("2025-01-10")
def test_correcting_an_events_date_and_an_advice_requests_receipt(api, db):
    cid = api.new_case("2024-09-02")["id"]
    assert api.event(cid, "agree_to_assess", "2024-10-20").status_code == 200
    case = api.event(cid, "request_advice", "2024-10-21", advice_type="health",
                     organisation="Northbridge NHS Trust").get_json()
    advice_id = case["advice_requests"][0]["id"]
    agreed = _entry(api, cid, "agree_to_assess")
    case = _correct(api, cid, entry_id=agreed["id"], on="2024-10-10", reason="Panel minutes say 10 October"
                    ).get_json()
    assert _deadline(case, "decision_to_assess")["met_on"] == "2024-10-10"
    assert _deadline(case, "decision_to_assess")["status"] == "met"
    requested = _entry(api, cid, "request_advice")
    case = _correct(api, cid, entry_id=requested["id"], received_on="2024-10-28",
                    reason="The trust's receipt stamp is 28 October").get_json()
    assert case["advice_requests"][0]["id"] == advice_id  # the same request, not a new one
    assert _deadline(case, "advice")["due_on"] == "2024-12-09"
    with db.reading() as session:
        assert replay.rebuilt_differences(session, cid, db.policy) == []


@freeze_time("2025-01-10")
def test_corrections_that_cannot_be_made_are_refused_with_nothing_written(api, db):
    cid = api.new_case("2024-09-02")["id"]
    request = _entry(api, cid, "request_received")
    refused(api, cid, lambda: _correct(api, cid, entry_id=request["id"], recieved_on="2024-09-03", reason="typo"),
            400, "unknown_field")
    refused(api, cid, lambda: _correct(api, cid, entry_id=request["id"], on="2024-09-02", reason="same"),
            422, "nothing_to_correct")
    refused(api, cid, lambda: _correct(api, cid, entry_id=request["id"], on="2024-09-03"), 400, "missing_field")
    refused(api, cid, lambda: _correct(api, cid, entry_id=request["id"], on="2024-09-03", reason="   "),
            422, "required")
    refused(api, cid, lambda: _correct(api, cid, entry_id=request["id"], on="2025-02-01", reason="future"),
            422, "date_in_future")
    refused(api, cid, lambda: _correct(api, cid, entry_id=999999, on="2024-09-03", reason="x"), 404)
    with db.reading() as session:
        assert session.scalar(select(func.count()).select_from(AuditEntry).where(AuditEntry.case_id == cid)) == 1


@freeze_time("2025-01-10")
def test_only_caseworkers_and_managers_correct_and_only_cases_they_see(api, api_as):
    cid = api.new_case("2024-09-02")["id"]
    request = _entry(api, cid, "request_received")
    adviser = api_as("adviser", org="Northbridge NHS Trust")
    assert _correct(adviser, cid, entry_id=request["id"], on="2024-09-03", reason="x").status_code == 403
    before = state_of(api, cid)
    assert _correct(api, 999999, entry_id=request["id"], on="2024-09-03", reason="x").status_code == 404
    assert state_of(api, cid) == before


@pytest.mark.parametrize("event_field", [("requested_by", "school")])
@freeze_time("2025-01-10")
def test_a_requests_own_details_can_be_corrected(api, event_field):
    name, value = event_field
    cid = api.new_case("2024-09-02")["id"]
    request = _entry(api, cid, "request_received")
    case = _correct(api, cid, entry_id=request["id"], reason="The school made the request", **{name: value}
                    ).get_json()
    assert case["requested_by"] == "school"
