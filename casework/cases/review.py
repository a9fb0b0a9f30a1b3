"""The review chain and amendments of a maintained plan, and phase transfers (CFA s.44; regs 18-22, 28).

A review meeting owes its invitations and papers two weeks before it (R7.4, R7.5), its report two weeks after
(R7.7) and the decision four weeks after (R7.8). A decision to amend carries the proposed amendments (R7.9);
those, or amendments proposed outside a review (reg 28), give the family 15 days for representations (R7.10),
after which the amended plan is due within 8 weeks of the notice (R7.11), or a decision not to amend after all
(R7.12). A phase transfer (reg 18) is met only by a review or amendment within the 12 months before it, and a
new transfer never erases one already owed.
"""

from __future__ import annotations

import datetime as dt

from casework.cases import early_years
from casework.cases.operations import ACTIONABLE, CHECKS, Effect, Step, _not_before, check, effect
from casework.core import clock
from casework.core.errors import Invalid
from casework.law import rules
from casework.models import Case, Deadline

AMENDMENT_WINDOW_CITATION = "SEND Regs 2014 reg 22(2)(c)"


# --------------------------------------------------------------------------------------------------- phase transfer


@check("set_phase_transfer")
def _check_phase_transfer(step: Step) -> None:
    _not_before(step.on, step.case.plan_issued_on, "the final plan was issued")
    transfer, year, transfer_on = step.fields["transfer"], step.fields["year"], step.fields["transfer_on"]
    if transfer == "post16_other" and transfer_on is None:
        raise Invalid("Enter the date of the transfer: a post-16 transfer at another time runs from it.",
                      code="required", field="transfer_on")
    if transfer_on is not None and transfer_on.year != year:
        raise Invalid(f"The transfer on {clock.written(transfer_on)} is not in {year}.", code="year_mismatch",
                      field="transfer_on")
    rule_id = rules.PHASE_TRANSFER_RULES[transfer]
    due = rules.rule_in_force(rule_id, step.on).due_on(step.on, transfer=transfer, year=year,
                                                        transfer_on=transfer_on)
    if due < step.on:
        raise Invalid(f"The {year} transfer deadline ({clock.written(due)}) has already passed.",
                      code="deadline_passed", field="transfer_on" if transfer == "post16_other" else "year")


@effect("set_phase_transfer")
def _set_phase_transfer(step: Step) -> None:
    """A coming transfer: the plan must be amended naming the new setting before 15 February, 31 March, or 5
    months before a post-16 move at another time. A transfer set earlier stays as it is: a new one never
    erases a deadline already missed (statutory-rules.md section 8)."""
    transfer, year, transfer_on = step.fields["transfer"], step.fields["year"], step.fields["transfer_on"]
    deadline = step.ledger.open("phase_transfer", step.on, rule_id=rules.PHASE_TRANSFER_RULES[transfer],
                                transfer=transfer, year=year, transfer_on=transfer_on)
    deadline.transfer_on = rules.transfer_date(year, transfer_on)


def within_twelve_months_before(deadline: Deadline, on: dt.date) -> bool:
    """Reg 18 applies "where a child or young person is within 12 months of a transfer": only a review decision
    or amended plan dated in the 12 months before the transfer meets its deadline."""
    transfer_on = deadline.transfer_on or dt.date(deadline.due_on.year, 9, 1)
    return clock.months_before(transfer_on, 12) <= on < transfer_on


def meet_phase_transfers(step: Step) -> None:
    step.ledger.meet_where("phase_transfer", lambda deadline: within_twelve_months_before(deadline, step.on))


# --------------------------------------------------------------------------------------------------- the meeting


@check("schedule_review_meeting")
def _check_schedule(step: Step) -> None:
    _not_before(step.on, step.case.plan_issued_on, "the final plan was issued")
    meeting_on = step.fields["meeting_on"]
    if meeting_on < step.on:
        raise Invalid(f"The meeting on {clock.written(meeting_on)} is before the day it was arranged "
                      f"({clock.written(step.on)}).", code="meeting_before_arranged", field="meeting_on")


@effect("schedule_review_meeting")
def _schedule_review_meeting(step: Step) -> None:
    """Invitations and the advice and papers are owed 2 weeks before the meeting (reg 20(3)-(4)); a meeting
    moved to another date replaces the steps still owed for the old one."""
    meeting_on = step.fields["meeting_on"]
    step.ledger.cancel(["review_invitations", "review_papers"])
    for kind in ("review_invitations", "review_papers"):
        step.ledger.open(kind, meeting_on, starts_on=step.on)


def _open_of(kind: str):
    return lambda case: any(d.kind == kind and d.is_open for d in case.deadlines)


def _review_step_owed(kind: str, what: str) -> Effect:
    def check_owed(step: Step) -> None:
        if not _open_of(kind)(step.case):
            raise Invalid(f"No {what} {'are' if what.endswith('s') else 'is'} owed: schedule the review meeting first, "
                          f"or they were recorded already.", code="not_outstanding")
    return check_owed


CHECKS["send_review_invitations"] = _review_step_owed("review_invitations", "invitations")
CHECKS["circulate_review_papers"] = _review_step_owed("review_papers", "advice and papers")
ACTIONABLE["send_review_invitations"] = _open_of("review_invitations")
ACTIONABLE["circulate_review_papers"] = _open_of("review_papers")
ACTIONABLE["record_review_report"] = _open_of("review_report")


@effect("hold_review_meeting")
def _hold_review_meeting(step: Step) -> None:
    step.case.review_meeting_on = step.on
    step.ledger.open("review_report", step.on)
    step.ledger.open("review_decision", step.on)


@check("record_review_report")
def _check_review_report(step: Step) -> None:
    """The report can be sent after the decision too (met late), so it is never left overdue for good."""
    if not _open_of("review_report")(step.case):
        raise Invalid("No review report is owed on this case: it was sent already.", code="not_outstanding")
    _not_before(step.on, step.case.review_meeting_on, "the review meeting")


# --------------------------------------------------------------------------------------------------- the decision


@check("decide_review_outcome")
def _check_review_outcome(step: Step) -> None:
    """A decision to cease records the SEN2 cease reason; no other decision takes one."""
    outcome, reason = step.fields["outcome"], step.fields["reason"]
    if outcome == "cease" and reason is None:
        raise Invalid("Select the reason for ceasing the plan.", code="required", field="reason")
    if outcome != "cease" and reason is not None:
        raise Invalid("A reason for ceasing is given only with a decision to cease the plan.",
                      code="reason_without_cease", field="reason")


@effect("decide_review_outcome")
def _decide_review_outcome(step: Step) -> None:
    """Maintain, amend or cease (reg 20(10)). A decision to amend carries the proposed amendments (R7.9), so the
    family's window and the 8 weeks run from it; a decision to cease keeps the plan, its steps still owed and
    its alerts until the appeal time has passed (casework.cases.ceasing). Any decision meets the annual review
    and an early years review owed (G7.2); a decision to maintain or amend opens the next of each."""
    case, outcome = step.case, step.fields["outcome"]
    if outcome == "cease":
        from casework.cases.ceasing import decided_to_cease  # ceasing imports the operations this module extends

        decided_to_cease(step, step.fields["reason"])
        return
    if outcome == "maintain":
        meet_phase_transfers(step)
    else:
        open_amendments(step)
    period_start = case.review_meeting_on if step.policy.review_period_starts_at == "meeting" else step.on
    step.ledger.open("annual_review", period_start or step.on)
    # The next early years review (G7.2) runs from the decision itself, while the child is under 5 on its date.
    early_years.open_if_under_five(step.session, case, step.ledger, step.on)


# --------------------------------------------------------------------------------------------------- amendments


def open_amendments(step: Step) -> None:
    """The amendment notice served: 15 days for representations beginning with it (reg 22(2)(c)) and the
    amended plan, or a decision not to amend, within 8 weeks of it (reg 22(3)-(4))."""
    step.ledger.open("amendment_representations", step.on)
    step.ledger.open("amended_plan", step.on)


@check("propose_amendments")
def _check_propose(step: Step) -> None:
    _not_before(step.on, step.case.plan_issued_on, "the final plan was issued")


@effect("propose_amendments")
def _propose_amendments(step: Step) -> None:
    open_amendments(step)


def amendment_window(case: Case) -> Deadline | None:
    """The family's window on the amendments proposed now (the latest one, if amendments were proposed again)."""
    windows = [d for d in case.deadlines if d.kind == "amendment_representations" and d.cancelled_on is None]
    return max(windows, key=lambda d: (d.starts_on, d.id or 0)) if windows else None


@check("issue_amended_plan")
def _check_amendment_window_closed(step: Step) -> None:
    """The amended plan waits for the family's 15 days to close, and says the earliest day it may be issued."""
    window = amendment_window(step.case)
    if window is None:
        return
    if step.on <= window.due_on:
        raise Invalid(f"The amended plan cannot be issued until the family's 15-day window for representations on "
                      f"the proposed amendments has closed: it runs to {clock.written(window.due_on)}, so the "
                      f"earliest date the plan may be issued is "
                      f"{clock.written(window.due_on + dt.timedelta(days=1))} ({AMENDMENT_WINDOW_CITATION}).",
                      code="guard_refused", field="on")


@effect("issue_amended_plan")
def _issue_amended_plan(step: Step) -> None:
    """The amended plan (R7.11): the family's window closed on its last day; a transfer within 12 months and a
    re-assessment running are met by it."""
    step.ledger.close_window("amendment_representations")
    if step.fields["named_setting"] is not None:
        step.case.named_setting = step.fields["named_setting"]
    meet_phase_transfers(step)
    step.ledger.meet(["reassessment_final"])


@check("decide_not_to_amend")
def _check_not_to_amend(step: Step) -> None:
    window = amendment_window(step.case)
    _not_before(step.on, window.starts_on if window else None, "the amendments were proposed")


@effect("decide_not_to_amend")
def _decide_not_to_amend(step: Step) -> None:
    """A decision not to amend after all meets the 8 weeks under its own rule, R7.12 (reg 22(4)); the family's
    window ends with it (met if it had run its course, else cancelled)."""
    step.ledger.end_window("amendment_representations")
    for deadline in step.case.deadlines:
        if deadline.kind == "amended_plan" and deadline.met_on == step.on and deadline.rule != "R7.12":
            rule = rules.rule_in_force("R7.12", deadline.starts_on)
            deadline.rule, deadline.citation = rule.id, rule.citation
    step.ledger.meet(["reassessment_final"])
