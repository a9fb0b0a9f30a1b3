"""Pages for the steps of a move between English authorities on a case (reg 15; casework/transfers).

A move out (R9.1: the plan sent to the new authority) and the notice to the family after a plan transferred
in (R9.2). Each form is built from its step's EventSpec (casework/law/transfers.py) and the fields declared
below, as the mediation and appeal steps are; reached from the case page's "Moves between authorities" list
when the step can be taken, under the cases section's role check, with CSRF. Taking on a plan from another
authority makes a new case, so it is not a step of an existing one.
"""

from __future__ import annotations

from typing import Any

from flask import abort, flash, redirect, url_for
from flask_login import current_user
from sqlalchemy.orm import Session

from casework import access as authz
from casework import transfers
from casework.law import transfers as law
from casework.law.events import LONG_TEXT, EventField
from casework.models import Case
from casework.models.transfer import AUTHORITY_LENGTH
from web import database
from web.pages.access import section
from web.pages.forms import EventForm, step_form
from web.pages.steps import record_step, step_page

bp = section("transfers", authz.CASE_WRITE_ROLES, "record moves between authorities", "/cases")

STEP_FIELDS: dict[str, tuple[EventField, ...]] = {
    "record_move_out": (
        EventField("new_authority", "text", "The authority the family is moving to", "the authority the family is "
                   "moving to", max_length=AUTHORITY_LENGTH),
        EventField("moved_on", "date", "Date the family moves", "the date the family moves"),
        EventField("learned_on", "date", "Date the council learned of the move", "the date the council learned of "
                   "the move", hint="The plan is due at the new authority by the move, or 15 working days from "
                   "this day if later")),
    "send_plan_to_new_authority": (),
    "cancel_move_out": (EventField("reason", "long_text", "Why the move is off", "why the move is off",
                                   max_length=LONG_TEXT, widget="textarea"),),
    "send_transfer_notice": (),
}
OPERATIONS = {"record_move_out": transfers.record_move_out,
              "send_plan_to_new_authority": transfers.send_plan_to_new_authority,
              "cancel_move_out": transfers.cancel_move_out,
              "send_transfer_notice": transfers.send_transfer_notice}
STEP_FORMS: dict[str, type[EventForm]] = {name: step_form(law.TRANSFER_EVENTS[name], fields)
                                          for name, fields in STEP_FIELDS.items()}
STEP_TITLES: dict[str, str] = {name: law.TRANSFER_EVENTS[name].title for name in STEP_FIELDS}


def steps_now(session: Session, case: Case) -> list[tuple[str, str]]:
    """The transfer steps the case can take now, with their titles, in the order they are taken."""
    moves = transfers.transfers_of(session, case.id)
    open_move = any(t.direction == "out" and t.plan_sent_on is None and t.cancelled_on is None for t in moves)
    steps: list[str] = []
    if case.state in law.PLAN_STATES and not open_move:
        steps.append("record_move_out")
    if open_move:
        steps += ["send_plan_to_new_authority", "cancel_move_out"]
    if any(t.direction == "in" and t.family_told_on is None for t in moves):
        steps.append("send_transfer_notice")
    return [(name, STEP_TITLES[name]) for name in steps]


def _values(name: str, form: Any) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for declared in STEP_FIELDS[name]:
        data = form[declared.name].data
        values[declared.name] = (data.strip() or None) if isinstance(data, str) else data
    return values


@bp.route("/<id:case_id>/transfers/<event>", methods=["GET", "POST"])
def step(case_id: int, event: str):
    if event not in STEP_FORMS:
        abort(404)
    db = database()
    with db.reading() as session:
        case = authz.visible_case(session, current_user, case_id)
        reference, child = case.reference, f"{case.person.given_name} {case.person.family_name}"
        possible = [name for name, _ in steps_now(session, case)]
    if event not in possible:
        flash(f"{STEP_TITLES[event]} is not possible on this case now.", "info")
        return redirect(url_for("cases.case", case_id=case_id))
    form = STEP_FORMS[event]()
    recorded, form_errors = record_step(form, lambda: OPERATIONS[event](
        db, case_id, actor=current_user, on=form.on.data, **_values(event, form)))
    if recorded:
        flash(f"{law.TRANSFER_EVENTS[event].history}: recorded on {reference}.", "success")
        return redirect(url_for("cases.case", case_id=case_id) + "#transfers")
    return step_page(form, form_errors, endpoint="transfers.step", event=event, heading=STEP_TITLES[event],
                     case_id=case_id, reference=reference, child=child, back="#transfers")
