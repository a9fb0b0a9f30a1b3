"""The case's communication log: calls, emails, letters and meetings, in and out, with who and what was said.

A contact is an event on the case (``record_contact``), so it sits in the history beside the decisions it led
to, is corrected like any other entry (the log shows what the entry now says) and is never deleted. It opens,
meets and cancels nothing: the log is the record an officer, a complaint or the Ombudsman reads back.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from casework.cases import replay
from casework.cases.operations import fire_event
from casework.core.db import Database
from casework.models import AuditEntry, User

EVENT = "record_contact"
FIELDS = ("direction", "channel", "party", "summary")


def _as_dict(entry: replay.Entry, row: AuditEntry) -> dict[str, Any]:
    return {"id": entry.id, "on": entry.on.isoformat(), **{name: entry.fields.get(name) for name in FIELDS},
            "recorded_at": row.at.isoformat(), "recorded_by": row.actor, "corrected": bool(entry.corrected_by)}


def communications(session: Session, case_id: int,
                   entries: Sequence[AuditEntry] | None = None) -> list[dict[str, Any]]:
    """Every contact logged on the case as it now reads (corrections applied), newest first (``entries``, the
    case's history if already read)."""
    if entries is None:
        entries = replay.case_entries(session, case_id)
    rows = {row.id: row for row in entries if row.event == EVENT}
    logged = [e for e in replay.effective_history(session, case_id, rows=entries) if e.event == EVENT]
    logged.sort(key=lambda e: (e.on, e.id), reverse=True)
    return [_as_dict(e, rows[e.id]) for e in logged]


def log_communication(db: Database, case_id: int, *, actor: User | None, on: dt.date, direction: str,
                      channel: str, party: str, summary: str,
                      expected_version: int | None = None) -> dict[str, Any]:
    """Log one contact on the case and give it back as the log shows it."""
    fire_event(db, case_id, EVENT, actor=actor, on=on, expected_version=expected_version, direction=direction,
               channel=channel, party=party, summary=summary)
    with db.reading() as session:
        entry_id = session.scalar(select(AuditEntry.id).where(AuditEntry.case_id == case_id,
                                                              AuditEntry.event == EVENT)
                                  .order_by(AuditEntry.id.desc()).limit(1))
        return next(c for c in communications(session, case_id) if c["id"] == entry_id)
