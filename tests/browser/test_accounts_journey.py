"""An administrator disables a leaver: the leaver's open session and API token are refused at once, and a new
starter added without a password sets one through the one-time link. Axe checks every page visited."""

from __future__ import annotations

import urllib.error
import urllib.request

from playwright.sync_api import Page, expect

from casework import accounts
from tests.browser.conftest import check_page, sign_in
from tests.browser.test_journeys import PASSWORD, error_summary, follow, press, success_banner


def _api_status(base: str, token: str) -> int:
    request = urllib.request.Request(f"{base}/api/v1/cases", headers={"Authorization": f"Bearer {token}"})
    try:
        with urllib.request.urlopen(request, timeout=10) as answer:
            return answer.status
    except urllib.error.HTTPError as refused:
        return refused.code


def test_an_admin_disables_a_leaver_and_their_token_is_refused(page: Page, browser, live_server, make_user,
                                                                db, settings) -> None:
    make_user("admin", username="ada.admin", password=PASSWORD)
    make_user("caseworker", username="lee.leaver", password=PASSWORD)
    token = accounts.create_token(db, "lee.leaver")
    assert _api_status(live_server, token) == 200

    leaver = browser.new_context(base_url=live_server).new_page()
    sign_in(leaver, "lee.leaver", PASSWORD)
    expect(leaver.get_by_role("heading", level=1)).to_be_visible()
    assert "/cases" in leaver.url

    sign_in(page, "ada.admin", PASSWORD)
    follow(page, "Users")
    check_page(page, "admin-users")
    follow(page, "lee.leaver")
    check_page(page, "admin-user")
    expect(page.get_by_role("heading", name="API tokens")).to_be_visible()
    press(page, "Disable lee.leaver")
    assert success_banner(page).startswith("Success lee.leaver is disabled")
    expect(page.get_by_role("button", name="Enable lee.leaver")).to_be_visible()
    check_page(page, "admin-user-disabled")

    assert _api_status(live_server, token) == 401
    leaver.reload()
    assert "/sign-in" in leaver.url  # the session that was open has ended
    leaver.context.close()

    # A new starter without a password: the link is shown, works once and lets them sign in.
    follow(page, "Back to users")
    press(page, "Add a user")
    page.get_by_label("Username", exact=True).fill("nia.new")
    page.get_by_label("Caseworker", exact=True).check()
    page.get_by_label("Email address", exact=True).fill("not-an-address")
    press(page, "Add user")
    assert error_summary(page) == ["Enter an email address in the correct format, like name@example.gov.uk."]
    check_page(page, "admin-new-user-bad-email")
    page.get_by_label("Email address", exact=True).fill("")
    press(page, "Add user")
    shown = page.locator("code.app-password-link").inner_text()
    check_page(page, "admin-password-link")
    base_url = settings["service"]["base_url"]
    assert shown.startswith(f"{base_url}/set-password/")  # the address people use, as in alert emails
    link = shown.removeprefix(base_url)

    newcomer = browser.new_context(base_url=live_server).new_page()
    newcomer.goto(link)
    newcomer.get_by_label("New password", exact=True).fill("password1234")
    newcomer.get_by_label("Confirm the password", exact=True).fill("password1234")
    press(newcomer, "Set password")
    assert "commonly used" in " ".join(error_summary(newcomer))
    check_page(newcomer, "set-password-refused")
    newcomer.get_by_label("New password", exact=True).fill("marble-kettle-sunrise")
    newcomer.get_by_label("Confirm the password", exact=True).fill("marble-kettle-sunrise")
    press(newcomer, "Set password")
    assert success_banner(newcomer) == "Success Your password is set. Sign in with it now."
    sign_in(newcomer, "nia.new", "marble-kettle-sunrise")
    assert "/cases" in newcomer.url
    newcomer.goto(link)
    expect(newcomer.get_by_role("heading", name="This link has expired")).to_be_visible()
    check_page(newcomer, "set-password-link-used")
    newcomer.context.close()
