"""Users, passwords (argon2) and API tokens (stored as SHA-256 only)."""

from __future__ import annotations

import hashlib
import secrets

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import select

from casework.core.db import Database
from casework.core.errors import Invalid, NotFound
from casework.models import ROLES, ApiToken, User
from casework.organisations import find_organisation

_hasher = PasswordHasher()
MIN_PASSWORD_LENGTH = 10


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def password_matches(user: User, password: str) -> bool:
    if not user.password_hash:
        return False
    try:
        return _hasher.verify(user.password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def create_user(db: Database, username: str, role: str, *, organisation: str | None = None,
                email: str | None = None, password: str | None = None) -> User:
    username = (username or "").strip()
    if not username:
        raise Invalid("Enter a username.", code="required", field="username")
    if role not in ROLES:
        raise Invalid(f"Role must be one of: {', '.join(ROLES)}.", code="invalid_choice", field="role")
    if role == "adviser" and not organisation:
        raise Invalid("An adviser belongs to one organisation: give --org.", code="required", field="org")
    if password is not None and len(password) < MIN_PASSWORD_LENGTH:
        raise Invalid(f"Passwords need at least {MIN_PASSWORD_LENGTH} characters.", code="too_short",
                      field="password")
    with db.transaction() as session:
        if session.scalars(select(User).where(User.username == username)).first() is not None:
            raise Invalid(f"There is already a user called {username}.", code="duplicate", field="username")
        # An adviser sees only their organisation's advice: one not in the directory would show them nothing.
        member_of = find_organisation(session, organisation, field="org") if organisation else None
        user = User(username=username, role=role, email=email, organisation=member_of,
                    password_hash=hash_password(password) if password else None)
        session.add(user)
    return user


def create_token(db: Database, username: str) -> str:
    """A new bearer token; only its digest is kept, so it is shown once."""
    token = secrets.token_urlsafe(32)
    with db.transaction() as session:
        user = session.scalars(select(User).where(User.username == username)).first()
        if user is None:
            raise NotFound(f"There is no user called {username}.")
        session.add(ApiToken(user_id=user.id, token_hash=token_digest(token)))
    return token


def user_for_token(db: Database, token: str) -> User | None:
    with db.reading() as session:
        found = session.scalars(
            select(ApiToken).where(ApiToken.token_hash == token_digest(token), ApiToken.revoked_at.is_(None))
        ).first()
        if found is None or not found.user.active:
            return None
        return found.user


def get_user(db: Database, user_id: int) -> User | None:
    with db.reading() as session:
        return session.get(User, user_id)

