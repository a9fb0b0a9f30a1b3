"""Moving between English local authorities (reg 15, R9.1-R9.3), each step one unit of work.

Moving out, the old authority sends the plan on the move date, or within 15 working days beginning with the
day it learned of the move if that is later (R9.1). Transferring in, the plan is maintained by the new authority
from the transfer: the family is told within 6 weeks (R9.2) and the plan is reviewed by the later of its
12-month date and 3 months from the transfer (R9.3). Neither is a new plan (no 20-week clock runs), and a pending
assessment does not transfer.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable

from sqlalchemy import select
from sqlalchemy.orm import Session, lazyload
from sqlalchemy.orm.attributes import flag_modified

from casework import audit
from casework.cases import child
from casework.cases.operations import unit_of_work
from casework.core import clock
from casework.core.db import Database
from casework.core.errors import EventNotAllowed, Invalid, NotFound
from casework.core.policy import Policy
from casework.core.text import clean_text
from casework.deadlines.ledger import Ledger
from casework.law import transfers as law
from casework.law.events import LONG_TEXT
from casework.models import Case, Subject, Transfer, User
from casework.models.transfer import AUTHORITY_LENGTH
from workflows import ehcp

TRANSFERRED_IN_STATE = "plan_maintained"
REQUESTED_BY = "other"


def _date(value: object, field: str, what: str) -> dt.date:
    if not isinstance(value, dt.date):
        raise Invalid(f"Enter {what}.", code="required", field=field)
    return value


def _past(day: dt.date, field: str) -> None:
    if day > clock.today():
        raise Invalid(f"The date {clock.written(day)} is in the future.", code="date_in_future", field=field)


def _authority(value: object, field: str) -> str:
    text = clean_text(value if isinstance(value, str) else None, field=field, what="the other authority",
                      limit=AUTHORITY_LENGTH, required=True)
    assert text is not None
    return text


def _load(session: Session, case_id: int) -> Case:
    case = session.scalars(select(Case).where(Case.id == case_id).options(lazyload(Case.person))
                           .with_for_update()).one_or_none()
    if case is None:
        raise NotFound(f"There is no case {case_id}.")
    return case


def _step(db: Database, case_id: int, event: str, *, actor: User | None, on: dt.date, uow: Session | None,
          fields: dict, apply: Callable[[Session, Case, Ledger], Transfer]) -> Transfer:
    spec = law.TRANSFER_EVENTS[event]
    on = _date(on, "on", spec.date_enter)
    _past(on, "on")
    with unit_of_work(db, uow) as session:
        case = _load(session, case_id)
        transfer = apply(session, case, Ledger(case, spec, on, db.policy))
        flag_modified(case, "last_event_on")
        session.flush()
        audit.record(session, case=case, actor=actor, event=event, on=on,
                     fields={**fields, "transfer_id": transfer.id}, state_before=None, state_after=None)
        session.flush()
    return transfer


def _open_move(session: Session, case: Case) -> Transfer | None:
    return session.scalars(select(Transfer).where(Transfer.case_id == case.id, Transfer.direction == "out",
                                                  Transfer.plan_sent_on.is_(None),
                                                  Transfer.cancelled_on.is_(None))).first()


def record_move_out(db: Database, case_id: int, *, actor: User | None, on: dt.date, new_authority: str,
                    moved_on: dt.date, learned_on: dt.date, uow: Session | None = None) -> Transfer:
    """The family is moving to another English authority: the plan is owed to it (R9.1)."""
    authority = _authority(new_authority, "new_authority")
    moved_on = _date(moved_on, "moved_on", "the date the family moves")
    learned_on = _date(learned_on, "learned_on", "the date the council learned of the move")
    _past(learned_on, "learned_on")
    if learned_on > on:
        raise Invalid("The date the council learned of the move must be on or before the date recorded.",
                      code="date_after_event", field="learned_on")

    def apply(session: Session, case: Case, ledger: Ledger) -> Transfer:
        if case.state not in law.PLAN_STATES:
            raise EventNotAllowed(
                f"Only a plan transfers to another authority, and this case is at '{ehcp.STATE_LABELS[case.state]}'."
                " A pending assessment does not transfer: the new authority decides on a request made to it.")
        if _open_move(session, case) is not None:
            raise EventNotAllowed("A move to another authority is already recorded and the plan has not been sent.")
        transfer = Transfer(case_id=case.id, direction="out", authority=authority, moved_on=moved_on,
                            learned_on=learned_on)
        session.add(transfer)
        session.flush()
        ledger.open("transfer_out", learned_on, subject=Subject.transfer(transfer.id), moved_on=moved_on)
        return transfer

    return _step(db, case_id, "record_move_out", actor=actor, on=on, uow=uow,
                 fields={"new_authority": authority, "moved_on": moved_on, "learned_on": learned_on}, apply=apply)


def _move_still_to_send(session: Session, case: Case, on: dt.date) -> Transfer:
    """The move out whose plan is still to be sent, for a step dated ``on``: a step on a move never recorded,
    or dated before the council learned of it, is refused."""
    transfer = _open_move(session, case)
    if transfer is None:
        raise EventNotAllowed("No move to another authority is recorded on this case with the plan still to send.")
    assert transfer.learned_on is not None
    if on < transfer.learned_on:
        raise Invalid(f"The date {clock.written(on)} is before the council learned of the move "
                      f"({clock.written(transfer.learned_on)}).", code="date_before_trigger", field="on")
    return transfer


def send_plan_to_new_authority(db: Database, case_id: int, *, actor: User | None, on: dt.date,
                               uow: Session | None = None) -> Transfer:
    """The plan sent to the new authority: R9.1 met (late if after its date)."""

    def apply(session: Session, case: Case, ledger: Ledger) -> Transfer:
        transfer = _move_still_to_send(session, case, on)
        transfer.plan_sent_on = on
        ledger.meet(["transfer_out"], subject=Subject.transfer(transfer.id))
        return transfer

    return _step(db, case_id, "send_plan_to_new_authority", actor=actor, on=on, uow=uow, fields={}, apply=apply)


def cancel_move_out(db: Database, case_id: int, *, actor: User | None, on: dt.date, reason: str,
                    uow: Session | None = None) -> Transfer:
    """The family is not moving after all: the plan is no longer owed to the other authority (R9.1 cancelled)."""
    why = clean_text(reason if isinstance(reason, str) else None, field="reason", what="why the move is off",
                     limit=LONG_TEXT, required=True, multiline=True)

    def apply(session: Session, case: Case, ledger: Ledger) -> Transfer:
        transfer = _move_still_to_send(session, case, on)
        transfer.cancelled_on = on
        ledger.cancel(["transfer_out"], subject=Subject.transfer(transfer.id))
        return transfer

    return _step(db, case_id, "cancel_move_out", actor=actor, on=on, uow=uow, fields={"reason": why}, apply=apply)


def first_review_due(transferred_on: dt.date, plan_made_on: dt.date, last_reviewed_on: dt.date | None) -> dt.date:
    """The plan's own 12-month date: the period starting with its last review (or its making)."""
    return clock.period_last_day(last_reviewed_on or plan_made_on, 12)


def start_transferred_case(case: Case, *, transferred_on: dt.date, plan_made_on: dt.date,
                           last_reviewed_on: dt.date | None, policy: Policy) -> None:
    """The case's own facts and clock from a transfer in: the same for the transfer and for a replay of the
    case's history (``casework.cases.replay``). The review is the case's own: a review decision meets it and
    opens the next 12 months as usual."""
    case.state, case.received_on, case.last_event_on = TRANSFERRED_IN_STATE, transferred_on, transferred_on
    case.plan_issued_on = plan_made_on
    Ledger(case, law.TRANSFER_EVENTS["transfer_in"], transferred_on, policy).open(
        "annual_review", transferred_on, rule_id="R9.3",
        review_due_on=first_review_due(transferred_on, plan_made_on, last_reviewed_on))


def transfer_in(db: Database, *, actor: User | None, from_authority: str, transferred_on: dt.date,
                plan_made_on: dt.date, last_reviewed_on: dt.date | None = None, given_name: str | None = None,
                family_name: str | None = None, date_of_birth: dt.date | None = None, person_id: int | None = None,
                primary_need: str | None = None, uow: Session | None = None) -> Case:
    """A plan taken on from another English authority: a case maintained from the transfer, never a new plan."""
    authority = _authority(from_authority, "transfer_in.from_authority")
    transferred_on = _date(transferred_on, "transfer_in.transferred_on", "the date the plan transferred")
    plan_made_on = _date(plan_made_on, "transfer_in.plan_made_on", "the date the plan was made")
    _past(transferred_on, "transfer_in.transferred_on")
    if plan_made_on > transferred_on:
        raise Invalid("The plan must have been made on or before the day it transferred.",
                      code="date_after_transfer", field="transfer_in.plan_made_on")
    if last_reviewed_on is not None:
        last_reviewed_on = _date(last_reviewed_on, "transfer_in.last_reviewed_on", "the date of the last review")
        if not plan_made_on <= last_reviewed_on <= transferred_on:
            raise Invalid("The last review must be between the plan's making and the transfer.",
                          code="date_out_of_range", field="transfer_in.last_reviewed_on")
    if person_id is not None and (given_name, family_name, date_of_birth) != (None, None, None):
        raise Invalid("Give either the child's details or the child already known, not both.",
                      code="child_and_person", field="person_id")
    details = child.checked_details(given_name, family_name, date_of_birth) if person_id is None else None
    spec = law.TRANSFER_EVENTS["transfer_in"]
    with unit_of_work(db, uow) as session:
        person = (child.new_child(session, actor, *details) if details is not None
                  else child.known_child(session, person_id, transferred_on))  # type: ignore[arg-type]
        case = Case(reference=f"pending-{uuid.uuid4().hex}", person=person, primary_need=primary_need,
                    requested_by=REQUESTED_BY, assigned_caseworker_id=actor.id if actor and actor.role == "caseworker"
                    else None, deadlines=[], advice_requests=[], exceptions=[])
        case.state, case.received_on, case.last_event_on = TRANSFERRED_IN_STATE, transferred_on, transferred_on
        session.add(case)
        session.flush()
        case.reference = f"{db.policy.reference_prefix}-{transferred_on.year}-{case.id:06d}"
        transfer = Transfer(case_id=case.id, direction="in", authority=authority, transferred_on=transferred_on,
                            plan_made_on=plan_made_on, last_reviewed_on=last_reviewed_on)
        session.add(transfer)
        session.flush()
        Ledger(case, spec, transferred_on, db.policy).open("transfer_notice", transferred_on,
                                                           subject=Subject.transfer(transfer.id))
        start_transferred_case(case, transferred_on=transferred_on, plan_made_on=plan_made_on,
                               last_reviewed_on=last_reviewed_on, policy=db.policy)
        session.flush()
        audit.record(session, case=case, actor=actor, event=spec.name, on=transferred_on,
                     fields={"from_authority": authority, "transferred_on": transferred_on,
                             "plan_made_on": plan_made_on, "last_reviewed_on": last_reviewed_on,
                             "transfer_id": transfer.id},
                     state_before=None, state_after=case.state)
    return case


def send_transfer_notice(db: Database, case_id: int, *, actor: User | None, on: dt.date,
                         uow: Session | None = None) -> Transfer:
    """The family told the plan has transferred, whether the council will assess and when it will review (R9.2)."""

    def apply(session: Session, case: Case, ledger: Ledger) -> Transfer:
        transfer = session.scalars(select(Transfer).where(Transfer.case_id == case.id, Transfer.direction == "in")
                                   ).first()
        if transfer is None or transfer.family_told_on is not None:
            raise EventNotAllowed("There is no transfer in on this case with the family still to be told.")
        assert transfer.transferred_on is not None
        if on < transfer.transferred_on:
            raise Invalid(f"The date {clock.written(on)} is before the plan transferred "
                          f"({clock.written(transfer.transferred_on)}).", code="date_before_trigger", field="on")
        transfer.family_told_on = on
        ledger.meet(["transfer_notice"], subject=Subject.transfer(transfer.id))
        return transfer

    return _step(db, case_id, "send_transfer_notice", actor=actor, on=on, uow=uow, fields={}, apply=apply)


def transfers_of(session: Session, case_id: int) -> list[Transfer]:
    return list(session.scalars(select(Transfer).where(Transfer.case_id == case_id).order_by(Transfer.id)))
