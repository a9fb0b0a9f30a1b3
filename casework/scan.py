"""The deadline scan: open statutory deadlines that are late or nearly due become alerts, then mail goes out.

Two set-based statements do the work, whatever the size of the caseload: one INSERT ... SELECT over the
open duty deadlines already past their due date (``overdue``), one over those inside their warning window
(``due_soon``). Each ends ON CONFLICT DO NOTHING on the alerts' unique (deadline, kind), so the scan can run
twice a day, be re-run by hand, or run in two processes at once, and still raise each alert exactly once.

The alerts are committed before any mail is attempted: a mail server that is down delays the digests
(they wait in the outbox for the next run), never the record that a statutory deadline was missed.
"""

from __future__ import annotations

import datetime as dt
import logging
import time
from typing import Any

from sqlalchemy import Date, DateTime, Insert, and_, case, func, literal, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from casework import clock, notify, rules
from casework.db import Database
from casework.models import Alert, Deadline
from casework.policy import Policy

logger = logging.getLogger("casework.scan")

_ALERT_COLUMNS = ("kind", "deadline_id", "case_id", "deadline_kind", "rule", "due_on", "advice_request_id",
                  "raised_on", "created_at")


def _open_duty() -> Any:
    """Open deadlines the authority owes (a family's window is never breached, so never alerted)."""
    return and_(Deadline.met_on.is_(None), Deadline.cancelled_on.is_(None), Deadline.is_duty.is_(True))


def _warning_horizon(as_of: dt.date, policy: Policy) -> Any:
    """Per deadline kind, the latest due date that is inside its warning window on ``as_of``.

    A deadline is due soon when ``due_on - window <= as_of``, that is ``due_on <= as_of + window``; the
    window differs by kind ([alerts.due_soon_days_by_kind]), so the bound is a CASE on the kind.
    """
    horizons = {kind: as_of + dt.timedelta(days=policy.warning_days(kind)) for kind in rules.DEADLINE_KINDS}
    return case(
        *((Deadline.kind == kind, literal(day, Date)) for kind, day in horizons.items()),
        else_=literal(as_of + dt.timedelta(days=policy.due_soon_days), Date),
    )


def _insert_alerts(dialect: str, kind: str, where: Any, as_of: dt.date, now: dt.datetime) -> Insert:
    """INSERT INTO alerts SELECT ... FROM deadlines WHERE <where> ON CONFLICT (deadline_id, kind) DO NOTHING
    (the statement's row count is the number of alerts it actually created)."""
    rows = select(
        literal(kind), Deadline.id, Deadline.case_id, Deadline.kind, Deadline.rule, Deadline.due_on,
        Deadline.advice_request_id, literal(as_of, Date), literal(now, DateTime(timezone=True)),
    ).where(where)
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    return insert(Alert).from_select(list(_ALERT_COLUMNS), rows).on_conflict_do_nothing(
        index_elements=["deadline_id", "kind"]).execution_options(preserve_rowcount=True)


def raise_alerts(session: Session, dialect: str, as_of: dt.date, policy: Policy) -> dict[str, int]:
    """Create the day's new alerts in the caller's transaction; returns what was examined and created.

    A deadline already past its due date is only ever ``overdue``: the warning statement looks at due
    dates from ``as_of`` on, so a deadline first seen late gets no belated warning.
    """
    now = clock.now()
    late = and_(_open_duty(), Deadline.due_on < as_of)
    widest = max([policy.due_soon_days, *(policy.warning_days(kind) for kind in rules.DEADLINE_KINDS)])
    nearly_due = and_(_open_duty(), Deadline.due_on >= as_of,
                      Deadline.due_on <= as_of + dt.timedelta(days=widest),  # bounds the index range scan
                      Deadline.due_on <= _warning_horizon(as_of, policy))
    # The row count, not RETURNING: fetching the new ids would hold one Python row per alert, so the first
    # scan of a large caseload would need memory in proportion to it. Both drivers count only inserted rows.
    connection = session.connection()
    new_alerts = connection.execute(_insert_alerts(dialect, "overdue", late, as_of, now)).rowcount
    new_warnings = connection.execute(_insert_alerts(dialect, "due_soon", nearly_due, as_of, now)).rowcount
    # Both counts in one pass over the index range the two statements above covered between them.
    overdue, soon = session.execute(
        select(func.count().filter(Deadline.due_on < as_of),
               func.count().filter(Deadline.due_on >= as_of, Deadline.due_on <= _warning_horizon(as_of, policy)))
        .select_from(Deadline).where(_open_duty(), Deadline.due_on <= as_of + dt.timedelta(days=widest))
    ).one()
    overdue, examined = int(overdue or 0), int(overdue or 0) + int(soon or 0)
    return {"overdue": overdue, "new_alerts": new_alerts, "new_warnings": new_warnings,
            "deadlines_examined": examined}


def run_scan(db: Database, settings: dict[str, Any], as_of: dt.date | None = None) -> dict[str, Any]:
    """One scan as of a date (default today): raise and commit alerts, then queue and send the digests.

    Returns the summary ``ehcp scan`` prints: as_of, overdue (open duty deadlines late on that date),
    new_alerts (new overdue alerts), new_warnings (new due-soon alerts) and emails_sent.
    """
    started = time.perf_counter()
    as_of = as_of or clock.today()
    with db.transaction() as session:
        counts = raise_alerts(session, db.dialect, as_of, db.policy)
    mail = notify.deliver(db, settings, as_of)
    seconds = time.perf_counter() - started
    logger.info(
        "scan as_of=%s deadlines_examined=%d overdue=%d new_alerts=%d new_warnings=%d emails_sent=%d "
        "emails_failed=%d seconds=%.3f",
        as_of.isoformat(), counts["deadlines_examined"], counts["overdue"], counts["new_alerts"],
        counts["new_warnings"], mail.sent, mail.failed, seconds,
    )
    return {"as_of": as_of.isoformat(), "overdue": counts["overdue"], "new_alerts": counts["new_alerts"],
            "new_warnings": counts["new_warnings"], "emails_sent": mail.sent}
