"""Requests for advice under reg 6, each with its own 6-week clock (reg 8)."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from casework.law import codes
from casework.models.base import Base, created_at_column
from casework.models.user import Organisation

if TYPE_CHECKING:
    from casework.models.case import Case

ADVICE_TYPES = codes.ADVICE_TYPES


class AdviceRequest(Base):
    __tablename__ = "advice_requests"
    __table_args__ = (
        # The adviser's tray and the caseworker's advice page: what is owed, soonest first, one page at a time.
        Index("ix_advice_requests_owed", "owed_due_on", "id"),
        Index("ix_advice_requests_organisation_owed", "organisation_id", "owed_due_on", "id"),
        # The API's list pages every request in the order it was received.
        Index("ix_advice_requests_received", "received_on", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    advice_type: Mapped[str] = mapped_column(String(20))
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    requested_on: Mapped[dt.date]
    # The body's own receipt of the request starts its 6 weeks (reg 8(1)); defaults to the date sent.
    received_on: Mapped[dt.date]
    returned_on: Mapped[dt.date | None] = mapped_column(index=True)
    returned_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    # A request sent in error or no longer needed is cancelled, never deleted: the day and why.
    voided_on: Mapped[dt.date | None]
    void_reason: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = created_at_column()
    # While the advice is still owed, the day it is due; empty once it is returned or cancelled, or the case's
    # path has closed its deadline. Kept by the deadline ledger with the event that changes it.
    owed_due_on: Mapped[dt.date | None]

    case: Mapped[Case] = relationship(back_populates="advice_requests")
    organisation: Mapped[Organisation] = relationship(lazy="joined")
