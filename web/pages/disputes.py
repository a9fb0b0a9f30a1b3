"""Pages for the mediation and appeal steps of a decision on a case (casework/disputes).

Each step's form is built as the case's own event forms are: its heading, date and button from the step's
EventSpec (casework/law/disputes.py), its fields declared once below as EventFields and made into form fields
by the same ``event_field`` (``forms.step_form``). The steps run beside the case, so they are reached from the
case page's "Mediation and appeals" list, under the cases section's role check, and post with CSRF like every
form.
"""

from __future__ import annotations

from typing import Any

from flask import abort, flash, redirect, url_for
from flask_login import current_user
from sqlalchemy import select
from wtforms import SelectMultipleField

from casework import access as authz
from casework import disputes
from casework.law import disputes as law
from casework.law.events import EventField
from casework.models import AuditEntry
from casework.models.dispute import REFERENCE_LENGTH
from web import database
from web.pages import presenters as p
from web.pages.access import section
from web.pages.forms import (
    EventForm,
    GovCheckboxesInput,
    choice,
    step_form,
)
from web.pages.steps import record_step, step_page

bp = section("disputes", authz.CASE_WRITE_ROLES, "record mediation and appeals", "/cases")

YES_NO = {"yes": "Yes", "no": "No"}
_DECISION = EventField("decision", "choice", "Decision disputed", "the decision the family disagrees with")
_REFERENCE = EventField("tribunal_reference", "text", "Tribunal reference", "the tribunal's reference",
                        max_length=REFERENCE_LENGTH, hint="As the tribunal gives it, for example EH123/25/00001")
# Each step's fields beyond its date, in the order the form asks them.
STEP_FIELDS: dict[str, tuple[EventField, ...]] = {
    "record_mediation_contact": (_DECISION, EventField(
        "wants_mediation", "choice", "Does the family want mediation?", "whether the family wants mediation",
        choices=tuple(YES_NO), choice_labels=YES_NO, widget="radio")),
    "issue_mediation_certificate": (_DECISION,),
    "hold_mediation": (_DECISION, EventField(
        "outcome", "choice", "Outcome of the mediation", "the outcome of the mediation",
        choices=tuple(law.MEDIATION_OUTCOMES), choice_labels=law.MEDIATION_OUTCOMES, widget="radio")),
    "register_appeal": (_DECISION, _REFERENCE),
    "record_appeal_outcome": (_REFERENCE, EventField(
        "outcome", "choice", "Outcome of the appeal", "the outcome of the appeal", choices=tuple(law.APPEAL_OUTCOMES),
        choice_labels=law.APPEAL_OUTCOMES, widget="radio"), EventField(
        "order", "choice", "What the council must do (an order or a concession)", "what the council must do",
        required=False, choices=tuple(law.ORDERS), choice_labels=law.ORDERS, widget="select"), EventField(
        "ordered_on", "date", "Date of the order, or the day the council told the tribunal it conceded",
        "the date of the order", required=False, hint="Leave blank if the appeal was dismissed or withdrawn")),
    "record_order_step": (_REFERENCE, EventField(
        "step", "choice", "Step taken", "the step taken", choices=tuple(law.STEP_LABELS),
        choice_labels=law.STEP_LABELS, widget="select")),
}


def _form(name: str) -> type[EventForm]:
    extra = {}
    if name == "register_appeal":
        extra["grounds"] = SelectMultipleField(
            "Grounds of the appeal", widget=GovCheckboxesInput(), validate_choice=False,
            choices=[choice(code, label) for code, label in law.GROUNDS.items()],
            description="Select all that apply. Only an appeal about the school or institution named alone needs "
                        "no mediation certificate")
    return step_form(law.DISPUTE_EVENTS[name], STEP_FIELDS[name], **extra)


STEP_FORMS: dict[str, type[EventForm]] = {name: _form(name) for name in STEP_FIELDS}
STEP_TITLES: dict[str, str] = {name: law.DISPUTE_EVENTS[name].title for name in STEP_FIELDS}


def _decisions(session, case_id: int) -> list[Any]:
    """The case's decisions whose letter has gone, as choices: what was decided, and the letter's date."""
    found = disputes.disputes_of(session, case_id)
    events = dict(session.execute(select(AuditEntry.id, AuditEntry.event).where(
        AuditEntry.id.in_([d.decision_entry_id for d in found]))).all()) if found else {}
    return [choice(str(d.decision_entry_id),
                   f"{p.EVENT_LABELS.get(events[d.decision_entry_id], 'Decision')}, "
                   f"letter of {p.long_date(d.letter_on)}")
            for d in found if d.decision_entry_id in events]


def _values(name: str, form: Any) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for declared in STEP_FIELDS[name]:
        data = form[declared.name].data
        data = (data.strip() or None) if isinstance(data, str) else data
        if declared.name == "decision":
            data = int(data) if data and data.isdigit() else 0
        elif declared.name == "wants_mediation":
            data = {"yes": True, "no": False}.get(data or "")
        values[declared.name] = data
    if name == "register_appeal":
        values["grounds"] = list(form.grounds.data or [])
    return values


@bp.route("/<id:case_id>/disputes/<event>", methods=["GET", "POST"])
def step(case_id: int, event: str):
    if event not in STEP_FORMS:
        abort(404)
    db = database()
    with db.reading() as session:
        case = authz.visible_case(session, current_user, case_id)
        reference, child = case.reference, f"{case.person.given_name} {case.person.family_name}"
        decisions = _decisions(session, case_id)
    form = STEP_FORMS[event]()
    if "decision" in form._fields:
        form.decision.choices = [choice("", "Choose the decision"), *decisions]
    if not decisions:
        flash("No decision letter on this case has started the family's mediation and appeal time yet.", "info")
        return redirect(url_for("cases.case", case_id=case_id))
    recorded, form_errors = record_step(form, lambda: disputes.fire_dispute_event(
        db, case_id, event, actor=current_user, on=form.on.data, **_values(event, form)))
    if recorded:
        flash(f"{law.DISPUTE_EVENTS[event].history}: recorded on {reference}.", "success")
        return redirect(url_for("cases.case", case_id=case_id) + "#disputes")
    return step_page(form, form_errors, endpoint="disputes.step", event=event, heading=STEP_TITLES[event],
                     case_id=case_id, reference=reference, child=child, back="#disputes")
