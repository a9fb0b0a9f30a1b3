"""Queueing the statutory notice a decision owes, in the decision's own unit of work.

The notice is only queued here: a row naming the letter, the decision's history entry and the facts it
will state. Rendering it (casework.letters.produce) happens after the decision has committed, so a decision
that rolls back leaves no letter behind, and a slow PDF renderer never holds a case's lock. A replay of the
history (a correction) rebuilds the case without queueing anything: the family was told once, when the
decision was first recorded.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from casework.law.events import EventSpec
from casework.models import AuditEntry, Letter

# The facts of a decision its notice states; the other fields stay in the history entry.
STATED_FACTS = ("reason", "outcome", "named_setting", "advice_type", "organisation")


def queue_for(session: Session, *, spec: EventSpec, case_id: int, entry: AuditEntry, on: dt.date,
              fields: dict[str, Any], made: dict[str, Any], replaying: bool = False) -> Letter | None:
    """The letter the event's declaration names (``EventSpec.letter``), queued; None if it owes none."""
    if spec.letter is None or replaying:
        return None
    variant = fields.get(spec.letter_variant) if spec.letter_variant else None
    facts = {name: fields[name] for name in STATED_FACTS if fields.get(name) is not None}
    letter = Letter(case_id=case_id, kind=spec.letter, variant=None if variant is None else str(variant),
                    entry_id=entry.id, decided_on=on, advice_request_id=made.get("advice_request_id"), facts=facts)
    session.add(letter)
    return letter


def issued_on(session: Session, entry_id: int) -> dt.date | None:
    """The date of the notice of a decision (its history entry), once issued: the appeal clocks run from it."""
    return session.scalar(select(Letter.issued_on).where(Letter.entry_id == entry_id, Letter.issued_on.is_not(None))
                          .order_by(Letter.id).limit(1))
