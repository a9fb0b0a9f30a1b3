"""Disagreement resolution as data: which decisions can be disputed, the steps of mediation and appeal, and the
deadline kinds each step opens, meets and cancels (contract.md, "Disagreement resolution").

These steps run beside the case rather than moving it, so they are declared here rather than in the case
workflow; the deadline ledger holds them to these declarations exactly as it holds the case's own events.
"""

from __future__ import annotations

from casework.law.events import EventSpec

# The decisions a family may take to mediation and appeal, by the history event that made them (CFA s.51, reg 33).
APPEALABLE = ("refuse_to_assess", "decide_not_to_issue", "issue_final", "issue_amended_plan",
              "decide_not_to_amend", "decide_review_outcome", "cease_plan", "refuse_to_reassess")
# The letter kinds whose issue starts the clocks, with the variants that are a decision open to appeal.
APPEALABLE_LETTERS: dict[str, tuple[str, ...]] = {
    "refusal_to_assess": (), "no_plan_notice": (), "final_plan_notice": (), "amendment_notice": (),
    "cease_notice": (), "review_decision": ("maintain", "cease"),
}

MEDIATION_OUTCOMES = {"agreed": "Agreed", "not_agreed": "Not agreed"}
GROUNDS = {
    "assessment": "Refusal to assess", "issue": "Refusal to issue a plan", "contents_b": "Section B (needs)",
    "contents_f": "Section F (provision)", "contents_i": "Section I (placement)", "amend": "Refusal to amend",
    "cease": "Decision to cease",
}
# CFA s.55(3)-(5): an appeal about the school or other institution named (section I) alone needs no certificate.
NO_CERTIFICATE_NEEDED = frozenset({"contents_i"})
APPEAL_OUTCOMES = {"dismissed": "Dismissed", "withdrawn": "Withdrawn", "conceded": "Conceded by the council",
                   "order": "Tribunal order"}
ORDERS = {"assess": "Carry out an assessment", "make_plan": "Make and maintain a plan", "amend_plan": "Amend the plan",
          "amend_section_i": "Amend section I only", "continue_plan": "Continue to maintain the plan",
          "cease_plan": "Cease to maintain the plan"}
# An order or concession's steps that are alternatives: meeting one cancels the other (reg 44(2)(b)-(c)).
ALTERNATIVE_STEPS = {"no_plan_notice": "final_plan", "final_plan": "no_plan_notice"}
# Reg 44(2): the case event that carries out each ordered step. Dated on or after the order (or the day the
# tribunal was told of a concession), it meets that step's deadline itself (late after its due date), so a step
# the casework already records never needs ``record_order_step``. An order to assess after a refusal to
# re-assess is carried out by the re-assessment: its decision, then the amended plan or a decision not to amend.
COMPLIED_BY: dict[str, tuple[str, ...]] = {
    "notify_assessment": ("agree_to_assess", "decide_to_reassess"),
    "no_plan_notice": ("decide_not_to_issue", "decide_not_to_amend"),
    "final_plan": ("issue_final", "issue_amended_plan"),
    "draft_plan": ("issue_draft",),
    "amended_plan": ("issue_amended_plan",),
    "amended_section_i": ("issue_amended_plan",),
    "continue_plan": ("continue_plan",),
    "cease_plan": ("cease_plan", "confirm_ceased"),
}
# Reg 44(2)(d)-(e): after an order to assess, the council either tells the family it will not issue a plan (within
# 10 weeks) or issues one (within 14). A decision to issue settles which: from that day no notice that no plan
# will be made is owed, so that step is cancelled, not left to fall overdue while the plan is drafted.
GIVEN_UP_BY: dict[str, tuple[str, ...]] = {"no_plan_notice": ("decide_to_issue",)}
# The case events that can carry out an ordered step, and so may meet (and, for the alternatives, cancel) one.
COMPLYING_EVENTS = frozenset(event for events in COMPLIED_BY.values() for event in events)
# And those that can cancel one: the event carrying out an alternative, or the decision that makes a step moot.
CANCELLING_EVENTS = frozenset(event for step, events in COMPLIED_BY.items() if step in ALTERNATIVE_STEPS
                              for event in events) | frozenset(e for events in GIVEN_UP_BY.values() for e in events)
STEP_LABELS = {
    "notify_assessment": "Family told the assessment will be carried out", "no_plan_notice": "Notice that no plan "
    "will be made", "final_plan": "Final plan issued", "draft_plan": "Draft plan issued",
    "amended_plan": "Amended plan issued", "amended_section_i": "Section I amended",
    "continue_plan": "Plan continued", "cease_plan": "Plan ceased",
}

OPEN_DISPUTE = EventSpec(
    "appeal_rights_started", "Start the family's mediation and appeal time", "Mediation and appeal time started",
    "Date of the decision letter", "the date of the decision letter", "Start",
    opens=("mediation_contact", "appeal_window"))

DISPUTE_EVENT_SPECS: tuple[EventSpec, ...] = (
    OPEN_DISPUTE,
    EventSpec("record_mediation_contact", "Record the family's contact with the mediation adviser",
              "Mediation adviser contacted", "Date the family contacted the mediation adviser",
              "the date the family contacted the mediation adviser", "Record contact",
              meets=("mediation_contact",), may_open=("mediation_certificate", "mediation_meeting")),
    EventSpec("issue_mediation_certificate", "Issue the mediation certificate", "Mediation certificate issued",
              "Date the certificate was issued", "the date the certificate was issued", "Record certificate",
              meets=("mediation_certificate",), may_cancel=("mediation_meeting", "appeal_window"),
              may_meet=("mediation_contact",), may_open=("appeal_window",)),
    EventSpec("hold_mediation", "Record the mediation", "Mediation held", "Date of the mediation",
              "the date of the mediation", "Record mediation", meets=("mediation_meeting",),
              may_open=("mediation_certificate",)),
    EventSpec("register_appeal", "Register an appeal", "Appeal registered", "Date the appeal was registered",
              "the date the appeal was registered", "Record appeal", may_meet=("appeal_window",)),
    EventSpec("record_appeal_outcome", "Record the appeal outcome", "Appeal outcome recorded",
              "Date of the outcome", "the date of the outcome", "Record outcome", may_open=("tribunal_order",),
              # steps the casework had already carried out on or after the order's date are met as it opens
              may_meet=("tribunal_order",), may_cancel=("tribunal_order",)),
    EventSpec("record_order_step", "Record a step complying with the tribunal order",
              "Tribunal order step complied with", "Date the step was taken", "the date the step was taken",
              "Record step", meets=("tribunal_order",), may_cancel=("tribunal_order",)),
)
DISPUTE_EVENTS: dict[str, EventSpec] = {spec.name: spec for spec in DISPUTE_EVENT_SPECS}
