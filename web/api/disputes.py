"""API for disagreement resolution: the mediation and appeal steps, posted as events on the case
(``POST /cases/{id}/events`` with a disagreement-resolution event name), and ``GET /cases/{id}/disputes``.

These steps run beside the case and never move its state; each answers the case as it stands after the step,
like any event. A step the dispute's progress does not allow is 409; a bad value is 422; nothing is changed.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from flask import g, jsonify
from pydantic import BaseModel, StrictBool, StrictStr, ValidationError

from casework import access as authz
from casework import disputes
from casework.core import clock
from casework.deadlines import status as deadline_status
from casework.law import disputes as law
from casework.models import Dispute, Subject
from web import database
from web.api import bodies
from web.api.views import api

Ground = Literal["assessment", "issue", "contents_b", "contents_f", "contents_i", "amend", "cease"]


class _Step(BaseModel):
    model_config = bodies.STRICT
    event: StrictStr
    on: bodies.IsoDate


class MediationContact(_Step):
    decision: bodies.WholeNumber
    wants_mediation: StrictBool


class Certificate(_Step):
    decision: bodies.WholeNumber


class Mediation(_Step):
    decision: bodies.WholeNumber
    outcome: Literal["agreed", "not_agreed"]


class Appeal(_Step):
    decision: bodies.WholeNumber
    tribunal_reference: StrictStr
    grounds: list[Ground]


class AppealOutcome(_Step):
    tribunal_reference: StrictStr
    outcome: Literal["dismissed", "withdrawn", "conceded", "order"]
    order: Literal["assess", "make_plan", "amend_plan", "amend_section_i", "continue_plan", "cease_plan"] | None = None
    ordered_on: bodies.IsoDate | None = None


class OrderStep(_Step):
    tribunal_reference: StrictStr
    step: Literal[tuple(law.STEP_LABELS)]  # type: ignore[valid-type]


BODIES: dict[str, type[_Step]] = {
    "record_mediation_contact": MediationContact,
    "issue_mediation_certificate": Certificate,
    "hold_mediation": Mediation,
    "register_appeal": Appeal,
    "record_appeal_outcome": AppealOutcome,
    "record_order_step": OrderStep,
}
EVENT_NAMES = tuple(BODIES)


def post_dispute_event(case_id: int, body: dict[str, Any]) -> None:
    """One disagreement-resolution step from an event body (the case already checked visible and writable)."""
    name = body["event"]
    spec = law.DISPUTE_EVENTS[name]
    model = BODIES[name]
    try:
        parsed = model.model_validate(body)
    except ValidationError as error:
        raise bodies.refusal(error, spec, tuple(model.model_fields)) from None
    fields = parsed.model_dump(exclude={"event", "on"})
    disputes.fire_dispute_event(database(), case_id, name, actor=g.user, on=parsed.on, **fields)


def _iso(day: dt.date | None) -> str | None:
    return day.isoformat() if day else None


def dispute_dict(dispute: Dispute, deadlines: list, as_of: dt.date) -> dict[str, Any]:
    policy = database().policy
    subject = Subject.dispute(dispute.id)
    return {
        **{k: (_iso(v) if isinstance(v, dt.date) else v) for k, v in dispute.facts.items()},
        "deadlines": [
            {"id": d.id, "kind": d.kind, "step": d.step, "rule": d.rule, "citation": d.citation,
             "starts_on": _iso(d.starts_on), "due_on": _iso(d.due_on), "met_on": _iso(d.met_on),
             "cancelled_on": _iso(d.cancelled_on), "status": deadline_status.status(d, as_of, policy)}
            for d in deadlines if d.subject == subject],
    }


@api.get("/cases/<id:case_id>/disputes")
def list_disputes(case_id: int):
    with database().reading() as session:
        case = authz.visible_case(session, g.user, case_id)
        today = clock.today()
        items = [dispute_dict(d, case.deadlines, today) for d in disputes.disputes_of(session, case_id)]
    return jsonify({"items": items, "total": len(items)})
