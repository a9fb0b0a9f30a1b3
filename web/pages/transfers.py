"""Pages for the steps of a move between English authorities on a case (reg 15; casework/transfers).

A move out (R9.1: the plan sent to the new authority) and the notice to the family after a plan transferred
in (R9.2). Each form is built from its step's EventSpec (casework/law/transfers.py) and the fields declared
below, as the mediation and appeal steps are; reached from the case page's "Moves between authorities" list
when the step can be taken, under the cases section's role check, with CSRF. Taking on a plan from another
authority makes a new case, so it has a page of its own beside the new request (``transfer_in``), posting to the
same operation as ``POST /api/v1/cases`` with ``"transfer_in"``.
"""

from __future__ import annotations

from typing import Any

from flask import abort, flash, redirect, render_template, url_for
from flask_login import current_user
from sqlalchemy.orm import Session

from casework import access as authz
from casework import transfers
from casework.core import clock
from casework.core.errors import CaseworkError
from casework.law import transfers as law
from casework.law.events import LONG_TEXT, EventField
from casework.models import Case
from casework.models.transfer import AUTHORITY_LENGTH
from web import database
from web.pages.access import section
from web.pages.forms import EventForm, TransferInForm, attach_error, error_list, step_form
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


TRANSFER_IN_TITLE = "Take on a plan from another authority"


@bp.route("/transfer-in", methods=["GET", "POST"])
def transfer_in():
    """A plan transferred in (reg 15): a new case, maintained from the transfer, never a new plan."""
    form = TransferInForm()
    if form.validate_on_submit():
        try:
            case = transfers.transfer_in(
                database(), actor=current_user, from_authority=form.from_authority.data.strip(),
                transferred_on=form.transferred_on.data, plan_made_on=form.plan_made_on.data,
                last_reviewed_on=form.last_reviewed_on.data, given_name=form.given_name.data,
                family_name=form.family_name.data, date_of_birth=form.date_of_birth.data,
                primary_need=form.primary_need.data or None)
        except CaseworkError as refused:
            field = (refused.field or "").removeprefix("transfer_in.")
            form_errors = [] if attach_error(form, field, refused.message) else [refused.message]
            return _transfer_in_page(form, form_errors), 422
        with database().reading() as session:
            told_by = min(d.due_on for d in session.get(Case, case.id).deadlines if d.kind == "transfer_notice")
        flash(f"Plan taken on as {case.reference}. Tell the family by {clock.written(told_by)} that it has "
              "transferred, whether the council will assess and when it will review.", "success")
        return redirect(url_for("cases.case", case_id=case.id))
    return _transfer_in_page(form), 422 if form.is_submitted() else 200


def _transfer_in_page(form: TransferInForm, form_errors: list[str] | None = None) -> str:
    return render_template("cases/transfer_in.html", title=TRANSFER_IN_TITLE, heading=TRANSFER_IN_TITLE, form=form,
                           errors=error_list(form, form_errors))
