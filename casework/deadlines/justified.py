"""Closing the alerts that a case's deadlines no longer justify.

A correction recomputes a case's deadlines as if an entry had been right from the start, and an alert raised
on the old figures may then stand for nothing: the deadline it reported late turns out to have been met or
cancelled, or to fall due later than the day the alert was raised. Such an alert is closed, never deleted: it
stays on record with when and why, leaves the alert lists and the digests, and its deadline can be alerted
again should it fall due again. The caller owns the transaction (a correction closes alerts in its own unit
of work), so the closing and the change that caused it commit or roll back together.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection

from sqlalchemy import select, true
from sqlalchemy.orm import Session

from casework.core import clock
from casework.models import Alert, Deadline

CLOSED_REASON_MAX = 200


def still_justified(alert: Alert, deadline: Deadline, as_of: dt.date) -> bool:
    """Whether the deadline, as it now stands, still calls for this alert on ``as_of``.

    Both kinds need the deadline still open then. An overdue alert also needs the deadline to have been
    overdue on the day the alert was raised (due before it); a warning raised early stays a fair warning.
    """
    if deadline.met_on is not None and deadline.met_on <= as_of:
        return False
    if deadline.cancelled_on is not None and deadline.cancelled_on <= as_of:
        return False
    if alert.kind == "overdue":
        return deadline.due_on < alert.raised_on
    return True


def close_unjustified(session: Session, case_id: int, as_of: dt.date, reason: str,
                      deadline_ids: Collection[int] | None = None) -> list[Alert]:
    """Close the case's open alerts whose deadline no longer justifies them; returns the alerts closed.

    ``reason`` says why, in words a manager reading the record later understands (for example "Correction
    of the request date"); it is kept on each alert closed. ``deadline_ids`` limits the look to the deadlines
    a correction touched: an alert on a deadline met in the ordinary way stays as the record it is.
    """
    reason = reason.strip()
    if not reason or len(reason) > CLOSED_REASON_MAX:
        raise ValueError(f"the reason for closing alerts must be 1 to {CLOSED_REASON_MAX} characters")
    rows = session.execute(
        select(Alert, Deadline).join(Deadline, Deadline.id == Alert.deadline_id)
        .where(Alert.case_id == case_id, Alert.closed_at.is_(None),
               Alert.deadline_id.in_(list(deadline_ids)) if deadline_ids is not None else true())
        .order_by(Alert.id).with_for_update(of=Alert)
    ).all()
    now = clock.now()
    closed = []
    for alert, deadline in rows:
        if not still_justified(alert, deadline, as_of):
            alert.closed_at, alert.closed_reason = now, reason
            closed.append(alert)
    session.flush()
    return closed
