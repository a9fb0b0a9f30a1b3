"""Writing the audit trail; every change to a case or a person goes through here in the same transaction."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy.orm import Session

from casework.models import AuditEntry, Case, Person, User

SYSTEM_ACTOR = "system"


def jsonable(value: Any) -> Any:
    """A field value as the trail stores it (JSON): dates as YYYY-MM-DD."""
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def record(session: Session, *, case: Case | None, actor: User | None, event: str, on: dt.date | None,
           fields: dict[str, Any], state_before: str | None, state_after: str | None,
           person: Person | None = None) -> AuditEntry:
    entry = AuditEntry(
        case_id=case.id if case is not None else None,
        person_id=person.id if person is not None else None,
        actor_id=actor.id if actor is not None else None,
        actor=actor.username if actor is not None else SYSTEM_ACTOR,
        event=event,
        on=on,
        fields={k: jsonable(v) for k, v in fields.items() if v is not None},
        state_before=state_before,
        state_after=state_after,
        version_after=case.version if case is not None else None,
    )
    session.add(entry)
    return entry
