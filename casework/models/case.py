"""A request for an EHC needs assessment and everything that follows from it."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from sqlalchemy import JSON, ForeignKey, Index, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from casework.law import codes
from casework.models.base import Base, created_at_column

if TYPE_CHECKING:
    from casework.models.advice import AdviceRequest
    from casework.models.deadline import Deadline, ExceptionRecord
    from casework.models.person import Person
    from casework.models.user import User

# SEN2 primary need codes (DS from 2025).
PRIMARY_NEEDS = codes.PRIMARY_NEEDS
REQUESTERS = codes.REQUESTERS


class Case(Base):
    __tablename__ = "cases"
    __table_args__ = (
        # The caseload walks these in order: soonest next deadline first, cases with none last (PostgreSQL
        # sorts NULL last by default; SQLite reads the NULLs from the same index), one page at a time.
        Index("ix_cases_next_due", "next_due_on", "id"),
        Index("ix_cases_state_next_due", "state", "next_due_on", "id"),
        # An officer's own cases in the same order, and the intake queue (unallocated, oldest first): 0018,
        # which also makes SQLite's (assigned_caseworker_id, next_due_on IS NULL, next_due_on, id).
        Index("ix_cases_assigned_next_due", "assigned_caseworker_id", "next_due_on", "id"),
        Index("ix_cases_intake", "state", "received_on", "id", postgresql_where=text("assigned_caseworker_id IS NULL"),
              sqlite_where=text("assigned_caseworker_id IS NULL")),
        # SQLite sorts NULL first, so there the caseload's order (none last) has indexes of its own on
        # (next_due_on IS NULL, next_due_on, id), with and without state first: made by migration 0012 only,
        # as SQLite cannot report an index on an expression for the schema comparison.
        # The caseload's search by any part of a reference: a trigram index on PostgreSQL (migration 0012).
        Index("ix_cases_reference_trgm", text("lower(reference) gin_trgm_ops"),
              postgresql_using="gin").ddl_if(dialect="postgresql"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    reference: Mapped[str] = mapped_column(String(40), unique=True)
    state: Mapped[str] = mapped_column(String(30), index=True)
    version: Mapped[int] = mapped_column(nullable=False)

    # The child or young person; the need is this request's, as recorded when it was made.
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"), index=True)
    primary_need: Mapped[str | None] = mapped_column(String(8))

    received_on: Mapped[dt.date] = mapped_column(index=True)
    requested_by: Mapped[str] = mapped_column(String(20))
    assigned_caseworker_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)

    # Facts that later rules and guards read; each is set by exactly one operation.
    # The date of the last event that moved the case to another state: the next such event may not be earlier.
    last_event_on: Mapped[dt.date]
    decision_to_assess_on: Mapped[dt.date | None]
    draft_issued_on: Mapped[dt.date | None]
    plan_issued_on: Mapped[dt.date | None] = mapped_column(index=True)
    named_setting: Mapped[str | None] = mapped_column(String(200))
    review_meeting_on: Mapped[dt.date | None]
    closed_on: Mapped[dt.date | None]
    closed_reason: Mapped[str | None] = mapped_column(Text)
    cease_reason: Mapped[int | None]
    # The decision to cease (CFA s.45): the plan is maintained until its appeal window closes, so it is kept apart
    # from closed_on, the day the plan ceased (confirm_ceased, SEN2 CeaseDate).
    cease_decided_on: Mapped[dt.date | None]
    # An appeal against the decision to cease, as disagreement resolution records it (casework.cases.ceasing):
    # None, "pending", "upheld" (the decision stands) or "overturned" (the plan continues).
    cease_appeal: Mapped[str | None] = mapped_column(String(20))
    # The days the LA asked the head teacher or early years lead for information while deciding whether to
    # assess (ISO dates): the school-closure exception to R1.1 rests on one of them (reg 5(4)(a)).
    school_information_requests: Mapped[list[Any] | None] = mapped_column(JSON)

    # The soonest open duty deadline on the case, kept by the deadline ledger in the transaction of the event
    # that changes it (and by a correction's replay), so a list sorts and filters on the case row alone.
    next_due_on: Mapped[dt.date | None]
    next_due_kind: Mapped[str | None] = mapped_column(String(30))

    created_at: Mapped[dt.datetime] = created_at_column()

    person: Mapped[Person] = relationship(lazy="selectin")
    # The allocated officer; changed only by the assign_caseworker event, so each change is in the history.
    assigned_caseworker: Mapped[User | None] = relationship(lazy="selectin", viewonly=True)
    # The case's deadlines as they stand: a row a correction superseded stays in the table, out of this list.
    deadlines: Mapped[list[Deadline]] = relationship(
        back_populates="case", order_by="Deadline.due_on, Deadline.id", lazy="selectin",
        primaryjoin="and_(Case.id == Deadline.case_id, Deadline.superseded_at.is_(None))",
    )
    advice_requests: Mapped[list[AdviceRequest]] = relationship(
        back_populates="case", order_by="AdviceRequest.id", lazy="selectin"
    )
    exceptions: Mapped[list[ExceptionRecord]] = relationship(
        back_populates="case", order_by="ExceptionRecord.id", lazy="selectin"
    )

    # A concurrent change to the same case fails on the version check instead of overwriting.
    __mapper_args__ = {"version_id_col": version}

    @property
    def child_name(self) -> str:
        return self.person.full_name
