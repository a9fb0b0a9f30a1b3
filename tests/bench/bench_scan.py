"""How the deadline scan scales: a synthetic caseload of N requests, the bare overdue query against the scan.

    python tests/bench/bench_scan.py --engine sqlite --cases 1000000
    python tests/bench/bench_scan.py --engine postgresql --cases 1000000

For N/10 and N cases in turn, a throwaway database (a SQLite file in a temporary directory, or a uniquely named
PostgreSQL database that is dropped afterwards) is migrated and bulk-loaded: each request has one or two open
statutory deadlines and about half have one already met, about a fifth of the open ones are overdue, and start
dates are spread over the last two years, each deadline recorded on the day it started; the alerts table is
empty, as on the day the service goes live. After VACUUM and ANALYZE, one fresh process times

- the bare query that finds the overdue rows (open, a duty, due before today), fetched in full, best of three;

and another, which never holds those rows, times

- the scan (``casework.scan.run_scan``) once on the empty alerts table, with the mail server pointed at a closed
  port and no user with an email address, so no mail is queued or sent: every open deadline is read;
- the scan again the same day, when every alert already exists (it builds on the first: a second daily run);
- the next morning's scan, as of the day after (the steady state: it builds on the day before's and raises the
  alerts for what fell due that day);

and each reports its peak RSS (ru_maxrss), the scan process before and after scanning, plus the time of each
statement the scan sent. Each stage is a process of its own so that a peak RSS is that stage's alone.
"""

from __future__ import annotations

import argparse
import datetime as dt
import functools
import json
import os
import random
import resource
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

REPO_ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO_ROOT))

PG_ADMIN_URL = os.environ.get("EHCP_BENCH_PG_ADMIN_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")
CHUNK = 50_000
SEED = 2014
OVERDUE_SHARE = 0.2
BARE_QUERY = ("SELECT id FROM deadlines WHERE met_on IS NULL AND cancelled_on IS NULL AND is_duty "
              "AND due_on < :as_of")
PERSON_COLUMNS = ("id", "version", "given_name", "family_name", "date_of_birth", "created_at")
CASE_COLUMNS = ("id", "reference", "state", "version", "person_id", "primary_need", "received_on", "requested_by",
                "assigned_caseworker_id", "last_event_on", "created_at")
DEADLINE_COLUMNS = ("case_id", "kind", "rule", "citation", "starts_on", "due_on", "met_on", "is_duty", "created_at",
                    "subject_type", "subject_id")


# --------------------------------------------------------------------------------------------------- the caseload

@functools.cache
def _rule(kind: str, starts_on: dt.date) -> tuple[str, str, dt.date]:
    """The rule id, citation and due date the operations would give a deadline of this kind and start."""
    from casework.core.clock import STATUTORY
    from casework.law import rules

    rule = rules.rule_in_force(rules.DEADLINE_KINDS[kind].rule_ids[0], starts_on)
    return rule.id, rule.citation, rule.due_on(starts_on, STATUTORY)


@functools.cache
def _length(kind: str) -> int:
    _, _, due = _rule(kind, dt.date(2025, 1, 6))
    return (due - dt.date(2025, 1, 6)).days


def _recorded(on: dt.date) -> dt.datetime:
    """A deadline row is written when the event that opens it is recorded: that working day."""
    return dt.datetime.combine(on, dt.time(10, 0), dt.UTC)


def _open_deadline(rng: random.Random, case_id: int, kind: str, as_of: dt.date) -> tuple[Any, ...]:
    """An open duty: overdue by up to a year (a fifth of them), or due between today and its full length away."""
    length = _length(kind)
    if rng.random() < OVERDUE_SHARE:
        starts = as_of - dt.timedelta(days=length + rng.randint(1, 365))
    else:
        starts = as_of - dt.timedelta(days=rng.randint(0, length))
    rule, citation, due = _rule(kind, starts)
    return (case_id, kind, rule, citation, starts, due, None, True, _recorded(starts), "case", case_id)


def _met_deadline(rng: random.Random, case_id: int, kind: str, received: dt.date,
                  as_of: dt.date) -> tuple[Any, ...] | None:
    """History: a duty already done, some days either side of its due date (never after today)."""
    rule, citation, due = _rule(kind, received)
    met = min(due + dt.timedelta(days=rng.randint(-20, 10)), as_of)
    if met < received:
        return None
    return (case_id, kind, rule, citation, received, due, met, True, _recorded(received), "case", case_id)


def caseload(cases: int, as_of: dt.date,
             caseworkers: list[int]) -> Iterator[tuple[list[tuple], list[tuple], list[tuple]]]:
    """(people, cases, deadlines) rows in chunks of CHUNK requests, the same for the same N on every engine.

    Half the requests are plans in force (an annual review open; the 20-week plan met long ago), half are
    assessments (decisions to issue and final plans open; the decision to assess met): 1.5 open duties a request.
    """
    rng = random.Random(SEED)
    needs = ("ASD", "SEMH", "SLCN", "MLD", "SPLD", "PD", "HI", "VI", "SLD", "OTH")
    for first in range(1, cases + 1, CHUNK):
        person_rows, case_rows, deadline_rows = [], [], []
        for case_id in range(first, min(first + CHUNK, cases + 1)):
            received = as_of - dt.timedelta(days=rng.randint(0, 730))
            plan = rng.random() < 0.5
            state = "plan_maintained" if plan else "assessment"
            born = received - dt.timedelta(days=rng.randint(365, 6000))
            person_rows.append((case_id, 1, "Synthetic", f"Child{case_id}", born, _recorded(received)))
            case_rows.append((case_id, f"EHC-{received.year}-{case_id:07d}", state, 1, case_id, rng.choice(needs),
                              received, "parent", rng.choice(caseworkers), received, _recorded(received)))
            for kind in (("annual_review",) if plan else ("issue_decision", "final_plan")):
                deadline_rows.append(_open_deadline(rng, case_id, kind, as_of))
            met = _met_deadline(rng, case_id, "final_plan" if plan else "decision_to_assess", received, as_of)
            if met is not None:
                deadline_rows.append(met)
        yield person_rows, case_rows, deadline_rows


def _insert_sql(table: str, columns: tuple[str, ...], marker: str) -> str:
    return f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join([marker] * len(columns))})"


def load(url: str, cases: int, as_of: dt.date) -> dict[str, int]:
    """Migrate, bulk-load through the driver (COPY on PostgreSQL, executemany on SQLite), VACUUM and ANALYZE."""
    from sqlalchemy import text

    from casework.core.db import Database

    db = Database(url)
    db.upgrade()
    with db.engine.begin() as conn:  # staff who own cases; no one has an email address, so no digests
        for n in range(5):
            conn.execute(text("INSERT INTO users (username, role, active, failed_logins, created_at) "
                              "VALUES (:u, 'caseworker', true, 0, :t)"),
                         {"u": f"caseworker{n}", "t": dt.datetime.now(dt.UTC)})
        caseworkers = list(conn.scalars(text("SELECT id FROM users ORDER BY id")))
    raw = db.engine.raw_connection()
    deadlines = 0
    try:
        cur = raw.cursor()
        for person_rows, case_rows, deadline_rows in caseload(cases, as_of, caseworkers):
            deadlines += len(deadline_rows)
            if db.dialect == "postgresql":
                with cur.copy(f"COPY people ({', '.join(PERSON_COLUMNS)}) FROM STDIN") as copy:
                    for row in person_rows:
                        copy.write_row(row)
                with cur.copy(f"COPY cases ({', '.join(CASE_COLUMNS)}) FROM STDIN") as copy:
                    for row in case_rows:
                        copy.write_row(row)
                with cur.copy(f"COPY deadlines ({', '.join(DEADLINE_COLUMNS)}) FROM STDIN") as copy:
                    for row in deadline_rows:
                        copy.write_row(row)
            else:
                cur.execute("BEGIN")
                cur.executemany(_insert_sql("people", PERSON_COLUMNS, "?"), person_rows)
                cur.executemany(_insert_sql("cases", CASE_COLUMNS, "?"), case_rows)
                cur.executemany(_insert_sql("deadlines", DEADLINE_COLUMNS, "?"), deadline_rows)
            raw.commit() if db.dialect == "postgresql" else cur.execute("COMMIT")
        if db.dialect == "postgresql":
            for table in ("people", "cases"):
                cur.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))")
            raw.commit()
        cur.close()
    finally:
        raw.close()
    db.dispose()
    _vacuum(url)
    return {"cases": cases, "deadlines": deadlines}


def _vacuum(url: str) -> None:
    from sqlalchemy import create_engine, text

    engine = create_engine(url, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        if engine.dialect.name == "postgresql":
            conn.execute(text("VACUUM ANALYZE"))
        else:
            conn.exec_driver_sql("VACUUM")
            conn.exec_driver_sql("ANALYZE")
    engine.dispose()


# --------------------------------------------------------------------------------------------------- timing

def _peak_rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class StatementClock:
    """Wall time per SQL statement the scan sends, keyed by its first words, to show where the time goes."""

    def __init__(self, engine) -> None:
        from sqlalchemy import event

        self.seconds: dict[str, float] = {}
        self._started: list[float] = []
        event.listen(engine, "before_cursor_execute", self._before)
        event.listen(engine, "after_cursor_execute", self._after)

    def _before(self, conn, cursor, statement, parameters, context, executemany) -> None:
        self._started.append(time.perf_counter())

    def _after(self, conn, cursor, statement, parameters, context, executemany) -> None:
        key = " ".join(statement.split())[:70]
        if key.startswith("INSERT INTO alerts"):
            key = f"INSERT INTO alerts ... SELECT (statement {sum(k.startswith('INSERT') for k in self.seconds) + 1})"
        self.seconds[key] = self.seconds.get(key, 0.0) + time.perf_counter() - self._started.pop()


def measure_bare(url: str, as_of: dt.date) -> dict[str, Any]:
    """Time the bare query in this (fresh) process, best of three, and its peak RSS."""
    from sqlalchemy import text

    from casework.core.db import Database

    db = Database(url)
    with db.engine.connect() as conn:
        deadlines = conn.scalar(text("SELECT count(*) FROM deadlines"))
        cases = conn.scalar(text("SELECT count(*) FROM cases"))
    bare, overdue_rows = [], 0
    for _ in range(3):
        with db.engine.connect() as conn:
            started = time.perf_counter()
            overdue_rows = len(conn.execute(text(BARE_QUERY), {"as_of": as_of}).all())
            bare.append(time.perf_counter() - started)
    db.dispose()
    return {"cases": cases, "deadlines": deadlines, "overdue": overdue_rows, "bare_seconds": min(bare),
            "bare_first_seconds": bare[0], "bare_rss_mib": _peak_rss_mib()}


def measure(url: str, as_of: dt.date, overdue_rows: int) -> dict[str, Any]:
    """Time the three scans in this (fresh) process, which never fetched the bare query's rows."""
    from sqlalchemy import text

    from casework.alerts import scan
    from casework.core.db import Database
    from casework.core.policy import Policy
    from casework.core.settings import load_settings

    settings = load_settings(env={"EHCP_DATABASE_URL": url, "EHCP_MAIL_HOST": "127.0.0.1",
                                  "EHCP_MAIL_PORT": str(_closed_port())})
    db = Database(url, Policy.from_settings(settings))
    with db.engine.connect() as conn:
        assert conn.scalar(text("SELECT count(*) FROM alerts")) == 0
    rss_before_scan = _peak_rss_mib()
    statements = StatementClock(db.engine)
    started = time.perf_counter()
    result = scan.run_scan(db, settings, as_of=as_of)
    scan_seconds = time.perf_counter() - started
    rss_after_scan = _peak_rss_mib()
    first_statements = dict(statements.seconds)
    statements.seconds.clear()
    started = time.perf_counter()
    again = scan.run_scan(db, settings, as_of=as_of)
    repeat_seconds = time.perf_counter() - started
    repeat_statements = dict(statements.seconds)
    statements.seconds.clear()
    tomorrow = as_of + dt.timedelta(days=1)
    with db.engine.connect() as conn:
        falling_due = conn.scalar(text(BARE_QUERY.replace("SELECT id", "SELECT count(*)").replace(
            "due_on < :as_of", "due_on = :as_of")), {"as_of": as_of})
    started = time.perf_counter()
    next_day = scan.run_scan(db, settings, as_of=tomorrow)
    next_day_seconds = time.perf_counter() - started
    assert result["overdue"] == overdue_rows == result["new_alerts"], (result, overdue_rows)
    assert again["new_alerts"] == again["new_warnings"] == 0 and result["emails_sent"] == 0
    assert next_day["new_alerts"] == falling_due and next_day["overdue"] == overdue_rows + falling_due, next_day
    with db.engine.connect() as conn:
        full_scans = list(conn.scalars(text("SELECT full_scan FROM scan_runs ORDER BY id")))
    assert full_scans == [True, False, False], full_scans  # only the first read every open deadline
    db.dispose()
    return {"due_soon": result["new_warnings"], "scan_seconds": scan_seconds,
            "repeat_scan_seconds": repeat_seconds, "next_day_seconds": next_day_seconds,
            "next_day_new_alerts": next_day["new_alerts"], "next_day_new_warnings": next_day["new_warnings"],
            "rss_before_scan_mib": rss_before_scan, "rss_end_mib": rss_after_scan,
            "rss_end_after_repeat_mib": _peak_rss_mib(),
            "statements": {k: round(v, 3) for k, v in sorted(first_statements.items(), key=lambda kv: -kv[1])},
            "repeat_statements": {k: round(v, 3) for k, v in sorted(repeat_statements.items(), key=lambda kv: -kv[1])},
            "next_day_statements": {k: round(v, 3) for k, v in sorted(statements.seconds.items(),
                                                                      key=lambda kv: -kv[1])}}


# --------------------------------------------------------------------------------------------------- databases

def _admin_engine():
    from sqlalchemy import create_engine

    return create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")


def create_database(url: str) -> None:
    """A PostgreSQL database of this name on the server (a SQLite file is created by connecting)."""
    from sqlalchemy import text

    if url.startswith("postgresql"):
        admin = _admin_engine()
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{url.rsplit("/", 1)[1]}"'))
        admin.dispose()


def drop_database(url: str) -> None:
    from sqlalchemy import text

    admin = _admin_engine()
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{url.rsplit("/", 1)[1]}" WITH (FORCE)'))
    admin.dispose()


def _child(*args: str) -> dict[str, Any]:
    """Run one stage of this script in a process of its own and return the JSON it prints."""
    child = subprocess.run([sys.executable, __file__, *args], capture_output=True, text=True, check=False)
    if child.returncode != 0:
        raise SystemExit(f"{' '.join(args[:2])} failed:\n{child.stderr}")
    return json.loads(child.stdout.strip().splitlines()[-1])


def run_size(engine: str, cases: int, as_of: dt.date) -> dict[str, Any]:
    """Load N cases into a throwaway database in one process, measure in another, then drop the database.

    This process imports nothing heavy and touches no data, so it stays small: a child's ru_maxrss starts
    from its parent's peak (Linux carries it across fork and exec), and the figures are meant to be the scan's.
    """
    with tempfile.TemporaryDirectory(prefix="ehcp-bench-") as directory:
        if engine == "sqlite":
            url = f"sqlite:///{directory}/bench.db"
        else:
            url = PG_ADMIN_URL.rsplit("/", 1)[0] + f"/ehcp_bench_{uuid.uuid4().hex[:12]}"
        try:
            started = time.perf_counter()
            loaded = _child("--load", url, "--cases", str(cases), "--as-of", as_of.isoformat())
            figures = _child("--measure-bare", url, "--as-of", as_of.isoformat())
            figures |= _child("--measure", url, "--as-of", as_of.isoformat(), "--overdue", str(figures["overdue"]))
            for ratio, seconds in (("ratio", "scan_seconds"), ("repeat_ratio", "repeat_scan_seconds"),
                                   ("next_day_ratio", "next_day_seconds")):
                figures[ratio] = figures[seconds] / figures["bare_seconds"]
            figures["load_seconds"] = time.perf_counter() - started
            figures["load_rss_mib"] = loaded["rss_mib"]
            return figures
        finally:
            if engine == "postgresql":
                _child("--drop", url)


def table(engine: str, runs: list[dict[str, Any]]) -> str:
    rows = [("cases", "{:,}", "cases"), ("deadlines", "{:,}", "deadlines"), ("overdue rows", "{:,}", "overdue"),
            ("due-soon rows", "{:,}", "due_soon"), ("load (s)", "{:.1f}", "load_seconds"),
            ("loader's peak RSS (MiB)", "{:.0f}", "load_rss_mib"),
            ("bare query, first (s)", "{:.3f}", "bare_first_seconds"), ("bare query, best of 3 (s)", "{:.3f}",
                                                                        "bare_seconds"),
            ("scan, empty alerts (s)", "{:.3f}", "scan_seconds"), ("scan / bare query", "{:.1f}x", "ratio"),
            ("scan again same day (s)", "{:.3f}", "repeat_scan_seconds"), ("same day / bare query", "{:.2f}x",
                                                                            "repeat_ratio"),
            ("next day's scan (s)", "{:.3f}", "next_day_seconds"), ("next day / bare query", "{:.2f}x",
                                                                    "next_day_ratio"),
            ("next day's new overdue alerts", "{:,}", "next_day_new_alerts"),
            ("next day's new warnings", "{:,}", "next_day_new_warnings"),
            ("bare query process, peak RSS (MiB)", "{:.0f}", "bare_rss_mib"),
            ("scan process, peak RSS before scanning (MiB)", "{:.0f}", "rss_before_scan_mib"),
            ("scan process, after the first scan (MiB)", "{:.0f}", "rss_end_mib"),
            ("scan process, after all three scans (MiB)", "{:.0f}", "rss_end_after_repeat_mib")]
    width = max(len(label) for label, _, _ in rows)
    out = [f"engine: {engine}"]
    out.append(f"{'':{width}}  " + "  ".join(f"{'N/10' if i == 0 and len(runs) > 1 else 'N':>12}"
                                              for i in range(len(runs))))
    for label, fmt, key in rows:
        out.append(f"{label:{width}}  " + "  ".join(f"{fmt.format(run[key]):>12}" for run in runs))
    for run in runs:
        out.append(f"\nstatements of the first scan at {run['cases']:,} cases (s):")
        out += [f"  {seconds:8.3f}  {statement}" for statement, seconds in run["statements"].items()]
        out.append(f"statements of the repeat scan at {run['cases']:,} cases (s):")
        out += [f"  {seconds:8.3f}  {statement}" for statement, seconds in run["repeat_statements"].items()]
        out.append(f"statements of the next day's scan at {run['cases']:,} cases (s):")
        out += [f"  {seconds:8.3f}  {statement}" for statement, seconds in run["next_day_statements"].items()]
    return "\n".join(out)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--engine", choices=("sqlite", "postgresql"), default="sqlite")
    parser.add_argument("--cases", type=int, default=1_000_000, help="requests in the large run (N/10 runs first)")
    parser.add_argument("--only", action="store_true", help="run N only, not N/10 as well")
    parser.add_argument("--load", metavar="URL", help=argparse.SUPPRESS)  # the stages, each a process
    parser.add_argument("--measure-bare", metavar="URL", help=argparse.SUPPRESS)
    parser.add_argument("--measure", metavar="URL", help=argparse.SUPPRESS)
    parser.add_argument("--overdue", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--drop", metavar="URL", help=argparse.SUPPRESS)
    parser.add_argument("--as-of", type=dt.date.fromisoformat, default=dt.date.today(), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.load:
        create_database(args.load)
        loaded = load(args.load, args.cases, args.as_of)
        print(json.dumps({**loaded, "rss_mib": _peak_rss_mib()}))
        return 0
    if args.measure_bare:
        print(json.dumps(measure_bare(args.measure_bare, args.as_of)))
        return 0
    if args.measure:
        print(json.dumps(measure(args.measure, args.as_of, args.overdue)))
        return 0
    if args.drop:
        drop_database(args.drop)
        print("{}")
        return 0
    sizes = [args.cases] if args.only else [max(args.cases // 10, 1), args.cases]
    runs = [run_size(args.engine, n, args.as_of) for n in sizes]
    print(table(args.engine, runs))
    print(json.dumps({"engine": args.engine, "runs": runs}), file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
