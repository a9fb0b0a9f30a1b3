"""The advice lists as an adviser and a caseworker use them on a busy Monday: only what is still owed, and advice
that arrives after the final plan still counted, late.

Every page visited is screenshotted and checked with axe-core at WCAG 2.2 AA (check_page).
"""

from __future__ import annotations

import datetime as dt

from playwright.sync_api import Page, expect
from sqlalchemy import select

from casework import operations
from casework.models import AdviceRequest, Deadline
from casework.models.subject import ADVICE_REQUEST
from tests.browser.conftest import check_page, sign_in
from tests.browser.test_journeys import (
    NORTHBRIDGE,
    PASSWORD,
    deadline_statuses,
    fill_day,
    follow,
    long_date,
    press,
    success_banner,
    table_rows,
)

TRAY = "Outstanding advice requests, soonest due first"
DAYS = dt.timedelta


def _advice_ids(db, case_id: int) -> list[int]:
    with db.reading() as session:
        return list(session.scalars(select(AdviceRequest.id).where(AdviceRequest.case_id == case_id)
                                    .order_by(AdviceRequest.id)))


def test_the_advisers_tray_lists_no_cancelled_request_and_no_closed_case(page: Page, live_server, make_user,
                                                                         db) -> None:
    """Three requests to Northbridge: one still owed, one cancelled as sent in error, one on a case the family
    withdrew. The adviser's tray and the caseworker's advice page show the one still owed, nothing else."""
    today = dt.date.today()
    owed = operations.create_case(db, actor=None, given_name="Ada", family_name="Owed", requested_by="parent",
                                  date_of_birth=dt.date(today.year - 8, 5, 4), received_on=today - DAYS(70))
    operations.agree_to_assess(db, owed.id, actor=None, on=today - DAYS(60))
    operations.request_advice(db, owed.id, actor=None, on=today - DAYS(50), advice_type="health",
                              organisation=NORTHBRIDGE)
    operations.request_advice(db, owed.id, actor=None, on=today - DAYS(49), advice_type="health",
                              organisation=NORTHBRIDGE)
    sent_in_error = _advice_ids(db, owed.id)[1]
    operations.void_advice_request(db, owed.id, actor=None, on=today - DAYS(48), advice_request_id=sent_in_error,
                                   reason="Sent twice by mistake")
    gone = operations.create_case(db, actor=None, given_name="Ben", family_name="Withdrawn", requested_by="school",
                                  date_of_birth=dt.date(today.year - 10, 1, 20), received_on=today - DAYS(90))
    operations.agree_to_assess(db, gone.id, actor=None, on=today - DAYS(80))
    operations.request_advice(db, gone.id, actor=None, on=today - DAYS(75), advice_type="health",
                              organisation=NORTHBRIDGE)
    operations.withdraw(db, gone.id, actor=None, on=today - DAYS(40), reason="Family moved away")
    make_user("adviser", username="nina.adviser", org=NORTHBRIDGE, password=PASSWORD)
    make_user("caseworker", username="carl.caseworker", password=PASSWORD)

    sign_in(page, "nina.adviser", PASSWORD)
    expect(page.get_by_role("heading", level=1)).to_have_text("Advice requests")
    expect(page.get_by_text("1 outstanding, 1 overdue.", exact=False)).to_be_visible()
    rows = table_rows(page.get_by_role("table", name=TRAY))
    assert [row[0] for row in rows] == [owed.reference]
    assert rows[0][3] == f"{long_date(today - DAYS(50) + DAYS(42))} 8 days overdue"
    assert gone.reference not in page.content() and "Withdrawn" not in page.content()
    check_page(page, "adviser-tray-only-owed")

    page.context.clear_cookies()
    sign_in(page, "carl.caseworker", PASSWORD)
    page.goto("/advice")
    rows = table_rows(page.get_by_role("table", name=TRAY))
    assert [row[0] for row in rows] == [owed.reference], rows
    assert gone.reference not in page.content()
    check_page(page, "caseworker-advice-only-owed")


def test_advice_returned_after_the_final_plan_is_met_late_and_shown(page: Page, live_server, make_user,
                                                                    db) -> None:
    """The health advice never came before the plan was issued; the adviser sends it afterwards. It is still
    recordable, met late, and the case page says so."""
    today = dt.date.today()
    case = operations.create_case(db, actor=None, given_name="Cara", family_name="Late", requested_by="parent",
                                  date_of_birth=dt.date(today.year - 9, 3, 2), received_on=today - DAYS(150))
    operations.agree_to_assess(db, case.id, actor=None, on=today - DAYS(140))
    operations.request_advice(db, case.id, actor=None, on=today - DAYS(120), advice_type="health",
                              organisation=NORTHBRIDGE)
    operations.decide_to_issue(db, case.id, actor=None, on=today - DAYS(60))
    operations.issue_draft(db, case.id, actor=None, on=today - DAYS(50))
    operations.issue_final(db, case.id, actor=None, on=today - DAYS(20))
    [advice_id] = _advice_ids(db, case.id)
    make_user("adviser", username="nina.adviser", org=NORTHBRIDGE, password=PASSWORD)
    make_user("caseworker", username="carl.caseworker", password=PASSWORD)

    sign_in(page, "nina.adviser", PASSWORD)
    rows = table_rows(page.get_by_role("table", name=TRAY))
    assert [row[0] for row in rows] == [case.reference]
    due = today - DAYS(120) + DAYS(42)
    assert rows[0][3] == f"{long_date(due)} {(today - due).days} days overdue"
    follow(page, f"Mark returned for {case.reference}")
    fill_day(page, "Date the advice was sent to the council", today - DAYS(2))
    press(page, "Mark advice returned")
    assert success_banner(page) == f"Success Health advice for {case.reference} marked returned."
    expect(page.get_by_text("No advice is outstanding.")).to_be_visible()
    check_page(page, "adviser-late-advice-after-final-plan")
    with db.reading() as session:
        deadline = session.scalars(select(Deadline).where(Deadline.about(ADVICE_REQUEST, advice_id))).one()
        assert deadline.met_on == today - DAYS(2) and deadline.due_on == due

    page.context.clear_cookies()
    sign_in(page, "carl.caseworker", PASSWORD)
    page.goto(f"/cases/{case.id}")
    assert deadline_statuses(page)["R2.1"] == "Met late"
    check_page(page, "case-advice-met-late-after-final-plan")
