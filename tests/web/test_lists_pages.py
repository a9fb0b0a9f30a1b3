"""The manager's lists: who may open them, what each holds (dates worked out by hand), paging, the CSV read
back, and options out of range answered with a message."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from freezegun import freeze_time

from casework import operations as ops
from tests.support import to_final_plan
from tests.web.conftest import error_summary

D = dt.date
TODAY = "2025-12-01"


@pytest.fixture
def caseload(db, new_case, make_user):
    """A: plan 6 January 2025 (review due 5 January 2026), moving school phase in 2026 (amend by 14 February).
    B: plan 13 May 2024 (review due 12 May 2025, overdue), to post-16 in 2026 (amend by 30 March).
    C: plan 7 July 2025 (review due 6 July 2026). Nine requests of 6 January 2025 with nothing done: each owes
    the decision to assess (17 February 2025), the issue decision (28 April) and the plan (26 May)."""
    anna = make_user(username="anna")
    a = to_final_plan(db, new_case(D(2024, 9, 2), given_name="Amy", family_name="Adams").id, D(2024, 9, 2))
    b = to_final_plan(db, new_case(D(2024, 1, 8), given_name="Bea", family_name="Brown").id, D(2024, 1, 8))
    c = to_final_plan(db, new_case(D(2025, 3, 3), given_name="Cal", family_name="Clark").id, D(2025, 3, 3))
    ops.set_phase_transfer(db, a.id, actor=None, on=D(2025, 9, 1), transfer="school", year=2026)
    ops.set_phase_transfer(db, b.id, actor=None, on=D(2025, 9, 1), transfer="post16", year=2026)
    waiting = [new_case(D(2025, 1, 6), given_name=f"Kid{n}", family_name="Waiting").id for n in range(9)]
    ops.allocate(db, [a.id, waiting[0]], caseworker="anna", actor=None)
    return {"a": a, "b": b, "c": c, "waiting": waiting, "anna": anna}


def _csv(answer) -> list[dict[str, str]]:
    assert answer.status_code == 200 and answer.mimetype == "text/csv"
    assert answer.headers["Content-Disposition"].startswith("attachment")
    return list(csv.DictReader(io.StringIO(answer.get_data(as_text=True))))


@freeze_time(TODAY)
@pytest.mark.parametrize("role", ["caseworker", "adviser", "admin"])
def test_only_managers_open_the_lists(browser_for, role):
    browser = browser_for(role)
    for path in ("/reports", "/reports/overdue", "/reports/overdue.csv", "/reports/phase-transfers"):
        assert browser.client.get(path).status_code == 403, path


@freeze_time(TODAY)
def test_nobody_signed_in_is_sent_to_sign_in(client):
    assert client.get("/reports/overdue.csv").headers["Location"].startswith("/sign-in")


@freeze_time(TODAY)
def test_annual_reviews_due_in_the_next_weeks_and_overdue(browser_for, caseload):
    browser = browser_for("manager")
    page = browser.client.get("/reports/annual-reviews")  # 8 weeks: to 26 January 2026
    assert page.status_code == 200
    assert "2 rows" in page.text and "Amy Adams" in page.text and "Bea Brown" in page.text
    assert "Cal Clark" not in page.text
    rows = _csv(browser.client.get("/reports/annual-reviews.csv"))
    assert [(r["Child"], r["Due"], r["Status"], r["Caseworker"]) for r in rows] == [
        ("Bea Brown", "2025-05-12", "Overdue", ""), ("Amy Adams", "2026-01-05", "Pending", "anna")]
    longer = _csv(browser.client.get("/reports/annual-reviews.csv?weeks=40"))  # to 7 September 2026
    assert [r["Child"] for r in longer] == ["Bea Brown", "Amy Adams", "Cal Clark"]


@freeze_time(TODAY)
def test_phase_transfer_cohorts_for_15_february_and_31_march(browser_for, caseload):
    browser = browser_for("manager")
    february = _csv(browser.client.get("/reports/phase-transfers.csv?year=2026&cohort=february"))
    assert [(r["Child"], r["Amend by"], r["Status"], r["Stage"]) for r in february] == [
        ("Amy Adams", "2026-02-14", "Pending", "Plan maintained")]
    march = _csv(browser.client.get("/reports/phase-transfers.csv?year=2026&cohort=march"))
    assert [(r["Child"], r["Amend by"]) for r in march] == [("Bea Brown", "2026-03-30")]
    assert _csv(browser.client.get("/reports/phase-transfers.csv?year=2027&cohort=march")) == []
    page = browser.client.get("/reports/phase-transfers?year=2026&cohort=march")
    assert "Bea Brown" in page.text and "30 March 2026" in page.text


@freeze_time(TODAY)
def test_every_overdue_item_paged_with_its_caseworker_and_the_whole_list_as_csv(browser_for, caseload):
    browser = browser_for("manager")
    first = browser.client.get("/reports/overdue")
    assert "28 rows, page 1 of 2" in first.text
    second = browser.client.get("/reports/overdue?page=2")
    assert "page 2 of 2" in second.text and second.text.count('class="govuk-table__row"') == 1 + 3
    rows = _csv(browser.client.get("/reports/overdue.csv"))
    assert len(rows) == 28
    oldest = rows[0]
    assert (oldest["What is owed"], oldest["Rule"], oldest["Due"], oldest["Days overdue"]) == \
        ("Decision whether to assess", "R1.1", "2025-02-17", "287")
    assert sum(r["Caseworker"] == "anna" for r in rows) == 3  # the first waiting request's three limits
    assert {r["Child"] for r in rows if r["Due"] == "2025-05-12"} == {"Bea Brown"}


@freeze_time(TODAY)
def test_decisions_awaited(browser_for, caseload):
    rows = _csv(browser_for("manager").client.get("/reports/decisions.csv"))
    assert len(rows) == 18
    assert {(r["Decision"], r["Due"]) for r in rows} == {("Decision whether to assess", "2025-02-17"),
                                                         ("Decision whether to issue a plan", "2025-04-28")}


@freeze_time(TODAY)
@pytest.mark.parametrize(("query", "message"), [
    ("/reports/annual-reviews?weeks=0", "Enter a number of weeks from 1 to 52"),
    ("/reports/annual-reviews?weeks=abc", "Enter a number of weeks from 1 to 52"),
    ("/reports/phase-transfers?year=20x6", "Enter a year from 2014 to 2100"),
    ("/reports/phase-transfers?year=99999999999999999999", "Enter a year from 2014 to 2100"),
    ("/reports/phase-transfers?cohort=june", "Choose 15 February or 31 March"),
    ("/reports/phase-transfers.csv?cohort=june", "Choose 15 February or 31 March"),
    ("/reports/overdue?page=0", "Page numbers are whole numbers from 1"),
])
def test_options_out_of_range_are_answered_with_a_message(browser_for, query, message):
    answer = browser_for("manager").client.get(query)
    assert answer.status_code == 422
    assert any(message in m for m in error_summary(answer.text))


@freeze_time(TODAY)
def test_an_unknown_list_is_404(browser_for):
    assert browser_for("manager").client.get("/reports/nothing").status_code == 404
