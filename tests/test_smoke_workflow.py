"""A case taken through the whole statutory path, on whichever engine the suite runs on."""

import datetime as dt

from casework import operations as ops
from casework.deadlines.status import status

D = dt.date


def test_request_to_final_plan_meets_each_deadline(db, new_case):
    case = new_case(D(2024, 9, 2))
    ops.agree_to_assess(db, case.id, actor=None, on=D(2024, 10, 14))
    case = ops.request_advice(db, case.id, actor=None, on=D(2024, 10, 15), advice_type="health",
                              organisation="Demo NHS Trust")
    advice_id = case.advice_requests[0].id
    ops.record_advice(db, case.id, actor=None, on=D(2024, 11, 26), advice_request_id=advice_id)
    ops.decide_to_issue(db, case.id, actor=None, on=D(2024, 12, 23))
    ops.issue_draft(db, case.id, actor=None, on=D(2025, 1, 2))
    case = ops.issue_final(db, case.id, actor=None, on=D(2025, 1, 17), named_setting="Oak Primary")

    by_kind = {d.kind: d for d in case.deadlines}
    assert case.state == "plan_maintained"
    assert by_kind["decision_to_assess"].due_on == D(2024, 10, 14)
    assert by_kind["final_plan"].due_on == D(2025, 1, 20)
    assert by_kind["advice"].due_on == D(2024, 11, 26)
    assert by_kind["annual_review"].due_on == D(2026, 1, 16)
    as_of = D(2025, 2, 1)
    assert {k: status(d, as_of, db.policy) for k, d in by_kind.items()} == {
        "decision_to_assess": "met", "issue_decision": "met", "final_plan": "met", "advice": "met",
        "draft_representations": "met", "annual_review": "pending",
    }
