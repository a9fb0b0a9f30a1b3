"""A decision put right by the tribunal: a closed case reopened by an order (reg 44(2)) or a concession (reg 45).

An order (or the council's concession) to assess reopens a case refused assessment: ``agree_to_assess`` is
allowed from ``refused_to_assess`` and takes the case to ``assessment``. An order to make a plan reopens a case
where the council decided not to issue one: ``issue_draft`` is allowed from ``not_issued``. An order to assess
after a refusal to re-assess lets the council decide to re-assess with no request waiting
(``casework.cases.reassessment``). Without such an order each stays a 409, as before.

Which clocks run once the case is reopened. Reg 44(2) sets the council's timetable after an order from the
order's date: notice that it will assess within 2 weeks (44(2)(b)), a no-plan notice within 10 weeks (44(2)(c))
or the final plan within 14 weeks (44(2)(d)); to make a plan, the draft within 5 weeks and the final plan within
11 (44(2)(e)). Those are the order's ``tribunal_order`` deadlines (R10.9; R10.10 from the day a concession was
notified, reg 45). The request's own 16 and 20 weeks (R3.1, R5.1) ran from the request and were closed by the
refusal or the decision not to issue; opened again they would be long past on the day they opened, a second
statutory breach of the same duty the order now times. So reopening opens no R1.1, R3.1 or R5.1 deadline: the
order's steps are the assessment's clocks, met by the case events that carry them out (``casework.cases.orders``).
The DfE 20-week figure, which counts ``final_plan`` deadlines and leaves out tribunal cases, is unchanged.
A re-assessment under an order still opens its own R5.4 (14 weeks from the decision to re-assess, reg 27(2)):
that clock starts on the new decision, so it is not a past duty counted twice.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from sqlalchemy import select
from sqlalchemy.orm import object_session

from casework.cases.operations import ACTIONABLE, CHECKS, FOLLOW_UPS, Step
from casework.core import clock
from casework.core.errors import EventNotAllowed, Invalid
from casework.models import Case, Deadline, Dispute
from casework.models.subject import DISPUTE
from workflows import ehcp

# The step only an order of that kind has: an order to assess is the one that owes the notice it will assess.
ASSESS, MAKE_PLAN = "notify_assessment", "draft_plan"
# The closed state each kind of order reopens, and the event that reopens it.
REOPENS = {"agree_to_assess": ("refused_to_assess", ASSESS), "issue_draft": ("not_issued", MAKE_PLAN)}
WHAT = {ASSESS: "to assess", MAKE_PLAN: "to make a plan"}


def _ordered(deadlines: list[Deadline]) -> dict[int, list[Deadline]]:
    """The tribunal orders on a case, as the steps each opened, by dispute."""
    orders: dict[int, list[Deadline]] = defaultdict(list)
    for d in deadlines:
        if d.kind == "tribunal_order" and d.superseded_at is None and d.subject_type == DISPUTE:
            orders[d.subject_id].append(d)
    return orders


def _stored(step: Step) -> list[Deadline]:
    """The case's stored deadlines: a replay's case holds only its own, not those of its disputes."""
    if not step.replaying:
        return list(step.case.deadlines)
    return list(step.session.scalars(select(Deadline).where(Deadline.case_id == step.case.id,
                                                            Deadline.kind == "tribunal_order")))


def orders_of(deadlines: list[Deadline], kind: str) -> list[tuple[int, dt.date]]:
    """(dispute id, order date) of each order of this kind (by its distinguishing step)."""
    return [(dispute_id, steps[0].starts_on) for dispute_id, steps in _ordered(deadlines).items()
            if any(s.step == kind for s in steps)]


def _reopening_order(step: Step, kind: str) -> dt.date:
    """The date of the order that reopens the case, or 409 when there is none; 422 if dated before it."""
    found = sorted(on for _dispute, on in orders_of(_stored(step), kind))
    if not found:
        state = ehcp.STATE_LABELS[step.case.state]
        raise EventNotAllowed(f"{step.spec.title} is not possible while the case is at '{state}'. It is possible "
                              f"again only once the tribunal orders the council {WHAT[kind]}, or the council "
                              f"concedes an appeal (SEND Regs 2014 reg 44(2), reg 45).")
    earliest = found[0]
    if step.on < earliest:
        raise Invalid(f"The date {clock.written(step.on)} is before the order {WHAT[kind]} "
                      f"({clock.written(earliest)}).", code="date_before_trigger", field="on")
    return earliest


def _check_reopening(step: Step) -> None:
    state, kind = REOPENS[step.spec.name]
    if step.case.state == state:
        _reopening_order(step, kind)


def _reopen(step: Step) -> None:
    """The case is open again: it is no longer closed with the refusal's or the decision's reason."""
    if step.spec.name in REOPENS and step.case.closed_on is not None and step.case.state not in ehcp.TERMINAL_STATES:
        step.case.closed_on, step.case.closed_reason = None, None


for _event, (_state, _kind) in REOPENS.items():
    assert _event not in CHECKS, f"{_event} has a check of its own: combine them"
    CHECKS[_event] = _check_reopening
    ACTIONABLE[_event] = (lambda state, kind: lambda case: case.state != state
                          or bool(orders_of(list(case.deadlines), kind)))(_state, _kind)
FOLLOW_UPS.append(_reopen)


# --------------------------------------------------------------------------------------------------- re-assessment


def reassessment_order(case: Case, deadlines: list[Deadline], session=None) -> dt.date | None:
    """The date of an order to assess on an appeal against a refusal to re-assess that no decision to re-assess
    has yet carried out; None when there is none."""
    session = session or object_session(case)
    if session is None:
        return None
    decided = [d.starts_on for d in case.deadlines if d.kind == "reassessment_final"]
    for dispute_id, on in sorted(orders_of(deadlines, ASSESS), key=lambda item: item[1]):
        dispute = session.get(Dispute, dispute_id)
        if dispute is not None and dispute.decision_event == "refuse_to_reassess" \
                and not any(day >= on for day in decided):
            return on
    return None


def check_ordered_reassessment(step: Step) -> None:
    """A decision to re-assess with no request waiting: only under an order to assess not yet carried out."""
    ordered_on = reassessment_order(step.case, _stored(step), step.session)
    if ordered_on is None:
        raise Invalid("There is no request to re-assess waiting for a decision.", code="not_outstanding")
    if step.on < ordered_on:
        raise Invalid(f"The date {clock.written(step.on)} is before the order to assess "
                      f"({clock.written(ordered_on)}).", code="date_before_trigger", field="on")
