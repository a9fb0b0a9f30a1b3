"""Alerts the deadline scan raises, who has been told of them, and the outbox of digests that tell them.

An open alert exists once per deadline and kind: the partial unique index, not the code that inserts, is what
makes a second scan, or two scans at once, harmless. An alert that its deadline no longer justifies (the
deadline was corrected, met or cancelled) is closed, never deleted, and leaves the lists and digests; the same
deadline can then be alerted again if it falls due again. A delivery row records that an alert went into a recipient's
digest, so no alert is ever mailed to the same person twice; the outbox keeps each digest until the mail
server has accepted it, so a failed send is retried on the next run.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column

from casework.models.base import Base, created_at_column
from casework.models.subject import OWN_CASE, HasSubject

ALERT_KINDS = ("overdue", "due_soon")
# The alerts still standing; the scan's ON CONFLICT names this same predicate to find the unique index.
OPEN_ALERT = "closed_at IS NULL"
CLOSED_ALERT = "closed_at IS NOT NULL"


class Alert(HasSubject, Base):
    __tablename__ = "alerts"
    __table_args__ = (
        Index("uq_alerts_open_deadline_kind", "deadline_id", "kind", unique=True,
              postgresql_where=text(OPEN_ALERT), sqlite_where=text(OPEN_ALERT)),
        # The alerts lists show the open alerts newest first; a scan's alerts share one created_at, so the id
        # settles the order.
        Index("ix_alerts_created", "created_at", "id", postgresql_where=text(OPEN_ALERT),
              sqlite_where=text(OPEN_ALERT)),
        # The scan looks again at the deadlines whose alert was closed since its last run: a handful of rows.
        Index("ix_alerts_closed_at", "closed_at", postgresql_where=text(CLOSED_ALERT),
              sqlite_where=text(CLOSED_ALERT)),
        # An adviser's alerts are those about their organisation's advice requests.
        Index("ix_alerts_subject", "subject_type", "subject_id"),
        CheckConstraint(OWN_CASE, name="subject_of_own_case"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))
    deadline_id: Mapped[int] = mapped_column(ForeignKey("deadlines.id"))
    # Copied from the deadline when the alert is raised: what was late, under which rule, due when, and what
    # it is about (subject_type, subject_id).
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    deadline_kind: Mapped[str] = mapped_column(String(30))
    rule: Mapped[str] = mapped_column(String(10))
    due_on: Mapped[dt.date]
    # The scan date that raised it ("as of"), which with --as-of is not the wall-clock day.
    raised_on: Mapped[dt.date]
    created_at: Mapped[dt.datetime] = created_at_column()
    acknowledged_at: Mapped[dt.datetime | None]
    acknowledged_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    # Set when the deadline no longer justifies the alert (see casework.alerts.closing); never unset.
    closed_at: Mapped[dt.datetime | None]
    closed_reason: Mapped[str | None] = mapped_column(String(200))


class OutboxMail(Base):
    """One digest for one recipient, kept until the mail server accepts it."""

    __tablename__ = "outbox"
    __table_args__ = (
        Index("ix_outbox_unsent", "id", postgresql_where=text("sent_at IS NULL"), sqlite_where=text("sent_at IS NULL")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    recipient_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    to_address: Mapped[str] = mapped_column(String(254))
    subject: Mapped[str] = mapped_column(String(300))
    body: Mapped[str] = mapped_column(Text)
    # A stable Message-ID, so a mail server that did accept a send we could not record sees the same message.
    message_id: Mapped[str] = mapped_column(String(200), unique=True)
    created_at: Mapped[dt.datetime] = created_at_column()
    attempts: Mapped[int] = mapped_column(default=0)
    last_attempt_at: Mapped[dt.datetime | None]
    last_error: Mapped[str | None] = mapped_column(Text)
    sent_at: Mapped[dt.datetime | None]


class AlertDelivery(Base):
    """That an alert has been put in a recipient's digest: once per alert and person, ever."""

    __tablename__ = "alert_deliveries"
    __table_args__ = (UniqueConstraint("alert_id", "recipient_id", name="uq_alert_deliveries_alert_recipient"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    alert_id: Mapped[int] = mapped_column(ForeignKey("alerts.id"))
    recipient_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    outbox_id: Mapped[int] = mapped_column(ForeignKey("outbox.id"), index=True)
