"""Acknowledging an alert: someone has seen it. The first acknowledgement (who and when) stands; the alert stays
open until the deadline behind it is met or a correction no longer justifies it."""

from __future__ import annotations

from casework.access.audience import visible_alert
from casework.core import clock
from casework.core.db import Database
from casework.models import Alert, User


def acknowledge(db: Database, user: User, alert_id: int) -> Alert:
    with db.transaction() as session:
        alert = visible_alert(session, user, alert_id, for_update=True)
        if alert.acknowledged_at is None:
            alert.acknowledged_at, alert.acknowledged_by_id = clock.now(), user.id
        session.flush()
        return alert
