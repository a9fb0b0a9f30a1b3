"""Whole journeys through the pages in a real browser, one per kind of user, as a council officer would click.

Every page visited is screenshotted and checked with axe-core at WCAG 2.2 AA (check_page). Forms are filled by
their labels and sent with their buttons, so a label or button that changes, or a page that needs JavaScript
to work, fails here. Dates are counted back from today, because the service refuses dates in the future and
the browser's service runs on the real clock.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from playwright.sync_api import Locator, Page, Response, expect
from sqlalchemy import select

from casework import operations
from casework.core.clock import written
from casework.models import AdviceRequest, Case, Deadline
from casework.models.subject import ADVICE_REQUEST
from tests.browser.conftest import browser_errors, check_page, screenshot, sign_in, watch_errors

PASSWORD = "correct-horse-battery-staple"
NORTHBRIDGE = "Northbridge NHS Trust"
SOUTHMOOR = "Southmoor Community Health"


# --------------------------------------------------------------------------------------------------- helpers

def long_date(day: dt.date) -> str:
    """Dates as the pages write them (GOV.UK style): 2 September 2024."""
    return f"{day.day} {day:%B %Y}"


def fill_date(page: Page, legend: str, day: int | str, month: int | str, year: int | str) -> None:
    """Type into the Day, Month and Year boxes of the GOV.UK date input whose fieldset has this legend."""
    group = page.get_by_role("group", name=legend, exact=True)
    group.get_by_label("Day", exact=True).fill(str(day))
    group.get_by_label("Month", exact=True).fill(str(month))
    group.get_by_label("Year", exact=True).fill(str(year))


def fill_day(page: Page, legend: str, day: dt.date) -> None:
    fill_date(page, legend, day.day, day.month, day.year)


def _click_and_land(page: Page, role: Literal["button", "link"], name: str) -> Response:
    """Click a control that leaves the page, and return the response the browser ended on."""
    with page.expect_navigation() as navigation:
        page.get_by_role(role, name=name, exact=True).click()
    response = navigation.value
    assert response is not None
    return response


def press(page: Page, button: str) -> Response:
    """Send a form with one of its buttons."""
    return _click_and_land(page, "button", button)


def follow(page: Page, link: str) -> Response:
    return _click_and_land(page, "link", link)


def visit(page: Page, path: str) -> Response:
    response = page.goto(path)
    assert response is not None
    return response


def no_script_check(page: Page, name: str) -> None:
    """check_page for a tab with JavaScript off: the screenshot and the browser's errors, without axe."""
    screenshot(page, name)
    problems = browser_errors(page)
    assert problems == [], f"the browser reported errors by the time of {name}: {problems}"


def error_summary(page: Page) -> list[str]:
    """The items of the GOV.UK error summary, in order."""
    expect(page.get_by_role("alert").filter(has_text="There is a problem")).to_be_visible()
    return [text.strip() for text in page.locator(".govuk-error-summary__list li").all_text_contents()]


def success_banner(page: Page) -> str:
    banner = page.locator(".govuk-notification-banner--success")
    expect(banner).to_be_visible()
    return " ".join(banner.text_content().split())


def table_rows(table: Locator) -> list[list[str]]:
    """The body rows of a table as lists of cell texts as rendered (a <br> is a space), whitespace collapsed."""
    rows = []
    for row in table.locator("tbody tr").all():
        rows.append([" ".join(cell.split()) for cell in row.locator("th, td").all_inner_texts()])
    return rows


def deadline_statuses(page: Page) -> dict[str, str]:
    """Rule id to status tag, from the case page's deadline table."""
    table = page.get_by_role("table", name="Every time limit on this case, by due date")
    found = {}
    for row in table.locator("tbody tr").all():
        cells = row.locator("td")
        rule = cells.nth(3).locator("strong").text_content().strip()
        found[rule] = cells.nth(2).locator(".govuk-tag").first.text_content().strip()
    return found


def history(page: Page) -> list[str]:
    """The case history's events, newest first, as the page names them."""
    return [text.strip() for text in page.locator("ol.app-timeline > li > strong").all_text_contents()]


# --------------------------------------------------------------------------------------------------- 1. caseworker

def test_a_caseworker_logs_a_request_and_takes_it_to_a_final_plan(page: Page, live_server, make_user, db) -> None:
    """The whole assessment, from the new request form to a maintained plan, through the links the case page offers.

    Received about 5 months ago, so every step has a date in the past and the final plan comes after the
    family's 15 days for representations on the draft have run. The advice comes 2 days after its 6 weeks,
    so the deadline table shows one time limit met late among those met.
    """
    today = dt.date.today()
    received = today - dt.timedelta(days=150)
    born = dt.date(received.year - 9, 3, 14)
    make_user("caseworker", username="sam.caseworker", password=PASSWORD)

    sign_in(page, "sam.caseworker", PASSWORD)
    expect(page).to_have_url(f"{live_server}/cases")
    expect(page.get_by_role("heading", level=1)).to_have_text("Cases")
    expect(page.get_by_text("0 cases.")).to_be_visible()
    check_page(page, "caseworker-caseload-empty")

    follow(page, "New request")
    expect(page.get_by_role("heading", level=1)).to_have_text("Log a request for an EHC needs assessment")
    check_page(page, "caseworker-new-request")
    assert press(page, "Log the request").status == 422  # nothing filled in yet
    assert error_summary(page) == ["Enter the child's given name", "Enter the child's family name",
                                   "Enter the child's date of birth", "Enter the date the request was received",
                                   "Select who made the request"]
    expect(page.locator("#received_on-error")).to_have_text("Error: Enter the date the request was received")
    check_page(page, "caseworker-new-request-errors")
    page.get_by_label("Child's given name").fill("Ada")
    page.get_by_label("Child's family name").fill("Example")
    fill_day(page, "Date of birth", born)
    page.get_by_label("Primary need").select_option(label="Autistic spectrum disorder")
    fill_day(page, "Date the request was received", received)
    page.get_by_role("group", name="Who made the request?").get_by_label("Parent", exact=True).check()
    page.get_by_label("Allocate to").select_option("sam.caseworker")
    answer = press(page, "Log the request")
    assert answer.status == 200 and "/cases/" in page.url

    reference = page.locator(".govuk-caption-l").text_content().strip()
    assert reference.startswith(f"EHC-{received.year}-")
    assert f"Request logged as {reference}, allocated to sam.caseworker." in success_banner(page)
    expect(page.get_by_role("heading", level=1)).to_have_text("Ada Example")
    expect(page.get_by_text("Stage: Request received")).to_be_visible()
    # 150 days after the request, its 6, 16 and 20 weeks have all passed.
    assert deadline_statuses(page) == {"R1.1": "Overdue", "R3.1": "Overdue", "R5.1": "Overdue"}
    check_page(page, "caseworker-case-new")
    case_id = int(page.url.rsplit("/", 1)[1])

    # (link on the case page, date legend, days after the request, other fields, button, history's words)
    steps: list[tuple[str, str, int, dict[str, Any], str, str]] = [
        ("Agree to assess", "Date of the decision to assess", 35, {}, "Record decision to assess",
         "Agreed to assess"),
        ("Request advice", "Date the request for advice was sent", 36,
         {"select": ("Type of advice", "Health"), "fill": ("Organisation asked", NORTHBRIDGE)},
         "Record request for advice", "Advice requested"),
        ("Record advice received", "Date the advice was received", 80,
         {"select": ("Advice request", f"Health advice from {NORTHBRIDGE}, requested "
                                       f"{long_date(received + dt.timedelta(days=36))}")},
         "Record advice received", "Advice received"),
        ("Decide to issue a plan", "Date of the decision to issue a plan", 84, {}, "Record decision to issue",
         "Decided to issue a plan"),
        ("Issue the draft plan", "Date the draft plan was sent to the family", 98, {}, "Record draft plan issued",
         "Draft plan issued"),
        ("Issue the final plan", "Date the final plan was issued", 126,
         {"fill": ("Named school or setting", "Riverside Primary School")}, "Record final plan issued",
         "Final plan issued"),
    ]
    for link, legend, days, fields, button, done in steps:
        follow(page, link)
        expect(page.get_by_role("heading", level=1)).to_have_text(link)
        check_page(page, f"caseworker-event-{link.lower().replace(' ', '-')}")
        fill_day(page, legend, received + dt.timedelta(days=days))
        if "select" in fields:
            label, option = fields["select"]
            page.get_by_label(label, exact=True).select_option(label=option)
        if "fill" in fields:
            label, text = fields["fill"]
            page.get_by_label(label, exact=True).fill(text)
        answer = press(page, button)
        assert answer.status == 200 and page.url.endswith(f"/cases/{case_id}"), (link, error_summary(page))
        assert success_banner(page) == f"Success {done}: recorded on {reference}.", link
        check_page(page, f"caseworker-case-after-{link.lower().replace(' ', '-')}")

    expect(page.get_by_text("Stage: Plan maintained")).to_be_visible()
    summary = page.locator(".govuk-summary-list")
    expect(summary.locator(".govuk-summary-list__row", has_text="Final plan issued")).to_contain_text(
        long_date(received + dt.timedelta(days=126)))
    expect(summary.locator(".govuk-summary-list__row", has_text="Named school or setting")).to_contain_text(
        "Riverside Primary School")
    # the decision to issue is recorded under the local milestone M3.2 (R3.1 is the no-plan notice)
    assert deadline_statuses(page) == {"R1.1": "Met", "R2.1": "Met late", "M3.2": "Met", "R4.1": "Met",
                                       "R5.1": "Met", "R7.1": "Pending"}
    advice = table_rows(page.get_by_role("table", name="Advice requested for this assessment"))
    assert advice == [[f"Health {NORTHBRIDGE}", long_date(received + dt.timedelta(days=36)),
                       long_date(received + dt.timedelta(days=78)), long_date(received + dt.timedelta(days=80)),
                       "Met late", ""]]
    assert history(page) == ["Final plan issued", "Draft plan issued", "Decided to issue a plan", "Advice received",
                             "Advice requested", "Agreed to assess", "Request received"]
    expect(page.get_by_role("link", name="Hold the review meeting")).to_be_visible()
    expect(page.get_by_role("link", name="Issue the final plan")).to_have_count(0)
    check_page(page, "caseworker-case-plan-maintained")

    with db.reading() as session:
        case = session.get(Case, case_id)
        assert case.state == "plan_maintained"
        assert case.plan_issued_on == received + dt.timedelta(days=126)
        assert case.named_setting == "Riverside Primary School"

    follow(page, "Cases")
    rows = table_rows(page.get_by_role("table", name="Cases, soonest deadline first"))
    assert len(rows) == 1 and rows[0][:2] == [f"Select {reference}", reference] and rows[0][3] == "Plan maintained"
    assert rows[0][4] == "Annual review" and rows[0][6] == "sam.caseworker"
    check_page(page, "caseworker-caseload")


# --------------------------------------------------------------------------------------------------- 2. bad dates

def test_an_impossible_date_and_a_date_before_the_request_are_shown_next_to_the_date(
        page: Page, make_user, new_case, db) -> None:
    """Day 31 of February is refused by the form; a date before the request is refused by casework, in its words."""
    today = dt.date.today()
    received = today - dt.timedelta(days=30)
    case = new_case(received)
    make_user("caseworker", username="sam.caseworker", password=PASSWORD)
    sign_in(page, "sam.caseworker", PASSWORD)
    visit(page, f"/cases/{case.id}")
    follow(page, "Agree to assess")

    fill_date(page, "Date of the decision to assess", 31, 2, today.year)
    answer = press(page, "Record decision to assess")
    assert answer.status == 422
    assert page.title().startswith("Error: ")
    assert error_summary(page) == ["Date of the decision to assess must be a real date"]
    expect(page.locator(".govuk-error-summary__list a")).to_have_attribute("href", "#on-day")
    expect(page.locator("#on-error")).to_have_text("Error: Date of the decision to assess must be a real date")
    group = page.get_by_role("group", name="Date of the decision to assess", exact=True)
    expect(group.get_by_label("Day", exact=True)).to_have_value("31")  # what was typed stays for correcting
    expect(group.get_by_label("Month", exact=True)).to_have_value("2")
    check_page(page, "bad-date-not-real")

    before = received - dt.timedelta(days=5)
    fill_day(page, "Date of the decision to assess", before)
    answer = press(page, "Record decision to assess")
    assert answer.status == 422
    message = (f"The date {written(before)} is before the request was received "
               f"({written(received)}).")  # dates as people write them, never 2026-11-01
    assert error_summary(page) == [message]
    expect(page.locator("#on-error")).to_have_text(f"Error: {message}")
    check_page(page, "bad-date-before-request")

    with db.reading() as session:
        stored = session.get(Case, case.id)
        assert stored.state == "request_received" and stored.decision_to_assess_on is None


# --------------------------------------------------------------------------------------------------- 3. sign-in

def test_a_wrong_password_is_refused_with_an_error_summary(page: Page, live_server, make_user) -> None:
    make_user("caseworker", username="sam.caseworker", password=PASSWORD)
    visit(page, "/sign-in")
    check_page(page, "sign-in")
    page.get_by_label("Username", exact=True).fill("sam.caseworker")
    page.get_by_label("Password", exact=True).fill("not-the-password")
    answer = press(page, "Sign in")

    assert answer.status == 422 and page.url.endswith("/sign-in")
    assert page.title().startswith("Error: ")
    assert error_summary(page) == ["Enter a correct username and password. After 5 wrong attempts in a row, an "
                                   "account is paused for 15 minutes."]
    expect(page.get_by_label("Password", exact=True)).to_have_value("")
    expect(page.get_by_role("button", name="Sign out")).to_have_count(0)
    check_page(page, "sign-in-wrong-password")

    page.get_by_label("Password", exact=True).fill(PASSWORD)
    press(page, "Sign in")
    expect(page).to_have_url(f"{live_server}/cases")
    expect(page.get_by_text("Signed in as sam.caseworker")).to_be_visible()


# --------------------------------------------------------------------------------------------------- 4. adviser

def test_an_adviser_sees_only_their_organisations_advice_and_marks_it_returned(page: Page, live_server, make_user,
                                                                               db) -> None:
    """Two requests to Northbridge (one overdue, one with days left) and one to Southmoor, on two cases."""
    today = dt.date.today()
    days = dt.timedelta
    first = operations.create_case(db, actor=None, given_name="Ada", family_name="Example",
                                   date_of_birth=dt.date(today.year - 8, 5, 4), received_on=today - days(90),
                                   requested_by="parent", primary_need="ASD")
    operations.agree_to_assess(db, first.id, actor=None, on=today - days(80))
    operations.request_advice(db, first.id, actor=None, on=today - days(60), advice_type="health",
                              organisation=NORTHBRIDGE)
    second = operations.create_case(db, actor=None, given_name="Ben", family_name="Sample",
                                    date_of_birth=dt.date(today.year - 11, 1, 20), received_on=today - days(60),
                                    requested_by="school", primary_need="SLCN")
    operations.agree_to_assess(db, second.id, actor=None, on=today - days(50))
    operations.request_advice(db, second.id, actor=None, on=today - days(49), advice_type="social_care",
                              organisation=SOUTHMOOR)
    operations.request_advice(db, second.id, actor=None, on=today - days(38), advice_type="health",
                              organisation=NORTHBRIDGE)
    with db.reading() as session:
        ids = {(a.case_id, a.organisation.name): a.id for a in session.scalars(select(AdviceRequest))}
    overdue_id, current_id = ids[(first.id, NORTHBRIDGE)], ids[(second.id, NORTHBRIDGE)]
    southmoor_id = ids[(second.id, SOUTHMOOR)]
    make_user("adviser", username="nina.adviser", org=NORTHBRIDGE, password=PASSWORD)

    sign_in(page, "nina.adviser", PASSWORD)
    expect(page).to_have_url(f"{live_server}/advice")
    expect(page.get_by_role("heading", level=1)).to_have_text("Advice requests")
    expect(page.get_by_text("2 outstanding, 1 overdue.")).to_be_visible()
    tray = page.get_by_role("table", name="Outstanding advice requests, soonest due first")
    rows = table_rows(tray)
    assert len(rows) == 2
    assert rows[0][0] == first.reference and rows[0][1].startswith("Ada Example")
    assert rows[0][3] == f"{long_date(today - days(18))} 18 days overdue" and rows[0][4] == "Overdue"
    assert rows[1][0] == second.reference and rows[1][2] == f"Health {NORTHBRIDGE}"
    assert rows[1][3] == f"{long_date(today + days(4))} 4 days left"
    assert SOUTHMOOR not in tray.text_content()
    check_page(page, "adviser-tray")

    follow(page, f"Mark returned for {first.reference}")
    expect(page).to_have_url(f"{live_server}/advice/{overdue_id}/return")
    expect(page.get_by_role("heading", level=1)).to_have_text("Mark advice returned")
    check_page(page, "adviser-mark-returned")
    fill_day(page, "Date the advice was sent to the council", today - days(1))
    answer = press(page, "Mark advice returned")
    assert answer.status == 200 and page.url.endswith("/advice")
    assert success_banner(page) == f"Success Health advice for {first.reference} marked returned."
    rows = table_rows(page.get_by_role("table", name="Outstanding advice requests, soonest due first"))
    assert [row[0] for row in rows] == [second.reference]
    expect(page.get_by_text("1 outstanding.")).to_be_visible()
    check_page(page, "adviser-tray-after-return")
    with db.reading() as session:
        returned = session.get(AdviceRequest, overdue_id)
        assert returned.returned_on == today - days(1)
        deadline = session.scalars(select(Deadline).where(Deadline.about(ADVICE_REQUEST, overdue_id))).one()
        assert deadline.met_on == today - days(1) and deadline.met_on > deadline.due_on
        assert session.get(AdviceRequest, current_id).returned_on is None

    answer = visit(page, f"/advice/{southmoor_id}/return")
    assert answer.status == 404
    expect(page.get_by_role("heading", level=1)).to_have_text("Page not found")
    check_page(page, "adviser-other-organisation-404")

    answer = visit(page, f"/cases/{second.id}")
    assert answer.status == 403
    expect(page.get_by_role("heading", level=1)).to_have_text("You do not have access to this page")
    assert "Ben Sample" not in page.content()
    check_page(page, "adviser-case-page-403")
    with db.reading() as session:
        assert session.get(AdviceRequest, southmoor_id).returned_on is None


# --------------------------------------------------------------------------------------------------- 5. manager

def _plan(db, *, received: dt.date, advice: tuple[str, str, int, int], final_after: int) -> Case:
    """A case taken to a final plan: advice (type, organisation, asked on day, returned on day), then the plan."""
    days = dt.timedelta
    case = operations.create_case(db, actor=None, given_name="Cara", family_name="Plan", requested_by="parent",
                                  date_of_birth=dt.date(received.year - 7, 6, 1), received_on=received)
    advice_type, organisation, asked, returned = advice
    operations.agree_to_assess(db, case.id, actor=None, on=received + days(asked - 1))
    operations.request_advice(db, case.id, actor=None, on=received + days(asked), advice_type=advice_type,
                              organisation=organisation)
    with db.reading() as session:
        advice_id = session.scalars(select(AdviceRequest.id).where(AdviceRequest.case_id == case.id)).one()
    operations.record_advice(db, case.id, actor=None, on=received + days(returned), advice_request_id=advice_id)
    operations.decide_to_issue(db, case.id, actor=None, on=received + days(final_after - 40))
    operations.issue_draft(db, case.id, actor=None, on=received + days(final_after - 30))
    return operations.issue_final(db, case.id, actor=None, on=received + days(final_after))


def test_a_manager_sees_overdue_work_alerts_and_timeliness_by_year(page: Page, live_server, make_user, db,
                                                                   settings) -> None:
    """Two years ago: one plan within 20 weeks and one late, one advice on time and one late (their first
    annual reviews are now past too). Now: two open cases with time limits past. The deadline scan has run."""
    today = dt.date.today()
    year = today.year - 2  # wholly past whatever today is, so the figures below never depend on the date
    days = dt.timedelta
    on_time = _plan(db, received=dt.date(year, 3, 2), advice=("health", NORTHBRIDGE, 30, 60), final_after=121)
    late = _plan(db, received=dt.date(year, 2, 3), advice=("educational", "Riverside School", 35, 95),
                 final_after=162)
    waiting = operations.create_case(db, actor=None, given_name="Dev", family_name="Waiting", requested_by="parent",
                                     date_of_birth=dt.date(today.year - 6, 2, 2), received_on=today - days(100))
    operations.agree_to_assess(db, waiting.id, actor=None, on=today - days(70))
    operations.request_advice(db, waiting.id, actor=None, on=today - days(69), advice_type="health",
                              organisation=NORTHBRIDGE)
    untouched = operations.create_case(db, actor=None, given_name="Eve", family_name="Untouched",
                                       requested_by="young_person", date_of_birth=dt.date(today.year - 17, 9, 9),
                                       received_on=today - days(200))
    with db.reading() as session:
        reviews = {d.case_id: d.due_on
                   for d in session.scalars(select(Deadline).where(Deadline.kind == "annual_review"))}
    assert all(due < today for due in reviews.values())
    from casework.alerts import scan

    summary = scan.run_scan(db, settings)
    assert summary["new_alerts"] == 6
    make_user("manager", username="mo.manager", password=PASSWORD)

    sign_in(page, "mo.manager", PASSWORD)
    expect(page).to_have_url(f"{live_server}/dashboard")
    expect(page.get_by_role("heading", level=1)).to_have_text("Dashboard")
    expect(page.get_by_text("6 open time limits overdue, and 0 late with an exception that applies, oldest first.")
           ).to_be_visible()
    overdue = table_rows(page.get_by_role("table", name="Overdue time limits, oldest first"))

    def late_by(due: dt.date) -> str:
        return f"{(today - due).days} days overdue"

    assert [(row[0], row[2], row[4]) for row in overdue] == [
        (on_time.reference, "R7.1", late_by(reviews[on_time.id])),
        (late.reference, "R7.1", late_by(reviews[late.id])),
        (untouched.reference, "R1.1", "158 days overdue"),
        (untouched.reference, "R3.1", "88 days overdue"),
        (untouched.reference, "R5.1", "60 days overdue"),
        (waiting.reference, "R2.1", "27 days overdue"),
    ]
    alert_items = page.locator("h2:text-is('Recent overdue alerts') + ul > li")
    alerts = [" ".join(text.split()) for text in alert_items.all_inner_texts()]
    assert len(alerts) == 6
    assert sum(alert.startswith(f"{waiting.reference}: Advice returned (6 weeks), owed by {NORTHBRIDGE}, "
                                f"(rule R2.1) was due "
                                f"{long_date(today - days(27))}") for alert in alerts) == 1
    assert sum(alert.startswith(f"{untouched.reference}:") for alert in alerts) == 3

    expect(page.get_by_role("heading", name=f"Timeliness in {today.year}")).to_be_visible()
    plans = page.get_by_role("table", name="New EHC plans issued within 20 weeks")
    assert table_rows(plans)[0] == ["Including exceptions", "0", "0", "No plans"]
    _charts_load(page)
    check_page(page, "manager-dashboard")

    page.get_by_label("Calendar year").select_option(str(year))
    answer = press(page, "Show year")
    assert answer.status == 200 and f"year={year}" in page.url
    expect(page.get_by_role("heading", name=f"Timeliness in {year}")).to_be_visible()
    expect(page.get_by_label("Calendar year")).to_have_value(str(year))
    assert table_rows(plans) == [["Including exceptions", "2", "1", "50.0%"],
                                 ["Excluding exceptions", "2", "1", "50.0%"]]
    advice = {row[0]: row[1:] for row in table_rows(
        page.get_by_role("table", name="Advice returned within 6 weeks, by type"))}
    assert advice["Health"] == ["1", "1", "100.0%"]
    assert advice["Educational"] == ["1", "0", "0.0%"]
    assert advice["Social care"] == ["0", "0", "None returned"]
    page.get_by_text("Monthly figures as a table").click()  # a native <details>: opens without JavaScript
    monthly = {row[0]: row[1:] for row in table_rows(
        page.get_by_role("table", name=f"Plans issued within 20 weeks by month, {year}"))}
    assert len(monthly) == 12
    assert on_time.plan_issued_on.month == late.plan_issued_on.month == 7
    assert monthly[f"July {year}"] == ["2", "1", "50.0%"]
    assert monthly[f"January {year}"] == ["0", "0", "No plans"]
    stages = {row[0]: row[1] for row in table_rows(page.get_by_role("table", name="Open cases by stage"))}
    assert stages.get("Request received") == "1" and stages.get("Assessment") == "1"
    assert stages.get("Plan maintained") == "2"
    _charts_load(page)
    check_page(page, "manager-dashboard-two-years-ago")


def _charts_load(page: Page) -> None:
    """Both chart images arrived as pictures (an SVG the browser could draw), each with its alternative text."""
    charts = page.locator("img.app-chart")
    expect(charts).to_have_count(2)
    for chart in charts.all():
        assert (chart.get_attribute("alt") or "").startswith("Bar chart of ")
        chart.scroll_into_view_if_needed()
        loaded = chart.evaluate("img => img.decode().then(() => img.naturalWidth, () => 0)")
        assert loaded > 0, f"{chart.get_attribute('src')} did not load"


# --------------------------------------------------------------------------------------------------- 6. admin

def test_an_administrator_lists_users_and_adds_an_adviser(page: Page, live_server, make_user) -> None:
    make_user("admin", username="ali.admin", password=PASSWORD)
    make_user("caseworker", username="sam.caseworker", email="sam@example.gov.uk", password=PASSWORD)

    sign_in(page, "ali.admin", PASSWORD)
    expect(page).to_have_url(f"{live_server}/admin/users")
    users = page.get_by_role("table", name="Everyone who can sign in")
    rows = table_rows(users)
    assert ["ali.admin", "Administrator", "", "", "Active"] in rows
    assert ["sam.caseworker", "Caseworker", "", "sam@example.gov.uk", "Active"] in rows
    check_page(page, "admin-users")

    press(page, "Add a user")  # a GOV.UK start-style button: a link with the button role
    expect(page.get_by_role("heading", level=1)).to_have_text("Add a user")
    check_page(page, "admin-new-user")
    page.get_by_label("Username", exact=True).fill("nina.adviser")
    page.get_by_role("group", name="Role").get_by_label("Adviser", exact=True).check()
    page.get_by_label("Email address").fill("nina@northbridge.nhs.example")
    page.get_by_label("Password (optional)", exact=True).fill(PASSWORD)
    answer = press(page, "Add user")
    assert answer.status == 422  # an adviser belongs to an organisation
    assert error_summary(page) == ["An adviser belongs to one organisation: enter the organisation."]
    check_page(page, "admin-new-user-no-organisation")

    page.get_by_label("Organisation", exact=True).fill(NORTHBRIDGE)
    page.get_by_label("Password (optional)", exact=True).fill(PASSWORD)
    answer = press(page, "Add user")
    assert answer.status == 200 and page.url.endswith("/admin/users")
    assert success_banner(page) == "Success Added nina.adviser."
    assert ["nina.adviser", "Adviser", NORTHBRIDGE, "nina@northbridge.nhs.example", "Active"] in table_rows(users)
    check_page(page, "admin-users-after-add")


# --------------------------------------------------------------------------------------------------- without scripts

def test_with_javascript_switched_off_a_request_is_still_logged(browser, live_server, make_user, db) -> None:
    """Some council laptops block scripts: the forms post and the error summary shows without any JavaScript.

    axe cannot run in a tab with scripts off (its checks never settle), so these pages are screenshotted and
    checked for browser errors here; the same pages with scripts on pass axe in the caseworker's journey.
    """
    context = browser.new_context(base_url=live_server, java_script_enabled=False, viewport={"width": 1280,
                                                                                             "height": 900})
    try:
        page = context.new_page()
        page.set_default_timeout(10_000)
        watch_errors(page)
        make_user("caseworker", username="sam.caseworker", password=PASSWORD)
        sign_in(page, "sam.caseworker", PASSWORD)
        expect(page).to_have_url(f"{live_server}/cases")
        visit(page, "/cases/new")
        assert press(page, "Log the request").status == 422
        assert error_summary(page) == ["Enter the child's given name", "Enter the child's family name",
                                       "Enter the child's date of birth", "Enter the date the request was received",
                                       "Select who made the request"]
        no_script_check(page, "no-javascript-new-request-errors")

        received = dt.date.today() - dt.timedelta(days=3)
        page.get_by_label("Child's given name").fill("Ada")
        page.get_by_label("Child's family name").fill("Example")
        fill_date(page, "Date of birth", 4, 5, received.year - 9)
        fill_day(page, "Date the request was received", received)
        page.get_by_role("group", name="Who made the request?").get_by_label("School or post-16 institution").check()
        assert press(page, "Log the request").status == 200
        assert "Request logged as EHC-" in success_banner(page)
        expect(page.get_by_text("Stage: Request received")).to_be_visible()
        no_script_check(page, "no-javascript-case")
        with db.reading() as session:
            case = session.scalars(select(Case)).one()
            assert (case.person.given_name, case.received_on, case.requested_by) == ("Ada", received, "school")
            assert case.primary_need is None  # "Not known yet"
    finally:
        context.close()
