"""Deadlines are rows: opened by the event that triggers them, met or cancelled by later events.

Status "as of a date" is derived from the row, never stored, so any date can be asked about and the scan
is one indexed query over open rows.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from casework.models.base import Base, created_at_column
from casework.models.subject import OWN_CASE, HasSubject

if TYPE_CHECKING:
    from casework.models.case import Case

_OPEN = "met_on IS NULL AND cancelled_on IS NULL"
_STANDING = "superseded_at IS NULL"  # not replaced by a correction
STATUSES = ("pending", "due_soon", "overdue", "met", "met_late", "cancelled")


class Deadline(HasSubject, Base):
    """A time limit on the case, or on one thing on it (its subject: an advice request has its own 6 weeks)."""

    __tablename__ = "deadlines"
    __table_args__ = (
        CheckConstraint("due_on >= starts_on", name="due_after_start"),
        CheckConstraint("NOT (met_on IS NOT NULL AND cancelled_on IS NOT NULL)", name="met_or_cancelled"),
        CheckConstraint(OWN_CASE, name="subject_of_own_case"),
        # The deadlines of one advice request (and, later, of one appeal or transfer).
        Index("ix_deadlines_subject", "subject_type", "subject_id"),
        Index("ix_deadlines_open_due", "due_on", "kind", postgresql_where=text(_OPEN), sqlite_where=text(_OPEN)),
        # The scan finds deadlines recorded since its last run (an event entered late can open one already due).
        Index("ix_deadlines_created_at", "created_at"),
        # The new plans issued in a year (the dashboard, the timeliness report): a range of one kind's met_on,
        # with the due date and case carried so the count and its on-time share need not read the rows.
        Index("ix_deadlines_kind_met", "kind", "met_on", "due_on", "case_id",
              postgresql_where=text(_STANDING), sqlite_where=text(_STANDING)),
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
    # The step of a tribunal order this row times (reg 44(2) sets one limit per step); None for every other kind.
    step: Mapped[str | None] = mapped_column(String(30))
    # The transfer a phase-transfer deadline is for (reg 18): only a review or amendment within the 12 months
    # before it meets the deadline.
    transfer_on: Mapped[dt.date | None]
    # False for a window the family has (representations): it closes, it is never breached.
    is_duty: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[dt.datetime] = created_at_column()
    # When a correction recomputed the case and this row no longer stood as it was: kept, never deleted, and
    # never open (a superseded row is also met or cancelled), so scans and lists pass over it.
    superseded_at: Mapped[dt.datetime | None]

    case: Mapped[Case] = relationship(back_populates="deadlines")

    @property
    def is_open(self) -> bool:
        return self.met_on is None and self.cancelled_on is None


class ExceptionRecord(HasSubject, Base):
    """A reg 10(4) or reg 8(2) exception, recorded as CoP 9.42-9.43 asks: reason, span, evidence, when told.

    One record may cover several time limits (statutory-rules.md section 6), each a row of ``limits``. Its own
    subject is the narrowest thing that holds them all: the advice request when it covers only that request's
    limit, otherwise the case.
    """

    __tablename__ = "exceptions"
    __table_args__ = (CheckConstraint(OWN_CASE, name="subject_of_own_case"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    reason: Mapped[str] = mapped_column(String(30))
    starts_on: Mapped[dt.date]
    ends_on: Mapped[dt.date]
    evidence: Mapped[str | None] = mapped_column(Text)
    family_told_on: Mapped[dt.date | None]
    recorded_on: Mapped[dt.date]
    created_at: Mapped[dt.datetime] = created_at_column()
    # An exception recorded in error, or no longer borne out, is withdrawn (never deleted): from that day it
    # excuses nothing.
    withdrawn_on: Mapped[dt.date | None]
    withdrawn_reason: Mapped[str | None] = mapped_column(Text)

    case: Mapped[Case] = relationship(back_populates="exceptions")
    # The limits follow the history: a correction of what the exception names replaces them (the entry that
    # first named them stays in the history).
    limits: Mapped[list[ExceptionLimit]] = relationship(
        back_populates="exception", order_by="ExceptionLimit.id", lazy="selectin", cascade="all, delete-orphan"
    )


class ExceptionLimit(HasSubject, Base):
    """One time limit an exception covers: a deadline kind on a subject.

    A limit on the case itself covers every deadline of that kind on the case (an exception for "advice"
    covers each advice request's 6 weeks); a limit on an advice request covers that request's deadline only.
    """

    __tablename__ = "exception_limits"
    __table_args__ = (
        UniqueConstraint("exception_id", "deadline_kind", "subject_type", "subject_id",
                         name="uq_exception_limits_exception_limit"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    exception_id: Mapped[int] = mapped_column(ForeignKey("exceptions.id"))
    deadline_kind: Mapped[str] = mapped_column(String(30))

    exception: Mapped[ExceptionRecord] = relationship(back_populates="limits")

    @property
    def applies_to(self) -> str:
        """The limit as the API and forms name it: an advice request's id, or the deadline kind."""
        return str(self.subject_id) if self.advice_request_id is not None else self.deadline_kind
