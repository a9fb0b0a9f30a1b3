"""Alert digests by email, through an outbox so that a failed send is retried and none is sent twice.

Each scan puts, for every person with an email address, the alerts not yet delivered to them (and still
calling for action) into one digest: the outbox row and one delivery row per alert are written in a single
transaction, and the unique (alert, recipient) constraint makes a second writer (a second scan at the same
moment) fail and roll back instead of queueing the same alerts again. Then every unsent outbox row is
offered to the SMTP server; a row is marked sent only once the server has accepted it, and a failure is
counted on the row and left for the next run. Each digest keeps the Message-ID it was given when queued, so
a server that accepted a send we could not record sees the same message again, not a new one.

A digest carries case references, deadline kinds, dates, rule ids and links: never a child's name, since
email leaves the authority's systems.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import smtplib
import ssl
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import format_datetime
from typing import Any

from sqlalchemy import and_, exists, func, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from casework.access.audience import AUDIENCE_ROLES, alerts_for
from casework.core import clock
from casework.core.db import Database
from casework.law import rules
from casework.models import AdviceRequest, AlertDelivery, Case, Deadline, OutboxMail, User
from casework.models.subject import ADVICE_REQUEST

logger = logging.getLogger("casework.notify")

SMTP_TIMEOUT_SECONDS = 10
# Transient connection faults: stop this run's sending and leave the rest of the outbox for the next run.
_CONNECTION_ERRORS = (OSError, smtplib.SMTPServerDisconnected, smtplib.SMTPConnectError)


@dataclass(frozen=True)
class DeliveryReport:
    queued: int
    sent: int
    failed: int


@dataclass(frozen=True)
class AlertLine:
    """What one alert says in a digest: never the child, only the case, the duty and the dates."""

    alert_id: int
    kind: str
    case_id: int
    case_reference: str
    deadline_kind: str
    rule: str
    citation: str
    due_on: dt.date
    advice_type: str | None


# --------------------------------------------------------------------------------------------------- queueing

# Rules tracked as a local milestone or service level (M3.2, R5.3, G7.2): a late one is worth a prompt, but the
# digest says it is not a statutory breach, as the reports never count it as one.
SERVICE_LEVEL_RULES = frozenset(rule.id for rule in rules.RULES if not rule.statutory)


def _rule_line(line: AlertLine) -> str:
    if line.rule in SERVICE_LEVEL_RULES:
        return f"  Rule {line.rule} (a service level, not a statutory time limit): {line.citation}"
    return f"  Rule {line.rule}: {line.citation}"


def _long_date(day: dt.date) -> str:
    return f"{day.day} {day:%B %Y}"


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def subject(lines: list[AlertLine], authority: str) -> str:
    """For example "3 overdue, 2 due soon: EHCP deadlines (Demo Borough Council)"."""
    parts = []
    overdue = sum(1 for line in lines if line.kind == "overdue")
    soon = len(lines) - overdue
    if overdue:
        parts.append(f"{overdue} overdue")
    if soon:
        parts.append(f"{soon} due soon")
    return f"{', '.join(parts)}: EHCP deadlines ({authority})"


def _what(line: AlertLine) -> str:
    kind = rules.DEADLINE_KINDS.get(line.deadline_kind)
    label = kind.label if kind is not None else line.deadline_kind.replace("_", " ")
    if line.advice_type:
        label += f": {line.advice_type.replace('_', ' ')} advice"
    return label


def body(lines: list[AlertLine], user: User, as_of: dt.date, base_url: str, authority: str) -> str:
    """The digest text: per alert the case reference, what is late or nearly due, since when, rule, link."""
    base = base_url.rstrip("/")
    out = [f"EHCP statutory deadlines at {authority}, as of {_long_date(as_of)}.", ""]
    sections = (("overdue", "Overdue"), ("due_soon", "Due soon"))
    for kind, heading in sections:
        chosen = [line for line in lines if line.kind == kind]
        if not chosen:
            continue
        out += [f"{heading} ({len(chosen)})", "-" * (len(heading) + len(str(len(chosen))) + 3)]
        for line in chosen:
            if kind == "overdue":
                late_days = (as_of - line.due_on).days
                when = (f"was due on {_long_date(line.due_on)}: {_plural(late_days, 'day')} late "
                        f"(late since {_long_date(line.due_on + dt.timedelta(days=1))})")
            else:
                left = (line.due_on - as_of).days
                when = f"is due on {_long_date(line.due_on)} ({'today' if left == 0 else 'in ' + _plural(left, 'day')})"
            link = f"{base}/advice" if user.role == "adviser" else f"{base}/cases/{line.case_id}"
            out += [f"* {line.case_reference}: {_what(line)} {when}.",
                    _rule_line(line),
                    f"  {link}", ""]
    out += ["You receive this because of your role in the EHCP casework service. Each alert is sent to you once;",
            "the service shows all current alerts."]
    return "\n".join(out) + "\n"


def _message_id(recipient_id: int, alert_ids: list[int], sender: str) -> str:
    """The same recipient and alerts give the same id, so a digest queued twice collides, never sends twice."""
    digest = hashlib.sha256(f"{recipient_id}:{','.join(map(str, alert_ids))}".encode()).hexdigest()[:32]
    domain = sender.rpartition("@")[2] or "ehcp.invalid"
    return f"<ehcp-alerts-{recipient_id}-{digest}@{domain}>"


def _undelivered_lines(session: Session, user: User, as_of: dt.date) -> list[AlertLine]:
    """Alerts this person hears of, not yet mailed to them, that still call for action on ``as_of``.

    A digest is a prompt to act, so it leaves out alerts whose deadline has since been met or cancelled,
    and warnings whose due date has passed (the overdue alert says it better). Someone whose email
    address is added later is told what is late now, not every breach since the service began.
    """
    visible = alerts_for(user).subquery()
    delivered = exists().where(AlertDelivery.alert_id == visible.c.id, AlertDelivery.recipient_id == user.id)
    still_open = and_(Deadline.met_on.is_(None), Deadline.cancelled_on.is_(None))
    rows = session.execute(
        select(visible.c.id, visible.c.kind, visible.c.case_id, Case.reference, visible.c.deadline_kind,
               visible.c.rule, Deadline.citation, visible.c.due_on, AdviceRequest.advice_type)
        .join(Case, Case.id == visible.c.case_id)
        .join(Deadline, Deadline.id == visible.c.deadline_id)
        .outerjoin(AdviceRequest, and_(visible.c.subject_type == ADVICE_REQUEST,
                                       AdviceRequest.id == visible.c.subject_id))
        .where(~delivered, still_open, or_(visible.c.kind == "overdue", visible.c.due_on >= as_of))
        .order_by(visible.c.due_on, Case.reference, visible.c.id)
    ).all()
    return [AlertLine(*row) for row in rows]


def queue_digests(db: Database, settings: dict[str, Any], as_of: dt.date) -> int:
    """One digest per person with alerts not yet delivered to them; returns how many were queued."""
    service, mail = settings.get("service", {}), settings.get("mail", {})
    authority = str(service.get("authority_name", "the local authority"))
    base_url = str(service.get("base_url", ""))
    sender = str(mail.get("sender", ""))
    with db.reading() as session:
        recipients = session.scalars(
            select(User).where(User.active.is_(True), User.email.is_not(None), func.trim(User.email) != "",
                               User.role.in_(AUDIENCE_ROLES)).order_by(User.id)
        ).all()
    queued = 0
    for user in recipients:  # a handful of staff, each with their own digest; never a loop over cases
        try:
            with db.transaction() as session:
                lines = _undelivered_lines(session, user, as_of)
                if not lines:
                    continue
                ordered = sorted(lines, key=lambda line: (line.kind != "overdue", line.due_on, line.case_reference))
                outbox = OutboxMail(
                    recipient_id=user.id, to_address=(user.email or "").strip(),
                    subject=subject(ordered, authority), body=body(ordered, user, as_of, base_url, authority),
                    message_id=_message_id(user.id, sorted(line.alert_id for line in lines), sender),
                )
                session.add(outbox)
                session.flush()
                session.add_all(AlertDelivery(alert_id=line.alert_id, recipient_id=user.id, outbox_id=outbox.id)
                                for line in lines)
                session.flush()
            queued += 1
        except IntegrityError:
            # Another scan queued these alerts for this person at the same moment: theirs stands, ours is gone.
            logger.info("digest for user_id=%d already queued by a concurrent scan", user.id)
    return queued


# --------------------------------------------------------------------------------------------------- sending

def _connect(mail: dict[str, Any]) -> smtplib.SMTP:
    smtp = smtplib.SMTP(str(mail.get("host", "127.0.0.1")), int(mail.get("port", 25)), timeout=SMTP_TIMEOUT_SECONDS)
    try:
        if mail.get("starttls"):
            smtp.starttls(context=ssl.create_default_context())
        if mail.get("username"):
            smtp.login(str(mail["username"]), str(mail.get("password", "")))
    except BaseException:
        smtp.close()
        raise
    return smtp


def _message(row: OutboxMail, sender: str) -> EmailMessage:
    message = EmailMessage()
    message["From"] = sender
    message["To"] = row.to_address
    message["Subject"] = row.subject
    message["Message-ID"] = row.message_id
    message["Date"] = format_datetime(clock.now())
    message.set_content(row.body)
    return message


def _record_failure(db: Database, outbox_ids: list[int] | None, error: BaseException) -> int:
    """Count a failed attempt on the given rows (all unsent rows when None); they stay for the next run."""
    reason = f"{type(error).__name__}: {error}"[:2000]
    where = OutboxMail.sent_at.is_(None)
    if outbox_ids is not None:
        where = and_(where, OutboxMail.id.in_(outbox_ids))
    with db.transaction() as session:
        return session.execute(
            update(OutboxMail).where(where).values(attempts=OutboxMail.attempts + 1, last_attempt_at=clock.now(),
                                                   last_error=reason)
        ).rowcount


def send_outbox(db: Database, settings: dict[str, Any]) -> tuple[int, int]:
    """Offer every unsent digest to the SMTP server; returns (sent, failed).

    Each row is sent inside its own transaction that holds the row (FOR UPDATE SKIP LOCKED on PostgreSQL,
    the write lock on SQLite) and re-checks it is still unsent, so two scans sending at once never both
    send the same digest.
    """
    mail = settings.get("mail", {})
    sender = str(mail.get("sender", ""))
    with db.reading() as session:
        pending = list(session.scalars(select(OutboxMail.id).where(OutboxMail.sent_at.is_(None))
                                       .order_by(OutboxMail.id)))
    if not pending:
        return 0, 0
    try:
        smtp = _connect(mail)
    except (smtplib.SMTPException, OSError) as exc:
        logger.warning("mail server %s:%s not reachable (%s); %d digests wait for the next run",
                       mail.get("host"), mail.get("port"), type(exc).__name__, len(pending))
        return 0, _record_failure(db, pending, exc)
    sent = failed = 0
    try:
        for outbox_id in pending:
            try:
                with db.transaction() as session:
                    row = session.scalars(
                        select(OutboxMail).where(OutboxMail.id == outbox_id, OutboxMail.sent_at.is_(None))
                        .with_for_update(skip_locked=True)
                    ).first()
                    if row is None:
                        continue  # sent meanwhile by another scan, or being sent by it now
                    smtp.send_message(_message(row, sender))
                    row.sent_at = clock.now()
                    row.attempts += 1
                    row.last_attempt_at, row.last_error = row.sent_at, None
                sent += 1
            except smtplib.SMTPException as exc:
                failed += _record_failure(db, [outbox_id], exc)
                logger.warning("digest outbox_id=%d not accepted (%s)", outbox_id, type(exc).__name__)
                if isinstance(exc, _CONNECTION_ERRORS):
                    break
            except OSError as exc:
                failed += _record_failure(db, [outbox_id], exc)
                logger.warning("mail connection lost at outbox_id=%d (%s)", outbox_id, type(exc).__name__)
                break
    finally:
        try:
            smtp.quit()
        except (smtplib.SMTPException, OSError):
            smtp.close()
    return sent, failed


def deliver(db: Database, settings: dict[str, Any], as_of: dt.date) -> DeliveryReport:
    """Queue this scan's digests, then send everything the outbox holds."""
    queued = queue_digests(db, settings, as_of)
    sent, failed = send_outbox(db, settings)
    return DeliveryReport(queued=queued, sent=sent, failed=failed)


def send_message(settings: dict[str, Any], *, to: str, subject: str, body: str) -> None:
    """Send one message now, not through the outbox: for a one-time link, which must not be stored readable.

    Raises OSError (smtplib's errors are OSErrors) when the server cannot be reached or refuses it.
    """
    mail = settings.get("mail", {})
    message = EmailMessage()
    message["From"] = str(mail.get("sender", ""))
    message["To"] = to
    message["Subject"] = subject
    message["Date"] = format_datetime(clock.now())
    message.set_content(body)
    smtp = _connect(mail)
    try:
        smtp.send_message(message)
    finally:
        smtp.close()
