"""A scan builds on the last one: it reads only what changed, and still finds every alert a full scan would.

The check after every scan below is the definition of correct: a scan that reads every open deadline, run
as of the same date in a transaction that is then rolled back, would find nothing left to raise.
"""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

import freezegun
from sqlalchemy import func, select

from casework import operations as ops
from casework.alerts import scan
from casework.core.db import Database
from casework.core.policy import Policy
from casework.models import Alert, Case, ScanRun

D = dt.date
DAY = dt.timedelta(days=1)


def full_scan_would_add(db: Database, as_of: dt.date) -> tuple[int, int]:
    """(overdue, due soon) alerts a scan reading every open deadline would still raise; nothing is kept."""
    with db.sessions() as session:
        counts = scan.raise_alerts(session, db.dialect, as_of, db.policy, covered=None)
        session.rollback()
    return counts["new_alerts"], counts["new_warnings"]


def runs(db: Database) -> list[tuple[dt.date, bool]]:
    with db.reading() as s:
        return [(r.as_of, r.full_scan) for r in s.scalars(select(ScanRun).order_by(ScanRun.id))]


def test_a_request_entered_late_is_alerted_though_its_limits_fell_before_the_last_scan(db, new_case, settings):
    assert scan.run_scan(db, settings, as_of=D(2024, 12, 20))["new_alerts"] == 0  # nothing recorded yet
    new_case(D(2024, 9, 2))  # entered today: the decision was due 14 Oct, the issue decision is due 23 Dec
    result = scan.run_scan(db, settings, as_of=D(2024, 12, 21))
    assert (result["overdue"], result["new_alerts"], result["new_warnings"]) == (1, 1, 1)
    assert runs(db) == [(D(2024, 12, 20), True), (D(2024, 12, 21), False)]
    assert full_scan_would_add(db, D(2024, 12, 21)) == (0, 0)


def test_a_scan_as_of_an_earlier_date_or_under_other_windows_reads_everything(database_url, new_case, settings):
    new_case(D(2024, 9, 2))
    db = Database(database_url, Policy(due_soon_days=14))
    wider = Database(database_url, Policy(due_soon_days=14, due_soon_days_by_kind={"final_plan": 60}))
    try:
        scan.run_scan(db, settings, as_of=D(2024, 11, 1))
        scan.run_scan(db, settings, as_of=D(2024, 10, 10))  # catching up an earlier morning
        scan.run_scan(db, settings, as_of=D(2024, 11, 2))
        # Under a 60-day window the final plan (due 20 Jan) is due soon from 21 Nov, a line the earlier scans
        # never drew: only reading everything again finds it.
        assert scan.run_scan(wider, settings, as_of=D(2024, 11, 25))["new_warnings"] == 1
        assert runs(db) == [(D(2024, 11, 1), True), (D(2024, 10, 10), True), (D(2024, 11, 2), False),
                            (D(2024, 11, 25), True)]
    finally:
        db.dispose()
        wider.dispose()


def test_a_clock_set_back_makes_the_next_scan_read_everything(db, new_case, settings):
    with freezegun.freeze_time("2025-01-10 09:00"):
        scan.run_scan(db, settings, as_of=D(2024, 12, 1))
    with freezegun.freeze_time("2025-01-05 09:00"):  # rows stamped now would sort before that scan
        new_case(D(2024, 9, 2))
        result = scan.run_scan(db, settings, as_of=D(2024, 12, 2))
    assert result["new_alerts"] == 1
    assert runs(db) == [(D(2024, 12, 1), True), (D(2024, 12, 2), True)]


def _random_step(rng: random.Random, db: Database, cases: list[int], as_of: dt.date) -> None:
    """Something a team records on a morning, often dated days or weeks back."""
    choice = rng.random()
    if choice < 0.4 or not cases:
        case = ops.create_case(db, actor=None, given_name="Random", family_name="Child", date_of_birth=D(2015, 1, 1),
                               received_on=as_of - rng.randint(0, 150) * DAY, requested_by="parent")
        cases.append(case.id)
        return
    case_id = rng.choice(cases)
    with db.reading() as s:
        case = s.get(Case, case_id)
        state, last = case.state, case.last_event_on
    on = min(last + rng.randint(0, 60) * DAY, as_of)
    if on < last:  # the scan date went back before this case's last event
        return
    if state == "requested":
        ops.agree_to_assess(db, case_id, actor=None, on=on)
    elif state == "assessment" and choice < 0.8:
        ops.fire_event(db, case_id, "request_advice", actor=None, on=on,
                       advice_type=rng.choice(["health", "psychological", "educational"]), organisation="Trust")
    elif state == "assessment":
        ops.fire_event(db, case_id, "decide_to_issue", actor=None, on=on)


def test_random_mornings_leave_nothing_for_a_full_scan_to_find(database_url, settings):
    """Backdated requests and events, scans forward, repeated and back in time, windows changed, the clock
    moving on by hours or days: after every scan, a full scan would add nothing."""
    rng = random.Random(2014)
    policies = [Policy(due_soon_days=14, due_soon_days_by_kind={"advice": 7, "final_plan": 28}),
                Policy(due_soon_days=10)]
    databases = [Database(database_url, policy) for policy in policies]
    cases: list[int] = []
    as_of = D(2024, 6, 3)
    moment = dt.datetime(2025, 1, 1, 8, tzinfo=dt.UTC)
    built_on = 0
    try:
        with freezegun.freeze_time(moment) as frozen:
            for _ in range(120):
                db = databases[0] if rng.random() < 0.9 else databases[1]
                for _ in range(rng.randint(0, 3)):
                    _random_step(rng, db, cases, as_of)
                as_of += rng.choice([0, 1, 1, 1, 2, 7, -3]) * DAY
                moment += rng.choice([dt.timedelta(hours=12), dt.timedelta(hours=1), dt.timedelta(days=1)])
                frozen.move_to(moment)
                scan.run_scan(db, settings, as_of=as_of)
                assert full_scan_would_add(db, as_of) == (0, 0), as_of
            for db in databases:
                assert full_scan_would_add(db, as_of) == (0, 0)
        built_on = sum(not full for _, full in runs(databases[0]))
        with databases[0].reading() as s:
            alerts = s.scalar(select(func.count()).select_from(Alert))
    finally:
        for db in databases:
            db.dispose()
    assert built_on > 60 and alerts > 50, (built_on, alerts)  # the walk mostly built on earlier scans


def test_the_scan_run_is_kept_only_with_its_alerts(db, new_case, settings: dict[str, Any]):
    new_case(D(2024, 9, 2))
    result = scan.run_scan(db, settings, as_of=D(2024, 12, 20))
    with db.reading() as s:
        run = s.scalars(select(ScanRun)).one()
        alerts = s.scalar(select(func.count()).select_from(Alert))
    assert (run.overdue, run.new_alerts, run.new_warnings, run.deadlines_examined) == (
        result["overdue"], result["new_alerts"], result["new_warnings"], 2)
    assert alerts == result["new_alerts"] + result["new_warnings"]
