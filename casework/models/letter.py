"""Statutory notices: the council's versioned wording of each, and each letter issued on a case.

A letter is queued in the same unit of work as the decision that owes it and produced afterwards by a job
(casework.letters.produce), so a decision that rolls back issues nothing and a slow PDF renderer never holds
a case's lock. Once produced, a letter keeps the exact HTML and PDF that were sent and the template version
they came from; a template version, once saved, is never changed: the council's edit is a new version.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, LargeBinary, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from casework.models.base import Base, created_at_column

KIND_LENGTH = 40
NOTE_LENGTH = 200


class LetterTemplate(Base):
    __tablename__ = "letter_templates"
    __table_args__ = (UniqueConstraint("kind", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(KIND_LENGTH), index=True)
    version: Mapped[int]
    body: Mapped[str] = mapped_column(Text)
    # Why the wording changed, in the words of the officer who changed it.
    note: Mapped[str | None] = mapped_column(String(NOTE_LENGTH))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_by: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[dt.datetime] = created_at_column()


class Letter(Base):
    __tablename__ = "letters"
    # The production job reads the queue through this index: letters not yet issued, oldest first.
    __table_args__ = (Index("ix_letters_issued_on_id", "issued_on", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    kind: Mapped[str] = mapped_column(String(KIND_LENGTH))
    variant: Mapped[str | None] = mapped_column(String(20))
    # The history entry of the decision the letter gives notice of, and its date.
    entry_id: Mapped[int | None] = mapped_column(ForeignKey("audit_entries.id"), index=True)
    decided_on: Mapped[dt.date]
    # A request for advice is addressed to the body asked, not to the family.
    advice_request_id: Mapped[int | None] = mapped_column(ForeignKey("advice_requests.id"), index=True)
    # The decision's facts as recorded with it (reasons, outcome, named setting).
    facts: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    queued_at: Mapped[dt.datetime] = created_at_column()
    # Set when produced: the letter's date, from which the appeal and mediation clocks run (R10.1, R10.6).
    issued_on: Mapped[dt.date | None]
    issued_at: Mapped[dt.datetime | None]
    template_id: Mapped[int | None] = mapped_column(ForeignKey("letter_templates.id"))
    addressed_to: Mapped[str | None] = mapped_column(Text)
    html: Mapped[str | None] = mapped_column(Text)
    pdf: Mapped[bytes | None] = mapped_column(LargeBinary)

    template: Mapped[LetterTemplate | None] = relationship(lazy="joined")
