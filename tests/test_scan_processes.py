"""Two `ehcp scan` processes started together on one database (say cron and an operator at the same moment).

Both must finish cleanly and print their summary, and between them every overdue deadline has exactly one
alert and every person exactly one queued digest: the unique constraints, not luck, decide.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import socket
import subprocess
import sys
from typing import Any

from sqlalchemy import func, select

from casework import operations as ops
from casework.alerts import close_unjustified, scan
from casework.core.settings import REPO_ROOT
from casework.models import Alert, AlertDelivery, Deadline, OutboxMail

D = dt.date
AS_OF = D(2025, 3, 1)


def _unused_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _caseload(db, make_user) -> None:
    """Twenty requests at different stages, some with advice outstanding, most of them late somewhere."""
    owner = make_user("caseworker", email="owner@example.gov.uk")
    make_user("manager", email="manager@example.gov.uk")
    make_user("adviser", org="Northbridge NHS Trust", email="advice@northbridge.nhs.uk")
    for n in range(20):
        received = D(2024, 6, 3) + dt.timedelta(days=7 * n)
        case = ops.create_case(db, actor=owner, assigned_caseworker_id=owner.id,
                               given_name="Process", family_name=f"Child{n}",
                               date_of_birth=D(2015, 1, 1), received_on=received, requested_by="parent")
        if n % 4 == 0:
            continue
        ops.agree_to_assess(db, case.id, actor=None, on=received + dt.timedelta(days=30 + n))
        ops.request_advice(db, case.id, actor=None, on=received + dt.timedelta(days=31 + n), advice_type="health",
                           organisation="Northbridge NHS Trust")
        if n % 3 == 0:
            ops.decide_to_issue(db, case.id, actor=None, on=received + dt.timedelta(days=80))


def _scan_process(database_url: str, mail_port: int) -> subprocess.Popen[str]:
    env = {**os.environ, "EHCP_DATABASE_URL": database_url, "EHCP_MAIL_HOST": "127.0.0.1",
           "EHCP_MAIL_PORT": str(mail_port)}
    return subprocess.Popen([sys.executable, "-m", "casework.cli", "scan", "--as-of", AS_OF.isoformat()],
                            cwd=REPO_ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def test_two_scans_at_once_raise_each_alert_and_queue_each_digest_once(db, database_url, make_user):
    _caseload(db, make_user)
    with db.reading() as s:
        late = s.scalar(select(func.count()).select_from(Deadline).where(
            Deadline.met_on.is_(None), Deadline.cancelled_on.is_(None), Deadline.is_duty.is_(True),
            Deadline.due_on < AS_OF))
    assert late >= 20

    port = _unused_port()  # nothing listens there: the digests must wait in the outbox
    processes = [_scan_process(database_url, port) for _ in range(2)]
    outputs = [p.communicate(timeout=120) for p in processes]

    summaries: list[dict[str, Any]] = []
    for process, (stdout, stderr) in zip(processes, outputs, strict=True):
        assert process.returncode == 0, stderr
        summaries.append(json.loads(stdout.strip().splitlines()[-1]))
    for summary in summaries:
        assert summary["as_of"] == AS_OF.isoformat() and summary["overdue"] == late
        assert summary["emails_sent"] == 0
    assert sum(s["new_alerts"] for s in summaries) == late

    with db.reading() as s:
        overdue = list(s.scalars(select(Alert).where(Alert.kind == "overdue")))
        assert len(overdue) == late == len({a.deadline_id for a in overdue})
        assert s.scalar(select(func.count()).select_from(Alert).where(Alert.kind == "due_soon")) == sum(
            summary["new_warnings"] for summary in summaries)
        outbox = list(s.scalars(select(OutboxMail)))
        assert sorted(m.to_address for m in outbox) == ["advice@northbridge.nhs.uk", "manager@example.gov.uk",
                                                         "owner@example.gov.uk"]
        assert all(m.sent_at is None and m.attempts >= 1 and m.last_error for m in outbox)
        deliveries = s.execute(select(AlertDelivery.alert_id, AlertDelivery.recipient_id)).all()
        assert len(deliveries) == len(set(deliveries))
        manager_id = next(m.recipient_id for m in outbox if m.to_address.startswith("manager"))
        assert sum(1 for _, recipient in deliveries if recipient == manager_id) == late


def test_two_scans_at_once_alert_again_exactly_once_the_deadlines_whose_alerts_were_closed(db, database_url,
                                                                                         make_user, settings):
    """Alerts closed after a correction moved their deadlines: two scans at once raise each of those again once."""
    _caseload(db, make_user)
    first = scan.run_scan(db, settings, as_of=AS_OF - dt.timedelta(days=28))
    with db.transaction() as s:  # as a correction would: the decisions fall due a week after they were alerted
        moved = list(s.scalars(select(Deadline).join(Alert, Alert.deadline_id == Deadline.id).where(
            Alert.kind == "overdue", Deadline.kind == "decision_to_assess", Deadline.met_on.is_(None))))
        for deadline in moved:
            deadline.due_on = AS_OF - dt.timedelta(days=21)
        closed = [a for case_id in {d.case_id for d in moved}
                  for a in close_unjustified(s, case_id, AS_OF - dt.timedelta(days=27), "Corrected request date")]
    assert moved and len(closed) == len(moved)
    with db.reading() as s:
        late = s.scalar(select(func.count()).select_from(Deadline).where(
            Deadline.met_on.is_(None), Deadline.cancelled_on.is_(None), Deadline.is_duty.is_(True),
            Deadline.due_on < AS_OF))

    port = _unused_port()
    processes = [_scan_process(database_url, port) for _ in range(2)]
    outputs = [p.communicate(timeout=120) for p in processes]
    for process, (_, stderr) in zip(processes, outputs, strict=True):
        assert process.returncode == 0, stderr
    summaries = [json.loads(stdout.strip().splitlines()[-1]) for stdout, _ in outputs]
    assert sum(s["new_alerts"] for s in summaries) == late - (first["new_alerts"] - len(closed))

    with db.reading() as s:
        standing = list(s.scalars(select(Alert).where(Alert.kind == "overdue", Alert.closed_at.is_(None))))
        assert len(standing) == late == len({a.deadline_id for a in standing})
        again = [a for a in standing if a.deadline_id in {d.id for d in moved}]
        assert sorted(a.deadline_id for a in again) == sorted(d.id for d in moved)
        assert all(a.raised_on == AS_OF and a.due_on == AS_OF - dt.timedelta(days=21) for a in again)
        assert s.scalar(select(func.count()).select_from(Alert).where(Alert.closed_at.is_not(None))) == len(closed)
