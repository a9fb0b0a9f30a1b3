"""A case rebuilt from its history, and corrections that work by rebuilding.

The history is the source of truth: every entry says who recorded which event on which date with which fields.
Running those entries again, in the order they were recorded, through the same ``apply_event`` the live path
uses gives the case, its advice requests, exceptions and deadlines. A correction never edits an entry: it adds
a correction entry, and the case is rebuilt as if the corrected entry had been right from the start. The rebuilt
case is held apart from the stored one (never added to the session) and then laid over it, so rows keep their
ids, a deadline that still stands keeps its row, and one that no longer stands is superseded, not deleted.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from casework import audit
from casework.cases import orders
from casework.cases.operations import (
    Step,
    _load_for_update,
    apply_event,
    check_request,
    normalise_fields,
    start_case,
)
from casework.core import clock
from casework.core.db import Database
from casework.core.errors import CaseworkError, Conflict, Invalid, MalformedInput, NotFound
from casework.core.policy import Policy
from casework.deadlines import justified
from casework.deadlines.ledger import Ledger, next_due, settle_next_due
from casework.law.events import EVENTS, LONG_TEXT, REQUEST_RECEIVED, EventSpec, history_label
from casework.models import AuditEntry, Case, Deadline, ExceptionLimit, ExceptionRecord, User
from casework.models.subject import ADVICE_REQUEST, CASE, CONSULTATION

CORRECTION = "correction"
# What a request itself records, and so what a correction of the request may change beside its date.
REQUEST_FIELDS = ("requested_by", "primary_need")
# Ids an event made when first recorded; a replay makes the same things under the same ids.
MADE = {"request_advice": "advice_request_id", "record_exception": "exception_id"}
# Records an event found from a field when first recorded (the directory's organisation asked for advice): a
# replay takes the same record, unless a correction changed that field.
FOUND = {("request_advice", "organisation"): "organisation_id", ("consult_school", "organisation"): "organisation_id"}

CASE_FACTS = ("state", "received_on", "requested_by", "primary_need", "last_event_on", "decision_to_assess_on",
              "draft_issued_on", "plan_issued_on", "named_setting", "review_meeting_on", "closed_on",
              "closed_reason", "cease_reason", "next_due_on", "next_due_kind", "cease_decided_on",
              "school_information_requests")
ADVICE_FACTS = ("advice_type", "organisation", "requested_on", "received_on", "returned_on", "returned_by_id",
                "voided_on", "void_reason", "owed_due_on")
EXCEPTION_FACTS = ("reason", "starts_on", "ends_on", "subject_type", "subject_id", "evidence", "family_told_on",
                   "recorded_on", "withdrawn_on", "withdrawn_reason")
# Copies kept for the lists (the ledger's settle_next_due), compared from every deadline the case has.
LIST_COPIES = ("next_due_on", "next_due_kind")
DEADLINE_SHAPE = ("rule", "citation", "starts_on", "due_on", "is_duty", "transfer_on")


@dataclass
class Entry:
    """A history entry as it now stands, with every correction of it applied."""

    id: int
    event: str
    on: dt.date
    fields: dict[str, Any]
    actor_id: int | None
    corrected_by: list[int]


class ReplayRefused(Exception):
    """An entry of the history that can no longer be applied, and why."""

    def __init__(self, entry: Entry, refusal: CaseworkError) -> None:
        super().__init__(refusal.message)
        self.entry, self.refusal = entry, refusal


# --------------------------------------------------------------------------------------------------- the history


TRANSFER_IN = "transfer_in"  # a plan taken on from another authority: the case's creation, like a request


def _is_case_event(event: str) -> bool:
    return event in (REQUEST_RECEIVED.name, TRANSFER_IN) or event in EVENTS


def case_entries(session: Session, case_id: int) -> Sequence[AuditEntry]:
    """Every entry of the case's history, in the order recorded: read once by a page that shows it several
    ways (the timeline, the contacts log) and handed to each."""
    return session.scalars(select(AuditEntry).where(AuditEntry.case_id == case_id).order_by(AuditEntry.id)).all()


def effective_history(session: Session, case_id: int, pending: dict[str, Any] | None = None,
                      rows: Sequence[AuditEntry] | None = None) -> list[Entry]:
    """The case's event entries in the order recorded, each as corrected (``pending`` is a correction not yet
    written, with the same shape as a correction entry's fields; ``rows``, the case's entries if already
    read)."""
    if rows is None:
        rows = case_entries(session, case_id)
    entries: dict[int, Entry] = {}
    corrections: list[tuple[int | None, dict[str, Any]]] = []
    for row in rows:
        if row.event == CORRECTION:
            corrections.append((row.id, row.fields))
        elif _is_case_event(row.event) and row.on is not None:
            entries[row.id] = Entry(row.id, row.event, row.on, dict(row.fields), row.actor_id, [])
    if pending is not None:
        corrections.append((None, pending))
    for correction_id, fields in corrections:
        target = entries.get(int(fields["entry_id"]))
        if target is None:
            continue
        if fields.get("on"):
            target.on = dt.date.fromisoformat(fields["on"])
        target.fields.update(fields.get("changes", {}))
        for name in fields.get("changes", {}):
            target.fields.pop(FOUND.get((target.event, name), ""), None)
        if correction_id is not None:
            target.corrected_by.append(correction_id)
    return list(entries.values())


def _field_values(spec: EventSpec, stored: dict[str, Any]) -> dict[str, Any]:
    """An entry's stored (JSON) fields back as the operation takes them."""
    values: dict[str, Any] = {}
    for declared in spec.fields:
        value = stored.get(declared.name)
        if declared.type == "date" and isinstance(value, str):
            value = dt.date.fromisoformat(value)
        values[declared.name] = value
    return values


# --------------------------------------------------------------------------------------------------- rebuilding


def rebuild(session: Session, case: Case, history: list[Entry], policy: Policy) -> Case:
    """The case as its history makes it, held apart from the stored case (never added to the session)."""
    creation, *events = history
    # The child is the stored case's (what G7.2 asks of a young child reads their date of birth as it stands now).
    shadow = Case(id=case.id, reference=case.reference, person_id=case.person_id, person=case.person,
                  requested_by=creation.fields.get("requested_by"),
                  primary_need=creation.fields.get("primary_need"), deadlines=[], advice_requests=[], exceptions=[])
    if creation.event == TRANSFER_IN:
        from casework.transfers.operations import start_transferred_case

        shadow.requested_by = case.requested_by
        start_transferred_case(shadow, transferred_on=creation.on,
                               plan_made_on=dt.date.fromisoformat(creation.fields["plan_made_on"]),
                               last_reviewed_on=_optional_date(creation.fields.get("last_reviewed_on")), policy=policy)
    else:
        start_case(shadow, creation.on, policy)
    # Entries recorded before requests kept their ids are matched to their rows in the order they were made.
    made_in_order = {
        "request_advice": iter(sorted(a.id for a in case.advice_requests)),
        "record_exception": iter(sorted(e.id for e in case.exceptions)),
    }
    actors: dict[int, User | None] = {}
    for entry in events:
        spec = EVENTS[entry.event]
        recorded: dict[str, Any] = {}
        if entry.event in MADE:
            key = MADE[entry.event]
            recorded[key] = entry.fields.get(key) or next(made_in_order[entry.event], None)
        for (event, _field), key in FOUND.items():
            if entry.event == event and entry.fields.get(key) is not None:
                recorded[key] = entry.fields[key]
        if entry.actor_id is not None and entry.actor_id not in actors:
            actors[entry.actor_id] = session.get(User, entry.actor_id)
        actor = actors.get(entry.actor_id) if entry.actor_id is not None else None
        try:
            fields = normalise_fields(spec, _field_values(spec, entry.fields))
            step = Step(session, shadow, spec, entry.on, fields, actor, policy, Ledger(shadow, spec, entry.on, policy),
                        recorded=recorded, replaying=True, entry_id=entry.id)
            apply_event(step)
        except CaseworkError as refusal:
            raise ReplayRefused(entry, refusal) from refusal
    return shadow


def _optional_date(value: str | None) -> dt.date | None:
    return dt.date.fromisoformat(value) if value else None


def _limits(exception: ExceptionRecord) -> list[tuple[str, str, int]]:
    return sorted((limit.deadline_kind, limit.subject_type, limit.subject_id) for limit in exception.limits)


def _replayed(deadlines: list[Deadline]) -> list[Deadline]:
    """The deadlines the case's own events make. A dispute's or a transfer's (``casework.disputes``,
    ``casework.transfers``) run beside the case and are kept by their own steps, so a replay leaves them be."""
    return [d for d in deadlines if d.subject_type in (CASE, ADVICE_REQUEST, CONSULTATION)]


def _deadline_key(d: Deadline) -> tuple[str, int | None, int | None]:
    return d.kind, d.advice_request_id, d.consultation_id


def _by_key(deadlines: list[Deadline]) -> dict[tuple[str, int | None, int | None], list[Deadline]]:
    grouped: dict[tuple[str, int | None, int | None], list[Deadline]] = defaultdict(list)
    for d in sorted(deadlines, key=lambda d: (d.id is None, d.id or 0)):
        grouped[_deadline_key(d)].append(d)
    return grouped


def differences(case: Case, shadow: Case) -> list[str]:
    """How the stored case differs from its rebuilt self; empty when the history explains it exactly."""
    found = [f"case {name}: {getattr(case, name)!r} != {getattr(shadow, name)!r}"
             for name in CASE_FACTS if name not in LIST_COPIES and getattr(case, name) != getattr(shadow, name)]
    # The case's next deadline counts the disputes' and transfers' duties too, which a replay leaves be.
    replayed = set(map(id, _replayed(list(case.deadlines))))
    soonest = next_due([*shadow.deadlines, *(d for d in case.deadlines if id(d) not in replayed)])
    expected = (soonest.due_on, soonest.kind) if soonest is not None else (None, None)
    if (case.next_due_on, case.next_due_kind) != expected:
        found.append(f"case next deadline: {(case.next_due_on, case.next_due_kind)!r} != {expected!r}")
    for label, stored, rebuilt, facts in (("advice", case.advice_requests, shadow.advice_requests, ADVICE_FACTS),
                                          ("exception", case.exceptions, shadow.exceptions, EXCEPTION_FACTS)):
        rebuilt_by_id = {r.id: r for r in rebuilt}
        if {r.id for r in stored} != set(rebuilt_by_id):
            found.append(f"{label} ids {sorted(r.id for r in stored)} != {sorted(rebuilt_by_id)}")
            continue
        for row in stored:
            found += [f"{label} {row.id} {n}: {getattr(row, n)!r} != {getattr(rebuilt_by_id[row.id], n)!r}"
                      for n in facts if getattr(row, n) != getattr(rebuilt_by_id[row.id], n)]
            if label == "exception" and _limits(row) != _limits(rebuilt_by_id[row.id]):
                found.append(f"exception {row.id} limits {_limits(row)} != {_limits(rebuilt_by_id[row.id])}")

    def shape(d: Deadline) -> tuple:
        return (d.kind, d.advice_request_id, d.consultation_id, *(getattr(d, n) for n in DEADLINE_SHAPE), d.met_on,
                d.cancelled_on)

    # Ordered by each value's text: a date read back from the database and one just computed (a subclass of
    # date under a frozen clock) are equal but not alike in repr, which must not reorder two equal lists.
    def in_order(shapes: Iterable[tuple]) -> list[tuple]:
        return sorted(shapes, key=lambda t: tuple(str(v) for v in t))

    stored_deadlines = in_order(shape(d) for d in _replayed(list(case.deadlines)))
    rebuilt_deadlines = in_order(shape(d) for d in shadow.deadlines)
    if stored_deadlines != rebuilt_deadlines:
        found.append(f"deadlines {stored_deadlines} != {rebuilt_deadlines}")
    return found


def lay_over(session: Session, case: Case, shadow: Case) -> list[Deadline]:
    """Make the stored case what the rebuilt one says. A deadline whose dates or rule no longer stand is
    superseded and a new row takes its place (so the scan sees it as newly recorded); returns the rows touched
    (superseded, or met or cancelled differently), whose alerts may no longer stand."""
    for name in CASE_FACTS:
        if getattr(case, name) != getattr(shadow, name):
            setattr(case, name, getattr(shadow, name))
    for stored, rebuilt, facts in ((case.advice_requests, shadow.advice_requests, ADVICE_FACTS),
                                   (case.exceptions, shadow.exceptions, EXCEPTION_FACTS)):
        rebuilt_by_id = {r.id: r for r in rebuilt}
        for row in stored:
            for name in facts:
                setattr(row, name, getattr(rebuilt_by_id[row.id], name))
            if isinstance(row, ExceptionRecord) and _limits(row) != _limits(rebuilt_by_id[row.id]):
                # the limits are what the corrected entry names; the entry itself keeps what was first keyed
                row.limits = [ExceptionLimit(deadline_kind=kind, subject_type=subject_type, subject_id=subject_id)
                              for kind, subject_type, subject_id in _limits(rebuilt_by_id[row.id])]
    touched: list[Deadline] = []
    now, today = clock.now(), clock.today()
    stored_by_key, rebuilt_by_key = _by_key(_replayed(list(case.deadlines))), _by_key(list(shadow.deadlines))
    for key in set(stored_by_key) | set(rebuilt_by_key):
        stored_rows, rebuilt_rows = stored_by_key.get(key, []), rebuilt_by_key.get(key, [])
        for index in range(max(len(stored_rows), len(rebuilt_rows))):
            row = stored_rows[index] if index < len(stored_rows) else None
            wanted = rebuilt_rows[index] if index < len(rebuilt_rows) else None
            reopened = row is not None and wanted is not None and not row.is_open and wanted.is_open
            if row is not None and wanted is not None and not reopened and all(
                    getattr(row, n) == getattr(wanted, n) for n in DEADLINE_SHAPE):
                if (row.met_on, row.cancelled_on) != (wanted.met_on, wanted.cancelled_on):
                    row.met_on, row.cancelled_on = wanted.met_on, wanted.cancelled_on
                    touched.append(row)
                continue
            # A row whose dates changed, or that the correction opens again, is replaced by a new row, which the
            # scan sees as recorded now and alerts if it is late.
            if row is not None:
                row.superseded_at = now
                if row.is_open:
                    row.cancelled_on = today
                touched.append(row)
            if wanted is not None:
                session.add(Deadline(
                    case_id=case.id, kind=wanted.kind, rule=wanted.rule, citation=wanted.citation,
                    starts_on=wanted.starts_on, due_on=wanted.due_on, met_on=wanted.met_on,
                    cancelled_on=wanted.cancelled_on, is_duty=wanted.is_duty, subject=wanted.subject,
                    transfer_on=wanted.transfer_on))  # reg 18's "within 12 months" is counted back from it
    session.flush()
    session.expire(case, ["deadlines"])
    settle_next_due(case)  # from the rows as they now stand (superseded ones are out of the list)
    return touched


def rebuilt_differences(session: Session, case_id: int, policy: Policy) -> list[str]:
    """For tests and audits: replay the stored history and say how the stored case differs from it."""
    case = session.get(Case, case_id)
    if case is None:
        raise NotFound(f"There is no case {case_id}.")
    history = effective_history(session, case_id)
    return differences(case, rebuild(session, case, history, policy)) + orders.differences(session, case, history)


def rebuild_child_cases(session: Session, person_id: int, policy: Policy) -> None:
    """A child's date of birth corrected: each of their cases is rebuilt from its history and laid over, as a
    correction does, because what a case owes can turn on the child's age (a review every 3 to 6 months while
    under 5, G7.2). The history is unchanged, so an event it held cannot become impossible."""
    case_ids = session.scalars(select(Case.id).where(Case.person_id == person_id).order_by(Case.id)).all()
    for case_id in case_ids:
        case = _load_for_update(session, case_id)
        shadow = rebuild(session, case, effective_history(session, case_id), policy)
        touched = lay_over(session, case, shadow)
        justified.close_unjustified(session, case.id, clock.today(), "Corrected: the deadline no longer stands as "
                                    "it was", deadline_ids=[d.id for d in touched])


# --------------------------------------------------------------------------------------------------- corrections


def _corrected_values(entry: Entry, changes: dict[str, Any]) -> dict[str, Any]:
    """The changes a correction makes to an entry's fields, checked as the event checks them, as JSON."""
    if entry.event == "assign_caseworker" and "caseworker" in changes:
        # Who holds a case is not rebuilt from its history: a wrong allocation is put right by allocating again,
        # which the history then shows beside the first.
        raise Invalid("A case allocated to the wrong caseworker is put right by allocating it again.",
                      code="reallocate_instead", field="caseworker")
    if entry.event == REQUEST_RECEIVED.name:
        allowed: tuple[str, ...] = REQUEST_FIELDS
        spec = None
    else:
        spec = EVENTS[entry.event]
        allowed = spec.field_names
    unknown = sorted(set(changes) - set(allowed))
    if unknown:
        raise MalformedInput(f"'{history_label(entry.event)}' has no field called '{unknown[0]}' to correct.",
                             code="unknown_field", field=unknown[0])
    if spec is None:
        return dict(changes)
    merged = _field_values(spec, {**entry.fields, **changes})
    for declared in spec.fields:
        if declared.type == "date" and isinstance(changes.get(declared.name), str):
            try:
                merged[declared.name] = dt.date.fromisoformat(changes[declared.name])
            except ValueError:
                raise MalformedInput(f"{declared.label} must be a real date written YYYY-MM-DD.", code="bad_date",
                                     field=declared.name) from None
    normalised = normalise_fields(spec, merged)
    return {name: audit.jsonable(normalised[name]) for name in changes}


def correct_entry(db: Database, case_id: int, *, actor: User | None, entry_id: int, reason: str,
                  on: dt.date | None = None, changes: dict[str, Any] | None = None,
                  expected_version: int | None = None) -> Case:
    """Correct one history entry (its date or its fields): the entry stays, a correction entry says who, when
    and why, and the case, its deadlines and its alerts are recomputed as if the entry had been right."""
    reason = (reason or "").strip()
    if not reason:
        raise Invalid("Enter why the entry is being corrected.", code="required", field="reason")
    if len(reason) > LONG_TEXT:
        raise Invalid(f"The reason must be {LONG_TEXT} characters or fewer.", code="too_long", field="reason")
    changes = dict(changes or {})
    with db.transaction() as session:
        case = _load_for_update(session, case_id)
        if expected_version is not None and case.version != expected_version:
            raise Conflict("Someone else changed this case while you were working on it. Reload the case and "
                           "try again.")
        history = effective_history(session, case_id)
        entry = next((e for e in history if e.id == entry_id), None)
        if entry is None:
            raise NotFound(f"Case {case.reference} has no entry {entry_id} that can be corrected.")
        if entry.event == TRANSFER_IN:
            raise Invalid("A plan's transfer from another authority cannot be corrected here: its dates come from "
                          "the other authority's records.", code="not_correctable")
        corrected = _corrected_values(entry, changes)
        if entry.event == REQUEST_RECEIVED.name:
            check_request(requested_by=corrected.get("requested_by", entry.fields.get("requested_by")),
                          primary_need=corrected.get("primary_need", entry.fields.get("primary_need")),
                          received_on=on or entry.on)
        if (on is None or on == entry.on) and all(entry.fields.get(k) == v for k, v in corrected.items()):
            raise Invalid("The correction changes nothing: give the right date or details.",
                          code="nothing_to_correct")
        if on is not None and on > clock.today():
            raise Invalid(f"The date {clock.written(on)} is in the future.", code="date_in_future", field="on")
        pending = {"entry_id": entry_id, "changes": corrected, "reason": reason,
                   **({"on": on.isoformat()} if on is not None else {})}
        try:
            shadow = rebuild(session, case, effective_history(session, case_id, pending), db.policy)
        except ReplayRefused as refused:
            later = refused.entry
            what = "itself" if later.id == entry_id else \
                f"the later entry '{history_label(later.event)}' of {clock.written(later.on)} (entry {later.id})"
            raise Conflict(f"That correction would make {what} impossible: {refused.refusal.message}",
                           code="correction_conflict", field="entry_id") from None
        before = case.state
        touched = lay_over(session, case, shadow)
        touched += orders.restate(session, case, effective_history(session, case_id, pending))
        justified.close_unjustified(session, case.id, clock.today(), "Corrected: the deadline no longer stands as "
                                    "it was", deadline_ids=[d.id for d in touched])
        session.flush()
        audit.record(session, case=case, actor=actor, event=CORRECTION, on=clock.today(), fields=pending,
                     state_before=before, state_after=case.state)
    with db.reading() as session:
        return session.get(Case, case_id)


def history_view(session: Session, case_id: int, rows: Sequence[AuditEntry] | None = None) -> list[dict[str, Any]]:
    """The history in event-date order (then the order recorded), each entry with the time it was recorded,
    and for a corrected entry the corrections and what it now says (``rows``, the case's entries if already
    read)."""
    if rows is None:
        rows = case_entries(session, case_id)
    effective = {e.id: e for e in effective_history(session, case_id, rows=rows)}
    out = []
    for e in rows:
        item = {"id": e.id, "at": e.at.isoformat(), "actor": e.actor, "event": e.event,
                "on": e.on.isoformat() if e.on else None, "fields": e.fields, "state_before": e.state_before,
                "state_after": e.state_after, "corrected": False, "corrected_by": []}
        now = effective.get(e.id)
        if now is not None and now.corrected_by:
            item.update(corrected=True, corrected_by=now.corrected_by,
                        now_reads={"on": now.on.isoformat(), "fields": now.fields})
        out.append(item)
    out.sort(key=lambda item: (effective[item["id"]].on.isoformat() if item["id"] in effective else item["on"] or "",
                               item["id"]))
    return out
