"""The adviser's tray and the caseworker's advice page list only advice still owed (never a cancelled request,
nor one whose case no longer needs it), paged, filtered by type, organisation and overdue, and searchable; the
API's advice list and caseload are paged the same way. Due dates are 6 weeks from the body's receipt."""

from __future__ import annotations

import datetime as dt

from freezegun import freeze_time

from casework import operations as ops

TODAY = "2025-03-03"
D = dt.date
NHS = "Northbridge NHS Foundation Trust"


def _asked(db, new_case, given_name: str, on: D, advice_type: str = "health", organisation: str = NHS,
           received: D = D(2024, 9, 2)):
    case = new_case(received, given_name=given_name, family_name="Example")
    ops.agree_to_assess(db, case.id, actor=None, on=received + dt.timedelta(days=20))
    case = ops.request_advice(db, case.id, actor=None, on=on, advice_type=advice_type, organisation=organisation)
    return case, case.advice_requests[-1].id


def _rows(html: str) -> int:
    return html.count('class="govuk-table__row"') - 1  # less the heading row


@freeze_time(TODAY)
def test_only_what_is_owed_is_listed(db, new_case, browser_for):
    owed, _ = _asked(db, new_case, "Owed", D(2025, 2, 3))  # due 17 March 2025
    voided_case, voided = _asked(db, new_case, "Voided", D(2025, 2, 3))
    ops.void_advice_request(db, voided_case.id, actor=None, on=D(2025, 2, 4), advice_request_id=voided,
                            reason="Sent in error")
    returned_case, returned = _asked(db, new_case, "Returned", D(2025, 2, 3))
    ops.record_advice(db, returned_case.id, actor=None, on=D(2025, 2, 20), advice_request_id=returned)
    closed_case, _ = _asked(db, new_case, "Closed", D(2025, 1, 6))
    ops.withdraw(db, closed_case.id, actor=None, on=D(2025, 2, 10), reason="Family moved away")
    for role in ("adviser", "caseworker"):
        tray = browser_for(role).client.get("/advice").text
        assert "Owed Example" in tray and "17 March 2025" in tray
        for gone in ("Voided", "Returned", "Closed"):
            assert f"{gone} Example" not in tray
        assert "1 outstanding." in tray and _rows(tray) == 1


@freeze_time(TODAY)
def test_filters_search_and_paging(db, new_case, browser_for):
    _asked(db, new_case, "Late", D(2025, 1, 6))  # due 17 February 2025: overdue
    _asked(db, new_case, "Psych", D(2025, 2, 10), advice_type="psychological",
           organisation="Educational Psychology Service")  # due 24 March 2025
    for index in range(27):
        _asked(db, new_case, f"Many{index:02d}", D(2025, 2, 17))  # due 31 March 2025
    staff = browser_for("caseworker").client
    first = staff.get("/advice").text
    assert "29 outstanding, 1 overdue. Page 1 of 2." in first and _rows(first) == 25
    assert first.index("Late Example") < first.index("Psych Example") < first.index("Many00 Example")
    second = staff.get("/advice?page=2").text
    assert _rows(second) == 4 and "Many26 Example" in second
    overdue = staff.get("/advice?due=overdue").text
    assert "Late Example" in overdue and _rows(overdue) == 1
    assert _rows(staff.get("/advice?due=not_overdue").text) == 25
    psych = staff.get("/advice?advice_type=psychological").text
    assert "Psych Example" in psych and _rows(psych) == 1
    page = staff.get("/advice").text
    eps_id = page.split('>Educational Psychology Service<')[0].rsplit('value="', 1)[1].split('"')[0]
    by_org = staff.get(f"/advice?organisation={eps_id}").text
    assert "Psych Example" in by_org and _rows(by_org) == 1
    searched = staff.get("/advice?q=many2").text
    assert _rows(searched) == 7  # Many20 to Many26
    assert "No outstanding advice matches these filters." in staff.get("/advice?q=nobody").text
    # an adviser sees only their own organisation's requests, and no organisation filter
    adviser = browser_for("adviser", org="Educational Psychology Service").client.get("/advice").text
    assert "Psych Example" in adviser and _rows(adviser) == 1 and "Asked of</label>" not in adviser
    assert staff.get("/advice?page=x").status_code == 422


@freeze_time(TODAY)
def test_history_says_which_advice_an_entry_is_about(db, new_case, browser_for):
    case, advice_id = _asked(db, new_case, "Ada", D(2025, 2, 3))
    ops.record_advice(db, case.id, actor=None, on=D(2025, 2, 20), advice_request_id=advice_id)
    page = browser_for("caseworker").client.get(f"/cases/{case.id}").text
    assert page.count(f"Health advice from {NHS}, asked on 3 February 2025") == 2
