"""Re-assessment of a maintained plan (regs 24-27).

A request to re-assess is decided within 15 days (R5.3, reg 25(1): tracked as a local service level, never a
breach, until that reading is confirmed); a refusal is appealable, and one within 6 months of the last
assessment is allowed (reg 24(2)). A decision to re-assess owes the plan within 14 weeks (R5.4, reg 27(2)),
with the reg 27(3) exceptions; it is met by the amended plan (or a decision not to amend) that follows. A
re-assessed plan is never a new plan in the DfE 20-week figure, which counts only ``final_plan``.
"""

from __future__ import annotations

from casework.cases.operations import ACTIONABLE, CHECKS, Step, _not_before, check, effect
from casework.cases.reopening import check_ordered_reassessment, reassessment_order
from casework.core import clock
from casework.core.errors import EventNotAllowed, Invalid
from casework.models import Case, Deadline


def pending_request(case: Case) -> Deadline | None:
    """The request to re-assess still waiting for its decision, if there is one."""
    return next((d for d in case.deadlines if d.kind == "reassessment_decision" and d.is_open), None)


def running(case: Case) -> Deadline | None:
    """The re-assessment decided on and not yet ended by a plan."""
    return next((d for d in case.deadlines if d.kind == "reassessment_final" and d.is_open), None)


@check("request_reassessment")
def _check_request(step: Step) -> None:
    _not_before(step.on, step.case.plan_issued_on, "the final plan was issued")
    waiting = pending_request(step.case)
    if waiting is not None:
        raise Invalid(f"A request to re-assess received on {clock.written(waiting.starts_on)} is still waiting for "
                      f"its decision.", code="already_requested")
    current = running(step.case)
    if current is not None:
        raise Invalid(f"A re-assessment decided on {clock.written(current.starts_on)} is still running.",
                      code="reassessment_running")


def _check_decision(step: Step) -> None:
    waiting = pending_request(step.case)
    if waiting is None:
        raise Invalid("There is no request to re-assess waiting for a decision.", code="not_outstanding")
    _not_before(step.on, waiting.starts_on, "the request to re-assess was received")


@check("decide_to_reassess")
def _check_decide(step: Step) -> None:
    """A request waiting for its decision, or a tribunal order (or concession) to assess on an appeal against a
    refusal to re-assess, which the council carries out by re-assessing (``casework.cases.reopening``)."""
    if pending_request(step.case) is None and running(step.case) is None:
        check_ordered_reassessment(step)
    else:
        _check_decision(step)


check("refuse_to_reassess")(_check_decision)
ACTIONABLE["decide_to_reassess"] = lambda case: pending_request(case) is not None or (
    running(case) is None and reassessment_order(case, list(case.deadlines)) is not None)
ACTIONABLE["refuse_to_reassess"] = lambda case: pending_request(case) is not None
ACTIONABLE["request_reassessment"] = lambda case: pending_request(case) is None and running(case) is None


@effect("request_reassessment")
def _request_reassessment(step: Step) -> None:
    step.ledger.open("reassessment_decision", step.on)


@effect("decide_to_reassess")
def _decide_to_reassess(step: Step) -> None:
    """The 14 weeks to the re-assessed plan run from the decision (reg 27(2))."""
    step.ledger.open("reassessment_final", step.on)


# --------------------------------------------------------------------------------------------------- advice


_ASSESSMENT_ADVICE_CHECK = CHECKS["request_advice"]


@check("request_advice")
def _check_advice(step: Step) -> None:
    """A re-assessment gathers advice as an assessment does (reg 27(1) applies regs 6 to 8 to it), so advice may
    be asked for while one is running, dated on or after its decision. Educational advice asked for then is what
    the school-closure exception to its 14 weeks rests on (reg 27(3), applying reg 10(4)(a)); the body's own 6
    weeks (R2.1) run from its receipt as on any request. With a plan and no re-assessment running there is
    nothing to advise on: 409."""
    if step.case.state != "assessment":
        current = running(step.case)
        if current is None:
            raise EventNotAllowed("Request advice is possible with a plan only while a re-assessment is running: "
                                  "record the decision to re-assess first.")
        _not_before(step.on, current.starts_on, "the decision to re-assess")
    _ASSESSMENT_ADVICE_CHECK(step)


ACTIONABLE["request_advice"] = lambda case: case.state == "assessment" or running(case) is not None
