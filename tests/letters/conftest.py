"""Letters and documents: cases taken to each decision that owes a notice, through the operations."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from freezegun import freeze_time
from sqlalchemy import select

from casework import operations as ops
from casework.letters import produce
from casework.models import Letter
from casework.people import operations as people

D = dt.date
TODAY = D(2025, 6, 2)


@pytest.fixture(autouse=True)
def _today():
    """A fixed today, so every letter's date and the dates it names are the same on every run."""
    with freeze_time(TODAY):
        yield


@pytest.fixture
def family_case(db, new_case):
    """A case whose child has a mother (with parental responsibility) at a known address."""

    def _make(**overrides: Any):
        case = new_case(received_on=D(2024, 9, 2), **overrides)
        people.update_person(db, case.person_id, actor=None, reason="Family details from the request form",
                              contacts=[{"name": "Jane Example", "relationship": "mother",
                                         "parental_responsibility": True,
                                         "address": "1 High Street\nNorthbridge\nNB1 2AB",
                                         "email": "jane@example.org"}])
        return case

    return _make


def produced(db, settings, case_id: int) -> list[Letter]:
    produce.produce_queued(db, settings)
    with db.reading() as session:
        return list(session.scalars(select(Letter).where(Letter.case_id == case_id).order_by(Letter.id)))


def to_review_meeting(db, case_id: int) -> None:
    ops.agree_to_assess(db, case_id, actor=None, on=D(2024, 10, 7))
    ops.decide_to_issue(db, case_id, actor=None, on=D(2024, 11, 25))
    ops.issue_draft(db, case_id, actor=None, on=D(2024, 12, 9))
    ops.issue_final(db, case_id, actor=None, on=D(2025, 1, 6), named_setting="Oak Primary School")
    ops.hold_review_meeting(db, case_id, actor=None, on=D(2025, 5, 5))
