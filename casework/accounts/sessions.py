"""Signed-in sessions that end on the server, and the per-address limit on wrong sign-ins.

The browser's cookie carries a random key; only its SHA-256 is stored, in ``user_sessions``. A session
stands while its record is not ended, it was used within the idle time (``[web] session_idle_minutes``)
and it began within the absolute lifetime (``[web] session_max_hours``). Signing out ends the record, and
disabling a user or changing their password ends all of theirs, so a copy of a cookie taken earlier is
refused however fresh its signature.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from casework.core import clock
from casework.core.db import Database
from casework.models import FailedSignIn, User, UserSession

# A session's last use is written at most this often, so reading pages does not write on every request.
TOUCH_EVERY = dt.timedelta(minutes=1)


@dataclass(frozen=True)
class Lifetimes:
    idle: dt.timedelta
    absolute: dt.timedelta

    @classmethod
    def from_settings(cls, settings: dict[str, Any]) -> Lifetimes:
        web = settings.get("web", {})
        return cls(dt.timedelta(minutes=int(web.get("session_idle_minutes", 30))),
                   dt.timedelta(hours=int(web.get("session_max_hours", 12))))


def digest(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def aware(moment: dt.datetime) -> dt.datetime:
    """SQLite hands back naive datetimes; they were stored in UTC."""
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)


def start(db: Database, user_id: int, address: str | None) -> str:
    """A new session for a user who has just signed in; the key is for the cookie and is not kept."""
    key = secrets.token_urlsafe(32)
    with db.transaction() as session:
        session.add(UserSession(key_hash=digest(key), user_id=user_id, address=(address or "")[:64] or None))
    return key


def resume(db: Database, key: str, lifetimes: Lifetimes) -> User | None:
    """The user of a session that still stands, or None; a session found too old is ended as such."""
    now = clock.now()
    with db.reading() as session:
        found = session.scalars(select(UserSession).where(UserSession.key_hash == digest(key))).first()
        if found is None or found.ended_at is not None:
            return None
        too_old = aware(found.created_at) + lifetimes.absolute <= now
        idle = aware(found.last_seen_at) + lifetimes.idle <= now
        if not (too_old or idle) and found.user.active and now - aware(found.last_seen_at) < TOUCH_EVERY:
            return found.user
    with db.transaction() as session:
        found = session.scalars(select(UserSession).where(UserSession.key_hash == digest(key))
                                .with_for_update(of=UserSession)).first()
        if found is None or found.ended_at is not None:
            return None
        if too_old or idle or not found.user.active:
            found.ended_at = now
            found.ended_reason = "lifetime" if too_old else "idle" if idle else "disabled"
            return None
        found.last_seen_at = now
        return found.user


def end(db: Database, key: str, reason: str = "signed_out") -> None:
    with db.transaction() as session:
        session.execute(update(UserSession).where(UserSession.key_hash == digest(key),
                                                  UserSession.ended_at.is_(None))
                        .values(ended_at=clock.now(), ended_reason=reason))


def end_all(session: Session, user_id: int, reason: str) -> int:
    """End every open session of a user, in the caller's transaction; how many were open."""
    result = session.execute(update(UserSession).where(UserSession.user_id == user_id,
                                                       UserSession.ended_at.is_(None))
                             .values(ended_at=clock.now(), ended_reason=reason))
    return result.rowcount or 0


def open_sessions(session: Session, user_id: int, lifetimes: Lifetimes) -> int:
    now = clock.now()
    return session.scalar(select(func.count(UserSession.id)).where(
        UserSession.user_id == user_id, UserSession.ended_at.is_(None),
        UserSession.created_at > now - lifetimes.absolute, UserSession.last_seen_at > now - lifetimes.idle)) or 0


# ------------------------------------------------------------------------------------------ the address limit

def address_paused(session: Session, address: str, limit: int, window: dt.timedelta) -> bool:
    """Whether this address has had ``limit`` wrong sign-ins within the window (an indexed count)."""
    since = clock.now() - window
    count = session.scalar(select(func.count(FailedSignIn.id)).where(FailedSignIn.address == address[:64],
                                                                    FailedSignIn.at > since))
    return (count or 0) >= limit


def count_failure(session: Session, address: str) -> None:
    session.add(FailedSignIn(address=address[:64]))
