"""Sign-in, sessions, CSRF and who may open which page."""

from __future__ import annotations

import datetime as dt

import pytest
from freezegun import freeze_time
from sqlalchemy import func, select

from casework.models import AdviceRequest, AuditEntry, Case, User
from tests.web.conftest import PASSWORD, Browser, csrf_token, error_summary

PAGES_BY_ROLE = {
    # path: roles that may open it (everyone else: 403; nobody signed in: sent to sign in)
    "/cases": {"caseworker", "manager"},
    "/cases/new": {"caseworker", "manager"},
    "/cases/{case}": {"caseworker", "manager"},
    "/cases/{case}/events/agree_to_assess": {"caseworker", "manager"},
    "/advice": {"caseworker", "manager", "adviser"},
    "/advice/{advice}/return": {"caseworker", "manager", "adviser"},
    "/dashboard": {"manager"},
    "/dashboard/charts/open-cases.svg": {"manager"},
    "/dashboard/charts/monthly-2024.svg": {"manager"},
    "/admin/users": {"admin"},
    "/admin/users/new": {"admin"},
}


@pytest.fixture
def a_case(db, new_case):
    from casework import operations

    case = new_case(dt.date(2024, 9, 2))
    operations.agree_to_assess(db, case.id, actor=None, on=dt.date(2024, 9, 20))
    operations.request_advice(db, case.id, actor=None, on=dt.date(2024, 9, 23), advice_type="health",
                              organisation="Northbridge NHS Foundation Trust")
    with db.reading() as session:
        advice_id = session.scalar(select(AdviceRequest.id).where(AdviceRequest.case_id == case.id))
    # A fresh case still in request_received, for the agree_to_assess form.
    fresh = new_case(dt.date(2024, 10, 1))
    return {"case": fresh.id, "advice": advice_id}


@pytest.mark.parametrize("role", ["caseworker", "adviser", "manager", "admin"])
def test_every_page_checks_the_role(role, browser_for, a_case):
    browser = browser_for(role)
    for template, allowed in PAGES_BY_ROLE.items():
        path = template.format(**a_case)
        answer = browser.client.get(path)
        expected = 200 if role in allowed else 403
        assert answer.status_code == expected, f"{role} GET {path}: {answer.status_code}"


@pytest.mark.parametrize("path", [t for t in PAGES_BY_ROLE])
def test_nobody_signed_in_is_sent_to_sign_in(path, client, a_case):
    answer = client.get(path.format(**a_case))
    assert answer.status_code == 302
    assert answer.headers["Location"].startswith("/sign-in")


def test_every_form_post_without_a_csrf_token_is_refused(app, browser_for, a_case, db):
    """Every POST route outside the API, signed in as someone allowed to use it: 400 and nothing written."""
    routes = sorted({rule.rule for rule in app.url_map.iter_rules()
                     if "POST" in (rule.methods or set()) and not rule.rule.startswith("/api/")})
    assert {"/sign-in", "/sign-out", "/cases/new", "/cases/<id:case_id>/events/<event>",
            "/advice/<id:advice_request_id>/return", "/admin/users/new"} <= set(routes)
    caseworker, admin = browser_for("caseworker"), browser_for("admin")
    with db.reading() as session:
        before = (session.scalar(select(func.count(AuditEntry.id))), session.scalar(select(func.count(User.id))))
    for route in routes:
        path = (route.replace("<id:case_id>", str(a_case["case"])).replace("<event>", "agree_to_assess")
                .replace("<id:advice_request_id>", str(a_case["advice"])).replace("<id:entry_id>", "1")
                .replace("<id:organisation_id>", "1").replace("<id:alert_id>", "1"))
        who = admin if route.startswith("/admin") else caseworker
        answer = who.client.post(path, data={"on": ["1", "10", "2024"], "username": "intruder", "role": "admin",
                                             "password": "long-enough-password"})
        assert answer.status_code == 400, f"POST {path} without a token answered {answer.status_code}"
        assert "security token" in answer.text
    with db.reading() as session:
        after = (session.scalar(select(func.count(AuditEntry.id))), session.scalar(select(func.count(User.id))))
    assert after == before
    assert caseworker.client.get("/cases").status_code == 200, "a refused sign-out left the user signed in"


def test_session_cookie_is_secure_httponly_and_samesite(app, make_user):
    make_user("caseworker", username="casey", password=PASSWORD)
    browser = Browser(app.test_client())
    answer = browser.sign_in("casey")
    cookies = [value for name, value in answer.headers.items() if name == "Set-Cookie"]
    session_cookie = next(c for c in cookies if c.startswith("ehcp_session="))
    flags = {part.strip().split("=")[0].lower() for part in session_cookie.split(";")[1:]}
    assert {"secure", "httponly", "samesite"} <= flags
    assert "SameSite=Lax" in session_cookie


def test_pages_carry_a_content_security_policy_and_are_not_cached(browser_for):
    answer = browser_for("caseworker").client.get("/cases")
    assert "script-src 'self' 'nonce-" in answer.headers["Content-Security-Policy"]
    assert answer.headers["Cache-Control"] == "no-store"
    assert answer.headers["X-Frame-Options"] == "DENY"


def test_a_wrong_password_gives_the_same_message_as_an_unknown_user(app, make_user):
    make_user("caseworker", username="casey", password=PASSWORD)
    browser = Browser(app.test_client())
    wrong = browser.sign_in("casey", "not-the-password")
    unknown = browser.sign_in("nobody-here", "not-the-password")
    assert wrong.status_code == unknown.status_code == 422
    assert error_summary(wrong.text) == error_summary(unknown.text)
    assert "Enter a correct username and password" in error_summary(wrong.text)[0]
    assert browser.client.get("/cases").status_code == 302


def test_failed_sign_ins_pause_the_account_then_it_opens_again(app, make_user, settings):
    make_user("caseworker", username="casey", password=PASSWORD)
    limit = settings["web"]["max_failed_logins"]
    browser = Browser(app.test_client())
    with freeze_time("2026-03-02 09:00:00"):
        for _ in range(limit):
            assert browser.sign_in("casey", "wrong-password").status_code == 422
        paused = browser.sign_in("casey", PASSWORD)
        assert paused.status_code == 422
        assert "paused" in error_summary(paused.text)[0]
    with freeze_time(dt.datetime(2026, 3, 2, 9, 0) + dt.timedelta(minutes=settings["web"]["lockout_minutes"] + 1)):
        assert browser.sign_in("casey", PASSWORD).status_code == 302


def test_a_session_ends_after_the_idle_time(app, make_user, settings):
    make_user("caseworker", username="casey", password=PASSWORD)
    browser = Browser(app.test_client())
    idle = dt.timedelta(minutes=settings["web"]["session_idle_minutes"])
    start = dt.datetime(2026, 3, 2, 9, 0)
    with freeze_time(start):
        assert browser.sign_in("casey").status_code == 302
    with freeze_time(start + idle - dt.timedelta(minutes=1)):
        assert browser.client.get("/cases").status_code == 200  # activity renews the session
    with freeze_time(start + 2 * idle - dt.timedelta(minutes=2)):
        assert browser.client.get("/cases").status_code == 200
    with freeze_time(start + 3 * idle):
        answer = browser.client.get("/cases")
        assert answer.status_code == 302 and answer.headers["Location"].startswith("/sign-in")


def test_sign_out_ends_the_session(browser_for):
    browser = browser_for("caseworker")
    page = browser.client.get("/cases")
    answer = browser.client.post("/sign-out", data={"csrf_token": csrf_token(page.text)})
    assert answer.status_code == 302
    assert browser.client.get("/cases").status_code == 302


def test_sign_in_only_follows_links_within_the_service(app, make_user):
    make_user("caseworker", username="casey", password=PASSWORD)
    client = app.test_client()
    page = client.get("/sign-in?next=https://evil.example/")
    answer = client.post("/sign-in?next=https://evil.example/",
                         data={"csrf_token": csrf_token(page.text), "username": "casey", "password": PASSWORD})
    assert answer.headers["Location"] == "/cases"


def test_an_adviser_gets_404_for_another_organisations_advice(browser_for, db, new_case):
    from casework import operations

    case = new_case(dt.date(2024, 9, 2))
    operations.agree_to_assess(db, case.id, actor=None, on=dt.date(2024, 9, 20))
    operations.request_advice(db, case.id, actor=None, on=dt.date(2024, 9, 23), advice_type="health",
                              organisation="Southmoor Community Health")
    with db.reading() as session:
        theirs = session.scalar(select(AdviceRequest.id))
        assert session.scalar(select(func.count(Case.id))) == 1
    adviser = browser_for("adviser", org="Northbridge NHS Foundation Trust")
    assert adviser.client.get(f"/advice/{theirs}/return").status_code == 404
    assert adviser.client.get(f"/advice/{theirs + 1000}/return").status_code == 404
    assert "Southmoor" not in adviser.client.get("/advice").text
