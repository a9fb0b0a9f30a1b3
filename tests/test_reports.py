"""The timeliness report and dashboard figures, against a caseload whose answers were worked out by hand.

Every case is built through casework.operations with known dates. In 2025 eight new plans are issued:

| Case | Request    | 20 weeks due | Final plan | Within? | Exception on the 20-week limit |
|------|------------|--------------|------------|---------|--------------------------------|
| A    | 2024-09-02 | 2025-01-20   | 2025-01-20 | yes (on the due date) | |
| B    | 2024-10-01 | 2025-02-18   | 2025-02-10 | yes | |
| C    | 2024-10-01 | 2025-02-18   | 2025-03-03 | no (later ceased: still counted) | |
| D    | 2024-11-04 | 2025-03-24   | 2025-04-15 | no | personal circumstances, 6 Jan - 14 Feb |
| E    | 2025-01-06 | 2025-05-26   | 2025-05-20 | yes | absent from the area, 1 Feb - 10 Mar |
| J    | 2024-12-02 | 2025-04-21   | 2025-05-12 | no | one on the decision to assess only: not this limit |
| F    | 2025-03-03 | 2025-07-21   | 2025-07-22 | no (one day late) | |
| H    | 2025-06-02 | 2025-10-20   | 2025-12-31 | no (last day of the year) | |

G's plan is issued in 2024 and does not count for 2025. Including exceptions: 3 of 8 (37.5%). Excluding the
plans to whose limit an exception applies (D late, E on time): 2 of 6 (33.3%).

Advice returned in 2025, 6 weeks from the body's receipt of the request:
health 3 returned, 2 within (66.7%); psychological 1 of 1 (received a week after it was sent, so returned
after 6 weeks from sending but within 6 weeks of receipt); educational 2, 1 within (D's, requested in
December 2024 and returned in January 2025, counts); social care 1 of 1; parent 1 of 1; other none.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from casework import operations as ops
from casework.core.db import Database
from casework.models import Case
from casework.reporting import timeliness as reports

D = dt.date


def walk(db: Database, case_id: int, *steps: tuple[Any, ...]):
    """Fire events in order; ``advice=n`` stands for the case's n-th advice request."""
    case = None
    for event, on, *rest in steps:
        fields = dict(rest[0]) if rest else {}
        if "advice" in fields:
            with db.reading() as s:
                fields["advice_request_id"] = s.get(Case, case_id).advice_requests[fields.pop("advice")].id
        case = ops.fire_event(db, case_id, event, actor=None, on=on, **fields)
    return case


def to_plan(final_on: dt.date, *before: tuple[Any, ...]) -> tuple[tuple[Any, ...], ...]:
    """Decision to issue four weeks, draft three weeks, before the final plan; extra steps go first."""
    return (*before,
            ("decide_to_issue", final_on - dt.timedelta(weeks=4)),
            ("issue_draft", final_on - dt.timedelta(weeks=3)),
            ("issue_final", final_on, {"named_setting": "Oak Primary School"}))


def request_advice(advice_type: str, on: dt.date, received_on: dt.date | None = None) -> tuple[Any, ...]:
    return ("request_advice", on, {"advice_type": advice_type, "organisation": f"{advice_type} service",
                                   "received_on": received_on})


@pytest.fixture
def caseload(db: Database, new_case) -> dict[str, int]:
    ids: dict[str, int] = {}

    def new(name: str, received: dt.date, *steps: tuple[Any, ...]) -> None:
        ids[name] = new_case(received, given_name=name).id
        walk(db, ids[name], *steps)

    new("A", D(2024, 9, 2), ("agree_to_assess", D(2024, 10, 1)), *to_plan(D(2025, 1, 20)),
        ("hold_review_meeting", D(2025, 11, 3)),
        ("decide_review_outcome", D(2025, 11, 20), {"outcome": "amend"}))
    new("B", D(2024, 10, 1), ("agree_to_assess", D(2024, 11, 1)), *to_plan(D(2025, 2, 10)))
    new("C", D(2024, 10, 1), ("agree_to_assess", D(2024, 11, 1)), *to_plan(D(2025, 3, 3)),
        ("cease_plan", D(2025, 9, 1), {"reason": 1}))
    new("D", D(2024, 11, 4), ("agree_to_assess", D(2024, 12, 2)), request_advice("educational", D(2024, 12, 2)),
        ("record_advice", D(2025, 1, 10), {"advice": 0}),
        ("record_exception", D(2025, 2, 17), {"reason": "personal_circumstances", "starts_on": D(2025, 1, 6),
                                              "ends_on": D(2025, 2, 14), "applies_to": "final_plan"}),
        *to_plan(D(2025, 4, 15)))
    new("E", D(2025, 1, 6), ("agree_to_assess", D(2025, 2, 3)),
        request_advice("health", D(2025, 2, 3)), request_advice("psychological", D(2025, 2, 3), D(2025, 2, 10)),
        request_advice("educational", D(2025, 2, 3)),
        ("record_exception", D(2025, 3, 10), {"reason": "absent_from_area", "starts_on": D(2025, 2, 1),
                                              "ends_on": D(2025, 3, 10), "applies_to": "final_plan"}),
        ("record_advice", D(2025, 3, 17), {"advice": 0}), ("record_advice", D(2025, 3, 18), {"advice": 2}),
        ("record_advice", D(2025, 3, 20), {"advice": 1}),
        *to_plan(D(2025, 5, 20)))
    new("J", D(2024, 12, 2), ("agree_to_assess", D(2025, 1, 13)), request_advice("health", D(2025, 1, 13)),
        ("record_exception", D(2025, 1, 20), {"reason": "personal_circumstances", "starts_on": D(2024, 12, 9),
                                              "ends_on": D(2025, 1, 10), "applies_to": "decision_to_assess"}),
        ("record_advice", D(2025, 2, 20), {"advice": 0}),
        *to_plan(D(2025, 5, 12)))
    new("F", D(2025, 3, 3), ("agree_to_assess", D(2025, 3, 31)),
        request_advice("health", D(2025, 3, 31)), request_advice("social_care", D(2025, 3, 31)),
        request_advice("parent", D(2025, 3, 31)),
        ("record_advice", D(2025, 4, 1), {"advice": 2}), ("record_advice", D(2025, 4, 20), {"advice": 1}),
        ("record_advice", D(2025, 5, 13), {"advice": 0}),
        *to_plan(D(2025, 7, 22)))
    new("H", D(2025, 6, 2), ("agree_to_assess", D(2025, 7, 1)), *to_plan(D(2025, 12, 31)))
    new("G", D(2024, 3, 4), ("agree_to_assess", D(2024, 4, 1)), request_advice("health", D(2024, 4, 1)),
        ("record_advice", D(2024, 5, 1), {"advice": 0}), *to_plan(D(2024, 7, 15)),
        ("hold_review_meeting", D(2025, 6, 2)))
    # Not plans: still open at earlier stages, refused or withdrawn; K's advice is still outstanding.
    new("K", D(2025, 5, 1), ("agree_to_assess", D(2025, 6, 2)), request_advice("health", D(2025, 6, 2)))
    new("L", D(2025, 5, 1), ("agree_to_assess", D(2025, 6, 2)), ("decide_to_issue", D(2025, 8, 1)))
    new("M", D(2025, 5, 1), ("agree_to_assess", D(2025, 6, 2)), ("decide_to_issue", D(2025, 8, 1)),
        ("issue_draft", D(2025, 8, 20)))
    new("N", D(2025, 11, 3))
    new("R", D(2025, 1, 6), ("refuse_to_assess", D(2025, 2, 10), {"reason": "Needs can be met from SEN support"}))
    new("W", D(2025, 1, 6), ("agree_to_assess", D(2025, 2, 10)), ("withdraw", D(2025, 3, 1), {"reason": "Moved"}))
    return ids


def test_timeliness_counts_new_plans_and_advice_as_the_dfe_does(db: Database, caseload):
    with db.reading() as session:
        figures = reports.timeliness(session, 2025, db.policy)
    assert figures == {
        "year": 2025,
        "plans_issued": 8,
        "within_20_weeks": 3,
        "pct_within_20_weeks": 37.5,
        "excluding_exceptions": {"plans_issued": 6, "within_20_weeks": 2, "pct_within_20_weeks": 33.3},
        "advice": {
            "parent": {"returned": 1, "within_6_weeks": 1, "pct_within_6_weeks": 100.0},
            "educational": {"returned": 2, "within_6_weeks": 1, "pct_within_6_weeks": 50.0},
            "health": {"returned": 3, "within_6_weeks": 2, "pct_within_6_weeks": 66.7},
            "psychological": {"returned": 1, "within_6_weeks": 1, "pct_within_6_weeks": 100.0},
            "social_care": {"returned": 1, "within_6_weeks": 1, "pct_within_6_weeks": 100.0},
            "other": {"returned": 0, "within_6_weeks": 0, "pct_within_6_weeks": None},
        },
    }


def test_the_year_before_counts_only_its_own_plan_and_advice(db: Database, caseload):
    with db.reading() as session:
        figures = reports.timeliness(session, 2024, db.policy)
    assert (figures["plans_issued"], figures["within_20_weeks"], figures["pct_within_20_weeks"]) == (1, 1, 100.0)
    assert figures["excluding_exceptions"] == {"plans_issued": 1, "within_20_weeks": 1, "pct_within_20_weeks": 100.0}
    assert figures["advice"]["health"] == {"returned": 1, "within_6_weeks": 1, "pct_within_6_weeks": 100.0}
    assert sum(a["returned"] for a in figures["advice"].values()) == 1


def test_a_year_with_nothing_issued_has_no_rates(db: Database, caseload):
    with db.reading() as session:
        figures = reports.timeliness(session, 2023, db.policy)
    assert figures["plans_issued"] == 0 and figures["pct_within_20_weeks"] is None
    assert figures["excluding_exceptions"]["pct_within_20_weeks"] is None
    assert all(a == {"returned": 0, "within_6_weeks": 0, "pct_within_6_weeks": None}
               for a in figures["advice"].values())


def test_monthly_rates_split_the_year_by_the_month_each_plan_was_issued(db: Database, caseload):
    with db.reading() as session:
        monthly = reports.monthly_20_week_rate(session, 2025, db.policy)
    assert [m["month"] for m in monthly] == [f"2025-{m:02d}" for m in range(1, 13)]
    expected = {  # month: (issued, within, pct), then the same excluding exceptions
        1: ((1, 1, 100.0), (1, 1, 100.0)),
        2: ((1, 1, 100.0), (1, 1, 100.0)),
        3: ((1, 0, 0.0), (1, 0, 0.0)),
        4: ((1, 0, 0.0), (0, 0, None)),  # D: late, with an exception
        5: ((2, 1, 50.0), (1, 0, 0.0)),  # E on time with an exception; J late
        7: ((1, 0, 0.0), (1, 0, 0.0)),
        12: ((1, 0, 0.0), (1, 0, 0.0)),
    }
    for row in monthly:
        month = int(row["month"][-2:])
        including, excluding = expected.get(month, ((0, 0, None), (0, 0, None)))
        assert (row["plans_issued"], row["within_20_weeks"], row["pct_within_20_weeks"]) == including, month
        ex = row["excluding_exceptions"]
        assert (ex["plans_issued"], ex["within_20_weeks"], ex["pct_within_20_weeks"]) == excluding, month
    assert sum(m["plans_issued"] for m in monthly) == 8 and sum(m["within_20_weeks"] for m in monthly) == 3


def test_open_cases_by_stage_lists_every_open_stage_in_workflow_order(db: Database, caseload):
    with db.reading() as session:
        stages = reports.open_cases_by_stage(session)
    assert stages == [
        {"state": "request_received", "cases": 1},  # N
        {"state": "assessment", "cases": 1},  # K
        {"state": "drafting", "cases": 1},  # L
        {"state": "draft_issued", "cases": 1},  # M
        {"state": "plan_maintained", "cases": 6},  # B D E F H J
        {"state": "under_review", "cases": 1},  # G
        {"state": "amending", "cases": 1},  # A
        {"state": "ceasing", "cases": 1},  # decided to cease, the family's time to appeal still running
    ]


def test_open_cases_by_stage_on_an_empty_service_is_all_zeros(db: Database):
    with db.reading() as session:
        assert all(s["cases"] == 0 for s in reports.open_cases_by_stage(session))


def test_the_overdue_list_is_open_duties_past_due_oldest_first(db: Database, new_case):
    # X: a request with no decision; decision due 17 Feb 2025.
    x = new_case(D(2025, 1, 6), given_name="X").id
    # Y: health advice sent 16 Dec 2024, due 27 Jan 2025, never returned; the child missed the appointment.
    y = new_case(D(2024, 12, 2), given_name="Y").id
    case = walk(db, y, ("agree_to_assess", D(2024, 12, 16)), request_advice("health", D(2024, 12, 16)),
                request_advice("educational", D(2024, 12, 16)))
    health, educational = case.advice_requests
    walk(db, y, ("record_advice", D(2025, 2, 3), {"advice_request_id": educational.id}),  # late, but met
         ("record_exception", D(2025, 2, 3), {"reason": "missed_appointment", "starts_on": D(2025, 1, 8),
                                              "ends_on": D(2025, 1, 8), "applies_to": str(health.id)}))
    # Z: withdrawn, so its deadlines are cancelled and never overdue.
    z = new_case(D(2024, 11, 4), given_name="Z").id
    walk(db, z, ("withdraw", D(2024, 11, 20), {"reason": "Family moved away"}))

    with db.reading() as session:
        overdue = reports.overdue_deadlines(session, D(2025, 3, 1), db.policy)
        first = reports.overdue_deadlines(session, D(2025, 3, 1), db.policy, limit=1)
        on_due_date = reports.overdue_deadlines(session, D(2025, 1, 27), db.policy)
    references = {c: f"EHC-{r.year}-{c:06d}" for c, r in ((x, D(2025, 1, 6)), (y, D(2024, 12, 2)))}
    assert overdue == [
        {"case_id": y, "case_reference": references[y], "kind": "advice", "rule": "R2.1", "due_on": "2025-01-27",
         "days_overdue": 33, "excused": True, "advice_request_id": health.id},
        {"case_id": x, "case_reference": references[x], "kind": "decision_to_assess", "rule": "R1.1",
         "due_on": "2025-02-17", "days_overdue": 12, "excused": False, "advice_request_id": None},
    ]
    assert first == overdue[:1]
    assert on_due_date == []  # acting on the due date is on time

