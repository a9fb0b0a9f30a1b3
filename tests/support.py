"""Helpers shared by tests: snapshots of a case and a path through the workflow."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import select

from casework import operations as ops
from casework.db import Database
from casework.models import AuditEntry, Case, Deadline

D = dt.date


def snapshot(db: Database, case_id: int) -> dict[str, Any]:
    """Everything about a case that an operation could change, for before/after comparison."""
    with db.reading() as s:
        case = s.get(Case, case_id)
        columns = {c.key: getattr(case, c.key) for c in Case.__table__.columns}
        deadlines = [
            {c.key: getattr(d, c.key) for c in Deadline.__table__.columns if c.key != "created_at"}
            for d in s.scalars(select(Deadline).where(Deadline.case_id == case_id).order_by(Deadline.id))
        ]
        audit = [(a.id, a.event, a.state_before, a.state_after)
                 for a in s.scalars(select(AuditEntry).where(AuditEntry.case_id == case_id).order_by(AuditEntry.id))]
        advice = [(a.id, a.returned_on) for a in case.advice_requests]
        exceptions = [e.id for e in case.exceptions]
    return {"case": columns, "deadlines": deadlines, "audit": audit, "advice": advice, "exceptions": exceptions}


def by_kind(case: Case) -> dict[str, list[Deadline]]:
    found: dict[str, list[Deadline]] = {}
    for d in case.deadlines:
        found.setdefault(d.kind, []).append(d)
    return found


def to_final_plan(db: Database, case_id: int, start: dt.date = D(2024, 9, 2)) -> Case:
    """A timely path from request to final plan (the worked example's dates)."""
    ops.agree_to_assess(db, case_id, actor=None, on=start + dt.timedelta(weeks=5))
    ops.decide_to_issue(db, case_id, actor=None, on=start + dt.timedelta(weeks=12))
    ops.issue_draft(db, case_id, actor=None, on=start + dt.timedelta(weeks=14))
    return ops.issue_final(db, case_id, actor=None, on=start + dt.timedelta(weeks=18), named_setting="Oak School")
