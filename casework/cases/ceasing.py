"""Ceasing a plan as CFA s.45(3) requires: a decision to cease is not the end of the plan.

The decision (at a review, or at any time, a plan being amended included) moves the case to ``ceasing``. The
plan is still maintained: its review clock, the steps it still owes and their alerts all run on, until the
family's time to appeal has passed with no appeal (R10.6: the decision letter + 2 months, or later if a
mediation certificate extends it) or an appeal has upheld the decision. Only then does ``confirm_ceased`` end
it, cancelling what the plan still owed; a confirmation asked for too early says the earliest date it can be.

Disagreement resolution records an appeal against the decision on the case through ``record_cease_appeal``
(within its own unit of work): while an appeal is pending, or after it has overturned the decision, the plan
cannot be confirmed as ceased; once an appeal has upheld the decision it can, appeal time or not. Overturned
(a tribunal order to continue the plan, or the council conceding), ``continue_plan`` returns the case to a plan
maintained, and a later decision to cease starts with no appeal.

The appeal's state is not part of the case's own history, so a replay of that history (a correction) reads it
from the stored case.
"""

from __future__ import annotations

import datetime as dt

from casework.cases.operations import ACTIONABLE, Step, check, effect
from casework.core import clock
from casework.core.errors import Invalid
from casework.models import Case

CEASE_CITATION = "Children and Families Act 2014 s.45(3); SEND Regs 2014 reg 31"
# What an appeal against a decision to cease has come to, as disagreement resolution records it.
APPEAL_PENDING, APPEAL_UPHELD, APPEAL_OVERTURNED = "pending", "upheld", "overturned"
CEASE_APPEAL_STATES = (APPEAL_PENDING, APPEAL_UPHELD, APPEAL_OVERTURNED)


def record_cease_appeal(case: Case, status: str | None) -> None:
    """An appeal registered against the decision to cease ("pending"), its outcome ("upheld": the decision
    stands; "overturned": the plan continues), or None when an appeal recorded in error is set aside.

    Called by disagreement resolution inside the unit of work that records the appeal; the case's own history
    is not replayed over it."""
    if status is not None and status not in CEASE_APPEAL_STATES:
        raise ValueError(f"unknown appeal status {status!r}")
    case.cease_appeal = status


def appeal_blocks_ceasing(case: Case) -> bool:
    """Whether an appeal stops the plan being confirmed as ceased: pending, or decided for the family."""
    return case.cease_appeal in (APPEAL_PENDING, APPEAL_OVERTURNED)


def appeal_time_ends(case: Case) -> dt.date | None:
    """The last day the family may appeal against the decision to cease (R10.6): the decision letter + 2 months,
    or the appeal window disagreement resolution keeps for that letter, if it runs later (a certificate)."""
    decided = case.cease_decided_on
    if decided is None:
        return None
    by_letter = clock.months_after(decided, 2)
    extended = [d.due_on for d in case.deadlines
                if d.kind == "appeal_window" and d.cancelled_on is None and d.starts_on >= decided]
    return clock.later_of(by_letter, *extended)


def decided_to_cease(step: Step, reason: int) -> None:
    """A decision to cease (at a review or at any time), with its SEN2 reason; a new decision has no appeal yet."""
    step.case.cease_reason, step.case.cease_decided_on = reason, step.on
    if not step.replaying:
        step.case.cease_appeal = None


def _appeal(step: Step) -> str | None:
    """What an appeal against the decision has come to: on the case, or, in a replay, on the stored case."""
    if not step.replaying:
        return step.case.cease_appeal
    stored = step.session.get(Case, step.case.id)
    return stored.cease_appeal if stored is not None else None


@effect("cease_plan")
def _cease_plan(step: Step) -> None:
    """The decision to cease, with its SEN2 reason: the plan is kept until the appeal time has passed."""
    decided_to_cease(step, step.fields["reason"])


@check("confirm_ceased")
def _check_confirm_ceased(step: Step) -> None:
    case = step.case
    appeal = _appeal(step)
    if appeal == APPEAL_PENDING:
        raise Invalid("The plan cannot be confirmed as ceased while the family's appeal against the decision to "
                      f"cease is waiting for the tribunal ({CEASE_CITATION}).", code="appeal_pending", field="on")
    if appeal == APPEAL_OVERTURNED:
        raise Invalid("The tribunal overturned the decision to cease, so the plan continues.",
                      code="cease_overturned", field="on")
    if appeal == APPEAL_UPHELD:
        return
    last_day = appeal_time_ends(case)
    if last_day is not None and step.on <= last_day:
        raise Invalid(f"The plan cannot be confirmed as ceased until the family's time to appeal against the "
                      f"decision to cease has passed: it runs to {clock.written(last_day)}, so the earliest date "
                      f"is {clock.written(last_day + dt.timedelta(days=1))} ({CEASE_CITATION}).",
                      code="appeal_time_open", field="on")


@effect("confirm_ceased")
def _confirm_ceased(step: Step) -> None:
    """The plan has ceased (SEN2 CeaseDate): what it still owed is cancelled; a family's window on proposed
    amendments that had run its course is met on its last day."""
    step.ledger.end_window("amendment_representations")
    step.case.closed_on = step.on


ACTIONABLE["continue_plan"] = lambda case: case.cease_appeal == APPEAL_OVERTURNED


@check("continue_plan")
def _check_continue_plan(step: Step) -> None:
    appeal = _appeal(step)
    if appeal == APPEAL_OVERTURNED:
        return
    if appeal == APPEAL_PENDING:
        raise Invalid("The plan can be continued once the tribunal has decided the family's appeal against the "
                      "decision to cease; the appeal is still waiting for the tribunal.", code="appeal_pending",
                      field="on")
    raise Invalid("The plan is continued only when the tribunal overturns the decision to cease, or the council "
                  "concedes the family's appeal against it. Record the appeal and its outcome first.",
                  code="cease_not_overturned", field="on")


@effect("continue_plan")
def _continue_plan(step: Step) -> None:
    """The plan is maintained again: the decision to cease no longer stands (it stays in the history)."""
    step.case.cease_reason, step.case.cease_decided_on = None, None
