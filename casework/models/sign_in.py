"""Signed-in sessions kept on the server, failed sign-ins by address, and one-time links to set a password.

A browser's cookie holds only a random session key; the record here says whether that session still stands.
Signing out, disabling the user or changing their password ends the record, so a copy of the cookie taken
earlier opens nothing. Keys and links are stored only as SHA-256 digests, like API tokens.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from casework.models.base import Base, created_at_column
from casework.models.user import User

# Why a session ended, as the record keeps it.
END_REASONS = ("signed_out", "disabled", "password_changed", "role_changed", "lifetime", "idle")


class UserSession(Base):
    __tablename__ = "user_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    key_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    address: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[dt.datetime] = created_at_column()
    last_seen_at: Mapped[dt.datetime] = created_at_column()
    ended_at: Mapped[dt.datetime | None]
    ended_reason: Mapped[str | None] = mapped_column(String(20))

    user: Mapped[User] = relationship(lazy="joined")


class FailedSignIn(Base):
    """One wrong sign-in from an address, counted for the per-address limit whatever username was tried."""

    __tablename__ = "failed_sign_ins"
    __table_args__ = (Index("ix_failed_sign_ins_address_at", "address", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    address: Mapped[str] = mapped_column(String(64))
    at: Mapped[dt.datetime] = created_at_column()


class PasswordLink(Base):
    """A one-time link for a user created without a password (or given a fresh start) to set one."""

    __tablename__ = "password_links"

    id: Mapped[int] = mapped_column(primary_key=True)
    key_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    created_at: Mapped[dt.datetime] = created_at_column()
    expires_at: Mapped[dt.datetime]
    used_at: Mapped[dt.datetime | None]

    user: Mapped[User] = relationship(lazy="joined")
