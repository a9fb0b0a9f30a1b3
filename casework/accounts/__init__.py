"""Users, passwords (argon2), API tokens (stored as SHA-256 only) and what an administrator does to them.

Disabling a user or changing their password ends every session they have (casework.accounts.sessions), and a
disabled user's API tokens are refused, so a leaver is out at once. Each change is kept in the audit trail.
A user added without a password is given a one-time link to set one; only its digest is stored.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import secrets
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from casework import audit
from casework.accounts import sessions
from casework.accounts.passwords import MIN_PASSWORD_LENGTH, check_password, hash_password, password_matches
from casework.core import clock
from casework.core.db import Database
from casework.core.errors import Invalid, NotFound
from casework.models import ROLES, ApiToken, PasswordLink, User
from casework.organisations import find_organisation

__all__ = [
    "MIN_PASSWORD_LENGTH", "check_password", "create_password_link", "create_token", "create_user",
    "disable_user", "enable_user", "get_user", "hash_password", "list_tokens", "password_matches",
    "revoke_token", "set_password", "set_password_by_link", "token_digest", "unlock_user", "update_user",
    "user_for_password_link", "user_for_token",
]

# An address as the standard's "valid" form: something@domain.tld, no spaces, at most 254 characters.
EMAIL = re.compile(r"^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
                   r"(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+$")


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def check_email(email: str | None) -> str | None:
    email = (email or "").strip()
    if not email:
        return None
    if len(email) > 254 or not EMAIL.match(email):
        raise Invalid("Enter an email address in the correct format, like name@example.gov.uk.",
                      code="invalid_email", field="email")
    return email


def _check_role(role: str, organisation: str | None) -> None:
    if role not in ROLES:
        raise Invalid(f"Role must be one of: {', '.join(ROLES)}.", code="invalid_choice", field="role")
    if role == "adviser" and not organisation:
        raise Invalid("An adviser belongs to one organisation: give --org.", code="required", field="org")


def create_user(db: Database, username: str, role: str, *, organisation: str | None = None,
                email: str | None = None, password: str | None = None, actor: User | None = None) -> User:
    username = (username or "").strip()
    if not username:
        raise Invalid("Enter a username.", code="required", field="username")
    _check_role(role, organisation)
    email = check_email(email)
    if password is not None:
        check_password(password)
    with db.transaction() as session:
        if session.scalars(select(User).where(User.username == username)).first() is not None:
            raise Invalid(f"There is already a user called {username}.", code="duplicate", field="username")
        # An adviser sees only their organisation's advice: one not in the directory would show them nothing.
        member_of = find_organisation(session, organisation, field="org") if organisation else None
        user = User(username=username, role=role, email=email, organisation=member_of,
                    password_hash=hash_password(password) if password else None)
        session.add(user)
        session.flush()
        _audit(session, actor, "user_created", user, role=role)
    return user


def _user(session: Session, username: str, *, lock: bool = False) -> User:
    query = select(User).where(User.username == (username or "").strip())
    user = session.scalars(query.with_for_update(of=User) if lock else query).first()
    if user is None:
        raise NotFound(f"There is no user called {username}.")
    return user


def _audit(session: Session, actor: User | None, event: str, user: User, **fields: object) -> None:
    audit.record(session, case=None, actor=actor, event=event, on=clock.today(),
                 fields={"username": user.username, **fields}, state_before=None, state_after=None)


def update_user(db: Database, username: str, *, role: str, organisation: str | None, email: str | None,
                actor: User | None = None) -> User:
    """Change a user's role, organisation or email; a changed role ends their sessions (it changes what they see)."""
    organisation = (organisation or "").strip() or None
    _check_role(role, organisation)
    email = check_email(email)
    with db.transaction() as session:
        user = _user(session, username, lock=True)
        member_of = find_organisation(session, organisation, field="org") if organisation else None
        before = {"role": user.role, "organisation": user.organisation.name if user.organisation else None,
                  "email": user.email}
        user.role, user.organisation, user.email = role, member_of, email
        after = {"role": role, "organisation": member_of.name if member_of else None, "email": email}
        changed = {k: after[k] for k in after if after[k] != before[k]}
        if changed:
            if "role" in changed or "organisation" in changed:
                sessions.end_all(session, user.id, "role_changed")
            _audit(session, actor, "user_changed", user, **changed)
    return user


def disable_user(db: Database, username: str, *, actor: User | None = None) -> User:
    """A leaver: no more sign-ins, every session ended, every API token refused."""
    with db.transaction() as session:
        user = _user(session, username, lock=True)
        if actor is not None and actor.id == user.id:
            raise Invalid("You cannot disable your own account.", code="own_account", field="username")
        user.active = False
        sessions.end_all(session, user.id, "disabled")
        _audit(session, actor, "user_disabled", user)
    return user


def enable_user(db: Database, username: str, *, actor: User | None = None) -> User:
    with db.transaction() as session:
        user = _user(session, username, lock=True)
        user.active = True
        _audit(session, actor, "user_enabled", user)
    return user


def set_password(db: Database, username: str, password: str, *, actor: User | None = None) -> User:
    """A new password ends the user's sessions, so one signed in with the old one is out."""
    check_password(password)
    with db.transaction() as session:
        user = _user(session, username, lock=True)
        _set(session, user, password)
        _audit(session, actor, "password_set", user)
    return user


def _set(session: Session, user: User, password: str) -> None:
    user.password_hash = hash_password(password)
    user.failed_logins, user.locked_until = 0, None
    sessions.end_all(session, user.id, "password_changed")


def unlock_user(db: Database, username: str, *, actor: User | None = None) -> User:
    """Lift a pause after wrong passwords, for someone who has proved who they are another way."""
    with db.transaction() as session:
        user = _user(session, username, lock=True)
        user.failed_logins, user.locked_until = 0, None
        _audit(session, actor, "user_unlocked", user)
    return user


def is_paused(user: User) -> bool:
    return user.locked_until is not None and sessions.aware(user.locked_until) > clock.now()


# ------------------------------------------------------------------------------------------ one-time links

def create_password_link(db: Database, username: str, hours: int, *, actor: User | None = None) -> str:
    """A key for a link that sets the user's password once, within ``hours``; earlier links stop working."""
    key = secrets.token_urlsafe(32)
    now = clock.now()
    with db.transaction() as session:
        user = _user(session, username, lock=True)
        for earlier in session.scalars(select(PasswordLink).where(PasswordLink.user_id == user.id,
                                                                  PasswordLink.used_at.is_(None))):
            earlier.expires_at = min(sessions.aware(earlier.expires_at), now)
        session.add(PasswordLink(key_hash=token_digest(key), user_id=user.id,
                                 expires_at=now + dt.timedelta(hours=hours)))
        _audit(session, actor, "password_link_made", user)
    return key


def _live_link(session: Session, key: str, *, lock: bool = False) -> PasswordLink | None:
    query = select(PasswordLink).where(PasswordLink.key_hash == token_digest(key))
    link = session.scalars(query.with_for_update(of=PasswordLink) if lock else query).first()
    if link is None or link.used_at is not None or sessions.aware(link.expires_at) <= clock.now():
        return None
    if not link.user.active:
        return None
    return link


def user_for_password_link(db: Database, key: str) -> User | None:
    with db.reading() as session:
        link = _live_link(session, key)
        return link.user if link else None


def set_password_by_link(db: Database, key: str, password: str) -> User:
    check_password(password)
    with db.transaction() as session:
        link = _live_link(session, key, lock=True)
        if link is None:
            raise Invalid("This link has expired or has already been used. Ask an administrator for a new one.",
                          code="link_expired", field="password")
        link.used_at = clock.now()
        _set(session, link.user, password)
        _audit(session, link.user, "password_set", link.user)
        return link.user


# ------------------------------------------------------------------------------------------ API tokens

@dataclass(frozen=True)
class TokenRow:
    id: int
    username: str
    created_at: dt.datetime
    revoked_at: dt.datetime | None


def create_token(db: Database, username: str) -> str:
    """A new bearer token; only its digest is kept, so it is shown once."""
    token = secrets.token_urlsafe(32)
    with db.transaction() as session:
        user = _user(session, username)
        session.add(ApiToken(user_id=user.id, token_hash=token_digest(token)))
    return token


def list_tokens(session: Session, username: str | None = None) -> list[TokenRow]:
    query = select(ApiToken.id, User.username, ApiToken.created_at, ApiToken.revoked_at).join(User)
    if username:
        query = query.where(User.id == _user(session, username).id)
    return [TokenRow(*row) for row in session.execute(query.order_by(ApiToken.id))]


def revoke_token(db: Database, token_id: int, *, actor: User | None = None) -> TokenRow:
    with db.transaction() as session:
        token = session.scalars(select(ApiToken).where(ApiToken.id == token_id)
                                .with_for_update(of=ApiToken)).first()
        if token is None:
            raise NotFound(f"There is no API token {token_id}.")
        if token.revoked_at is None:
            token.revoked_at = clock.now()
            _audit(session, actor, "token_revoked", token.user, token=token_id)
        return TokenRow(token.id, token.user.username, token.created_at, token.revoked_at)


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
