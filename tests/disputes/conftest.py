"""A case with an appealable decision whose letter has gone, built only through the operations."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy import select

from casework import disputes
from casework import operations as ops
from casework.core.db import Database
from casework.deadlines import status as deadline_status
from casework.models import AuditEntry, Case, Deadline, Dispute, Subject
from tests.web.conftest import browser_for  # noqa: F401  (the signed-in page client, for the case page test)

D = dt.date


def decision_entry(db: Database, case_id: int, event: str) -> int:
    with db.reading() as session:
        return session.scalars(select(AuditEntry.id).where(AuditEntry.case_id == case_id, AuditEntry.event == event)
                               .order_by(AuditEntry.id.desc())).first()


def start(db: Database, case_id: int, event: str, letter_on: dt.date) -> int:
    """The decision's letter issued on ``letter_on``: returns the decision's entry id."""
    entry_id = decision_entry(db, case_id, event)
    with db.transaction() as session:
        case = session.get(Case, case_id)
        disputes.start_appeal_rights(session, case, decision_entry_id=entry_id, letter_on=letter_on, policy=db.policy)
    return entry_id


def dispute_deadlines(db: Database, case_id: int, kind: str | None = None) -> list[Deadline]:
    with db.reading() as session:
        dispute_ids = list(session.scalars(select(Dispute.id).where(Dispute.case_id == case_id)))
        rows = session.scalars(select(Deadline).where(Deadline.case_id == case_id, Deadline.subject_type == "dispute",
                                                      Deadline.subject_id.in_(dispute_ids),
                                                      Deadline.superseded_at.is_(None))
                               .order_by(Deadline.id)).all()
    return [d for d in rows if kind is None or d.kind == kind]


def one(db: Database, case_id: int, kind: str, open_only: bool = False) -> Deadline:
    rows = [d for d in dispute_deadlines(db, case_id, kind) if not open_only or d.cancelled_on is None]
    assert len(rows) == 1, rows
    return rows[0]


def status_of(db: Database, deadline: Deadline, as_of: dt.date) -> str:
    return deadline_status.status(deadline, as_of, db.policy)


@pytest.fixture
def refused(db: Database, new_case: Callable[..., Any]) -> Callable[..., tuple[int, int]]:
    """A case refused assessment, its letter issued on ``letter_on``: (case id, decision entry id)."""

    def _make(letter_on: dt.date = D(2025, 1, 10), received_on: dt.date = D(2024, 11, 4)) -> tuple[int, int]:
        case = new_case(received_on=received_on)
        ops.refuse_to_assess(db, case.id, actor=None, on=min(letter_on, received_on + dt.timedelta(weeks=5)),
                             reason="Needs can be met from the school's resources")
        return case.id, start(db, case.id, "refuse_to_assess", letter_on)

    return _make


@pytest.fixture
def issued_plan(db: Database, new_case: Callable[..., Any]) -> Callable[..., int]:
    """A case whose final plan was issued on ``issued_on`` (request 2 September 2024 unless given)."""

    def _make(issued_on: dt.date = D(2025, 1, 20), received_on: dt.date = D(2024, 9, 2)) -> int:
        case = new_case(received_on=received_on)
        ops.agree_to_assess(db, case.id, actor=None, on=received_on + dt.timedelta(weeks=5))
        ops.decide_to_issue(db, case.id, actor=None, on=received_on + dt.timedelta(weeks=12))
        ops.issue_draft(db, case.id, actor=None, on=received_on + dt.timedelta(weeks=13))
        ops.issue_final(db, case.id, actor=None, on=issued_on)
        return case.id

    return _make


__all__ = ["D", "Subject", "decision_entry", "dispute_deadlines", "one", "start", "status_of"]
