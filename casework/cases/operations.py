"""The operations on a case: one function per event, each one unit of work.

Every event runs the same way (``fire_event``): load the case for update, check the event against the
workflow and its date against the case (statutory-rules.md section 0, "Dates of entry"), fire the shared state
machine, let the deadline ledger apply what the event declares, run the event's own effect, and write the
audit entry. If anything fails the unit of work rolls back, so a rejected request leaves no trace.

The checks and changes themselves (``apply_event``) work on a case object and never reach for a session of
their own, so the same code serves a live event and a replay of a case's history (``casework.cases.replay``):
a correction recomputes a case by running its corrected history through exactly the code that built it.
"""

from __future__ import annotations

import datetime as dt
import difflib
import uuid
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, lazyload
from sqlalchemy.orm.attributes import flag_modified
from sqlalchemy.orm.exc import StaleDataError

from casework import audit
from casework.cases import child, early_years, limits, notices
from casework.core import clock
from casework.core.db import Database
from casework.core.errors import Conflict, EventNotAllowed, Invalid, MalformedInput, NotFound
from casework.core.policy import Policy
from casework.deadlines.ledger import Ledger, open_deadline, settle_next_due
from casework.law import codes, rules
from casework.law.events import ASSESSMENT_KINDS, EVENTS, REQUEST_RECEIVED, EventField, EventSpec
from casework.models import AdviceRequest, Case, Deadline, ExceptionLimit, ExceptionRecord, Subject, User
from casework.organisations import find_organisation
from workflows import ehcp

LA_ASSESSMENT_KINDS = ASSESSMENT_KINDS
CEASE_REASONS = codes.CEASE_REASONS


# --------------------------------------------------------------------------------------------------- one step


@dataclass
class Step:
    """One event being applied to one case: what the effect of an event may read and change."""

    session: Session
    case: Case
    spec: EventSpec
    on: dt.date
    fields: dict[str, Any]
    actor: User | None
    policy: Policy
    ledger: Ledger
    # Ids the event made when it was first recorded; a replay makes the same things under the same ids.
    recorded: dict[str, Any] = field(default_factory=dict)
    replaying: bool = False
    # What the audit entry records beyond the fields: the ids of what the event made.
    made: dict[str, Any] = field(default_factory=dict)
    # The history entry this step is. A replay knows it; a live event's entry is written after its effects, so a
    # deadline about the entry itself (a consultation) is listed in ``named_by_entry`` and named once it exists.
    entry_id: int | None = None
    named_by_entry: list[Deadline] = field(default_factory=list)

    def flush(self) -> None:
        """Give new rows their ids (a replay gives them the recorded ones instead)."""
        if not self.replaying:
            self.session.flush()


Effect = Callable[[Step], None]
EFFECTS: dict[str, Effect] = {}
CHECKS: dict[str, Effect] = {}
# Whether an event the state allows has anything to act on in this case (a review report still owed, a request
# to re-assess waiting for its decision): one the case gives no reason for is not offered.
ACTIONABLE: dict[str, Callable[[Case], bool]] = {}
# What any event may do beside its own effect, once that has run: a step of a tribunal order it carries out
# (``casework.cases.orders``).
FOLLOW_UPS: list[Effect] = []


def effect(event: str) -> Callable[[Effect], Effect]:
    """Register what an event does beyond its declaration (the ledger applies its declared meets and cancels)."""

    def register(fn: Effect) -> Effect:
        EFFECTS[event] = fn
        return fn

    return register


def check(event: str) -> Callable[[Effect], Effect]:
    """Register the checks an event makes against the case before anything changes."""

    def register(fn: Effect) -> Effect:
        CHECKS[event] = fn
        return fn

    return register


# --------------------------------------------------------------------------------------------------- fields


def normalise_fields(spec: EventSpec, given: dict[str, Any]) -> dict[str, Any]:
    """The event's fields as the operation takes them: every declared field present, text trimmed, required
    fields filled, choices and text limits checked. The same checks whoever calls (API, page, import, replay)."""
    unknown = sorted(set(given) - set(spec.field_names))
    if unknown:
        name = unknown[0]
        close = difflib.get_close_matches(name, spec.field_names, n=1)
        hint = f" Did you mean '{close[0]}'?" if close else ""
        raise MalformedInput(f"{spec.title} does not take a field called '{name}'.{hint}", code="unknown_field",
                             field=name)
    values: dict[str, Any] = {}
    for declared in spec.fields:
        values[declared.name] = _normalise(spec, declared, given.get(declared.name))
    return values


def _normalise(spec: EventSpec, declared: EventField, value: Any) -> Any:
    if isinstance(value, str) and declared.type in ("text", "long_text", "organisation", "caseworker"):
        value = value.strip() or None
    if value is None or value == "" or value == []:
        if declared.required:
            verb = "Select" if declared.widget in ("select", "radio") else "Enter"
            raise Invalid(f"{verb} {declared.enter}.", code="required", field=declared.name)
        return None
    if declared.max_length is not None and isinstance(value, str) and len(value) > declared.max_length:
        raise Invalid(f"{declared.label} must be {declared.max_length} characters or fewer.", code="too_long",
                      field=declared.name)
    if declared.choices and value not in declared.choices:
        options = ", ".join(str(declared.choice_labels.get(c, c)) for c in declared.choices)
        raise Invalid(f"{declared.label} must be one of: {options}.", code="invalid_choice", field=declared.name)
    return value


# --------------------------------------------------------------------------------------------------- the rules of entry


def allowed_events(case: Case) -> list[str]:
    """Events possible on this case now: those its state allows, less those with nothing to act on."""
    return [e for e in ehcp.allowed_events(case.state) if _has_something_to_act_on(case, e)]


def _has_something_to_act_on(case: Case, event: str) -> bool:
    if event in ("record_advice", "void_advice_request"):
        return any(outstanding(case, a) for a in case.advice_requests)
    if event == "assign_caseworker":  # a closed case needs an officer only while advice on it is still owed
        return case.state not in ehcp.TERMINAL_STATES or any(outstanding(case, a) for a in case.advice_requests)
    if event == "withdraw_exception":
        return any(e.withdrawn_on is None for e in case.exceptions)
    if event in ACTIONABLE:
        return ACTIONABLE[event](case)
    return True


def outstanding(case: Case, advice: AdviceRequest) -> bool:
    """Advice asked for and still owed: not returned, not cancelled, and its 6-week deadline not closed by the
    case taking another path."""
    if advice.returned_on is not None or advice.voided_on is not None:
        return False
    return any(d.advice_request_id == advice.id and d.cancelled_on is None for d in case.deadlines)


def _check_allowed(case: Case, spec: EventSpec) -> None:
    """409 when the state does not allow the event. An event about one advice request or exception that the
    state allows goes on to its own check, which says what is wrong with that one (returned, cancelled...)."""
    if spec.name not in ehcp.allowed_events(case.state):
        possible = [EVENTS[e].title for e in allowed_events(case)]
        now = f" Possible now: {', '.join(possible)}." if possible else " Nothing more can be recorded on it."
        raise EventNotAllowed(f"{spec.title} is not possible while the case is at '{ehcp.STATE_LABELS[case.state]}'."
                              f"{now}")


def _check_date(case: Case, spec: EventSpec, on: dt.date) -> None:
    """The date rules of entry: never in the future, never before the request, and an event that moves the case
    never before the last one that did. A fact is checked against its own trigger by the event's check."""
    if on > clock.today():
        raise Invalid(f"The date {clock.written(on)} is in the future.", code="date_in_future", field="on")
    if on < case.received_on:
        raise Invalid(f"The date {clock.written(on)} is before the request was received "
                      f"({clock.written(case.received_on)}).", code="date_before_request", field="on")
    if ehcp.moves_case(spec.name) and on < case.last_event_on:
        raise Invalid(f"The date {clock.written(on)} is before the case's last step "
                      f"({clock.written(case.last_event_on)}).", code="date_before_last_event", field="on")


def _not_before(on: dt.date, trigger: dt.date | None, what: str) -> None:
    if trigger is not None and on < trigger:
        raise Invalid(f"The date {clock.written(on)} is before {what} ({clock.written(trigger)}).",
                      code="date_before_trigger", field="on")


# --------------------------------------------------------------------------------------------------- applying an event


def apply_event(step: Step) -> None:
    """Check and apply one event to ``step.case``: the same code for a live event and for a replay."""
    case, spec = step.case, step.spec
    _check_allowed(case, spec)
    _check_date(case, spec, step.on)
    if spec.name in CHECKS:
        CHECKS[spec.name](step)
    before = case.state
    if not ehcp.fire(case, spec.name, on=step.on, **step.fields):
        refused = [g for g in ehcp.guards_for(spec.name, before)
                   if g.message and not g(_Probe(case, step.on, step.fields))]
        raise Invalid(refused[0].message if refused else f"{spec.title} is not possible with these details.",
                      code="guard_refused")
    step.ledger.apply_declared(subject=_subject(step))
    if spec.name in EFFECTS:
        EFFECTS[spec.name](step)
    for follow_up in FOLLOW_UPS:
        follow_up(step)
    if ehcp.moves_case(spec.name):
        case.last_event_on = step.on
    settle_next_due(case)  # an effect may have returned or cancelled advice without a deadline changing


def _subject(step: Step) -> AdviceRequest | Subject | None:
    """The thing on the case an event is about, when it is about one (an advice request, a consultation)."""
    advice_id = step.fields.get("advice_request_id")
    if advice_id is not None:
        return advice_on_case(step.case, advice_id)
    consultation = step.fields.get("consultation")
    return Subject.consultation(consultation) if consultation is not None else None


class _Probe:
    """The shape a workflow guard reads, to name which guard refused an event."""

    def __init__(self, case: Case, on: dt.date, fields: dict[str, Any]) -> None:
        self.model = case
        self.kwargs = {"on": on, **fields}


@contextmanager
def unit_of_work(db: Database, uow: Session | None) -> Iterator[Session]:
    """The caller's unit of work when it owns one (a replay, an import row, a transfer), else a new one."""
    if uow is not None:
        yield uow
        return
    with db.transaction() as session:
        yield session


def _load_for_update(session: Session, case_id: int) -> Case:
    """The case, locked, with what its events read; the child's record is loaded only if something asks."""
    query = select(Case).where(Case.id == case_id).options(lazyload(Case.person)).with_for_update()
    case = session.scalars(query).one_or_none()
    if case is None:
        raise NotFound(f"There is no case {case_id}.")
    return case


def fire_event(db: Database, case_id: int, event: str, *, actor: User | None, on: dt.date,
               expected_version: int | None = None, uow: Session | None = None, **fields: Any) -> Case:
    """Record a named event on a case (from the API, the forms, an import or a test) in one unit of work."""
    spec = EVENTS.get(event)
    if spec is None:
        raise MalformedInput(f"There is no event called '{event}'.", code="unknown_event", field="event")
    values = normalise_fields(spec, fields)
    try:
        with unit_of_work(db, uow) as session:
            case = _load_for_update(session, case_id)
            if expected_version is not None and case.version != expected_version:
                raise Conflict("Someone else changed this case while you were working on it. "
                               "Reload the case and try again.")
            before = case.state
            step = Step(session, case, spec, on, values, actor, db.policy, Ledger(case, spec, on, db.policy))
            apply_event(step)
            flag_modified(case, "last_event_on")  # every event bumps the version, even one that moves no column
            session.flush()
            entry = audit.record(session, case=case, actor=actor, event=event, on=on,
                                 fields={**values, **step.made}, state_before=before, state_after=case.state)
            session.flush()  # the entry's id: the notice names the decision it gives notice of
            for deadline in step.named_by_entry:  # a deadline about this very entry (a consultation)
                deadline.subject_id = entry.id
            notices.queue_for(session, spec=spec, case_id=case.id, entry=entry, on=on, fields=values,
                              made=step.made, replaying=step.replaying)
        return case
    except StaleDataError as exc:
        raise Conflict("Someone else changed this case at the same moment. Reload the case and try again.") from exc


# --------------------------------------------------------------------------------------------------- the request


def _owner(session: Session, assigned_caseworker_id: int | None) -> User | None:
    """The officer a request is allocated to as it is logged, when one is named. A request logged without one
    (through the API, or by business support) starts unallocated, in the intake queue."""
    if assigned_caseworker_id is None:
        return None
    owner = session.get(User, assigned_caseworker_id)
    if owner is None or owner.role not in ("caseworker", "manager") or not owner.active:
        raise Invalid("That officer cannot be allocated cases.", code="unknown_caseworker", field="caseworker")
    return owner


def _require_choice(value: Any, choices: dict[Any, str], field: str, what: str) -> None:
    if value not in choices:
        raise Invalid(f"{what} must be one of: {', '.join(map(str, choices.values()))}.", code="invalid_choice",
                      field=field)


def check_request(*, requested_by: str, primary_need: str | None, received_on: dt.date) -> None:
    """The request's own facts, checked the same way when it is logged and when it is corrected."""
    _require_choice(requested_by, codes.REQUESTER_LABELS, "requested_by", "Who made the request")
    if primary_need is not None:
        _require_choice(primary_need, codes.PRIMARY_NEED_LABELS, "child.primary_need", "Primary need")
    if received_on > clock.today():
        raise Invalid(f"The request date {clock.written(received_on)} is in the future.", code="date_in_future",
                      field="received_on")


def start_case(case: Case, received_on: dt.date, policy: Policy) -> None:
    """A request received is T0: it starts the 6, 16 and 20-week clocks."""
    case.state, case.received_on, case.last_event_on = ehcp.INITIAL, received_on, received_on
    for kind in REQUEST_RECEIVED.opens:
        open_deadline(case, kind, received_on, policy)


def create_case(db: Database, *, actor: User | None, given_name: str | None = None, family_name: str | None = None,
                date_of_birth: dt.date | None = None, received_on: dt.date, requested_by: str,
                primary_need: str | None = None, assigned_caseworker_id: int | None = None,
                person_id: int | None = None, uow: Session | None = None) -> Case:
    """A request for an EHC needs assessment received: T0, which starts the 6, 16 and 20-week clocks.

    The child is named by their details (a new person is recorded) or by ``person_id`` (a child already
    known, who must not have another request open).
    """
    if person_id is not None and (given_name, family_name, date_of_birth) != (None, None, None):
        raise Invalid("Give either the child's details or the child already known, not both.",
                      code="child_and_person", field="person_id")
    details = child.checked_details(given_name, family_name, date_of_birth) if person_id is None else None
    check_request(requested_by=requested_by, primary_need=primary_need, received_on=received_on)
    if details is not None:
        child.check_age(details[2], received_on)
    policy = db.policy
    with unit_of_work(db, uow) as session:
        if details is not None:
            person = child.new_child(session, actor, *details)
        else:
            assert person_id is not None
            person = child.known_child(session, person_id, received_on)
        owner = _owner(session, assigned_caseworker_id)
        case = Case(
            reference=f"pending-{uuid.uuid4().hex}", person=person,
            primary_need=primary_need, requested_by=requested_by,
            assigned_caseworker_id=owner.id if owner is not None else None,
            deadlines=[], advice_requests=[], exceptions=[],  # loaded, so the returned case carries them
        )
        case.state, case.received_on, case.last_event_on = ehcp.INITIAL, received_on, received_on
        session.add(case)
        session.flush()  # the id first: the deadlines about the case name it as their subject
        case.reference = f"{policy.reference_prefix}-{received_on.year}-{case.id:06d}"
        start_case(case, received_on, policy)
        session.flush()
        audit.record(session, case=case, actor=actor, event=REQUEST_RECEIVED.name, on=received_on,
                     fields={"requested_by": requested_by, "primary_need": primary_need,
                             "caseworker": owner.username if owner is not None else None},
                     state_before=None, state_after=case.state)
    return case


@effect("agree_to_assess")
def _agree_to_assess(step: Step) -> None:
    step.case.decision_to_assess_on = step.on


@effect("refuse_to_assess")
def _refuse_to_assess(step: Step) -> None:
    case = step.case
    case.decision_to_assess_on, case.closed_on, case.closed_reason = step.on, step.on, step.fields["reason"]


@effect("request_school_information")
def _request_school_information(step: Step) -> None:
    """The head teacher or early years lead asked for information while the LA decides whether to assess: the
    school-closure exception to the 6-week decision rests on it (reg 5(4)(a)); it has no clock of its own."""
    asked = list(step.case.school_information_requests or [])
    step.case.school_information_requests = [*asked, step.on.isoformat()]


@effect("withdraw")
def _withdraw(step: Step) -> None:
    step.case.closed_on, step.case.closed_reason = step.on, step.fields["reason"]


# --------------------------------------------------------------------------------------------------- advice


def _on_case(case: Case, rows: Iterable[Any], wanted: int, what: str) -> Any:
    """One thing on this case by its id: an id from another case reads as missing."""
    found = next((row for row in rows if row.id == wanted), None)
    if found is None:
        raise NotFound(f"Case {case.reference} has no {what} {wanted}.")
    return found


def advice_on_case(case: Case, advice_request_id: int) -> AdviceRequest:
    return _on_case(case, case.advice_requests, advice_request_id, "advice request")


@check("request_advice")
def _check_request_advice(step: Step) -> None:
    receipt = step.fields["received_on"] or step.on
    _not_before(step.on, step.case.decision_to_assess_on, "the decision to assess")
    if receipt < step.on:
        raise Invalid("The organisation cannot have received the request before it was sent.",
                      code="receipt_before_request", field="received_on")
    if receipt > clock.today():
        raise Invalid(f"The date of receipt {clock.written(receipt)} is in the future.", code="date_in_future",
                      field="received_on")
    _asked(step)


def _asked(step: Step) -> None:
    """The organisation of the directory the advice is asked of; a name not in it is refused, never added.

    The history records the directory's own spelling of the name and the organisation's id; a replay takes the
    organisation by that id (so a trust renamed since still reads as the one asked) unless a correction named
    another."""
    recorded = step.recorded.get("organisation_id")
    if step.replaying and recorded is not None:
        body = find_organisation(step.session, int(recorded))
    else:
        body = find_organisation(step.session, step.fields["organisation"])
        if not step.replaying:
            step.fields["organisation"] = body.name
    step.made["organisation_id"] = body.id


@effect("request_advice")
def _request_advice(step: Step) -> None:
    """Advice sought under reg 6; the body's 6 weeks run from its own receipt of the request (reg 8(1))."""
    receipt = step.fields["received_on"] or step.on
    step.fields["received_on"] = receipt
    body = find_organisation(step.session, step.made["organisation_id"])
    advice = AdviceRequest(advice_type=step.fields["advice_type"], organisation=body, requested_on=step.on,
                           received_on=receipt, id=step.recorded.get("advice_request_id"))
    step.case.advice_requests.append(advice)
    step.flush()
    step.made["advice_request_id"] = advice.id
    step.ledger.open("advice", receipt, subject=advice)


def _check_outstanding(step: Step) -> AdviceRequest:
    advice = advice_on_case(step.case, step.fields["advice_request_id"])
    if advice.returned_on is not None:
        raise Invalid(f"This advice was already recorded as returned on {clock.written(advice.returned_on)}.",
                      code="already_returned", field="advice_request_id")
    if not outstanding(step.case, advice):
        raise Invalid("This request for advice was cancelled, so nothing is owed on it.", code="not_outstanding",
                      field="advice_request_id")
    _not_before(step.on, advice.requested_on, "the advice was requested")
    return advice


@check("record_advice")
def _check_record_advice(step: Step) -> None:
    _check_outstanding(step)


@effect("record_advice")
def _record_advice(step: Step) -> None:
    """Advice received: meets that request's 6-week deadline, on time or late, in whatever state the case is."""
    advice = advice_on_case(step.case, step.fields["advice_request_id"])
    advice.returned_on = step.on
    advice.returned_by_id = step.actor.id if step.actor is not None else None


@check("void_advice_request")
def _check_void_advice(step: Step) -> None:
    _check_outstanding(step)


@effect("void_advice_request")
def _void_advice(step: Step) -> None:
    """A request sent in error or no longer needed: its deadline is cancelled, the request kept, with why."""
    advice = advice_on_case(step.case, step.fields["advice_request_id"])
    advice.voided_on, advice.void_reason = step.on, step.fields["reason"]


def return_advice(db: Database, advice_request_id: int, *, actor: User | None, on: dt.date) -> AdviceRequest:
    """An adviser marks their organisation's advice returned: the same event as the caseworker's."""
    with db.reading() as session:
        advice = session.get(AdviceRequest, advice_request_id)
        if advice is None:
            raise NotFound(f"There is no advice request {advice_request_id}.")
        case_id = advice.case_id
    case = record_advice(db, case_id, actor=actor, on=on, advice_request_id=advice_request_id)
    return advice_on_case(case, advice_request_id)


# --------------------------------------------------------------------------------------------------- decisions and plan


@effect("decide_to_issue")
def _decide_to_issue(step: Step) -> None:
    """A decision to issue is recorded under the local milestone M3.2, never as a statutory breach; R3.1 stays
    for a decision not to issue (statutory-rules.md section 3)."""
    milestone = rules.rule_in_force("M3.2", step.case.received_on)
    for deadline in step.case.deadlines:
        if deadline.kind == "issue_decision" and deadline.met_on == step.on and deadline.rule != milestone.id:
            deadline.rule, deadline.citation = milestone.id, milestone.citation


@effect("decide_not_to_issue")
def _decide_not_to_issue(step: Step) -> None:
    step.case.closed_on, step.case.closed_reason = step.on, step.fields["reason"]


@effect("issue_draft")
def _issue_draft(step: Step) -> None:
    """The draft is served (naming no school, CoP 9.77): the family's 15-day window opens."""
    step.case.draft_issued_on = step.on
    step.ledger.open("draft_representations", step.on)


@check("issue_final")
def _check_representations_closed(step: Step) -> None:
    """Say when the plan may be issued: the family's window must have closed first (reg 13(1))."""
    served = step.case.draft_issued_on
    if served is None:
        return
    last_day = clock.days_beginning_with(served, 15)
    if step.on <= last_day:
        raise Invalid(f"The final plan cannot be issued until the family's 15-day window for representations on the "
                      f"draft has closed: it runs to {clock.written(last_day)}, so the earliest date the plan may be "
                      f"issued is {clock.written(last_day + dt.timedelta(days=1))} (SEND Regs 2014 reg 13(1)).",
                      code="guard_refused", field="on")


@effect("issue_final")
def _issue_final(step: Step) -> None:
    """The final plan: meets the 20-week limit and starts the first 12-month review period, and for a child under
    5 the first early years review (G7.2). A plan a tribunal ordered is issued by this same event."""
    step.ledger.close_window("draft_representations")
    step.case.plan_issued_on, step.case.named_setting = step.on, step.fields["named_setting"]
    step.ledger.open("annual_review", step.on)
    early_years.open_if_under_five(step.session, step.case, step.ledger, step.on)


# --------------------------------------------------------------------------------------------------- exceptions


@check("record_exception")
def _check_exception(step: Step) -> None:
    """Every limit named must be one the case has and one this reason is an exception to; one that is not
    refuses the whole record, naming it."""
    case, fields = step.case, step.fields
    reason, starts_on, ends_on = fields["reason"], fields["starts_on"], fields["ends_on"]
    named = limits.names(fields["applies_to"])
    fields["applies_to"] = limits.as_recorded(named)
    if fields["family_told_on"] is not None and fields["family_told_on"] > clock.today():
        raise Invalid("The date the family was told is in the future.", code="date_in_future", field="family_told_on")
    if ends_on < starts_on:
        raise Invalid("The exception cannot end before it starts.", code="ends_before_start", field="ends_on")
    for limit in limits.resolve(case, named):
        if not any(rules.exception_applies(rules.rule_in_force(d.rule, d.starts_on), reason, d.starts_on, d.due_on)
                   for d in limit.deadlines):
            rule = limit.deadlines[0]
            raise Invalid(f"'{codes.EXCEPTION_REASON_LABELS[reason]}' is not an exception to the time limit for "
                          f"{limit.label}, rule {rule.rule} ({rule.citation}).", code="exception_not_applicable",
                          field="reason" if len(named) == 1 else "applies_to")
    if reason in ("school_closure", "absent_from_area") and not clock.spans_four_weeks(starts_on, ends_on):
        raise Invalid("A school closure or absence from the area must last 4 or more continuous weeks.",
                      code="too_short", field="ends_on")
    if reason == "school_closure":
        _check_closure_window(case, starts_on, ends_on, [limit.deadline_kind for limit in limits.resolve(case, named)])


def _check_closure_window(case: Case, starts_on: dt.date, ends_on: dt.date, kinds: list[str]) -> None:
    """The closure exception rests on the school being asked in the window before the closure: to the 6-week
    decision (reg 5(4)(a)) by the head teacher asked for information while deciding, to the later limits (reg
    10(4)(a)) by educational advice requested under reg 6. Each limit named needs its own."""
    window_start, window_end = clock.closure_exception_window(starts_on, ends_on)
    in_window = [dt.date.fromisoformat(d) for d in case.school_information_requests or []
                 if window_start <= dt.date.fromisoformat(d) <= window_end]
    advice = [a for a in case.advice_requests
              if a.advice_type == "educational" and window_start <= a.requested_on <= window_end]
    between = f"between {clock.written(window_start)} and {clock.written(window_end)}"
    for kind in kinds:
        if kind == "decision_to_assess":
            if not in_window:
                raise Invalid("The school closure exception to the decision whether to assess applies only when the "
                              f"head teacher was asked for information {between} (reg 5(4)(a)).",
                              code="closure_window", field="starts_on")
        elif not advice:
            raise Invalid(f"The school closure exception applies only when educational advice was requested {between} "
                          "(reg 10(4)(a)/(b)).", code="closure_window", field="starts_on")


@effect("record_exception")
def _record_exception(step: Step) -> None:
    """An exception to a time limit (reg 10(4) or reg 8(2)): it excuses lateness, it never moves a date."""
    fields = step.fields
    covered = limits.resolve(step.case, limits.names(fields["applies_to"]))
    record = ExceptionRecord(
        reason=fields["reason"], starts_on=fields["starts_on"], ends_on=fields["ends_on"],
        subject=limits.subject_of(step.case, covered),
        limits=[ExceptionLimit(deadline_kind=limit.deadline_kind, subject=limit.subject) for limit in covered],
        evidence=fields["evidence"], family_told_on=fields["family_told_on"], recorded_on=step.on,
        id=step.recorded.get("exception_id"),
    )
    step.case.exceptions.append(record)
    step.flush()
    step.made["exception_id"] = record.id


def exception_on_case(case: Case, exception_id: int) -> ExceptionRecord:
    return _on_case(case, case.exceptions, exception_id, "exception")


@check("withdraw_exception")
def _check_withdraw_exception(step: Step) -> None:
    record = exception_on_case(step.case, step.fields["exception_id"])
    if record.withdrawn_on is not None:
        raise Invalid(f"This exception was already withdrawn on {clock.written(record.withdrawn_on)}.",
                      code="already_withdrawn", field="exception_id")
    _not_before(step.on, record.recorded_on, "the exception was recorded")


@effect("withdraw_exception")
def _withdraw_exception(step: Step) -> None:
    """An exception recorded in error or no longer borne out: it stops excusing lateness from that day."""
    record = exception_on_case(step.case, step.fields["exception_id"])
    record.withdrawn_on, record.withdrawn_reason = step.on, step.fields["reason"]


# --------------------------------------------------------------------------------------------------- by name


def _operation(event: str) -> Callable[..., Case]:
    spec = EVENTS[event]

    def operation(db: Database, case_id: int, *, actor: User | None, on: dt.date,
                  expected_version: int | None = None, uow: Session | None = None, **fields: Any) -> Case:
        return fire_event(db, case_id, event, actor=actor, on=on, expected_version=expected_version, uow=uow,
                          **fields)

    operation.__name__ = operation.__qualname__ = event
    operation.__doc__ = f"{spec.title}: records '{spec.history}' on the case (see casework.law.events)."
    return operation


# The rest of the plan's life registers its checks and effects here: the review chain and amendments, ceasing,
# re-assessment (imported after the machinery above, which they use).
from casework.cases import ceasing, consultations, orders, reassessment, reopening, review  # noqa: E402,F401

agree_to_assess = _operation("agree_to_assess")
refuse_to_assess = _operation("refuse_to_assess")
request_advice = _operation("request_advice")
record_advice = _operation("record_advice")
void_advice_request = _operation("void_advice_request")
decide_to_issue = _operation("decide_to_issue")
decide_not_to_issue = _operation("decide_not_to_issue")
issue_draft = _operation("issue_draft")
issue_final = _operation("issue_final")
record_exception = _operation("record_exception")
withdraw_exception = _operation("withdraw_exception")
set_phase_transfer = _operation("set_phase_transfer")
schedule_review_meeting = _operation("schedule_review_meeting")
send_review_invitations = _operation("send_review_invitations")
circulate_review_papers = _operation("circulate_review_papers")
hold_review_meeting = _operation("hold_review_meeting")
record_review_report = _operation("record_review_report")
decide_review_outcome = _operation("decide_review_outcome")
issue_amended_plan = _operation("issue_amended_plan")
cease_plan = _operation("cease_plan")
request_school_information = _operation("request_school_information")
propose_amendments = _operation("propose_amendments")
decide_not_to_amend = _operation("decide_not_to_amend")
request_reassessment = _operation("request_reassessment")
decide_to_reassess = _operation("decide_to_reassess")
refuse_to_reassess = _operation("refuse_to_reassess")
confirm_ceased = _operation("confirm_ceased")
continue_plan = _operation("continue_plan")
withdraw = _operation("withdraw")
assign_caseworker = _operation("assign_caseworker")
record_contact = _operation("record_contact")
consult_school = _operation("consult_school")
record_school_response = _operation("record_school_response")

EVENT_OPERATIONS: dict[str, Callable[..., Case]] = {name: globals()[name] for name in EVENTS}
assert set(EVENTS) == set(ehcp.EVENTS), "every workflow event needs exactly one declaration"

# Allocation's check and effect live in their own module; importing it registers them.
from casework.cases import allocation as _allocation  # noqa: E402, F401
