"""A case as the public contract shows it: plain data, with deadline statuses as of a date."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, lazyload

from casework.cases import operations
from casework.core.policy import Policy
from casework.deadlines import status as deadline_status
from casework.models import AdviceRequest, AuditEntry, Case, Deadline, ExceptionRecord
from casework.models.subject import ADVICE_REQUEST, DISPUTE, TRANSFER
from workflows import ehcp


def _iso(value: dt.date | dt.datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def _by(day: dt.date | None, as_of: dt.date) -> dt.date | None:
    """A fact's date if it had happened by ``as_of``; a case shown as it stood knows nothing later."""
    return day if day is not None and day <= as_of else None


def deadline_dict(d: Deadline, as_of: dt.date, policy: Policy, case: Case) -> dict[str, Any]:
    status = deadline_status.status(d, as_of, policy)
    return {
        "id": d.id, "kind": d.kind, "rule": d.rule, "citation": d.citation,
        "starts_on": _iso(d.starts_on), "due_on": _iso(d.due_on), "met_on": _iso(_by(d.met_on, as_of)),
        "cancelled_on": _iso(_by(d.cancelled_on, as_of)), "status": status,
        "excused": deadline_status.excused(d, status, case.exceptions, as_of),
        "advice_request_id": d.advice_request_id,
        "dispute_id": d.subject_id if d.subject_type == DISPUTE else None,
        "transfer_id": d.subject_id if d.subject_type == TRANSFER else None,
        "consultation_id": d.consultation_id,
        "step": d.step,
    }


def advice_deadlines(session: Session, advice_request_ids: list[int]) -> dict[int, Deadline]:
    """The standing deadline of each of these advice requests, by request: one indexed read for a list page."""
    if not advice_request_ids:
        return {}
    found = session.scalars(select(Deadline).where(Deadline.subject_type == ADVICE_REQUEST,
                                                   Deadline.subject_id.in_(advice_request_ids),
                                                   Deadline.superseded_at.is_(None)))
    return {d.advice_request_id: d for d in found}


# Loading a case loads its person, officer, deadlines, advice and exceptions with it (the case file's
# default); a list that shows only the case row says so with these options.
CASE_ROW_ONLY = (lazyload(Case.person), lazyload(Case.assigned_caseworker), lazyload(Case.deadlines),
                 lazyload(Case.advice_requests), lazyload(Case.exceptions))


def advice_dict(a: AdviceRequest, as_of: dt.date, policy: Policy,
                deadlines: Mapping[int, Deadline] | None = None) -> dict[str, Any]:
    """One advice request with its deadline's status. ``deadlines`` (by advice request id) is for a list, which
    reads only its requests' own deadlines rather than every deadline of every case on the page."""
    if deadlines is not None:
        deadline = deadlines.get(a.id)
    else:
        deadline = next((d for d in a.case.deadlines if d.advice_request_id == a.id), None)
    status = deadline_status.status(deadline, as_of, policy) if deadline else None
    return {
        "id": a.id, "case_id": a.case_id, "case_reference": a.case.reference, "advice_type": a.advice_type,
        "organisation": a.organisation.name, "requested_on": _iso(a.requested_on),
        "received_on": _iso(a.received_on), "returned_on": _iso(_by(a.returned_on, as_of)),
        "voided_on": _iso(_by(a.voided_on, as_of)), "void_reason": a.void_reason if _by(a.voided_on, as_of) else None,
        "outstanding": status in deadline_status.OPEN,
        "due_on": _iso(deadline.due_on) if deadline else None,
        "status": status,
    }


def exception_dict(e: ExceptionRecord, as_of: dt.date) -> dict[str, Any]:
    """``applies_to`` as it always was (one limit: the kind or the advice request's id) or, when the exception
    covers several, the list of them; ``limits`` is always the list."""
    covered = [limit.applies_to for limit in e.limits]
    withdrawn = _by(e.withdrawn_on, as_of)
    return {"id": e.id, "reason": e.reason, "starts_on": _iso(e.starts_on), "ends_on": _iso(e.ends_on),
            "applies_to": covered[0] if len(covered) == 1 else covered, "limits": covered,
            "family_told_on": _iso(e.family_told_on), "evidence": e.evidence, "recorded_on": _iso(e.recorded_on),
            "withdrawn_on": _iso(withdrawn), "withdrawn_reason": e.withdrawn_reason if withdrawn else None}


def child_dict(case: Case) -> dict[str, Any]:
    """The child as the person record has them now, with the need recorded on this request."""
    person = case.person
    return _child(person.given_name, person.family_name, person.date_of_birth, case.primary_need)


def _child(given_name: str, family_name: str, date_of_birth: dt.date, primary_need: str | None) -> dict[str, Any]:
    return {"given_name": given_name, "family_name": family_name, "date_of_birth": _iso(date_of_birth),
            "primary_need": primary_need}


def case_summary(case: Case) -> dict[str, Any]:
    return _summary(case, case.person.given_name, case.person.family_name, case.person.date_of_birth,
                    case.assigned_caseworker.username if case.assigned_caseworker is not None else None)


def row_summary(row: Any) -> dict[str, Any]:
    """``case_summary`` from a list's row (``caseload.LIST_COLUMNS``) rather than a loaded case."""
    return _summary(row, row.given_name, row.family_name, row.date_of_birth, row.caseworker)


def _summary(case: Any, given_name: str, family_name: str, date_of_birth: dt.date,
             assigned_to: str | None) -> dict[str, Any]:
    return {"id": case.id, "reference": case.reference, "state": case.state, "person_id": case.person_id,
            "child": _child(given_name, family_name, date_of_birth, case.primary_need),
            "received_on": _iso(case.received_on), "requested_by": case.requested_by,
            "assigned_to": assigned_to, "version": case.version}


def case_dict(case: Case, as_of: dt.date, policy: Policy, *, state: str | None = None) -> dict[str, Any]:
    """The case as it stood on ``as_of``: what happened later (a decision, a return, a withdrawal) is not known
    yet, and a deadline opened later is not shown. ``state`` is the state on that day, from the history."""
    summary = case_summary(case)
    past = state is not None and state != case.state
    if past:
        summary["state"] = state
    return {
        **summary,
        "as_of": _iso(as_of),
        "allowed_events": ehcp.allowed_events(state) if past else operations.allowed_events(case),
        "deadlines": [deadline_dict(d, as_of, policy, case) for d in case.deadlines if d.starts_on <= as_of],
        "advice_requests": [advice_dict(a, as_of, policy) for a in case.advice_requests if a.requested_on <= as_of],
        "exceptions": [exception_dict(e, as_of) for e in case.exceptions if e.recorded_on <= as_of],
        "draft_issued_on": _iso(_by(case.draft_issued_on, as_of)),
        "plan_issued_on": _iso(_by(case.plan_issued_on, as_of)),
        "named_setting": case.named_setting if _by(case.plan_issued_on, as_of) else None,
        "closed_on": _iso(_by(case.closed_on, as_of)),
    }


def state_on(session: Session, case_id: int, as_of: dt.date) -> str | None:
    """The case's state on a day: that of its last entry dated on or before it (event date, then recorded)."""
    entries = session.execute(
        select(AuditEntry.on, AuditEntry.id, AuditEntry.state_after)
        .where(AuditEntry.case_id == case_id, AuditEntry.on <= as_of, AuditEntry.state_after.is_not(None))
    ).all()
    entries.sort(key=lambda row: (row.on, row.id))
    return entries[-1].state_after if entries else None


def history(session: Session, case_id: int) -> list[dict[str, Any]]:
    entries = session.scalars(select(AuditEntry).where(AuditEntry.case_id == case_id).order_by(AuditEntry.id))
    return [
        {"id": e.id, "at": _iso(e.at), "actor": e.actor, "event": e.event, "on": _iso(e.on), "fields": e.fields,
         "state_before": e.state_before, "state_after": e.state_after}
        for e in entries
    ]
