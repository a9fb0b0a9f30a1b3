"""Late with an exception that applies is kept apart from overdue in the caseload's filter and the
dashboard's counts, and reads "Late: exception applies" wherever it is shown."""

from __future__ import annotations

import datetime as dt
import re

from freezegun import freeze_time

from casework import operations

D = dt.date


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def _two_late_cases(db, new_case):
    excused = new_case(D(2024, 9, 2), given_name="Excused", family_name="Child")
    operations.record_exception(db, excused.id, actor=None, on=D(2024, 9, 20), reason="personal_circumstances",
                                starts_on=D(2024, 9, 10), ends_on=D(2024, 10, 30),
                                applies_to=["decision_to_assess", "issue_decision", "final_plan"],
                                family_told_on=D(2024, 9, 20), evidence="Hospital letter")
    raw = new_case(D(2024, 9, 2), given_name="Raw", family_name="Child")
    return excused, raw


@freeze_time("2025-03-03")
def test_the_caseload_filters_overdue_and_excused_apart(browser_for, db, new_case):
    excused, raw = _two_late_cases(db, new_case)
    browser = browser_for("manager")
    overdue = _text(browser.client.get("/cases?due=overdue&mine=no").text)
    assert "Raw Child" in overdue and "Excused Child" not in overdue
    late = _text(browser.client.get("/cases?due=excused&mine=no").text)
    assert "Excused Child" in late and "Raw Child" not in late
    page = _text(browser.client.get(f"/cases/{excused.id}").text)
    assert page.count("Late: exception applies") == 3 and " Overdue " not in page


@freeze_time("2025-03-03")
def test_the_dashboard_counts_overdue_and_excused_apart(browser_for, db, new_case):
    _two_late_cases(db, new_case)
    page = _text(browser_for("manager").client.get("/dashboard").text)
    # each case has three late limits: the raw case's three are overdue, the other's three excused
    assert "3 open time limits overdue, and 3 late with an exception that applies" in page
    assert page.count("Late: exception applies") == 3
