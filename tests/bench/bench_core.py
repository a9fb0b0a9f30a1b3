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
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import transitions
from sqlalchemy import func, select

from casework import operations
from casework.core import clock
from casework.core.db import Database
from casework.core.policy import Policy
from casework.core.settings import load_settings
from casework.deadlines.status import status, status_sql
from casework.imports import bulk
from casework.models import AdviceRequest, Case, Deadline, User
from casework.models.deadline import STATUSES
from workflows import ehcp

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))  # run as a script: the repository's tests package
from tests.support import postgres_database, replay_bulk_stories  # noqa: E402

SETTINGS_NAMED = bulk.SETTINGS_NAMED
ADVISORY_BODIES = {kind: names[0] for kind, names in bulk.ADVISORY_BODIES.items()}


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
    with postgres_database("ehcp_bench") as url:
        yield url


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
        facts: dict[int, tuple[str, dt.date | None, dt.date | None]] = {}
        outstanding: dict[int, list[int]] = {}
        report_open: set[int] = set()
        window_ends: dict[int, dt.date] = {}  # the family's 15 days on amendments, where they still run
        for start in range(0, len(chosen), 900):
            ids = chosen[start:start + 900]
            for case_id, state, draft_on, cease_on in session.execute(
                    select(Case.id, Case.state, Case.draft_issued_on, Case.cease_decided_on).where(Case.id.in_(ids))):
                facts[case_id] = (state, draft_on, cease_on)
            window_ends.update(session.execute(select(Deadline.case_id, func.max(Deadline.due_on)).where(
                Deadline.case_id.in_(ids), Deadline.kind == "amendment_representations", Deadline.met_on.is_(None),
                Deadline.cancelled_on.is_(None)).group_by(Deadline.case_id)).tuples().all())
            for case_id, advice_id in session.execute(select(AdviceRequest.case_id, AdviceRequest.id).where(
                    AdviceRequest.case_id.in_(ids), AdviceRequest.returned_on.is_(None))):
                outstanding.setdefault(case_id, []).append(advice_id)
            report_open.update(session.scalars(select(Deadline.case_id).where(
                Deadline.case_id.in_(ids), Deadline.kind == "review_report", Deadline.met_on.is_(None),
                Deadline.cancelled_on.is_(None))))
    transfer_year = today.year if today < dt.date(today.year, 2, 14) else today.year + 1
    planned: list[PlannedEvent] = []
    for case_id in chosen:
        state, draft_on, cease_on = facts[case_id]
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
        elif state == "amending":  # the amended plan once the family's 15 days are over, else not amended after all
            event, fields = ("issue_amended_plan", {}) if today > window_ends.get(case_id, dt.date.min) else \
                ("decide_not_to_amend", {"reason": "The family's representations showed no amendment is needed"})
        elif state == "ceasing":  # confirmed once the appeal time has passed; until then a call is logged
            event, fields = ("confirm_ceased", {}) if cease_on is not None and \
                today > clock.months_after(cease_on, 2) else \
                ("record_contact", {"direction": "in", "channel": "phone", "party": "Parent",
                                    "summary": "Asked when the plan will end"})
        else:
            raise AssertionError(f"no event planned for state {state}")
        planned.append(PlannedEvent(case_id, event, fields))
    return planned


def fire_events(db: Database, planned: list[PlannedEvent], today: dt.date) -> dict[str, Any]:
    with db.reading() as session:
        officer = session.scalars(select(User).where(User.username == "officer02")).one()
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
    with db.reading(streaming=True) as session:
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

            loaded = bulk.load_caseload(db, cases, today, seed, keep=replay)
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
    replayed = replay_bulk_stories(loaded["kept"], policy)
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
