"""Timeliness as the DfE counts it, and the figures a manager's dashboard shows.

The published measure (SEN2, statutory-rules.md section 12) is the share of new EHC plans first issued in
a calendar year within 20 weeks of the request, both including and excluding the plans to whose 20-week
limit an exception applies (reg 10(4)); the headline excludes them. A plan is "new" when its request's
``final_plan`` deadline (R5.1) is met; within 20 weeks means issued on or before the due date. Only
assessments with no mediation and no tribunal appeal count (``casework.disputes``). A plan transferred in from
another authority has no ``final_plan`` deadline, so it is never counted as new.

Advice timeliness is the reg 8(1) measure: advice returned in the year, and how much of it came within 6
weeks of the body's own receipt of the request.

Counting is done in SQL; only the few plans with an exception recorded against their 20-week limit are
read as rows, so the exception rules in ``casework.deadlines`` decide which of them are excluded.
"""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from sqlalchemy import ColumnElement, and_, case, extract, func, select
from sqlalchemy.orm import Session

from casework.core.policy import Policy
from casework.deadlines import status as deadlines
from casework.disputes import with_mediation_or_tribunal
from casework.models import ADVICE_TYPES, AdviceRequest, Case, Deadline, ExceptionLimit, ExceptionRecord
from casework.models.subject import ADVICE_REQUEST
from workflows import ehcp

NEW_PLAN_KIND = "final_plan"
ADVICE_KIND = "advice"
OVERDUE_LIMIT = 50


def _year_span(year: int) -> tuple[dt.date, dt.date]:
    return dt.date(year, 1, 1), dt.date(year, 12, 31)


def _pct(part: int, whole: int) -> float | None:
    """A percentage to one decimal place, halves rounded up as published figures are; None when nothing counted."""
    if not whole:
        return None
    return float((Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP))


def _rate(issued: int, within: int) -> dict[str, Any]:
    return {"plans_issued": issued, "within_20_weeks": within, "pct_within_20_weeks": _pct(within, issued)}


def _plans_issued_between(start: dt.date, end: dt.date) -> ColumnElement[bool]:
    return and_(Deadline.kind == NEW_PLAN_KIND, Deadline.met_on >= start, Deadline.met_on <= end,
                Deadline.superseded_at.is_(None), ~with_mediation_or_tribunal(Deadline.case_id))


_ON_TIME = case((Deadline.met_on <= Deadline.due_on, 1), else_=0)


def _exception_applies(exception: ExceptionRecord, deadline: Deadline) -> bool:
    """An exception the rule admits, recorded against this limit, for circumstances while it was running.

    SEN2 counts a plan under "exceptions apply" whether or not it was in the end late, so lateness is not
    required here (unlike the "excused" flag on a late deadline); the span test is the one that flag uses.
    """
    return deadlines.applies_to(exception, deadline) and deadlines.overlaps(exception, deadline)


def _plans_with_exceptions(session: Session, start: dt.date, end: dt.date) -> list[Deadline]:
    """The new plans issued in the span whose 20-week limit has an applicable exception recorded."""
    rows = session.execute(
        select(Deadline, ExceptionRecord)
        .join(ExceptionRecord, ExceptionRecord.case_id == Deadline.case_id)
        .where(_plans_issued_between(start, end),
               ExceptionRecord.limits.any(ExceptionLimit.deadline_kind == NEW_PLAN_KIND),
               ExceptionRecord.withdrawn_on.is_(None))
        .order_by(Deadline.id, ExceptionRecord.id)
    ).all()
    found: dict[int, Deadline] = {}
    for deadline, exception in rows:
        if deadline.id not in found and _exception_applies(exception, deadline):
            found[deadline.id] = deadline
    return list(found.values())


def _advice_figures(session: Session, start: dt.date, end: dt.date) -> dict[str, dict[str, Any]]:
    on_time = case((AdviceRequest.returned_on <= Deadline.due_on, 1), else_=0)
    counted = {
        advice_type: (int(returned), int(within or 0))
        for advice_type, returned, within in session.execute(
            select(AdviceRequest.advice_type, func.count(AdviceRequest.id), func.sum(on_time))
            .join(Deadline, and_(Deadline.about(ADVICE_REQUEST, AdviceRequest.id), Deadline.kind == ADVICE_KIND,
                            Deadline.superseded_at.is_(None)))
            .where(AdviceRequest.returned_on >= start, AdviceRequest.returned_on <= end)
            .group_by(AdviceRequest.advice_type)
        )
    }
    figures: dict[str, dict[str, Any]] = {}
    for advice_type in ADVICE_TYPES:
        returned, within = counted.get(advice_type, (0, 0))
        figures[advice_type] = {"returned": returned, "within_6_weeks": within,
                                "pct_within_6_weeks": _pct(within, returned)}
    return figures


def timeliness(session: Session, year: int, policy: Policy) -> dict[str, Any]:
    """The year's figures in the shape of the public contract (GET /reports/timeliness)."""
    start, end = _year_span(year)
    issued, within = session.execute(
        select(func.count(Deadline.id), func.coalesce(func.sum(_ON_TIME), 0)).where(_plans_issued_between(start, end))
    ).one()
    issued, within = int(issued), int(within)
    excepted = _plans_with_exceptions(session, start, end)
    excepted_within = sum(1 for d in excepted if d.met_on is not None and d.met_on <= d.due_on)
    return {
        "year": year,
        **_rate(issued, within),
        "excluding_exceptions": _rate(issued - len(excepted), within - excepted_within),
        "advice": _advice_figures(session, start, end),
    }


def monthly_20_week_rate(session: Session, year: int, policy: Policy) -> list[dict[str, Any]]:
    """New plans issued in each month of the year and the share within 20 weeks, every month listed.

    The figures are those of ``timeliness`` (including exceptions) split by the month the plan was issued;
    each row also carries the same figures excluding exceptions.
    """
    start, end = _year_span(year)
    month = extract("month", Deadline.met_on)
    counted = {
        int(m): (int(issued), int(within or 0))
        for m, issued, within in session.execute(
            select(month, func.count(Deadline.id), func.sum(_ON_TIME))
            .where(_plans_issued_between(start, end)).group_by(month)
        )
    }
    excepted: dict[int, tuple[int, int]] = {}
    for d in _plans_with_exceptions(session, start, end):
        assert d.met_on is not None
        issued, within = excepted.get(d.met_on.month, (0, 0))
        excepted[d.met_on.month] = (issued + 1, within + (1 if d.met_on <= d.due_on else 0))
    rows = []
    for m in range(1, 13):
        issued, within = counted.get(m, (0, 0))
        less_issued, less_within = excepted.get(m, (0, 0))
        rows.append({"month": f"{year:04d}-{m:02d}", **_rate(issued, within),
                     "excluding_exceptions": _rate(issued - less_issued, within - less_within)})
    return rows


def open_cases_by_stage(session: Session) -> list[dict[str, Any]]:
    """How many cases sit at each open stage, in workflow order, stages with none included."""
    counted = dict(session.execute(
        select(Case.state, func.count(Case.id)).where(Case.state.in_(ehcp.OPEN_STATES)).group_by(Case.state)
    ).tuples().all())
    return [{"state": state, "cases": int(counted.get(state, 0))} for state in ehcp.OPEN_STATES]


def overdue_deadlines(session: Session, as_of: dt.date, policy: Policy, limit: int = OVERDUE_LIMIT
                      ) -> list[dict[str, Any]]:
    """The open duties past their due date as of a day, oldest first: the manager's list of what is late.

    ``excused`` is true when an exception that applies to the time limit has been recorded; the duty is
    then "as soon as practicable", but it is still owed, so it stays on the list.
    """
    rows = session.execute(
        select(Deadline, Case.reference).join(Case, Case.id == Deadline.case_id)
        .where(Deadline.is_duty.is_(True), Deadline.met_on.is_(None), Deadline.cancelled_on.is_(None),
               Deadline.due_on < as_of)
        .order_by(Deadline.due_on, Deadline.id).limit(limit)
    ).all()
    case_ids = {d.case_id for d, _ in rows}
    exceptions: dict[int, list[ExceptionRecord]] = {}
    if case_ids:
        for exception in session.scalars(select(ExceptionRecord).where(ExceptionRecord.case_id.in_(case_ids))):
            exceptions.setdefault(exception.case_id, []).append(exception)
    overdue = []
    for deadline, reference in rows:
        status = deadlines.status(deadline, as_of, policy)
        overdue.append({
            "case_id": deadline.case_id,
            "case_reference": reference,
            "kind": deadline.kind,
            "rule": deadline.rule,
            "due_on": deadline.due_on.isoformat(),
            "days_overdue": (as_of - deadline.due_on).days,
            "excused": deadlines.excused(deadline, status, exceptions.get(deadline.case_id, []), as_of),
            "advice_request_id": deadline.advice_request_id,
        })
    return overdue
