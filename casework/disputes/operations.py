"""Disagreement resolution: mediation, appeals and tribunal orders, beside the case rather than moving it.

An appealable decision's letter, once issued, starts the family's time: 2 months to contact a mediation adviser
(R10.1) and the appeal window (R10.6). From there each step is one operation in one unit of work: it checks
everything first (so a refusal leaves no trace), changes the dispute, lets the deadline ledger open, meet or
cancel what the step declares (``casework.law.disputes``) and writes the entry in the case's history.
"""

from __future__ import annotations

import datetime as dt
import difflib
from collections.abc import Callable
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, lazyload
from sqlalchemy.orm.attributes import flag_modified

from casework import audit
from casework.cases import orders
from casework.cases.ceasing import APPEAL_OVERTURNED, APPEAL_PENDING, APPEAL_UPHELD, record_cease_appeal
from casework.cases.operations import unit_of_work
from casework.cases.replay import effective_history
from casework.core import clock
from casework.core.db import Database
from casework.core.errors import EventNotAllowed, Invalid, MalformedInput, NotFound
from casework.core.policy import Policy
from casework.deadlines.ledger import Ledger
from casework.law import disputes as law
from casework.law import rules
from casework.models import AuditEntry, Case, Dispute, Subject, User
from casework.models.dispute import REFERENCE_LENGTH
from workflows import disputes as workflow

Operation = Callable[..., Dispute]


# --------------------------------------------------------------------------------------------------- the clocks start


def start_appeal_rights(session: Session, case: Case, *, decision_entry_id: int, letter_on: dt.date,
                        policy: Policy) -> Dispute:
    """The decision letter is issued: the family's mediation and appeal time runs from its date.

    Called when an appealable notice is produced (``casework.letters``); a second call for the same decision
    returns the dispute already started."""
    existing = session.scalars(select(Dispute).where(Dispute.decision_entry_id == decision_entry_id)).first()
    if existing is not None:
        return existing
    entry = session.get(AuditEntry, decision_entry_id)
    if entry is None or entry.case_id != case.id or entry.event not in law.APPEALABLE:
        raise Invalid("That entry is not a decision on this case that can be appealed.", code="not_appealable",
                      field="decision")
    dispute = Dispute(case_id=case.id, decision_entry_id=entry.id, decision_event=entry.event, letter_on=letter_on)
    session.add(dispute)
    session.flush()
    ledger = Ledger(case, law.OPEN_DISPUTE, letter_on, policy)
    subject = Subject.dispute(dispute.id)
    for kind in law.OPEN_DISPUTE.opens:
        ledger.open(kind, letter_on, subject=subject)
    flag_modified(case, "last_event_on")  # the case's version moves with its history, as for every dispute step
    session.flush()
    audit.record(session, case=case, actor=None, event=law.OPEN_DISPUTE.name, on=letter_on,
                 fields={"decision": entry.id, "dispute_id": dispute.id}, state_before=None, state_after=None)
    return dispute


# --------------------------------------------------------------------------------------------------- checks


def _not_future(on: dt.date) -> None:
    if on > clock.today():
        raise Invalid(f"The date {clock.written(on)} is in the future.", code="date_in_future", field="on")


def _not_before(on: dt.date, trigger: dt.date | None, what: str, field: str = "on") -> None:
    if trigger is not None and on < trigger:
        raise Invalid(f"The date {clock.written(on)} is before {what} ({clock.written(trigger)}).",
                      code="date_before_trigger", field=field)


def _turn(dispute: Dispute, event: str) -> None:
    """409 when the dispute's stage does not allow the step, naming what is possible now."""
    stage = workflow.stage_of(dispute)
    if event not in workflow.allowed_events(stage):
        possible = [workflow.EVENT_TITLES[e] for e in workflow.allowed_events(stage)]
        now = f" Possible now: {', '.join(possible)}." if possible else ""
        raise EventNotAllowed(f"That step is not possible while this disagreement is at "
                              f"'{workflow.STAGES[stage]}'.{now}")


def _already(what: str) -> EventNotAllowed:
    return EventNotAllowed(f"{what} has already been recorded for this decision.")


def _choice(value: Any, choices: dict[str, str], field: str, what: str) -> str:
    if not isinstance(value, str) or value not in choices:
        raise Invalid(f"{what} must be one of: {', '.join(choices.values())}.", code="invalid_choice", field=field)
    return value


def _reference(value: Any) -> str:
    text = value.strip() if isinstance(value, str) else ""
    if not text:
        raise Invalid("Enter the tribunal reference.", code="required", field="tribunal_reference")
    if len(text) > REFERENCE_LENGTH:
        raise Invalid(f"The tribunal reference must be {REFERENCE_LENGTH} characters or fewer.", code="too_long",
                      field="tribunal_reference")
    if any(ord(c) < 32 for c in text):
        raise Invalid("The tribunal reference must not contain control characters.", code="control_characters",
                      field="tribunal_reference")
    return text


def _dispute_of_decision(session: Session, case: Case, decision: Any) -> Dispute:
    if isinstance(decision, bool) or not isinstance(decision, int):
        raise Invalid("Select the decision the family disagrees with.", code="required", field="decision")
    dispute = session.scalars(select(Dispute).where(Dispute.case_id == case.id,
                                                    Dispute.decision_entry_id == decision)).first()
    if dispute is None:
        raise Invalid("There is no decision letter on this case with that entry, so no mediation or appeal time "
                      "is running for it.", code="unknown_decision", field="decision")
    return dispute


def _dispute_of_appeal(session: Session, case: Case, reference: Any) -> Dispute:
    text = _reference(reference)
    dispute = session.scalars(select(Dispute).where(Dispute.case_id == case.id,
                                                    Dispute.tribunal_reference == text)).first()
    if dispute is None:
        raise Invalid(f"No appeal with the reference {text} is registered on this case.", code="unknown_appeal",
                      field="tribunal_reference")
    return dispute


# --------------------------------------------------------------------------------------------------- one step


def _step(db: Database, case_id: int, event: str, *, actor: User | None, on: dt.date, uow: Session | None,
          fields: dict[str, Any], apply: Callable[[Session, Case, Ledger], Dispute]) -> Dispute:
    spec = law.DISPUTE_EVENTS[event]
    if not isinstance(on, dt.date):
        raise Invalid(f"Enter {spec.date_enter}.", code="required", field="on")
    _not_future(on)
    with unit_of_work(db, uow) as session:
        case = session.scalars(select(Case).where(Case.id == case_id).options(lazyload(Case.person))
                               .with_for_update()).one_or_none()
        if case is None:
            raise NotFound(f"There is no case {case_id}.")
        ledger = Ledger(case, spec, on, db.policy)
        dispute = apply(session, case, ledger)
        flag_modified(case, "last_event_on")  # the case's version moves: a concurrent change is seen
        session.flush()
        audit.record(session, case=case, actor=actor, event=event, on=on,
                     fields={**fields, "dispute_id": dispute.id}, state_before=None, state_after=None)
        session.flush()
    return dispute


# --------------------------------------------------------------------------------------------------- mediation


def record_mediation_contact(db: Database, case_id: int, *, actor: User | None, on: dt.date, decision: int,
                             wants_mediation: bool, uow: Session | None = None) -> Dispute:
    """The family contacted the mediation adviser (R10.1): mediation wanted opens 30 days for it (R10.3);
    declined, a certificate is owed within 3 working days (R10.2)."""
    if not isinstance(wants_mediation, bool):
        raise Invalid("Select whether the family wants mediation.", code="required", field="wants_mediation")

    def apply(session: Session, case: Case, ledger: Ledger) -> Dispute:
        dispute = _dispute_of_decision(session, case, decision)
        _turn(dispute, "record_mediation_contact")
        if dispute.contacted_on is not None:
            raise _already("The family's contact with the mediation adviser")
        _not_before(on, dispute.letter_on, "the decision letter")
        dispute.contacted_on, dispute.wants_mediation = on, wants_mediation
        subject = Subject.dispute(dispute.id)
        ledger.meet(["mediation_contact"], subject=subject)
        ledger.open("mediation_meeting" if wants_mediation else "mediation_certificate", on, subject=subject)
        return dispute

    return _step(db, case_id, "record_mediation_contact", actor=actor, on=on, uow=uow,
                 fields={"decision": decision, "wants_mediation": wants_mediation}, apply=apply)


def issue_mediation_certificate(db: Database, case_id: int, *, actor: User | None, on: dt.date, decision: int,
                                uow: Session | None = None) -> Dispute:
    """The certificate (reg 34 or after mediation): the appeal window becomes the later of the letter + 2 months
    and the certificate + 1 month (R10.6); the window's row is replaced by one with the new date."""

    def apply(session: Session, case: Case, ledger: Ledger) -> Dispute:
        dispute = _dispute_of_decision(session, case, decision)
        _turn(dispute, "issue_mediation_certificate")
        if dispute.certificate_on is not None:
            raise _already("A mediation certificate")
        what = "the family's contact with the mediation adviser" if dispute.contacted_on else "the decision letter"
        _not_before(on, dispute.contacted_on or dispute.letter_on, what)
        dispute.certificate_on = on
        subject = Subject.dispute(dispute.id)
        ledger.meet(["mediation_certificate", "mediation_contact"], subject=subject)
        ledger.cancel(["mediation_meeting"], subject=subject)  # mediation closed without being held
        if dispute.appeal_registered_on is None:
            ledger.cancel(["appeal_window"], subject=subject)
            ledger.open("appeal_window", dispute.letter_on, subject=subject, starts_on=dispute.letter_on,
                        certificate_on=on)
        return dispute

    return _step(db, case_id, "issue_mediation_certificate", actor=actor, on=on, uow=uow,
                 fields={"decision": decision}, apply=apply)


def hold_mediation(db: Database, case_id: int, *, actor: User | None, on: dt.date, decision: int, outcome: str,
                   uow: Session | None = None) -> Dispute:
    """Mediation held (R10.3); not agreed, the family is owed a certificate within 3 working days (R10.2)."""
    _choice(outcome, law.MEDIATION_OUTCOMES, "outcome", "The outcome of the mediation")

    def apply(session: Session, case: Case, ledger: Ledger) -> Dispute:
        dispute = _dispute_of_decision(session, case, decision)
        _turn(dispute, "hold_mediation")
        if dispute.mediation_held_on is not None:
            raise _already("The mediation")
        if not dispute.wants_mediation or dispute.certificate_on is not None:
            raise EventNotAllowed("No mediation is being arranged for this decision: record the family's wish for "
                                  "mediation first.")
        _not_before(on, dispute.contacted_on, "the family asked for mediation")
        dispute.mediation_held_on, dispute.mediation_outcome = on, outcome
        subject = Subject.dispute(dispute.id)
        ledger.meet(["mediation_meeting"], subject=subject)
        if outcome == "not_agreed":
            ledger.open("mediation_certificate", on, subject=subject)
        return dispute

    return _step(db, case_id, "hold_mediation", actor=actor, on=on, uow=uow,
                 fields={"decision": decision, "outcome": outcome}, apply=apply)


# --------------------------------------------------------------------------------------------------- the appeal


def _against_ceasing(session: Session, case: Case, dispute: Dispute) -> bool:
    """The dispute is about the decision to cease the plan the case is now ceasing under (CFA s.45(3))."""
    if case.state != "ceasing" or case.cease_decided_on is None:
        return False
    entry = session.get(AuditEntry, dispute.decision_entry_id)
    if entry is None or entry.on != case.cease_decided_on:
        return False
    return entry.event == "cease_plan" or (entry.event == "decide_review_outcome"
                                           and (entry.fields or {}).get("outcome") == "cease")


def cease_appeal_outcome(outcome: str, order: str | None) -> str:
    """What an appeal's outcome means for a decision to cease: dismissed or withdrawn, or an order to cease, the
    decision stands ("upheld"); conceded by the council or any other order, the plan continues ("overturned")."""
    if outcome in ("dismissed", "withdrawn") or order == "cease_plan":
        return APPEAL_UPHELD
    return APPEAL_OVERTURNED


def _grounds(value: Any) -> list[str]:
    if not isinstance(value, list) or not value:
        raise Invalid("Select the grounds of the appeal.", code="required", field="grounds")
    for ground in value:
        _choice(ground, law.GROUNDS, "grounds", "Each ground of appeal")
    return sorted(set(value), key=list(law.GROUNDS).index)


def register_appeal(db: Database, case_id: int, *, actor: User | None, on: dt.date, decision: int,
                    tribunal_reference: str, grounds: list[str], uow: Session | None = None) -> Dispute:
    """An appeal registered by the tribunal. A certificate is needed first unless the appeal is about the school
    or other institution named alone (CFA s.55)."""
    reference, chosen = _reference(tribunal_reference), _grounds(grounds)

    def apply(session: Session, case: Case, ledger: Ledger) -> Dispute:
        dispute = _dispute_of_decision(session, case, decision)
        _turn(dispute, "register_appeal")
        if dispute.appeal_registered_on is not None:
            raise _already("An appeal")
        _not_before(on, dispute.letter_on, "the decision letter")
        if dispute.certificate_on is None and not set(chosen) <= law.NO_CERTIFICATE_NEEDED:
            raise Invalid("An appeal on these grounds needs a mediation certificate first (Children and Families "
                          "Act 2014 s.55). Only an appeal about the school or institution named alone does not.",
                          code="certificate_required", field="grounds")
        taken = session.scalars(select(Dispute.id).where(Dispute.tribunal_reference == reference)).first()
        if taken is not None:
            raise Invalid(f"An appeal with the reference {reference} is already registered.",
                          code="tribunal_reference_exists", field="tribunal_reference")
        dispute.tribunal_reference, dispute.grounds, dispute.appeal_registered_on = reference, chosen, on
        ledger.meet(["appeal_window"], subject=Subject.dispute(dispute.id))
        if _against_ceasing(session, case, dispute):
            record_cease_appeal(case, APPEAL_PENDING)
        return dispute

    return _step(db, case_id, "register_appeal", actor=actor, on=on, uow=uow,
                 fields={"decision": decision, "tribunal_reference": reference, "grounds": chosen}, apply=apply)


def record_appeal_outcome(db: Database, case_id: int, *, actor: User | None, on: dt.date, tribunal_reference: str,
                          outcome: str, order: str | None = None, ordered_on: dt.date | None = None,
                          uow: Session | None = None) -> Dispute:
    """The appeal decided, withdrawn or conceded. An order opens one compliance deadline per step of reg 44(2)
    from the order's date (R10.9); a concession before the hearing opens the same from the day the tribunal was
    told (reg 45, R10.10)."""
    _choice(outcome, law.APPEAL_OUTCOMES, "outcome", "The outcome of the appeal")
    ordering = outcome in ("order", "conceded")
    if ordering:
        _choice(order, law.ORDERS, "order", "What the council must do")
        if not isinstance(ordered_on, dt.date):
            raise Invalid("Enter the date of the order." if outcome == "order" else
                          "Enter the date the council told the tribunal it would not oppose the appeal.",
                          code="required", field="ordered_on")
        if ordered_on > clock.today():
            raise Invalid(f"The date {clock.written(ordered_on)} is in the future.", code="date_in_future",
                          field="ordered_on")
        _not_before(on, ordered_on, "the date of the order")
    elif order is not None or ordered_on is not None:
        raise Invalid("An appeal dismissed or withdrawn orders nothing: leave what was ordered blank.",
                      code="nothing_ordered", field="order" if order is not None else "ordered_on")

    def apply(session: Session, case: Case, ledger: Ledger) -> Dispute:
        # read before anything changes, so the read flushes nothing and the case's version moves once
        history = effective_history(session, case.id) if ordering else []
        dispute = _dispute_of_appeal(session, case, tribunal_reference)
        _turn(dispute, "record_appeal_outcome")
        if dispute.appeal_outcome is not None:
            raise _already("The outcome of this appeal")
        _not_before(on, dispute.appeal_registered_on, "the appeal was registered")
        if ordering:
            assert ordered_on is not None and order is not None
            _not_before(ordered_on, dispute.appeal_registered_on, "the appeal was registered", "ordered_on")
        dispute.appeal_outcome, dispute.order, dispute.ordered_on = outcome, order, ordered_on
        if _against_ceasing(session, case, dispute):
            record_cease_appeal(case, cease_appeal_outcome(outcome, order))
        if ordering:
            assert ordered_on is not None and order is not None
            rule_id = "R10.9" if outcome == "order" else "R10.10"
            opened = [ledger.open("tribunal_order", ordered_on, rule_id=rule_id, subject=Subject.dispute(dispute.id),
                                  step=step, order=order, order_step=step)
                      for step, _weeks in rules.ORDER_STEPS[order]]
            orders.settle_on_order(ledger, opened, history)
        return dispute

    return _step(db, case_id, "record_appeal_outcome", actor=actor, on=on, uow=uow,
                 fields={"tribunal_reference": tribunal_reference, "outcome": outcome, "order": order,
                         "ordered_on": ordered_on}, apply=apply)


def record_order_step(db: Database, case_id: int, *, actor: User | None, on: dt.date, tribunal_reference: str,
                      step: str, uow: Session | None = None) -> Dispute:
    """One step of the order done: its deadline met; a no-plan notice and a final plan are alternatives, so
    meeting one cancels the other."""
    _choice(step, law.STEP_LABELS, "step", "The step taken")

    def apply(session: Session, case: Case, ledger: Ledger) -> Dispute:
        dispute = _dispute_of_appeal(session, case, tribunal_reference)
        _turn(dispute, "record_order_step")
        subject = Subject.dispute(dispute.id)
        owed = [d for d in case.deadlines if d.kind == "tribunal_order" and d.subject == subject and d.step == step]
        if not owed:
            raise Invalid("The order on this appeal does not require that step.", code="step_not_ordered",
                          field="step")
        if not any(d.is_open for d in owed):
            raise _already("That step")
        _not_before(on, dispute.ordered_on, "the date of the order")
        ledger.meet(["tribunal_order"], subject=subject, step=step)
        alternative = law.ALTERNATIVE_STEPS.get(step)
        if alternative is not None:
            ledger.cancel(["tribunal_order"], subject=subject, step=alternative)
        return dispute

    return _step(db, case_id, "record_order_step", actor=actor, on=on, uow=uow,
                 fields={"tribunal_reference": tribunal_reference, "step": step}, apply=apply)


# --------------------------------------------------------------------------------------------------- by name


DISPUTE_OPERATIONS: dict[str, Operation] = {
    "record_mediation_contact": record_mediation_contact,
    "issue_mediation_certificate": issue_mediation_certificate,
    "hold_mediation": hold_mediation,
    "register_appeal": register_appeal,
    "record_appeal_outcome": record_appeal_outcome,
    "record_order_step": record_order_step,
}
FIELDS: dict[str, tuple[str, ...]] = {
    "record_mediation_contact": ("decision", "wants_mediation"),
    "issue_mediation_certificate": ("decision",),
    "hold_mediation": ("decision", "outcome"),
    "register_appeal": ("decision", "tribunal_reference", "grounds"),
    "record_appeal_outcome": ("tribunal_reference", "outcome", "order", "ordered_on"),
    "record_order_step": ("tribunal_reference", "step"),
}


def fire_dispute_event(db: Database, case_id: int, event: str, *, actor: User | None, on: dt.date,
                       uow: Session | None = None, **fields: Any) -> Dispute:
    """A disagreement-resolution step by its contract name, with any field it does not take refused."""
    operation = DISPUTE_OPERATIONS.get(event)
    if operation is None:
        raise MalformedInput(f"There is no event called '{event}'.", code="unknown_event", field="event")
    unknown = sorted(set(fields) - set(FIELDS[event]))
    if unknown:
        close = difflib.get_close_matches(unknown[0], FIELDS[event], n=1)
        hint = f" Did you mean '{close[0]}'?" if close else ""
        raise MalformedInput(f"{law.DISPUTE_EVENTS[event].title} does not take a field called '{unknown[0]}'.{hint}",
                             code="unknown_field", field=unknown[0])
    required = {"record_appeal_outcome": ("tribunal_reference", "outcome")}.get(event, FIELDS[event])
    for name in required:
        fields.setdefault(name, None)
    return operation(db, case_id, actor=actor, on=on, uow=uow, **fields)


def disputes_of(session: Session, case_id: int) -> list[Dispute]:
    """The decisions disputed on a case, oldest first."""
    return list(session.scalars(select(Dispute).where(Dispute.case_id == case_id).order_by(Dispute.id)))
