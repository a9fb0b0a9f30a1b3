"""The deadline scan over a year of a small authority's caseload, day by day, on the real database.

A seeded caseload goes through the operations the way a team would record it: requests arriving through
spring and summer, decisions and advice on time, on the due date, late or never, plans issued, reviews of
plans made the year before, amendments and phase transfers. Each morning the scan runs (then that day's
events are recorded), and afterwards the alerts are checked against an answer worked out separately from
the deadline rows alone: every breach alerted exactly once, the day after its due date; every warning on
the first morning inside its window; nothing for a deadline met in time or for a family's window.
"""

from __future__ import annotations

import datetime as dt
import logging
import random
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import freezegun
import pytest
from sqlalchemy import func, select

from casework import operations as ops
from casework.alerts import scan
from casework.core.db import Database
from casework.core.policy import Policy
from casework.law import rules
from casework.models import ADVICE_TYPES, Alert, Case, Deadline, ScanRun
from tests.support import to_final_plan

D = dt.date
DAY = dt.timedelta(days=1)
SEED = 20140901
WALK_START = D(2024, 3, 1)
WALK_END = WALK_START + 364 * DAY  # 365 morning scans, 1 March 2024 to 28 February 2025
ORGANISATIONS = {"parent": "Parent Partnership", "educational": "Riverside Primary School",
                 "health": "Northbridge NHS Trust", "psychological": "Educational Psychology Service",
                 "social_care": "Children's Social Care", "other": "Speech and Language Service"}
# The order in which same-day events must be recorded for the workflow to allow them.
STEP_ORDER = {"create": 0, "agree_to_assess": 1, "refuse_to_assess": 1, "request_advice": 2, "record_advice": 3,
              "decide_to_issue": 4, "decide_not_to_issue": 4, "issue_draft": 5, "issue_final": 6,
              "set_phase_transfer": 7, "hold_review_meeting": 8, "record_review_report": 9,
              "decide_review_outcome": 10, "issue_amended_plan": 11, "cease_plan": 12, "withdraw": 12}


@dataclass(order=True)
class Step:
    on: dt.date
    order: int
    case_key: int
    event: str = field(compare=False)
    fields: dict[str, Any] = field(compare=False, default_factory=dict)


@pytest.fixture
def authority_db(database_url: str, settings: dict[str, Any]) -> Iterator[Database]:
    """The database with the authority's configured warning windows (different per deadline kind)."""
    database = Database(database_url, Policy.from_settings(settings))
    yield database
    database.dispose()


def _timing(rng: random.Random, pattern: str, due_after: int, on_time_from: int) -> int | None:
    """Days after the trigger on which a duty is done: early, on the due date, late, or never (None)."""
    if pattern == "on_time":
        return rng.randint(on_time_from, due_after - 1)
    if pattern == "on_due_date":
        return due_after
    if pattern == "late":
        return rng.randint(due_after + 1, due_after + 35)
    return None


PATTERNS = ("on_time", "late", "on_due_date", "on_time", "never", "late")


def plan_new_request(rng: random.Random, key: int) -> list[Step]:
    """A request received during the year, and what the team does with it."""
    received = WALK_START + rng.randint(0, 150) * DAY
    steps = [Step(received, 0, key, "create")]
    first = key % 9
    if first == 7:
        return steps + [Step(received + rng.randint(20, 50) * DAY, 1, key, "refuse_to_assess",
                             {"reason": "Needs can be met at SEN support"})]
    if first == 8:
        return steps  # no decision is ever recorded: 6, 16 and 20-week breaches
    agreed_after = _timing(rng, PATTERNS[key % len(PATTERNS)], 42, 14) or 60
    agreed = received + agreed_after * DAY
    steps.append(Step(agreed, 1, key, "agree_to_assess"))
    # Every advice type in turn, two or three per case, each with its own pattern of return.
    types = [ADVICE_TYPES[(key + n) % len(ADVICE_TYPES)] for n in range(2 + key % 2)]
    requests = []
    for n, advice_type in enumerate(types):
        asked = agreed + rng.randint(0, 7) * DAY
        returned_after = _timing(rng, PATTERNS[(key // len(ADVICE_TYPES) + n) % len(PATTERNS)], 42, 20)
        requests.append((asked, returned_after))
        steps.append(Step(asked, 2, key, "request_advice",
                          {"advice_type": advice_type, "organisation": ORGANISATIONS[advice_type]}))
    last_asked = max(asked for asked, _ in requests)
    issue_after = _timing(rng, PATTERNS[(key + 2) % len(PATTERNS)], 112, 80) or 140
    decided = max(received + issue_after * DAY, last_asked)
    if key % 11 == 5:
        steps.append(Step(decided, 4, key, "decide_not_to_issue", {"reason": "Needs can be met without a plan"}))
        final = decided
    else:
        drafted = decided + rng.randint(7, 21) * DAY
        final = drafted + rng.randint(15, 40) * DAY
        steps += [Step(decided, 4, key, "decide_to_issue"), Step(drafted, 5, key, "issue_draft"),
                  Step(final, 6, key, "issue_final", {"named_setting": "Oak Primary"})]
    for n, (asked, returned_after) in enumerate(requests):
        if returned_after is not None and asked + returned_after * DAY < final:
            steps.append(Step(asked + returned_after * DAY, 3, key, "record_advice", {"advice_index": n}))
    if key % 13 == 3 and key % 11 != 5:  # a family withdraws some weeks in, if the case is still open then
        withdrawn = received + rng.randint(50, 90) * DAY
        steps = [s for s in steps if s.on < withdrawn] + [Step(withdrawn, 12, key, "withdraw",
                                                                {"reason": "Family moved away"})]
    return steps


def plan_review(rng: random.Random, key: int, annual_review_due: dt.date) -> list[Step]:
    """A plan made the year before comes up for its annual review, and perhaps a phase transfer."""
    steps: list[Step] = []
    if key % 3 == 0:
        steps.append(Step(WALK_START + rng.randint(1, 20) * DAY, 7, key, "set_phase_transfer",
                          {"transfer": "school", "year": 2025}))
    if key % 7 == 6:
        return steps  # the review never happens: the annual review is breached
    meeting = annual_review_due + rng.choice([-60, -40, -25, -10, 5, 20]) * DAY
    steps.append(Step(meeting, 8, key, "hold_review_meeting"))
    decided = meeting + (_timing(rng, PATTERNS[(key + 1) % len(PATTERNS)], 28, 10) or 40) * DAY
    report_after = _timing(rng, PATTERNS[key % len(PATTERNS)], 14, 3)
    if report_after is not None and meeting + report_after * DAY < decided:
        steps.append(Step(meeting + report_after * DAY, 9, key, "record_review_report"))
    outcome = ("maintain", "amend", "cease", "amend")[key % 4]
    steps.append(Step(decided, 10, key, "decide_review_outcome",
                      {"outcome": outcome, **({"reason": 2} if outcome == "cease" else {})}))
    plan_in_force = outcome == "maintain"
    if outcome == "amend":
        issued_after = _timing(rng, PATTERNS[(key + 3) % len(PATTERNS)], 56, 20)
        if issued_after is not None:
            issued_after = max(issued_after, 15)  # after the family's 15 days on the proposed amendments
            steps.append(Step(decided + issued_after * DAY, 11, key, "issue_amended_plan"))
            plan_in_force = True
    if outcome == "maintain" and key % 3 == 1:  # a transfer noted after the review and then left undone
        steps.append(Step(decided + rng.randint(5, 30) * DAY, 7, key, "set_phase_transfer",
                          {"transfer": "school", "year": 2025}))
    if key % 5 == 4 and plan_in_force:
        last = max(s.on for s in steps)
        steps.append(Step(last + rng.randint(20, 60) * DAY, 12, key, "cease_plan", {"reason": 2}))
    return steps


def build_caseload(db: Database, rng: random.Random, new_requests: int, reviews: int) -> tuple[list[Step],
                                                                                                dict[int, int]]:
    """Plans made last year (recorded now, all on time) and the year's steps for every case."""
    case_ids: dict[int, int] = {}
    steps: list[Step] = []
    for key in range(reviews):
        received = D(2023, 1, 16) + rng.randint(0, 120) * DAY
        case = ops.create_case(db, actor=None, given_name="Review", family_name=f"Child{key}",
                               date_of_birth=D(2014, 1, 1) + key * DAY, received_on=received, requested_by="parent")
        case = to_final_plan(db, case.id, received)
        case_ids[key] = case.id
        due = next(d.due_on for d in case.deadlines if d.kind == "annual_review")
        steps += plan_review(rng, key, due)
    for key in range(reviews, reviews + new_requests):
        steps += plan_new_request(rng, key)
    return sorted(s for s in steps if s.on <= WALK_END), case_ids


def record(db: Database, step: Step, case_ids: dict[int, int], advice_ids: dict[int, list[int]]) -> None:
    if step.event == "create":
        case = ops.create_case(db, actor=None, given_name="Walk", family_name=f"Child{step.case_key}",
                               date_of_birth=D(2015, 6, 1), received_on=step.on, requested_by="parent")
        case_ids[step.case_key] = case.id
        return
    fields = dict(step.fields)
    if step.event == "record_advice":
        fields = {"advice_request_id": advice_ids[step.case_key][fields["advice_index"]]}
    case = ops.fire_event(db, case_ids[step.case_key], step.event, actor=None, on=step.on, **fields)
    if step.event == "request_advice":
        advice_ids[step.case_key] = [a.id for a in case.advice_requests]


# --------------------------------------------------------------------------------------------------- the answer

def _closed_on(d: Deadline) -> dt.date | None:
    return d.met_on or d.cancelled_on


def _seen_from(d: Deadline) -> dt.date:
    """The first morning scan that can see a deadline: the day after the event that opened it."""
    return max(d.starts_on + DAY, WALK_START)


def _open_at_scan(d: Deadline, day: dt.date) -> bool:
    """Open when that morning's scan runs (the day's events are recorded after it)."""
    closed = _closed_on(d)
    return _seen_from(d) <= day <= WALK_END and (closed is None or closed >= day)


def expected_alerts(deadlines: list[Deadline], policy: Policy) -> set[tuple[int, str, dt.date]]:
    expected = set()
    for d in deadlines:
        if not d.is_duty:
            continue
        late_from = max(d.due_on + DAY, _seen_from(d))
        if _open_at_scan(d, late_from):
            expected.add((d.id, "overdue", late_from))
        warned_from = max(policy.due_soon_from(d.kind, d.due_on), _seen_from(d))
        if warned_from <= d.due_on and _open_at_scan(d, warned_from):
            expected.add((d.id, "due_soon", warned_from))
    return expected


def expected_overdue_on(deadlines: list[Deadline], day: dt.date) -> int:
    return sum(1 for d in deadlines if d.is_duty and d.due_on < day and _open_at_scan(d, day))


# --------------------------------------------------------------------------------------------------- the walk

@pytest.mark.slow
def test_a_year_of_daily_scans_alerts_every_breach_once_on_the_day_after_it_falls_due(authority_db, settings):
    db, policy = authority_db, authority_db.policy
    rng = random.Random(SEED)
    with freezegun.freeze_time("2025-06-30") as frozen:
        steps, case_ids = build_caseload(db, rng, new_requests=36, reviews=12)
        advice_ids: dict[int, list[int]] = {}
        pending = iter(steps)
        step = next(pending, None)
        daily: dict[dt.date, dict[str, Any]] = {}
        day = WALK_START
        while day <= WALK_END:
            frozen.move_to(dt.datetime.combine(day, dt.time(7, 30), dt.UTC))  # each scan builds on yesterday's
            result = scan.run_scan(db, settings, as_of=day)
            again = scan.run_scan(db, settings, as_of=day)
            assert (again["new_alerts"], again["new_warnings"]) == (0, 0), f"second scan on {day} added alerts"
            assert again["overdue"] == result["overdue"] and result["as_of"] == day.isoformat()
            daily[day] = result
            while step is not None and step.on == day:
                record(db, step, case_ids, advice_ids)
                step = next(pending, None)
            day += DAY
        assert step is None, "every planned step was recorded"

    with db.reading() as s:
        deadlines = list(s.scalars(select(Deadline)))
        alerts = list(s.scalars(select(Alert)))
        full_scans = [run.full_scan for run in s.scalars(select(ScanRun).order_by(ScanRun.id))]
        advice_type = {a.id: a.advice_type for c in s.scalars(select(Case)) for a in c.advice_requests}
    assert full_scans == [True] + [False] * (2 * 365 - 1), "after the first, every scan read only what changed"
    by_id = {d.id: d for d in deadlines}
    raised = {(a.deadline_id, a.kind, a.raised_on) for a in alerts}
    assert len(raised) == len(alerts), "an alert was raised twice"
    assert raised == expected_alerts(deadlines, policy)

    overdue = [a for a in alerts if a.kind == "overdue"]
    assert all(a.raised_on == a.due_on + DAY for a in overdue), "every breach is alerted the day after it fell due"
    # an alert keeps the rule it was raised under: a decision deadline late while undecided was R3.1 then,
    # even if a decision to issue later recorded it under the local milestone M3.2
    def rule_when_raised(d: Deadline) -> str:
        return "R3.1" if d.rule == "M3.2" else d.rule

    assert all((a.deadline_kind, a.rule, a.due_on, a.case_id, a.advice_request_id)
               == (by_id[a.deadline_id].kind, rule_when_raised(by_id[a.deadline_id]), by_id[a.deadline_id].due_on,
                   by_id[a.deadline_id].case_id, by_id[a.deadline_id].advice_request_id) for a in alerts)
    warned_in_time = [a for a in alerts if a.kind == "due_soon"
                      and by_id[a.deadline_id].starts_on < policy.due_soon_from(a.deadline_kind, a.due_on)]
    assert warned_in_time and all(a.raised_on == policy.due_soon_from(a.deadline_kind, a.due_on)
                                  for a in warned_in_time)
    met_in_time = [d for d in deadlines if d.met_on is not None and d.met_on <= d.due_on]
    assert met_in_time and not {a.deadline_id for a in overdue} & {d.id for d in met_in_time}
    assert not [a for a in alerts if not by_id[a.deadline_id].is_duty]
    assert any(d.kind == "draft_representations" for d in deadlines)

    # What each morning's summary said matches the same independent answer.
    raised_by_day = Counter((a.raised_on, a.kind) for a in alerts)
    for day, result in daily.items():
        assert result["overdue"] == expected_overdue_on(deadlines, day), day
        assert result["new_alerts"] == raised_by_day[(day, "overdue")], day
        assert result["new_warnings"] == raised_by_day[(day, "due_soon")], day
        assert result["emails_sent"] == 0

    # The caseload really exercised every statutory limit: breaches and timely work of every kind.
    breached_kinds = {a.deadline_kind for a in overdue}
    assert breached_kinds >= {"decision_to_assess", "advice", "issue_decision", "final_plan", "annual_review",
                              "review_report", "review_decision", "amended_plan", "phase_transfer"}
    assert {advice_type[a.advice_request_id] for a in overdue if a.advice_request_id} == set(ADVICE_TYPES)
    assert {advice_type[d.advice_request_id] for d in met_in_time if d.advice_request_id} == set(ADVICE_TYPES)
    assert {d.kind for d in met_in_time} >= {"decision_to_assess", "advice", "issue_decision", "final_plan",
                                            "annual_review", "review_report", "review_decision", "amended_plan"}
    late_but_met = [d for d in deadlines if d.met_on is not None and d.met_on > d.due_on]
    assert late_but_met and {d.id for d in late_but_met} <= {a.deadline_id for a in overdue}


# --------------------------------------------------------------------------------------------------- single cases

def _alerts(db: Database) -> list[tuple[str, str, dt.date]]:
    with db.reading() as s:
        return [(a.deadline_kind, a.kind, a.raised_on)
                for a in s.scalars(select(Alert).order_by(Alert.deadline_kind, Alert.kind))]


def test_a_deadline_first_seen_already_late_gets_the_overdue_alert_and_no_belated_warning(db, new_case, settings):
    new_case(D(2024, 9, 2))  # 6-week decision due 14 Oct, 16 weeks 23 Dec, 20 weeks 20 Jan
    result = scan.run_scan(db, settings, as_of=D(2024, 12, 20))
    assert result == {"as_of": "2024-12-20", "overdue": 1, "new_alerts": 1, "new_warnings": 1, "emails_sent": 0}
    assert _alerts(db) == [("decision_to_assess", "overdue", D(2024, 12, 20)),
                           ("issue_decision", "due_soon", D(2024, 12, 20))]


def test_the_scan_raises_each_alert_once_and_keeps_the_first_date(db, new_case, settings):
    new_case(D(2024, 9, 2))  # decision due 14 October; warnings 14 days ahead
    warned = scan.run_scan(db, settings, as_of=D(2024, 10, 1))
    assert (warned["overdue"], warned["new_alerts"], warned["new_warnings"]) == (0, 0, 1)
    first = scan.run_scan(db, settings, as_of=D(2024, 10, 15))
    assert (first["overdue"], first["new_alerts"], first["new_warnings"]) == (1, 1, 0)
    assert scan.run_scan(db, settings, as_of=D(2024, 10, 15))["new_alerts"] == 0
    later = scan.run_scan(db, settings, as_of=D(2024, 11, 1))
    assert (later["overdue"], later["new_alerts"], later["new_warnings"]) == (1, 0, 0)
    assert _alerts(db) == [("decision_to_assess", "due_soon", D(2024, 10, 1)),
                           ("decision_to_assess", "overdue", D(2024, 10, 15))]


def test_acting_on_the_due_date_is_on_time_and_a_familys_window_is_never_alerted(db, new_case, settings):
    case = new_case(D(2024, 9, 2))
    ops.agree_to_assess(db, case.id, actor=None, on=D(2024, 10, 14))  # the due date itself
    ops.decide_to_issue(db, case.id, actor=None, on=D(2024, 10, 20))
    ops.issue_draft(db, case.id, actor=None, on=D(2024, 10, 21))  # representations window to 4 November
    result = scan.run_scan(db, settings, as_of=D(2024, 11, 20))
    assert (result["overdue"], result["new_alerts"]) == (0, 0)
    with db.reading() as s:
        assert s.scalar(select(func.count()).select_from(Alert)) == 0


def test_each_kind_warns_with_its_own_window(database_url, new_case, settings):
    windows = Policy(due_soon_days=5, due_soon_days_by_kind={"final_plan": 40})
    db = Database(database_url, windows)
    try:
        new_case(D(2024, 9, 2))  # decision due 14 Oct, issue decision 23 Dec, final plan 20 Jan
        assert scan.run_scan(db, settings, as_of=D(2024, 10, 8))["new_warnings"] == 0
        assert scan.run_scan(db, settings, as_of=D(2024, 10, 9))["new_warnings"] == 1  # 14 Oct - 5 days
        assert scan.run_scan(db, settings, as_of=D(2024, 12, 10))["new_warnings"] == 0
        assert scan.run_scan(db, settings, as_of=D(2024, 12, 11))["new_warnings"] == 1  # 20 Jan - 40 days
        assert scan.run_scan(db, settings, as_of=D(2024, 12, 17))["new_warnings"] == 0
        assert scan.run_scan(db, settings, as_of=D(2024, 12, 18))["new_warnings"] == 1  # 23 Dec - 5 days
        assert [(k, r) for k, kind, r in _alerts(db) if kind == "due_soon"] == [
            ("decision_to_assess", D(2024, 10, 9)), ("final_plan", D(2024, 12, 11)),
            ("issue_decision", D(2024, 12, 18))]
    finally:
        db.dispose()


def test_one_structured_log_line_per_scan(db, new_case, settings, caplog):
    new_case(D(2024, 9, 2))
    with caplog.at_level(logging.INFO, logger="casework.scan"):
        scan.run_scan(db, settings, as_of=D(2024, 12, 10))  # decision late; issue decision due in 13 days
    lines = [r.getMessage() for r in caplog.records if r.name == "casework.scan"]
    assert len(lines) == 1
    fields = dict(part.split("=", 1) for part in lines[0].split()[1:])
    assert set(fields) == {"as_of", "deadlines_examined", "overdue", "new_alerts", "new_warnings", "emails_sent",
                           "emails_failed", "seconds"}
    assert (fields["as_of"], fields["overdue"], fields["new_alerts"], fields["new_warnings"]) == (
        "2024-12-10", "1", "1", "1")
    assert int(fields["deadlines_examined"]) == 2 and float(fields["seconds"]) >= 0
    assert "Ada" not in lines[0] and "Example" not in lines[0]


def test_every_deadline_kind_has_a_warning_window(settings):
    policy = Policy.from_settings(settings)
    assert all(policy.warning_days(kind) > 0 for kind in rules.DEADLINE_KINDS)
