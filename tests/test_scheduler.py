"""The scheduler process: its scan lock, its jobs, and `ehcp scheduler` surviving a kill in the middle of a scan.

The acceptance test runs the real console command against a caseload of a few thousand open deadlines, kills it
with SIGKILL while its first scan is under way, starts it again, and checks that the catch-up scan leaves every
alert the rules call for exactly once, and every digest queued once, before it stops cleanly on SIGTERM. The
scheduler runs on the real today, so the caseload's dates are counted back from date.today().
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import re
import signal
import socket
import sqlite3
import subprocess
import sys
import textwrap
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.date import DateTrigger
from sqlalchemy import func, insert, select, text

from casework import operations as ops
from casework.core.db import Database
from casework.core.errors import CaseworkError
from casework.core.policy import Policy
from casework.core.settings import REPO_ROOT
from casework.jobs import scheduler
from casework.law import rules
from casework.letters import produce
from casework.models import (
    AdviceRequest,
    Alert,
    AlertDelivery,
    AuditEntry,
    Case,
    Deadline,
    OutboxMail,
    Person,
    User,
)

DAY = dt.timedelta(days=1)
PROCESS_TIMEOUT = 120  # seconds; generous for a shared two-core machine, never a measure of speed
HEALTH = "Northbridge NHS Trust"
SCHOOL = "Riverside Primary School"


# --------------------------------------------------------------------------------------------------- caseload

def _requests_through_operations(db: Database, owner: User, today: dt.date) -> None:
    """A dozen requests taken through the operations: advice asked, some returned, some decisions made."""
    for n, days_ago in enumerate((20, 35, 50, 70, 90, 110, 130, 150, 180, 250, 330, 380)):
        received = today - days_ago * DAY
        case = ops.create_case(db, actor=owner, assigned_caseworker_id=owner.id,
                               given_name="Scheduled", family_name=f"Example{n}",
                               date_of_birth=dt.date(2015, 3, 1), received_on=received, requested_by="parent",
                               primary_need="SLCN")
        if n % 4 == 0 or days_ago < 32:
            continue
        ops.agree_to_assess(db, case.id, actor=None, on=received + 28 * DAY)
        ops.request_advice(db, case.id, actor=None, on=received + 30 * DAY, advice_type="health", organisation=HEALTH)
        case = ops.request_advice(db, case.id, actor=None, on=received + 31 * DAY, advice_type="educational",
                                  organisation=SCHOOL)
        if days_ago > 60:
            school_advice = next(a for a in case.advice_requests if a.advice_type == "educational")
            ops.record_advice(db, case.id, actor=None, on=received + 60 * DAY, advice_request_id=school_advice.id)
        if n % 3 == 0 and days_ago > 100:
            ops.decide_to_issue(db, case.id, actor=None, on=received + 100 * DAY)


def _bulk_requests(db: Database, owner: User, today: dt.date, count: int) -> None:
    """``count`` requests received over the last 400 days that nobody has acted on yet, inserted in bulk.

    Each gets exactly the rows ops.create_case would write (the child's person and the entry recording them,
    the case, its three assessment deadlines by the same rules, the case's audit entry), which the first one,
    made through create_case itself, proves.
    """
    model = ops.create_case(db, actor=owner, assigned_caseworker_id=owner.id, given_name="Model", family_name="Request",
                            date_of_birth=dt.date(2016, 1, 1), received_on=today - 400 * DAY, requested_by="parent")

    def deadlines_for(case_id: int, received: dt.date) -> list[dict[str, Any]]:
        rows = []
        for kind in ops.LA_ASSESSMENT_KINDS:
            spec = rules.DEADLINE_KINDS[kind]
            rule = rules.rule_in_force(spec.rule_ids[0], received)
            rows.append({"case_id": case_id, "kind": kind, "rule": rule.id, "citation": rule.citation,
                         "starts_on": received, "due_on": rule.due_on(received, db.policy.counting),
                         "is_duty": spec.is_duty, "subject_type": "case", "subject_id": case_id})
        return rows

    columns = ("kind", "rule", "citation", "starts_on", "due_on", "is_duty", "subject_type", "subject_id")
    made = [tuple(getattr(d, column) for column in columns) for d in model.deadlines]
    assert sorted(made) == sorted(tuple(row[k] for k in columns) for row in deadlines_for(model.id, model.received_on))

    with db.transaction() as s:
        first = (s.scalar(select(func.max(Case.id))) or 0) + 1
        first_person = (s.scalar(select(func.max(Person.id))) or 0) + 1
        audit = s.scalars(select(AuditEntry).where(AuditEntry.case_id == model.id)).one()
        people, cases, deadlines, entries = [], [], [], []
        for n in range(count):
            case_id, person_id, received = first + n, first_person + n, today - (n % 400) * DAY
            people.append({"id": person_id, "version": 1, "given_name": "Bulk", "family_name": f"Request{n}",
                           "date_of_birth": dt.date(2012, 1, 1) + n % 2000 * DAY})
            entries.append({"case_id": None, "person_id": person_id, "actor_id": owner.id, "actor": owner.username,
                            "event": "person_added", "on": None, "fields": {"changes": {}}, "state_before": None,
                            "state_after": None, "version_after": None})
            cases.append({"id": case_id, "reference": f"{db.policy.reference_prefix}-{received.year}-{case_id:06d}",
                          "state": model.state, "version": model.version, "person_id": person_id,
                          "primary_need": "ASD", "received_on": received, "requested_by": "parent",
                          "assigned_caseworker_id": owner.id, "last_event_on": received})
            deadlines += deadlines_for(case_id, received)
            entries.append({"case_id": case_id, "person_id": None, "actor_id": owner.id, "actor": owner.username,
                            "event": audit.event,
                            "on": received, "fields": audit.fields, "state_before": None,
                            "state_after": audit.state_after, "version_after": audit.version_after})
        s.execute(insert(Person), people)
        s.execute(insert(Case), cases)
        s.execute(insert(Deadline), deadlines)
        s.execute(insert(AuditEntry), entries)
        if db.dialect == "postgresql":  # explicit ids: move the sequence past them, as inserts would have
            s.execute(text("SELECT setval(pg_get_serial_sequence('people', 'id'), (SELECT max(id) FROM people))"))
            s.execute(text("SELECT setval(pg_get_serial_sequence('cases', 'id'), (SELECT max(id) FROM cases))"))


def _caseload(db: Database, make_user: Callable[..., User], bulk: int) -> tuple[User, User]:
    """Staff who hear of alerts by email, and a caseload with thousands of late and nearly due deadlines."""
    today = dt.date.today()
    owner = make_user("caseworker")  # no address: the manager's and the adviser's digests are what is queued
    manager = make_user("manager", email="head.of.send@example.gov.uk")
    adviser = make_user("adviser", org=HEALTH, email="send.advice@northbridge.nhs.uk")
    _requests_through_operations(db, owner, today)
    _bulk_requests(db, owner, today, bulk)
    return manager, adviser


def _expected_alerts(db: Database, policy: Policy, as_of: dt.date) -> set[tuple[int, str]]:
    """By the rule, from the deadline rows: an open duty late on ``as_of`` is overdue; one inside its kind's
    warning window is due soon."""
    expected = set()
    with db.reading() as s:
        rows = s.execute(select(Deadline.id, Deadline.kind, Deadline.due_on).where(
            Deadline.met_on.is_(None), Deadline.cancelled_on.is_(None), Deadline.is_duty.is_(True))).all()
    for deadline_id, kind, due_on in rows:
        if due_on < as_of:
            expected.add((deadline_id, "overdue"))
        elif due_on <= as_of + policy.warning_days(kind) * DAY:
            expected.add((deadline_id, "due_soon"))
    return expected


def _alerts(db: Database) -> list[tuple[int, str]]:
    with db.reading() as s:
        return [tuple(row) for row in s.execute(select(Alert.deadline_id, Alert.kind))]


# --------------------------------------------------------------------------------------------------- processes

def _closed_port() -> int:
    """A loopback port nothing listens on: the digests are queued, the send fails and they wait."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _scheduler_process(database_url: str, log: Path, mail_port: int) -> subprocess.Popen[bytes]:
    """`ehcp scheduler` as operators run it; its log lines (stderr) go to ``log``.

    The scheduled times are set half a day away, as an operator may set them, so only the catch-up scan
    runs while the test watches.
    """
    later = (dt.datetime.now() + dt.timedelta(hours=12)).strftime("%H:%M")
    env = {**os.environ, "EHCP_DATABASE_URL": database_url, "EHCP_MAIL_HOST": "127.0.0.1",
           "EHCP_MAIL_PORT": str(mail_port), "EHCP_SCHEDULER_SCAN_TIMES": later, "EHCP_LOG_LEVEL": "INFO"}
    with log.open("ab") as err:
        return subprocess.Popen([sys.executable, "-m", "casework.cli", "scheduler"], cwd=REPO_ROOT, env=env,
                                stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=err)


def _wait_for(condition: Callable[[], bool], what: str, process: subprocess.Popen | None = None,
              log: Path | None = None) -> None:
    """Poll until ``condition`` holds; fail with the process's log if it exits or the time runs out."""
    deadline = time.monotonic() + PROCESS_TIMEOUT
    while not condition():
        if process is not None and process.poll() is not None:
            pytest.fail(f"scheduler exited ({process.returncode}) before {what}:\n{_read(log)}")
        if time.monotonic() > deadline:
            pytest.fail(f"timed out waiting for {what}:\n{_read(log)}")
        time.sleep(0.005)


def _read(log: Path | None) -> str:
    return log.read_text(errors="replace") if log is not None and log.exists() else ""


def _catch_up_outcome(log: Path) -> str | None:
    """How this process's catch-up scan ended, once its log says so."""
    found = re.search(r"scan (finished|skipped|failed)", _read(log))
    return found.group(1) if found else None


def _alerts_transaction_open(db: Database) -> bool:
    """Whether a scan is inside its alerts transaction, seen from outside: on PostgreSQL its INSERT is running;
    on SQLite someone holds the write lock (the scan's transaction begins IMMEDIATE, and nothing else writes)."""
    if db.dialect == "postgresql":
        with db.engine.connect() as conn:
            return bool(conn.scalar(text(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND state = 'active' "
                "AND query LIKE 'INSERT INTO alerts%'")))
    probe = sqlite3.connect(db.engine.url.database, timeout=0, isolation_level=None)
    try:
        probe.execute("BEGIN IMMEDIATE")
        probe.execute("ROLLBACK")
        return False
    except sqlite3.OperationalError as exc:
        if "locked" not in str(exc):
            raise
        return True
    finally:
        probe.close()


def _lock_free(db: Database) -> bool:
    with scheduler.scan_lock(db) as held:
        return held


def _stop(process: subprocess.Popen, log: Path) -> None:
    """SIGTERM, as systemd sends: the scheduler says it stopped and exits 0."""
    process.send_signal(signal.SIGTERM)
    _stopped(process, log)


def _stopped(process: subprocess.Popen, log: Path) -> None:
    """After one SIGTERM (a second would not be caught): the scheduler says it stopped and exits 0."""
    assert process.wait(timeout=PROCESS_TIMEOUT) == 0, _read(log)
    assert "scheduler stopping signal=SIGTERM" in _read(log)
    assert re.search(r"scheduler stopped pid=\d+", _read(log))


# --------------------------------------------------------------------------------------------------- the lock

def test_scan_lock_admits_one_holder_at_a_time(db):
    """Two holders on the engine under test (two PostgreSQL sessions, or two open lock files)."""
    with scheduler.scan_lock(db) as first:
        assert first
        with scheduler.scan_lock(db) as second:
            assert not second
    with scheduler.scan_lock(db) as after_release:
        assert after_release


def _lock_holder(database_url: str) -> subprocess.Popen[str]:
    """Another process that takes the scan lock, says so, and keeps it until its stdin closes or it is killed."""
    code = textwrap.dedent(f"""
        import sys
        from casework.core.db import Database
        from casework.jobs.scheduler import scan_lock
        with scan_lock(Database({database_url!r})) as held:
            print("held" if held else "refused", flush=True)
            sys.stdin.read()
    """)
    return subprocess.Popen([sys.executable, "-c", code], cwd=REPO_ROOT, stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, text=True)


def test_scan_lock_held_by_another_process_is_released_when_it_ends_or_dies(db, database_url):
    holder = _lock_holder(database_url)
    assert holder.stdout.readline().strip() == "held"
    assert not _lock_free(db)
    holder.stdin.close()  # the holder leaves its `with` block: released explicitly
    assert holder.wait(timeout=PROCESS_TIMEOUT) == 0
    assert _lock_free(db)

    killed = _lock_holder(database_url)
    assert killed.stdout.readline().strip() == "held"
    assert not _lock_free(db)
    killed.kill()  # no chance to release: the kernel (flock) or the server (session ends) lets it go
    killed.wait(timeout=PROCESS_TIMEOUT)
    killed.stdin.close()
    killed.stdout.close()
    _wait_for(lambda: _lock_free(db), "the dead holder's lock to be released")


def test_a_scan_that_finds_the_lock_held_skips_and_changes_nothing(db, settings, new_case, caplog):
    new_case(received_on=dt.date.today() - 130 * DAY)  # 6 and 16 weeks late, 20 weeks nearly due
    caplog.set_level(logging.INFO, logger="casework")
    with scheduler.scan_lock(db) as held:
        assert held
        assert scheduler.scan_once(db, settings, "06:00") is None
    assert "scan skipped: another process is scanning trigger=06:00" in caplog.text
    assert _alerts(db) == []

    result = scheduler.scan_once(db, settings, "13:00")
    assert result is not None and (result["new_alerts"], result["new_warnings"]) == (2, 1)
    assert sorted(kind for _, kind in _alerts(db)) == ["due_soon", "overdue", "overdue"]
    assert re.search(r"scan finished trigger=13:00 as_of=\S+ overdue=2 new_alerts=2", caplog.text)


# --------------------------------------------------------------------------------------------------- the jobs

def test_one_cron_job_per_scan_time_and_a_catch_up_scan_at_start(db, settings):
    settings["scheduler"]["scan_times"] = ["13:00", "06:00", "13:00", "23:59"]
    jobs = {job.id: job for job in scheduler.build_scheduler(db, settings).get_jobs()}
    assert set(jobs) == {"scan-06:00", "scan-13:00", "scan-23:59", scheduler.CATCH_UP, scheduler.LETTERS}
    for label in ("06:00", "13:00", "23:59"):
        job = jobs[f"scan-{label}"]
        assert isinstance(job.trigger, CronTrigger)
        fields = {f.name: str(f) for f in job.trigger.fields}
        assert (fields["hour"], fields["minute"]) == (str(int(label[:2])), str(int(label[3:])))
        assert job.args[2] == label
    assert isinstance(jobs[scheduler.CATCH_UP].trigger, DateTrigger)
    for job in jobs.values():
        assert job.func is (scheduler.produce_letters if job.id == scheduler.LETTERS else scheduler.scan_once)
        assert (job.misfire_grace_time, job.coalesce, job.max_instances) == (None, True, 1)
    assert jobs[scheduler.LETTERS].trigger.interval.total_seconds() == 5 * 60


def test_scan_times_as_the_environment_gives_them_and_mistakes_refused():
    assert scheduler.parse_scan_times("13:00, 06:00") == [(6, 0), (13, 0)]
    assert scheduler.parse_scan_times(["00:00", "23:59", "00:00"]) == [(0, 0), (23, 59)]
    for wrong in ("6am", "24:00", "06:60", "6:00", ""):
        with pytest.raises(CaseworkError, match=r"\[scheduler\] scan_times"):
            scheduler.parse_scan_times([wrong])


# --------------------------------------------------------------------------------------------------- the process

def test_scheduler_killed_mid_scan_catches_up_on_restart_with_every_alert_once(db, database_url, make_user,
                                                                                settings, tmp_path):
    manager, adviser = _caseload(db, make_user, bulk=3000)
    today = dt.date.today()
    expected = _expected_alerts(db, Policy.from_settings(settings), today)
    assert sum(kind == "overdue" for _, kind in expected) > 5000 and any(k == "due_soon" for _, k in expected)
    port = _closed_port()

    first_log = tmp_path / "first.log"
    first = _scheduler_process(database_url, first_log, port)
    _wait_for(lambda: "scan starting trigger=catch-up" in _read(first_log), "the first scan to start", first,
              first_log)
    _wait_for(lambda: _alerts_transaction_open(db), "the first scan to be raising alerts", first, first_log)
    first.send_signal(signal.SIGKILL)
    assert first.wait(timeout=PROCESS_TIMEOUT) == -signal.SIGKILL
    assert "scan finished" not in _read(first_log)
    assert _alerts(db) == []  # it died inside the alerts transaction, which never committed

    _wait_for(lambda: _lock_free(db), "the killed scheduler's lock to be released")
    second_log = tmp_path / "second.log"
    second = _scheduler_process(database_url, second_log, port)
    try:
        _wait_for(lambda: _catch_up_outcome(second_log) is not None, "the catch-up scan", second, second_log)
        assert _catch_up_outcome(second_log) == "finished", _read(second_log)

        alerts = _alerts(db)
        assert len(alerts) == len(set(alerts)), "an alert raised twice"
        assert set(alerts) == expected
        with db.reading() as s:
            raised_on = set(s.scalars(select(Alert.raised_on)))
            outbox = list(s.scalars(select(OutboxMail).order_by(OutboxMail.id)))
            deliveries = s.execute(select(AlertDelivery.alert_id, AlertDelivery.recipient_id)).all()
            overdue_ids = set(s.scalars(select(Alert.id).where(Alert.kind == "overdue")))
            health_advice_ids = set(s.scalars(
                select(Alert.id).join(AdviceRequest, Alert.about("advice_request", AdviceRequest.id))
                .where(AdviceRequest.organisation_id == adviser.organisation_id)))
        assert raised_on == {today}
        # One digest each for the manager and the adviser, waiting for the mail server; each alert in it once.
        assert sorted(m.recipient_id for m in outbox) == sorted([manager.id, adviser.id])
        assert all(m.sent_at is None and m.attempts >= 1 and m.last_error for m in outbox)
        assert len(deliveries) == len(set(deliveries))
        assert {a for a, r in deliveries if r == manager.id} == overdue_ids
        assert health_advice_ids and {a for a, r in deliveries if r == adviser.id} == health_advice_ids
    finally:
        if second.poll() is None:
            _stop(second, second_log)


def test_two_schedulers_started_together_raise_each_alert_once(db, database_url, make_user, settings, tmp_path):
    _caseload(db, make_user, bulk=600)
    # The decisions above queued their letters. Issue them now, so each scheduler's start-up letters run finds
    # none: otherwise SIGTERM waits (as designed) for two dozen PDFs to render, a wait that grows with the
    # machine's load and is no part of what this test watches.
    assert produce.produce_queued(db, settings)["failed"] == 0
    expected = _expected_alerts(db, Policy.from_settings(settings), dt.date.today())
    port = _closed_port()
    logs = [tmp_path / "a.log", tmp_path / "b.log"]
    processes = [_scheduler_process(database_url, log, port) for log in logs]
    try:
        for process, log in zip(processes, logs, strict=True):
            _wait_for(lambda log=log: _catch_up_outcome(log) is not None, "the catch-up scan", process, log)
        outcomes = sorted(_catch_up_outcome(log) for log in logs)
        assert outcomes in (["finished", "skipped"], ["finished", "finished"]), outcomes
        alerts = _alerts(db)
        assert len(alerts) == len(set(alerts)) and set(alerts) == expected
        new_alerts = [int(n) for log in logs for n in re.findall(r"scan finished .* new_alerts=(\d+)", _read(log))]
        assert sum(new_alerts) == sum(kind == "overdue" for _, kind in expected)
    finally:
        _stop_all([(process, log) for process, log in zip(processes, logs, strict=True) if process.poll() is None])


def _stop_all(running: list[tuple[subprocess.Popen, Path]]) -> None:
    """SIGTERM to every process first, then the checks of _stop on each: they shut down side by side."""
    for process, _ in running:
        process.send_signal(signal.SIGTERM)
    for process, log in running:
        _stopped(process, log)
