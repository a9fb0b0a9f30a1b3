"""API for transfers between English authorities: ``POST /cases`` with ``"transfer_in"`` takes on a plan from
another authority; the move-out steps are events on the case (``record_move_out``,
``send_plan_to_new_authority``, ``send_transfer_notice``); ``GET /cases/{id}/transfers`` lists them."""

from __future__ import annotations

import datetime as dt
from typing import Any

from flask import g, jsonify
from pydantic import BaseModel, StrictStr, ValidationError

from casework import access as authz
from casework import transfers
from casework.core import clock
from casework.deadlines import status as deadline_status
from casework.law import transfers as law
from casework.models import Subject, Transfer
from web import database
from web.api import bodies
from web.api.views import api


class _Step(BaseModel):
    model_config = bodies.STRICT
    event: StrictStr
    on: bodies.IsoDate


class MoveOut(_Step):
    new_authority: StrictStr
    moved_on: bodies.IsoDate
    learned_on: bodies.IsoDate


class MoveCalledOff(_Step):
    reason: StrictStr


class TransferIn(BaseModel):
    model_config = bodies.STRICT
    from_authority: StrictStr
    transferred_on: bodies.IsoDate
    plan_made_on: bodies.IsoDate
    last_reviewed_on: bodies.IsoDate | None = None


class NewTransferredCase(BaseModel):
    model_config = bodies.STRICT
    child: bodies.NewChild | None = None
    person_id: bodies.WholeNumber | None = None
    primary_need: StrictStr | None = None
    transfer_in: TransferIn


BODIES: dict[str, type[_Step]] = {"record_move_out": MoveOut, "send_plan_to_new_authority": _Step,
                                  "cancel_move_out": MoveCalledOff, "send_transfer_notice": _Step}
EVENT_NAMES = tuple(BODIES)
OPERATIONS = {"record_move_out": transfers.record_move_out,
              "send_plan_to_new_authority": transfers.send_plan_to_new_authority,
              "cancel_move_out": transfers.cancel_move_out,
              "send_transfer_notice": transfers.send_transfer_notice}


def post_transfer_event(case_id: int, body: dict[str, Any]) -> None:
    name = body["event"]
    spec = law.TRANSFER_EVENTS[name]
    model = BODIES[name]
    try:
        parsed = model.model_validate(body)
    except ValidationError as error:
        raise bodies.refusal(error, spec, tuple(model.model_fields)) from None
    OPERATIONS[name](database(), case_id, actor=g.user, on=parsed.on, **parsed.model_dump(exclude={"event", "on"}))


def create_transferred_case(body: dict[str, Any]) -> int:
    """A plan taken on from another authority: the new case's id."""
    try:
        parsed = NewTransferredCase.model_validate(body)
    except ValidationError as error:
        raise bodies.refusal(error, law.TRANSFER_EVENTS["transfer_in"], tuple(NewTransferredCase.model_fields)) \
            from None
    child = parsed.child
    case = transfers.transfer_in(
        database(), actor=g.user, person_id=parsed.person_id, primary_need=parsed.primary_need,
        given_name=child.given_name if child else None, family_name=child.family_name if child else None,
        date_of_birth=child.date_of_birth if child else None, **parsed.transfer_in.model_dump())
    return case.id


def _iso(day: dt.date | None) -> str | None:
    return day.isoformat() if day else None


def transfer_dict(transfer: Transfer, deadlines: list, as_of: dt.date) -> dict[str, Any]:
    policy = database().policy
    subject = Subject.transfer(transfer.id)
    names = ("id", "case_id", "direction", "authority", "moved_on", "learned_on", "plan_sent_on", "cancelled_on",
             "transferred_on",
             "plan_made_on", "last_reviewed_on", "family_told_on")
    return {
        **{n: (_iso(getattr(transfer, n)) if n.endswith("_on") else getattr(transfer, n)) for n in names},
        "deadlines": [
            {"id": d.id, "kind": d.kind, "rule": d.rule, "citation": d.citation, "starts_on": _iso(d.starts_on),
             "due_on": _iso(d.due_on), "met_on": _iso(d.met_on), "cancelled_on": _iso(d.cancelled_on),
             "status": deadline_status.status(d, as_of, policy)}
            for d in deadlines if d.subject == subject],
    }


@api.get("/cases/<id:case_id>/transfers")
def list_transfers(case_id: int):
    with database().reading() as session:
        case = authz.visible_case(session, g.user, case_id)
        items = [transfer_dict(t, case.deadlines, clock.today()) for t in transfers.transfers_of(session, case_id)]
    return jsonify({"items": items, "total": len(items)})
