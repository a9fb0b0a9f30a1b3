"""Every code list the casework uses, once, with the words a council officer reads for each code.

The API accepts the codes, the pages show the labels, SEN2 reports the codes: keeping the two side by side
means a new code cannot be accepted without a label, or shown without being accepted.
"""

from __future__ import annotations

ADVICE_TYPE_LABELS: dict[str, str] = {
    "parent": "Parent or young person",
    "educational": "Educational",
    "health": "Health",
    "psychological": "Psychological",
    "social_care": "Social care",
    "other": "Other",
}
ADVICE_TYPES: tuple[str, ...] = tuple(ADVICE_TYPE_LABELS)

REQUESTER_LABELS: dict[str, str] = {
    "parent": "Parent",
    "young_person": "Young person",
    "school": "School or post-16 institution",
    "other": "Someone else",
}
REQUESTERS: tuple[str, ...] = tuple(REQUESTER_LABELS)

# SEN2 primary need codes (DS from 2025).
PRIMARY_NEED_LABELS: dict[str, str] = {
    "SPLD": "Specific learning difficulty",
    "MLD": "Moderate learning difficulty",
    "SLD": "Severe learning difficulty",
    "PMLD": "Profound and multiple learning difficulty",
    "SEMH": "Social, emotional and mental health",
    "SLCN": "Speech, language and communication needs",
    "HI": "Hearing impairment",
    "VI": "Vision impairment",
    "MSI": "Multi-sensory impairment",
    "PD": "Physical disability",
    "ASD": "Autistic spectrum disorder",
    "DS": "Down syndrome",
    "OTH": "Other difficulty or disability",
}
PRIMARY_NEEDS: tuple[str, ...] = tuple(PRIMARY_NEED_LABELS)

EXCEPTION_REASON_LABELS: dict[str, str] = {
    "school_closure": "School closed for 4 weeks or more",
    "personal_circumstances": "Exceptional personal circumstances",
    "absent_from_area": "Away from the area for 4 weeks or more",
    "missed_appointment": "Missed an appointment",
    "coronavirus": "Coronavirus (SI 2020/471)",
}
EXCEPTION_REASONS: tuple[str, ...] = tuple(EXCEPTION_REASON_LABELS)

# SEN2 cease reasons 1-9.
CEASE_REASON_LABELS: dict[int, str] = {
    1: "Reached maximum age",
    2: "Needs met without a plan",
    3: "Moved on to higher education",
    4: "Moved on to paid employment",
    5: "Moved to another local authority in England",
    6: "Young person no longer wishes to engage",
    7: "Moved outside England",
    8: "Deceased",
    9: "Other",
}
CEASE_REASONS: tuple[int, ...] = tuple(CEASE_REASON_LABELS)

REVIEW_OUTCOME_LABELS: dict[str, str] = {
    "maintain": "Maintain the plan",
    "amend": "Amend the plan",
    "cease": "Cease the plan",
}
REVIEW_OUTCOMES: tuple[str, ...] = tuple(REVIEW_OUTCOME_LABELS)

PHASE_TRANSFER_LABELS: dict[str, str] = {
    "school": "Between school phases (plan amended before 15 February)",
    "post16": "From secondary school to post-16 (plan amended before 31 March)",
}
PHASE_TRANSFERS: tuple[str, ...] = tuple(PHASE_TRANSFER_LABELS)
