"""The family record, the communication log, corrections and exceptions on the case page, in Chromium: a
parent's contact added and changed with a reason; a call logged; a wrong date corrected and shown; an excused
deadline shown as such. Axe checks every page visited; screenshots go to the folder the README names."""

from __future__ import annotations

import datetime as dt
import re

from playwright.sync_api import Page, expect
from sqlalchemy import select

from casework.models import Contact
from tests.browser.conftest import check_page, sign_in
from tests.browser.test_journeys import (
    PASSWORD,
    deadline_statuses,
    error_summary,
    fill_day,
    follow,
    history,
    long_date,
    press,
    success_banner,
)


def test_a_parents_contact_is_added_then_changed_with_a_reason(page: Page, live_server, make_user, db,
                                                               new_case) -> None:
    today = dt.date.today()
    case = new_case(today - dt.timedelta(days=20))
    make_user("caseworker", username="sam.caseworker", password=PASSWORD)
    sign_in(page, "sam.caseworker", PASSWORD)
    page.goto(f"/cases/{case.id}")
    check_page(page, "family-case-page-no-contacts")
    follow(page, "Add a contact")
    page.get_by_label("Name", exact=True).fill("Grace Example")
    page.get_by_label("Relationship to the child").fill("Mother")
    page.get_by_role("group", name="Do they have parental responsibility?").get_by_label("Yes").check()
    page.get_by_label("How do they prefer to be reached?").select_option(label="Email")
    page.get_by_label("Address", exact=True).fill("1 Mill Lane, Northbridge")
    assert press(page, "Save the contact").status == 422  # no reason, and email preferred with no address
    assert error_summary(page) == ["Enter why the details are changing"]
    check_page(page, "family-contact-refused")
    page.get_by_label("Why is this changing?").fill("Given on the request form")
    assert press(page, "Save the contact").status == 422
    assert error_summary(page)[0].startswith("Grace Example prefers to be reached by email, but has no email address")
    page.get_by_label("Email address").fill("grace@example.org")
    assert press(page, "Save the contact").status == 200
    assert "Grace Example: added" in success_banner(page)
    card = page.locator(".govuk-summary-card", has_text="Grace Example (Mother)")
    expect(card).to_contain_text("1 Mill Lane, Northbridge")
    check_page(page, "family-case-page-with-contact")

    follow(page, "Change Grace Example's details")
    page.get_by_label("Address", exact=True).fill("7 Station Road, Northbridge")
    page.get_by_label("Why is this changing?").fill("She phoned: the family has moved")
    check_page(page, "family-contact-change")
    assert press(page, "Save the contact").status == 200
    expect(card).to_contain_text("7 Station Road, Northbridge")
    page.get_by_label("Show", exact=True).select_option(label="Changes to the family's details")
    press(page, "Show")
    expect(page.locator("ol.app-timeline")).to_contain_text(
        "Address: 1 Mill Lane, Northbridge changed to 7 Station Road, Northbridge")
    expect(page.locator("ol.app-timeline")).to_contain_text("Why: She phoned: the family has moved")
    assert history(page) == ["Contact's details changed: Grace Example", "Contact added: Grace Example"]
    check_page(page, "family-timeline-family-changes")
    with db.reading() as session:
        assert session.scalars(select(Contact.address)).one() == "7 Station Road, Northbridge"


def test_a_call_is_logged_and_a_wrong_date_corrected_and_shown(page: Page, live_server, make_user, db,
                                                              new_case) -> None:
    today = dt.date.today()
    received = today - dt.timedelta(days=20)
    case = new_case(received)
    make_user("caseworker", username="sam.caseworker", password=PASSWORD)
    sign_in(page, "sam.caseworker", PASSWORD)
    page.goto(f"/cases/{case.id}")
    follow(page, "Log a call, email, letter or meeting")
    called = received + dt.timedelta(days=3)
    fill_day(page, "Date of the contact", called)
    page.get_by_role("group", name="Direction").get_by_label("From the family or a professional to the council").check()
    page.get_by_label("Means of contact").select_option(label="Phone call")
    page.get_by_label("Who it was with").fill("Grace Example (mother)")
    page.get_by_label("Summary").fill("Asked when the decision is due")
    check_page(page, "family-log-a-call")
    assert press(page, "Log the contact").status == 200
    assert success_banner(page) == f"Success Contact logged: recorded on {case.reference}."
    log = page.get_by_role("table", name="The communication log, newest first")
    expect(log).to_contain_text(long_date(called))
    expect(log).to_contain_text("Asked when the decision is due")
    check_page(page, "family-case-page-with-call")

    page.get_by_label("Show", exact=True).select_option(label="Calls, emails, letters and meetings")
    press(page, "Show")
    assert history(page) == ["Contact logged"]
    link = page.get_by_role("link", name=re.compile(rf"^Correct this entry\s*: Contact logged on {long_date(called)}$"))
    with page.expect_navigation():
        link.click()
    right = called + dt.timedelta(days=1)
    fill_day(page, "The right date", right)
    page.get_by_label("Means of contact").select_option(label="Meeting")
    page.get_by_label("Why is it being corrected?").fill("It was a meeting at school, the day after")
    check_page(page, "family-correct-the-call")
    assert press(page, "Correct the entry").status == 200
    expect(log).to_contain_text(long_date(right))
    expect(log).to_contain_text("Meeting")
    page.get_by_label("Show", exact=True).select_option(label="Corrections")
    press(page, "Show")
    timeline = page.locator("ol.app-timeline")
    expect(timeline).to_contain_text(f"Date: {long_date(called)} changed to {long_date(right)}")
    expect(timeline).to_contain_text("Means of contact: Phone call changed to Meeting")
    expect(timeline).to_contain_text("Why: It was a meeting at school, the day after")
    check_page(page, "family-timeline-corrections")


def test_an_excused_deadline_is_shown_as_such_with_what_the_exception_covers(page: Page, live_server, make_user,
                                                                            db, new_case) -> None:
    today = dt.date.today()
    received = today - dt.timedelta(days=70)  # the 6-week decision is 4 weeks late
    case = new_case(received)
    make_user("caseworker", username="sam.caseworker", password=PASSWORD)
    sign_in(page, "sam.caseworker", PASSWORD)
    page.goto(f"/cases/{case.id}")
    assert deadline_statuses(page)["R1.1"] == "Overdue"
    follow(page, "Record an exception to a time limit")
    expect(page.get_by_label("Reason")).not_to_contain_text("Coronavirus")
    recorded = today - dt.timedelta(days=2)
    fill_day(page, "Date recorded", recorded)
    page.get_by_label("Reason").select_option(label="Exceptional personal circumstances")
    page.get_by_label("Decision whether to assess", exact=False).check()
    fill_day(page, "Start date", received + dt.timedelta(days=7))
    fill_day(page, "End date", received + dt.timedelta(days=50))
    fill_day(page, "Date the family was told", recorded)
    page.get_by_label("Evidence").fill("Letter from the family's GP")
    check_page(page, "family-record-exception")
    assert press(page, "Record exception").status == 200
    assert deadline_statuses(page)["R1.1"] == "Late: exception applies"
    card = page.locator(".govuk-summary-card", has_text="Exceptional personal circumstances")
    expect(card).to_contain_text("Decision whether to assess")
    expect(card).to_contain_text("Letter from the family's GP")
    expect(card).to_contain_text(f"Family told {long_date(recorded)}")
    check_page(page, "family-case-page-excused-deadline")

    page.goto("/cases?due=excused&mine=no")
    expect(page.get_by_role("link", name=case.reference)).to_be_visible()
    check_page(page, "family-caseload-late-exception-applies")
    page.goto("/cases?due=overdue&mine=no")
    expect(page.get_by_role("link", name=case.reference)).to_have_count(0)

    page.goto(f"/cases/{case.id}")
    withdraw = page.get_by_role("link", name=re.compile(
        rf"^Withdraw\s*the exception: Exceptional personal circumstances, recorded {long_date(recorded)}$"))
    with page.expect_navigation():
        withdraw.click()
    fill_day(page, "Date withdrawn", today)
    page.get_by_label("Why is it withdrawn?").fill("The GP letter was about another child")
    assert press(page, "Withdraw the exception").status == 200
    assert deadline_statuses(page)["R1.1"] == "Overdue"
    expect(card).to_contain_text("The GP letter was about another child")
    check_page(page, "family-case-page-exception-withdrawn")
