"""Every event the review chain, ceasing, re-assessment, disagreement resolution and transfers added, through the
API: each has a 409 (not possible in the case's state or turn) and a 422 (possible, but not with these facts),
and after each refusal the case and its history are exactly as they were."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
from sqlalchemy import select

from casework import disputes
from casework.models import AuditEntry, Case
from tests.api.conftest import Api
from tests.api.test_errors import refused

DECISION = "<the decision disputed>"  # replaced by the refusal's entry id once the case exists
CONSULTATION = "<the consultation answered>"  # replaced by the consultation's entry id once the case exists


def _ok(answer) -> dict:
    assert answer.status_code == 200, answer.get_json()
    return answer.get_json()


def _requested(api: Api, db) -> int:
    return api.new_case("2024-09-02")["id"]


def _maintained(api: Api, db) -> int:
    cid = api.new_case("2024-09-02")["id"]
    for event, on in (("agree_to_assess", "2024-10-07"), ("decide_to_issue", "2024-11-25"),
                      ("issue_draft", "2024-12-09"), ("issue_final", "2025-01-06")):
        _ok(api.event(cid, event, on))
    return cid


def _drafting(api: Api, db) -> int:
    cid = api.new_case("2024-09-02")["id"]
    for event, on in (("agree_to_assess", "2024-10-07"), ("decide_to_issue", "2024-11-25")):
        _ok(api.event(cid, event, on))
    return cid


def _consulted(api: Api, db) -> int:
    """Oak Primary School consulted on 2 December 2024: its answer is due 17 December."""
    cid = _drafting(api, db)
    _ok(api.event(cid, "consult_school", "2024-12-02", organisation="Oak Primary School"))
    return cid


def _answered(api: Api, db) -> int:
    cid = _consulted(api, db)
    _ok(api.event(cid, "record_school_response", "2024-12-10", consultation=_consultation(db, cid)))
    return cid


def _consultation(db, cid: int) -> int:
    with db.reading() as session:
        return session.scalars(select(AuditEntry.id).where(AuditEntry.case_id == cid,
                                                           AuditEntry.event == "consult_school")).one()


def _reviewing(api: Api, db) -> int:
    cid = _maintained(api, db)
    _ok(api.event(cid, "hold_review_meeting", "2025-12-10"))
    return cid


def _amending(api: Api, db) -> int:
    cid = _maintained(api, db)
    _ok(api.event(cid, "propose_amendments", "2025-03-03"))
    return cid


def _ceasing(api: Api, db) -> int:
    cid = _maintained(api, db)
    _ok(api.event(cid, "cease_plan", "2025-03-31", reason=4))
    return cid


def _moving(api: Api, db) -> int:
    cid = _maintained(api, db)
    _ok(api.event(cid, "record_move_out", "2025-04-14", new_authority="Southshire County Council",
                  moved_on="2025-04-20", learned_on="2025-04-14"))
    return cid


def _transferred_in(api: Api, db) -> int:
    child = {"given_name": "Sam", "family_name": "Example", "date_of_birth": "2015-06-01"}
    answer = api.post("/cases", {"child": child, "transfer_in": {
        "from_authority": "Westshire Council", "transferred_on": "2025-01-31", "plan_made_on": "2024-03-01"}})
    assert answer.status_code == 201, answer.get_json()
    return answer.get_json()["id"]


def _letter(api: Api, db) -> int:
    """Refused assessment, its letter issued Friday 10 January 2025: the family's mediation and appeal time runs."""
    cid = api.new_case("2024-11-04")["id"]
    _ok(api.event(cid, "refuse_to_assess", "2024-12-09", reason="Needs can be met at SEN support"))
    with db.transaction() as session:
        disputes.start_appeal_rights(session, session.get(Case, cid), decision_entry_id=_decision(db, cid),
                                     letter_on=dt.date(2025, 1, 10), policy=db.policy)
    return cid


def _appealed(api: Api, db) -> int:
    cid = _letter(api, db)
    decision = _decision(db, cid)
    _ok(api.event(cid, "record_mediation_contact", "2025-01-13", decision=decision, wants_mediation=False))
    _ok(api.event(cid, "issue_mediation_certificate", "2025-01-14", decision=decision))
    _ok(api.event(cid, "register_appeal", "2025-01-20", decision=decision, tribunal_reference="EH/API/9",
                  grounds=["assessment"]))
    return cid


def _ordered(api: Api, db) -> int:
    cid = _appealed(api, db)
    _ok(api.event(cid, "record_appeal_outcome", "2025-03-04", tribunal_reference="EH/API/9", outcome="order",
                  order="assess", ordered_on="2025-03-03"))
    return cid


def _decision(db, cid: int) -> int:
    with db.reading() as session:
        return session.scalars(select(AuditEntry.id).where(AuditEntry.case_id == cid,
                                                           AuditEntry.event == "refuse_to_assess")).one()


Setup = Callable[[Api, object], int]
# (event, the case it is tried on, date, fields, status, code)
REFUSALS: list[tuple[str, Setup, str, dict, int, str | None]] = [
    # the review chain
    ("schedule_review_meeting", _requested, "2024-09-10", {"meeting_on": "2024-10-10"}, 409, None),
    ("schedule_review_meeting", _maintained, "2025-03-01", {"meeting_on": "2025-02-20"}, 422,
     "meeting_before_arranged"),
    ("send_review_invitations", _requested, "2024-09-10", {}, 409, None),
    ("send_review_invitations", _maintained, "2025-03-01", {}, 422, None),
    ("circulate_review_papers", _requested, "2024-09-10", {}, 409, None),
    ("circulate_review_papers", _maintained, "2025-03-01", {}, 422, None),
    ("hold_review_meeting", _requested, "2024-09-10", {}, 409, None),
    ("hold_review_meeting", _maintained, "2025-01-01", {}, 422, "date_before_last_event"),
    ("record_review_report", _requested, "2024-09-10", {}, 409, None),
    ("record_review_report", _maintained, "2025-03-01", {}, 422, "not_outstanding"),
    ("decide_review_outcome", _maintained, "2025-03-01", {"outcome": "maintain"}, 409, None),
    ("decide_review_outcome", _reviewing, "2025-12-20", {"outcome": "keep"}, 422, "invalid_choice"),
    ("propose_amendments", _amending, "2025-03-04", {}, 409, None),
    ("propose_amendments", _maintained, "2025-01-01", {}, 422, "date_before_last_event"),
    ("issue_amended_plan", _maintained, "2025-03-01", {}, 409, None),
    ("issue_amended_plan", _amending, "2025-03-17", {}, 422, "guard_refused"),
    ("decide_not_to_amend", _maintained, "2025-03-01", {"reason": "Needs unchanged"}, 409, None),
    ("decide_not_to_amend", _amending, "2025-03-10", {"reason": "  "}, 422, "required"),
    ("set_phase_transfer", _requested, "2024-09-10", {"transfer": "school", "year": 2026}, 409, None),
    ("set_phase_transfer", _maintained, "2025-09-01", {"transfer": "post16_other", "year": 2026}, 422, "required"),
    # ceasing
    ("cease_plan", _ceasing, "2025-04-01", {"reason": 4}, 409, None),
    ("cease_plan", _maintained, "2025-03-01", {"reason": 10}, 422, "invalid_choice"),
    ("confirm_ceased", _maintained, "2025-03-01", {}, 409, None),
    ("confirm_ceased", _ceasing, "2025-05-31", {}, 422, "appeal_time_open"),
    ("continue_plan", _maintained, "2025-03-01", {}, 409, None),
    ("continue_plan", _ceasing, "2025-04-10", {}, 422, None),
    # re-assessment
    ("request_reassessment", _amending, "2025-03-04", {"requested_by": "parent"}, 409, None),
    ("request_reassessment", _maintained, "2025-03-03", {"requested_by": "aunt"}, 422, "invalid_choice"),
    ("decide_to_reassess", _amending, "2025-03-04", {}, 409, None),
    ("decide_to_reassess", _maintained, "2025-03-01", {}, 422, "not_outstanding"),
    ("refuse_to_reassess", _amending, "2025-03-04", {"reason": "Assessed recently"}, 409, None),
    ("refuse_to_reassess", _maintained, "2025-03-01", {"reason": "Assessed recently"}, 422, "not_outstanding"),
    # a school or college consulted on being named (G4.4), and its answer
    ("consult_school", _requested, "2024-09-10", {"organisation": "Oak Primary School"}, 409, None),
    ("consult_school", _maintained, "2025-02-03", {"organisation": "Oak Primary School"}, 409, None),
    ("consult_school", _drafting, "2024-12-02", {"organisation": "Oak Primry School"}, 422, "unknown_organisation"),
    ("consult_school", _drafting, "2024-12-02", {"organisation": 999_999}, 422, "unknown_organisation"),
    ("consult_school", _drafting, "2024-12-02", {"organisation": "Northbridge NHS Trust"}, 422, "not_a_school"),
    ("consult_school", _drafting, "2024-11-20", {"organisation": "Oak Primary School"}, 422, "date_before_trigger"),
    ("consult_school", _drafting, "2099-01-04", {"organisation": "Oak Primary School"}, 422, "date_in_future"),
    ("record_school_response", _requested, "2024-09-10", {"consultation": 1}, 409, None),
    ("record_school_response", _consulted, "2024-12-10", {"consultation": 999_999}, 422, "unknown_consultation"),
    ("record_school_response", _consulted, "2024-11-29", {"consultation": CONSULTATION}, 422,
     "date_before_trigger"),
    ("record_school_response", _answered, "2024-12-11", {"consultation": CONSULTATION}, 422, "already_answered"),
    # disagreement resolution
    ("record_mediation_contact", _appealed, "2025-02-03", {"decision": DECISION, "wants_mediation": True}, 409, None),
    ("record_mediation_contact", _letter, "2025-01-09", {"decision": DECISION, "wants_mediation": True}, 422, None),
    ("issue_mediation_certificate", _appealed, "2025-02-03", {"decision": DECISION}, 409, None),
    ("issue_mediation_certificate", _letter, "2025-01-13", {"decision": 999_999}, 422, None),
    ("hold_mediation", _appealed, "2025-02-03", {"decision": DECISION, "outcome": "agreed"}, 409, None),
    ("hold_mediation", _letter, "2025-01-13", {"decision": DECISION, "outcome": "maybe"}, 422, "invalid_choice"),
    ("register_appeal", _appealed, "2025-02-03", {"decision": DECISION, "tribunal_reference": "EH/API/10",
                                                  "grounds": ["assessment"]}, 409, None),
    ("register_appeal", _letter, "2025-02-03", {"decision": DECISION, "tribunal_reference": "EH/API/10",
                                                "grounds": ["assessment"]}, 422, "certificate_required"),
    ("record_appeal_outcome", _ordered, "2025-03-05", {"tribunal_reference": "EH/API/9", "outcome": "dismissed"},
     409, None),
    ("record_appeal_outcome", _appealed, "2025-03-04", {"tribunal_reference": "EH/API/9", "outcome": "order",
                                                        "order": "assess"}, 422, "required"),
    ("record_order_step", _appealed, "2025-03-04", {"tribunal_reference": "EH/API/9",
                                                    "step": "notify_assessment"}, 409, None),
    ("record_order_step", _ordered, "2025-03-10", {"tribunal_reference": "EH/API/9", "step": "cease_plan"}, 422,
     "step_not_ordered"),
    # transfers between authorities
    ("record_move_out", _requested, "2024-09-10", {"new_authority": "Southshire", "moved_on": "2024-10-01",
                                                   "learned_on": "2024-09-10"}, 409, None),
    ("record_move_out", _maintained, "2025-04-01", {"new_authority": "Southshire", "moved_on": "2025-04-20",
                                                    "learned_on": "2025-04-02"}, 422, "date_after_event"),
    ("send_plan_to_new_authority", _maintained, "2025-04-15", {}, 409, None),
    ("send_plan_to_new_authority", _moving, "2025-04-13", {}, 422, None),
    ("cancel_move_out", _maintained, "2025-04-15", {"reason": "The move fell through"}, 409, None),
    ("cancel_move_out", _moving, "2025-04-16", {"reason": " "}, 422, None),
    ("send_transfer_notice", _maintained, "2025-03-10", {}, 409, None),
    ("send_transfer_notice", _transferred_in, "2025-01-30", {}, 422, "date_before_trigger"),
]


@pytest.mark.parametrize(("event", "setup", "on", "fields", "status", "code"), [
    pytest.param(*row, id=f"{row[0]}-{row[4]}") for row in REFUSALS])
def test_each_new_event_refused_changes_nothing(api, db, event, setup, on, fields, status, code):
    cid = setup(api, db)
    if DECISION in fields.values():
        fields = {name: _decision(db, cid) if value == DECISION else value for name, value in fields.items()}
    if CONSULTATION in fields.values():
        fields = {name: _consultation(db, cid) if value == CONSULTATION else value for name, value in fields.items()}
    error = refused(api, cid, lambda: api.event(cid, event, on, **fields), status, code)
    assert "Traceback" not in error["message"]


def test_every_new_event_has_its_409_and_its_422():
    from casework.law.disputes import DISPUTE_EVENTS, OPEN_DISPUTE
    from casework.law.transfers import TRANSFER_EVENTS

    new = {"schedule_review_meeting", "send_review_invitations", "circulate_review_papers", "hold_review_meeting",
           "record_review_report", "decide_review_outcome", "propose_amendments", "issue_amended_plan",
           "decide_not_to_amend", "set_phase_transfer", "cease_plan", "confirm_ceased", "continue_plan",
           "request_reassessment", "decide_to_reassess", "refuse_to_reassess",
           "consult_school", "record_school_response",
           *(set(DISPUTE_EVENTS) - {OPEN_DISPUTE.name}), *(set(TRANSFER_EVENTS) - {"transfer_in"})}
    tried = {(event, status) for event, _, _, _, status, _ in REFUSALS}
    assert sorted(e for e in new if (e, 409) not in tried) == [], "events without a 409"
    assert sorted(e for e in new if (e, 422) not in tried) == [], "events without a 422"


def test_a_consultation_of_another_case_is_not_one_of_this_cases(api, db):
    """Another case's consultation is refused as unknown (422), and neither case changes."""
    other = _consulted(api, db)
    cid = _consulted(api, db)
    error = refused(api, cid, lambda: api.event(cid, "record_school_response", "2024-12-10",
                                                consultation=_consultation(db, other)), 422, "unknown_consultation")
    assert error["field"] == "consultation"


def test_a_consultation_answered_through_the_api(api, db):
    """Consulted Monday 2 December 2024: due 17 December (the day after is day 1). The deadline names the
    consultation by the entry that recorded it, and the answer that names it meets it."""
    cid = _consulted(api, db)
    case = api.get(f"/cases/{cid}").get_json()
    [deadline] = [d for d in case["deadlines"] if d["kind"] == "school_consultation"]
    assert (deadline["rule"], deadline["due_on"], deadline["status"]) == ("G4.4", "2024-12-17", "overdue")
    assert deadline["consultation_id"] == _consultation(db, cid)
    assert "record_school_response" in case["allowed_events"]
    case = _ok(api.event(cid, "record_school_response", "2024-12-18", consultation=deadline["consultation_id"]))
    [deadline] = [d for d in case["deadlines"] if d["kind"] == "school_consultation"]
    assert (deadline["met_on"], deadline["status"]) == ("2024-12-18", "met_late")
    assert "record_school_response" not in case["allowed_events"]  # nothing left to answer
