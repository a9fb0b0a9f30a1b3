"""A caseload whose January 2026 SEN2 return was worked out by hand (tests/sen2/test_export.py says how)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from sqlalchemy import select

from casework import disputes, transfers
from casework import operations as ops
from casework.core.db import Database
from casework.models import Case
from casework.reporting.sen2 import details
from tests.disputes.conftest import start

D = dt.date
YEAR = 2026  # census Thursday 15 January 2026; activity in 2025


def walk(db: Database, case_id: int, *steps: tuple[Any, ...]) -> None:
    for event, on, *rest in steps:
        ops.fire_event(db, case_id, event, actor=None, on=on, **(dict(rest[0]) if rest else {}))


def to_plan(decided: dt.date, drafted: dt.date, final: dt.date) -> tuple[tuple[Any, ...], ...]:
    return (("decide_to_issue", decided), ("issue_draft", drafted), ("issue_final", final))


@pytest.fixture
def caseload(db: Database, new_case, make_user) -> dict[str, int]:
    """The people of the return, by name, with their person ids; each made through the operations."""
    caseworker = make_user("caseworker", username="cara.sen2")
    ids: dict[str, int] = {}

    def new(name: str, received: dt.date, *steps: tuple[Any, ...], born: dt.date = D(2016, 5, 4),
            sen2: dict[str, Any] | None = None) -> None:
        case = new_case(received, given_name=name, family_name="Test", date_of_birth=born)
        ids[name] = case.person_id
        walk(db, case.id, *steps)
        if sen2 is not None:
            details.record(db, case.id, actor=caseworker, details=sen2)

    new("Refused", D(2025, 3, 3), ("refuse_to_assess", D(2025, 4, 7), {"reason": "Needs met by the school."}),
        sen2={"request_source": 1})
    new("Withdrawn", D(2025, 5, 5), ("withdraw", D(2025, 5, 20), {"reason": "The family moved away."}),
        sen2={"request_source": 2, "youth_accommodation": False})
    new("OnTime", D(2024, 9, 2), ("agree_to_assess", D(2024, 10, 7)),
        *to_plan(D(2024, 12, 16), D(2024, 12, 23), D(2025, 1, 20)),
        ("hold_review_meeting", D(2025, 11, 3)), ("decide_review_outcome", D(2025, 11, 20), {"outcome": "maintain"}),
        sen2={"request_source": 3, "residential": False, "work_based_learning": False,
              "personal_budget": ["direct_payments", "organised"],
              "placements": [{"kind": "named", "urn": "100001", "rank": 1},
                             {"kind": "attended", "urn": "100001", "rank": 1},
                             {"kind": "attended", "sen_setting": "OLA", "rank": 2}],
              "sen_needs": [{"code": "SLCN", "rank": 2}, {"code": "ASD", "rank": 1}]})
    new("Late", D(2025, 1, 6), ("agree_to_assess", D(2025, 2, 10)),
        *to_plan(D(2025, 5, 12), D(2025, 5, 19), D(2025, 6, 16)),
        sen2={"request_source": 1, "transfer_la": "202", "residential": True,
              "placements": [{"kind": "named", "ukprn": "10012345", "rank": 1},
                             {"kind": "attended", "ukprn": "10012345", "rank": 1}],
              "sen_needs": [{"code": "SEMH", "rank": 1}]})
    new("Excepted", D(2025, 2, 3), ("agree_to_assess", D(2025, 3, 10)),
        ("record_exception", D(2025, 5, 12), {"reason": "personal_circumstances", "applies_to": "final_plan",
                                             "starts_on": D(2025, 4, 1), "ends_on": D(2025, 5, 12)}),
        *to_plan(D(2025, 6, 2), D(2025, 6, 9), D(2025, 7, 14)))
    new("NotIssued", D(2025, 2, 3), ("agree_to_assess", D(2025, 3, 10)),
        ("decide_not_to_issue", D(2025, 6, 2), {"reason": "Needs can be met from the school's resources."}))
    new("Ceased", D(2023, 9, 4), ("agree_to_assess", D(2023, 10, 2)),
        *to_plan(D(2023, 12, 4), D(2023, 12, 11), D(2024, 1, 15)), ("cease_plan", D(2025, 9, 1), {"reason": 4}),
        ("confirm_ceased", D(2025, 11, 3)), born=D(2006, 5, 4))
    new("Ongoing", D(2025, 11, 3))
    new("AfterCensus", D(2025, 10, 6), ("agree_to_assess", D(2026, 1, 20)))
    new("NextYear", D(2026, 1, 5))
    new("OldClosed", D(2023, 3, 1), ("refuse_to_assess", D(2023, 4, 3), {"reason": "Needs met by the school."}))
    new("Mediated", D(2025, 3, 3), ("agree_to_assess", D(2025, 4, 7)),
        *to_plan(D(2025, 7, 7), D(2025, 7, 14), D(2025, 8, 11)))
    with db.reading() as session:
        mediated = session.scalar(select(Case.id).where(Case.person_id == ids["Mediated"]))
    decision = start(db, mediated, "issue_final", D(2025, 8, 11))
    disputes.record_mediation_contact(db, mediated, actor=None, on=D(2025, 8, 18), decision=decision,
                                      wants_mediation=True)
    disputes.hold_mediation(db, mediated, actor=None, on=D(2025, 9, 1), decision=decision, outcome="not_agreed")
    disputes.issue_mediation_certificate(db, mediated, actor=None, on=D(2025, 9, 3), decision=decision)
    disputes.register_appeal(db, mediated, actor=None, on=D(2025, 10, 1), decision=decision,
                             tribunal_reference="EH999/25/00001", grounds=["contents_b"])
    moved_in = transfers.transfer_in(db, actor=None, from_authority="202", transferred_on=D(2025, 6, 2),
                                     plan_made_on=D(2023, 3, 1), last_reviewed_on=D(2025, 3, 3),
                                     given_name="TransferredIn", family_name="Test", date_of_birth=D(2016, 5, 4),
                                     primary_need="SLCN")
    ids["TransferredIn"] = moved_in.person_id
    return ids
