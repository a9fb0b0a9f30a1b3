"""The one way in: one function per event, each a single transaction.

Each operation loads the case for update, checks the event against the workflow and the dates against the
case, fires the shared state machine, opens, meets and cancels deadline rows, and writes the audit entry.
If anything fails the whole transaction rolls back, so a rejected request leaves no trace.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable, Iterable
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import flag_modified
from sqlalchemy.orm.exc import StaleDataError

from casework import audit
from casework.accounts import organisation_named
from casework.cases import child
from casework.core import clock
from casework.core.db import Database
from casework.core.errors import Conflict, EventNotAllowed, Invalid, NotFound
from casework.core.policy import Policy
from casework.law import rules
from casework.models import (
    ADVICE_TYPES,
    PRIMARY_NEEDS,
    REQUESTERS,
    AdviceRequest,
    Case,
    Deadline,
    ExceptionRecord,
    User,
)
from workflows import ehcp

LA_ASSESSMENT_KINDS = ("decision_to_assess", "issue_decision", "final_plan")
CEASE_REASONS = range(1, 10)  # SEN2 cease reasons 1-9


# --------------------------------------------------------------------------------------------------- helpers

def _load_for_update(session: Session, case_id: int) -> Case:
    case = session.scalars(select(Case).where(Case.id == case_id).with_for_update()).one_or_none()
    if case is None:
        raise NotFound(f"There is no case {case_id}.")
    return case


def _check_event_allowed(case: Case, event: str) -> None:
    if event not in ehcp.allowed_events(case.state):
        allowed = ", ".join(ehcp.allowed_events(case.state)) or "none"
        raise EventNotAllowed(
            f"{event.replace('_', ' ').capitalize()} is not possible while the case is "
            f"'{case.state}'. Events allowed now: {allowed}."
        )


def _check_event_date(case: Case, on: dt.date) -> None:
    if on > clock.today():
        raise Invalid(f"The date {on.isoformat()} is in the future.", code="date_in_future", field="on")
    if on < case.received_on:
        raise Invalid(f"The date {on.isoformat()} is before the request was received "
                      f"({case.received_on.isoformat()}).", code="date_before_request", field="on")
    if on < case.last_event_on:
        raise Invalid(f"The date {on.isoformat()} is before the case's last recorded event "
                      f"({case.last_event_on.isoformat()}).", code="date_before_last_event", field="on")


def _open(session: Session, case: Case, kind: str, trigger: dt.date, policy: Policy, *, rule_id: str | None = None,
          advice_request: AdviceRequest | None = None, **facts: Any) -> Deadline:
    spec = rules.DEADLINE_KINDS[kind]
    rule_id = rule_id or spec.rule_ids[0]
    try:
        rule = rules.rule_in_force(rule_id, trigger)
    except rules.NoRuleInForce as exc:
        raise Invalid(f"{exc}: the statutory timetable starts on 1 September 2014.", code="no_rule_in_force") from exc
    deadline = Deadline(
        case=case, kind=kind, rule=rule.id, citation=rule.citation, starts_on=trigger,
        due_on=rule.due_on(trigger, policy.counting, **facts), is_duty=spec.is_duty,
        advice_request_id=advice_request.id if advice_request is not None else None,
    )
    session.add(deadline)
    return deadline


def _open_deadlines(case: Case, kinds: Iterable[str]) -> list[Deadline]:
    wanted = set(kinds)
    return [d for d in case.deadlines if d.kind in wanted and d.is_open]


def _meet(case: Case, kinds: Iterable[str], on: dt.date, *, advice_request_id: int | None = None) -> None:
    for deadline in _open_deadlines(case, kinds):
        if advice_request_id is None or deadline.advice_request_id == advice_request_id:
            deadline.met_on = on


def _cancel(case: Case, kinds: Iterable[str], on: dt.date) -> None:
    for deadline in _open_deadlines(case, kinds):
        deadline.cancelled_on = on


def _close_window(case: Case, kind: str) -> None:
    """A family's window that has run its course is met on its last day."""
    for deadline in _open_deadlines(case, [kind]):
        deadline.met_on = deadline.due_on


Effect = Callable[[Session, Case], None]


def _apply(db: Database, case_id: int, event: str, *, actor: User | None, on: dt.date,
           expected_version: int | None, fields: dict[str, Any], effect: Effect | None = None,
           check: Effect | None = None) -> Case:
    """The skeleton every event shares: one transaction, checks first, then the change and its audit."""
    try:
        with db.transaction() as session:
            case = _load_for_update(session, case_id)
            if expected_version is not None and case.version != expected_version:
                raise Conflict("Someone else changed this case while you were working on it. "
                               "Reload the case and try again.")
            _check_event_allowed(case, event)
            _check_event_date(case, on)
            if check is not None:
                check(session, case)
            before = case.state
            if not ehcp.fire(case, event, on=on, **fields):
                refused = [g for g in ehcp.guards_for(event, before) if g.message and not g(_Probe(case, on, fields))]
                raise Invalid(refused[0].message if refused else f"{event} is not possible with these details.",
                              code="guard_refused")
            if effect is not None:
                effect(session, case)
            case.last_event_on = on
            flag_modified(case, "last_event_on")  # every event bumps the version, even one that moves no column
            session.flush()
            audit.record(session, case=case, actor=actor, event=event, on=on, fields=fields,
                         state_before=before, state_after=case.state)
        return case
    except StaleDataError as exc:
        raise Conflict("Someone else changed this case at the same moment. Reload the case and try again.") from exc


class _Probe:
    """The shape a workflow guard reads, to name which guard refused an event."""

    def __init__(self, case: Case, on: dt.date, fields: dict[str, Any]) -> None:
        self.model = case
        self.kwargs = {"on": on, **fields}


def _require_choice(value: Any, choices: Iterable[Any], field: str, what: str) -> None:
    options = list(choices)
    if value not in options:
        raise Invalid(f"{what} must be one of: {', '.join(map(str, options))}.", code="invalid_choice", field=field)


def _require_text(value: str | None, field: str, what: str) -> str:
    if value is None or not str(value).strip():
        raise Invalid(f"Enter {what}.", code="required", field=field)
    return str(value).strip()


# --------------------------------------------------------------------------------------------------- the request

def _owner(actor: User | None, assigned_caseworker_id: int | None) -> int | None:
    """The caseworker who logs a request owns it unless someone else is named; alerts reach the owner."""
    if assigned_caseworker_id is not None:
        return assigned_caseworker_id
    return actor.id if actor is not None and actor.role == "caseworker" else None


def create_case(db: Database, *, actor: User | None, given_name: str | None = None, family_name: str | None = None,
                date_of_birth: dt.date | None = None, received_on: dt.date, requested_by: str,
                primary_need: str | None = None, assigned_caseworker_id: int | None = None,
                person_id: int | None = None) -> Case:
    """A request for an EHC needs assessment received: T0, which starts the 6, 16 and 20-week clocks.

    The child is named by their details (a new person is recorded) or by ``person_id`` (a child already
    known, who must not have another request open).
    """
    if person_id is not None and (given_name, family_name, date_of_birth) != (None, None, None):
        raise Invalid("Give either the child's details or the child already known, not both.",
                      code="child_and_person", field="person_id")
    details = child.checked_details(given_name, family_name, date_of_birth) if person_id is None else None
    _require_choice(requested_by, REQUESTERS, "requested_by", "Who made the request")
    if primary_need is not None:
        _require_choice(primary_need, PRIMARY_NEEDS, "child.primary_need", "Primary need (SEN2 code)")
    if received_on > clock.today():
        raise Invalid(f"The request date {received_on.isoformat()} is in the future.", code="date_in_future",
                      field="received_on")
    if details is not None:
        child.check_age(details[2], received_on)
    policy = db.policy
    with db.transaction() as session:
        if details is not None:
            person = child.new_child(session, actor, *details)
        else:
            assert person_id is not None
            person = child.known_child(session, person_id, received_on)
        case = Case(
            reference=f"pending-{uuid.uuid4().hex}", state=ehcp.INITIAL, person=person,
            primary_need=primary_need, received_on=received_on, requested_by=requested_by,
            last_event_on=received_on, assigned_caseworker_id=_owner(actor, assigned_caseworker_id),
            deadlines=[], advice_requests=[], exceptions=[],  # loaded, so the returned case carries them
        )
        session.add(case)
        session.flush()
        case.reference = f"{policy.reference_prefix}-{received_on.year}-{case.id:06d}"
        for kind in LA_ASSESSMENT_KINDS:
            _open(session, case, kind, received_on, policy)
        session.flush()
        audit.record(session, case=case, actor=actor, event="request_received", on=received_on,
                     fields={"requested_by": requested_by, "primary_need": primary_need},
                     state_before=None, state_after=case.state)
    return case


def agree_to_assess(db: Database, case_id: int, *, actor: User | None, on: dt.date,
                    expected_version: int | None = None) -> Case:
    def effect(session: Session, case: Case) -> None:
        _meet(case, ["decision_to_assess"], on)
        case.decision_to_assess_on = on

    return _apply(db, case_id, "agree_to_assess", actor=actor, on=on, expected_version=expected_version,
                  fields={}, effect=effect)


def refuse_to_assess(db: Database, case_id: int, *, actor: User | None, on: dt.date, reason: str,
                     expected_version: int | None = None) -> Case:
    reason = _require_text(reason, "reason", "the reason for refusing to assess")

    def effect(session: Session, case: Case) -> None:
        _meet(case, ["decision_to_assess"], on)
        _cancel(case, ["issue_decision", "final_plan"], on)
        case.decision_to_assess_on, case.closed_on, case.closed_reason = on, on, reason

    return _apply(db, case_id, "refuse_to_assess", actor=actor, on=on, expected_version=expected_version,
                  fields={"reason": reason}, effect=effect)


def withdraw(db: Database, case_id: int, *, actor: User | None, on: dt.date, reason: str,
             expected_version: int | None = None) -> Case:
    reason = _require_text(reason, "reason", "the reason for the withdrawal")

    def effect(session: Session, case: Case) -> None:
        _cancel(case, rules.DEADLINE_KINDS, on)
        case.closed_on, case.closed_reason = on, reason

    return _apply(db, case_id, "withdraw", actor=actor, on=on, expected_version=expected_version,
                  fields={"reason": reason}, effect=effect)


# --------------------------------------------------------------------------------------------------- advice

def request_advice(db: Database, case_id: int, *, actor: User | None, on: dt.date, advice_type: str,
                   organisation: str, received_on: dt.date | None = None,
                   expected_version: int | None = None) -> Case:
    """Advice sought under reg 6; the body's 6 weeks run from its own receipt of the request (reg 8(1))."""
    _require_choice(advice_type, ADVICE_TYPES, "advice_type", "Type of advice")
    organisation = _require_text(organisation, "organisation", "the organisation asked for advice")
    receipt = received_on or on
    if receipt < on:
        raise Invalid("The organisation cannot have received the request before it was sent.",
                      code="receipt_before_request", field="received_on")
    if receipt > clock.today():
        raise Invalid(f"The date of receipt {receipt.isoformat()} is in the future.", code="date_in_future",
                      field="received_on")

    def effect(session: Session, case: Case) -> None:
        body = organisation_named(session, organisation)
        advice = AdviceRequest(case=case, advice_type=advice_type, organisation=body, requested_on=on,
                               received_on=receipt)
        session.add(advice)
        session.flush()
        _open(session, case, "advice", receipt, db.policy, advice_request=advice)

    return _apply(db, case_id, "request_advice", actor=actor, on=on, expected_version=expected_version,
                  fields={"advice_type": advice_type, "organisation": organisation, "received_on": receipt},
                  effect=effect)


def _advice_on_case(case: Case, advice_request_id: int) -> AdviceRequest:
    for advice in case.advice_requests:
        if advice.id == advice_request_id:
            return advice
    raise NotFound(f"Case {case.reference} has no advice request {advice_request_id}.")


def record_advice(db: Database, case_id: int, *, actor: User | None, on: dt.date, advice_request_id: int,
                  expected_version: int | None = None) -> Case:
    """Advice received: meets that request's 6-week deadline (on time or late)."""

    def check(session: Session, case: Case) -> None:
        advice = _advice_on_case(case, advice_request_id)
        if advice.returned_on is not None:
            raise Invalid(f"This advice was already recorded as returned on {advice.returned_on.isoformat()}.",
                          code="already_returned", field="advice_request_id")
        if on < advice.requested_on:
            raise Invalid("Advice cannot be returned before it was requested.", code="date_before_request",
                          field="on")

    def effect(session: Session, case: Case) -> None:
        advice = _advice_on_case(case, advice_request_id)
        advice.returned_on = on
        advice.returned_by_id = actor.id if actor is not None else None
        _meet(case, ["advice"], on, advice_request_id=advice_request_id)

    return _apply(db, case_id, "record_advice", actor=actor, on=on, expected_version=expected_version,
                  fields={"advice_request_id": advice_request_id}, effect=effect, check=check)


def return_advice(db: Database, advice_request_id: int, *, actor: User | None, on: dt.date) -> AdviceRequest:
    """An adviser marks their organisation's advice returned: the same event as the caseworker's."""
    with db.reading() as session:
        advice = session.get(AdviceRequest, advice_request_id)
        if advice is None:
            raise NotFound(f"There is no advice request {advice_request_id}.")
        case_id = advice.case_id
    case = record_advice(db, case_id, actor=actor, on=on, advice_request_id=advice_request_id)
    return _advice_on_case(case, advice_request_id)


# --------------------------------------------------------------------------------------------------- decisions and plan

def decide_to_issue(db: Database, case_id: int, *, actor: User | None, on: dt.date,
                    expected_version: int | None = None) -> Case:
    return _apply(db, case_id, "decide_to_issue", actor=actor, on=on, expected_version=expected_version, fields={},
                  effect=lambda s, case: _meet(case, ["issue_decision"], on))


def decide_not_to_issue(db: Database, case_id: int, *, actor: User | None, on: dt.date, reason: str,
                        expected_version: int | None = None) -> Case:
    reason = _require_text(reason, "reason", "the reason for not issuing a plan")

    def effect(session: Session, case: Case) -> None:
        _meet(case, ["issue_decision"], on)
        _cancel(case, ["final_plan", "advice"], on)
        case.closed_on, case.closed_reason = on, reason

    return _apply(db, case_id, "decide_not_to_issue", actor=actor, on=on, expected_version=expected_version,
                  fields={"reason": reason}, effect=effect)


def issue_draft(db: Database, case_id: int, *, actor: User | None, on: dt.date,
                expected_version: int | None = None) -> Case:
    """The draft is served (naming no school, CoP 9.77): the family's 15-day window opens."""

    def effect(session: Session, case: Case) -> None:
        case.draft_issued_on = on
        _open(session, case, "draft_representations", on, db.policy)

    return _apply(db, case_id, "issue_draft", actor=actor, on=on, expected_version=expected_version, fields={},
                  effect=effect)


def issue_final(db: Database, case_id: int, *, actor: User | None, on: dt.date, named_setting: str | None = None,
                expected_version: int | None = None) -> Case:
    """The final plan: meets the 20-week limit and starts the first 12-month review period."""
    named_setting = named_setting.strip() if named_setting else None

    def effect(session: Session, case: Case) -> None:
        _close_window(case, "draft_representations")
        _meet(case, ["final_plan"], on)
        case.plan_issued_on, case.named_setting = on, named_setting
        _open(session, case, "annual_review", on, db.policy)

    return _apply(db, case_id, "issue_final", actor=actor, on=on, expected_version=expected_version,
                  fields={"named_setting": named_setting}, effect=effect)


# --------------------------------------------------------------------------------------------------- exceptions

def _check_exception(case: Case, reason: str, starts_on: dt.date, ends_on: dt.date, applies_to: str) -> None:
    if ends_on < starts_on:
        raise Invalid("The exception cannot end before it starts.", code="ends_before_start", field="ends_on")
    targets = [d for d in case.deadlines if (d.kind == applies_to or str(d.advice_request_id) == applies_to)]
    if not targets:
        raise Invalid(f"Case {case.reference} has no deadline '{applies_to}' for this exception to apply to.",
                      code="no_such_deadline", field="applies_to")
    if not any(rules.exception_applies(rules.rule_in_force(d.rule, d.starts_on), reason) for d in targets):
        rule = targets[0]
        raise Invalid(f"'{reason.replace('_', ' ')}' is not an exception to rule {rule.rule} ({rule.citation}).",
                      code="exception_not_applicable", field="reason")
    if reason in ("school_closure", "absent_from_area") and not clock.spans_four_weeks(starts_on, ends_on):
        raise Invalid("A school closure or absence from the area must last 4 or more continuous weeks.",
                      code="too_short", field="ends_on")
    if reason == "school_closure":
        window_start, window_end = clock.closure_exception_window(starts_on, ends_on)
        asked = [a for a in case.advice_requests
                 if a.advice_type == "educational" and window_start <= a.requested_on <= window_end]
        if not asked:
            raise Invalid(
                "The school closure exception applies only when educational advice was requested between "
                f"{window_start.isoformat()} and {window_end.isoformat()} (reg 10(4)(a)/(b)).",
                code="closure_window", field="starts_on")


def record_exception(db: Database, case_id: int, *, actor: User | None, on: dt.date, reason: str,
                     starts_on: dt.date, ends_on: dt.date, applies_to: str, family_told_on: dt.date | None = None,
                     evidence: str | None = None, expected_version: int | None = None) -> Case:
    """An exception to a time limit (reg 10(4) or reg 8(2)): it excuses lateness, it never moves a date."""
    _require_choice(reason, rules.EXCEPTION_REASONS, "reason", "Exception reason")
    applies_to = _require_text(applies_to, "applies_to", "the deadline kind or advice request the exception is for")
    if family_told_on is not None and family_told_on > clock.today():
        raise Invalid("The date the family was told is in the future.", code="date_in_future", field="family_told_on")

    def effect(session: Session, case: Case) -> None:
        advice_id = int(applies_to) if applies_to.isdigit() else None
        session.add(ExceptionRecord(
            case=case, reason=reason, starts_on=starts_on, ends_on=ends_on,
            applies_to_kind="advice" if advice_id is not None else applies_to, advice_request_id=advice_id,
            evidence=evidence, family_told_on=family_told_on, recorded_on=on,
        ))

    return _apply(db, case_id, "record_exception", actor=actor, on=on, expected_version=expected_version,
                  fields={"reason": reason, "starts_on": starts_on, "ends_on": ends_on, "applies_to": applies_to,
                          "family_told_on": family_told_on, "evidence": evidence},
                  check=lambda s, case: _check_exception(case, reason, starts_on, ends_on, applies_to),
                  effect=effect)


# --------------------------------------------------------------------------------------------------- the plan's life

def set_phase_transfer(db: Database, case_id: int, *, actor: User | None, on: dt.date, transfer: str, year: int,
                       expected_version: int | None = None) -> Case:
    """A coming phase transfer: the plan must be amended naming the new setting before 15 Feb / 31 Mar."""
    _require_choice(transfer, ("school", "post16"), "transfer", "Transfer")
    rule_id = "R8.2" if transfer == "post16" else "R8.1"
    due = rules.rule_in_force(rule_id, on).due_on(on, transfer=transfer, year=year)
    if due < on:
        raise Invalid(f"The {year} transfer deadline ({due.isoformat()}) has already passed.",
                      code="deadline_passed", field="year")

    def effect(session: Session, case: Case) -> None:
        _cancel(case, ["phase_transfer"], on)
        _open(session, case, "phase_transfer", on, db.policy, rule_id=rule_id, transfer=transfer, year=year)

    return _apply(db, case_id, "set_phase_transfer", actor=actor, on=on, expected_version=expected_version,
                  fields={"transfer": transfer, "year": year}, effect=effect)


def hold_review_meeting(db: Database, case_id: int, *, actor: User | None, on: dt.date,
                        expected_version: int | None = None) -> Case:
    def effect(session: Session, case: Case) -> None:
        case.review_meeting_on = on
        _open(session, case, "review_report", on, db.policy)
        _open(session, case, "review_decision", on, db.policy)

    return _apply(db, case_id, "hold_review_meeting", actor=actor, on=on, expected_version=expected_version,
                  fields={}, effect=effect)


def record_review_report(db: Database, case_id: int, *, actor: User | None, on: dt.date,
                         expected_version: int | None = None) -> Case:
    return _apply(db, case_id, "record_review_report", actor=actor, on=on, expected_version=expected_version,
                  fields={}, effect=lambda s, case: _meet(case, ["review_report"], on))


def decide_review_outcome(db: Database, case_id: int, *, actor: User | None, on: dt.date, outcome: str,
                          expected_version: int | None = None) -> Case:
    """Maintain, amend or cease (reg 20(10)); a decision to amend carries the proposed amendments (R7.9)."""
    _require_choice(outcome, ("maintain", "amend", "cease"), "outcome", "Review outcome")

    def effect(session: Session, case: Case) -> None:
        _meet(case, ["review_decision", "annual_review"], on)
        if outcome == "cease":
            # A closed case owes nothing more, not even a review report never recorded.
            _cancel(case, ["phase_transfer", "amended_plan", "review_report"], on)
            case.closed_on = on
            return
        if outcome == "maintain":
            _meet(case, ["phase_transfer"], on)
        else:
            _open(session, case, "amended_plan", on, db.policy)
        period_start = case.review_meeting_on if db.policy.review_period_starts_at == "meeting" else on
        _open(session, case, "annual_review", period_start or on, db.policy)

    return _apply(db, case_id, "decide_review_outcome", actor=actor, on=on, expected_version=expected_version,
                  fields={"outcome": outcome}, effect=effect)


def issue_amended_plan(db: Database, case_id: int, *, actor: User | None, on: dt.date,
                       expected_version: int | None = None) -> Case:
    return _apply(db, case_id, "issue_amended_plan", actor=actor, on=on, expected_version=expected_version,
                  fields={}, effect=lambda s, case: _meet(case, ["amended_plan", "phase_transfer"], on))


def cease_plan(db: Database, case_id: int, *, actor: User | None, on: dt.date, reason: int,
               expected_version: int | None = None) -> Case:
    _require_choice(reason, CEASE_REASONS, "reason", "Cease reason (SEN2 code)")

    def effect(session: Session, case: Case) -> None:
        _cancel(case, ["annual_review", "review_report", "amended_plan", "phase_transfer"], on)
        case.cease_reason, case.closed_on = reason, on

    return _apply(db, case_id, "cease_plan", actor=actor, on=on, expected_version=expected_version,
                  fields={"reason": reason}, effect=effect)


EVENT_OPERATIONS: dict[str, Callable[..., Case]] = {
    "agree_to_assess": agree_to_assess,
    "refuse_to_assess": refuse_to_assess,
    "request_advice": request_advice,
    "record_advice": record_advice,
    "decide_to_issue": decide_to_issue,
    "decide_not_to_issue": decide_not_to_issue,
    "issue_draft": issue_draft,
    "issue_final": issue_final,
    "record_exception": record_exception,
    "set_phase_transfer": set_phase_transfer,
    "hold_review_meeting": hold_review_meeting,
    "record_review_report": record_review_report,
    "decide_review_outcome": decide_review_outcome,
    "issue_amended_plan": issue_amended_plan,
    "cease_plan": cease_plan,
    "withdraw": withdraw,
}
assert set(EVENT_OPERATIONS) == set(ehcp.EVENTS), "every workflow event needs exactly one operation"


def fire_event(db: Database, case_id: int, event: str, *, actor: User | None, on: dt.date,
               expected_version: int | None = None, **fields: Any) -> Case:
    """Dispatch a named event (from the API, forms or tests) to its operation."""
    return EVENT_OPERATIONS[event](db, case_id, actor=actor, on=on, expected_version=expected_version, **fields)
