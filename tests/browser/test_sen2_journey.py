"""The SEN2 return in a real browser: a caseworker records a case's details, a manager checks and downloads the
return; axe-core checks every page."""

from __future__ import annotations

import datetime as dt

from lxml import etree
from playwright.sync_api import Page, expect

from casework import operations
from casework.reporting.sen2 import xml
from tests.browser.conftest import check_page, sign_in
from tests.browser.test_journeys import PASSWORD, follow, press, success_banner


def test_a_caseworker_records_the_details_and_a_manager_downloads_the_return(page: Page, live_server, make_user,
                                                                             db, tmp_path) -> None:
    today = dt.date.today()
    received = today - dt.timedelta(days=180)
    final = received + dt.timedelta(weeks=20)  # on the last day of the 20 weeks
    case = operations.create_case(db, actor=None, given_name="Cara", family_name="Census",
                                  date_of_birth=dt.date(today.year - 10, 3, 9), received_on=received,
                                  requested_by="parent", primary_need="SLCN")
    for event, on in (("agree_to_assess", received + dt.timedelta(weeks=5)),
                      ("decide_to_issue", final - dt.timedelta(weeks=5)),
                      ("issue_draft", final - dt.timedelta(weeks=4)), ("issue_final", final)):
        operations.fire_event(db, case.id, event, actor=None, on=on)
    census_year = final.year + 1
    make_user("caseworker", username="carl.caseworker", password=PASSWORD)
    make_user("manager", username="mo.manager", password=PASSWORD)

    sign_in(page, "carl.caseworker", PASSWORD)
    page.goto(f"/cases/{case.id}")
    follow(page, f"Record SEN2 return details for {case.reference}")
    check_page(page, "sen2-details-form")
    page.get_by_label("Parent or person with parental responsibility").check()
    page.get_by_label("Placement named in the plan", exact=True).fill("100001")
    page.get_by_label("Placement attended", exact=True).fill("12")
    page.get_by_label("Primary need").select_option("SLCN")
    press(page, "Save SEN2 details")
    expect(page.get_by_role("alert")).to_contain_text("A school's unique reference number (URN) is 6 digits.")
    check_page(page, "sen2-details-refused")
    page.get_by_label("Placement attended", exact=True).fill("100001")
    press(page, "Save SEN2 details")
    assert "SEN2 details saved." in success_banner(page)
    check_page(page, "sen2-details-saved")
    page.get_by_role("button", name="Sign out").click()

    sign_in(page, "mo.manager", PASSWORD)
    follow(page, "SEN2 return")
    page.get_by_label("Census year").fill(str(census_year))
    press(page, "Check the return")
    expect(page.get_by_role("table", name="Cara Census")).to_be_visible()
    expect(page.get_by_text("Errors")).to_be_visible()
    check_page(page, "sen2-return-checked")
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download the return (XML)").click()
    saved = tmp_path / "sen2.xml"
    download_info.value.save_as(saved)
    document = saved.read_bytes()
    assert xml.schema_errors(document) == []
    person = etree.fromstring(document).find("Persons/Person")
    assert person.findtext("Forename") == "Cara"
    assert person.findtext("Requests/RequestSource") == "1"
    assert person.findtext("Requests/Assessment/NamedPlan/StartDate") == final.isoformat()
    assert person.findtext("ActivePlans/PlacementDetail/URN") == "100001"
