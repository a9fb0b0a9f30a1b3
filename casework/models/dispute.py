"""A disagreement with one appealable decision: mediation, the appeal, and what the tribunal ordered.

A dispute runs beside the case rather than moving it (contract.md, "Disagreement resolution"): the case goes on
being assessed or maintained while the family takes mediation advice and appeals. It has clocks of its own
(mediation contact, certificate, meeting, the appeal window, each step of a tribunal order), kept as deadline
rows whose subject is the dispute.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import JSON, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from casework.models.base import Base, created_at_column

REFERENCE_LENGTH = 50


class Dispute(Base):
    """One decision disputed: the letter that gave notice of it starts the family's clocks (R10.1, R10.6)."""

    __tablename__ = "disputes"
    __table_args__ = (
        # One dispute per decision; a tribunal reference names one appeal.
        UniqueConstraint("decision_entry_id", name="uq_disputes_decision"),
        UniqueConstraint("tribunal_reference", name="uq_disputes_tribunal_reference"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    # The history entry of the decision disputed, what it was, and the date of its notice (the letter's date).
    decision_entry_id: Mapped[int] = mapped_column(ForeignKey("audit_entries.id"))
    decision_event: Mapped[str] = mapped_column(String(40))
    letter_on: Mapped[dt.date]
    contacted_on: Mapped[dt.date | None]
    wants_mediation: Mapped[bool | None]
    mediation_held_on: Mapped[dt.date | None]
    mediation_outcome: Mapped[str | None] = mapped_column(String(20))
    certificate_on: Mapped[dt.date | None]
    tribunal_reference: Mapped[str | None] = mapped_column(String(REFERENCE_LENGTH))
    appeal_registered_on: Mapped[dt.date | None]
    grounds: Mapped[list[str] | None] = mapped_column(JSON)
    appeal_outcome: Mapped[str | None] = mapped_column(String(20))
    order: Mapped[str | None] = mapped_column(String(30))
    ordered_on: Mapped[dt.date | None]
    created_at: Mapped[dt.datetime] = created_at_column()

    @property
    def facts(self) -> dict[str, Any]:
        return {name: getattr(self, name) for name in (
            "id", "case_id", "decision_entry_id", "decision_event", "letter_on", "contacted_on", "wants_mediation",
            "mediation_held_on", "mediation_outcome", "certificate_on", "tribunal_reference",
            "appeal_registered_on", "grounds", "appeal_outcome", "order", "ordered_on")}
