"""Idempotency-Key on POST: a client that retries after a lost answer gets the first answer, not a second case.

The same key from the same user within 24 hours answers with the first request's status and body and
changes nothing again; the same key on another request (method, path or body) is refused with 422. The key
is recorded, pending, in its own short transaction before the operation runs, so of two requests racing
with one key only the first acts: the second finds the key and is told to wait (409) until the first has
answered. A failure on the service's side (5xx) releases the key, so the retry can act.

Hooks on the API blueprint, registered after authentication (web.api.views), so the key belongs to the
user the token names.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
from dataclasses import dataclass

from flask import Response, g, request
from sqlalchemy import or_, select, update
from sqlalchemy.exc import IntegrityError, SQLAlchemyError

from casework.core import clock
from casework.core.db import Database
from casework.core.errors import Conflict, Invalid, MalformedInput
from casework.models import IdempotencyKey
from casework.models.idempotency import KEY_LIFETIME
from web import database
from web.api.views import api

logger = logging.getLogger(__name__)

HEADER = "Idempotency-Key"
MAX_KEY_LENGTH = 200
# A request still pending after this long died with its process; its key may be taken up again.
ABANDONED_AFTER = dt.timedelta(minutes=10)


@dataclass(frozen=True)
class Claimed:
    """This request holds the key and runs; ``key_id`` is the row its answer goes into."""

    key_id: int


@dataclass(frozen=True)
class Replay:
    status: int
    body: str


class InUse(Exception):
    """The first request with this key has not answered yet."""


class Reused(Exception):
    """The key was first sent with a different request."""


def fingerprint(method: str, path: str, body: bytes) -> str:
    digest = hashlib.sha256()
    for part in (method.upper().encode(), path.encode(), body):
        digest.update(len(part).to_bytes(8, "big"))
        digest.update(part)
    return digest.hexdigest()


def _free(now: dt.datetime):
    """A row another request may take: forgotten (24 hours old), released after a 5xx, or abandoned."""
    return or_(IdempotencyKey.created_at <= now - KEY_LIFETIME,
               IdempotencyKey.released_at.is_not(None),
               IdempotencyKey.status.is_(None) & (IdempotencyKey.created_at <= now - ABANDONED_AFTER))


def claim(db: Database, user_id: int, key: str, print_: str) -> Claimed | Replay:
    """Take the key for this request, or say why not (raises InUse or Reused).

    Its own transaction, committed before the operation runs, so a request racing this one sees the key.
    Two requests inserting the same new key meet at the unique constraint; the loser looks again.
    """
    for _attempt in range(3):
        now = clock.now()
        try:
            with db.transaction() as session:
                row = session.scalars(select(IdempotencyKey).where(
                    IdempotencyKey.user_id == user_id, IdempotencyKey.key == key).with_for_update()).first()
                if row is None:
                    row = IdempotencyKey(user_id=user_id, key=key, fingerprint=print_, created_at=now)
                    session.add(row)
                    session.flush()
                    return Claimed(row.id)
                taken = session.execute(
                    update(IdempotencyKey).where(IdempotencyKey.id == row.id, _free(now))
                    .values(fingerprint=print_, status=None, response_body=None, released_at=None, created_at=now)
                    .execution_options(synchronize_session=False)).rowcount
                if taken:
                    return Claimed(row.id)
                if row.fingerprint != print_:
                    raise Reused()
                if row.status is None:
                    raise InUse()
                return Replay(row.status, row.response_body or "")
        except IntegrityError:
            continue
    raise InUse()


def remember(db: Database, claimed: Claimed, status: int, body: str) -> None:
    with db.transaction() as session:
        session.execute(update(IdempotencyKey).where(IdempotencyKey.id == claimed.key_id,
                                                     IdempotencyKey.status.is_(None))
                        .values(status=status, response_body=body))


def release(db: Database, claimed: Claimed) -> None:
    """Let the key be used again: the request it was taken for failed on our side and changed nothing."""
    with db.transaction() as session:
        session.execute(update(IdempotencyKey).where(IdempotencyKey.id == claimed.key_id,
                                                     IdempotencyKey.status.is_(None))
                        .values(released_at=clock.now()))


def _key_from_header() -> str | None:
    key = request.headers.get(HEADER)
    if key is None:
        return None
    if not 1 <= len(key) <= MAX_KEY_LENGTH or not all(" " <= c <= "~" for c in key) or not key.strip():
        raise MalformedInput(f"{HEADER} must be 1 to {MAX_KEY_LENGTH} printable characters (letters, digits, "
                             "punctuation), such as a UUID.", code="bad_idempotency_key", field=HEADER)
    return key


@api.before_request
def _claim_key() -> Response | None:
    if request.method != "POST" or "user" not in g:
        return None
    key = _key_from_header()
    if key is None:
        return None
    print_ = fingerprint(request.method, request.path, request.get_data(cache=True))
    try:
        outcome = claim(database(), g.user.id, key, print_)
    except Reused:
        raise Invalid(f"This {HEADER} was first sent with a different request. Use a new key for a new request.",
                      code="idempotency_key_reused", field=HEADER) from None
    except InUse:
        raise Conflict(f"A request with this {HEADER} is still being handled. Wait for its answer, then send "
                       "it again to see that answer.", code="idempotency_key_in_use", field=HEADER) from None
    if isinstance(outcome, Replay):
        response = Response(outcome.body, status=outcome.status, mimetype="application/json")
        response.headers["Idempotent-Replayed"] = "true"
        return response
    g.idempotency_claim = outcome
    return None


@api.after_request
def _remember_answer(response: Response) -> Response:
    claimed: Claimed | None = g.pop("idempotency_claim", None)
    if claimed is None:
        return response
    try:
        if response.status_code >= 500:
            release(database(), claimed)
        else:
            remember(database(), claimed, response.status_code, response.get_data(as_text=True))
    except SQLAlchemyError:
        # The answer still goes out; the key stays pending and is taken up again once abandoned.
        logger.exception("could not record the answer for an idempotency key")
    return response


@api.teardown_request
def _release_unanswered(exc: BaseException | None) -> None:
    """A request that ended without an answer (an error past every handler) leaves its key free."""
    claimed: Claimed | None = g.pop("idempotency_claim", None)
    if claimed is not None:
        try:
            release(database(), claimed)
        except SQLAlchemyError:
            logger.exception("could not release an idempotency key")
