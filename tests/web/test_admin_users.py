"""The administrator's user pages: list, change, disable and enable, set a password, one-time links, tokens."""

from __future__ import annotations

import re

import pytest
from freezegun import freeze_time
from sqlalchemy import func, select

from casework import accounts
from casework.models import AuditEntry, User
from tests.web.conftest import PASSWORD, Browser, csrf_token, error_summary

LINK = re.compile(r'<code class="app-password-link">https?://[^/]+(/set-password/[^<]+)</code>')


def _user(db, username: str) -> User:
    with db.reading() as session:
        return session.scalars(select(User).where(User.username == username)).one()


@pytest.mark.parametrize("role", ["caseworker", "adviser", "manager", "admin"])
def test_only_an_administrator_opens_the_user_pages(role, browser_for, make_user):
    other = make_user("caseworker", username="target", password=PASSWORD)
    browser = browser_for(role)
    for path in ("/admin/users", f"/admin/users/{other.id}", f"/admin/users/{other.id}/password"):
        assert browser.client.get(path).status_code == (200 if role == "admin" else 403), path
    if role != "admin":  # a post from another role is refused before anything is read
        page = browser.client.get("/cases" if role != "adviser" else "/advice")
        answer = browser.client.post(f"/admin/users/{other.id}/disable", data={"csrf_token": csrf_token(page.text)})
        assert answer.status_code == 403


def test_the_list_links_each_user_and_says_who_is_disabled(browser_for, make_user, db):
    make_user("caseworker", username="leaver", password=PASSWORD)
    accounts.disable_user(db, "leaver")
    page = browser_for("admin").client.get("/admin/users")
    row = re.search(r'<tr class="govuk-table__row">\s*<td class="govuk-table__cell"><a[^>]*>leaver</a>.*?</tr>',
                    page.text, re.S)
    assert row and "Disabled" in row.group(0)


def test_disabling_a_leaver_ends_their_sessions_and_refuses_their_token(app, browser_for, db, auth_header):
    leaver = browser_for("caseworker", username="leaver")
    header = auth_header(leaver.user)
    assert app.test_client().get("/api/v1/cases", headers=header).status_code == 200
    admin = browser_for("admin")
    page = admin.client.get(f"/admin/users/{leaver.user.id}")
    answer = admin.client.post(f"/admin/users/{leaver.user.id}/disable", data={"csrf_token": csrf_token(page.text)})
    assert answer.status_code == 302
    assert "is disabled" in admin.client.get(answer.headers["Location"]).text
    assert leaver.client.get("/cases").status_code == 302
    refused = app.test_client().get("/api/v1/cases", headers=header)
    assert refused.status_code == 401 and refused.json["error"]["code"] == "bad_token"
    assert Browser(app.test_client()).sign_in("leaver").status_code == 422
    with db.reading() as session:
        assert session.scalar(select(func.count(AuditEntry.id)).where(AuditEntry.event == "user_disabled",
                                                                     AuditEntry.actor == admin.user.username)) == 1


def test_an_administrator_cannot_disable_themselves(browser_for):
    admin = browser_for("admin")
    page = admin.client.get(f"/admin/users/{admin.user.id}")
    answer = admin.client.post(f"/admin/users/{admin.user.id}/disable", data={"csrf_token": csrf_token(page.text)},
                               follow_redirects=True)
    assert "You cannot disable your own account" in answer.text
    assert admin.client.get("/admin/users").status_code == 200


def test_changing_a_user_validates_the_email_and_the_organisation(browser_for, make_user, db):
    user = make_user("caseworker", username="cw", password=PASSWORD)
    admin = browser_for("admin")
    bad = admin.submit(f"/admin/users/{user.id}", {"role": "caseworker", "organisation": "", "email": "not an email"})
    assert bad.status_code == 422
    assert "Enter an email address in the correct format" in " ".join(error_summary(bad.text))
    unknown = admin.submit(f"/admin/users/{user.id}", {"role": "adviser", "organisation": "Nowhere Trust",
                                                        "email": ""})
    assert unknown.status_code == 422
    assert _user(db, "cw").role == "caseworker"  # nothing half-written
    good = admin.submit(f"/admin/users/{user.id}", {"role": "adviser",
                                                     "organisation": "Northbridge NHS Foundation Trust",
                                                     "email": "cw@example.gov.uk"})
    assert good.status_code == 302
    changed = _user(db, "cw")
    assert (changed.role, changed.organisation.name, changed.email) == (
        "adviser", "Northbridge NHS Foundation Trust", "cw@example.gov.uk")


def test_setting_a_password_on_the_page_applies_the_rules_and_ends_sessions(app, browser_for, db):
    target = browser_for("caseworker", username="forgetful")
    admin = browser_for("admin")
    weak = admin.submit(f"/admin/users/{target.user.id}/password", {"password": "password1234",
                                                                     "confirm": "password1234"})
    assert weak.status_code == 422
    assert "commonly used" in " ".join(error_summary(weak.text))
    mismatch = admin.submit(f"/admin/users/{target.user.id}/password", {"password": "tidal-ochre-lantern",
                                                                         "confirm": "tidal-ochre-lanterns"})
    assert "Enter the same password twice" in " ".join(error_summary(mismatch.text))
    assert target.client.get("/cases").status_code == 200  # nothing changed yet
    done = admin.submit(f"/admin/users/{target.user.id}/password", {"password": "tidal-ochre-lantern",
                                                                     "confirm": "tidal-ochre-lantern"})
    assert done.status_code == 302
    assert target.client.get("/cases").status_code == 302
    assert Browser(app.test_client()).sign_in("forgetful", "tidal-ochre-lantern").status_code == 302


def test_a_user_added_without_a_password_sets_one_through_a_link_that_works_once(app, browser_for, db):
    with freeze_time("2026-03-02 09:00:00"):
        admin = browser_for("admin")
        added = admin.submit("/admin/users/new", {"username": "newstarter", "role": "caseworker", "organisation": "",
                                                  "email": "", "password": ""})
        assert added.status_code == 200, added.text
        link = LINK.search(added.text).group(1)
    assert Browser(app.test_client()).sign_in("newstarter", "").status_code == 422  # no password yet
    newcomer = Browser(app.test_client())
    with freeze_time("2026-03-04 08:59:00"):  # 72 hours, less a minute
        weak = newcomer.submit(link, {"password": "            ", "confirm": "            "})
        assert weak.status_code == 422
        set_ = newcomer.submit(link, {"password": "marble-kettle-sunrise", "confirm": "marble-kettle-sunrise"})
        assert set_.status_code == 302 and "password_set" in set_.headers["Location"]
        assert newcomer.client.get(link).status_code == 404  # used
        assert Browser(app.test_client()).sign_in("newstarter", "marble-kettle-sunrise").status_code == 302


def test_a_link_expires_after_password_link_hours(app, browser_for, make_user):
    make_user("caseworker", username="slow")
    with freeze_time("2026-03-02 09:00:00"):
        admin = browser_for("admin")
        user_page = admin.client.get("/admin/users")
        slow_id = re.search(r'href="/admin/users/(\d+)">slow<', user_page.text).group(1)
        page = admin.client.get(f"/admin/users/{slow_id}")
        made = admin.client.post(f"/admin/users/{slow_id}/password-link", data={"csrf_token": csrf_token(page.text)})
        link = LINK.search(made.text).group(1)
    with freeze_time("2026-03-05 09:00:00"):  # exactly 72 hours later
        answer = Browser(app.test_client()).client.get(link)
        assert answer.status_code == 404 and "This link has expired" in answer.text


def test_a_newer_link_stops_the_earlier_one(app, db, make_user):
    make_user("caseworker", username="twice")
    first = accounts.create_password_link(db, "twice", 72)
    second = accounts.create_password_link(db, "twice", 72)
    assert accounts.user_for_password_link(db, first) is None
    assert accounts.user_for_password_link(db, second).username == "twice"


def test_tokens_are_listed_and_revoked_on_the_page(app, browser_for, make_user, db, auth_header):
    user = make_user("caseworker", username="robot", password=PASSWORD)
    header = auth_header(user)
    kept = auth_header(user)
    admin = browser_for("admin")
    page = admin.client.get(f"/admin/users/{user.id}")
    ids = re.findall(rf'/admin/users/{user.id}/tokens/(\d+)/revoke', page.text)
    assert len(ids) == 2
    answer = admin.client.post(f"/admin/users/{user.id}/tokens/{ids[0]}/revoke",
                               data={"csrf_token": csrf_token(page.text)})
    assert answer.status_code == 302
    client = app.test_client()
    assert client.get("/api/v1/cases", headers=header).status_code == 401
    assert client.get("/api/v1/cases", headers=kept).status_code == 200
    # Another user's token id under this user's page is not found, and nothing is revoked.
    other = make_user("caseworker", username="other", password=PASSWORD)
    other_header = auth_header(other)
    with db.reading() as session:
        other_token = accounts.list_tokens(session, "other")[0].id
    wrong = admin.client.post(f"/admin/users/{user.id}/tokens/{other_token}/revoke",
                              data={"csrf_token": csrf_token(page.text)})
    assert wrong.status_code == 404
    assert client.get("/api/v1/cases", headers=other_header).status_code == 200


def test_an_expired_link_page_is_the_same_for_a_made_up_key(client):
    assert client.get("/set-password/" + "x" * 43).status_code == 404
    assert client.get("/set-password/" + "x" * 500).status_code == 404
