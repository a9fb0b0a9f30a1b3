"""SEN2's mediation and tribunal flags, and the DfE 20-week figure leaving out assessments with either."""

from __future__ import annotations

from casework import disputes, transfers
from casework import operations as ops
from casework.reporting.timeliness import timeliness
from tests.disputes.conftest import D, start


def test_the_20_week_figure_on_a_caseload_worked_out_by_hand(db, issued_plan, refused):
    """Requests received 2 September 2024: the 20-week limit is 20 January 2025.

    A on time; B late; C late with an exception to its 20 weeks; D on time but mediated over its plan; E late
    and appealed to the tribunal (section I alone, no certificate needed); F transferred in (never a new plan);
    G refused assessment and mediated (no plan). Counted: A, B, C, of which A within 20 weeks (33.3%);
    excluding exceptions: A and B, one within (50.0%)."""
    issued_plan(issued_on=D(2025, 1, 20))  # A
    issued_plan(issued_on=D(2025, 1, 27))  # B
    c = issued_plan(issued_on=D(2025, 1, 27))
    ops.record_exception(db, c, actor=None, on=D(2025, 1, 27), reason="personal_circumstances",
                         applies_to="final_plan", starts_on=D(2024, 12, 2), ends_on=D(2025, 1, 6))
    d = issued_plan(issued_on=D(2025, 1, 13))
    d_decision = start(db, d, "issue_final", D(2025, 1, 13))
    disputes.record_mediation_contact(db, d, actor=None, on=D(2025, 2, 3), decision=d_decision,
                                      wants_mediation=True)
    e = issued_plan(issued_on=D(2025, 1, 27))
    e_decision = start(db, e, "issue_final", D(2025, 1, 27))
    disputes.register_appeal(db, e, actor=None, on=D(2025, 3, 3), decision=e_decision, tribunal_reference="EH/E",
                             grounds=["contents_i"])
    transfers.transfer_in(db, actor=None, from_authority="Westshire", transferred_on=D(2025, 2, 3),
                          plan_made_on=D(2024, 6, 3), given_name="Fay", family_name="Example",
                          date_of_birth=D(2014, 1, 1))
    g, g_decision = refused(letter_on=D(2024, 10, 7), received_on=D(2024, 9, 2))
    disputes.record_mediation_contact(db, g, actor=None, on=D(2024, 10, 14), decision=g_decision,
                                      wants_mediation=True)
    with db.reading() as session:
        figures = timeliness(session, 2025, db.policy)
    assert (figures["plans_issued"], figures["within_20_weeks"], figures["pct_within_20_weeks"]) == (3, 1, 33.3)
    assert figures["excluding_exceptions"] == {"plans_issued": 2, "within_20_weeks": 1, "pct_within_20_weeks": 50.0}


def test_a_family_that_declines_mediation_and_does_not_appeal_stays_in_the_figure(db, issued_plan):
    case_id = issued_plan(issued_on=D(2025, 1, 20))
    decision = start(db, case_id, "issue_final", D(2025, 1, 20))
    disputes.record_mediation_contact(db, case_id, actor=None, on=D(2025, 2, 3), decision=decision,
                                      wants_mediation=False)
    with db.reading() as session:
        assert timeliness(session, 2025, db.policy)["plans_issued"] == 1
        assert disputes.sen2_flags(session, [case_id])[case_id]["assessment"] == {"mediation": False,
                                                                                  "tribunal": False}


def test_sen2_flags_by_stage(db, issued_plan, refused):
    request_case, request_decision = refused(letter_on=D(2025, 1, 10))
    disputes.record_mediation_contact(db, request_case, actor=None, on=D(2025, 1, 20), decision=request_decision,
                                      wants_mediation=True)
    plan_case = issued_plan(issued_on=D(2025, 1, 20))
    plan_decision = start(db, plan_case, "issue_final", D(2025, 1, 20))
    disputes.register_appeal(db, plan_case, actor=None, on=D(2025, 2, 3), decision=plan_decision,
                             tribunal_reference="EH/S", grounds=["contents_i"])
    ops.hold_review_meeting(db, plan_case, actor=None, on=D(2025, 3, 3))
    ops.decide_review_outcome(db, plan_case, actor=None, on=D(2025, 3, 10), outcome="maintain")
    review_decision = start(db, plan_case, "decide_review_outcome", D(2025, 3, 11))
    disputes.record_mediation_contact(db, plan_case, actor=None, on=D(2025, 3, 17), decision=review_decision,
                                      wants_mediation=True)
    with db.reading() as session:
        flags = disputes.sen2_flags(session, [request_case, plan_case])
    assert flags[request_case] == {"request": {"mediation": True, "tribunal": False},
                                   "assessment": {"mediation": False, "tribunal": False},
                                   "other": {"mediation": False, "tribunal": False}}
    assert flags[plan_case] == {"request": {"mediation": False, "tribunal": False},
                                "assessment": {"mediation": False, "tribunal": True},
                                "other": {"mediation": True, "tribunal": False}}
