"""What a deadline, an exception or an alert is about: the case itself, or one thing on it.

A case carries things that have clocks of their own (an advice request today; an appeal, a transfer, a letter
as the law grows), so rows that point at "the thing" do so with one pair of columns, ``subject_type`` and
``subject_id``, rather than one nullable foreign key per kind of thing. A new kind of thing is one more word in
``SUBJECT_TYPES`` and no new column anywhere. For the case itself the id is the case's own id.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, String, and_
from sqlalchemy.orm import Mapped, mapped_column

CASE = "case"
ADVICE_REQUEST = "advice_request"
# A disagreement with one decision (mediation, appeal, tribunal order) and a move between authorities.
DISPUTE = "dispute"
TRANSFER = "transfer"
# A school or college consulted on being named: its id is that of the history entry recording the consultation
# (there is no row of its own; the deadline it opened is its only record beside the history).
CONSULTATION = "consultation"
# Every kind of thing on a case that can have a time limit of its own; letters may join here.
SUBJECT_TYPES: tuple[str, ...] = (CASE, ADVICE_REQUEST, DISPUTE, TRANSFER, CONSULTATION)
# A check for tables that also carry case_id: a row about the case itself names that case, never another.
OWN_CASE = "subject_type <> 'case' OR subject_id = case_id"


@dataclass(frozen=True)
class Subject:
    """A reference to the case or one thing on it, checked against the known kinds when made."""

    type: str
    id: int

    def __post_init__(self) -> None:
        if self.type not in SUBJECT_TYPES:
            raise ValueError(f"unknown subject type {self.type!r}; known: {', '.join(SUBJECT_TYPES)}")

    @classmethod
    def case(cls, case_id: int) -> Subject:
        return cls(CASE, case_id)

    @classmethod
    def advice_request(cls, advice_request_id: int) -> Subject:
        return cls(ADVICE_REQUEST, advice_request_id)

    @classmethod
    def dispute(cls, dispute_id: int) -> Subject:
        return cls(DISPUTE, dispute_id)

    @classmethod
    def transfer(cls, transfer_id: int) -> Subject:
        return cls(TRANSFER, transfer_id)

    @classmethod
    def consultation(cls, entry_id: int) -> Subject:
        return cls(CONSULTATION, entry_id)


class HasSubject:
    """The two subject columns and the ways to read them, shared by every table that has a subject."""

    subject_type: Mapped[str] = mapped_column(String(30))
    subject_id: Mapped[int]

    @property
    def subject(self) -> Subject:
        return Subject(self.subject_type, self.subject_id)

    @subject.setter
    def subject(self, value: Subject) -> None:
        self.subject_type, self.subject_id = value.type, value.id

    @property
    def advice_request_id(self) -> int | None:
        """The advice request this row is about, if it is about one (the public JSON still shows it)."""
        return self.subject_id if self.subject_type == ADVICE_REQUEST else None

    @property
    def consultation_id(self) -> int | None:
        """The consultation this row is about (the history entry that recorded it), if it is about one."""
        return self.subject_id if self.subject_type == CONSULTATION else None

    @classmethod
    def about(cls, subject_type: str, subject_id: Any) -> ColumnElement[bool]:
        """SQL for "this row is about that thing": ``subject_id`` a value or a column (a join condition)."""
        if subject_type not in SUBJECT_TYPES:
            raise ValueError(f"unknown subject type {subject_type!r}")
        return and_(cls.subject_type == subject_type, cls.subject_id == subject_id)  # type: ignore[attr-defined]
