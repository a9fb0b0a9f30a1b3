"""The append-only audit trail: who did what to which case or person, when, and what it was before and after.

The database itself refuses UPDATE and DELETE on this table (triggers in the migration), so the trail
cannot be rewritten through the application or around it.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import JSON, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from casework.models.base import Base, created_at_column


class AuditEntry(Base):
    __tablename__ = "audit_entries"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id"), index=True)
    # A change to a child's details or their family's contacts belongs to the person, not to one case.
    person_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"), index=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    actor: Mapped[str] = mapped_column(String(100))
    at: Mapped[dt.datetime] = created_at_column()
    event: Mapped[str] = mapped_column(String(40))
    on: Mapped[dt.date | None]
    fields: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    state_before: Mapped[str | None] = mapped_column(String(30))
    state_after: Mapped[str | None] = mapped_column(String(30))
    version_after: Mapped[int | None]
