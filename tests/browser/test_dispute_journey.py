"""A caseworker records the family's mediation certificate and then their appeal, from the case page; the
appeal's refusal without a certificate is shown first. Axe checks every page visited."""

from __future__ import annotations

import datetime as dt

from playwright.sync_api import Page, expect

from casework import operations
from tests.browser.conftest import check_page, sign_in
from tests.browser.test_journeys import PASSWORD, error_summary, fill_date, follow, press, success_banner
from tests.disputes.conftest import start

D = dt.date


def test_a_certificate_then_an_appeal_are_recorded_from_the_case_page(page: Page, live_server, make_user, db,
                                                                      new_case) -> None:
    case = new_case(D(2025, 1, 6), given_name="Leo", family_name="Marsh")
    operations.refuse_to_assess(db, case.id, actor=None, on=D(2025, 2, 3), reason="Needs met by the school.")
    start(db, case.id, "refuse_to_assess", D(2025, 2, 3))
    make_user("caseworker", username="sam.caseworker", password=PASSWORD)

    sign_in(page, "sam.caseworker", PASSWORD)
    page.goto(f"/cases/{case.id}")
    expect(page.get_by_role("heading", name="Mediation and appeals")).to_be_visible()
    check_page(page, "caseworker-case-with-appeal-rights")

    follow(page, "Register an appeal")
    expect(page.get_by_role("heading", level=1)).to_have_text("Register an appeal")
    fill_date(page, "Date the appeal was registered", 3, 3, 2025)
    page.get_by_label("Decision disputed").select_option(index=1)
    page.get_by_label("Tribunal reference").fill("EH/BROWSER/1")
    page.get_by_label("Refusal to assess").check()
    answer = press(page, "Record appeal")
    assert answer.status == 422
    assert any("mediation certificate" in line for line in error_summary(page))
    check_page(page, "caseworker-appeal-needs-certificate")

    page.goto(f"/cases/{case.id}")
    follow(page, "Issue the mediation certificate")
    fill_date(page, "Date the certificate was issued", 24, 2, 2025)
    page.get_by_label("Decision disputed").select_option(index=1)
    check_page(page, "caseworker-mediation-certificate")
    answer = press(page, "Record certificate")
    assert answer.status == 200 and page.url.endswith(f"/cases/{case.id}#disputes")
    assert success_banner(page).startswith("Success Mediation certificate issued: recorded on")
    check_page(page, "caseworker-case-after-certificate")

    follow(page, "Register an appeal")
    fill_date(page, "Date the appeal was registered", 3, 3, 2025)
    page.get_by_label("Decision disputed").select_option(index=1)
    page.get_by_label("Tribunal reference").fill("EH/BROWSER/1")
    page.get_by_label("Refusal to assess").check()
    answer = press(page, "Record appeal")
    assert answer.status == 200
    assert success_banner(page).startswith("Success Appeal registered: recorded on")
    expect(page.locator("ol.app-timeline > li").first).to_contain_text("Appeal registered")
    check_page(page, "caseworker-case-after-appeal")
