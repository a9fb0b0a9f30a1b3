"""The first answer to a POST sent with an Idempotency-Key, so a client's retry is answered, not done twice.

A row is written, pending (no status yet), in its own transaction before the request's operation runs: a
second request with the same key then finds it and waits its turn instead of acting too. The answer is
stored when the first request ends. A failure on the service's side (5xx) marks the row released, and a
key older than 24 hours is forgotten: either way the next request with that key takes the row over.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from casework.models.base import Base, created_at_column

KEY_LIFETIME = dt.timedelta(hours=24)


class IdempotencyKey(Base):
    __tablename__ = "idempotency_keys"
    __table_args__ = (UniqueConstraint("user_id", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    key: Mapped[str] = mapped_column(String(200))
    # SHA-256 of the method, path and body: the same key with another request is refused, not replayed.
    fingerprint: Mapped[str] = mapped_column(String(64))
    status: Mapped[int | None]  # None while the first request is still running
    response_body: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = created_at_column()
    released_at: Mapped[dt.datetime | None]
