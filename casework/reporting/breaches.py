"""Breaches of the statutory time limits in a calendar year, by rule: raw (late) and excused (late, with an
exception that applies recorded), the two flags statutory-rules.md section 6 asks for.

A limit falling due in the year is a raw breach when it was met after its due date, is still open after it, or
was cancelled after it: a duty already missed when the case took another path (a request withdrawn after its
6 weeks ran out) stays a breach, it is never wiped out by the cancellation. A local milestone (M3.2) and a
service level (R5.3) are never breaches, nor is a window the family has. Counting is done in SQL; only the
breaches of cases with an exception recorded are read as rows, so the exception rules of
``casework.deadlines`` decide which are excused.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import ColumnElement, and_, func, or_, select
from sqlalchemy.orm import Session

from casework.deadlines import status as deadlines
from casework.law import rules
from casework.models import Deadline, ExceptionRecord

STATUTORY_RULES = tuple(sorted({r.id for r in rules.RULES if r.statutory}))


def _breached(as_of: dt.date) -> ColumnElement[bool]:
    """Its due date had passed by ``as_of`` and it was neither met nor cancelled by then."""
    met_in_time = and_(Deadline.met_on.is_not(None), Deadline.met_on <= Deadline.due_on)
    cancelled_in_time = and_(Deadline.cancelled_on.is_not(None), Deadline.cancelled_on <= Deadline.due_on)
    return and_(Deadline.due_on < as_of, ~or_(met_in_time, cancelled_in_time))


def _in_year(year: int) -> ColumnElement[bool]:
    return and_(Deadline.due_on >= dt.date(year, 1, 1), Deadline.due_on <= dt.date(year, 12, 31),
                Deadline.is_duty.is_(True), Deadline.superseded_at.is_(None), Deadline.rule.in_(STATUTORY_RULES))


def breaches(session: Session, year: int, as_of: dt.date) -> dict[str, dict[str, int]]:
    """For each statutory rule with a limit due in ``year``: how many fell due, how many were breached (raw) and
    how many of those are excused, as of ``as_of`` (a limit still open on that day and not yet due is no breach)."""
    counted = session.execute(
        select(Deadline.rule, func.count(Deadline.id)).where(_in_year(year)).group_by(Deadline.rule)
    ).tuples().all()
    raw = dict(session.execute(
        select(Deadline.rule, func.count(Deadline.id)).where(_in_year(year), _breached(as_of)).group_by(Deadline.rule)
    ).tuples().all())
    excused: dict[str, int] = {}
    late_with_exceptions = session.scalars(
        select(Deadline).where(_in_year(year), _breached(as_of),
                               Deadline.case_id.in_(select(ExceptionRecord.case_id)))
        .order_by(Deadline.id)
    ).all()
    if late_with_exceptions:
        records: dict[int, list[ExceptionRecord]] = {}
        for record in session.scalars(select(ExceptionRecord).where(
                ExceptionRecord.case_id.in_({d.case_id for d in late_with_exceptions}))):
            records.setdefault(record.case_id, []).append(record)
        for deadline in late_with_exceptions:
            state = _late_status(deadline, as_of)
            if deadlines.excused(deadline, state, records.get(deadline.case_id, []), as_of):
                excused[deadline.rule] = excused.get(deadline.rule, 0) + 1
    return {rule: {"due": int(due), "raw": int(raw.get(rule, 0)), "excused": excused.get(rule, 0)}
            for rule, due in sorted(counted)}


def _late_status(deadline: Deadline, as_of: dt.date) -> str:
    """A breach read as the late status the excused test takes: met late, or overdue (still open, or cancelled
    after its due date: it was overdue when the case left it)."""
    return "met_late" if deadline.met_on is not None and deadline.met_on <= as_of else "overdue"
