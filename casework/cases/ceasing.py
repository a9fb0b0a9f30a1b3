"""Ceasing a plan as CFA s.45(3) requires: a decision to cease is not the end of the plan.

The decision (at a review, or at any time, a plan being amended included) moves the case to ``ceasing``. The
plan is still maintained: its review clock, the steps it still owes and their alerts all run on, until the
family's time to appeal has passed with no appeal (R10.6: the decision letter + 2 months, or later if a
mediation certificate extends it) or an appeal has upheld the decision. Only then does ``confirm_ceased`` end
it, cancelling what the plan still owed; a confirmation asked for too early says the earliest date it can be.

Disagreement resolution records an appeal against the decision on the case through ``record_cease_appeal``
(within its own unit of work): while an appeal is pending, or after it has overturned the decision, the plan
cannot be confirmed as ceased; once an appeal has upheld the decision it can, appeal time or not.
"""

from __future__ import annotations

import datetime as dt

from casework.cases.operations import Step, check, effect
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


@effect("cease_plan")
def _cease_plan(step: Step) -> None:
    """The decision to cease, with its SEN2 reason: the plan is kept until the appeal time has passed."""
    step.case.cease_reason, step.case.cease_decided_on = step.fields["reason"], step.on


@check("confirm_ceased")
def _check_confirm_ceased(step: Step) -> None:
    case = step.case
    if case.cease_appeal == APPEAL_PENDING:
        raise Invalid("The plan cannot be confirmed as ceased while the family's appeal against the decision to "
                      f"cease is waiting for the tribunal ({CEASE_CITATION}).", code="appeal_pending", field="on")
    if case.cease_appeal == APPEAL_OVERTURNED:
        raise Invalid("The tribunal overturned the decision to cease, so the plan continues.",
                      code="cease_overturned", field="on")
    if case.cease_appeal == APPEAL_UPHELD:
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
