"""The dashboard: alerts acknowledged from the page (with CSRF), advice alerts naming the organisation, a year
out of range refused with a message, the open cases shown apart from any year, and the way to every overdue item."""

from __future__ import annotations

import datetime as dt

import pytest
from freezegun import freeze_time

from casework import operations as ops
from casework.alerts import scan
from casework.models import Alert
from tests.web.conftest import csrf_token, error_summary

D = dt.date
ORG = "Northbridge NHS Foundation Trust"


@pytest.fixture
def late_advice(db, new_case, settings):
    """Health advice asked of the trust on 9 September 2024, due 21 October 2024, scanned on 25 October."""
    with freeze_time("2024-10-25"):
        case = new_case(D(2024, 9, 2))
        ops.agree_to_assess(db, case.id, actor=None, on=D(2024, 9, 9))
        ops.request_advice(db, case.id, actor=None, on=D(2024, 9, 9), advice_type="health", organisation=ORG)
        scan.run_scan(db, settings, as_of=D(2024, 10, 25))
    return case


def _alerts_section(text: str) -> str:
    return text.split("Recent overdue alerts", 1)[1].split("<h2", 1)[0]


@freeze_time("2024-10-25")
def test_an_advice_alert_names_the_organisation_and_is_acknowledged_from_the_page(browser_for, db, late_advice):
    manager = browser_for("manager", username="boss")
    page = manager.client.get("/dashboard")
    section = _alerts_section(page.text)
    assert f"Advice returned (6 weeks), owed by {ORG}, (rule R2.1) was due 21 October 2024" in " ".join(section.split())
    with db.reading() as session:
        advice_alert = session.query(Alert).filter(Alert.deadline_kind == "advice").one()
    path = f"/dashboard/alerts/{advice_alert.id}/acknowledge"
    assert manager.client.post(path).status_code == 400  # no token: refused, nothing changed
    with db.reading() as session:
        assert session.get(Alert, advice_alert.id).acknowledged_at is None
    answer = manager.client.post(path, data={"csrf_token": csrf_token(page.text)})
    assert answer.status_code == 302
    after = manager.client.get("/dashboard").text
    assert "Alert acknowledged: " in after and "due 21 October 2024." in after
    assert "acknowledged by boss." in _alerts_section(after)
    with db.reading() as session:
        assert session.get(Alert, advice_alert.id).acknowledged_by_id == manager.user.id


@freeze_time("2024-10-25")
@pytest.mark.parametrize("role", ["caseworker", "adviser", "admin"])
def test_only_managers_acknowledge_from_the_dashboard(browser_for, db, late_advice, role):
    browser = browser_for(role)
    with db.reading() as session:
        alert_id = session.query(Alert).first().id
    token = csrf_token(browser.client.get("/", follow_redirects=True).text)
    answer = browser.client.post(f"/dashboard/alerts/{alert_id}/acknowledge", data={"csrf_token": token})
    assert answer.status_code == 403


@freeze_time("2024-10-25")
def test_an_unknown_alert_is_404(browser_for):
    manager = browser_for("manager")
    token = csrf_token(manager.client.get("/dashboard").text)
    assert manager.client.post("/dashboard/alerts/999999/acknowledge", data={"csrf_token": token}).status_code == 404


@freeze_time("2024-10-25")
@pytest.mark.parametrize("year", ["abc", "1999", "99999999999999999999", "2101"])
def test_a_year_out_of_range_is_refused_with_a_message(browser_for, year):
    answer = browser_for("manager").client.get(f"/dashboard?year={year}")
    assert answer.status_code == 422
    assert error_summary(answer.text) == ["Enter a year from 2014 to 2100, like 2024"]


@freeze_time("2024-10-25")
def test_open_cases_stand_apart_from_the_years_figures_and_overdue_leads_to_the_full_list(browser_for, late_advice):
    text = browser_for("manager").client.get("/dashboard?year=2023").text
    assert text.index("Open cases by stage today") < text.index("Timeliness in 2023")
    assert 'href="/reports/overdue"' in text
