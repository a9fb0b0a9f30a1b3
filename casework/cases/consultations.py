"""Consulting a school or college on being named in the plan (CFA s.39(2)-(3); reg 22 for an amendment).

The authority must consult the institution before naming it; the Code of Practice (9.80) says the institution
should answer within 15 days. That is guidance, so the answer is tracked as a service level (G4.4), never as a
statutory breach. Each consultation has its own deadline, about the consultation itself: it has no row of its
own, so it is named by the history entry that recorded it, as a dispute names the decision it is about. The
answer meets it; the case taking another path (the plan issued or amended without it, the amendment dropped,
the request withdrawn, the plan ceased) cancels it, as the events declare.
"""

from __future__ import annotations

import datetime as dt

from casework.cases.operations import ACTIONABLE, Step, _asked, _not_before, check, effect
from casework.core import clock
from casework.core.errors import Invalid
from casework.law.events import CONSULTATION_KINDS, CONSULTED_KINDS
from casework.law.rules import rule_in_force
from casework.models import Case, Deadline, Subject
from casework.organisations import find_organisation

KIND = CONSULTATION_KINDS[0]
# A live consultation's deadline before its entry is written (``Step.named_by_entry`` names it in the same unit).
NOT_YET_NAMED = 0


def consultations(case: Case) -> list[Deadline]:
    """The case's consultations as their standing deadlines (a correction's superseded rows left out)."""
    return [d for d in case.deadlines if d.kind == KIND and d.superseded_at is None]


def open_consultations(case: Case) -> list[Deadline]:
    return [d for d in consultations(case) if d.is_open]


def consultation_on_case(case: Case, entry_id: int) -> Deadline:
    """The consultation recorded by that entry of this case's history; any other number is refused (422)."""
    found = next((d for d in consultations(case) if d.consultation_id == entry_id), None)
    if found is None:
        raise Invalid(f"Case {case.reference} has no consultation {entry_id}: give the history entry that "
                      "recorded it.", code="unknown_consultation", field="consultation")
    return found


def drafting_began(case: Case) -> dt.date | None:
    """The day the plan the school is consulted on began to be drafted or amended: the amendment notice while
    amending, else the decision to issue (a plan made under a tribunal order: its draft), else the decision to
    assess."""
    if case.state == "amending":
        notices = [d.starts_on for d in case.deadlines if d.kind == "amended_plan" and d.is_open]
        return max(notices) if notices else None
    milestone = rule_in_force("M3.2", case.received_on).id
    decided = [d.met_on for d in case.deadlines if d.kind == "issue_decision" and d.rule == milestone and d.met_on]
    return max(decided) if decided else case.draft_issued_on or case.decision_to_assess_on


@check("consult_school")
def _check_consult(step: Step) -> None:
    """A school or college of the directory, consulted on the plan being drafted or amended. Its kind is checked
    when first recorded; a replay keeps the organisation recorded, whatever the directory says of it since."""
    _not_before(step.on, drafting_began(step.case), "the plan began to be drafted or amended")
    _asked(step)
    if not step.replaying:
        body = find_organisation(step.session, step.made["organisation_id"])
        if body.kind not in CONSULTED_KINDS:
            raise Invalid(f"{body.name} is not a school, college or early years setting: only one can be consulted "
                          "on being named in the plan.", code="not_a_school", field="organisation")


@effect("consult_school")
def _consult_school(step: Step) -> None:
    """Its 15 days run from the consultation (G4.4), about this consultation: the entry recording it."""
    named = step.entry_id if step.entry_id is not None else NOT_YET_NAMED
    deadline = step.ledger.open(KIND, step.on, subject=Subject.consultation(named))
    if step.entry_id is None:
        step.named_by_entry.append(deadline)


@check("record_school_response")
def _check_response(step: Step) -> None:
    deadline = consultation_on_case(step.case, step.fields["consultation"])
    if deadline.met_on is not None:
        raise Invalid(f"This school's answer was already recorded on {clock.written(deadline.met_on)}.",
                      code="already_answered", field="consultation")
    if deadline.cancelled_on is not None:
        raise Invalid(f"This consultation ended on {clock.written(deadline.cancelled_on)} when the case took "
                      "another path, so no answer is owed on it.", code="not_outstanding", field="consultation")
    _not_before(step.on, deadline.starts_on, "the school was consulted")


ACTIONABLE["record_school_response"] = lambda case: bool(open_consultations(case))
