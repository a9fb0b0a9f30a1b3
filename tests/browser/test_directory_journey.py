"""Request advice chooses from the directory: a mistyped organisation is refused with the name it was probably
meant to be, then the right one is chosen from the autocomplete. Axe checks every page visited."""

from __future__ import annotations

import datetime as dt

from playwright.sync_api import Page, expect
from sqlalchemy import func, select

from casework import operations
from casework.models import AdviceRequest, Organisation
from tests.browser.conftest import check_page, sign_in
from tests.browser.test_journeys import PASSWORD, error_summary, fill_day, follow, press, success_banner
from tests.support import TEST_DIRECTORY


def test_a_mistyped_organisation_is_refused_with_a_suggestion_then_the_right_one_is_chosen(
        page: Page, live_server, make_user, db, new_case) -> None:
    today = dt.date.today()
    received = today - dt.timedelta(days=60)
    case = new_case(received)
    operations.agree_to_assess(db, case.id, actor=None, on=received + dt.timedelta(days=20))
    make_user("caseworker", username="sam.caseworker", password=PASSWORD)

    sign_in(page, "sam.caseworker", PASSWORD)
    page.goto(f"/cases/{case.id}")
    follow(page, "Request advice")
    organisation = page.get_by_role("combobox", name="Organisation asked")
    expect(organisation).to_be_visible()  # the list has become a box to type in
    check_page(page, "caseworker-request-advice-autocomplete")

    fill_day(page, "Date the request for advice was sent", received + dt.timedelta(days=21))
    page.get_by_label("Type of advice", exact=True).select_option(label="Health")
    organisation.fill("Northbrige NHS Trust")
    organisation.press("Escape")
    assert press(page, "Record request for advice").status == 422
    assert error_summary(page) == ["Northbrige NHS Trust is not in the directory of organisations. "
                                   "Did you mean Northbridge NHS Trust?"]
    expect(page.locator("#organisation-error")).to_contain_text("Did you mean Northbridge NHS Trust?")
    expect(page.get_by_role("combobox", name="Organisation asked")).to_have_value("Northbrige NHS Trust")
    check_page(page, "caseworker-request-advice-unknown-organisation")
    with db.reading() as session:
        assert session.scalar(select(func.count()).select_from(AdviceRequest)) == 0
        assert session.scalar(select(func.count()).select_from(Organisation)) == len(TEST_DIRECTORY)

    fill_day(page, "Date the request for advice was sent", received + dt.timedelta(days=21))
    organisation = page.get_by_role("combobox", name="Organisation asked")
    organisation.fill("")
    organisation.press_sequentially("Northbridge NHS T")
    page.get_by_role("option", name="Northbridge NHS Trust", exact=True).click()
    expect(organisation).to_have_value("Northbridge NHS Trust")
    answer = press(page, "Record request for advice")
    assert answer.status == 200 and page.url.endswith(f"/cases/{case.id}"), error_summary(page)
    assert success_banner(page) == f"Success Advice requested: recorded on {case.reference}."
    check_page(page, "caseworker-case-after-advice-from-the-directory")
    with db.reading() as session:
        asked = session.scalars(select(AdviceRequest)).one()
        assert asked.organisation.name == "Northbridge NHS Trust"
