"""Server-side page tests: Flask's test client, real CSRF tokens taken from the rendered forms."""

from __future__ import annotations

import re
from typing import Any

import pytest

PASSWORD = "correct-horse-battery"
_CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
_VERSION = re.compile(r'name="version"[^>]*value="(\d+)"')
_SUMMARY = re.compile(r'govuk-error-summary__list">(.*?)</ul>', re.S)


def csrf_token(html: str) -> str:
    found = _CSRF.search(html)
    assert found, "the page has no CSRF token"
    return found.group(1)


def version_on(html: str) -> str:
    found = _VERSION.search(html)
    assert found, "the event form carries no case version"
    return found.group(1)


def error_summary(html: str) -> list[str]:
    """The texts of the GOV.UK error summary's items, without markup."""
    found = _SUMMARY.search(html)
    if not found:
        return []
    return [re.sub(r"<[^>]+>", "", item).strip().replace("&#39;", "'")
            for item in re.findall(r"<li>(.*?)</li>", found.group(1), re.S)]


def date_boxes(day: int | str, month: int | str, year: int | str) -> list[str]:
    """The three boxes of a GOV.UK date input share one name and are sent in page order."""
    return [str(day), str(month), str(year)]


class Browser:
    """A test client that signs in through the form and posts forms with the page's own CSRF token."""

    def __init__(self, client: Any) -> None:
        self.client = client

    def sign_in(self, username: str, password: str = PASSWORD):
        page = self.client.get("/sign-in")
        return self.client.post("/sign-in", data={"csrf_token": csrf_token(page.text), "username": username,
                                                  "password": password})

    def submit(self, url: str, data: dict[str, Any], *, form_page: str | None = None):
        """GET the form page, then POST the data with its token (and the case version when it has one)."""
        page = self.client.get(form_page or url)
        assert page.status_code == 200, f"{form_page or url} answered {page.status_code}"
        fields = {"csrf_token": csrf_token(page.text), **data}
        if "version" not in data and _VERSION.search(page.text):
            fields["version"] = version_on(page.text)
        return self.client.post(url, data=fields)


@pytest.fixture
def browser_for(app, make_user):
    """A signed-in client for a new user of the role (advisers belong to the organisation given)."""

    def _for(role: str, *, org: str | None = None, username: str | None = None) -> Browser:
        if role == "adviser" and org is None:
            org = "Northbridge NHS Foundation Trust"
        user = make_user(role, org=org, username=username, password=PASSWORD)
        browser = Browser(app.test_client())
        answer = browser.sign_in(user.username)
        assert answer.status_code == 302, answer.text
        browser.user = user
        return browser

    return _for
