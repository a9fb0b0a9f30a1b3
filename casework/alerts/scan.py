"""The deadline scan: open statutory deadlines that are late or nearly due become alerts, then mail goes out.

Set-based statements do the work, whatever the size of the caseload: INSERT ... SELECT over the open duty
deadlines past their due date (``overdue``) and over those inside their warning window (``due_soon``). Each
ends ON CONFLICT DO NOTHING on the open alerts' unique (deadline, kind), so the scan can run twice a day, be
re-run by hand, or run in two processes at once, and still raise each alert exactly once. An alert that was
closed (its deadline no longer justified it) does not count: if the deadline falls due again, it is alerted
again.

Each scan leaves a ``scan_runs`` row in its own transaction. The next scan builds on the latest one as of an
earlier or equal date (under the same warning windows): every deadline that scan could see already has its
alerts, so only three things can need one now: a due date or warning line crossed between the two dates (an
index range on the due date), a deadline recorded since (an event entered late can open a deadline already
past due), and a deadline whose alert was closed since (a corrected deadline can be late again on its new
date). A twice-daily scan therefore raises its alerts from a day's worth of rows, not the whole caseload
(its summary still counts every overdue deadline, in one indexed count). With no such run, or when the clock
has gone backwards, the scan reads every open deadline, as the first scan does.

The alerts are committed before any mail is attempted: a mail server that is down delays the digests
(they wait in the outbox for the next run), never the record that a statutory deadline was missed.
"""

from __future__ import annotations

import datetime as dt
import logging
import time
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Date, DateTime, Insert, and_, case, func, literal, select, text
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from casework.core import clock
from casework.core.db import Database
from casework.core.policy import Policy
from casework.law import rules
from casework.mail import notify
from casework.models import Alert, Deadline, ScanRun
from casework.models.alert import OPEN_ALERT

logger = logging.getLogger("casework.scan")

_ALERT_COLUMNS = ("kind", "deadline_id", "case_id", "deadline_kind", "rule", "due_on", "subject_type",
                  "subject_id", "raised_on", "created_at")
# How long a deadline may take to become visible after it was stamped: an operation's transaction still open
# when a scan starts, or another server's clock running behind. Deadlines recorded this long before the last
# scan started are looked at again; a day is far beyond either and costs a day's worth of new rows.
VISIBILITY_MARGIN = dt.timedelta(days=1)


@dataclass(frozen=True)
class Covered:
    """What an earlier scan has already alerted: deadlines due before ``as_of`` (or inside their warning
    window on that date) among those recorded before ``recorded_before``."""

    as_of: dt.date
    recorded_before: dt.datetime


def warning_windows(policy: Policy) -> str:
    """The warning windows as one comparable string, e.g. ``advice=14,...,*=14``."""
    kinds = ",".join(f"{kind}={policy.warning_days(kind)}" for kind in sorted(rules.DEADLINE_KINDS))
    return f"{kinds},*={policy.due_soon_days}"


def _as_utc(moment: dt.datetime) -> dt.datetime:
    """SQLite hands timestamps back without their zone; they were stored in UTC."""
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)


def covered_by_earlier_scan(session: Session, as_of: dt.date, policy: Policy, now: dt.datetime) -> Covered | None:
    """The latest scan as of ``as_of`` or before under the same windows, if it can be built on."""
    run = session.scalars(
        select(ScanRun).where(ScanRun.as_of <= as_of, ScanRun.warning_windows == warning_windows(policy))
        .order_by(ScanRun.as_of.desc(), ScanRun.started_at.desc()).limit(1)
    ).first()
    if run is None or _as_utc(run.started_at) > now:  # a clock set back could stamp new rows before it
        return None
    return Covered(as_of=run.as_of, recorded_before=_as_utc(run.started_at) - VISIBILITY_MARGIN)


# Where a statement reads: the deadlines table, or the few deadlines recorded since a moment; and the
# condition on those rows. Both are built over the same columns, so one INSERT ... SELECT serves either.
Look = tuple[Any, Any]


def _open_duty(d: Any) -> Any:
    """Open deadlines the authority owes (a family's window is never breached, so never alerted)."""
    return and_(d.met_on.is_(None), d.cancelled_on.is_(None), d.is_duty.is_(True))


def _warning_horizon(as_of: dt.date, policy: Policy, d: Any) -> Any:
    """Per deadline kind, the latest due date that is inside its warning window on ``as_of``.

    A deadline is due soon when ``due_on - window <= as_of``, that is ``due_on <= as_of + window``; the
    window differs by kind ([alerts.due_soon_days_by_kind]), so the bound is a CASE on the kind.
    """
    horizons = {kind: as_of + dt.timedelta(days=policy.warning_days(kind)) for kind in rules.DEADLINE_KINDS}
    return case(
        *((d.kind == kind, literal(day, Date)) for kind, day in horizons.items()),
        else_=literal(as_of + dt.timedelta(days=policy.due_soon_days), Date),
    )


def _kinds_by_window(policy: Policy, d: Any) -> list[tuple[int, Any]]:
    """(window in days, the condition on the kind) for each distinct window: a few statements, each over a
    tight range of due dates, instead of one whose range must reach the widest window."""
    default = policy.due_soon_days
    named = {kind: policy.warning_days(kind) for kind in rules.DEADLINE_KINDS if policy.warning_days(kind) != default}
    groups: dict[int, list[str]] = defaultdict(list)
    for kind, days in named.items():
        groups[days].append(kind)
    return [(default, d.kind.not_in(list(named)))] + [
        (days, d.kind.in_(kinds)) for days, kinds in sorted(groups.items())]


def _recorded_since(moment: dt.datetime) -> Any:
    """The deadlines recorded at or after a moment, read through the index on when they were recorded.

    A subquery kept apart by OFFSET 0, which both planners take as a fence: offered the same conditions on
    the table itself, either would rather walk the due-date index over every overdue row than fetch the
    day's few new ones. (Not a CTE: a statement that begins WITH gets no row count from Python's sqlite3.)
    """
    return select(Deadline.__table__).where(Deadline.created_at >= moment).offset(0).subquery("recorded_since")


def _alert_closed_since(moment: dt.datetime) -> Any:
    """The deadlines with an alert closed at or after a moment, read through the index on closed alerts.

    An alert is closed when its deadline no longer justifies it, typically because a correction moved the
    deadline; the deadline may be late again on its new date already, which no due-date range of the last
    scan covers. The same fence as ``_recorded_since`` keeps the planners on the few rows.
    """
    closed = select(Alert.deadline_id).where(Alert.closed_at >= moment)
    return select(Deadline.__table__).where(Deadline.id.in_(closed)).offset(0).subquery("alert_closed_since")


def overdue_looks(as_of: dt.date, covered: Covered | None) -> list[Look]:
    """Where to look for deadlines late on ``as_of`` that may still lack their overdue alert."""
    table = Deadline.__table__
    if covered is None:
        return [(table, table.c.due_on < as_of)]
    recent = _recorded_since(covered.recorded_before)
    reopened = _alert_closed_since(covered.recorded_before)
    return [(table, and_(table.c.due_on >= covered.as_of, table.c.due_on < as_of)),
            (recent, recent.c.due_on < as_of), (reopened, reopened.c.due_on < as_of)]


def warning_looks(as_of: dt.date, policy: Policy, covered: Covered | None) -> list[Look]:
    """Where to look for deadlines inside their warning window on ``as_of`` that may still lack a warning.

    A deadline already past its due date is only ever ``overdue``: these look at due dates from ``as_of`` on,
    so a deadline first seen late gets no belated warning.
    """
    table = Deadline.__table__
    looks: list[Look] = []
    for days, of_kind in _kinds_by_window(policy, table.c):
        window = dt.timedelta(days=days)
        inside = [of_kind, table.c.due_on >= as_of, table.c.due_on <= as_of + window]
        if covered is not None:  # the earlier scan warned of everything up to its own line
            inside.append(table.c.due_on > covered.as_of + window)
        looks.append((table, and_(*inside)))
    if covered is not None:
        for changed in (_recorded_since(covered.recorded_before), _alert_closed_since(covered.recorded_before)):
            looks.append((changed, and_(changed.c.due_on >= as_of,
                                        changed.c.due_on <= _warning_horizon(as_of, policy, changed.c))))
    return looks


def _insert_alerts(dialect: str, kind: str, look: Look, as_of: dt.date, now: dt.datetime) -> Insert:
    """INSERT INTO alerts SELECT ... WHERE <open duty and the look's condition> ON CONFLICT (deadline_id, kind)
    WHERE closed_at IS NULL DO NOTHING (the statement's row count is the number of alerts it actually created).

    The conflict target names the partial unique index over open alerts, predicate and all: both engines
    accept a partial index as the arbiter only when the statement states its WHERE.
    """
    source, where = look
    d = source.c
    rows = select(
        literal(kind), d.id, d.case_id, d.kind, d.rule, d.due_on, d.subject_type, d.subject_id,
        literal(as_of, Date), literal(now, DateTime(timezone=True)),
    ).select_from(source).where(_open_duty(d), where)
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    return insert(Alert).from_select(list(_ALERT_COLUMNS), rows).on_conflict_do_nothing(
        index_elements=["deadline_id", "kind"], index_where=text(OPEN_ALERT)).execution_options(preserve_rowcount=True)


def raise_alerts(session: Session, dialect: str, as_of: dt.date, policy: Policy,
                 covered: Covered | None = None) -> dict[str, int]:
    """Create the day's new alerts in the caller's transaction; returns what was examined and created.

    ``covered`` is what an earlier scan already alerted (see ``covered_by_earlier_scan``); None reads every
    open deadline. Either way the result is the same set of alerts.
    """
    now = clock.now()
    # The row count, not RETURNING: fetching the new ids would hold one Python row per alert, so the first
    # scan of a large caseload would need memory in proportion to it. Both drivers count only inserted rows.
    connection = session.connection()
    new_alerts = sum(connection.execute(_insert_alerts(dialect, "overdue", look, as_of, now)).rowcount
                     for look in overdue_looks(as_of, covered))
    new_warnings = sum(connection.execute(_insert_alerts(dialect, "due_soon", look, as_of, now)).rowcount
                       for look in warning_looks(as_of, policy, covered))
    # What the summary reports, in one pass over the index range up to the widest warning line.
    widest = max([policy.due_soon_days, *(policy.warning_days(kind) for kind in rules.DEADLINE_KINDS)])
    overdue, soon = session.execute(
        select(func.count().filter(Deadline.due_on < as_of),
               func.count().filter(Deadline.due_on >= as_of, Deadline.due_on <= _warning_horizon(as_of, policy,
                                                                                                  Deadline)))
        .select_from(Deadline).where(_open_duty(Deadline), Deadline.due_on <= as_of + dt.timedelta(days=widest))
    ).one()
    overdue, examined = int(overdue or 0), int(overdue or 0) + int(soon or 0)
    return {"overdue": overdue, "new_alerts": new_alerts, "new_warnings": new_warnings,
            "deadlines_examined": examined}


def run_scan(db: Database, settings: dict[str, Any], as_of: dt.date | None = None, *,
             send_mail: bool = True) -> dict[str, Any]:
    """One scan as of a date (default today): raise and commit alerts, then queue and send the digests
    (``send_mail=False``, for the demo, raises the alerts and leaves the mail to the next scan).

    Returns the summary ``ehcp scan`` prints: as_of, overdue (open duty deadlines late on that date),
    new_alerts (new overdue alerts), new_warnings (new due-soon alerts) and emails_sent.
    """
    started = time.perf_counter()
    as_of = as_of or clock.today()
    with db.transaction() as session:
        now = clock.now()
        covered = covered_by_earlier_scan(session, as_of, db.policy, now)
        counts = raise_alerts(session, db.dialect, as_of, db.policy, covered)
        session.add(ScanRun(as_of=as_of, warning_windows=warning_windows(db.policy), started_at=now,
                            full_scan=covered is None, **counts))
    mail = notify.deliver(db, settings, as_of) if send_mail else notify.DeliveryReport(queued=0, sent=0, failed=0)
    seconds = time.perf_counter() - started
    logger.info(
        "scan as_of=%s deadlines_examined=%d overdue=%d new_alerts=%d new_warnings=%d emails_sent=%d "
        "emails_failed=%d seconds=%.3f",
        as_of.isoformat(), counts["deadlines_examined"], counts["overdue"], counts["new_alerts"],
        counts["new_warnings"], mail.sent, mail.failed, seconds,
    )
    return {"as_of": as_of.isoformat(), "overdue": counts["overdue"], "new_alerts": counts["new_alerts"],
            "new_warnings": counts["new_warnings"], "emails_sent": mail.sent}
