"""A demo caseload of any size at bulk speed (``ehcp demo --cases N`` from 1,000 cases): 100,000 in minutes.

The 300-case demo walks each case through ``casework.operations``, which is right for a newcomer and far too
slow for a caseload the size of a large authority's. Here each case's story is walked forward in Python with
the same rule table, workflow and legal clock the operations use, collecting the rows they would have written
(the child and their family's contacts with the person's history, the case in the state its dates reach, its
deadline rows with rule ids, citations and subjects, advice requests to organisations in the directory, the
case history, and the copies the lists sort by: ``next_due_on``/``next_due_kind`` and ``owed_due_on``); the
rows then go in by set-based inserts, one transaction per chunk of cases. ``tests/test_bulk.py`` replays
stories through the operations and requires the same rows.

The directory and demo users are the demo's (so the same sign-ins work), with the coordinators that educational
advice is asked of added; the cases are spread over 40 caseworkers, the demo's caseworkers among them. Loading is
refused once the demo users exist, so running it twice adds nothing.
"""

from __future__ import annotations

import datetime as dt
import functools
import random
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from types import SimpleNamespace
from typing import Any

from sqlalchemy import func, insert, select, text

from casework import accounts, operations, organisations
from casework.cases import ceasing, early_years, review
from casework.core import clock
from casework.core.db import Database
from casework.core.policy import Policy
from casework.imports import demo
from casework.law import codes, rules
from casework.law.events import EVENTS
from casework.models import AdviceRequest, AuditEntry, Case, Contact, Deadline, Organisation, Person
from workflows import ehcp

BULK_FROM = 1_000  # ``ehcp demo --cases N`` loads in bulk from this many cases; fewer go through the operations
CHUNK_CASES = 5_000
CASEWORKERS = 40  # the demo's caseworkers and their colleagues, officer02 onwards
SENCOS = "Special educational needs coordinators"
DIRECTORY = (*demo.DIRECTORY, (SENCOS, "other", None, None))
# Whom each type of advice is asked of: the first seven times in ten, the last the rest.
ADVISORY_BODIES = {
    "parent": (demo.FAMILY,),
    "educational": (SENCOS,),
    "psychological": (demo.PSYCHOLOGY_SERVICE,),
    "health": (demo.HEALTH_TRUST, demo.OTHER_TRUST),
    "social_care": (demo.SOCIAL_CARE_TEAM,),
    "other": (demo.SENSORY_SERVICE,),
}
NEEDS = (("ASD", 30), ("SEMH", 18), ("SLCN", 17), ("MLD", 8), ("SPLD", 6), ("SLD", 5), ("PD", 4), ("HI", 2),
         ("VI", 1), ("PMLD", 2), ("MSI", 1), ("DS", 2), ("OTH", 4))
ALLOWED = {state: frozenset(ehcp.allowed_events(state)) for state in ehcp.STATES}
SETTINGS_NAMED = (demo.SCHOOL, "Northbridge Academy", demo.SPECIAL_SCHOOL, "Little Acorns Nursery",
                  "Northbridge College")
TABLES = (Person, Contact, Case, AdviceRequest, Deadline, AuditEntry)


@functools.cache
def _rule(rule_id: str, trigger: dt.date) -> rules.Rule:
    return rules.rule_in_force(rule_id, trigger)


@dataclass
class IdSequence:
    """Primary keys handed out in Python, so related rows can be written in the same bulk insert."""

    case: int = 0
    person: int = 0
    contact: int = 0
    advice: int = 0
    deadline: int = 0
    audit: int = 0

    def next(self, table: str) -> int:
        value = getattr(self, table) + 1
        setattr(self, table, value)
        return value


@dataclass
class Story:
    """One case walked forward event by event, collecting the rows the operations would have written."""

    case: dict[str, Any]
    ids: IdSequence
    policy: Policy
    actor: tuple[int, str]
    now: dt.datetime
    person: dict[str, Any] = field(default_factory=dict)
    contacts: list[dict[str, Any]] = field(default_factory=list)  # the family, as update_person adds them
    person_entries: list[dict[str, Any]] = field(default_factory=list)  # the person's own history
    deadlines: list[dict[str, Any]] = field(default_factory=list)
    advice: list[dict[str, Any]] = field(default_factory=list)
    audit: list[dict[str, Any]] = field(default_factory=list)

    @property
    def state(self) -> str:
        return self.case["state"]

    def open(self, kind: str, trigger: dt.date, *, rule_id: str | None = None, advice_id: int | None = None,
             **facts: Any) -> dict[str, Any]:
        """As ``operations._open``: the rule version in force on the trigger date sets the due date."""
        spec = rules.DEADLINE_KINDS[kind]
        rule = _rule(rule_id or spec.rule_ids[0], trigger)
        row = dict(id=self.ids.next("deadline"), case_id=self.case["id"], kind=kind, rule=rule.id,
                   citation=rule.citation, starts_on=trigger,
                   due_on=rule.due_on(trigger, self.policy.counting, **facts), met_on=None, cancelled_on=None,
                   is_duty=spec.is_duty, created_at=self.now, transfer_on=None,
                   # The subject, as the operations set it: the advice request, or else the case itself.
                   subject_type="case" if advice_id is None else "advice_request",
                   subject_id=self.case["id"] if advice_id is None else advice_id)
        self.deadlines.append(row)
        return row

    def open_early_years_review(self, on: dt.date) -> None:
        """As ``early_years.open_if_under_five``: the next review within 6 months while the child is under 5."""
        if early_years.under_five(self.person["date_of_birth"], on):
            self.open(early_years.KIND, on)

    def open_rows(self, kinds: tuple[str, ...]) -> list[dict[str, Any]]:
        return [d for d in self.deadlines if d["kind"] in kinds and d["met_on"] is None and d["cancelled_on"] is None]

    def meet(self, on: dt.date, *kinds: str, advice_id: int | None = None) -> None:
        for row in self.open_rows(kinds):
            if advice_id is None or (row["subject_type"], row["subject_id"]) == ("advice_request", advice_id):
                row["met_on"] = on

    def cancel(self, on: dt.date, *kinds: str) -> None:
        for row in self.open_rows(kinds):
            row["cancelled_on"] = on

    def meet_phase_transfers(self, on: dt.date) -> None:
        """As ``review.meet_phase_transfers``: only the transfers ``on`` falls within the 12 months before."""
        for row in self.open_rows(("phase_transfer",)):
            if review.within_twelve_months_before(SimpleNamespace(**row), on):
                row["met_on"] = on

    def close_window(self, kind: str) -> None:
        """As ``Ledger.close_window``: a family's window that has run its course is met on its last day."""
        for row in self.open_rows((kind,)):
            row["met_on"] = row["due_on"]

    def end_window(self, on: dt.date, kind: str) -> None:
        """As ``Ledger.end_window``: met on its last day once run, cancelled while still running."""
        for row in self.open_rows((kind,)):
            if on > row["due_on"]:
                row["met_on"] = row["due_on"]
            else:
                row["cancelled_on"] = on

    def settle(self) -> None:
        """The copies lists read, as the deadline ledger keeps them: the case's soonest open duty deadline
        (the earlier kind by name on a tie) and each advice request's due date while it is owed."""
        duties = [d for d in self.deadlines if d["is_duty"] and d["met_on"] is None and d["cancelled_on"] is None]
        soonest = min(duties, key=lambda d: (d["due_on"], d["kind"]), default=None)
        self.case["next_due_on"] = soonest["due_on"] if soonest else None
        self.case["next_due_kind"] = soonest["kind"] if soonest else None
        for advice in self.advice:
            owed = [d["due_on"] for d in self.deadlines
                    if (d["subject_type"], d["subject_id"]) == ("advice_request", advice["id"])
                    and d["cancelled_on"] is None]
            still_owed = advice.get("returned_on") is None and advice.get("voided_on") is None
            advice["owed_due_on"] = min(owed) if owed and still_owed else None

    def event(self, name: str, on: dt.date, to: str | None = None, **fields: Any) -> None:
        """The state move, version bump and audit entry every operation makes."""
        before = self.state
        if name != "request_received":
            assert name in ALLOWED[before], (name, before)
            if ehcp.moves_case(name):  # a fact is checked against its own trigger, not the last step
                assert on >= self.case["last_event_on"], (name, on, self.case["last_event_on"])
            self.case["version"] += 1
        self.case["state"] = to or before
        if name == "request_received" or ehcp.moves_case(name):
            self.case["last_event_on"] = on
        self.audit.append(dict(id=self.ids.next("audit"), case_id=self.case["id"], actor_id=self.actor[0],
                               actor=self.actor[1], at=self.now, event=name, on=on,
                               fields={k: v.isoformat() if isinstance(v, dt.date) else v
                                       for k, v in fields.items() if v is not None},
                               state_before=None if name == "request_received" else before,
                               state_after=self.case["state"], version_after=self.case["version"]))


class Caseload:
    """Synthetic cases received over two years, each taken as far as its dates allow before today."""

    def __init__(self, today: dt.date, policy: Policy, seed: int, caseworkers: list[tuple[int, str]],
                 bodies: dict[str, tuple[tuple[str, int], ...]], ids: IdSequence) -> None:
        self.today = today
        self.policy = policy
        self.rng = random.Random(seed)
        self.caseworkers = caseworkers
        self.bodies = bodies
        self.ids = ids
        self.families = random.Random(f"families-{seed}")  # its own stream, as the demo's
        self.needs = [code for code, weight in NEEDS for _ in range(weight)]

    def _family(self, story: Story) -> None:
        """The postcode and the parents or carers, as ``people.update_person`` records them from the request
        form: the person's version moves on once, and each change is its own entry in the person's history."""
        person, worker = story.person, story.actor
        person.update(version=2, postcode=self.families.choice(demo.DEMO_POSTCODES))
        changes: list[tuple[str, int | None, dict[str, Any]]] = [
            ("person_changed", None, {"postcode": {"before": None, "after": person["postcode"]}})]
        for wanted in demo._family(self.families, person["family_name"]):
            contact = dict(id=self.ids.next("contact"), person_id=person["id"], address=None,
                           created_at=story.now, **wanted)
            story.contacts.append(contact)
            changes.append(("contact_added", contact["id"], {name: {"before": None, "after": value}
                                                              for name, value in wanted.items() if value is not None}))
        for event, contact_id, what in changes:
            story.person_entries.append(dict(
                id=self.ids.next("audit"), person_id=person["id"], actor_id=worker[0], actor=worker[1],
                at=story.now, event=event,
                fields={"reason": demo.FAMILY_DETAILS_REASON, "contact_id": contact_id, "changes": what}))

    def _days(self, on_time: tuple[int, int], late: tuple[int, int], late_share: float) -> int:
        return self.rng.randint(*(late if self.rng.random() < late_share else on_time))

    def story(self) -> Story:
        rng, today = self.rng, self.today
        received = today - dt.timedelta(days=rng.randint(1, 730))
        case_id = self.ids.next("case")
        worker = rng.choice(self.caseworkers)
        now = clock.now()
        # The child, a person of their own, as create_case records one for a request naming a new child.
        person = dict(id=self.ids.next("person"), version=1, given_name=rng.choice(demo.GIVEN_NAMES),
                      family_name=rng.choice(demo.FAMILY_NAMES),
                      date_of_birth=received - dt.timedelta(days=rng.randint(2 * 365, 19 * 365)), created_at=now)
        # Version 2, as create_case leaves it: the insert, then the update that sets the reference.
        case = dict(id=case_id, reference=f"{self.policy.reference_prefix}-{received.year}-{case_id:06d}",
                    state=ehcp.INITIAL, version=2, person_id=person["id"], primary_need=rng.choice(self.needs),
                    received_on=received, requested_by=rng.choices(("parent", "school", "young_person", "other"),
                                                                   (55, 38, 4, 3))[0],
                    assigned_caseworker_id=worker[0], last_event_on=received, decision_to_assess_on=None,
                    draft_issued_on=None, plan_issued_on=None, named_setting=None, review_meeting_on=None,
                    closed_on=None, closed_reason=None, cease_reason=None, cease_decided_on=None,
                    created_at=now)
        story = Story(case, self.ids, self.policy, worker, now, person)
        story.person_entries.append(dict(
            id=self.ids.next("audit"), person_id=person["id"], actor_id=worker[0], actor=worker[1], at=now,
            event="person_added", fields={"changes": {name: {"before": None, "after": str(person[name])}
                                                      for name in ("given_name", "family_name", "date_of_birth")}}))
        self._family(story)
        for kind in operations.LA_ASSESSMENT_KINDS:
            story.open(kind, received)
        story.event("request_received", received, requested_by=case["requested_by"],
                    primary_need=case["primary_need"])
        self._assessment(story, received)
        return story

    def _assessment(self, story: Story, received: dt.date) -> None:
        rng, today = self.rng, self.today
        decided = received + dt.timedelta(days=self._days((28, 42), (43, 75), 0.15))
        if decided > today:
            return
        roll = rng.random()
        if roll < 0.12:
            story.meet(decided, "decision_to_assess")
            story.cancel(decided, "issue_decision", "final_plan")
            story.case.update(decision_to_assess_on=decided, closed_on=decided,
                              closed_reason="Needs can be met from resources the school has")
            story.event("refuse_to_assess", decided, "refused_to_assess", reason=story.case["closed_reason"])
            return
        if roll < 0.14:
            story.cancel(decided, *rules.DEADLINE_KINDS)
            story.case.update(closed_on=decided, closed_reason="Family moved out of the area")
            story.event("withdraw", decided, "withdrawn", reason=story.case["closed_reason"])
            return
        story.meet(decided, "decision_to_assess")
        story.case["decision_to_assess_on"] = decided
        story.event("agree_to_assess", decided, "assessment")

        # Advice requests and their returns, as dated events; returns after the final plan never get recorded.
        types = ["parent", "educational", "psychological"]
        types += ["health"] if rng.random() < 0.8 else []
        types += ["social_care"] if rng.random() < 0.4 else []
        timeline: list[tuple[dt.date, int, str, Any]] = []
        last_requested = decided
        for n, advice_type in enumerate(types):
            requested = decided + dt.timedelta(days=rng.randint(0, 7))
            if requested > today:
                continue
            receipt = min(today, requested + dt.timedelta(days=0 if rng.random() < 0.7 else rng.randint(1, 4)))
            late_share = 0.35 if advice_type == "health" else 0.2
            returned = receipt + dt.timedelta(days=self._days((18, 42), (43, 100), late_share))
            timeline.append((requested, 0, "request", (n, advice_type, receipt)))
            timeline.append((returned, 1, "return", n))
            last_requested = max(last_requested, requested)
        returns = [when for when, _, what, _ in timeline if what == "return"]

        to_decide = decided + dt.timedelta(days=rng.randint(55, 85))
        if returns and rng.random() < 0.93:  # most wait for the advice; a few decide without it
            to_decide = max(to_decide, max(returns) + dt.timedelta(days=rng.randint(1, 10)))
        to_decide = max(to_decide, last_requested)
        outcome = "not_issued" if rng.random() < 0.08 else "issue"
        draft = to_decide + dt.timedelta(days=rng.randint(5, 25))
        final = draft + dt.timedelta(days=rng.randint(15, 35))
        steps = [(to_decide, 2, "decide", outcome)]
        if outcome == "issue":
            steps += [(draft, 2, "draft", None), (final, 3, "final", None)]
        timeline += steps
        timeline.sort(key=lambda step: (step[0], step[1]))

        advice_ids: dict[int, int] = {}
        for when, _, what, detail in timeline:
            if when > today:
                return
            if what == "request":
                n, advice_type, receipt = detail
                advice_id = self.ids.next("advice")
                advice_ids[n] = advice_id
                name, organisation_id = self.bodies[advice_type][0 if self.rng.random() < 0.7 else -1]
                story.advice.append(dict(id=advice_id, case_id=story.case["id"], advice_type=advice_type,
                                         organisation_id=organisation_id, requested_on=when,
                                         received_on=receipt, returned_on=None, returned_by_id=None,
                                         created_at=story.now))
                story.open("advice", receipt, advice_id=advice_id)
                story.event("request_advice", when, advice_type=advice_type, organisation=name,
                            received_on=receipt)
            elif what == "return":
                if detail not in advice_ids or story.state not in ehcp.ADVICE_STATES:
                    continue
                advice = next(a for a in story.advice if a["id"] == advice_ids[detail])
                advice.update(returned_on=when, returned_by_id=None)
                story.meet(when, "advice", advice_id=advice["id"])
                story.event("record_advice", when, advice_request_id=advice["id"])
            elif what == "decide" and detail == "not_issued":
                story.meet(when, "issue_decision")
                story.cancel(when, "final_plan", "advice")
                story.case.update(closed_on=when, closed_reason="Needs can be met within ordinary provision")
                story.event("decide_not_to_issue", when, "not_issued", reason=story.case["closed_reason"])
                return
            elif what == "decide":
                story.meet(when, "issue_decision")
                milestone = rules.rule_in_force("M3.2", story.case["received_on"])  # never a statutory breach
                for row in story.deadlines:
                    if row["kind"] == "issue_decision" and row["met_on"] == when:
                        row.update(rule=milestone.id, citation=milestone.citation)
                story.event("decide_to_issue", when, "drafting")
            elif what == "draft":
                story.case["draft_issued_on"] = when
                story.open("draft_representations", when)
                story.event("issue_draft", when, "draft_issued")
            elif what == "final":
                for row in story.open_rows(("draft_representations",)):
                    row["met_on"] = row["due_on"]
                story.meet(when, "final_plan")
                setting = self.rng.choice(SETTINGS_NAMED)
                story.case.update(plan_issued_on=when, named_setting=setting)
                story.open("annual_review", when)
                story.open_early_years_review(when)
                story.event("issue_final", when, "plan_maintained", named_setting=setting)
        if story.state == "plan_maintained":
            self._reviews(story)

    def _reviews(self, story: Story) -> None:
        """The plan's annual reviews, amendments and phase transfers, then, once a decision to cease has waited
        out the family's time to appeal, the plan ceased."""
        self._review_cycles(story)
        if story.state == "ceasing":
            self._confirm_ceased(story)

    def _review_cycles(self, story: Story) -> None:
        rng, today = self.rng, self.today
        while story.state == "plan_maintained":
            since = story.case["last_event_on"]
            annual = story.open_rows(("annual_review",))[0]
            if rng.random() < 0.06:  # a coming move to secondary school or college
                on = since + dt.timedelta(days=rng.randint(20, 200))
                transfer = "post16" if rng.random() < 0.3 else "school"
                year = on.year if on < rules.rule_in_force("R8.1", on).due_on(on, transfer="school", year=on.year) \
                    else on.year + 1
                if on <= today and on < annual["due_on"]:
                    # A transfer set earlier stays as it is: a new one never erases a deadline already owed.
                    row = story.open("phase_transfer", on, rule_id=rules.PHASE_TRANSFER_RULES[transfer],
                                     transfer=transfer, year=year)
                    row["transfer_on"] = rules.transfer_date(year)
                    story.event("set_phase_transfer", on, transfer=transfer, year=year)
            if rng.random() < 0.04:  # ceasing outside a review: a move away, higher education, work
                on = story.case["last_event_on"] + dt.timedelta(days=rng.randint(30, 300))
                if on <= today and on <= annual["due_on"]:
                    self._cease(story, on)
                    return
            meeting = annual["due_on"] - dt.timedelta(days=rng.randint(0, 45))
            if rng.random() < 0.15:
                meeting = annual["due_on"] + dt.timedelta(days=rng.randint(1, 40))
            meeting = max(meeting, story.case["last_event_on"])
            if meeting > today:
                return
            story.case["review_meeting_on"] = meeting
            story.open("review_report", meeting)
            story.open("review_decision", meeting)
            story.event("hold_review_meeting", meeting, "under_review")
            report = meeting + dt.timedelta(days=self._days((5, 14), (15, 35), 0.15))
            if report > today:
                return
            story.meet(report, "review_report")
            story.event("record_review_report", report)
            decided = max(report, meeting + dt.timedelta(days=self._days((10, 28), (29, 50), 0.2)))
            if decided > today:
                return
            outcome = rng.choices(("maintain", "amend", "cease"), (80, 15, 5))[0]
            story.meet(decided, "review_decision", "annual_review", early_years.KIND)
            if outcome == "cease":  # no new review period: the plan runs on only until it has ceased
                story.case.update(cease_reason=rng.choice(codes.CEASE_REASONS), cease_decided_on=decided)
                story.event("decide_review_outcome", decided, "ceasing", outcome=outcome,
                            reason=story.case["cease_reason"])
                return
            if outcome == "maintain":
                story.meet_phase_transfers(decided)
            else:  # the proposed amendments go with the decision: the family's 15 days and the 8 weeks run
                story.open("amendment_representations", decided)
                story.open("amended_plan", decided)
            start = meeting if self.policy.review_period_starts_at == "meeting" else decided
            story.open("annual_review", start)
            story.open_early_years_review(decided)
            story.event("decide_review_outcome", decided, "plan_maintained" if outcome == "maintain" else "amending",
                        outcome=outcome)
            if outcome == "amend":
                if rng.random() < 0.05:  # decided to cease while the plan was being amended: a move away
                    on = decided + dt.timedelta(days=rng.randint(1, 40))
                    if on <= today:
                        self._cease(story, on)
                        return
                window = story.open_rows(("amendment_representations",))[-1]
                amended = max(decided + dt.timedelta(days=self._days((20, 56), (57, 100), 0.25)),
                              window["due_on"] + dt.timedelta(days=1))  # never before the family's window closed
                if amended > today:
                    return
                story.meet(amended, "amended_plan")
                story.close_window("amendment_representations")
                story.meet_phase_transfers(amended)
                story.event("issue_amended_plan", amended, "plan_maintained")

    def _cease(self, story: Story, on: dt.date) -> None:
        """A decision to cease outside a review: the plan and what it owes run on until the appeal time has
        passed."""
        story.case.update(cease_reason=self.rng.choice(codes.CEASE_REASONS), cease_decided_on=on)
        story.event("cease_plan", on, "ceasing", reason=story.case["cease_reason"])

    def _confirm_ceased(self, story: Story) -> None:
        """Confirmed once the family's time to appeal has passed with no appeal (none are made here): mostly within
        a month, else when the placement ends some months on. What the plan still owed is cancelled and a
        window on amendments ended."""
        decided = story.case["cease_decided_on"]
        last_day = ceasing.appeal_time_ends(SimpleNamespace(
            cease_decided_on=decided, deadlines=[SimpleNamespace(**row) for row in story.deadlines]))
        on = last_day + dt.timedelta(days=self._days((1, 30), (31, 150), 0.3))
        if on > self.today:
            return
        story.cancel(on, *EVENTS["confirm_ceased"].cancels)
        story.end_window(on, "amendment_representations")
        story.case["closed_on"] = on
        story.event("confirm_ceased", on, "ceased")


def _directory_and_users(db: Database) -> tuple[list[tuple[int, str]], dict[str, tuple[tuple[str, int], ...]]]:
    """The demo's directory and users, and the caseworkers the cases are shared among."""
    for name, kind, urn, ukprn in DIRECTORY:
        organisations.add_organisation(db, name, kind, urn=urn, ukprn=ukprn)
    users = [accounts.create_user(db, u.username, u.role, organisation=u.organisation, email=u.email,
                                  password=u.password) for u in demo.DEMO_USERS]
    own = [user for user in users if user.role == "caseworker"]
    colleagues = [accounts.create_user(db, f"officer{n:02d}", "caseworker", email=f"officer{n:02d}@demo.example")
                  for n in range(2, CASEWORKERS - len(own) + 2)]
    with db.reading() as session:
        ids = dict(session.execute(select(Organisation.name, Organisation.id)).tuples().all())
    bodies = {kind: tuple((name, ids[name]) for name in names) for kind, names in ADVISORY_BODIES.items()}
    return [(u.id, u.username) for u in (*own, *colleagues)], bodies


def _first_free_ids(db: Database) -> IdSequence:
    """Keys carry on from any rows already there (a caseload added beside other records)."""
    with db.reading() as session:
        highest = {model: session.scalar(select(func.max(model.id))) or 0 for model in TABLES}
    return IdSequence(case=highest[Case], person=highest[Person], contact=highest[Contact],
                      advice=highest[AdviceRequest], deadline=highest[Deadline], audit=highest[AuditEntry])


def load_caseload(db: Database, cases: int, today: dt.date, seed: int, keep: int = 0) -> dict[str, Any]:
    """Bulk-insert the caseload chunk by chunk; the first ``keep`` stories are returned for a replay check."""
    caseworkers, bodies = _directory_and_users(db)
    caseload = Caseload(today, db.policy, seed, caseworkers, bodies, _first_free_ids(db))
    kept: list[Story] = []
    counts: Counter[str] = Counter()
    states: Counter[str] = Counter()
    started = time.perf_counter()
    python_seconds = 0.0
    done = 0
    while done < cases:
        batch = min(CHUNK_CASES, cases - done)
        tick = time.perf_counter()
        stories = [caseload.story() for _ in range(batch)]
        for story in stories:
            story.settle()
        rows = [
            (Person, [s.person for s in stories]),
            (Contact, [c for s in stories for c in s.contacts]),
            (Case, [s.case for s in stories]),
            (AdviceRequest, [a for s in stories for a in s.advice]),
            (Deadline, [d for s in stories for d in s.deadlines]),
            (AuditEntry, [e for s in stories for e in s.person_entries]),
            (AuditEntry, [e for s in stories for e in s.audit]),
        ]
        python_seconds += time.perf_counter() - tick
        with db.engine.begin() as conn:
            for model, table_rows in rows:
                if table_rows:
                    conn.execute(insert(model.__table__), table_rows)
                counts[model.__tablename__] += len(table_rows)
        states.update(s.state for s in stories)
        kept += stories[:keep - len(kept)]
        done += batch
    if db.dialect == "postgresql":  # the keys were handed out here: the sequences carry on after them
        with db.engine.begin() as conn:
            for model in TABLES:
                table = model.__tablename__
                conn.execute(text(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                                  f"(SELECT max(id) FROM {table}))"))
    analyse = time.perf_counter()
    with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(text("ANALYZE"))  # the planner learns the tables' new sizes before the first page is read
    finished = time.perf_counter()
    return dict(seconds=finished - started, python_seconds=python_seconds, analyse_seconds=finished - analyse,
                rows=counts, states=states, kept=kept)


def load(db: Database, seed: int = 2014, *, cases: int, out: Callable[[str], None] = print) -> dict[str, Any] | None:
    """The demo directory, users and ``cases`` cases in bulk, unless the demo users already exist."""
    existing = demo.existing_demo_users(db)
    if existing:
        out(f"The demo users already exist ({', '.join(existing)}), so the demo caseload is already loaded; "
            "nothing was added.")
        demo.sign_in_help(out)
        return None
    loaded = load_caseload(db, cases, clock.today(), seed)
    states = loaded["states"]
    out(f"Loaded {cases:,} demo cases in {loaded['seconds']:.0f} seconds, received over the last two years and "
        f"shared among {CASEWORKERS} caseworkers (the demo's caseworkers among them): "
        + ", ".join(f"{states[s]:,} {s.replace('_', ' ')}" for s in ehcp.STATES) + ".")
    demo.sign_in_help(out)
    return loaded
