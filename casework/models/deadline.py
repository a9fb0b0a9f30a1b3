"""Deadlines are rows: opened by the event that triggers them, met or cancelled by later events.

Status "as of a date" is derived from the row, never stored, so any date can be asked about and the scan
is one indexed query over open rows.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from casework.models.base import Base, created_at_column

if TYPE_CHECKING:
    from casework.models.case import Case

_OPEN = "met_on IS NULL AND cancelled_on IS NULL"
STATUSES = ("pending", "due_soon", "overdue", "met", "met_late", "cancelled")


class Deadline(Base):
    __tablename__ = "deadlines"
    __table_args__ = (
        CheckConstraint("due_on >= starts_on", name="due_after_start"),
        CheckConstraint("NOT (met_on IS NOT NULL AND cancelled_on IS NOT NULL)", name="met_or_cancelled"),
        Index("ix_deadlines_open_due", "due_on", "kind", postgresql_where=text(_OPEN), sqlite_where=text(_OPEN)),
        # The scan finds deadlines recorded since its last run (an event entered late can open one already due).
        Index("ix_deadlines_created_at", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    kind: Mapped[str] = mapped_column(String(30))
    rule: Mapped[str] = mapped_column(String(10))
    citation: Mapped[str] = mapped_column(String(300))
    starts_on: Mapped[dt.date]
    due_on: Mapped[dt.date]
    met_on: Mapped[dt.date | None]
    cancelled_on: Mapped[dt.date | None]
    # False for a window the family has (representations): it closes, it is never breached.
    is_duty: Mapped[bool] = mapped_column(default=True)
    advice_request_id: Mapped[int | None] = mapped_column(ForeignKey("advice_requests.id"), index=True)
    created_at: Mapped[dt.datetime] = created_at_column()
    # When a correction recomputed the case and this row no longer stood as it was: kept, never deleted, and
    # never open (a superseded row is also met or cancelled), so scans and lists pass over it.
    superseded_at: Mapped[dt.datetime | None]

    case: Mapped[Case] = relationship(back_populates="deadlines")

    @property
    def is_open(self) -> bool:
        return self.met_on is None and self.cancelled_on is None


class ExceptionRecord(Base):
    """A reg 10(4) or reg 8(2) exception, recorded as CoP 9.42-9.43 asks: reason, span, evidence, when told."""

    __tablename__ = "exceptions"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    reason: Mapped[str] = mapped_column(String(30))
    starts_on: Mapped[dt.date]
    ends_on: Mapped[dt.date]
    applies_to_kind: Mapped[str | None] = mapped_column(String(30))
    advice_request_id: Mapped[int | None] = mapped_column(ForeignKey("advice_requests.id"))
    evidence: Mapped[str | None] = mapped_column(Text)
    family_told_on: Mapped[dt.date | None]
    recorded_on: Mapped[dt.date]
    created_at: Mapped[dt.datetime] = created_at_column()
    # An exception recorded in error, or no longer borne out, is withdrawn (never deleted): from that day it
    # excuses nothing.
    withdrawn_on: Mapped[dt.date | None]
    withdrawn_reason: Mapped[str | None] = mapped_column(Text)

    case: Mapped[Case] = relationship(back_populates="exceptions")
