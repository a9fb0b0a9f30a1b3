"""A demo caseload and one demo user of each role, so a newcomer can sign in and click through (``ehcp demo``).

About 300 made-up requests received over the last two years, each walked forward through
``casework.operations`` exactly as a caseworker would record it, so every row, deadline and audit entry is
one the service itself made. The mix is modelled on the national picture (statutory-rules.md section 12):
primary needs in the January 2025 proportions, a little under half of new plans within 20 weeks, advice
that is sometimes late and sometimes still outstanding, and a handful of recorded exceptions.

Each child is a person with one or two parents or carers who hold parental responsibility, each with a
preferred way of being reached, recorded through ``casework.people`` as a caseworker would from the request form.

The caseload is planned first, as plain data (``plan_caseload``), from a seeded random generator and today's
date; loading then replays it. The same seed on the same day gives the same caseload. Loading is refused
once the demo users exist, so running it twice adds nothing.
"""

from __future__ import annotations

import datetime as dt
import random
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select

from casework import accounts, operations, organisations
from casework.core import clock
from casework.core.db import Database
from casework.imports import demo_disputes
from casework.models import User
from workflows import ehcp

SIGN_IN_ADDRESS = "http://127.0.0.1:8000/sign-in"
DEMO_CASES = 300
HISTORY_DAYS = 730  # requests received over the last two years

HEALTH_TRUST = "Northbridge NHS Foundation Trust"  # the demo adviser's organisation
OTHER_TRUST = "Eastvale Community Health NHS Trust"
PSYCHOLOGY_SERVICE = "Northbridge Educational Psychology Service"
SOCIAL_CARE_TEAM = "Northbridge Children's Social Care"
SCHOOL = "Riverside Primary School"
FAMILY = "Parents and carers"
SENSORY_SERVICE = "Northbridge Sensory and Physical Support Service"
SETTINGS_BY_AGE = ((5, "Little Acorns Nursery"), (11, SCHOOL), (16, "Northbridge Academy"), (99, "Northbridge College"))
SPECIAL_SCHOOL = "Brookfield Special School"
# The directory loaded before anything names it: (name, kind, URN, UKPRN). The URNs and UKPRNs are made up.
DIRECTORY: tuple[tuple[str, str, str | None, str | None], ...] = (
    (HEALTH_TRUST, "nhs", None, None),
    (OTHER_TRUST, "nhs", None, None),
    ("Northbridge and Eastvale Integrated Care Board", "nhs", None, None),
    (PSYCHOLOGY_SERVICE, "educational_psychology", None, None),
    (SOCIAL_CARE_TEAM, "social_care", None, None),
    (SENSORY_SERVICE, "other", None, None),
    (FAMILY, "other", None, None),
    ("Little Acorns Nursery", "school", "900101", None),
    (SCHOOL, "school", "900102", None),
    ("Northbridge Academy", "school", "900103", "10090103"),
    ("Northbridge College", "school", None, "10090104"),
    (SPECIAL_SCHOOL, "school", "900105", None),
)
ORGANISATIONS = tuple(name for name, *_ in DIRECTORY)


@dataclass(frozen=True)
class DemoUser:
    username: str
    role: str
    password: str
    organisation: str | None = None

    @property
    def email(self) -> str:
        return f"{self.username}@demo.example"


DEMO_USERS = (
    DemoUser("caseworker", "caseworker", "demo-caseworker-2024"),
    DemoUser("adviser", "adviser", "demo-adviser-2024", HEALTH_TRUST),
    DemoUser("manager", "manager", "demo-manager-2024"),
    DemoUser("admin", "admin", "demo-admin-2024"),
    DemoUser("caseworker2", "caseworker", "demo-caseworker2-2024"),
)
# One case in this many goes to the second caseworker, so the manager's caseloads by caseworker compare two.
SECOND_CASEWORKER_SHARE = 3

# Primary need of plans in England, January 2025 (DfE), in percent; the rest of the codes are not drawn.
NATIONAL_NEEDS = {"ASD": 31.5, "SLCN": 21.3, "SEMH": 20.7, "MLD": 10.6, "SLD": 3.9, "PD": 3.9, "SPLD": 2.4,
                  "HI": 1.4, "PMLD": 1.3, "OTH": 1.2, "VI": 0.8, "MSI": 0.3}
# New plans issued within 20 weeks, excluding exceptions, in 2024: 46.4%.
PLANS_ON_TIME = 0.45
# Assessments held up by overdue health advice from the demo adviser's trust, so the adviser has a backlog.
WAITING_ON_HEALTH = 4

# How many cases end in each state, out of 300 (scaled for other sizes): most requests become plans.
STATE_MIX = {"request_received": 18, "assessment": 40, "refused_to_assess": 30, "not_issued": 14, "drafting": 15,
             "draft_issued": 12, "plan_maintained": 120, "under_review": 15, "amending": 14, "ceasing": 6,
             "ceased": 8, "withdrawn": 8}
assert set(STATE_MIX) == set(ehcp.STATES) and sum(STATE_MIX.values()) == DEMO_CASES

# Share of each kind of advice returned within the 6 weeks (psychology and social care run the longest).
ADVICE_ON_TIME = {"parent": 0.92, "educational": 0.85, "health": 0.8, "psychological": 0.6, "social_care": 0.7,
                  "other": 0.75}

GIVEN_NAMES = (
    "Oliver", "Amelia", "Muhammad", "Aisha", "Noah", "Olivia", "Leo", "Isla", "Oscar", "Freya", "Arjun", "Priya",
    "Kacper", "Zofia", "Kwame", "Ama", "Wei", "Mei", "Jayden", "Leah", "Finn", "Niamh", "Rhys", "Seren", "Yusuf",
    "Maryam", "Dylan", "Grace", "Theo", "Poppy", "Ibrahim", "Zainab", "Tomasz", "Lena", "Daniel", "Ella", "Harvey",
    "Ruby", "Callum", "Eilidh", "Jack", "Evie", "Kai", "Sofia", "Reuben", "Hafsa", "Alfie", "Chloe", "Tyler",
    "Layla", "Ayaan", "Nia", "Elijah", "Ivy", "Mateo", "Hana", "Ethan", "Maisie", "Samuel", "Imogen", "Bilal",
    "Esme", "Jude", "Aaliyah", "Luca", "Rosie", "Adam", "Zara", "Ronan", "Fatima",
)
FAMILY_NAMES = (
    "Smith", "Jones", "Taylor", "Brown", "Williams", "Wilson", "Khan", "Ali", "Patel", "Begum", "Hussain", "Ahmed",
    "Nowak", "Kowalczyk", "Mensah", "Okafor", "Adeyemi", "O'Brien", "Murphy", "Evans", "Davies", "Hughes", "Chen",
    "Wong", "Singh", "Kaur", "Campbell", "Walker", "Robinson", "Wright", "Thompson", "Green", "Hall", "Clarke",
    "Mohamed", "Yilmaz", "Rossi", "Santos", "Ferreira", "Lewis", "Osei", "Bennett", "Price", "Morgan", "Shah",
    "Mahmood", "Kelly", "Fraser", "Novak", "Ward",
)
REFUSAL_REASONS = (
    "Needs can be met from the resources normally available to the school (SEN support).",
    "The evidence does not show that the child may need provision through an EHC plan.",
    "Little evidence yet of a graduated approach at SEN support; a review in two terms agreed with the school.",
)
NOT_ISSUING_REASONS = (
    "The assessment shows needs can be met with targeted SEN support in the current school.",
    "Advice shows the provision needed is ordinarily available; the school's SEN support plan is updated.",
)
CEASE_REASONS = (2, 3, 3, 9)  # SEN2 cease reason codes, drawn with these weights
WITHDRAWAL_REASONS = (
    "The family moved to another local authority.",
    "The parent withdrew the request.",
    "The young person no longer wishes to continue.",
    "The school withdrew its request after agreeing a support plan with the family.",
)
PARENT_NAMES = {
    "Mother": ("Sarah", "Fatima", "Agnieszka", "Grace", "Emma", "Nadia", "Chloe", "Abena", "Mei", "Siobhan",
               "Priya", "Rachel", "Amina", "Joanne", "Olga"),
    "Father": ("James", "Imran", "Piotr", "Daniel", "Kofi", "David", "Ahmed", "Wei", "Liam", "Rajesh", "Mark",
               "Tunde", "Gareth", "Stefan", "Omar"),
}
CARERS = (("Grandmother (special guardian)", "Patricia"), ("Foster carer", "Helen"), ("Aunt (kinship carer)", "Leila"))
INTERPRETED = ("Polish", "Urdu", "Bengali", "Arabic", "Romanian", "Somali", "Portuguese")
DEMO_POSTCODES = ("NB1 2AB", "NB1 4HX", "NB2 7QD", "NB3 1LT", "NB4 9RW", "NB5 3EN", "NB6 8JU")
FAMILY_DETAILS_REASON = "Family details from the request form."
EXCEPTION_EVIDENCE = {
    "personal_circumstances": "Letter from the family's GP about a period of serious illness in the family.",
    "absent_from_area": "The family told us they would be abroad; dates confirmed by email.",
    "school_closure": "School summer holiday dates from the school's website.",
    "missed_appointment": "Clinic letter: the child did not attend the paediatric appointment.",
}


# --------------------------------------------------------------------------------------------------- the plan

@dataclass
class Step:
    """One event of a case's story, ``day`` days after the request was received."""

    day: int
    event: str
    fields: dict[str, Any] = field(default_factory=dict)
    by_adviser: bool = False  # advice the demo adviser's own trust returns through the adviser's tray


@dataclass
class CaseScript:
    """A made-up case: the child, the request, and the dated events to record, oldest first."""

    given_name: str
    family_name: str
    date_of_birth: dt.date
    primary_need: str
    requested_by: str
    received_on: dt.date
    steps: list[tuple[dt.date, str, dict[str, Any], bool]]
    state: str  # the state the case reaches once every step is recorded
    postcode: str | None = None
    contacts: list[dict[str, Any]] = field(default_factory=list)  # the parents or carers, as people takes them


def _quota(shares: dict[str, float], total: int) -> list[str]:
    """Exactly ``total`` labels in the given proportions (largest remainder), so small samples keep the mix."""
    whole = sum(shares.values())
    exact = {k: v * total / whole for k, v in shares.items()}
    counts = {k: int(v) for k, v in exact.items()}
    for k in sorted(exact, key=lambda k: exact[k] - counts[k], reverse=True)[: total - sum(counts.values())]:
        counts[k] += 1
    return [k for k, n in counts.items() for _ in range(n)]


def _late(rng: random.Random, on_time_share: float, usual: tuple[int, int], late: tuple[int, int]) -> int:
    return rng.randint(*usual) if rng.random() < on_time_share else rng.randint(*late)


def _advice_types(rng: random.Random, need: str) -> list[str]:
    types = ["parent", "educational", "health", "psychological"]
    if rng.random() < 0.35:
        types.append("social_care")
    if need in ("HI", "VI", "MSI", "PD") or rng.random() < 0.1:
        types.append("other")
    return types


def _advice_steps(rng: random.Random, need: str, agreed: int, last_day: int, late_plan: bool, *,
                  wait_for_all: bool, health_overdue: bool = False) -> list[Step]:
    """Advice sought just after the decision to assess, each returned on time or late.

    Before a plan is finalised every piece of advice is in (``wait_for_all``: none comes back after
    ``last_day``); a decision not to issue cancels whatever has not come back by then. ``health_overdue``
    makes the health advice the demo adviser's trust's, and months late.
    """
    types = _advice_types(rng, need)
    sent_days = sorted(agreed + rng.randint(0, 4) for _ in types)  # in the order the requests are recorded
    steps: list[Step] = []
    for index, (advice_type, sent) in enumerate(zip(types, sent_days, strict=True)):
        receipt = sent + (0 if rng.random() < 0.7 else rng.randint(1, 4))
        health_trust = HEALTH_TRUST if health_overdue or rng.random() < 0.7 else OTHER_TRUST
        body = {"parent": FAMILY, "educational": None, "health": health_trust, "psychological": PSYCHOLOGY_SERVICE,
                "social_care": SOCIAL_CARE_TEAM, "other": SENSORY_SERVICE}[advice_type]
        steps.append(Step(sent, "request_advice", {"advice_type": advice_type, "organisation": body,
                                                   "received_on": receipt - sent}))
        on_time = ADVICE_ON_TIME[advice_type] * (0.8 if late_plan else 1.0)
        returned = receipt + _late(rng, on_time, (14, 42), (43, 100))
        if health_overdue and advice_type == "health":
            returned = receipt + rng.randint(70, 110)
        if returned > last_day:
            if not wait_for_all:
                continue
            returned = max(last_day - rng.randint(0, 10), receipt + 7)
        steps.append(Step(returned, "record_advice", {"advice": index},
                          by_adviser=advice_type == "health" and body == HEALTH_TRUST))
    return steps


def _ceasing_steps(rng: random.Random, decided: int, confirm: bool) -> list[Step]:
    """A plan ceases only once the family's 2 months to appeal have passed (CFA s.45(3))."""
    return [Step(decided + rng.randint(63, 90), "confirm_ceased")] if confirm else []


def _review_steps(rng: random.Random, final: int, outcome: str, transfer: str | None,
                  confirm_ceased: bool = False) -> list[Step]:
    """The first annual review; a coming phase transfer is noted just before it, and the review meets it."""
    meeting = final + _late(rng, 0.85, (300, 364), (365, 430))
    report = meeting + _late(rng, 0.85, (4, 14), (15, 30))
    decided = max(report, meeting + _late(rng, 0.85, (10, 28), (29, 45)))
    steps = [Step(meeting - rng.randint(7, 30), "set_phase_transfer", {"transfer": transfer})] if transfer else []
    steps += [Step(meeting, "hold_review_meeting"), Step(report, "record_review_report"),
              Step(decided, "decide_review_outcome",
                   {"outcome": outcome, **({"reason": rng.choice(CEASE_REASONS)} if outcome == "cease" else {})})]
    if outcome == "cease":
        steps += _ceasing_steps(rng, decided, confirm_ceased)
    if outcome == "amend":
        steps.append(Step(decided + _late(rng, 0.8, (28, 56), (57, 90)), "issue_amended_plan"))
    return steps


def _story(rng: random.Random, target: str, need: str, age: int, health_overdue: bool = False) -> list[Step]:
    """A whole plausible story for a case that is to be seen in ``target``; later cut at "today"."""
    decision = _late(rng, 0.85, (21, 42), (43, 63))
    if target == "refused_to_assess":
        return [Step(decision, "refuse_to_assess", {"reason": rng.choice(REFUSAL_REASONS)})]
    steps = [Step(decision, "agree_to_assess")]
    if target == "not_issued":
        decided = decision + rng.randint(49, 77)
        steps += _advice_steps(rng, need, decision, decided - 1, True, wait_for_all=False)
        return [*steps, Step(decided, "decide_not_to_issue", {"reason": rng.choice(NOT_ISSUING_REASONS)})]

    late_plan = health_overdue or rng.random() >= PLANS_ON_TIME
    final = 141 + int(rng.triangular(0, 130, 14)) if late_plan else rng.randint(max(decision + 56, 98), 140)
    draft = final - rng.randint(15, 28)
    decided = max(draft - rng.randint(7, 21), decision + 21)
    draft = max(draft, decided + 5)
    final = max(final, draft + 15)
    steps += _advice_steps(rng, need, decision, final - 1, late_plan, wait_for_all=True,
                           health_overdue=health_overdue)
    steps += [Step(decided, "decide_to_issue"), Step(draft, "issue_draft")]

    if target == "withdrawn":
        stage = rng.choice(("request_received", "assessment", "assessment", "drafting"))
        ends = {"request_received": (7, decision - 1), "assessment": (decision + 7, decided - 1),
                "drafting": (decided + 1, draft - 1)}[stage]
        withdrawn_on = rng.randint(*ends)
        kept = [s for s in steps if s.day < withdrawn_on and (stage != "request_received" or s.day < decision)]
        return [*kept, Step(withdrawn_on, "withdraw", {"reason": rng.choice(WITHDRAWAL_REASONS)})]

    setting = SPECIAL_SCHOOL if need in ("SLD", "PMLD") or rng.random() < 0.15 else \
        next(name for upto, name in SETTINGS_BY_AGE if age < upto)
    steps.append(Step(final, "issue_final", {"named_setting": setting}))
    if target in ("ceasing", "ceased") and rng.random() < 0.5:  # e.g. the family moved to another authority
        ceased = max(final + rng.randint(40, 300), steps[-1].day + 1)
        return [*steps, Step(ceased, "cease_plan", {"reason": rng.choice(CEASE_REASONS)}),
                *_ceasing_steps(rng, ceased, target == "ceased")]
    outcome = {"amending": "amend", "ceasing": "cease", "ceased": "cease"}.get(target) or \
        rng.choices(("maintain", "amend"), (3, 1))[0]
    transfer = None
    if outcome != "cease" and age in (9, 10, 14, 15) and rng.random() < 0.5:
        transfer = "post16" if age >= 14 else "school"
    return steps + _review_steps(rng, final, outcome, transfer, confirm_ceased=target == "ceased")


def _next_state(state: str, step: Step) -> str:
    """The state after an event, read from the workflow's own transition table."""
    for event, sources, destination, guards in ehcp.TRANSITIONS:
        if event != step.event or state not in sources:
            continue
        if any(g.name.startswith("outcome_") and g.name != f"outcome_{step.fields.get('outcome')}" for g in guards):
            continue
        return destination or state
    raise ValueError(f"{step.event} cannot follow {state}")


def _days_in(target: str, steps: Sequence[Step]) -> list[tuple[int, int]]:
    """The spans of days after the request during which the case is in ``target`` (last day included)."""
    spans, state, since = [], ehcp.INITIAL, 0
    for step in steps:
        after = _next_state(state, step)
        if after != state:
            if state == target and step.day > since:
                spans.append((since, step.day - 1))
            state, since = after, step.day
    if state == target:
        spans.append((since, HISTORY_DAYS))
    return [(start, min(end, HISTORY_DAYS)) for start, end in spans if start <= HISTORY_DAYS]


def _exceptions(rng: random.Random, steps: list[Step], received: dt.date, cut: int) -> list[Step]:
    """A few exceptions, recorded as a caseworker would, while the case is still open and before the cut."""
    days = {s.event: s.day for s in steps}
    closing = next((s.day for s in steps if s.event in ("issue_final", "decide_not_to_issue", "withdraw")), cut + 1)
    last_open = min(cut, closing - 1)
    found: list[Step] = []
    final = days.get("issue_final")
    if final is not None and final > 140 and rng.random() < 0.05:  # a late plan, with a reason
        reason = rng.choice(("personal_circumstances", "absent_from_area"))
        starts = rng.randint(days["agree_to_assess"], max(days["agree_to_assess"], final - 60))
        ends = starts + rng.randint(28, 49)
        recorded = ends + rng.randint(1, 10)
        if recorded <= last_open:
            found.append(Step(recorded, "record_exception", {
                "reason": reason, "starts_on": starts, "ends_on": ends, "applies_to": "final_plan",
                "family_told_on": recorded}))
    for step in steps:  # educational advice asked for just before the summer closure (reg 10(4)(a))
        if step.event != "request_advice" or step.fields["advice_type"] != "educational" or final is None:
            continue
        asked = received + dt.timedelta(days=step.day)
        closes, reopens = dt.date(asked.year, 7, 22), dt.date(asked.year, 9, 3)
        window_start, window_end = clock.closure_exception_window(closes, reopens)
        recorded = (reopens - received).days + rng.randint(1, 14)
        if window_start <= asked <= window_end and recorded <= last_open and rng.random() < 0.15:
            found.append(Step(recorded, "record_exception", {
                "reason": "school_closure", "starts_on": (closes - received).days,
                "ends_on": (reopens - received).days, "applies_to": "final_plan", "family_told_on": recorded}))
    advice = [s for s in steps if s.event == "request_advice"]
    for index, request in enumerate(advice):
        returned = next((s.day for s in steps if s.event == "record_advice" and s.fields["advice"] == index),
                        cut + 1)  # still outstanding
        due = request.day + request.fields["received_on"] + 42
        if request.fields["advice_type"] == "health" and returned > due and rng.random() < 0.05:
            missed = rng.randint(request.day + 7, due - 7)
            recorded = min(returned - 1, due + rng.randint(1, 14))
            if recorded <= last_open:
                found.append(Step(recorded, "record_exception", {
                    "reason": "missed_appointment", "starts_on": missed, "ends_on": missed, "applies_to": index,
                    "family_told_on": recorded}))
    return found


def _child(rng: random.Random, day: dt.date) -> tuple[int, dt.date, str]:
    """A child's age in years and date of birth on ``day``, and who asked for the assessment."""
    age = rng.choices((rng.randint(2, 4), rng.randint(5, 10), rng.randint(11, 15), rng.randint(16, 19)),
                      (18, 42, 32, 8))[0]
    born = day - dt.timedelta(days=round(age * 365.25) + rng.randint(0, 364))
    if age >= 16:
        requested_by = rng.choices(("young_person", "parent", "school"), (30, 50, 20))[0]
    else:
        requested_by = rng.choices(("parent", "school", "other"), (62, 35, 3))[0]
    return age, born, requested_by


def _dated(received: dt.date, step: Step, setting: str, today: dt.date) -> tuple[dt.date, str, dict[str, Any], bool]:
    """A step with real dates: day offsets become dates, the phase transfer year the next one due."""
    on = received + dt.timedelta(days=step.day)
    fields = dict(step.fields)
    for name in ("starts_on", "ends_on", "family_told_on"):
        if name in fields:
            fields[name] = received + dt.timedelta(days=fields[name])
    if step.event == "request_advice":
        fields["received_on"] = on + dt.timedelta(days=fields["received_on"])
        fields["organisation"] = fields["organisation"] or setting
        fields["received_on"] = min(fields["received_on"], today)
    if step.event == "set_phase_transfer":
        last_day = (2, 14) if fields["transfer"] == "school" else (3, 30)
        fields["year"] = on.year if on <= dt.date(on.year, *last_day) else on.year + 1
    return on, step.event, fields, step.by_adviser


def _while_health_advice_overdue(steps: Sequence[Step], spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """The parts of the spans after the health advice fell due and before it came back."""
    index, request = next((i, s) for i, s in enumerate(s for s in steps if s.event == "request_advice")
                          if s.fields["advice_type"] == "health")
    returned = next(s.day for s in steps if s.event == "record_advice" and s.fields["advice"] == index)
    overdue_from = request.day + request.fields["received_on"] + 43
    return [(max(start, overdue_from), min(end, returned - 1)) for start, end in spans
            if max(start, overdue_from) <= min(end, returned - 1)]


def _reached(rng: random.Random, given: str, family: str) -> dict[str, Any]:
    """A parent's email and phone (from the ranges kept for fiction) and the way they prefer, which they have."""
    handle = "".join(ch for ch in f"{given}.{family}".lower() if ch.isalnum() or ch == ".")
    details: dict[str, Any] = {"email": f"{handle}@example.com", "phone": f"07700 900{rng.randint(0, 999):03d}"}
    if rng.random() < 0.25:
        details["email"] = None
    preferred = rng.choices(("email", "phone", "text", "letter"), (45, 25, 20, 10))[0]
    details["preferred_contact"] = "phone" if preferred == "email" and details["email"] is None else preferred
    return details


def _family(rng: random.Random, family_name: str) -> list[dict[str, Any]]:
    """One or two parents or carers with parental responsibility; a few ask for an interpreter."""
    if rng.random() < 0.06:
        relationship, given = rng.choice(CARERS)
        carers = [(relationship, given, rng.choice(FAMILY_NAMES))]
    else:
        first = rng.choices(("Mother", "Father"), (75, 25))[0]
        carers = [(first, rng.choice(PARENT_NAMES[first]), family_name)]
        if rng.random() < 0.55:
            second = "Father" if first == "Mother" else "Mother"
            carers.append((second, rng.choice(PARENT_NAMES[second]),
                           family_name if rng.random() < 0.7 else rng.choice(FAMILY_NAMES)))
    language = rng.choice(INTERPRETED) if rng.random() < 0.07 else None
    return [{"name": f"{given} {family}", "relationship": relationship, "parental_responsibility": True,
             "interpreter_language": language, **_reached(rng, given, family)}
            for relationship, given, family in carers]


def plan_caseload(seed: int = 2014, today: dt.date | None = None, cases: int = DEMO_CASES) -> list[CaseScript]:
    """The demo caseload as data: the same seed and day always give the same cases, oldest request first."""
    rng = random.Random(seed)
    families = random.Random(f"families-{seed}")  # its own stream, so the cases are the same with or without
    today = today or clock.today()
    scale = {state: n * cases / DEMO_CASES for state, n in STATE_MIX.items()}
    targets, needs = _quota(scale, cases), _quota(NATIONAL_NEEDS, cases)
    rng.shuffle(targets)
    rng.shuffle(needs)
    scripts: list[CaseScript] = []
    waiting = 0  # assessments still waiting, well past the 6 weeks, for the demo adviser's trust's advice
    for target, need in zip(targets, needs, strict=True):
        health_overdue = target == "assessment" and waiting < WAITING_ON_HEALTH
        waiting += health_overdue
        while True:  # a story that can be seen in the target state within the last two years
            age, born, requested_by = _child(rng, today)
            steps = sorted(_story(rng, target, need, age, health_overdue), key=lambda s: s.day)
            spans = _days_in(target, steps)
            if health_overdue:
                spans = _while_health_advice_overdue(steps, spans)
            if spans:
                break
        start, end = rng.choice(spans)
        cut = rng.randint(start, end)
        received = today - dt.timedelta(days=cut)
        born -= dt.timedelta(days=cut)
        steps = [s for s in steps if s.day <= cut]
        steps = sorted(steps + _exceptions(rng, steps, received, cut), key=lambda s: s.day)
        setting = next(name for upto, name in SETTINGS_BY_AGE if age < upto)
        given_name, family_name = rng.choice(GIVEN_NAMES), rng.choice(FAMILY_NAMES)
        scripts.append(CaseScript(
            given_name=given_name, family_name=family_name, date_of_birth=born,
            primary_need=need, requested_by=requested_by, received_on=received,
            steps=[_dated(received, s, setting, today) for s in steps], state=target,
            postcode=families.choice(DEMO_POSTCODES), contacts=_family(families, family_name),
        ))
    return sorted(scripts, key=lambda s: s.received_on)


# --------------------------------------------------------------------------------------------------- loading

def _make_room(scripts: list[CaseScript], places: int) -> list[CaseScript]:
    """The planned caseload less the last ``places`` plans maintained with no exception recorded."""
    plain = [s for s in scripts if s.state == "plan_maintained"
             and not any(event == "record_exception" for _on, event, *_ in s.steps)]
    dropped = {id(s) for s in plain[len(plain) - places:]} if places else set()
    return [s for s in scripts if id(s) not in dropped]


def existing_demo_users(db: Database) -> list[str]:
    with db.reading() as session:
        names = [u.username for u in DEMO_USERS]
        return sorted(session.scalars(select(User.username).where(User.username.in_(names))))


def _record(db: Database, script: CaseScript, caseworker: User, adviser: User, owner: User | None) -> None:
    """One planned case through the operations. ``owner`` is the officer it is allocated to as it is logged;
    none for a request still waiting to be decided, which waits in the intake queue."""
    case = operations.create_case(
        db, actor=caseworker, given_name=script.given_name, family_name=script.family_name,
        date_of_birth=script.date_of_birth, received_on=script.received_on, requested_by=script.requested_by,
        primary_need=script.primary_need, assigned_caseworker_id=owner.id if owner is not None else None)
    operations.update_person(db, case.person_id, actor=caseworker, reason=FAMILY_DETAILS_REASON,
                             fields={"postcode": script.postcode}, contacts=script.contacts)
    advice_ids: list[int] = []
    for on, event, fields, by_adviser in script.steps:
        fields = dict(fields)
        if event == "record_advice":
            advice_id = advice_ids[fields.pop("advice")]
            if by_adviser:
                operations.return_advice(db, advice_id, actor=adviser, on=on)
                continue
            fields["advice_request_id"] = advice_id
        if event == "record_exception" and isinstance(fields["applies_to"], int):
            fields["applies_to"] = str(advice_ids[fields["applies_to"]])
        case = operations.fire_event(db, case.id, event, actor=caseworker, on=on, **fields)
        if event == "request_advice":
            advice_ids.append(case.advice_requests[-1].id)
    if case.state != script.state:  # the plan and the workflow disagree: a fault in this module
        raise RuntimeError(f"Demo case {case.reference} ended in {case.state}, not {script.state}.")


def load(db: Database, seed: int = 2014, *, cases: int = DEMO_CASES, address: str = SIGN_IN_ADDRESS,
         out: Callable[[str], None] = print) -> bool:
    """Create the demo organisations, users and caseload, unless the demo users already exist (then False).
    ``address`` is where the service will be signed in to, as it will really be served."""
    existing = existing_demo_users(db)
    if existing:
        out(f"The demo users already exist ({', '.join(existing)}), so the demo caseload is already loaded; "
            "nothing was added.")
        sign_in_help(out, address)
        return False
    for name, kind, urn, ukprn in DIRECTORY:
        organisations.add_organisation(db, name, kind, urn=urn, ukprn=ukprn)
    users = {u.username: accounts.create_user(db, u.username, u.role, organisation=u.organisation,
                                              email=u.email, password=u.password) for u in DEMO_USERS}
    second = users["caseworker2"]
    # A caseload large enough shows disagreements and a transfer in too, counted in the cases asked for: they
    # take the place of a few plans maintained, so the rest of the planned caseload is the same with or without.
    disputed = demo_disputes.DISPUTE_CASES if cases >= demo_disputes.MIN_CASES else 0
    scripts = _make_room(plan_caseload(seed, cases=cases), disputed)
    waiting = 0
    for index, script in enumerate(scripts):
        if script.state == ehcp.INITIAL:
            owner = None  # logged by business support, waiting in the intake queue for a manager to allocate
            waiting += 1
        else:
            owner = second if index % SECOND_CASEWORKER_SHARE == 0 else users["caseworker"]
        _record(db, script, users["caseworker"], users["adviser"], owner)
    if disputed:
        demo_disputes.load(db, users["caseworker"], clock.today(), seed, _family, FAMILY_DETAILS_REASON,
                           DEMO_POSTCODES)
    states = Counter(s.state for s in scripts)
    first, last = scripts[0].received_on, scripts[-1].received_on
    out(f"Loaded {len(scripts)} demo cases received from {first.day} {first:%B %Y} to {last.day} {last:%B %Y}: "
        + ", ".join(f"{states[s]} {s.replace('_', ' ')}" for s in ehcp.STATES)
        + (f"; and {disputed} more with mediation, an appeal, a tribunal order and a plan transferred in"
           if disputed else "")
        + f". {waiting} requests wait in the intake queue for the manager to allocate; the others are shared by "
        "the two demo caseworkers.")
    sign_in_help(out, address)
    return True


def sign_in_help(out: Callable[[str], None], address: str = SIGN_IN_ADDRESS) -> None:
    out(f"Start the service with `ehcp serve`, then sign in at {address} as:")
    for user in DEMO_USERS:
        where = f" ({user.organisation})" if user.organisation else ""
        out(f"  {user.role:<11} username {user.username:<11} password {user.password}{where}")
    out("These passwords are published: use the demo only on your own computer.")
