"""Core benchmark: a large authority's caseload, the events that move it, and deadline status over all of it.

    python tests/bench/bench_core.py --engine sqlite|postgresql [--cases 100000] [--events 2000]

A temporary database (a SQLite file in a temporary directory, or a uniquely named PostgreSQL database that
is dropped afterwards) is migrated to the newest schema and loaded with a synthetic caseload received over
the two years before today. Each case's story is walked forward with the same rule table and legal clock
the operations use, so its deadline rows carry the kinds, rules, citations and due dates an officer would
see, met, late, cancelled or still open; the rows go in by bulk inserts, one transaction per chunk.

The first --replay stories (200 by default) are then replayed event by event through the real operations
into a scratch SQLite database, and must come out with the same case facts and deadline rows: the bulk rows
are what the operations would have written.

Then it measures:
  (a) events per second through ``casework.operations.fire_event``, each event its own transaction, on a
      sample of open cases, with the event each case's stage calls for;
  (b) every deadline's status as of today, once as one SQL query (``deadlines.status_sql``, GROUP BY) and
      once with the Python ``deadlines.status`` over all rows streamed, and that the two agree;
  (c) peak resident memory of this process after loading and at the end;
  (d) that no state machine is built per case: ``transitions.Machine`` instances are counted (constructor
      calls and live objects) before loading, after loading and reading every case through the ORM, and
      after firing the events; the one shared machine must stay the only one.

It exits non-zero if (b) disagrees or (d) finds a machine per case. Figures vary with the machine: the
interesting part is their order of magnitude and how they scale with --cases.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import functools
import gc
import random
import resource
import statistics
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import transitions
from sqlalchemy import func, insert, select, text

from casework import accounts, operations, organisations
from casework.core import clock
from casework.core.db import Database
from casework.core.policy import Policy
from casework.core.settings import load_settings
from casework.deadlines.status import status, status_sql
from casework.law import rules
from casework.models import AdviceRequest, AuditEntry, Case, Deadline, Person, User
from casework.models.deadline import STATUSES
from workflows import ehcp

CHUNK_CASES = 5_000
CASEWORKERS = 40
ADVISORY_BODIES = {
    "parent": "Parent and carer contributions",
    "educational": "Special educational needs coordinators",
    "psychological": "Educational Psychology Service",
    "health": "Northbridge NHS Foundation Trust",
    "social_care": "Children's Social Care",
    "other": "Sensory Support Service",
}
GIVEN = ("Amelia", "Oliver", "Isla", "George", "Ava", "Noah", "Mia", "Arthur", "Ivy", "Leo", "Freya", "Muhammad",
         "Sophia", "Harry", "Lily", "Oscar", "Grace", "Jack", "Evie", "Theo")
FAMILY = ("Smith", "Jones", "Taylor", "Brown", "Williams", "Wilson", "Johnson", "Davies", "Patel", "Robinson",
          "Wright", "Thompson", "Evans", "Walker", "White", "Roberts", "Green", "Hall", "Khan", "Wood")
NEEDS = (("ASD", 30), ("SEMH", 18), ("SLCN", 17), ("MLD", 8), ("SPLD", 6), ("SLD", 5), ("PD", 4), ("HI", 2),
         ("VI", 1), ("PMLD", 2), ("MSI", 1), ("DS", 2), ("OTH", 4))
ALLOWED = {state: frozenset(ehcp.allowed_events(state)) for state in ehcp.STATES}
SETTINGS_NAMED = ("Riverside Primary School", "Hill View Academy", "Oakfield Special School",
                  "St Mary's CE Primary", "Northbridge College", "Meadow Lane Resource Base")


# ----------------------------------------------------------------------------------------- machine counting

class MachineCount:
    """Counts ``transitions.Machine`` constructions from now on (subclasses too) and live instances."""

    def __init__(self) -> None:
        self.constructed = 0
        original = transitions.Machine.__init__

        @functools.wraps(original)
        def counting_init(machine: transitions.Machine, *args: Any, **kwargs: Any) -> None:
            self.constructed += 1
            original(machine, *args, **kwargs)

        transitions.Machine.__init__ = counting_init  # type: ignore[method-assign]

    @staticmethod
    def alive() -> int:
        gc.collect()
        return sum(1 for obj in gc.get_objects() if isinstance(obj, transitions.Machine))


def peak_rss_mib() -> float:
    """Peak resident set size of this process so far (Linux reports KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


# ----------------------------------------------------------------------------------------- temporary database

@contextlib.contextmanager
def temporary_database(engine_name: str) -> Iterator[str]:
    if engine_name == "sqlite":
        with tempfile.TemporaryDirectory(prefix="ehcp-bench-") as directory:
            yield f"sqlite:///{Path(directory) / 'bench.db'}"
        return
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))  # run as a script: the repository's tests package
    from tests.support import postgres_database

    with postgres_database("ehcp_bench") as url:
        yield url


# ----------------------------------------------------------------------------------------- synthetic caseload

@functools.cache
def _rule(rule_id: str, trigger: dt.date) -> rules.Rule:
    return rules.rule_in_force(rule_id, trigger)


@dataclass
class IdSequence:
    """Primary keys handed out in Python, so related rows can be written in the same bulk insert."""

    case: int = 0
    person: int = 0
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
    person_entry: dict[str, Any] = field(default_factory=dict)  # the audit entry recording the person
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
                   is_duty=spec.is_duty, created_at=self.now,
                   # The subject, as the operations set it: the advice request, or else the case itself.
                   subject_type="case" if advice_id is None else "advice_request",
                   subject_id=self.case["id"] if advice_id is None else advice_id)
        self.deadlines.append(row)
        return row

    def open_rows(self, kinds: tuple[str, ...]) -> list[dict[str, Any]]:
        return [d for d in self.deadlines if d["kind"] in kinds and d["met_on"] is None and d["cancelled_on"] is None]

    def meet(self, on: dt.date, *kinds: str, advice_id: int | None = None) -> None:
        for row in self.open_rows(kinds):
            if advice_id is None or (row["subject_type"], row["subject_id"]) == ("advice_request", advice_id):
                row["met_on"] = on

    def cancel(self, on: dt.date, *kinds: str) -> None:
        for row in self.open_rows(kinds):
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
                 bodies: dict[str, int]) -> None:
        self.today = today
        self.policy = policy
        self.rng = random.Random(seed)
        self.caseworkers = caseworkers
        self.bodies = bodies
        self.ids = IdSequence()
        self.needs = [code for code, weight in NEEDS for _ in range(weight)]

    def _days(self, on_time: tuple[int, int], late: tuple[int, int], late_share: float) -> int:
        return self.rng.randint(*(late if self.rng.random() < late_share else on_time))

    def story(self) -> Story:
        rng, today = self.rng, self.today
        received = today - dt.timedelta(days=rng.randint(1, 730))
        case_id = self.ids.next("case")
        worker = rng.choice(self.caseworkers)
        now = clock.now()
        # The child, a person of their own, as create_case records one for a request naming a new child.
        person = dict(id=self.ids.next("person"), version=1, given_name=rng.choice(GIVEN),
                      family_name=rng.choice(FAMILY),
                      date_of_birth=received - dt.timedelta(days=rng.randint(2 * 365, 19 * 365)), created_at=now)
        # Version 2, as create_case leaves it: the insert, then the update that sets the reference.
        case = dict(id=case_id, reference=f"{self.policy.reference_prefix}-{received.year}-{case_id:06d}",
                    state=ehcp.INITIAL, version=2, person_id=person["id"], primary_need=rng.choice(self.needs),
                    received_on=received, requested_by=rng.choices(("parent", "school", "young_person", "other"),
                                                                   (55, 38, 4, 3))[0],
                    assigned_caseworker_id=worker[0], last_event_on=received, decision_to_assess_on=None,
                    draft_issued_on=None, plan_issued_on=None, named_setting=None, review_meeting_on=None,
                    closed_on=None, closed_reason=None, cease_reason=None, created_at=now)
        story = Story(case, self.ids, self.policy, worker, now, person)
        story.person_entry = dict(
            id=self.ids.next("audit"), person_id=person["id"], actor_id=worker[0], actor=worker[1], at=now,
            event="person_added", fields={"changes": {name: {"before": None, "after": str(person[name])}
                                                      for name in ("given_name", "family_name", "date_of_birth")}})
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
                story.advice.append(dict(id=advice_id, case_id=story.case["id"], advice_type=advice_type,
                                         organisation_id=self.bodies[advice_type], requested_on=when,
                                         received_on=receipt, returned_on=None, returned_by_id=None,
                                         created_at=story.now))
                story.open("advice", receipt, advice_id=advice_id)
                story.event("request_advice", when, advice_type=advice_type,
                            organisation=ADVISORY_BODIES[advice_type], received_on=receipt)
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
                story.event("issue_final", when, "plan_maintained", named_setting=setting)
        if story.state == "plan_maintained":
            self._reviews(story)

    def _reviews(self, story: Story) -> None:
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
                    rule_id = "R8.2" if transfer == "post16" else "R8.1"
                    story.cancel(on, "phase_transfer")
                    story.open("phase_transfer", on, rule_id=rule_id, transfer=transfer, year=year)
                    story.event("set_phase_transfer", on, transfer=transfer, year=year)
            if rng.random() < 0.015:
                on = story.case["last_event_on"] + dt.timedelta(days=rng.randint(30, 300))
                if on <= today and on <= annual["due_on"]:
                    story.cancel(on, "annual_review", "review_report", "amended_plan", "phase_transfer")
                    story.case.update(cease_reason=rng.randint(1, 9), closed_on=on)
                    story.event("cease_plan", on, "ceased", reason=story.case["cease_reason"])
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
            story.meet(decided, "review_decision", "annual_review")
            if outcome == "cease":
                story.cancel(decided, "phase_transfer", "amended_plan", "review_report")
                story.case["closed_on"] = decided
                story.event("decide_review_outcome", decided, "ceased", outcome=outcome)
                return
            if outcome == "maintain":
                story.meet(decided, "phase_transfer")
            else:
                story.open("amended_plan", decided)
            start = meeting if self.policy.review_period_starts_at == "meeting" else decided
            story.open("annual_review", start)
            story.event("decide_review_outcome", decided, "plan_maintained" if outcome == "maintain" else "amending",
                        outcome=outcome)
            if outcome == "amend":
                amended = decided + dt.timedelta(days=self._days((20, 56), (57, 100), 0.25))
                if amended > today:
                    return
                story.meet(amended, "amended_plan", "phase_transfer")
                story.event("issue_amended_plan", amended, "plan_maintained")


def _setup_people(db: Database) -> tuple[list[tuple[int, str]], dict[str, int]]:
    caseworkers = [accounts.create_user(db, f"officer{n:02d}", "caseworker", email=f"officer{n:02d}@example.gov.uk")
                   for n in range(1, CASEWORKERS + 1)]
    accounts.create_user(db, "sen.manager", "manager", email="sen.manager@example.gov.uk")
    kinds = {"health": "nhs", "psychological": "educational_psychology", "social_care": "social_care"}
    bodies = {advice_type: organisations.add_organisation(db, name, kinds.get(advice_type, "other"))[0].id
              for advice_type, name in ADVISORY_BODIES.items()}
    return [(u.id, u.username) for u in caseworkers], bodies


def load_caseload(db: Database, cases: int, today: dt.date, seed: int, keep: int = 0) -> dict[str, Any]:
    """Bulk-insert the caseload chunk by chunk; the first ``keep`` stories are returned for the replay check."""
    caseworkers, bodies = _setup_people(db)
    kept: list[Story] = []
    caseload = Caseload(today, db.policy, seed, caseworkers, bodies)
    counts = Counter()
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
            (Case, [s.case for s in stories]),
            (AdviceRequest, [a for s in stories for a in s.advice]),
            (Deadline, [d for s in stories for d in s.deadlines]),
            (AuditEntry, [s.person_entry for s in stories]),
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
    with db.engine.begin() as conn:
        if db.dialect == "postgresql":
            for model in (Person, Case, AdviceRequest, Deadline, AuditEntry):
                table = model.__tablename__
                conn.execute(text(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                                  f"(SELECT max(id) FROM {table}))"))
    analyse = time.perf_counter()
    with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(text("ANALYZE"))
    finished = time.perf_counter()
    return dict(seconds=finished - started, python_seconds=python_seconds, analyse_seconds=finished - analyse,
                rows=counts, states=states, kept=kept)


# ----------------------------------------------------------------------------------------- replay check

_DATE_FIELDS = ("received_on",)
_COMPARED = ("kind", "rule", "citation", "starts_on", "due_on", "met_on", "cancelled_on", "is_duty")
_CASE_FACTS = ("state", "version", "received_on", "last_event_on", "decision_to_assess_on", "draft_issued_on",
               "plan_issued_on", "named_setting", "review_meeting_on", "closed_on", "closed_reason", "cease_reason")


def replay_through_operations(stories: list[Story], policy: Policy) -> int:
    """Replay synthetic stories event by event through ``casework.operations`` into a scratch SQLite database
    and require the same case facts and deadline rows: the bulk rows are what the operations would write."""
    with tempfile.TemporaryDirectory(prefix="ehcp-bench-replay-") as directory:
        db = Database(f"sqlite:///{Path(directory) / 'replay.db'}", policy)
        try:
            db.upgrade()
            for story in stories:
                _replay_one(db, story)
        finally:
            db.dispose()
    return len(stories)


def _replay_one(db: Database, story: Story) -> None:
    synthetic = story.case
    case = operations.create_case(
        db, actor=None, given_name=story.person["given_name"], family_name=story.person["family_name"],
        date_of_birth=story.person["date_of_birth"], received_on=synthetic["received_on"],
        requested_by=synthetic["requested_by"], primary_need=synthetic["primary_need"])
    advice_ids: dict[int, int] = {}  # synthetic advice request id -> the replay's
    synthetic_advice = iter(a["id"] for a in story.advice)
    for entry in story.audit[1:]:
        fields = dict(entry["fields"])
        for name in _DATE_FIELDS:
            if name in fields:
                fields[name] = dt.date.fromisoformat(fields[name])
        if "advice_request_id" in fields:
            fields["advice_request_id"] = advice_ids[fields["advice_request_id"]]
        case = operations.fire_event(db, case.id, entry["event"], actor=None, on=entry["on"], **fields)
        if entry["event"] == "request_advice":
            advice_ids[next(synthetic_advice)] = max(a.id for a in case.advice_requests)
    reverse = {replayed: original for original, replayed in advice_ids.items()}
    with db.reading() as session:
        replayed = session.get(Case, case.id)
        facts = {name: getattr(replayed, name) for name in _CASE_FACTS}
        rows = [tuple(getattr(d, c) for c in _COMPARED) + (reverse.get(d.advice_request_id),)
                for d in session.scalars(select(Deadline).where(Deadline.case_id == case.id).order_by(Deadline.id))]
        returned = {reverse[a.id]: a.returned_on for a in replayed.advice_requests}
    expected_rows = [tuple(d[c] for c in _COMPARED) + (d["subject_id"] if d["subject_type"] == "advice_request"
                                                       else None,) for d in story.deadlines]
    expected_facts = {name: synthetic[name] for name in _CASE_FACTS}
    if facts != expected_facts or rows != expected_rows or returned != {a["id"]: a["returned_on"]
                                                                        for a in story.advice}:
        raise AssertionError(f"synthetic case {synthetic['reference']} differs from its replay through the "
                             f"operations:\n facts {facts}\n   vs  {expected_facts}\n rows {rows}\n  vs  "
                             f"{expected_rows}")


# ----------------------------------------------------------------------------------------- (a) events

@dataclass
class PlannedEvent:
    case_id: int
    event: str
    fields: dict[str, Any]


def plan_events(db: Database, sample: int, today: dt.date, seed: int) -> list[PlannedEvent]:
    """Pick open cases at random, taking each open stage in turn so every kind of event is timed, and for
    each case the next thing an officer would record today."""
    rng = random.Random(seed + 1)
    with db.reading() as session:
        by_state: dict[str, list[int]] = {}
        for case_id, state in session.execute(select(Case.id, Case.state).where(Case.state.in_(ehcp.OPEN_STATES))
                                              .order_by(Case.id)):
            by_state.setdefault(state, []).append(case_id)
        for ids in by_state.values():
            rng.shuffle(ids)
        chosen: list[int] = []
        while len(chosen) < sample and any(by_state.values()):
            for ids in by_state.values():
                if ids and len(chosen) < sample:
                    chosen.append(ids.pop())
        chosen.sort()
        facts: dict[int, tuple[str, dt.date | None]] = {}
        outstanding: dict[int, list[int]] = {}
        report_open: set[int] = set()
        for start in range(0, len(chosen), 900):
            ids = chosen[start:start + 900]
            for case_id, state, draft_on in session.execute(
                    select(Case.id, Case.state, Case.draft_issued_on).where(Case.id.in_(ids))):
                facts[case_id] = (state, draft_on)
            for case_id, advice_id in session.execute(select(AdviceRequest.case_id, AdviceRequest.id).where(
                    AdviceRequest.case_id.in_(ids), AdviceRequest.returned_on.is_(None))):
                outstanding.setdefault(case_id, []).append(advice_id)
            report_open.update(session.scalars(select(Deadline.case_id).where(
                Deadline.case_id.in_(ids), Deadline.kind == "review_report", Deadline.met_on.is_(None),
                Deadline.cancelled_on.is_(None))))
    transfer_year = today.year if today < dt.date(today.year, 2, 14) else today.year + 1
    planned: list[PlannedEvent] = []
    for case_id in chosen:
        state, draft_on = facts[case_id]
        waiting = outstanding.get(case_id, [])
        if state == "request_received":
            event, fields = ("agree_to_assess", {}) if rng.random() < 0.9 else \
                ("refuse_to_assess", {"reason": "Needs can be met from resources the school has"})
        elif state in ehcp.ADVICE_STATES and waiting and rng.random() < 0.6:
            event, fields = "record_advice", {"advice_request_id": rng.choice(waiting)}
        elif state == "assessment":
            event, fields = ("request_advice", {"advice_type": "other", "organisation": ADVISORY_BODIES["other"]}) \
                if rng.random() < 0.4 else ("decide_to_issue", {})
        elif state == "drafting":
            event, fields = "issue_draft", {}
        elif state == "draft_issued":
            window_closed = draft_on is not None and today > clock.days_beginning_with(draft_on, 15)
            event, fields = ("issue_final", {"named_setting": rng.choice(SETTINGS_NAMED)}) if window_closed else \
                ("withdraw", {"reason": "Family moved out of the area"})
        elif state == "plan_maintained":
            event, fields = ("set_phase_transfer", {"transfer": "school", "year": transfer_year}) \
                if rng.random() < 0.1 else ("hold_review_meeting", {})
        elif state == "under_review":
            event, fields = ("record_review_report", {}) if case_id in report_open else \
                ("decide_review_outcome", {"outcome": rng.choice(("maintain", "maintain", "amend"))})
        elif state == "amending":
            event, fields = "issue_amended_plan", {}
        else:
            raise AssertionError(f"no event planned for state {state}")
        planned.append(PlannedEvent(case_id, event, fields))
    return planned


def fire_events(db: Database, planned: list[PlannedEvent], today: dt.date) -> dict[str, Any]:
    with db.reading() as session:
        officer = session.scalars(select(User).where(User.username == "officer01")).one()
    latencies: list[float] = []
    by_event: Counter[str] = Counter()
    started = time.perf_counter()
    for step in planned:
        tick = time.perf_counter()
        operations.fire_event(db, step.case_id, step.event, actor=officer, on=today, **step.fields)
        latencies.append(time.perf_counter() - tick)
        by_event[step.event] += 1
    seconds = time.perf_counter() - started
    latencies.sort()
    return dict(events=len(planned), seconds=seconds, per_second=len(planned) / seconds if seconds else 0.0,
                p50_ms=statistics.median(latencies) * 1000 if latencies else 0.0,
                p95_ms=latencies[int(len(latencies) * 0.95) - 1] * 1000 if latencies else 0.0,
                by_event=by_event)


# ----------------------------------------------------------------------------------------- (b) status

def statuses_in_sql(db: Database, as_of: dt.date) -> tuple[Counter[str], float]:
    label = status_sql(as_of, db.policy).label("status")
    started = time.perf_counter()
    with db.engine.connect() as conn:
        counts = Counter({row.status: row.n for row in conn.execute(
            select(label, func.count().label("n")).group_by(label))})
    return counts, time.perf_counter() - started


def statuses_in_python(db: Database, as_of: dt.date) -> tuple[Counter[str], float, int]:
    """Every row streamed from the server in batches and given to ``deadlines.status`` one at a time."""
    columns = select(Deadline.kind, Deadline.due_on, Deadline.met_on, Deadline.cancelled_on, Deadline.is_duty)
    counts: Counter[str] = Counter()
    rows = 0
    started = time.perf_counter()
    with db.engine.connect() as conn:
        result = conn.execution_options(stream_results=True, yield_per=20_000).execute(columns)
        for partition in result.partitions():
            for row in partition:
                counts[status(row, as_of, db.policy)] += 1  # a Row has the attributes status() reads
            rows += len(partition)
    return counts, time.perf_counter() - started, rows


# ----------------------------------------------------------------------------------------- (d) ORM read

def read_every_case(db: Database) -> tuple[int, int, float]:
    """Load every case as an ORM object with its deadlines and advice, the way pages and the API do."""
    cases = deadlines = 0
    started = time.perf_counter()
    with db.reading() as session:
        for case in session.scalars(select(Case).order_by(Case.id).execution_options(yield_per=2_000)):
            cases += 1
            deadlines += len(case.deadlines)
            ehcp.allowed_events(case.state)
    return cases, deadlines, time.perf_counter() - started


# ----------------------------------------------------------------------------------------- report

def _table(rows: list[tuple[str, str]]) -> str:
    width = max(len(name) for name, _ in rows)
    return "\n".join(f"  {name:<{width}}  {value}" for name, value in rows)


def run(engine_name: str, cases: int, events: int, seed: int, replay: int,
        out: Callable[[str], None] = print) -> int:
    machines = MachineCount()
    today = clock.today()
    policy = Policy.from_settings(load_settings(env={}))
    failures: list[str] = []
    with temporary_database(engine_name) as url:
        db = Database(url, policy)
        try:
            tick = time.perf_counter()
            db.upgrade()
            migrate_seconds = time.perf_counter() - tick
            alive_before = MachineCount.alive()
            constructed_before = machines.constructed

            loaded = load_caseload(db, cases, today, seed, keep=replay)
            rss_after_load = peak_rss_mib()
            read_cases, read_deadlines, read_seconds = read_every_case(db)
            alive_after_load = MachineCount.alive()
            constructed_after_load = machines.constructed

            planned = plan_events(db, events, today, seed)
            fired = fire_events(db, planned, today)
            alive_after_events = MachineCount.alive()
            constructed_after_events = machines.constructed

            sql_counts, sql_seconds = statuses_in_sql(db, today)
            py_counts, py_seconds, py_rows = statuses_in_python(db, today)
            rss_end = peak_rss_mib()
            models_on_machine = len(ehcp.MACHINE.models)
        finally:
            db.dispose()
    tick = time.perf_counter()
    replayed = replay_through_operations(loaded["kept"], policy)
    replay_seconds = time.perf_counter() - tick

    if sql_counts != py_counts:
        failures.append(f"SQL and Python statuses disagree: {dict(sql_counts)} != {dict(py_counts)}")
    if sum(sql_counts.values()) != py_rows:
        failures.append("the status query did not count every deadline row")
    if constructed_after_events != constructed_before or not alive_before == alive_after_load == alive_after_events:
        failures.append("transitions.Machine instances grew while loading or firing")
    if alive_after_events > 1 or models_on_machine:
        failures.append(f"{alive_after_events} machines alive, {models_on_machine} models attached to the shared one")

    rows = loaded["rows"]
    total_rows = sum(rows.values())
    out(f"\nEHCP core benchmark: {engine_name}, {cases:,} cases received {today - dt.timedelta(days=730)} to "
        f"{today - dt.timedelta(days=1)}, as of {today}")
    out(_table([
        ("migrate to newest schema", f"{migrate_seconds:.1f} s"),
        ("rows loaded", ", ".join(f"{name} {n:,}" for name, n in rows.items()) + f" (total {total_rows:,})"),
        ("load time", f"{loaded['seconds']:.1f} s ({total_rows / loaded['seconds']:,.0f} rows/s; "
                      f"{loaded['python_seconds']:.1f} s building rows in Python, "
                      f"ANALYZE {loaded['analyse_seconds']:.1f} s)"),
        ("replayed through operations", f"{replayed} synthetic cases, every event: same facts and deadline rows "
                                        f"({replay_seconds:.1f} s, scratch SQLite)"),
        ("caseload by state", ", ".join(f"{s} {n:,}" for s, n in loaded["states"].most_common())),
        ("ORM read of every case", f"{read_cases:,} cases, {read_deadlines:,} deadlines in {read_seconds:.1f} s "
                                   f"({read_cases / read_seconds:,.0f} cases/s)"),
        ("(a) events fired", f"{fired['events']:,} in {fired['seconds']:.1f} s = {fired['per_second']:,.0f} events/s "
                             f"(p50 {fired['p50_ms']:.1f} ms, p95 {fired['p95_ms']:.1f} ms)"),
        ("    by event", ", ".join(f"{e} {n}" for e, n in fired["by_event"].most_common())),
        ("(b) status in SQL", f"{sql_seconds:.2f} s for {sum(sql_counts.values()):,} rows (one GROUP BY query)"),
        ("    status in Python", f"{py_seconds:.2f} s for {py_rows:,} rows streamed "
                                 f"({py_rows / py_seconds:,.0f} rows/s)"),
        ("    statuses as of today", ", ".join(f"{s} {sql_counts.get(s, 0):,}" for s in STATUSES)
         + ("  [SQL = Python]" if sql_counts == py_counts else "  [DISAGREE]")),
        ("(c) peak RSS after load", f"{rss_after_load:,.0f} MiB (this process; the server's memory is not counted)"),
        ("    peak RSS at end", f"{rss_end:,.0f} MiB"),
        ("(d) Machine instances alive", f"before load {alive_before}, after load and ORM read {alive_after_load}, "
                                        f"after events {alive_after_events}"),
        ("    Machine constructions", f"{constructed_after_load - constructed_before} while loading and reading, "
                                      f"{constructed_after_events - constructed_after_load} while firing; "
                                      f"models attached {models_on_machine}"),
    ]))
    for failure in failures:
        out(f"FAILED: {failure}")
    return 1 if failures else 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--engine", choices=("sqlite", "postgresql"), default="sqlite")
    parser.add_argument("--cases", type=int, default=100_000)
    parser.add_argument("--events", type=int, default=2_000)
    parser.add_argument("--seed", type=int, default=2014)
    parser.add_argument("--replay", type=int, default=200,
                        help="how many synthetic cases to replay through the operations as a check")
    args = parser.parse_args(argv)
    return run(args.engine, args.cases, args.events, args.seed, args.replay)


if __name__ == "__main__":
    sys.exit(main())
