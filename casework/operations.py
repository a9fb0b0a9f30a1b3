"""The one way in: every operation on a case, and ``fire_event`` to reach one by its event name.

Callers (the API, the pages, the CLI, the scheduler, imports) import operations from here, so a newcomer
finds them all in one place; each lives in the room of its concept.
"""

from casework.cases.child import MAX_AGE_AT_REQUEST
from casework.cases.operations import (
    CEASE_REASONS,
    EVENT_OPERATIONS,
    LA_ASSESSMENT_KINDS,
    agree_to_assess,
    cease_plan,
    create_case,
    decide_not_to_issue,
    decide_review_outcome,
    decide_to_issue,
    fire_event,
    hold_review_meeting,
    issue_amended_plan,
    issue_draft,
    issue_final,
    record_advice,
    record_exception,
    record_review_report,
    refuse_to_assess,
    request_advice,
    return_advice,
    set_phase_transfer,
    withdraw,
)
from casework.people.operations import update_person

__all__ = [
    "CEASE_REASONS",
    "EVENT_OPERATIONS",
    "LA_ASSESSMENT_KINDS",
    "MAX_AGE_AT_REQUEST",
    "agree_to_assess",
    "cease_plan",
    "create_case",
    "decide_not_to_issue",
    "decide_review_outcome",
    "decide_to_issue",
    "fire_event",
    "hold_review_meeting",
    "issue_amended_plan",
    "issue_draft",
    "issue_final",
    "record_advice",
    "record_exception",
    "record_review_report",
    "refuse_to_assess",
    "request_advice",
    "return_advice",
    "set_phase_transfer",
    "update_person",
    "withdraw",
]
