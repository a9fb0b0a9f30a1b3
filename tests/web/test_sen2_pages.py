"""The SEN2 pages: a caseworker records a case's details on its form; the manager checks and downloads."""

from __future__ import annotations

import datetime as dt

from lxml import etree

from casework import operations
from casework.reporting.sen2 import details, xml
from tests.web.conftest import error_summary

D = dt.date


def _plan(db, new_case) -> int:
    """A plan issued 20 January 2025: in force on the January 2026 census."""
    case = new_case(D(2024, 9, 2))
    for event, on in (("agree_to_assess", D(2024, 10, 1)), ("decide_to_issue", D(2024, 12, 2)),
                      ("issue_draft", D(2024, 12, 16)), ("issue_final", D(2025, 1, 20))):
        operations.fire_event(db, case.id, event, actor=None, on=on)
    return case.id


FORM = {"request_source": "3", "youth_accommodation": "no", "named_main": "100001", "attended_main": "10012345",
        "attended_second": "ola", "primary_need": "ASD", "secondary_need": "SLCN", "residential": "yes",
        "work_based_learning": "", "personal_budget": ["direct_payments", "notional"], "transfer_la": "202"}


def test_a_caseworker_records_the_details_from_the_case_page(browser_for, db, new_case) -> None:
    case_id = _plan(db, new_case)
    caseworker = browser_for("caseworker")
    page = caseworker.client.get(f"/cases/{case_id}").text
    assert f'href="/cases/{case_id}/sen2"' in page
    saved = caseworker.submit(f"/cases/{case_id}/sen2", FORM)
    assert saved.status_code == 302 and saved.headers["Location"].endswith(f"/cases/{case_id}")
    with db.reading() as s:
        recorded = details.as_dict(details.current(s, case_id))
    assert recorded["request_source"] == 3 and recorded["youth_accommodation"] is False
    assert recorded["residential"] is True and recorded["work_based_learning"] is None
    assert recorded["personal_budget"] == ["direct_payments", "notional"] and recorded["transfer_la"] == "202"
    assert recorded["placements"] == [{"kind": "named", "urn": "100001", "rank": 1},
                                      {"kind": "attended", "ukprn": "10012345", "rank": 1},
                                      {"kind": "attended", "sen_setting": "OLA", "rank": 2}]
    assert recorded["sen_needs"] == [{"code": "ASD", "rank": 1}, {"code": "SLCN", "rank": 2}]
    form = caseworker.client.get(f"/cases/{case_id}/sen2").text  # shown again as saved
    assert 'value="10012345"' in form and 'value="202"' in form
    history = caseworker.client.get(f"/cases/{case_id}").text
    assert "SEN2 return details recorded" in history


def test_a_bad_detail_is_refused_next_to_its_field_and_nothing_saved(browser_for, db, new_case) -> None:
    case_id = _plan(db, new_case)
    caseworker = browser_for("caseworker")
    refused = caseworker.submit(f"/cases/{case_id}/sen2", {**FORM, "attended_main": "12"})
    assert refused.status_code == 422
    assert error_summary(refused.text) == ["A school's unique reference number (URN) is 6 digits."]
    refused = caseworker.submit(f"/cases/{case_id}/sen2", {**FORM, "transfer_la": "north"})
    assert refused.status_code == 422
    assert "3 digits" in error_summary(refused.text)[0]
    refused = caseworker.submit(f"/cases/{case_id}/sen2", {**FORM, "secondary_need": "ASD"})
    assert refused.status_code == 422 and error_summary(refused.text) == ["The same need is given twice."]
    with db.reading() as s:
        assert details.current(s, case_id) is None


def test_the_form_needs_a_csrf_token(browser_for, db, new_case) -> None:
    case_id = _plan(db, new_case)
    caseworker = browser_for("caseworker")
    assert caseworker.client.post(f"/cases/{case_id}/sen2", data=FORM).status_code == 400
    with db.reading() as s:
        assert details.current(s, case_id) is None


def test_the_manager_checks_the_return_and_downloads_it(browser_for, db, new_case, make_user) -> None:
    case_id = _plan(db, new_case)
    manager = browser_for("manager")
    page = manager.client.get("/sen2?year=2026")
    assert page.status_code == 200
    assert "15 January 2026" in page.text and "1 January 2025 to 31 December 2025" in page.text
    assert "Download the return (XML)" in page.text and "SEN2-R01" in page.text and "Ada Example" in page.text
    got = manager.client.get("/sen2/download?year=2026")
    assert got.status_code == 200 and got.mimetype == "application/xml"
    assert xml.schema_errors(got.data) == []
    assert etree.fromstring(got.data).findtext("Persons/Person/Requests/Assessment/NamedPlan/StartDate") == \
        "2025-01-20"

    details.record(db, case_id, actor=make_user("caseworker"), details={"transfer_la": "999"})
    page = manager.client.get("/sen2?year=2026").text
    assert "Download the return (XML)" not in page and "1 error to put right" in page and "SEN2-T01" in page
    refused = manager.client.get("/sen2/download?year=2026")
    assert refused.status_code == 302 and refused.headers["Location"].endswith("/sen2?year=2026")


def test_a_bad_year_is_said_next_to_the_box(browser_for) -> None:
    manager = browser_for("manager").client
    for typed in ("1999", "abc", "20 26"):
        page = manager.get(f"/sen2?year={typed}")
        assert page.status_code == 422
        assert error_summary(page.text)[0].startswith("Enter a census year from 2015 to 2100")
        assert "Census date" not in page.text  # nothing was built for a year that is not one


def test_opening_the_page_offers_the_check_without_running_it(browser_for, db, new_case) -> None:
    _plan(db, new_case)
    page = browser_for("manager").client.get("/sen2")
    assert page.status_code == 200
    assert "Check the return" in page.text
    assert "Census date" not in page.text and "Download the return (XML)" not in page.text


def test_only_managers_see_the_return_and_advisers_not_the_form(browser_for, db, new_case) -> None:
    case_id = _plan(db, new_case)
    assert browser_for("caseworker").client.get("/sen2").status_code == 403
    assert browser_for("caseworker").client.get("/sen2/download?year=2026").status_code == 403
    adviser = browser_for("adviser")
    assert adviser.client.get(f"/cases/{case_id}/sen2").status_code == 403
    assert browser_for("caseworker").client.get("/cases/999999/sen2").status_code == 404
