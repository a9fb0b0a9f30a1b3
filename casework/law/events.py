"""Every event of the casework, declared once.

One ``EventSpec`` per event says what the event is called, how a caseworker names the step and how the
history reads it, which fields it takes (type, text limit, choices, label and hint), and which deadline kinds
it opens, meets and cancels. Everything else reads these declarations instead of keeping its own copy: the
operation dispatch (``casework.operations.fire_event``), the API's request bodies and their errors
(``web.api.bodies``), the OpenAPI document, the page forms (``web.pages.forms``), the history wording and the
check that the deadline ledger does only what the event table of contract.md allows
(``casework.deadlines.ledger``). A test holds the declarations to that table.

How to add an event
-------------------
1. Declare it below with ``EventSpec``: its name exactly as contract.md gives it, the title of its form, the
   past-tense history label, the date label (the event's own date always comes first), its fields, and the
   deadline kinds it ``opens``, ``meets`` and ``cancels`` (a meet or cancel listed here is applied by the ledger
   to every open deadline of that kind on the subject, so the operation never repeats it).
2. Add its transition (sources, destination, guards) to ``workflows/ehcp.py``; an event that records a fact and
   does not move the case has destination ``None``.
3. Write its effect in the room of its concept (``casework/cases/...``) with ``@effect("name")``: only what the
   declaration cannot say (a new advice request row, the opening date of a deadline, a fact on the case).
4. Run the tests: the contract-table test, the OpenAPI test and the stateful test will tell you what is missing.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Literal

from casework.law import codes

FieldType = Literal["text", "long_text", "date", "choice", "whole_number", "advice_request", "exception",
                    "limits", "year", "organisation", "caseworker", "consultation"]

NAME_LENGTH = 100
SHORT_TEXT = 200
LONG_TEXT = 2000


@dataclass(frozen=True)
class EventField:
    """One field an event takes, beyond its date."""

    name: str
    type: FieldType
    label: str
    enter: str  # completes "Enter ..." / "Select ..." in the message for a missing value
    required: bool = True
    max_length: int | None = None
    choices: tuple[str | int, ...] = ()
    choice_labels: dict = field(default_factory=dict)
    hint: str | None = None
    widget: Literal["input", "textarea", "select", "radio"] = "input"

    def __post_init__(self) -> None:
        if self.type in ("text", "long_text", "organisation", "caseworker") and self.max_length is None:
            raise ValueError(f"text field {self.name} needs a length limit")


@dataclass(frozen=True)
class EventSpec:
    """An event as the contract names it, and everything each layer needs to know about it."""

    name: str
    title: str  # the form's heading: the step as a caseworker names it
    history: str  # the past-tense line in the case history
    date_label: str
    date_enter: str
    button: str
    fields: tuple[EventField, ...] = ()
    date_hint: str = "For example, 27 3 2025"
    opens: tuple[str, ...] = ()
    meets: tuple[str, ...] = ()
    cancels: tuple[str, ...] = ()
    # Deadline kinds the operation may open, meet or cancel only in some outcomes (applied by its effect).
    may_open: tuple[str, ...] = ()
    may_meet: tuple[str, ...] = ()
    may_cancel: tuple[str, ...] = ()
    # A family's window that this event closes on its last day ("met once closed", not met by the LA).
    closes: tuple[str, ...] = ()
    # The statutory notice the decision owes (casework.law.letters), queued with it and produced after it.
    letter: str | None = None
    # The field whose value chooses the notice's variant (a review decision: maintain, amend or cease).
    letter_variant: str | None = None

    def field(self, name: str) -> EventField:
        for candidate in self.fields:
            if candidate.name == name:
                return candidate
        raise KeyError(name)

    @property
    def field_names(self) -> tuple[str, ...]:
        return tuple(f.name for f in self.fields)

    def may(self, action: Literal["open", "meet", "cancel", "close"]) -> frozenset[str]:
        declared = {"open": (self.opens, self.may_open), "meet": (self.meets, self.may_meet),
                    "cancel": (self.cancels, self.may_cancel), "close": (self.closes, ())}[action]
        return frozenset(declared[0]) | frozenset(declared[1])


def _reason(enter: str, label: str) -> EventField:
    return EventField("reason", "long_text", label, enter, max_length=LONG_TEXT, widget="textarea")


ADVICE_KINDS = ("advice",)
ASSESSMENT_KINDS = ("decision_to_assess", "issue_decision", "final_plan")
REVIEW_STEPS = ("review_invitations", "review_papers")
REASSESSMENT_KINDS = ("reassessment_decision", "reassessment_final")
# What a maintained plan owes: all of it runs on while a decision to cease waits out its appeal window (CFA
# s.45(3)), and all of it still open is cancelled when the plan has ceased.
PLAN_KINDS = ("annual_review", "early_years_review", *REVIEW_STEPS, "review_report", "amendment_representations",
              "amended_plan", "phase_transfer", *REASSESSMENT_KINDS)
AMENDMENT_KINDS = ("amendment_representations", "amended_plan")
# A school or college consulted on being named in the plan (CFA s.39(2)-(3), reg 22 for an amendment) should
# answer within 15 days (CoP 9.80): a service level, one deadline per consultation, moot once the case takes
# another path (the plan is issued or amended without the answer, the amendment is dropped, the request
# withdrawn, the plan ceased), which cancels it as a withdrawal cancels advice still owed.
CONSULTATION_KINDS = ("school_consultation",)
# The directory's kind for a school, college or early years setting: the only organisations consulted.
CONSULTED_KINDS = ("school",)

# The creation of a case is not an event on a case, but its history line and its deadlines are declared here
# beside the others so the ledger and the history read it the same way.
REQUEST_RECEIVED = EventSpec(
    "request_received", "Log a request for an EHC needs assessment", "Request received",
    "Date the request was received", "the date the request was received", "Log the request",
    opens=ASSESSMENT_KINDS,
)

EVENT_SPECS: tuple[EventSpec, ...] = (
    EventSpec("agree_to_assess", "Agree to assess", "Agreed to assess", "Date of the decision to assess",
              "the date of the decision to assess", "Record decision to assess", meets=("decision_to_assess",),
              letter="decision_to_assess"),
    EventSpec("refuse_to_assess", "Refuse to assess", "Refused to assess", "Date of the decision",
              "the date of the decision", "Record refusal to assess",
              fields=(_reason("the reason for refusing to assess", "Reason for refusing to assess"),),
              meets=("decision_to_assess",), cancels=("issue_decision", "final_plan"), letter="refusal_to_assess"),
    EventSpec("request_school_information", "Ask the school for information", "School asked for information",
              "Date the head teacher or early years lead was asked", "the date the school was asked",
              "Record request for information",
              fields=(EventField("organisation", "text", "School or setting asked", "the school or setting asked",
                                 max_length=SHORT_TEXT,
                                 hint="Asked while deciding whether to assess. The school-closure exception to the "
                                      "6-week decision rests on it"),)),
    EventSpec("request_advice", "Request advice", "Advice requested", "Date the request for advice was sent",
              "the date the request for advice was sent", "Record request for advice",
              fields=(
                  EventField("advice_type", "choice", "Type of advice", "the type of advice",
                             choices=codes.ADVICE_TYPES, choice_labels=codes.ADVICE_TYPE_LABELS, widget="select"),
                  # One of the directory's organisations, by id or exact name; never one made up on the way.
                  EventField("organisation", "organisation", "Organisation asked", "the organisation asked for advice",
                             max_length=SHORT_TEXT, widget="select",
                             hint="Start typing its name. If it is not listed, ask an administrator to add it"),
                  EventField("received_on", "date", "Date the organisation received the request",
                             "the date the organisation received the request", required=False,
                             hint="Its 6 weeks start from here. Leave blank if it is the day it was sent"),
              ),
              opens=ADVICE_KINDS, letter="advice_request"),
    EventSpec("record_advice", "Record advice received", "Advice received", "Date the advice was received",
              "the date the advice was received", "Record advice received",
              fields=(EventField("advice_request_id", "advice_request", "Advice request", "the advice request",
                                 widget="select"),),
              meets=ADVICE_KINDS),
    EventSpec("void_advice_request", "Cancel a request for advice", "Advice request cancelled",
              "Date the request was cancelled", "the date the request was cancelled", "Cancel the request",
              fields=(
                  EventField("advice_request_id", "advice_request", "Advice request", "the advice request",
                             widget="select"),
                  _reason("why the request for advice is cancelled", "Why is it cancelled?"),
              ),
              cancels=ADVICE_KINDS),
    EventSpec("consult_school", "Consult a school or college", "School or college consulted",
              "Date the school or college was consulted", "the date the school or college was consulted",
              "Record consultation",
              date_hint="Its 15 days to answer run from the day after (guidance: a service level, not a breach)",
              fields=(EventField("organisation", "organisation", "School or college consulted",
                                 "the school or college consulted", max_length=SHORT_TEXT, widget="select",
                                 hint="Consulted on being named in the plan. Start typing its name. If it is not "
                                      "listed, ask an administrator to add it"),),
              opens=CONSULTATION_KINDS),
    # The consultation is named by the history entry that recorded it, as a dispute names its decision.
    EventSpec("record_school_response", "Record the school's answer", "School's answer received",
              "Date the answer was received", "the date the school's answer was received", "Record the answer",
              fields=(EventField("consultation", "consultation", "Consultation answered",
                                 "the consultation answered", widget="select"),),
              meets=CONSULTATION_KINDS),
    EventSpec("decide_to_issue", "Decide to issue a plan", "Decided to issue a plan",
              "Date of the decision to issue a plan", "the date of the decision to issue a plan",
              "Record decision to issue", meets=("issue_decision",)),
    EventSpec("decide_not_to_issue", "Decide not to issue a plan", "Decided not to issue a plan",
              "Date of the decision", "the date of the decision", "Record decision not to issue",
              fields=(_reason("the reason for not issuing a plan", "Reason for not issuing a plan"),),
              meets=("issue_decision",), cancels=("final_plan", "advice"), letter="no_plan_notice"),
    EventSpec("issue_draft", "Issue the draft plan", "Draft plan issued", "Date the draft plan was sent to the family",
              "the date the draft plan was sent", "Record draft plan issued",
              date_hint="The family's 15 days for representations begin on this day",
              opens=("draft_representations",), letter="draft_plan_notice"),
    EventSpec("issue_final", "Issue the final plan", "Final plan issued", "Date the final plan was issued",
              "the date the final plan was issued", "Record final plan issued",
              fields=(EventField("named_setting", "text", "Named school or setting", "the named school or setting",
                                 required=False, max_length=SHORT_TEXT, hint="Optional"),),
              opens=("annual_review",), may_open=("early_years_review",), meets=("final_plan",),
              closes=("draft_representations",), cancels=CONSULTATION_KINDS,
              letter="final_plan_notice"),
    EventSpec("record_exception", "Record an exception to a time limit", "Exception recorded", "Date recorded",
              "the date the exception is recorded", "Record exception",
              fields=(
                  EventField("reason", "choice", "Reason", "the reason for the exception",
                             choices=codes.EXCEPTION_REASONS, choice_labels=codes.EXCEPTION_REASON_LABELS,
                             widget="select"),
                  EventField("applies_to", "limits", "Time limit it applies to",
                             "the time limit the exception applies to", widget="select"),
                  EventField("starts_on", "date", "Start date", "the date the circumstances started"),
                  EventField("ends_on", "date", "End date", "the date the circumstances ended",
                             hint="The first day back: the day the school reopened or the family returned"),
                  EventField("family_told_on", "date", "Date the family was told", "the date the family was told",
                             required=False, hint="Optional"),
                  EventField("evidence", "long_text", "Evidence", "the evidence", required=False,
                             max_length=LONG_TEXT, hint="Optional: what shows the exception applies",
                             widget="textarea"),
              )),
    EventSpec("withdraw_exception", "Withdraw an exception", "Exception withdrawn", "Date withdrawn",
              "the date the exception was withdrawn", "Withdraw the exception",
              fields=(
                  EventField("exception_id", "exception", "Exception", "the exception to withdraw", widget="select"),
                  _reason("why the exception is withdrawn", "Why is it withdrawn?"),
              )),
    # The communication log: a fact about the case, recordable in any state, that opens and meets nothing.
    EventSpec("record_contact", "Log a call, email, letter or meeting", "Contact logged", "Date of the contact",
              "the date of the contact", "Log the contact",
              fields=(
                  EventField("direction", "choice", "Direction", "which way the contact went",
                             choices=codes.CONTACT_DIRECTIONS, choice_labels=codes.CONTACT_DIRECTION_LABELS,
                             widget="radio"),
                  EventField("channel", "choice", "Means of contact", "how the contact was made",
                             choices=codes.COMMUNICATION_CHANNELS, choice_labels=codes.COMMUNICATION_CHANNEL_LABELS,
                             widget="select"),
                  EventField("party", "text", "Who it was with", "who the contact was with", max_length=SHORT_TEXT,
                             hint="For example, Mrs Adeyemi (mother) or the school's SENCo"),
                  EventField("summary", "long_text", "Summary", "a summary of what was said", max_length=LONG_TEXT,
                             widget="textarea"),
              )),
    EventSpec("set_phase_transfer", "Set a phase transfer", "Phase transfer set", "Date recorded", "the date",
              "Record phase transfer",
              fields=(
                  EventField("transfer", "choice", "Transfer", "the kind of transfer", choices=codes.PHASE_TRANSFERS,
                             choice_labels=codes.PHASE_TRANSFER_LABELS, widget="radio"),
                  EventField("year", "year", "Year of the transfer", "the year of the transfer",
                             hint="For example, 2026"),
                  EventField("transfer_on", "date", "Date of the transfer", "the date of the transfer",
                             required=False,
                             hint="Needed for a post-16 transfer at another time. Otherwise leave blank for "
                                  "1 September of the year"),
              ),
              # A new transfer never erases one already owed: a missed deadline stays in the record.
              opens=("phase_transfer",)),
    EventSpec("schedule_review_meeting", "Schedule the review meeting", "Review meeting scheduled",
              "Date the meeting was arranged", "the date the meeting was arranged", "Record review meeting date",
              fields=(EventField("meeting_on", "date", "Date of the review meeting", "the date of the review meeting",
                                 hint="It may be in the future. Invitations and papers are due 2 weeks before it"),),
              opens=REVIEW_STEPS, may_cancel=REVIEW_STEPS),
    EventSpec("send_review_invitations", "Send the review invitations", "Review invitations sent",
              "Date the invitations were sent", "the date the invitations were sent", "Record invitations sent",
              meets=("review_invitations",)),
    EventSpec("circulate_review_papers", "Circulate the review papers", "Review papers circulated",
              "Date the advice and papers were circulated", "the date the papers were circulated",
              "Record papers circulated", meets=("review_papers",)),
    EventSpec("hold_review_meeting", "Hold the review meeting", "Review meeting held", "Date of the review meeting",
              "the date of the review meeting", "Record review meeting", opens=("review_report", "review_decision")),
    EventSpec("record_review_report", "Send the review report", "Review report sent", "Date the review report was sent",
              "the date the review report was sent", "Record review report sent", meets=("review_report",)),
    EventSpec("decide_review_outcome", "Decide the review outcome", "Review outcome decided", "Date of the decision",
              "the date of the decision", "Record review outcome",
              fields=(EventField("outcome", "choice", "Outcome", "the outcome of the review",
                                 choices=codes.REVIEW_OUTCOMES, choice_labels=codes.REVIEW_OUTCOME_LABELS,
                                 widget="radio"),
                      EventField("reason", "choice", "Reason for ceasing (SEN2)", "the reason for ceasing the plan",
                                 required=False, choices=codes.CEASE_REASONS,
                                 choice_labels=codes.CEASE_REASON_LABELS, widget="select",
                                 hint="Only for a decision to cease")),
              # A decision to amend carries the proposed amendments (R7.9): the family's 15 days and the 8 weeks
              # to the amended plan run from it. A decision to cease opens no new review period.
              meets=("review_decision", "annual_review", "early_years_review"),
              may_open=("annual_review", "early_years_review", *AMENDMENT_KINDS), may_meet=("phase_transfer",),
              letter="review_decision", letter_variant="outcome"),
    EventSpec("propose_amendments", "Propose amendments to the plan", "Amendments proposed",
              "Date the amendment notice was sent", "the date the amendment notice was sent",
              "Record amendments proposed",
              date_hint="Outside a review (reg 28). The family's 15 days for representations begin on this day",
              opens=AMENDMENT_KINDS),
    EventSpec("issue_amended_plan", "Issue the amended plan", "Amended plan issued", "Date the amended plan was issued",
              "the date the amended plan was issued", "Record amended plan issued",
              fields=(EventField("named_setting", "text", "Named school or setting", "the named school or setting",
                                 required=False, max_length=SHORT_TEXT, hint="Optional"),),
              meets=("amended_plan",), may_meet=("phase_transfer", "reassessment_final"),
              closes=("amendment_representations",), letter="amendment_notice",
              cancels=CONSULTATION_KINDS),
    EventSpec("decide_not_to_amend", "Decide not to amend the plan", "Decided not to amend the plan",
              "Date of the decision", "the date of the decision", "Record decision not to amend",
              fields=(_reason("the reason for not amending the plan", "Reason for not amending the plan"),),
              meets=("amended_plan",), may_meet=("reassessment_final",),
              may_cancel=("amendment_representations",), closes=("amendment_representations",),
              cancels=CONSULTATION_KINDS),
    EventSpec("request_reassessment", "Log a request to re-assess", "Request to re-assess received",
              "Date the request was received", "the date the request to re-assess was received",
              "Log the request",
              fields=(EventField("requested_by", "choice", "Who asked", "who asked for the re-assessment",
                                 choices=codes.REASSESSMENT_REQUESTERS,
                                 choice_labels=codes.REASSESSMENT_REQUESTER_LABELS, widget="radio"),),
              opens=("reassessment_decision",)),
    EventSpec("decide_to_reassess", "Decide to re-assess", "Decided to re-assess", "Date of the decision",
              "the date of the decision to re-assess", "Record decision to re-assess",
              meets=("reassessment_decision",), opens=("reassessment_final",)),
    EventSpec("refuse_to_reassess", "Refuse to re-assess", "Refused to re-assess", "Date of the decision",
              "the date of the decision", "Record refusal to re-assess",
              fields=(_reason("the reason for refusing to re-assess", "Reason for refusing to re-assess"),),
              meets=("reassessment_decision",)),
    EventSpec("cease_plan", "Decide to cease the plan", "Decided to cease the plan", "Date of the decision",
              "the date of the decision to cease", "Record decision to cease",
              date_hint="The plan is kept until the family's time to appeal has passed",
              fields=(EventField("reason", "choice", "Reason (SEN2)", "the reason for ceasing the plan",
                                 choices=codes.CEASE_REASONS, choice_labels=codes.CEASE_REASON_LABELS,
                                 widget="select"),),
              letter="cease_notice"),
    EventSpec("confirm_ceased", "Confirm the plan has ceased", "Plan ceased", "Date the plan ceased",
              "the date the plan ceased",
              "Confirm plan ceased",
              date_hint="Once the family's time to appeal has passed with no appeal, or an appeal upheld the decision",
              cancels=(*(k for k in PLAN_KINDS if k != "amendment_representations"), *CONSULTATION_KINDS),
              may_cancel=("amendment_representations",), closes=("amendment_representations",)),
    EventSpec("continue_plan", "Continue the plan", "Plan continued", "Date the plan was continued",
              "the date the plan was continued", "Record plan continued",
              date_hint="Once the tribunal overturned the decision to cease, or the council conceded the appeal"),
    # Allocation: who works on the case. Never silent: each allocation and reallocation is an entry of the
    # history, with the officer it was taken from.
    EventSpec("assign_caseworker", "Allocate the case", "Case allocated", "Date of the allocation",
              "the date of the allocation", "Allocate the case",
              fields=(EventField("caseworker", "caseworker", "Allocate to", "the caseworker to allocate the case to",
                                 max_length=NAME_LENGTH, widget="select",
                                 hint="The caseworker or manager who will work on the case"),),
              date_hint="Usually today. For example, 27 3 2025"),
    EventSpec("withdraw", "Withdraw the request", "Request withdrawn", "Date of the withdrawal",
              "the date of the withdrawal", "Record withdrawal",
              fields=(_reason("the reason for the withdrawal", "Reason for the withdrawal"),),
              cancels=("decision_to_assess", "issue_decision", "final_plan", "advice", "draft_representations",
                       *CONSULTATION_KINDS)),
)

# Tribunal-order steps (reg 44(2)) the casework carries out itself: each of these events meets the ordered step it
# carries out when dated on or after the order (``casework.cases.orders``), and a no-plan notice or a final plan
# cancels its alternative. ``casework.law.disputes.COMPLIED_BY`` says which event carries out which step; a test
# holds the two lists together.
ORDER_STEP_EVENTS = ("agree_to_assess", "decide_to_reassess", "decide_not_to_issue", "decide_not_to_amend",
                     "issue_draft", "issue_final", "issue_amended_plan", "continue_plan", "cease_plan",
                     "confirm_ceased")
ORDER_ALTERNATIVE_EVENTS = ("decide_not_to_issue", "decide_not_to_amend", "issue_final", "issue_amended_plan")
# A decision to issue makes an order's no-plan notice moot (``casework.law.disputes.GIVEN_UP_BY``): it cancels it.
ORDER_GIVING_UP_EVENTS = ("decide_to_issue",)
EVENT_SPECS = tuple(
    replace(spec, may_meet=(*spec.may_meet, *(("tribunal_order",) if spec.name in ORDER_STEP_EVENTS else ())),
            may_cancel=(*spec.may_cancel, *(("tribunal_order",) if spec.name in ORDER_ALTERNATIVE_EVENTS
                                            or spec.name in ORDER_GIVING_UP_EVENTS else ())))
    if spec.name in ORDER_STEP_EVENTS or spec.name in ORDER_GIVING_UP_EVENTS else spec
    for spec in EVENT_SPECS)

EVENTS: dict[str, EventSpec] = {spec.name: spec for spec in EVENT_SPECS}

# The correction of an entry: a history line of its own, never a change to the entry it corrects.
CORRECTION_HISTORY = "Entry corrected"
# Entries on a case that are not events of its workflow (never replayed), in the history's words.
OTHER_HISTORY = {"sen2_details_recorded": "SEN2 return details recorded"}


def history_label(event: str) -> str:
    """The history's words for an entry, whatever made it."""
    if event == REQUEST_RECEIVED.name:
        return REQUEST_RECEIVED.history
    if event == "correction":
        return CORRECTION_HISTORY
    if event in OTHER_HISTORY:
        return OTHER_HISTORY[event]
    spec = EVENTS.get(event) or _beside_the_case().get(event)
    return spec.history if spec else event.replace("_", " ").capitalize()


def _beside_the_case() -> dict[str, EventSpec]:
    """The steps declared beside the case (disputes, transfers), which import this module themselves."""
    from casework.law.disputes import DISPUTE_EVENTS
    from casework.law.transfers import TRANSFER_EVENTS

    return {**DISPUTE_EVENTS, **TRANSFER_EVENTS}
