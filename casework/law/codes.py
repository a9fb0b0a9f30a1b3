"""Code lists, each written once with the label a caseworker reads and the code the DfE returns expect.

A code list is a mapping of code to label, in the order a form should offer it. The API accepts the codes,
pages show the labels, and the SEN2 return writes the codes unchanged, so a list kept here cannot drift
between them. Add a list as one more mapping; keep the DfE's own codes where the DfE has them.
"""

from __future__ import annotations

from collections.abc import Mapping


def label(codes: Mapping[str, str], code: str | None) -> str | None:
    """The label of a code, or None for no code; an unknown code is shown as itself, never hidden."""
    if code is None:
        return None
    return codes.get(code, code)


# Sex as the DfE person-level returns record it.
SEXES: dict[str, str] = {
    "F": "Female",
    "M": "Male",
    "U": "Not known",
}

# Where a child or young person is educated when the setting has no URN or UKPRN (SEN2 "SENsetting").
SEN_SETTINGS: dict[str, str] = {
    "OLA": "Other arrangements made by the local authority (education otherwise than in school)",
    "OPA": "Other arrangements made by the parents (not elective home education)",
    "EHE": "Elective home education",
    "EYP": "Early years provider without a URN",
    "OTH": "Other",
    "NEET": "Not in education, employment or training (16 to 25)",
    "NIEC": "Not in education: child missing education",
    "NIEO": "Not in education: other reason (for example illness or awaiting a place)",
}

# How a parent or carer prefers to be reached.
CONTACT_CHANNELS: dict[str, str] = {
    "email": "Email",
    "phone": "Phone call",
    "text": "Text message",
    "letter": "Letter",
    "in_person": "In person",
}

# The communication log: which way a call, email, letter or meeting went, and by what means.
CONTACT_DIRECTION_LABELS: dict[str, str] = {
    "in": "From the family or a professional to the council",
    "out": "From the council",
}
CONTACT_DIRECTIONS: tuple[str, ...] = tuple(CONTACT_DIRECTION_LABELS)
COMMUNICATION_CHANNEL_LABELS: dict[str, str] = {
    "phone": "Phone call",
    "email": "Email",
    "letter": "Letter",
    "meeting": "Meeting",
    "portal": "Through the family's online service",
    "other": "Other",
}
COMMUNICATION_CHANNELS: tuple[str, ...] = tuple(COMMUNICATION_CHANNEL_LABELS)

# The DfE extended ethnicity codes (the main codes are among them), as the school census and SEN2 use them.
ETHNICITIES: dict[str, str] = {
    # White
    "WBRI": "White - British",
    "WENG": "White - English",
    "WSCO": "White - Scottish",
    "WWEL": "White - Welsh",
    "WCOR": "White - Cornish",
    "WOWB": "Other White British",
    "WIRI": "White - Irish",
    "WIRT": "Traveller of Irish heritage",
    "WROM": "Gypsy / Roma",
    "WROG": "Gypsy",
    "WROR": "Roma",
    "WROO": "Other Gypsy / Roma",
    "WOTH": "Any other White background",
    "WALB": "Albanian",
    "WBOS": "Bosnian - Herzegovinian",
    "WCRO": "Croatian",
    "WGRE": "Greek / Greek Cypriot",
    "WGRK": "Greek",
    "WGRC": "Greek Cypriot",
    "WITA": "Italian",
    "WKOS": "Kosovan",
    "WPOR": "Portuguese",
    "WSER": "Serbian",
    "WTUR": "Turkish / Turkish Cypriot",
    "WTUK": "Turkish",
    "WTUC": "Turkish Cypriot",
    "WEUR": "White European",
    "WEEU": "White Eastern European",
    "WWEU": "White Western European",
    "WOTW": "White other",
    # Mixed / dual background
    "MWBC": "White and Black Caribbean",
    "MWBA": "White and Black African",
    "MWAS": "White and Asian",
    "MWAP": "White and Pakistani",
    "MWAI": "White and Indian",
    "MWAO": "White and any other Asian background",
    "MOTH": "Any other mixed background",
    "MAOE": "Asian and any other ethnic group",
    "MABL": "Asian and Black",
    "MACH": "Asian and Chinese",
    "MBOE": "Black and any other ethnic group",
    "MCOE": "Chinese and any other ethnic group",
    "MWOE": "White and any other ethnic group",
    "MOTM": "Other mixed background",
    # Asian or Asian British
    "AIND": "Indian",
    "APKN": "Pakistani",
    "AMPK": "Mirpuri Pakistani",
    "AKPA": "Kashmiri Pakistani",
    "AOPK": "Other Pakistani",
    "ABAN": "Bangladeshi",
    "AOTH": "Any other Asian background",
    "AAFR": "African Asian",
    "AKAO": "Kashmiri other",
    "ANEP": "Nepali",
    "ASNL": "Sri Lankan Sinhalese",
    "ASLT": "Sri Lankan Tamil",
    "ASRO": "Sri Lankan other",
    "AOTA": "Other Asian",
    # Black or Black British
    "BCRB": "Black Caribbean",
    "BAFR": "Black - African",
    "BANN": "Black - Angolan",
    "BCON": "Black - Congolese",
    "BGHA": "Black - Ghanaian",
    "BNGN": "Black - Nigerian",
    "BSLN": "Black - Sierra Leonean",
    "BSOM": "Black - Somali",
    "BSUD": "Black - Sudanese",
    "BAOF": "Other Black African",
    "BOTH": "Any other Black background",
    "BEUR": "Black European",
    "BNAM": "Black North American",
    "BOTB": "Other Black",
    # Chinese
    "CHNE": "Chinese",
    "CHKC": "Hong Kong Chinese",
    "CMAL": "Malaysian Chinese",
    "CSNG": "Singaporean Chinese",
    "CTWN": "Taiwanese",
    "COCH": "Other Chinese",
    # Any other ethnic group
    "OOTH": "Any other ethnic group",
    "OAFG": "Afghan",
    "OARA": "Arab other",
    "OEGY": "Egyptian",
    "OFIL": "Filipino",
    "OIRN": "Iranian",
    "OIRQ": "Iraqi",
    "OJPN": "Japanese",
    "OKOR": "Korean",
    "OKRD": "Kurdish",
    "OLAM": "Latin / South / Central American",
    "OLEB": "Lebanese",
    "OLIB": "Libyan",
    "OMAL": "Malay",
    "OMRC": "Moroccan",
    "OPOL": "Polynesian",
    "OTHA": "Thai",
    "OVIE": "Vietnamese",
    "OYEM": "Yemeni",
    "OOEG": "Other ethnic group",
    # Not given
    "REFU": "Refused",
    "NOBT": "Information not yet obtained",
}


# --- the casework's own lists ---

ADVICE_TYPE_LABELS: dict[str, str] = {
    "parent": "Parent or young person",
    "educational": "Educational",
    "health": "Health",
    "psychological": "Psychological",
    "social_care": "Social care",
    "other": "Other",
}
ADVICE_TYPES: tuple[str, ...] = tuple(ADVICE_TYPE_LABELS)

ORGANISATION_KIND_LABELS: dict[str, str] = {
    "nhs": "NHS trust or integrated care board",
    "educational_psychology": "Educational psychology service",
    "social_care": "Social care",
    "school": "School, college or early years setting",
    "other": "Other",
}
ORGANISATION_KINDS: tuple[str, ...] = tuple(ORGANISATION_KIND_LABELS)

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
    "post16_other": "Between post-16 institutions at another time (plan amended 5 months before)",
}
PHASE_TRANSFERS: tuple[str, ...] = tuple(PHASE_TRANSFER_LABELS)

# Who asked for a re-assessment (reg 24(1)): the parent or young person, or the institution.
REASSESSMENT_REQUESTER_LABELS: dict[str, str] = {
    "parent": "The child's parent",
    "young_person": "The young person",
    "school": "The school or post-16 institution",
    "local_authority": "The local authority itself",
}
REASSESSMENT_REQUESTERS: tuple[str, ...] = tuple(REASSESSMENT_REQUESTER_LABELS)

# What a document on a case is (POST /cases/{id}/documents, `kind`).
DOCUMENT_KIND_LABELS: dict[str, str] = {
    "advice_report": "Advice report",
    "plan": "Plan (draft or final)",
    "evidence": "Evidence",
    "correspondence": "Correspondence",
    "other": "Other",
}
DOCUMENT_KINDS: tuple[str, ...] = tuple(DOCUMENT_KIND_LABELS)

# --- what the SEN2 return needs beyond the casework (casework/reporting/sen2/README.md gives the sources) ---

# Who asked for the assessment, as SEN2 item 2.2 "RequestSource" codes it (1-5).
REQUEST_SOURCE_LABELS: dict[int, str] = {
    1: "Parent or person with parental responsibility",
    2: "Young person",
    3: "Early years setting, school or post-16 institution",
    4: "Health or social care professional",
    5: "Other",
}
REQUEST_SOURCES: tuple[int, ...] = tuple(REQUEST_SOURCE_LABELS)

# The elements of a personal budget in the plan (SEN2 items "PBorganised", "PBdirect", "PBnotional").
PERSONAL_BUDGET_LABELS: dict[str, str] = {
    "organised": "Organised arrangement (the authority or a third party manages the funds)",
    "direct_payments": "Direct payments to the family or young person",
    "notional": "Notional budget held by the school or college",
}
PERSONAL_BUDGET_ITEMS: tuple[str, ...] = tuple(PERSONAL_BUDGET_LABELS)

# A placement named in the plan (section I) or one the child or young person attends on the census date.
PLACEMENT_KIND_LABELS: dict[str, str] = {
    "named": "Named in the plan",
    "attended": "Attended",
}
PLACEMENT_KINDS: tuple[str, ...] = tuple(PLACEMENT_KIND_LABELS)

# SEN2 "PlacementRank": 1 the main placement, 2 a second one (dual placement).
PLACEMENT_RANK_LABELS: dict[int, str] = {1: "Main placement", 2: "Second placement"}
PLACEMENT_RANKS: tuple[int, ...] = tuple(PLACEMENT_RANK_LABELS)

# SEN2 request and assessment outcomes: assessed (or plan to be issued), not, or withdrawn before a decision.
REQUEST_OUTCOME_LABELS: dict[str, str] = {
    "A": "Decided to assess",
    "H": "Decided not to assess",
    "W": "Withdrawn before a decision",
}
ASSESSMENT_OUTCOME_LABELS: dict[str, str] = {
    "A": "Decided to issue a plan",
    "H": "Decided not to issue a plan",
    "W": "Withdrawn before a decision",
}
