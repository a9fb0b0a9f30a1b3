"""The assessment and plan workflow: states, events and guards as data, one shared Machine.

A Machine per case costs time and memory for every row loaded, so one ``transitions`` Machine with
``model=None`` serves every case; the state lives in the case's ``state`` column and events are fired
with ``machine.events[name].trigger(case, **fields)``. Statutory time is never kept here: deadlines are
database rows (``casework.operations``), because timers in a process are lost on restart.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from transitions import EventData, Machine

from casework.core import clock

STATES: tuple[str, ...] = (
    "request_received",
    "assessment",
    "refused_to_assess",
    "not_issued",
    "drafting",
    "draft_issued",
    "plan_maintained",
    "under_review",
    "amending",
    "ceasing",
    "ceased",
    "withdrawn",
)
# Each state in the words a caseworker uses; every message and page shows these, never the names above.
STATE_LABELS: dict[str, str] = {
    "request_received": "Request received",
    "assessment": "Assessment",
    "refused_to_assess": "Refused to assess",
    "not_issued": "Plan not issued",
    "drafting": "Drafting plan",
    "draft_issued": "Draft issued",
    "plan_maintained": "Plan maintained",
    "under_review": "Under review",
    "amending": "Amending plan",
    "ceasing": "Decided to cease: plan kept until the appeal time has passed",
    "ceased": "Plan ceased",
    "withdrawn": "Withdrawn",
}
INITIAL = "request_received"
TERMINAL_STATES = frozenset({"refused_to_assess", "not_issued", "ceased", "withdrawn"})
OPEN_STATES = tuple(s for s in STATES if s not in TERMINAL_STATES)
# Advice may be requested only while assessing, but late advice is still advice: it can be recorded (or the
# request cancelled) in any state while it is outstanding, which the operations check case by case.
ADVICE_STATES = ("assessment", "drafting", "draft_issued")
WITHDRAWABLE = ("request_received", "assessment", "drafting", "draft_issued")
# A plan in `ceasing` is still maintained (CFA s.45(3)): its review steps still owed can be recorded.
PLAN_STATES = ("plan_maintained", "amending", "ceasing")
# A school or college is consulted on being named while the plan is drafted (CFA s.39(2)-(3)) or amended (reg
# 22); its answer can be recorded wherever a consultation can still be open: an amendment waiting out a decision
# to cease, or continued after it, still has its consultation. Every path into a closed state cancels it.
CONSULTING_STATES = ("drafting", "draft_issued", "amending")
ANSWERING_STATES = ("drafting", "draft_issued", "plan_maintained", "under_review", "amending", "ceasing")


@dataclass(frozen=True)
class Guard:
    """A condition on an event beyond its source state; a failed guard is a 422, not a 409."""

    name: str
    message: str

    def __call__(self, event: EventData) -> bool:
        return GUARD_CHECKS[self.name](event.model, event.kwargs)


def _representations_closed(case: Any, fields: dict[str, Any]) -> bool:
    served: dt.date | None = case.draft_issued_on
    on: dt.date = fields["on"]
    return served is not None and on > clock.days_beginning_with(served, 15)


def _outcome(expected: str):
    return lambda case, fields: fields.get("outcome") == expected


GUARD_CHECKS = {
    "representations_window_closed": _representations_closed,
    "outcome_maintain": _outcome("maintain"),
    "outcome_amend": _outcome("amend"),
    "outcome_cease": _outcome("cease"),
}

REPRESENTATIONS_CLOSED = Guard(
    "representations_window_closed",
    "The final plan cannot be issued until the family's 15-day window for representations on the draft "
    "has closed (SEND Regs 2014 reg 13(1)).",
)


def _g(name: str) -> Guard:
    return Guard(name, "")


# (event, sources, destination, guards). Destination None keeps the state (a recorded fact, not a move).
TRANSITIONS: tuple[tuple[str, tuple[str, ...], str | None, tuple[Guard, ...]], ...] = (
    # from a refusal only under a tribunal order or concession to assess (casework.cases.reopening)
    ("agree_to_assess", ("request_received", "refused_to_assess"), "assessment", ()),
    ("refuse_to_assess", ("request_received",), "refused_to_assess", ()),
    ("request_school_information", ("request_received",), None, ()),
    # advice is gathered for an assessment and for a re-assessment (reg 27(1) applies regs 6-8): with a plan,
    # only while a re-assessment is running (casework.cases.reassessment)
    ("request_advice", ("assessment", "plan_maintained", "amending"), None, ()),
    ("record_advice", STATES, None, ()),
    ("void_advice_request", STATES, None, ()),
    ("consult_school", CONSULTING_STATES, None, ()),
    ("record_school_response", ANSWERING_STATES, None, ()),
    ("decide_to_issue", ("assessment",), "drafting", ()),
    ("decide_not_to_issue", ("assessment",), "not_issued", ()),
    # after a decision not to issue only under an order or concession to make a plan (casework.cases.reopening)
    ("issue_draft", ("drafting", "not_issued"), "draft_issued", ()),
    ("issue_final", ("draft_issued",), "plan_maintained", (REPRESENTATIONS_CLOSED,)),
    ("record_exception", OPEN_STATES, None, ()),
    ("withdraw_exception", OPEN_STATES, None, ()),
    ("record_contact", STATES, None, ()),  # the communication log, open on a closed case too
    ("set_phase_transfer", ("plan_maintained",), None, ()),
    ("schedule_review_meeting", ("plan_maintained",), None, ()),
    ("send_review_invitations", PLAN_STATES, None, ()),
    ("circulate_review_papers", PLAN_STATES, None, ()),
    ("hold_review_meeting", ("plan_maintained",), "under_review", ()),
    # the report is owed after the meeting, and stays recordable after the decision while it is outstanding
    ("record_review_report", ("under_review", *PLAN_STATES), None, ()),
    ("decide_review_outcome", ("under_review",), "plan_maintained", (_g("outcome_maintain"),)),
    ("decide_review_outcome", ("under_review",), "amending", (_g("outcome_amend"),)),
    ("decide_review_outcome", ("under_review",), "ceasing", (_g("outcome_cease"),)),
    ("propose_amendments", ("plan_maintained",), "amending", ()),
    ("issue_amended_plan", ("amending",), "plan_maintained", ()),
    ("decide_not_to_amend", ("amending",), "plan_maintained", ()),
    ("request_reassessment", ("plan_maintained",), None, ()),
    ("decide_to_reassess", ("plan_maintained",), None, ()),
    ("refuse_to_reassess", ("plan_maintained",), None, ()),
    ("cease_plan", ("plan_maintained", "amending"), "ceasing", ()),
    ("confirm_ceased", ("ceasing",), "ceased", ()),
    # the tribunal overturned the decision to cease (or the council conceded): the plan is maintained again
    ("continue_plan", ("ceasing",), "plan_maintained", ()),
    ("withdraw", WITHDRAWABLE, "withdrawn", ()),
    ("assign_caseworker", STATES, None, ()),
)

EVENTS: tuple[str, ...] = tuple(dict.fromkeys(t[0] for t in TRANSITIONS))


def _build_machine() -> Machine:
    transitions = [
        {
            "trigger": event,
            "source": list(sources),
            "dest": dest if dest is not None else None,
            "conditions": list(guards),
        }
        for event, sources, dest, guards in TRANSITIONS
    ]
    return Machine(
        model=None,
        states=list(STATES),
        transitions=transitions,
        initial=INITIAL,
        auto_transitions=False,
        send_event=True,
        model_attribute="state",
    )


MACHINE = _build_machine()


def moves_case(event: str) -> bool:
    """Whether the event takes the case to another state (its date may not precede the last such event)."""
    return any(e == event and dest is not None for e, _, dest, _ in TRANSITIONS)


def allowed_events(state: str) -> list[str]:
    """Events the state allows, in the contract's order (guards are checked when fired)."""
    available = set(MACHINE.get_triggers(state))
    return [e for e in EVENTS if e in available]


def guards_for(event: str, state: str) -> tuple[Guard, ...]:
    return tuple(g for e, sources, _, guards in TRANSITIONS if e == event and state in sources for g in guards)


def fire(case: Any, event: str, **fields: Any) -> bool:
    """Fire an event on a case object with a ``state`` attribute; False when a guard refused it."""
    return bool(MACHINE.events[event].trigger(case, **fields))


def mermaid() -> str:
    """The workflow as a Mermaid state diagram, generated from the table above for the README."""
    lines = ["stateDiagram-v2", f"    [*] --> {INITIAL}"]
    seen: set[tuple[str, str, str]] = set()
    for event, sources, dest, guards in TRANSITIONS:
        if dest is None:
            continue
        label = event
        outcome = [g.name.removeprefix("outcome_") for g in guards if g.name.startswith("outcome_")]
        if outcome:
            label += f" ({outcome[0]})"
        if any(g.name == "representations_window_closed" for g in guards):
            label += " [window closed]"
        for source in sources:
            key = (source, dest, label)
            if key not in seen:
                seen.add(key)
                lines.append(f"    {source} --> {dest}: {label}")
    for state in sorted(TERMINAL_STATES):
        lines.append(f"    {state} --> [*]")
    return "\n".join(lines)


if __name__ == "__main__":  # python -m workflows.ehcp > diagram, pasted into the README
    print(mermaid())
