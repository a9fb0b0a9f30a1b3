"""Allocation on the pages: the intake queue, allocating one case or many, the caseload views and the manager's
caseloads by caseworker, for each role, with CSRF."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from freezegun import freeze_time
from sqlalchemy import func, select

from casework import operations as ops
from casework.models import AuditEntry, Case
from tests.web.conftest import csrf_token, date_boxes, error_summary

D = dt.date
TODAY = "2024-10-10"


def _entries(db) -> int:
    with db.reading() as s:
        return s.scalar(select(func.count(AuditEntry.id)))


def _holder(db, case_id):
    with db.reading() as s:
        case = s.get(Case, case_id)
        return case.assigned_caseworker.username if case.assigned_caseworker else None


@freeze_time(TODAY)
def test_the_intake_queue_shows_days_since_receipt_against_the_6_week_decision(browser_for, new_case):
    late = new_case(D(2024, 8, 26), given_name="Late")    # decision due 7 October 2024: 3 days late
    fresh = new_case(D(2024, 10, 1), given_name="Fresh")  # decision due 12 November 2024: 33 days left
    page = browser_for("manager").client.get("/allocation/intake")
    assert page.status_code == 200
    text = page.text
    assert "2 requests waiting" in text
    assert text.index("Late Example") < text.index("Fresh Example")  # oldest first
    assert "45 days" in text and "7 October 2024" in text and "3 days late" in text
    assert "9 days" in text and "12 November 2024" in text and "33 days left" in text
    assert late.id != fresh.id


@freeze_time(TODAY)
@pytest.mark.parametrize("role", ["manager", "caseworker"])
def test_requests_allocated_from_the_intake_queue_leave_it_and_are_in_the_history(browser_for, new_case, make_user,
                                                                                  db, role):
    make_user(username="anna")
    first, second, third = (new_case(D(2024, 9, n), given_name=f"N{n}") for n in (2, 3, 4))
    browser = browser_for(role)
    answer = browser.submit("/allocation", {"case_ids": [str(first.id), str(second.id)], "caseworker": "anna",
                                            "back": "intake"}, form_page="/allocation/intake")
    assert answer.status_code == 302 and answer.headers["Location"].endswith("/allocation/intake")
    queue = browser.client.get("/allocation/intake").text
    assert "2 cases allocated to anna." in queue
    assert "N4 Example" in queue and "N2 Example" not in queue and "N3 Example" not in queue
    assert (_holder(db, first.id), _holder(db, second.id), _holder(db, third.id)) == ("anna", "anna", None)
    case_page = browser.client.get(f"/cases/{first.id}").text
    assert "Case allocated" in case_page


@freeze_time(TODAY)
def test_an_allocation_without_cases_or_caseworker_is_refused_on_the_page(browser_for, new_case, make_user, db):
    make_user(username="anna")
    case = new_case(D(2024, 9, 2))
    browser = browser_for("manager")
    before = _entries(db)
    none_ticked = browser.submit("/allocation", {"caseworker": "anna", "back": "intake"},
                                 form_page="/allocation/intake")
    assert none_ticked.status_code == 422
    assert error_summary(none_ticked.text) == ["Select at least one case to allocate"]
    nobody = browser.submit("/allocation", {"case_ids": str(case.id), "back": "caseload"}, form_page="/cases")
    assert nobody.status_code == 422
    assert error_summary(nobody.text) == ["Select the caseworker to allocate the cases to"]
    stranger = browser.submit("/allocation", {"case_ids": str(case.id), "caseworker": "ghost", "back": "intake"},
                              form_page="/allocation/intake")
    assert stranger.status_code == 422
    assert error_summary(stranger.text) == ["There is no caseworker called 'ghost' who can be allocated cases."]
    assert _entries(db) == before and _holder(db, case.id) is None


@freeze_time(TODAY)
def test_allocation_needs_the_page_token(browser_for, new_case, make_user, db):
    make_user(username="anna")
    case = new_case(D(2024, 9, 2))
    browser = browser_for("manager")
    answer = browser.client.post("/allocation", data={"case_ids": str(case.id), "caseworker": "anna"})
    assert answer.status_code == 400 and _holder(db, case.id) is None
    page = browser.client.get("/allocation/intake")
    ok = browser.client.post("/allocation", data={"case_ids": str(case.id), "caseworker": "anna",
                                                  "csrf_token": csrf_token(page.text)})
    assert ok.status_code == 302 and _holder(db, case.id) == "anna"


@freeze_time(TODAY)
@pytest.mark.parametrize("role", ["adviser", "admin"])
def test_advisers_and_admins_may_not_allocate(browser_for, new_case, role, db):
    case = new_case(D(2024, 9, 2))
    browser = browser_for(role)
    assert browser.client.get("/allocation/intake").status_code == 403
    assert browser.client.get("/allocation/team").status_code == 403
    token = csrf_token(browser.client.get("/", follow_redirects=True).text)
    assert browser.client.post("/allocation", data={"case_ids": str(case.id), "caseworker": "x",
                                                    "csrf_token": token}).status_code == 403


@freeze_time(TODAY)
def test_strangers_are_sent_to_sign_in(client):
    for path in ("/allocation/intake", "/allocation/team"):
        assert client.get(path).headers["Location"].startswith("/sign-in")


@freeze_time(TODAY)
def test_caseworkers_see_the_queue_but_not_the_team_caseloads(browser_for):
    browser = browser_for("caseworker")
    assert browser.client.get("/allocation/intake").status_code == 200
    assert browser.client.get("/allocation/team").status_code == 403


@freeze_time(TODAY)
def test_the_manager_sees_each_caseworkers_open_overdue_and_due_soon_counts(browser_for, new_case, make_user, db):
    make_user(username="anna")
    make_user(username="ben")
    old = new_case(D(2024, 8, 1))    # decision due 12 September 2024: overdue
    soon = new_case(D(2024, 9, 2))   # decision due 14 October 2024: due soon (14 days' warning)
    new_case(D(2024, 10, 1))         # unallocated
    ops.allocate(db, [old.id, soon.id], caseworker="anna", actor=None)
    page = browser_for("manager", username="boss").client.get("/allocation/team")
    assert page.status_code == 200
    assert "1 open case has no caseworker" in page.text

    def counts(name: str) -> list[str]:
        row = re.search(rf'<tr class="govuk-table__row">\s*<th scope="row"[^>]*><a[^>]*>{name}</a></th>(.*?)</tr>',
                        page.text, re.S)
        assert row, name
        return re.findall(r'numeric">(?:<a[^>]*>)?(\d+)', row.group(1))

    assert counts("anna") == ["2", "1", "1"]
    assert counts("ben") == ["0", "0", "0"]
    assert counts("boss") == ["0", "0", "0"]
    assert "assigned_to=anna&amp;due=overdue" in page.text


@freeze_time(TODAY)
def test_caseload_views_and_bulk_allocation_from_the_caseload(browser_for, new_case, make_user, db):
    make_user(username="anna")
    a, b = new_case(D(2024, 9, 2), given_name="Alpha"), new_case(D(2024, 9, 3), given_name="Bravo")
    browser = browser_for("manager")
    assert "Alpha Example" in browser.client.get("/cases?view=unassigned").text
    answer = browser.submit("/allocation", {"case_ids": [str(a.id), str(b.id)], "caseworker": "anna",
                                            "back": "caseload"}, form_page="/cases")
    assert answer.status_code == 302
    assert "Alpha Example" not in browser.client.get("/cases?view=unassigned").text
    team = browser.client.get("/cases?view=team").text
    assert "Alpha Example" in team and "Bravo Example" in team
    only_anna = browser.client.get("/cases?view=all&assigned_to=anna").text
    assert "Cases allocated to anna" in only_anna and "2 cases" in only_anna
    assert "Alpha Example" not in browser.client.get("/cases?view=mine").text


@freeze_time(TODAY)
def test_a_request_is_logged_into_the_queue_or_to_a_chosen_caseworker(browser_for, make_user, db):
    make_user(username="anna")
    browser = browser_for("caseworker")
    base = {"given_name": "Queue", "family_name": "Child", "date_of_birth": date_boxes(4, 5, 2016),
            "received_on": date_boxes(2, 10, 2024), "requested_by": "parent"}
    queued = browser.submit("/cases/new", base)
    assert queued.status_code == 302
    assert "in the intake queue" in browser.client.get(queued.headers["Location"]).text
    chosen = browser.submit("/cases/new", {**base, "given_name": "Chosen", "caseworker": "anna"})
    assert "allocated to anna" in browser.client.get(chosen.headers["Location"]).text
    unknown = browser.submit("/cases/new", {**base, "caseworker": "ghost"})
    assert unknown.status_code == 422 and error_summary(unknown.text) == ["Choose a caseworker from the list"]


@freeze_time(TODAY)
def test_the_case_page_allocates_and_reallocates_one_case(browser_for, new_case, make_user, db):
    make_user(username="anna")
    make_user(username="ben")
    case = new_case(D(2024, 9, 2))
    browser = browser_for("manager")
    path = f"/cases/{case.id}/events/assign_caseworker"
    form = browser.client.get(path).text
    assert '<option value="anna">anna</option>' in form
    on = date_boxes(10, 10, 2024)
    assert browser.submit(path, {"on": on, "caseworker": "anna"}).status_code == 302
    assert browser.submit(path, {"on": on, "caseworker": "ben"}).status_code == 302
    twice = browser.submit(path, {"on": on, "caseworker": "ben"})
    assert twice.status_code == 422 and "already allocated to ben" in twice.text
    assert _holder(db, case.id) == "ben"
    page = browser.client.get(f"/cases/{case.id}").text
    assert "To anna</span>" in page and "To ben, from anna</span>" in page
