"""The child or young person a request is about, and the people who speak for them.

A person outlives any one request: a second request, a re-assessment, a transfer in and the SEN2 return all
need the same child, so the child's details live here once and every case points to them. Identifiers are
stored in one normal form (see casework.people.identifiers) so that a search finds them however typed.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, orm, text
from sqlalchemy.orm import Mapped, mapped_column

from casework.models.base import Base, created_at_column

NAME_LENGTH = 100
ADDRESS_LENGTH = 500
LANGUAGE_LENGTH = 60
CONTACT_NAME_LENGTH = 200
RELATIONSHIP_LENGTH = 60

# At most one of the three ways of naming where the child is educated.
_ONE_SETTING = ("(CASE WHEN setting_urn IS NULL THEN 0 ELSE 1 END) + (CASE WHEN setting_ukprn IS NULL THEN 0 "
                "ELSE 1 END) + (CASE WHEN sen_setting IS NULL THEN 0 ELSE 1 END) <= 1")


class Person(Base):
    __tablename__ = "people"
    __table_args__ = (
        CheckConstraint(_ONE_SETTING, name="one_current_setting"),
        # A list of people, family name first, is a LIMIT over this index rather than a sort of everyone.
        Index("ix_people_family_name_given_name", "family_name", "given_name", "id"),
        # The caseload's search by any part of the child's name: a trigram index on PostgreSQL (migration 0012).
        Index("ix_people_full_name_trgm", text("lower(given_name || ' ' || family_name) gin_trgm_ops"),
              postgresql_using="gin").ddl_if(dialect="postgresql"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    version: Mapped[int] = mapped_column(nullable=False)
    given_name: Mapped[str] = mapped_column(String(NAME_LENGTH))
    family_name: Mapped[str] = mapped_column(String(NAME_LENGTH))
    date_of_birth: Mapped[dt.date] = mapped_column(index=True)
    sex: Mapped[str | None] = mapped_column(String(1))
    ethnicity: Mapped[str | None] = mapped_column(String(4))
    upn: Mapped[str | None] = mapped_column(String(13), index=True)
    uln: Mapped[str | None] = mapped_column(String(10))
    nhs_number: Mapped[str | None] = mapped_column(String(10), index=True)
    postcode: Mapped[str | None] = mapped_column(String(8), index=True)
    address: Mapped[str | None] = mapped_column(String(ADDRESS_LENGTH))
    first_language: Mapped[str | None] = mapped_column(String(LANGUAGE_LENGTH))
    # Where the child is educated now: a school (URN), a college or provider (UKPRN), or an SEN2 setting code.
    setting_urn: Mapped[str | None] = mapped_column(String(6))
    setting_ukprn: Mapped[str | None] = mapped_column(String(8))
    sen_setting: Mapped[str | None] = mapped_column(String(4))
    created_at: Mapped[dt.datetime] = created_at_column()

    contacts: Mapped[list[Contact]] = orm.relationship(
        back_populates="person", order_by="Contact.id", lazy="selectin"
    )

    # Two people changing the same child's details at once: the second is told, not silently overwritten.
    __mapper_args__ = {"version_id_col": version}

    @property
    def full_name(self) -> str:
        return f"{self.given_name} {self.family_name}"


class Contact(Base):
    """A parent, carer or other person to reach about the child, and how they want to be reached.

    ``relationship`` is the contact's relationship to the child (mother, foster carer...), hence ``orm.``
    for SQLAlchemy's own in this module.
    """

    __tablename__ = "contacts"

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"), index=True)
    name: Mapped[str] = mapped_column(String(CONTACT_NAME_LENGTH))
    relationship: Mapped[str | None] = mapped_column(String(RELATIONSHIP_LENGTH))
    parental_responsibility: Mapped[bool] = mapped_column(default=False)
    email: Mapped[str | None] = mapped_column(String(254))
    phone: Mapped[str | None] = mapped_column(String(30))
    address: Mapped[str | None] = mapped_column(String(ADDRESS_LENGTH))
    preferred_contact: Mapped[str | None] = mapped_column(String(20))
    interpreter_language: Mapped[str | None] = mapped_column(String(LANGUAGE_LENGTH))
    created_at: Mapped[dt.datetime] = created_at_column()

    person: Mapped[Person] = orm.relationship(back_populates="contacts")
