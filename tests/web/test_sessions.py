"""Sessions end on the server: a copy of the cookie is refused after sign-out, disabling and a password change,
and every session ends after the absolute lifetime and after the idle time."""

from __future__ import annotations

import datetime as dt

from freezegun import freeze_time
from sqlalchemy import select

from casework import accounts
from casework.models import UserSession
from tests.web.conftest import PASSWORD, Browser, csrf_token

COOKIE = "ehcp_session"


def _copy_cookie(app, browser: Browser):
    """A second client holding the same session cookie, as a thief who copied it would."""
    value = browser.client.get_cookie(COOKIE).value
    thief = app.test_client()
    thief.set_cookie(COOKIE, value)
    return thief


def _sign_out(browser: Browser) -> None:
    page = browser.client.get("/cases")
    answer = browser.client.post("/sign-out", data={"csrf_token": csrf_token(page.text)})
    assert answer.status_code == 302


def test_a_copied_cookie_is_refused_after_sign_out(app, browser_for, db):
    browser = browser_for("caseworker")
    thief = _copy_cookie(app, browser)
    assert thief.get("/cases").status_code == 200  # the copy works while the session stands
    form = thief.get("/cases/new")
    token = csrf_token(form.text)
    _sign_out(browser)
    answer = thief.get("/cases")
    assert answer.status_code == 302 and answer.headers["Location"].startswith("/sign-in")
    posted = thief.post("/cases/new", data={"csrf_token": token, "given_name": "Eve"})
    assert posted.status_code in (302, 400)
    assert posted.status_code == 400 or posted.headers["Location"].startswith("/sign-in")
    with db.reading() as session:
        ended = session.scalars(select(UserSession).where(UserSession.user_id == browser.user.id)).one()
    assert ended.ended_reason == "signed_out" and ended.ended_at is not None


def test_a_copied_cookie_is_refused_once_the_user_is_disabled(app, browser_for, db):
    browser = browser_for("caseworker")
    thief = _copy_cookie(app, browser)
    accounts.disable_user(db, browser.user.username)
    for client in (browser.client, thief):
        answer = client.get("/cases")
        assert answer.status_code == 302 and answer.headers["Location"].startswith("/sign-in")
    # Enabling them again does not bring the old session back: they sign in afresh.
    accounts.enable_user(db, browser.user.username)
    assert thief.get("/cases").status_code == 302


def test_a_copied_cookie_is_refused_after_a_password_change(app, browser_for, db):
    browser = browser_for("manager")
    thief = _copy_cookie(app, browser)
    accounts.set_password(db, browser.user.username, "a-completely-new-passphrase")
    assert thief.get("/dashboard").status_code == 302
    assert browser.client.get("/dashboard").status_code == 302
    again = Browser(app.test_client())
    assert again.sign_in(browser.user.username, "a-completely-new-passphrase").status_code == 302
    assert again.client.get("/dashboard").status_code == 200


def test_a_session_ends_after_its_absolute_lifetime_however_busy(app, make_user, settings):
    """[web] session_max_hours = 12 by default: used every 20 minutes from 08:00, it ends at 20:00."""
    assert settings["web"]["session_max_hours"] == 12
    make_user("caseworker", username="busy", password=PASSWORD)
    with freeze_time("2026-03-02 08:00:00") as frozen:
        browser = Browser(app.test_client())
        assert browser.sign_in("busy").status_code == 302
        moments = 0
        while True:
            frozen.tick(dt.timedelta(minutes=20))
            moments += 1
            now = dt.datetime(2026, 3, 2, 8, 0) + dt.timedelta(minutes=20 * moments)
            answer = browser.client.get("/cases")
            if now < dt.datetime(2026, 3, 2, 20, 0):
                assert answer.status_code == 200, f"refused at {now}"
            else:
                assert answer.status_code == 302, f"still open at {now}"
                break
    assert moments == 36  # 12 hours of 20-minute steps


def test_a_session_left_idle_ends_on_the_server(app, make_user, db):
    """30 idle minutes: the session's key replayed after 31 minutes in a freshly signed cookie is refused, so
    idle expiry does not rest on the cookie's own timestamp alone."""
    make_user("caseworker", username="idle", password=PASSWORD)
    with freeze_time("2026-03-02 09:00:00") as frozen:
        browser = Browser(app.test_client())
        browser.sign_in("idle")
        frozen.tick(dt.timedelta(minutes=29))
        assert browser.client.get("/cases").status_code == 200
        with browser.client.session_transaction() as cookie:
            stolen = dict(cookie)
        frozen.tick(dt.timedelta(minutes=31))
        replay = app.test_client()
        with replay.session_transaction() as cookie:
            cookie.update(stolen)
        assert replay.get("/cases").status_code == 302
    with db.reading() as session:
        record = session.scalars(select(UserSession)).one()
    assert record.ended_reason == "idle"


def test_a_forged_session_key_opens_nothing(app, browser_for):
    """A cookie signed with the right key but naming no session (or another's user id) is refused."""
    browser = browser_for("caseworker")
    with browser.client.session_transaction() as cookie:
        cookie["sid"] = "made-up"
    assert browser.client.get("/cases").status_code == 302
