"""The scheduler process (``ehcp scheduler``): the deadline scan at the configured times of day.

Only this process schedules scans. Web workers never start a scheduler, because APScheduler 3.x inside N
worker processes would run every job N times. Deployments run one scheduler; the design still holds if
two are started by mistake, or one overlaps with an ``ehcp scan`` run by hand:

- Each scan first takes a database-wide scan lock (a PostgreSQL advisory lock, or on SQLite an exclusive
  ``flock`` on a file beside the database). A process that cannot take it logs that it skipped and leaves
  the scan to the holder. The lock saves duplicate work and duplicate mail attempts; it is not what keeps
  alerts unique. The alerts' unique (deadline, kind) constraint does that, so a scan that runs anyway
  (``ehcp scan``, which takes no lock) still raises nothing twice.
- Every job has ``misfire_grace_time=None`` and ``coalesce=True``: a scan the process was too busy to
  start on time still runs (once) instead of being dropped.
- One scan runs at start ("catch-up"), so a scan missed while the process was down or being redeployed
  happens when it comes back rather than at the next scheduled time, possibly half a day later.

SIGTERM and SIGINT stop the scheduler cleanly: no new scan starts, and a scan already running finishes
and commits before the process exits. Log lines are ``key=value`` so they can be searched and counted.
"""

from __future__ import annotations

import contextlib
import fcntl
import logging
import os
import re
import signal
import time
from collections.abc import Iterator
from pathlib import Path
from types import FrameType
from typing import Any

from apscheduler.executors.pool import ThreadPoolExecutor
from apscheduler.schedulers import SchedulerNotRunningError
from apscheduler.schedulers.blocking import BlockingScheduler
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.pool import NullPool

from casework.alerts import scan
from casework.core import clock
from casework.core.db import Database
from casework.core.errors import CaseworkError
from casework.core.policy import Policy
from casework.letters import produce

logger = logging.getLogger("casework.scheduler")

# The advisory lock key every scheduler process agrees on: the bytes "EHCPscan" read as a bigint. Keys are
# per database, so two services sharing one PostgreSQL server never block each other.
SCAN_LOCK_KEY = int.from_bytes(b"EHCPscan", "big")
CATCH_UP = "catch-up"
LETTERS = "letters"
_SCAN_TIME = re.compile(r"^([01]\d|2[0-3]):([0-5]\d)$")


class _Stop(Exception):
    """Raised in the main thread by SIGTERM/SIGINT to leave the scheduler's wait loop."""

    def __init__(self, signal_name: str) -> None:
        super().__init__(signal_name)
        self.signal_name = signal_name


# --------------------------------------------------------------------------------------------------- the lock

def lock_file_path(db: Database) -> Path:
    """Where the SQLite scan lock lives: beside the database file, so every process using it finds it."""
    database = db.engine.url.database
    if not database or database == ":memory:" or database.startswith("file:"):
        raise CaseworkError("The scheduler needs a database file or a PostgreSQL server, not an in-memory "
                            "SQLite database that no other process can see.", code="bad_setting")
    return Path(database).with_name(Path(database).name + ".scan.lock")


@contextlib.contextmanager
def _advisory_lock(engine: Engine) -> Iterator[bool]:
    """PostgreSQL: pg_try_advisory_lock on a connection of its own, held for the scan.

    The lock belongs to the database session, so it needs a connection that lives exactly as long as
    the scan and is not handed back to a pool (where a lock left behind would outlive the scan). It is
    released explicitly afterwards, and closing the connection ends the session in any case, so a
    failed unlock or a killed process (the server drops the session) never leaves the lock stuck.
    The try-variant never waits: a second scheduler gives up at once instead of queueing a duplicate scan.
    """
    lock_engine = create_engine(engine.url, poolclass=NullPool, isolation_level="AUTOCOMMIT")
    try:
        with lock_engine.connect() as conn:
            held = bool(conn.scalar(text("SELECT pg_try_advisory_lock(:key)"), {"key": SCAN_LOCK_KEY}))
            try:
                yield held
            finally:
                if held:
                    try:
                        conn.scalar(text("SELECT pg_advisory_unlock(:key)"), {"key": SCAN_LOCK_KEY})
                    except DBAPIError:
                        logger.warning("scan lock release failed; closing its connection releases it")
    finally:
        lock_engine.dispose()


@contextlib.contextmanager
def _file_lock(path: Path) -> Iterator[bool]:
    """SQLite: an exclusive, non-blocking flock on ``<database>.scan.lock``.

    SQLite has no advisory locks, and its own write lock is only held per transaction, while a scan is
    two transactions (alerts, then mail). flock belongs to the open file description, so the kernel
    drops it when the process dies, even by SIGKILL. The file is left in place afterwards: deleting a
    lock file lets a third process lock a new file while a second still holds the old one.
    """
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            held = True
        except BlockingIOError:
            held = False
        try:
            yield held
        finally:
            if held:
                fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)


@contextlib.contextmanager
def scan_lock(db: Database) -> Iterator[bool]:
    """The database-wide scan lock: yields True if this caller holds it, False if another holder does.

    Never waits. A scan already under way covers the same deadlines, so waiting for it would only
    repeat its work.
    """
    if db.dialect == "postgresql":
        with _advisory_lock(db.engine) as held:
            yield held
    elif db.dialect == "sqlite":
        with _file_lock(lock_file_path(db)) as held:
            yield held
    else:
        raise CaseworkError(f"The scheduler does not support the {db.dialect} database engine.", code="bad_setting")


# --------------------------------------------------------------------------------------------------- one scan

def scan_once(db: Database, settings: dict[str, Any], trigger: str) -> dict[str, Any] | None:
    """One scheduled scan under the scan lock; returns the scan's summary, or None if skipped or failed.

    A failure is logged, not raised: the scheduler must survive a database that is briefly unreachable
    and try again at the next scan time.
    """
    started = time.perf_counter()
    try:
        with scan_lock(db) as held:
            if not held:
                logger.info("scan skipped: another process is scanning trigger=%s", trigger)
                return None
            logger.info("scan starting trigger=%s pid=%d", trigger, os.getpid())
            result = scan.run_scan(db, settings)
    except Exception as exc:
        logger.exception("scan failed trigger=%s error=%s", trigger, type(exc).__name__)
        return None
    logger.info("scan finished trigger=%s as_of=%s overdue=%d new_alerts=%d new_warnings=%d emails_sent=%d "
                "seconds=%.3f", trigger, result["as_of"], result["overdue"], result["new_alerts"],
                result["new_warnings"], result["emails_sent"], time.perf_counter() - started)
    return result


def produce_letters(db: Database, settings: dict[str, Any]) -> dict[str, int] | None:
    """The letters decisions have queued, produced; a failure is logged, and the letters wait for the next run."""
    try:
        result = produce.produce_queued(db, settings)
    except Exception as exc:
        logger.exception("letters run failed error=%s", type(exc).__name__)
        return None
    if result["produced"] or result["failed"]:
        logger.info("letters produced=%d failed=%d", result["produced"], result["failed"])
    return result


# --------------------------------------------------------------------------------------------------- the jobs

def parse_scan_times(values: list[str] | str) -> list[tuple[int, int]]:
    """[scheduler] scan_times as (hour, minute) pairs, sorted and without repeats.

    A mistyped time is refused at start, with the setting named, rather than silently never running.
    """
    if isinstance(values, str):
        values = [part.strip() for part in values.split(",") if part.strip()]
    times = set()
    for value in values:
        match = _SCAN_TIME.match(str(value).strip())
        if match is None:
            raise CaseworkError(f"[scheduler] scan_times: '{value}' is not a time of day written HH:MM (24-hour).",
                                code="bad_setting")
        times.add((int(match.group(1)), int(match.group(2))))
    return sorted(times)


def build_scheduler(db: Database, settings: dict[str, Any]) -> BlockingScheduler:
    """A scheduler, not yet started, with one cron job per scan time and the catch-up scan.

    A single worker thread means the scans of this process never overlap each other: a job that comes
    due while a scan is running waits its turn. Times are local time (the zone of the machine, or TZ),
    because the configured times are what the office means by "06:00".
    """
    times = parse_scan_times(settings.get("scheduler", {}).get("scan_times", []))
    scheduler = BlockingScheduler(executors={"default": ThreadPoolExecutor(max_workers=1)})
    once = {"misfire_grace_time": None, "coalesce": True, "max_instances": 1}
    for hour, minute in times:
        label = f"{hour:02d}:{minute:02d}"
        scheduler.add_job(scan_once, CronTrigger(hour=hour, minute=minute), args=(db, settings, label),
                          id=f"scan-{label}", name=f"deadline scan at {label}", **once)
    # No trigger: a one-off job that runs as soon as the scheduler starts.
    scheduler.add_job(scan_once, args=(db, settings, CATCH_UP), id=CATCH_UP, name="catch-up deadline scan", **once)
    # Letters queued by decisions: produced every few minutes (and at start), so a family's notice is not
    # held back until the next scan.
    every = int(settings.get("letters", {}).get("produce_every_minutes", 5))
    scheduler.add_job(produce_letters, IntervalTrigger(minutes=every), args=(db, settings), id=LETTERS,
                      name="produce queued letters", next_run_time=clock.now(), **once)
    return scheduler


def _stop_on_signals() -> None:
    """SIGTERM (systemd, docker stop) and SIGINT (Ctrl-C) leave the wait loop; a second one is not caught.

    The handler only raises, in the main thread, and the shutdown (which waits for a running scan to
    commit) happens in ordinary code, not inside the handler.
    """

    def _handler(signum: int, _frame: FrameType | None) -> None:
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
        signal.signal(signal.SIGINT, signal.default_int_handler)
        raise _Stop(signal.Signals(signum).name)

    signal.signal(signal.SIGTERM, _handler)
    signal.signal(signal.SIGINT, _handler)


def run(settings: dict[str, Any]) -> None:
    """Run the scheduled scans in this process until SIGTERM or SIGINT."""
    db = Database(settings["database"]["url"], Policy.from_settings(settings))
    if db.dialect == "sqlite":
        lock_file_path(db)  # refuse an in-memory database now, not at the first scan
    scheduler = build_scheduler(db, settings)
    times = ",".join(job.id.removeprefix("scan-") for job in scheduler.get_jobs() if job.id != CATCH_UP)
    logger.info("scheduler started pid=%d database=%s scan_times=%s timezone=%s", os.getpid(), db.dialect,
                times or "none", scheduler.timezone)
    reason = "none"
    try:
        _stop_on_signals()
        scheduler.start()
    except _Stop as stop:
        reason = stop.signal_name
    except KeyboardInterrupt:
        reason = "SIGINT"
    finally:
        logger.info("scheduler stopping signal=%s", reason)
        with contextlib.suppress(SchedulerNotRunningError):
            scheduler.shutdown(wait=True)  # a scan under way finishes and commits first
        db.dispose()
    logger.info("scheduler stopped pid=%d", os.getpid())
