"""Deadline status as of a date, for one row in Python and for many rows in SQL.

Both forms encode the same rule (acting on the due date is on time; a family's window closes rather than
being breached), and tests hold them to the same answers.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from sqlalchemy import ColumnElement, and_, case, exists, literal, or_

from casework.core.policy import Policy
from casework.law import rules
from casework.models import AdviceRequest, Deadline, ExceptionLimit, ExceptionRecord, Subject
from casework.models.subject import ADVICE_REQUEST, CASE

LATE = ("overdue", "met_late")
OPEN = ("pending", "due_soon", "overdue")  # the statuses of a deadline not yet met or cancelled


def status(deadline: Deadline, as_of: dt.date, policy: Policy) -> str:
    """The status on ``as_of``: a deadline met or cancelled after that day was still open on it."""
    if deadline.cancelled_on is not None and deadline.cancelled_on <= as_of:
        return "cancelled"
    if deadline.met_on is not None and deadline.met_on <= as_of:
        return "met" if deadline.met_on <= deadline.due_on else "met_late"
    if as_of > deadline.due_on:
        return "overdue" if deadline.is_duty else "met"
    if as_of >= policy.due_soon_from(deadline.kind, deadline.due_on):
        return "due_soon"
    return "pending"


def status_sql(as_of: dt.date, policy: Policy, kinds: Iterable[str] = rules.DEADLINE_KINDS) -> ColumnElement[str]:
    """The same status as a SQL CASE expression, for set-based queries over many rows."""
    soon = or_(*(and_(Deadline.kind == k, Deadline.due_on <= as_of + dt.timedelta(days=policy.warning_days(k)))
                 for k in kinds))
    return case(
        (Deadline.cancelled_on <= as_of, literal("cancelled")),
        (and_(Deadline.met_on <= as_of, Deadline.met_on <= Deadline.due_on), literal("met")),
        (Deadline.met_on <= as_of, literal("met_late")),
        (and_(Deadline.due_on < as_of, Deadline.is_duty.is_(False)), literal("met")),
        (Deadline.due_on < as_of, literal("overdue")),
        (soon, literal("due_soon")),
        else_=literal("pending"),
    )


def covers(limit: ExceptionLimit, deadline: Deadline) -> bool:
    """Whether one limit of an exception is this deadline's: the same kind, about the same thing, or about
    the deadline's whole case (a limit named by kind covers every deadline of that kind on the case)."""
    return limit.deadline_kind == deadline.kind and limit.subject in (deadline.subject, Subject.case(deadline.case_id))


def applies_to(exception: ExceptionRecord, deadline: Deadline) -> bool:
    """Whether a recorded exception covers this deadline and its rule version admits that reason."""
    if not any(covers(limit, deadline) for limit in exception.limits):
        return False
    rule = rules.rule_in_force(deadline.rule, deadline.starts_on)
    return rules.exception_applies(rule, exception.reason, deadline.starts_on, deadline.due_on)


def in_force(exception: ExceptionRecord, as_of: dt.date) -> bool:
    """Recorded by that day and not withdrawn by it: a withdrawn exception excuses nothing from its withdrawal."""
    return exception.recorded_on <= as_of and (exception.withdrawn_on is None or exception.withdrawn_on > as_of)


def excused(deadline: Deadline, current_status: str, exceptions: Iterable[ExceptionRecord], as_of: dt.date) -> bool:
    """Late, and an exception in force that applies to it fell during the time it was running."""
    if current_status not in LATE:
        return False
    return any(in_force(e, as_of) and applies_to(e, deadline) and overlaps(e, deadline) for e in exceptions)


def overlaps(exception: ExceptionRecord, deadline: Deadline) -> bool:
    """The circumstances fell during the limit's running time [starts_on, due_on] (statutory-rules.md section 6).
    ``ends_on`` is the first day back (the school's reopening, the family's return), so the last day of the
    circumstances is the day before it."""
    return exception.starts_on <= deadline.due_on and exception.ends_on > deadline.starts_on


def _admits_sql() -> ColumnElement[bool]:
    """SQL for "the deadline's rule version admits the exception's reason" (``rules.exception_applies``)."""
    by_version = [and_(Deadline.rule == rule.id, Deadline.starts_on >= rule.effective_from,
                       *((Deadline.starts_on <= rule.effective_to,) if rule.effective_to else ()),
                       ExceptionRecord.reason.in_(sorted(rule.excusable_by)))
                  for rule in rules.RULES if rule.excusable_by]
    first, last = rules.CORONAVIRUS_PERIOD
    coronavirus = and_(ExceptionRecord.reason == rules.CORONAVIRUS, Deadline.rule.in_(sorted(rules.CORONAVIRUS_RULES)),
                       Deadline.starts_on <= last, Deadline.due_on >= first)
    return or_(*by_version, coronavirus)


def excused_sql(as_of: dt.date) -> ColumnElement[bool]:
    """The same test as ``excused`` for an open or late row, as SQL: an exception in force on ``as_of`` that
    covers the deadline, admits its reason, and fell while it ran. Combine it with a late status."""
    covered = or_(and_(ExceptionLimit.subject_type == Deadline.subject_type,
                       ExceptionLimit.subject_id == Deadline.subject_id),
                  and_(ExceptionLimit.subject_type == CASE, ExceptionLimit.subject_id == Deadline.case_id))
    return exists().where(
        ExceptionLimit.exception_id == ExceptionRecord.id, ExceptionRecord.case_id == Deadline.case_id,
        ExceptionRecord.recorded_on <= as_of,
        or_(ExceptionRecord.withdrawn_on.is_(None), ExceptionRecord.withdrawn_on > as_of),
        ExceptionLimit.deadline_kind == Deadline.kind, covered,
        ExceptionRecord.starts_on <= Deadline.due_on, ExceptionRecord.ends_on > Deadline.starts_on,
        _admits_sql(),
    )


def advice_owed() -> ColumnElement[bool]:
    """Advice still owed, as SQL: not returned, not cancelled, and its deadline not closed by the case taking
    another path (the same rule as ``casework.operations.outstanding``)."""
    return and_(AdviceRequest.returned_on.is_(None), AdviceRequest.voided_on.is_(None),
                exists().where(Deadline.about(ADVICE_REQUEST, AdviceRequest.id), Deadline.cancelled_on.is_(None),
                               Deadline.superseded_at.is_(None)))
