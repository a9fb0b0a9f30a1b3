"""A caseworker takes on a plan from another authority from the new request page: a plan dated after the
transfer is refused first, then the plan is taken on and the case page shows the notice owed to the family.
Axe checks every page visited."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from tests.browser.conftest import check_page, sign_in
from tests.browser.test_journeys import PASSWORD, error_summary, fill_date, follow, press, success_banner


def test_a_plan_is_taken_on_from_another_authority(page: Page, live_server, make_user) -> None:
    make_user("caseworker", username="tam.caseworker", password=PASSWORD)
    sign_in(page, "tam.caseworker", PASSWORD)
    page.goto("/cases/new")
    follow(page, "Record a plan transferred in")
    expect(page.get_by_role("heading", level=1)).to_have_text("Take on a plan from another authority")
    check_page(page, "caseworker-transfer-in")

    page.get_by_label("Child's given name").fill("Maja")
    page.get_by_label("Child's family name").fill("Kowalska")
    fill_date(page, "Date of birth", 4, 5, 2015)
    page.get_by_label("Authority the plan comes from").fill("Southshire County Council")
    fill_date(page, "Date the plan transferred", 3, 3, 2025)
    fill_date(page, "Date the plan was made", 4, 3, 2025)
    answer = press(page, "Take on the plan")
    assert answer.status == 422
    assert error_summary(page) == ["The plan must have been made on or before the day it transferred."]
    check_page(page, "caseworker-transfer-in-refused")

    fill_date(page, "Date the plan was made", 20, 1, 2025)
    answer = press(page, "Take on the plan")
    assert answer.status == 200
    # Transferred Monday 3 March 2025: the family is told by 14 April 2025 (+ 6 weeks).
    assert success_banner(page).startswith("Success Plan taken on as")
    assert "14 April 2025" in success_banner(page)
    check_page(page, "caseworker-case-transferred-in")
