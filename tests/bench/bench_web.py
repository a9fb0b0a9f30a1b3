"""Web benchmark: every list page and the case page at a large authority's scale, through the service as it ships.

    python tests/bench/bench_web.py --engine sqlite|postgresql [--cases 100000] [--requests 30] [--clients 16]
                                    [--web-processes 1]

A temporary database (a SQLite file in a temporary directory, or a uniquely named PostgreSQL database that is
dropped afterwards) is migrated and loaded with ``--cases`` demo cases by the bulk loader (``ehcp demo --cases
N``), and the deadline scan is run once so the alerts list has alerts. ``ehcp serve`` is then started as a
subprocess, as an operator starts it (``--web-processes`` of them on the one database, as the production layout
runs several; each client keeps to one, in turn), and clients (threads, each with its own keep-alive connection and its
own session, signed in through the sign-in form as the demo caseworker, manager or adviser; the API with a
bearer token) request each page: ``--requests`` times one after another with one client, then a third as many
from each of ``--clients`` clients at once.

For each page it prints p50, p95 and p99 beside the page's indexed lower bound: the cheapest SQL that returns
exactly that page's rows (its 25 rows through the same filters and order, no count; for the dashboard and the
timeliness report the aggregate queries behind its figures), timed in the same run on the same database from
this process. It ends with the server's peak resident memory (VmHWM in /proc/<pid>/status). Every answer must
be 200: it exits non-zero if any is not. The machine's load moves the figures: read the ratios.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import http.client
import os
import random
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import and_, case, extract, func, select, text
from sqlalchemy.orm import Session

from casework import accounts
from casework.alerts import scan
from casework.cases import advice_tray, caseload
from casework.core import clock
from casework.core.db import Database
from casework.imports import bulk, demo
from casework.models import AdviceRequest, Alert, AuditEntry, Case, Deadline, Organisation, Person, User
from casework.models.subject import ADVICE_REQUEST

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))  # run as a script: the repository's tests package
from tests.support import postgres_database  # noqa: E402

REPO = Path(__file__).resolve().parents[2]
EHCP = Path(sys.executable).with_name("ehcp")
PER_PAGE = 25
TIMEOUT_SECONDS = 60  # an answer slower than this counts as a failure
_CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
SEARCHED = "khan"  # a family name the loader draws, as an officer would search for a child


# ----------------------------------------------------------------------------------------- database and server

@contextlib.contextmanager
def temporary_database(engine_name: str) -> Iterator[str]:
    if engine_name == "sqlite":
        with tempfile.TemporaryDirectory(prefix="ehcp-bench-web-") as directory:
            yield f"sqlite:///{Path(directory) / 'bench.db'}"
        return
    with postgres_database("ehcp_bench_web") as url:
        yield url


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextlib.contextmanager
def serving(url: str, log: Path, processes: int = 1) -> Iterator[list[tuple[int, subprocess.Popen[bytes]]]]:
    """``processes`` runs of ``ehcp serve`` in subprocesses, each on a free port, until the block ends: the
    production layout's several web processes on one database (a load balancer's part is the clients', each
    keeping to one process, as a balancer keeps a connection to one).

    The servers' stderr goes to ``log``, a file, never to a pipe: nothing reads a pipe while the clients run,
    and once its 64 KiB fill (waitress warns "Task queue depth" on every request that waits for a thread, a
    few thousand lines over a 16-client run) the server's next write blocks with the task queue's lock held,
    and it stops answering anyone: the stall the first runs met after the alerts list.
    """
    env = {**os.environ, "EHCP_DATABASE_URL": url, "EHCP_WEB_SECRET_KEY": "bench-" + os.urandom(8).hex(),
           "EHCP_LOG_LEVEL": "WARNING"}
    started: list[tuple[int, subprocess.Popen[bytes]]] = []
    try:
        with log.open("wb") as written:
            for _ in range(processes):
                port = _free_port()
                started.append((port, subprocess.Popen([str(EHCP), "serve", "--port", str(port)], cwd=REPO,
                                                       env=env, stdout=subprocess.DEVNULL, stderr=written)))
        for port, process in started:
            _wait_until_answering(port, process, log)
        yield started
    finally:
        for _, process in started:
            process.terminate()
        for _, process in started:
            process.wait(timeout=30)


def _wait_until_answering(port: int, process: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + 60
    while True:
        with contextlib.suppress(OSError):
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            connection.request("GET", "/sign-in")
            if connection.getresponse().status == 200:
                return
        if process.poll() is not None or time.monotonic() > deadline:
            raise RuntimeError(f"ehcp serve did not start: {log.read_text(errors='replace')[-2000:]}")
        time.sleep(0.2)  # waiting for a real process to listen, not pacing a test


def memory_kib(pid: int, name: str) -> int:
    """VmRSS or VmHWM (peak) of a process, in KiB, from /proc."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(f"{name}:"):
            return int(line.split()[1])
    raise RuntimeError(f"no {name} for process {pid}")


# ----------------------------------------------------------------------------------------- clients

class Client:
    """One keep-alive connection with its own session cookie, as one officer's browser."""

    def __init__(self, port: int, bearer: str | None = None) -> None:
        self.port = port
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=TIMEOUT_SECONDS)
        self.cookies: dict[str, str] = {}
        self.bearer = bearer

    def reconnect(self) -> None:
        self.connection.close()
        self.connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=TIMEOUT_SECONDS)

    def request(self, method: str, path: str, body: dict[str, str] | None = None) -> tuple[int, str]:
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())} if self.cookies else {}
        if self.bearer:
            headers["Authorization"] = f"Bearer {self.bearer}"
        data = None
        if body is not None:
            data = urllib.parse.urlencode(body)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        self.connection.request(method, path, body=data, headers=headers)
        response = self.connection.getresponse()
        text = response.read().decode()
        for header, value in response.getheaders():
            if header.lower() == "set-cookie":
                name, _, rest = value.partition("=")
                self.cookies[name] = rest.split(";", 1)[0]
        return response.status, text

    def sign_in(self, username: str, password: str) -> None:
        _, page = self.request("GET", "/sign-in")
        status, _ = self.request("POST", "/sign-in", {"csrf_token": _CSRF.search(page).group(1),
                                                       "username": username, "password": password})
        if status != 302:
            raise RuntimeError(f"{username} could not sign in ({status})")


@dataclass
class PageSpec:
    """A page as one kind of user reads it, and the cheapest SQL that gives the same rows."""

    name: str
    who: str  # caseworker, manager, adviser; api: the manager's bearer token
    path: Callable[[random.Random], str]
    lower_bound: Callable[[Session, random.Random], Any]
    latencies: dict[int, list[float]] = field(default_factory=dict)
    bound: list[float] = field(default_factory=list)
    failures: int = 0


def _time(call: Callable[[], Any]) -> float:
    tick = time.perf_counter()
    call()
    return time.perf_counter() - tick


def _run_clients(spec: PageSpec, clients: list[Client], requests: int, seed: int) -> None:
    """Every client asks for the page ``requests`` times, all at once; latencies in seconds."""
    found: list[float] = []
    lock = threading.Lock()
    start = threading.Barrier(len(clients))

    def work(n: int, client: Client) -> None:
        rng = random.Random(seed * 1000 + n)
        # A fresh connection, as a browser opens one after a pause: the server closes a connection idle longer
        # than its channel_timeout (30 s), and between this client's pages it may have been idle for minutes.
        client.reconnect()
        start.wait()
        for _ in range(requests):
            path = spec.path(rng)
            tick = time.perf_counter()
            try:
                status, _ = client.request("GET", path)
            except (OSError, http.client.HTTPException):  # counted, and the next request on a new connection
                status = 0
                client.reconnect()
            took = time.perf_counter() - tick
            with lock:
                found.append(took)
                spec.failures += status != 200
    threads = [threading.Thread(target=work, args=(n, c)) for n, c in enumerate(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    spec.latencies[len(clients)] = found


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(share * len(ordered)) - 1))]


# ----------------------------------------------------------------------------------------- the pages

def page_specs(db: Database, today: dt.date) -> tuple[list[PageSpec], dict[str, User]]:
    """The pages, each with its lower bound built from the list's own filters (the same rows by construction)."""
    policy = db.policy
    with db.reading() as session:
        users = {u.username: u for u in session.scalars(select(User).where(
            User.username.in_([u.username for u in demo.DEMO_USERS])))}
        for user in users.values():
            session.expunge(user)
        highest = session.scalar(select(func.max(Case.id)))
    dialect = db.dialect
    year = today.year
    case_columns = (Case.id, Case.reference, Case.state, Case.next_due_on, Case.next_due_kind, Case.received_on,
                    Person.given_name, Person.family_name, Person.date_of_birth)

    def cases_bound(user: str, order: str = "soonest", **filters: Any) -> Callable[[Session, random.Random], Any]:
        query = caseload.caseload_query(users[user], caseload.CaseloadFilters(**filters), today, policy)

        def run(session: Session, _rng: random.Random) -> Any:
            bound = select(*case_columns).join_from(Case, Person, Person.id == Case.person_id)
            if query.whereclause is not None:
                bound = bound.where(query.whereclause)
            ordering = caseload.ordered(order, dialect, caseload.CaseloadFilters(**filters))
            return session.execute(bound.order_by(*ordering).limit(PER_PAGE)).all()
        return run

    def tray_bound(user: str) -> Callable[[Session, random.Random], Any]:
        query = advice_tray.owed_query(users[user], advice_tray.TrayFilters(), today)

        def run(session: Session, _rng: random.Random) -> Any:
            bound = (select(AdviceRequest.id, AdviceRequest.case_id, AdviceRequest.advice_type,
                            AdviceRequest.requested_on, AdviceRequest.received_on, AdviceRequest.owed_due_on,
                            Organisation.name, Case.reference, Person.given_name, Person.family_name,
                            Person.date_of_birth)
                     .join_from(AdviceRequest, Case, Case.id == AdviceRequest.case_id)
                     .join(Person, Person.id == Case.person_id)
                     .join(Organisation, Organisation.id == AdviceRequest.organisation_id)
                     .where(query.whereclause))
            return session.execute(bound.order_by(AdviceRequest.owed_due_on, AdviceRequest.id)
                                   .limit(PER_PAGE)).all()
        return run

    def case_bound(session: Session, rng: random.Random) -> Any:
        case_id = rng.randint(1, highest)
        return (session.execute(select(Case, Person).join(Person, Person.id == Case.person_id)
                                .where(Case.id == case_id)).all(),
                session.execute(select(Deadline).where(Deadline.case_id == case_id)).all(),
                session.execute(select(AdviceRequest).where(AdviceRequest.case_id == case_id)).all(),
                session.execute(select(AuditEntry).where(AuditEntry.case_id == case_id)).all())

    issued = and_(Deadline.kind == "final_plan", Deadline.met_on >= dt.date(year, 1, 1),
                  Deadline.met_on <= dt.date(year, 12, 31), Deadline.superseded_at.is_(None))
    on_time = func.sum(case((Deadline.met_on <= Deadline.due_on, 1), else_=0))

    def timeliness_bound(session: Session, _rng: random.Random) -> Any:
        advice_on_time = func.sum(case((AdviceRequest.returned_on <= Deadline.due_on, 1), else_=0))
        return (session.execute(select(func.count(), on_time).where(issued)).all(),
                session.execute(select(AdviceRequest.advice_type, func.count(), advice_on_time)
                                .join(Deadline, and_(Deadline.about(ADVICE_REQUEST, AdviceRequest.id),
                                                     Deadline.kind == "advice"))
                                .where(AdviceRequest.returned_on >= dt.date(year, 1, 1),
                                       AdviceRequest.returned_on <= dt.date(year, 12, 31))
                                .group_by(AdviceRequest.advice_type)).all())

    def dashboard_bound(session: Session, rng: random.Random) -> Any:
        month = extract("month", Deadline.met_on)
        return (timeliness_bound(session, rng),
                session.execute(select(month, func.count(), on_time).where(issued).group_by(month)).all(),
                session.execute(select(Case.state, func.count()).group_by(Case.state)).all(),
                session.execute(select(Deadline.kind, func.count()).where(
                    Deadline.is_duty.is_(True), Deadline.met_on.is_(None), Deadline.cancelled_on.is_(None),
                    Deadline.due_on < today).group_by(Deadline.kind)).all())

    def alerts_bound(session: Session, _rng: random.Random) -> Any:
        return session.execute(select(Alert, Case.reference, Deadline.citation)
                               .join(Case, Case.id == Alert.case_id).join(Deadline, Deadline.id == Alert.deadline_id)
                               .order_by(Alert.created_at.desc(), Alert.id.desc()).limit(PER_PAGE)).all()

    def advice_api_bound(session: Session, _rng: random.Random) -> Any:
        page = session.execute(select(AdviceRequest).order_by(AdviceRequest.received_on, AdviceRequest.id)
                               .limit(PER_PAGE)).scalars().all()
        ids = sorted({a.case_id for a in page})
        return page, session.execute(select(Deadline).where(Deadline.case_id.in_(ids))).all()

    fixed = lambda path: lambda _rng: path  # noqa: E731
    specs = [
        PageSpec("case page", "caseworker", lambda rng: f"/cases/{rng.randint(1, highest)}", case_bound),
        PageSpec("caseload, mine (caseworker)", "caseworker", fixed("/cases"),
                 cases_bound("caseworker", assigned_to_id=users["caseworker"].id)),
        PageSpec("caseload, all cases (caseworker)", "caseworker", fixed("/cases?mine=no"), cases_bound("caseworker")),
        PageSpec("caseload, all cases (manager)", "manager", fixed("/cases"), cases_bound("manager")),
        PageSpec("caseload, in assessment", "manager", fixed("/cases?state=assessment"),
                 cases_bound("manager", state="assessment")),
        PageSpec("caseload, overdue", "manager", fixed("/cases?due=overdue"), cases_bound("manager", overdue=True)),
        PageSpec("caseload, due soon", "manager", fixed("/cases?due=due_soon"),
                 cases_bound("manager", due_soon=True)),
        PageSpec(f"caseload, searched '{SEARCHED}'", "manager", fixed(f"/cases?q={SEARCHED}"),
                 cases_bound("manager", q=SEARCHED)),
        PageSpec("advice tray (adviser)", "adviser", fixed("/advice"), tray_bound("adviser")),
        PageSpec("advice page (caseworker)", "caseworker", fixed("/advice"), tray_bound("caseworker")),
        PageSpec("dashboard (manager)", "manager", fixed("/dashboard"), dashboard_bound),
        PageSpec("timeliness report (API)", "api", fixed(f"/api/v1/reports/timeliness?year={year}"),
                 timeliness_bound),
        PageSpec("alerts list (API)", "api", fixed("/api/v1/alerts"), alerts_bound),
        PageSpec("GET /cases (API)", "api", fixed("/api/v1/cases"), cases_bound("manager", order="newest")),
        PageSpec("GET /advice-requests (API)", "api", fixed("/api/v1/advice-requests"), advice_api_bound),
    ]
    return specs, users


# ----------------------------------------------------------------------------------------- run

def _row(spec: PageSpec, clients: int, case_p50: float) -> str:
    ms = 1000
    bound = statistics.median(spec.bound)
    one, many = spec.latencies[1], spec.latencies[clients]
    p50 = statistics.median(one)
    return (f"  {spec.name:<36} {bound * ms:>6.1f} | {p50 * ms:>7.1f} {percentile(one, .95) * ms:>7.1f} "
            f"{percentile(one, .99) * ms:>7.1f} {p50 / bound:>6.1f}x {p50 / case_p50:>5.1f}x | "
            f"{statistics.median(many) * ms:>7.1f} {percentile(many, .95) * ms:>7.1f} "
            f"{percentile(many, .99) * ms:>7.1f}" + (f"  [{spec.failures} not 200]" if spec.failures else ""))



def run(engine_name: str, cases: int, requests: int, clients: int, seed: int, processes: int = 1,
        out: Callable[[str], None] = print) -> int:
    today = clock.today()
    server_log = Path(tempfile.gettempdir()) / f"ehcp-bench-web-{os.getpid()}.log"  # kept: read it after a failure
    with temporary_database(engine_name) as url:
        db = Database(url)
        try:
            db.upgrade()
            loaded = bulk.load(db, seed, cases=cases, out=lambda _line: None)
            assert loaded is not None
            tick = time.perf_counter()
            with db.transaction() as session:  # the morning scan's alerts, without its emails
                scanned = scan.raise_alerts(session, db.dialect, today, db.policy, None)
            scan_seconds = time.perf_counter() - tick
            # The loader analysed the tables before the scan wrote its alerts. A production PostgreSQL's
            # autovacuum would analyse them again within a minute of that insert; this machine's has it off, and
            # without it the planner takes the alerts table for empty and sorts every open alert for a page.
            with db.engine.begin() as conn:
                conn.execute(text("ANALYZE"))
            token = accounts.create_token(db, "manager")
            specs, _ = page_specs(db, today)
            with db.reading() as session:
                owed_to_adviser = session.scalar(select(func.count()).select_from(
                    advice_tray.owed_query(next(u for u in session.scalars(select(User).where(
                        User.username == "adviser"))), advice_tray.TrayFilters(), today).subquery()))
                alerts = session.scalar(select(func.count()).select_from(Alert))
            passwords = {u.username: u.password for u in demo.DEMO_USERS}
            with serving(url, server_log, processes) as servers:
                pids = [server.pid for _, server in servers]
                rss_started = max(memory_kib(pid, "VmRSS") for pid in pids)

                def client_for(who: str, n: int) -> Client:
                    port = servers[n % len(servers)][0]  # the clients share the processes out in turn
                    if who == "api":
                        return Client(port, bearer=token)
                    client = Client(port)
                    client.sign_in(who, passwords[who])
                    return client
                pools = {who: [client_for(who, n) for n in range(clients)]
                         for who in ("caseworker", "manager", "adviser", "api")}
                for n, spec in enumerate(specs):
                    rng = random.Random(seed + n)
                    with db.reading() as session:
                        for _ in range(3):  # warm the caches as the server's first requests warm its own
                            spec.lower_bound(session, rng)
                        spec.bound = [_time(lambda s=session, b=spec.lower_bound, r=rng: b(s, r))
                                      for _ in range(requests)]
                    _run_clients(spec, pools[spec.who][:1], 3, seed + n)  # warm-up, not counted
                    _run_clients(spec, pools[spec.who][:1], requests, seed + n)
                    # The same for many at once (each process's connection pool grows to its threads' number
                    # the first time they are all busy, as a running service's already has); not counted.
                    _run_clients(spec, pools[spec.who], 1, seed + n)
                    _run_clients(spec, pools[spec.who], max(5, requests // 3), seed + n)
                    print(_row(spec, clients, statistics.median(specs[0].latencies[1]))
                          + f"  (server peak so far {max(memory_kib(pid, 'VmHWM') for pid in pids) / 1024:,.0f}"
                          + " MiB)",
                          file=sys.stderr, flush=True)  # as it goes, so a long run shows where it is
                peak = max(memory_kib(pid, "VmHWM") for pid in pids)
                rss_end = max(memory_kib(pid, "VmRSS") for pid in pids)
        finally:
            db.dispose()

    case_p50 = statistics.median(specs[0].latencies[1])
    rows = ", ".join(f"{table} {n:,}" for table, n in sorted(loaded["rows"].items()))
    out(f"\nEHCP web benchmark: {engine_name}, {cases:,} cases ({rows}), "
        f"loaded in {loaded['seconds']:.0f} s; scan {scan_seconds:.0f} s, {alerts:,} alerts "
        f"({scanned['overdue']:,} deadlines overdue); {owed_to_adviser:,} requests owed by the adviser's trust; "
        f"as of {today}")
    out(f"{processes} web process{'es' if processes != 1 else ''} (ehcp serve); the single client's requests go to "
        "the first; memory is the largest process's")
    out(f"{requests} requests per page from 1 client, then {max(5, requests // 3)} from each of {clients} at once; "
        "times in ms; bound = the cheapest SQL for the page's rows, p50, from this process")
    header = (f"  {'page':<36} {'bound':>6} | {'1: p50':>7} {'p95':>7} {'p99':>7} {'x bound':>7} {'x case':>6} | "
              f"{f'{clients}: p50':>7} {'p95':>7} {'p99':>7}")
    out(header)
    out("  " + "-" * (len(header) - 2))
    failures = 0
    for spec in specs:
        out(_row(spec, clients, case_p50))
        failures += spec.failures
    out(f"  server memory: {rss_started / 1024:,.0f} MiB resident once started, {rss_end / 1024:,.0f} MiB at the "
        f"end, peak {peak / 1024:,.0f} MiB (VmHWM)")
    out(f"  the server's stderr: {server_log}")
    if failures:
        out(f"FAILED: {failures} answers were not 200")
    return 1 if failures else 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--engine", choices=("sqlite", "postgresql"), default="sqlite")
    parser.add_argument("--cases", type=int, default=100_000)
    parser.add_argument("--requests", type=int, default=30, help="requests per page from each client")
    parser.add_argument("--clients", type=int, default=16, help="clients at once in the second round")
    parser.add_argument("--seed", type=int, default=2014)
    parser.add_argument("--web-processes", type=int, default=1,
                        help="ehcp serve processes on the one database, as the production layout runs several")
    args = parser.parse_args(argv)
    return run(args.engine, args.cases, args.requests, args.clients, args.seed, args.web_processes)


if __name__ == "__main__":
    sys.exit(main())
