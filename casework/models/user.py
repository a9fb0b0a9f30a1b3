"""People who use the service, their organisations and their API tokens."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from casework.models.base import Base, created_at_column

ROLES = ("caseworker", "adviser", "manager", "admin")


class Organisation(Base):
    """An organisation of the directory: a body asked for advice (an NHS trust, the educational psychology
    service, social care, a school...), and the one an adviser belongs to.

    ``name_key`` is the name without regard to case and spacing, so "Northbridge  NHS trust" is the same
    organisation as "Northbridge NHS Trust" and cannot be added twice.
    """

    __tablename__ = "organisations"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    name_key: Mapped[str] = mapped_column(String(200), unique=True, index=True)
    kind: Mapped[str] = mapped_column(String(30), default="other", server_default="other")
    urn: Mapped[str | None] = mapped_column(String(6), unique=True, index=True)  # a school's unique reference number
    ukprn: Mapped[str | None] = mapped_column(String(8), unique=True, index=True)  # a college's UK provider reference
    created_at: Mapped[dt.datetime] = created_at_column()


class User(Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(100), unique=True)
    role: Mapped[str] = mapped_column(String(20))
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id"), index=True)
    email: Mapped[str | None] = mapped_column(String(254))
    password_hash: Mapped[str | None] = mapped_column(String(200))
    active: Mapped[bool] = mapped_column(default=True)
    failed_logins: Mapped[int] = mapped_column(default=0)
    locked_until: Mapped[dt.datetime | None]
    created_at: Mapped[dt.datetime] = created_at_column()

    organisation: Mapped[Organisation | None] = relationship(lazy="joined")

    @property
    def display_name(self) -> str:
        return self.username

    # The four members Flask-Login reads from a signed-in user; written out here so the model does not
    # depend on the web layer.
    @property
    def is_active(self) -> bool:
        return self.active

    @property
    def is_authenticated(self) -> bool:
        return True

    @property
    def is_anonymous(self) -> bool:
        return False

    def get_id(self) -> str:
        return str(self.id)


class ApiToken(Base):
    """A bearer token, stored only as its SHA-256 so a leaked database does not leak access."""

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[dt.datetime] = created_at_column()
    revoked_at: Mapped[dt.datetime | None]

    user: Mapped[User] = relationship(lazy="joined")
