"""A move between English local authorities (reg 15): the plan going out, or coming in as maintained.

The old authority owes the plan to the new one (R9.1); the new one tells the family within 6 weeks (R9.2) and
reviews by the later of the plan's 12-month date and 3 months from the transfer (R9.3). Neither side makes a new
plan, so a transfer never counts in the DfE 20-week figure.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import CheckConstraint, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from casework.models.base import Base, created_at_column

DIRECTIONS = ("out", "in")
AUTHORITY_LENGTH = 200


class Transfer(Base):
    __tablename__ = "transfers"
    __table_args__ = (CheckConstraint("direction IN ('out', 'in')", name="transfer_direction"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    direction: Mapped[str] = mapped_column(String(3))
    # The other authority: the new one for a move out, the old one for a transfer in.
    authority: Mapped[str] = mapped_column(String(AUTHORITY_LENGTH))
    # Moving out: when the family moves and when this authority learned of it; when the plan was sent.
    moved_on: Mapped[dt.date | None]
    learned_on: Mapped[dt.date | None]
    plan_sent_on: Mapped[dt.date | None]
    # The move called off before the plan was sent: nothing is owed to the other authority from that day.
    cancelled_on: Mapped[dt.date | None]
    # Transferring in: the day the plan transferred, when it was made and last reviewed, when the family was told.
    transferred_on: Mapped[dt.date | None]
    plan_made_on: Mapped[dt.date | None]
    last_reviewed_on: Mapped[dt.date | None]
    family_told_on: Mapped[dt.date | None]
    created_at: Mapped[dt.datetime] = created_at_column()
