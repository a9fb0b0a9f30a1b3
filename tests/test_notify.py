"""Alert digests through a real SMTP server on the loopback interface (aiosmtpd), and through none at all.

What matters to the people who get these: one digest per person per scan, only the alerts that person
hears of, each alert mailed to them once; case references and links but never a child's name; and when
the mail server is down, the alerts are still recorded and the digests wait in the outbox to be sent,
once, when it is back.
"""

from __future__ import annotations

import datetime as dt
import email
import socket
from collections.abc import Iterator
from email import policy as email_policy
from email.message import EmailMessage
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword
from sqlalchemy import func, select

from casework import operations as ops
from casework.alerts import scan
from casework.models import AdviceRequest, Alert, AlertDelivery, OutboxMail, User

D = dt.date
AS_OF = D(2024, 11, 29)
CHILD_NAMES = ("Zebedee", "Quartermaine", "Philippa", "Oyelaran")


class Inbox:
    """An aiosmtpd handler that keeps every message it accepts."""

    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []
        self.envelopes: list[tuple[str, list[str]]] = []

    async def handle_DATA(self, server, session, envelope) -> str:  # noqa: N802 - aiosmtpd's hook name
        self.messages.append(email.message_from_bytes(envelope.original_content or envelope.content,
                                                      policy=email_policy.default))
        self.envelopes.append((envelope.mail_from, list(envelope.rcpt_tos)))
        return "250 Message accepted for delivery"

    def to(self, address: str) -> list[EmailMessage]:
        return [m for m in self.messages if m["To"] == address]


def free_port() -> int:
    """A loopback port nothing listens on (until a test starts a server there)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start_server(port: int, **options: Any) -> tuple[Controller, Inbox]:
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=port, **options)
    controller.start()
    return controller, inbox


@pytest.fixture
def mail_port(settings: dict[str, Any]) -> int:
    port = free_port()
    settings["mail"].update(host="127.0.0.1", port=port, starttls=False, username="", password="")
    return port


@pytest.fixture
def smtp(mail_port: int) -> Iterator[Inbox]:
    controller, inbox = start_server(mail_port)
    yield inbox
    controller.stop()


@pytest.fixture
def people(make_user) -> dict[str, Any]:
    return {
        "manager": make_user("manager", username="mgr", email="manager@example.gov.uk"),
        "manager_without_email": make_user("manager", username="mgr2"),
        "admin": make_user("admin", username="admin", email="admin@example.gov.uk"),
        "owner": make_user("caseworker", username="owner", email="owner@example.gov.uk"),
        "other_caseworker": make_user("caseworker", username="other", email="other@example.gov.uk"),
        "nhs": make_user("adviser", username="nhs", org="Northbridge NHS Trust", email="advice@northbridge.nhs.uk"),
        "eps": make_user("adviser", username="eps", org="Educational Psychology Service",
                         email="eps@example.gov.uk"),
    }


@pytest.fixture
def caseload(db, people) -> dict[str, Any]:
    """Two requests: one owned by a caseworker with three advice requests, one nobody owns yet."""
    owned = ops.create_case(db, actor=people["owner"], assigned_caseworker_id=people["owner"].id,
                            given_name="Zebedee", family_name="Quartermaine",
                            date_of_birth=D(2016, 3, 1), received_on=D(2024, 9, 2), requested_by="parent")
    ops.agree_to_assess(db, owned.id, actor=None, on=D(2024, 10, 1))
    ops.request_advice(db, owned.id, actor=None, on=D(2024, 10, 2), advice_type="health",
                       organisation="Northbridge NHS Trust")  # due 13 November
    ops.request_advice(db, owned.id, actor=None, on=D(2024, 10, 2), advice_type="psychological",
                       organisation="Educational Psychology Service")  # due 13 November
    ops.request_advice(db, owned.id, actor=None, on=D(2024, 11, 1), advice_type="health",
                       organisation="Northbridge NHS Trust")  # due 13 December
    unowned = ops.create_case(db, actor=None, given_name="Philippa", family_name="Oyelaran-Smith",
                              date_of_birth=D(2012, 7, 9), received_on=D(2024, 9, 16), requested_by="school")
    return {"owned": owned, "unowned": unowned}


def _text(message: EmailMessage) -> str:
    return message.as_string()


def test_each_person_gets_one_digest_of_what_they_hear_of_and_no_childs_name(db, settings, people, caseload, smtp):
    result = scan.run_scan(db, settings, as_of=AS_OF)
    owned, unowned = caseload["owned"], caseload["unowned"]
    assert result == {"as_of": "2024-11-29", "overdue": 3, "new_alerts": 3, "new_warnings": 1, "emails_sent": 4}
    assert sorted(m["To"] for m in smtp.messages) == sorted(
        ["manager@example.gov.uk", "owner@example.gov.uk", "advice@northbridge.nhs.uk", "eps@example.gov.uk"])

    base = settings["service"]["base_url"]
    [manager] = smtp.to("manager@example.gov.uk")
    assert manager["Subject"] == "3 overdue: EHCP deadlines (Demo Borough Council)"
    body = manager.get_content()
    assert body.count(owned.reference) == 2 and body.count(unowned.reference) == 1
    assert f"{base}/cases/{owned.id}" in body and f"{base}/cases/{unowned.id}" in body
    assert "Decision whether to assess was due on 28 October 2024: 32 days late (late since 29 October 2024)" in body
    assert "Rule R1.1: SEND Regs 2014 reg 4(1), 5(1)" in body
    assert "Advice returned (6 weeks): health advice was due on 13 November 2024: 16 days late" in body
    assert "Due soon" not in body  # managers hear of breaches only

    [owner] = smtp.to("owner@example.gov.uk")
    assert owner["Subject"] == "2 overdue, 1 due soon: EHCP deadlines (Demo Borough Council)"
    assert unowned.reference not in owner.get_content()
    assert "is due on 13 December 2024 (in 14 days)" in owner.get_content()

    [nhs] = smtp.to("advice@northbridge.nhs.uk")
    assert nhs["Subject"] == "1 overdue, 1 due soon: EHCP deadlines (Demo Borough Council)"
    assert f"{base}/advice" in nhs.get_content() and "/cases/" not in nhs.get_content()
    assert "psychological" not in nhs.get_content() and "Rule R2.1: SEND Regs 2014 reg 8(1)" in nhs.get_content()
    [eps] = smtp.to("eps@example.gov.uk")
    assert eps["Subject"] == "1 overdue: EHCP deadlines (Demo Borough Council)"
    assert "psychological advice" in eps.get_content()

    for message in smtp.messages:
        assert not any(name.lower() in _text(message).lower() for name in CHILD_NAMES)
        assert message["From"] == settings["mail"]["sender"]
    with db.reading() as s:
        outbox = {m.to_address: m for m in s.scalars(select(OutboxMail))}
        assert all(m.sent_at is not None and m.attempts == 1 and m.last_error is None for m in outbox.values())
        assert {m["Message-ID"] for m in smtp.messages} == {m.message_id for m in outbox.values()}
        assert s.scalar(select(func.count()).select_from(AlertDelivery)) == 3 + 3 + 2 + 1


def test_alerts_are_mailed_to_each_person_once_and_later_digests_carry_only_new_ones(db, settings, people, caseload,
                                                                                   smtp):
    assert scan.run_scan(db, settings, as_of=AS_OF)["emails_sent"] == 4
    assert scan.run_scan(db, settings, as_of=AS_OF)["emails_sent"] == 0
    assert scan.run_scan(db, settings, as_of=AS_OF + dt.timedelta(days=1))["emails_sent"] == 0
    assert len(smtp.messages) == 4

    later = scan.run_scan(db, settings, as_of=D(2024, 12, 14))  # second health advice late; issue decision soon
    assert (later["new_alerts"], later["new_warnings"], later["emails_sent"]) == (1, 1, 3)
    fresh = smtp.messages[4:]
    assert sorted(m["To"] for m in fresh) == ["advice@northbridge.nhs.uk", "manager@example.gov.uk",
                                              "owner@example.gov.uk"]
    assert [m["Subject"] for m in fresh if m["To"] == "owner@example.gov.uk"] == [
        "1 overdue, 1 due soon: EHCP deadlines (Demo Borough Council)"]
    assert all("13 November" not in m.get_content() for m in fresh)  # already told of those


def test_with_the_mail_server_down_alerts_stand_and_the_digests_wait_then_go_once(db, settings, people, caseload,
                                                                                  mail_port):
    down = scan.run_scan(db, settings, as_of=AS_OF)
    assert (down["new_alerts"], down["new_warnings"], down["emails_sent"]) == (3, 1, 0)
    with db.reading() as s:
        assert s.scalar(select(func.count()).select_from(Alert)) == 4
        waiting = list(s.scalars(select(OutboxMail)))
        assert len(waiting) == 4
        assert all(m.sent_at is None and m.attempts == 1 and m.last_error for m in waiting)

    again = scan.run_scan(db, settings, as_of=AS_OF)  # still down: nothing new queued, one more attempt counted
    assert (again["new_alerts"], again["emails_sent"]) == (0, 0)
    with db.reading() as s:
        assert [m.attempts for m in s.scalars(select(OutboxMail))] == [2, 2, 2, 2]

    controller, inbox = start_server(mail_port)
    try:
        back = scan.run_scan(db, settings, as_of=AS_OF)
        assert (back["new_alerts"], back["new_warnings"], back["emails_sent"]) == (0, 0, 4)
        assert sorted(m["To"] for m in inbox.messages) == sorted(m.to_address for m in waiting)
        assert {m["Message-ID"] for m in inbox.messages} == {m.message_id for m in waiting}
        assert scan.run_scan(db, settings, as_of=AS_OF)["emails_sent"] == 0
        assert len(inbox.messages) == 4
    finally:
        controller.stop()
    with db.reading() as s:
        assert all(m.sent_at is not None and m.attempts == 3 and m.last_error is None
                   for m in s.scalars(select(OutboxMail)))


def _login(expected_password: bytes):
    def authenticator(server, session, envelope, mechanism, auth_data) -> AuthResult:
        ok = isinstance(auth_data, LoginPassword) and (auth_data.login, auth_data.password) == (b"alerts",
                                                                                                 expected_password)
        return AuthResult(success=ok, handled=False)

    return authenticator


@pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS")  # loopback only, no certificate
def test_the_service_signs_in_to_the_mail_server_when_configured(db, settings, people, caseload, mail_port):
    controller, inbox = start_server(mail_port, authenticator=_login(b"correct horse"), auth_require_tls=False,
                                     auth_required=True)
    try:
        settings["mail"].update(username="alerts", password="wrong")
        assert scan.run_scan(db, settings, as_of=AS_OF)["emails_sent"] == 0
        with db.reading() as s:
            assert all("Authentication" in (m.last_error or "") for m in s.scalars(select(OutboxMail)))
        settings["mail"]["password"] = "correct horse"
        assert scan.run_scan(db, settings, as_of=AS_OF)["emails_sent"] == 4
        assert len(inbox.messages) == 4
    finally:
        controller.stop()


def test_someone_given_an_address_later_hears_of_what_is_late_now_not_of_resolved_breaches(db, settings, people,
                                                                                          caseload, smtp):
    assert scan.run_scan(db, settings, as_of=AS_OF)["emails_sent"] == 4
    owned = caseload["owned"]
    with db.reading() as s:
        psychology = s.scalar(select(AdviceRequest.id).where(AdviceRequest.advice_type == "psychological"))
    ops.record_advice(db, owned.id, actor=None, on=D(2024, 12, 2), advice_request_id=psychology)  # late, but in
    with db.transaction() as s:
        s.get(User, people["manager_without_email"].id).email = "deputy@example.gov.uk"

    assert scan.run_scan(db, settings, as_of=D(2024, 12, 3))["emails_sent"] == 1
    [deputy] = smtp.to("deputy@example.gov.uk")
    assert deputy["Subject"] == "2 overdue: EHCP deadlines (Demo Borough Council)"
    assert "psychological" not in deputy.get_content() and "health advice" in deputy.get_content()
    assert len(smtp.to("manager@example.gov.uk")) == 1  # nothing new for those already told
