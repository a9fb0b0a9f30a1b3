"""The steps of a move between authorities on the pages: offered on the case page only when they can be taken,
each form from its step's declaration, CSRF on every post, refused to other roles, a refusal changes nothing."""

from __future__ import annotations

import datetime as dt

from casework import transfers
from casework.core.db import Database
from tests.support import snapshot, to_final_plan
from tests.web.conftest import date_boxes, error_summary

D = dt.date


def test_a_move_out_is_recorded_and_the_plan_sent(browser_for, db: Database, new_case) -> None:
    case = to_final_plan(db, new_case(D(2024, 9, 2)).id)
    browser = browser_for("caseworker")
    page = browser.client.get(f"/cases/{case.id}").text
    assert "Moves between authorities" in page and f"/cases/{case.id}/transfers/record_move_out" in page
    assert f"/cases/{case.id}/transfers/send_plan_to_new_authority" not in page
    answer = browser.client.get(f"/cases/{case.id}/transfers/send_plan_to_new_authority")
    assert answer.status_code == 302  # nothing to send yet
    assert "not possible" in browser.client.get(answer.headers["Location"]).text

    answer = browser.submit(f"/cases/{case.id}/transfers/record_move_out", {
        "on": date_boxes(3, 3, 2025), "new_authority": "Southshire County Council",
        "moved_on": date_boxes(1, 3, 2025), "learned_on": date_boxes(3, 3, 2025)})
    assert answer.status_code == 302
    page = browser.client.get(answer.headers["Location"]).text
    assert "Move to another authority recorded: recorded on" in page
    assert f"/cases/{case.id}/transfers/send_plan_to_new_authority" in page
    assert f"/cases/{case.id}/transfers/record_move_out" not in page
    # Learned of on Monday 3 March 2025, after the move: 15 working days beginning that day end on Friday 21 March.
    assert "21 March 2025" in page

    answer = browser.submit(f"/cases/{case.id}/transfers/send_plan_to_new_authority", {"on": date_boxes(14, 3, 2025)})
    assert answer.status_code == 302
    with db.reading() as session:
        (move,) = transfers.transfers_of(session, case.id)
        assert (move.authority, move.learned_on, move.plan_sent_on) == ("Southshire County Council", D(2025, 3, 3),
                                                                        D(2025, 3, 14))


def test_a_refused_step_says_why_and_changes_nothing(browser_for, db: Database, new_case) -> None:
    case = to_final_plan(db, new_case(D(2024, 9, 2)).id)
    browser = browser_for("manager")
    before = snapshot(db, case.id)
    answer = browser.submit(f"/cases/{case.id}/transfers/record_move_out", {
        "on": date_boxes(3, 3, 2025), "new_authority": "Southshire County Council",
        "moved_on": date_boxes(1, 3, 2025), "learned_on": date_boxes(4, 3, 2025)})
    assert answer.status_code == 422
    assert error_summary(answer.text) == [
        "The date the council learned of the move must be on or before the date recorded."]
    missing = browser.submit(f"/cases/{case.id}/transfers/record_move_out", {
        "on": date_boxes(3, 3, 2025), "new_authority": "", "moved_on": date_boxes(1, 3, 2025),
        "learned_on": date_boxes(3, 3, 2025)})
    assert missing.status_code == 422
    assert error_summary(missing.text) == ["Enter the authority the family is moving to"]
    assert snapshot(db, case.id) == before


def test_only_those_who_change_cases_reach_the_steps(browser_for, db: Database, new_case, client) -> None:
    case = to_final_plan(db, new_case(D(2024, 9, 2)).id)
    url = f"/cases/{case.id}/transfers/record_move_out"
    for role in ("adviser", "admin"):
        assert browser_for(role).client.get(url).status_code == 403, role
    assert client.get(url).status_code == 302
    caseworker = browser_for("caseworker")
    assert caseworker.client.get(f"/cases/{case.id}/transfers/teleport").status_code == 404
    assert caseworker.client.post(url, data={"on": date_boxes(3, 3, 2025)}).status_code == 400  # no CSRF token


def test_a_plan_transferred_in_offers_the_notice_to_the_family(browser_for, db: Database) -> None:
    case = transfers.transfer_in(db, actor=None, from_authority="202", transferred_on=D(2025, 6, 2),
                                 plan_made_on=D(2023, 3, 1), given_name="Ola", family_name="Nowak",
                                 date_of_birth=D(2016, 5, 4))
    browser = browser_for("caseworker")
    assert f"/cases/{case.id}/transfers/send_transfer_notice" in browser.client.get(f"/cases/{case.id}").text
    early = browser.submit(f"/cases/{case.id}/transfers/send_transfer_notice", {"on": date_boxes(1, 6, 2025)})
    assert early.status_code == 422 and "before the plan transferred" in error_summary(early.text)[0]
    answer = browser.submit(f"/cases/{case.id}/transfers/send_transfer_notice", {"on": date_boxes(9, 6, 2025)})
    assert answer.status_code == 302
    assert f"/cases/{case.id}/transfers/send_transfer_notice" not in browser.client.get(f"/cases/{case.id}").text


# --- taking on a plan from another authority (reg 15, R9.2, R9.3): a page of its own beside the new request

TRANSFER_IN = {"given_name": "Sam", "family_name": "Mover", "date_of_birth": date_boxes(4, 5, 2015),
               "primary_need": "SLCN", "from_authority": "Southshire County Council",
               "transferred_on": date_boxes(3, 3, 2025), "plan_made_on": date_boxes(20, 1, 2025),
               "last_reviewed_on": ["", "", ""]}


def _cases(db: Database) -> int:
    from sqlalchemy import func, select

    from casework.models import Case, Transfer
    with db.reading() as session:
        return session.scalar(select(func.count(Case.id))) + session.scalar(select(func.count(Transfer.id)))


def test_a_plan_is_taken_on_from_another_authority_through_its_page(browser_for, db: Database) -> None:
    from casework.models import Case

    browser = browser_for("caseworker")
    assert "/cases/transfer-in" in browser.client.get("/cases/new").text
    answer = browser.submit("/cases/transfer-in", TRANSFER_IN)
    assert answer.status_code == 302, error_summary(answer.text)
    page = browser.client.get(answer.headers["Location"]).text
    # Transferred Monday 3 March 2025: the family told by 14 April (+ 6 weeks); the plan of 20 January 2025 is
    # reviewed by the later of 19 January 2026 (its 12 months) and 3 June 2025 (3 months from the transfer).
    assert "Plan taken on as" in page and "14 April 2025" in page and "19 January 2026" in page
    case_id = int(answer.headers["Location"].rstrip("/").rsplit("/", 1)[1])
    with db.reading() as session:
        case = session.get(Case, case_id)
        (move,) = transfers.transfers_of(session, case_id)
        assert (case.state, case.primary_need, case.plan_issued_on, case.assigned_caseworker_id) == (
            "plan_maintained", "SLCN", D(2025, 1, 20), browser.user.id)
        assert (move.direction, move.authority, move.transferred_on) == ("in", "Southshire County Council",
                                                                         D(2025, 3, 3))


def test_bad_input_on_the_transfer_in_page_is_a_form_message_and_changes_nothing(browser_for, db: Database) -> None:
    browser = browser_for("manager")
    before = _cases(db)
    empty = browser.submit("/cases/transfer-in", {"last_reviewed_on": ["", "", ""]})
    assert empty.status_code == 422
    assert error_summary(empty.text) == [
        "Enter the child's given name", "Enter the child's family name", "Enter the child's date of birth",
        "Enter the authority the plan comes from", "Enter the date the plan transferred",
        "Enter the date the plan was made"]
    later = browser.submit("/cases/transfer-in", {**TRANSFER_IN, "plan_made_on": date_boxes(4, 3, 2025)})
    assert later.status_code == 422
    assert error_summary(later.text) == ["The plan must have been made on or before the day it transferred."]
    review = browser.submit("/cases/transfer-in", {**TRANSFER_IN, "last_reviewed_on": date_boxes(1, 1, 2025)})
    assert error_summary(review.text) == ["The last review must be between the plan's making and the transfer."]
    nonsense = browser.submit("/cases/transfer-in", {**TRANSFER_IN, "transferred_on": date_boxes(31, 2, 2025)})
    assert nonsense.status_code == 422 and error_summary(nonsense.text) == [
        "Date the plan transferred must be a real date"]
    future = browser.submit("/cases/transfer-in", {**TRANSFER_IN, "transferred_on": date_boxes(1, 1, 2099)})
    assert future.status_code == 422 and "in the future" in error_summary(future.text)[0]
    assert _cases(db) == before


def test_the_transfer_in_page_is_for_caseworkers_and_managers_with_a_csrf_token(browser_for, client,
                                                                               db: Database) -> None:
    for role in ("adviser", "admin"):
        assert browser_for(role).client.get("/cases/transfer-in").status_code == 403
    assert client.get("/cases/transfer-in").status_code == 302  # nobody signed in: sent to sign in
    caseworker = browser_for("caseworker")
    before = _cases(db)
    posted = caseworker.client.post("/cases/transfer-in", data=TRANSFER_IN)
    assert posted.status_code == 400 and "security token" in posted.text
    assert _cases(db) == before
