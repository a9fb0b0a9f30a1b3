"""The mediation and appeal steps on the pages: reached from the case page, each form from its step's
declaration, CSRF on every post, refused to roles that cannot change cases, and a refusal that changes nothing."""

from __future__ import annotations

from casework import disputes
from tests.disputes.conftest import D
from tests.support import snapshot
from tests.web.conftest import date_boxes, error_summary


def test_a_caseworker_records_the_certificate_then_the_appeal(browser_for, db, refused):
    case_id, decision = refused(letter_on=D(2025, 1, 10))
    browser = browser_for("caseworker")
    page = browser.client.get(f"/cases/{case_id}").text
    assert "Mediation and appeals" in page
    assert f"/cases/{case_id}/disputes/issue_mediation_certificate" in page
    form = browser.client.get(f"/cases/{case_id}/disputes/issue_mediation_certificate").text
    assert "Issue the mediation certificate" in form and "Refused to assess" in form and "10 January 2025" in form

    answer = browser.submit(f"/cases/{case_id}/disputes/record_mediation_contact",
                            {"on": date_boxes(13, 1, 2025), "decision": str(decision), "wants_mediation": "no"})
    assert answer.status_code == 302, error_summary(browser.client.get(f"/cases/{case_id}").text)
    answer = browser.submit(f"/cases/{case_id}/disputes/issue_mediation_certificate",
                            {"on": date_boxes(14, 1, 2025), "decision": str(decision)})
    assert answer.status_code == 302
    answer = browser.submit(f"/cases/{case_id}/disputes/register_appeal",
                            {"on": date_boxes(20, 1, 2025), "decision": str(decision),
                             "tribunal_reference": "EH/PAGE/1", "grounds": ["assessment"]})
    assert answer.status_code == 302
    with db.reading() as session:
        (dispute,) = disputes.disputes_of(session, case_id)
        assert (dispute.contacted_on, dispute.wants_mediation, dispute.certificate_on) == (
            D(2025, 1, 13), False, D(2025, 1, 14))
        assert (dispute.tribunal_reference, dispute.grounds, dispute.appeal_registered_on) == (
            "EH/PAGE/1", ["assessment"], D(2025, 1, 20))
    page = browser.client.get(answer.headers["Location"]).text
    assert "Appeal registered: recorded on" in page


def test_a_refused_step_says_why_and_changes_nothing(browser_for, db, refused):
    case_id, decision = refused(letter_on=D(2025, 1, 10))
    browser = browser_for("manager")
    before = snapshot(db, case_id)
    # No certificate yet: an appeal on the refusal to assess needs one (CFA s.55).
    answer = browser.submit(f"/cases/{case_id}/disputes/register_appeal",
                            {"on": date_boxes(20, 1, 2025), "decision": str(decision),
                             "tribunal_reference": "EH/PAGE/2", "grounds": ["assessment"]})
    assert answer.status_code == 422
    assert any("mediation certificate" in line for line in error_summary(answer.text))
    missing = browser.submit(f"/cases/{case_id}/disputes/issue_mediation_certificate",
                             {"on": ["", "", ""], "decision": str(decision)})
    assert missing.status_code == 422
    assert error_summary(missing.text) == ["Enter the date the certificate was issued"]
    assert snapshot(db, case_id) == before


def test_only_those_who_change_cases_reach_the_steps(browser_for, refused, client):
    case_id, decision = refused(letter_on=D(2025, 1, 10))
    url = f"/cases/{case_id}/disputes/issue_mediation_certificate"
    for role in ("adviser", "admin"):
        assert browser_for(role).client.get(url).status_code == 403, role
    assert client.get(url).status_code == 302  # a stranger is sent to sign in
    caseworker = browser_for("caseworker")
    assert caseworker.client.get(f"/cases/{case_id}/disputes/teleport").status_code == 404
    assert caseworker.client.get("/cases/999999/disputes/issue_mediation_certificate").status_code == 404
    # a post without the form's token is refused
    assert caseworker.client.post(url, data={"on": date_boxes(14, 1, 2025), "decision": str(decision)}
                                  ).status_code == 400


def test_a_case_with_no_decision_letter_offers_no_steps(browser_for, new_case):
    case = new_case(D(2025, 1, 6))
    browser = browser_for("caseworker")
    assert "Mediation and appeals" not in browser.client.get(f"/cases/{case.id}").text
    answer = browser.client.get(f"/cases/{case.id}/disputes/register_appeal")
    assert answer.status_code == 302
    assert "No decision letter" in browser.client.get(answer.headers["Location"]).text
