"""The early years review (G7.2) shown and alerted like the other deadlines, and worded as a service level: the
case page lists it with its rule and citation, the scan alerts it once late, and the digest says it is not a
statutory time limit."""

from __future__ import annotations

import datetime as dt

from freezegun import freeze_time

from casework.alerts import scan
from casework.mail import notify
from casework.models import User
from tests.law.rules.paths import BORN_2022, plan_for

D = dt.date
LABEL = "Review for a child under 5 (every 3 to 6 months: a service level)"


def _row(page: str, label: str) -> str:
    row = page[page.index(label):]
    return row[:row.index("</tr>")]


@freeze_time("2026-03-02")
def test_the_case_page_lists_it_with_its_rule_and_citation_and_reads_it_overdue(browser_for, db, new_case):
    case = plan_for(db, new_case, BORN_2022)  # plan 31 August 2025: review owed by 28 February 2026
    page = browser_for("caseworker").client.get(f"/cases/{case.id}").text
    row = _row(page, LABEL)
    assert "28 February 2026" in row and "From 31 August 2025" in row
    assert "G7.2" in row and "SEND Code of Practice 2015 para 9.178" in row
    assert "Overdue" in row  # 2 March 2026 is after its last day


def test_the_scan_alerts_it_once_late_and_the_digest_calls_it_a_service_level(browser_for, db, new_case, settings):
    with freeze_time("2026-03-02"):
        case = plan_for(db, new_case, BORN_2022)
        # 1 March 2026 is the first day after 28 February: overdue
        scan.run_scan(db, settings, as_of=D(2026, 3, 1))
        manager = browser_for("manager")
        page = manager.client.get("/dashboard?year=2026").text
        alerts = page.split("Recent overdue alerts", 1)[1].split("<h2", 1)[0]
        assert case.reference in alerts and "(rule G7.2)" in alerts and LABEL in alerts
    with db.reading() as session:
        lines = [line for line in notify._undelivered_lines(session, session.get(User, manager.user.id),
                                                            D(2026, 3, 1)) if line.rule == "G7.2"]
    assert [(line.kind, line.due_on) for line in lines] == [("overdue", D(2026, 2, 28))]
    text = notify.body(lines, User(username="manager", role="manager"), D(2026, 3, 1), "https://ehcp.example",
                       "Demo Borough Council")
    assert f"{case.reference}: {LABEL} was due on 28 February 2026: 1 day late" in text
    assert ("Rule G7.2 (a service level, not a statutory time limit): SEND Code of Practice 2015 para 9.178"
            in text)
    # a statutory rule's line keeps its plain wording
    other = notify.AlertLine(0, "overdue", case.id, case.reference, "annual_review", "R7.1",
                             "Children and Families Act 2014 s.44(1)", D(2026, 2, 28), None)
    assert "  Rule R7.1: Children and Families Act 2014 s.44(1)" in notify.body(
        [other], User(username="manager", role="manager"), D(2026, 3, 1), "https://ehcp.example", "Demo")
