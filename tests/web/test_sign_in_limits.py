"""The per-address limit on wrong sign-ins beside the per-account pause, and an administrator lifting a pause."""

from __future__ import annotations

import datetime as dt

from freezegun import freeze_time
from sqlalchemy import select

from casework import accounts
from casework.models import User
from tests.web.conftest import PASSWORD, Browser, csrf_token, error_summary


def _from(app, address: str) -> Browser:
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = address
    return Browser(client)


def test_one_address_guessing_many_accounts_is_stopped_without_pausing_them(app, make_user, settings):
    """With max_failed_logins_per_address 3, the 4th try from the address is refused unchecked; the accounts
    tried are not paused, and another address signs in as usual."""
    settings["web"]["max_failed_logins_per_address"] = 3
    for name in ("ann", "bob", "cat"):
        make_user("caseworker", username=name, password=PASSWORD)
    guesser = _from(app, "203.0.113.7")
    with freeze_time("2026-03-02 09:00:00") as frozen:
        for name in ("ann", "bob", "cat"):
            assert guesser.sign_in(name, "not-the-password").status_code == 422
        # Even the right password is not checked from this address now.
        refused = guesser.sign_in("ann", PASSWORD)
        assert refused.status_code == 422
        assert "too many wrong sign-ins from your network" in " ".join(error_summary(refused.text))
        assert _from(app, "198.51.100.2").sign_in("ann", PASSWORD).status_code == 302
        # The window is lockout_minutes (15): after it the address may try again.
        frozen.tick(dt.timedelta(minutes=16))
        assert guesser.sign_in("bob", PASSWORD).status_code == 302


def test_the_account_pause_still_applies_from_many_addresses(app, make_user, db, settings):
    make_user("caseworker", username="dee", password=PASSWORD)
    for n in range(settings["web"]["max_failed_logins"]):
        assert _from(app, f"192.0.2.{n + 1}").sign_in("dee", "wrong-password-here").status_code == 422
    paused = _from(app, "192.0.2.99").sign_in("dee", PASSWORD)
    assert "This account is paused" in " ".join(error_summary(paused.text))


def test_an_administrator_lifts_a_pause_on_the_page(app, make_user, browser_for, db, settings):
    make_user("caseworker", username="eve", password=PASSWORD)
    for _ in range(settings["web"]["max_failed_logins"]):
        _from(app, "192.0.2.50").sign_in("eve", "wrong-password-here")
    with db.reading() as session:
        eve = session.scalars(select(User).where(User.username == "eve")).one()
    assert accounts.is_paused(eve)
    admin = browser_for("admin")
    page = admin.client.get(f"/admin/users/{eve.id}")
    assert "Lift the pause on signing in" in page.text
    answer = admin.client.post(f"/admin/users/{eve.id}/unlock", data={"csrf_token": csrf_token(page.text)})
    assert answer.status_code == 302
    assert _from(app, "192.0.2.51").sign_in("eve", PASSWORD).status_code == 302
