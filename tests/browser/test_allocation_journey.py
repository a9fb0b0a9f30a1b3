"""A manager's morning: a request waiting in the intake queue is allocated to a caseworker, and the phase-transfer
cohort for 15 February is downloaded as CSV and read back. Axe checks every page visited."""

from __future__ import annotations

import csv
import datetime as dt

from playwright.sync_api import Page, expect

from casework import operations
from tests.browser.conftest import check_page, sign_in
from tests.browser.test_journeys import PASSWORD, follow, long_date, press, success_banner, table_rows
from tests.support import to_final_plan


def test_a_request_is_allocated_from_the_intake_queue(page: Page, live_server, make_user, db, new_case) -> None:
    today = dt.date.today()
    received = today - dt.timedelta(days=20)  # the 6-week decision is due 22 days from today
    waiting = new_case(received, given_name="Maya", family_name="Okafor")
    make_user("caseworker", username="sam.caseworker", password=PASSWORD)
    make_user("manager", username="morgan.manager", password=PASSWORD)

    sign_in(page, "morgan.manager", PASSWORD)
    follow(page, "Intake")
    expect(page.get_by_role("heading", level=1)).to_have_text("Intake: requests not yet allocated")
    [row] = table_rows(page.get_by_role("table", name="Requests waiting for a caseworker"))
    assert row[1:] == [waiting.reference, "Maya Okafor", long_date(received), "20 days",
                       f"{long_date(received + dt.timedelta(weeks=6))} 22 days left"]
    check_page(page, "manager-intake-queue")

    press(page, "Allocate")  # nothing ticked, nobody chosen: both said, nothing done
    messages = [t.strip() for t in page.locator(".govuk-error-summary__list li").all_text_contents()]
    assert messages == ["Select at least one case to allocate", "Select the caseworker to allocate the cases to"]
    check_page(page, "manager-intake-allocation-refused")

    page.get_by_label(f"Select {waiting.reference}").check()
    page.get_by_label("Allocate the selected cases to").select_option("sam.caseworker")
    answer = press(page, "Allocate")
    assert answer.status == 200 and page.url.endswith("/allocation/intake")
    assert success_banner(page) == "Success 1 case allocated to sam.caseworker."
    expect(page.get_by_text("Every request has a caseworker.")).to_be_visible()
    check_page(page, "manager-intake-after-allocation")

    follow(page, "Caseloads")
    rows = {r[0]: r[1:] for r in table_rows(page.get_by_role("table", name="Open cases by caseworker"))}
    assert rows["sam.caseworker"][0] == "1"
    check_page(page, "manager-caseloads-by-caseworker")

    page.goto(f"/cases/{waiting.id}")
    expect(page.locator("ol.app-timeline > li").first).to_contain_text("Case allocated")
    expect(page.locator("ol.app-timeline > li").first).to_contain_text("To sam.caseworker")
    check_page(page, "manager-case-allocated")


def test_a_phase_transfer_cohort_is_exported_as_csv_and_read_back(page: Page, live_server, make_user, db,
                                                                   new_case, tmp_path) -> None:
    today = dt.date.today()
    start = today - dt.timedelta(days=200)
    case = to_final_plan(db, new_case(start, given_name="Leo", family_name="Marsh").id, start)
    year = today.year + 1
    operations.set_phase_transfer(db, case.id, actor=None, on=today - dt.timedelta(days=5), transfer="school",
                                  year=year)
    other = to_final_plan(db, new_case(start, given_name="Ivy", family_name="Stone").id, start)
    operations.set_phase_transfer(db, other.id, actor=None, on=today - dt.timedelta(days=5), transfer="post16",
                                  year=year)
    make_user("manager", username="morgan.manager", password=PASSWORD)

    sign_in(page, "morgan.manager", PASSWORD)
    follow(page, "Reports")
    check_page(page, "manager-reports")
    follow(page, "Phase-transfer cohort")
    page.get_by_label("Year of transfer").fill(str(year))
    page.get_by_label("Amend the plan before").select_option(label="15 February (between school phases)")
    press(page, "Show the list")
    [row] = table_rows(page.get_by_role("table", name="Phase-transfer cohort"))
    assert row[0:2] == [case.reference, "Leo Marsh"] and row[5] == f"14 February {year}"
    check_page(page, "manager-phase-transfer-cohort")

    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download all 1 as CSV (Phase-transfer cohort)").click()
    download = download_info.value
    assert download.suggested_filename == f"phase-transfers-{today.isoformat()}.csv"
    saved = tmp_path / download.suggested_filename
    download.save_as(saved)
    with saved.open(newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert [(r["Reference"], r["Child"], r["Amend by"], r["Status"], r["Stage"]) for r in rows] == [
        (case.reference, "Leo Marsh", f"{year}-02-14", "Pending", "Plan maintained")]
