"""A case as the public contract shows it: plain data, with deadline statuses as of a date."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from casework.core.policy import Policy
from casework.deadlines import status as deadline_status
from casework.models import AdviceRequest, AuditEntry, Case, Deadline
from workflows import ehcp


def _iso(value: dt.date | dt.datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def deadline_dict(d: Deadline, as_of: dt.date, policy: Policy, case: Case) -> dict[str, Any]:
    status = deadline_status.status(d, as_of, policy)
    return {
        "id": d.id, "kind": d.kind, "rule": d.rule, "citation": d.citation,
        "starts_on": _iso(d.starts_on), "due_on": _iso(d.due_on), "met_on": _iso(d.met_on),
        "cancelled_on": _iso(d.cancelled_on), "status": status,
        "excused": deadline_status.excused(d, status, case.exceptions, as_of),
        "advice_request_id": d.advice_request_id,
    }


def advice_dict(a: AdviceRequest, as_of: dt.date, policy: Policy) -> dict[str, Any]:
    deadline = next((d for d in a.case.deadlines if d.advice_request_id == a.id), None)
    return {
        "id": a.id, "case_id": a.case_id, "case_reference": a.case.reference, "advice_type": a.advice_type,
        "organisation": a.organisation.name, "requested_on": _iso(a.requested_on),
        "received_on": _iso(a.received_on), "returned_on": _iso(a.returned_on),
        "due_on": _iso(deadline.due_on) if deadline else None,
        "status": deadline_status.status(deadline, as_of, policy) if deadline else None,
    }


def child_dict(case: Case) -> dict[str, Any]:
    """The child as the person record has them now, with the need recorded on this request."""
    person = case.person
    return {"given_name": person.given_name, "family_name": person.family_name,
            "date_of_birth": _iso(person.date_of_birth), "primary_need": case.primary_need}


def case_summary(case: Case) -> dict[str, Any]:
    return {"id": case.id, "reference": case.reference, "state": case.state, "person_id": case.person_id,
            "child": child_dict(case),
            "received_on": _iso(case.received_on), "requested_by": case.requested_by, "version": case.version}


def case_dict(case: Case, as_of: dt.date, policy: Policy) -> dict[str, Any]:
    return {
        **case_summary(case),
        "as_of": _iso(as_of),
        "allowed_events": ehcp.allowed_events(case.state),
        "deadlines": [deadline_dict(d, as_of, policy, case) for d in case.deadlines],
        "advice_requests": [advice_dict(a, as_of, policy) for a in case.advice_requests],
        "exceptions": [
            {"id": e.id, "reason": e.reason, "starts_on": _iso(e.starts_on), "ends_on": _iso(e.ends_on),
             "applies_to": str(e.advice_request_id) if e.advice_request_id else e.applies_to_kind,
             "family_told_on": _iso(e.family_told_on), "evidence": e.evidence, "recorded_on": _iso(e.recorded_on)}
            for e in case.exceptions
        ],
        "draft_issued_on": _iso(case.draft_issued_on), "plan_issued_on": _iso(case.plan_issued_on),
        "named_setting": case.named_setting, "closed_on": _iso(case.closed_on),
    }


def history(session: Session, case_id: int) -> list[dict[str, Any]]:
    entries = session.scalars(select(AuditEntry).where(AuditEntry.case_id == case_id).order_by(AuditEntry.id))
    return [
        {"id": e.id, "at": _iso(e.at), "actor": e.actor, "event": e.event, "on": _iso(e.on), "fields": e.fields,
         "state_before": e.state_before, "state_after": e.state_after}
        for e in entries
    ]
