"""The caseworker's, adviser's, manager's and administrator's pages doing their jobs through the forms."""

from __future__ import annotations

import datetime as dt

from freezegun import freeze_time
from sqlalchemy import func, select

from casework import operations
from casework.models import AdviceRequest, AuditEntry, Case, User
from tests.support import snapshot
from tests.web.conftest import date_boxes, error_summary

TODAY = "2025-03-03"


def _new_request(browser, **overrides):
    data = {"given_name": "Ada", "family_name": "Example", "date_of_birth": date_boxes(4, 5, 2016),
            "primary_need": "ASD", "received_on": date_boxes(2, 9, 2024), "requested_by": "parent"}
    data.update(overrides)
    return browser.submit("/cases/new", data)


def _step(browser, case_id: int, event: str, on: dt.date, **fields):
    return browser.submit(f"/cases/{case_id}/events/{event}", {"on": date_boxes(on.day, on.month, on.year), **fields})


@freeze_time(TODAY)
def test_a_caseworker_takes_a_request_to_a_final_plan_through_the_forms(browser_for, db):
    browser = browser_for("caseworker")
    created = _new_request(browser)
    assert created.status_code == 302
    case_id = int(created.headers["Location"].rsplit("/", 1)[1])
    page = browser.client.get(created.headers["Location"])
    assert "Request logged as" in page.text and "Ada Example" in page.text
    assert "R1.1" in page.text and "Decision whether to assess" in page.text

    steps = [("agree_to_assess", dt.date(2024, 10, 7), {}),
             ("request_advice", dt.date(2024, 10, 8), {"advice_type": "health",
                                                        "organisation": "Northbridge NHS Foundation Trust"})]
    for event, on, fields in steps:
        assert _step(browser, case_id, event, on, **fields).status_code == 302, event
    with db.reading() as session:
        advice_id = session.scalar(select(AdviceRequest.id).where(AdviceRequest.case_id == case_id))
    for event, on, fields in [("record_advice", dt.date(2024, 11, 12), {"advice_request_id": str(advice_id)}),
                              ("decide_to_issue", dt.date(2024, 12, 9), {}),
                              ("issue_draft", dt.date(2024, 12, 16), {}),
                              ("issue_final", dt.date(2025, 1, 13), {"named_setting": "Riverside Primary"})]:
        answer = _step(browser, case_id, event, on, **fields)
        assert answer.status_code == 302, (event, error_summary(answer.text))

    page = browser.client.get(f"/cases/{case_id}")
    assert "Plan maintained" in page.text and "Riverside Primary" in page.text
    with db.reading() as session:
        case = session.get(Case, case_id)
        assert case.state == "plan_maintained" and case.plan_issued_on == dt.date(2025, 1, 13)
        final = next(d for d in case.deadlines if d.kind == "final_plan")
        assert final.met_on == dt.date(2025, 1, 13)
        events = session.scalars(select(AuditEntry.event).where(AuditEntry.case_id == case_id)
                                 .order_by(AuditEntry.id)).all()
    assert events == ["request_received", "agree_to_assess", "request_advice", "record_advice", "decide_to_issue",
                      "issue_draft", "issue_final"]
    assert "Final plan issued" in page.text  # the history, in words


@freeze_time(TODAY)
def test_the_case_page_offers_only_the_events_its_state_allows(browser_for, new_case):
    case = new_case(dt.date(2024, 9, 2))
    browser = browser_for("caseworker")
    page = browser.client.get(f"/cases/{case.id}").text
    assert f"/cases/{case.id}/events/agree_to_assess" in page
    assert f"/cases/{case.id}/events/withdraw" in page
    assert f"/cases/{case.id}/events/issue_final" not in page
    assert f"/cases/{case.id}/events/request_advice" not in page
    answer = browser.client.get(f"/cases/{case.id}/events/issue_final")
    assert answer.status_code == 302
    assert "not possible" in browser.client.get(answer.headers["Location"]).text


@freeze_time(TODAY)
def test_a_bad_date_is_shown_in_the_error_summary_and_nothing_changes(browser_for, new_case, db):
    case = new_case(dt.date(2024, 9, 2))
    before = snapshot(db, case.id)
    browser = browser_for("caseworker")
    impossible = browser.submit(f"/cases/{case.id}/events/agree_to_assess", {"on": date_boxes(31, 2, 2025)})
    assert impossible.status_code == 422
    assert error_summary(impossible.text) == ["Date of the decision to assess must be a real date"]
    assert 'href="#on-day"' in impossible.text and "govuk-error-message" in impossible.text
    early = browser.submit(f"/cases/{case.id}/events/agree_to_assess", {"on": date_boxes(1, 8, 2024)})
    assert early.status_code == 422
    assert "before the request was received" in error_summary(early.text)[0]
    missing = browser.submit(f"/cases/{case.id}/events/agree_to_assess", {"on": ["", "", ""]})
    assert error_summary(missing.text) == ["Enter the date of the decision to assess"]
    future = browser.submit(f"/cases/{case.id}/events/agree_to_assess", {"on": date_boxes(1, 4, 2025)})
    assert future.status_code == 422 and "future" in error_summary(future.text)[0]
    assert snapshot(db, case.id) == before


@freeze_time(TODAY)
def test_a_new_request_with_errors_keeps_what_was_typed_and_writes_nothing(browser_for, db):
    browser = browser_for("caseworker")
    answer = _new_request(browser, given_name="", date_of_birth=date_boxes(4, 13, 2016), requested_by="")
    assert answer.status_code == 422
    assert error_summary(answer.text) == ["Enter the child's given name", "Date of birth must be a real date",
                                          "Select who made the request"]
    assert 'value="Example"' in answer.text  # what was typed is kept
    assert 'value="13"' in answer.text
    with db.reading() as session:
        assert session.scalar(select(func.count(Case.id))) == 0


@freeze_time(TODAY)
def test_someone_elses_change_meanwhile_is_reported_not_overwritten(browser_for, new_case, db):
    case = new_case(dt.date(2024, 9, 2))
    browser = browser_for("caseworker")
    stale = browser.client.get(f"/cases/{case.id}/events/agree_to_assess")
    operations.agree_to_assess(db, case.id, actor=None, on=dt.date(2024, 9, 30))
    from tests.web.conftest import csrf_token, version_on

    answer = browser.client.post(f"/cases/{case.id}/events/agree_to_assess", data={
        "csrf_token": csrf_token(stale.text), "version": version_on(stale.text), "on": date_boxes(1, 10, 2024)})
    assert answer.status_code == 422
    assert "Someone else changed this case" in error_summary(answer.text)[0]
    with db.reading() as session:
        assert session.get(Case, case.id).decision_to_assess_on == dt.date(2024, 9, 30)


@freeze_time(TODAY)
def test_caseload_filters_search_sorts_and_pages(browser_for, new_case, db):
    late = new_case(dt.date(2024, 9, 2), given_name="Zara", family_name="Quinn")  # decision overdue
    soon = new_case(dt.date(2025, 1, 27), given_name="Yusuf", family_name="Patel")  # due 10 Mar: due soon
    operations.withdraw(db, new_case(dt.date(2024, 11, 1), given_name="Xena", family_name="Old").id,
                        actor=None, on=dt.date(2024, 11, 5), reason="Family moved away")
    for index in range(30):
        new_case(dt.date(2025, 2, 20), given_name=f"Child{index:02d}", family_name="Later")
    browser = browser_for("manager")
    first = browser.client.get("/cases").text
    assert "33 cases, page 1 of 2" in first
    assert first.index("Zara Quinn") < first.index("Yusuf Patel") < first.index("Child00 Later")
    assert "Xena Old" not in first  # no open deadline: last
    assert "Xena Old" in browser.client.get("/cases?page=2").text
    overdue = browser.client.get("/cases?due=overdue").text
    assert "Zara Quinn" in overdue and "Yusuf Patel" not in overdue and "1 case." in overdue
    due_soon = browser.client.get("/cases?due=due_soon").text
    assert "Yusuf Patel" in due_soon and "Zara Quinn" not in due_soon
    assert "Xena Old" in browser.client.get("/cases?state=withdrawn").text
    assert "Yusuf Patel" in browser.client.get(f"/cases?q={soon.reference}").text
    searched = browser.client.get("/cases?q=quinn").text
    assert "Zara Quinn" in searched and "1 case." in searched
    assert late.reference in searched


@freeze_time(TODAY)
def test_a_caseworker_sees_their_own_cases_first(browser_for, db, new_case):
    browser = browser_for("caseworker")
    mine = _new_request(browser, given_name="Mine", caseworker=browser.user.username)
    assert mine.status_code == 302
    new_case(dt.date(2024, 9, 2), given_name="Someone", family_name="Else")
    own = browser.client.get("/cases").text
    assert "Mine Example" in own and "Someone Else" not in own
    assert "Someone Else" in browser.client.get("/cases?mine=no").text
    assert "Someone Else" in browser.client.get("/cases?view=unassigned").text
    assert "Mine Example" not in browser.client.get("/cases?view=unassigned").text


@freeze_time(TODAY)
def test_an_adviser_marks_advice_returned(browser_for, db, new_case):
    case = new_case(dt.date(2024, 9, 2))
    operations.agree_to_assess(db, case.id, actor=None, on=dt.date(2024, 9, 20))
    operations.request_advice(db, case.id, actor=None, on=dt.date(2025, 2, 3), advice_type="health",
                              organisation="Northbridge NHS Foundation Trust")
    adviser = browser_for("adviser", org="Northbridge NHS Foundation Trust")
    tray = adviser.client.get("/advice").text
    assert case.reference in tray and "Due today" not in tray and "days left" in tray
    with db.reading() as session:
        advice_id = session.scalar(select(AdviceRequest.id))
    too_early = adviser.submit(f"/advice/{advice_id}/return", {"on": date_boxes(1, 2, 2025)})
    assert too_early.status_code == 422 and error_summary(too_early.text)
    answer = adviser.submit(f"/advice/{advice_id}/return", {"on": date_boxes(3, 3, 2025)})
    assert answer.status_code == 302
    tray = adviser.client.get("/advice").text
    assert "marked returned" in tray and "No advice is outstanding" in tray
    with db.reading() as session:
        assert session.get(AdviceRequest, advice_id).returned_on == dt.date(2025, 3, 3)


def test_an_administrator_adds_users(browser_for, db):
    admin = browser_for("admin")
    missing_org = admin.submit("/admin/users/new", {"username": "hana", "role": "adviser", "organisation": "",
                                                    "email": "", "password": "long-enough-pw"})
    assert missing_org.status_code == 422 and "organisation" in error_summary(missing_org.text)[0]
    added = admin.submit("/admin/users/new", {"username": "hana", "role": "adviser",
                                              "organisation": "Northbridge NHS Foundation Trust",
                                              "email": "hana@example.org", "password": "long-enough-pw"})
    assert added.status_code == 302
    assert "hana" in admin.client.get("/admin/users").text
    with db.reading() as session:
        user = session.scalars(select(User).where(User.username == "hana")).one()
        assert user.organisation.name == "Northbridge NHS Foundation Trust"
        assert user.password_hash.startswith("$argon2")


def test_the_dashboard_shows_timeliness_and_draws_its_charts(browser_for, db, new_case):
    with freeze_time("2025-06-30"):
        from tests.support import to_final_plan

        to_final_plan(db, new_case(dt.date(2024, 9, 2)).id, dt.date(2024, 9, 2))
        late = new_case(dt.date(2025, 1, 6))  # nothing done: decision, issue decision and plan all overdue
        manager = browser_for("manager")
        page = manager.client.get("/dashboard?year=2025")
        assert page.status_code == 200
        assert "3 open time limits overdue, and 0 late with an exception that applies, oldest first" in page.text
        assert late.reference in page.text
        assert "Decision whether to assess" in page.text
        assert "Timeliness in 2025" in page.text and "Excluding exceptions" in page.text
        chart = manager.client.get("/dashboard/charts/monthly-2025.svg")
        assert chart.mimetype == "image/svg+xml" and chart.data.lstrip().startswith(b"<?xml")
        stages = manager.client.get("/dashboard/charts/open-cases.svg")
        assert b"<svg" in stages.data


@freeze_time("2025-12-01")
def test_every_event_form_renders_for_a_case_that_allows_it(browser_for, db, new_case):
    """A case in each open state; every event its state allows has a working form with a date and a button."""
    from tests.support import to_final_plan
    from web.pages.forms import EVENT_FORMS
    received = new_case(dt.date(2025, 9, 1))
    assessing = new_case(dt.date(2025, 9, 1))
    operations.agree_to_assess(db, assessing.id, actor=None, on=dt.date(2025, 9, 15))
    operations.request_advice(db, assessing.id, actor=None, on=dt.date(2025, 9, 16), advice_type="educational",
                              organisation="Hillside Educational Psychology")
    drafting = new_case(dt.date(2024, 9, 2))
    operations.agree_to_assess(db, drafting.id, actor=None, on=dt.date(2024, 10, 7))
    operations.decide_to_issue(db, drafting.id, actor=None, on=dt.date(2024, 11, 25))
    maintained = new_case(dt.date(2024, 9, 2))
    to_final_plan(db, maintained.id)
    reviewing = new_case(dt.date(2024, 9, 2))
    to_final_plan(db, reviewing.id)
    operations.hold_review_meeting(db, reviewing.id, actor=None, on=dt.date(2025, 11, 3))
    operations.record_exception(db, assessing.id, actor=None, on=dt.date(2025, 9, 20),
                                reason="personal_circumstances", starts_on=dt.date(2025, 9, 18),
                                ends_on=dt.date(2025, 10, 20), applies_to="final_plan")
    browser = browser_for("caseworker")
    covered: set[str] = set()
    for case in (received, assessing, drafting, maintained, reviewing):
        with db.reading() as session:
            found = session.get(Case, case.id)
            state, possible = found.state, operations.allowed_events(found)
        for event in possible:
            page = browser.client.get(f"/cases/{case.id}/events/{event}")
            assert page.status_code == 200, (state, event)
            assert 'name="on"' in page.text and 'type="submit"' in page.text, (state, event)
            covered.add(event)
    assert {"agree_to_assess", "request_advice", "record_advice", "record_exception", "decide_to_issue",
            "issue_draft", "hold_review_meeting", "record_review_report", "decide_review_outcome",
            "set_phase_transfer", "cease_plan", "withdraw", "void_advice_request", "withdraw_exception"} <= covered
    assert covered <= set(EVENT_FORMS)


@freeze_time("2025-12-01")
def test_an_exception_is_recorded_through_its_form(browser_for, db, new_case):
    case = new_case(dt.date(2025, 9, 1))
    operations.agree_to_assess(db, case.id, actor=None, on=dt.date(2025, 9, 15))
    browser = browser_for("caseworker")
    answer = browser.submit(f"/cases/{case.id}/events/record_exception", {
        "on": date_boxes(20, 11, 2025), "reason": "personal_circumstances", "applies_to": "final_plan",
        "starts_on": date_boxes(1, 10, 2025), "ends_on": date_boxes(14, 11, 2025), "family_told_on": ["", "", ""],
        "evidence": "Letter from the family's GP"})
    assert answer.status_code == 302, error_summary(answer.text)
    with db.reading() as session:
        recorded = session.get(Case, case.id).exceptions
        assert [(e.reason, [limit.deadline_kind for limit in e.limits], e.family_told_on) for e in recorded] == [
            ("personal_circumstances", ["final_plan"], None)]
    page = browser.client.get(f"/cases/{case.id}").text
    assert "Exceptional personal circumstances" in page


@freeze_time("2025-12-01")
def test_an_exception_form_ticks_several_time_limits(browser_for, db, new_case):
    case = new_case(dt.date(2025, 9, 1))
    operations.agree_to_assess(db, case.id, actor=None, on=dt.date(2025, 9, 15))
    browser = browser_for("caseworker")
    form = browser.client.get(f"/cases/{case.id}/events/record_exception").text
    assert "Time limit it applies to" in form
    assert form.count('type="checkbox"') == 3  # one box per time limit on the case
    assert all(f'value="{kind}"' in form for kind in ("decision_to_assess", "issue_decision", "final_plan"))
    answer = browser.submit(f"/cases/{case.id}/events/record_exception", {
        "on": date_boxes(20, 11, 2025), "reason": "personal_circumstances",
        "applies_to": ["issue_decision", "final_plan"], "starts_on": date_boxes(1, 10, 2025),
        "ends_on": date_boxes(14, 11, 2025), "family_told_on": ["", "", ""], "evidence": ""})
    assert answer.status_code == 302, error_summary(answer.text)
    with db.reading() as session:
        [recorded] = session.get(Case, case.id).exceptions
        assert [limit.deadline_kind for limit in recorded.limits] == ["issue_decision", "final_plan"]
    page = browser.client.get(f"/cases/{case.id}").text
    assert ("Limits it covers</dt>\n          <dd class=\"govuk-summary-list__value\"><ul class=\"govuk-list\">"
            "<li>Decision whether to issue a plan</li><li>Final plan issued (20 weeks)</li></ul>") in page

    nothing = browser.submit(f"/cases/{case.id}/events/record_exception", {
        "on": date_boxes(20, 11, 2025), "reason": "personal_circumstances", "starts_on": date_boxes(1, 10, 2025),
        "ends_on": date_boxes(14, 11, 2025), "family_told_on": ["", "", ""], "evidence": ""})
    assert nothing.status_code == 422
    assert "Select the time limit the exception applies to" in error_summary(nothing.text)


def test_the_dashboard_leaves_out_closed_alerts(browser_for, db, new_case, settings):
    from casework.alerts import close_unjustified, scan

    with freeze_time("2024-10-20"):
        case = new_case(dt.date(2024, 9, 2))  # decision whether to assess due 14 October
        scan.run_scan(db, settings, as_of=dt.date(2024, 10, 15))
        manager = browser_for("manager")

        def recent_alerts() -> str:
            page = manager.client.get("/dashboard?year=2024").text
            return page.split("Recent overdue alerts", 1)[1].split("<h2", 1)[0]

        assert case.reference in recent_alerts()
        operations.agree_to_assess(db, case.id, actor=None, on=dt.date(2024, 10, 18))
        with db.transaction() as session:
            assert len(close_unjustified(session, case.id, dt.date(2024, 10, 18), "Recomputed")) == 1
        assert case.reference not in recent_alerts()


@freeze_time("2025-01-10")
def test_a_corrected_entry_is_shown_as_corrected_with_why(browser_for, db, new_case):
    from casework.cases import replay

    case = new_case(dt.date(2024, 9, 2))
    with db.reading() as session:
        request_entry = replay.effective_history(session, case.id)[0]
    replay.correct_entry(db, case.id, actor=None, entry_id=request_entry.id, on=dt.date(2024, 9, 16),
                         reason="Date stamp misread")
    page = browser_for("caseworker").client.get(f"/cases/{case.id}")
    assert page.status_code == 200
    assert "Corrected" in page.text and "now reads 16 September 2024" in page.text
    assert "Entry corrected" in page.text and "Why: Date stamp misread" in page.text


@freeze_time("2025-01-10")
def test_a_wrong_request_date_is_corrected_on_the_page(browser_for, db, new_case):
    from casework.cases import replay

    case = new_case(dt.date(2024, 9, 2))
    operations.agree_to_assess(db, case.id, actor=None, on=dt.date(2024, 9, 20))
    with db.reading() as session:
        request_entry = replay.effective_history(session, case.id)[0]
    browser = browser_for("caseworker")
    page = browser.client.get(f"/cases/{case.id}")
    url = f"/cases/{case.id}/history/{request_entry.id}/correct"
    assert url in page.text and "Correct this entry" in page.text

    no_reason = browser.submit(url, {"on": date_boxes(9, 9, 2024), "reason": ""})
    assert no_reason.status_code == 422 and "Enter why the entry is being corrected" in no_reason.text
    impossible = browser.submit(url, {"on": date_boxes(25, 9, 2024), "reason": "Wrong date"})
    assert impossible.status_code == 422
    assert "Agreed to assess" in impossible.text and "20 September 2024" in impossible.text
    done = browser.submit(url, {"on": date_boxes(9, 9, 2024), "reason": "Date stamp misread"})
    assert done.status_code == 302
    with db.reading() as session:
        from casework.models import Case as StoredCase

        assert session.get(StoredCase, case.id).received_on == dt.date(2024, 9, 9)
    page = browser.client.get(f"/cases/{case.id}")
    assert "Why: Date stamp misread" in page.text and "now reads 9 September 2024" in page.text


def test_an_adviser_cannot_open_the_correction_page(browser_for, new_case):
    case = new_case(dt.date(2024, 9, 2))
    assert browser_for("adviser").client.get(f"/cases/{case.id}/history/1/correct").status_code == 403


@freeze_time("2025-03-01")
def test_a_late_deadline_with_an_exception_reads_late_exception_applies_not_overdue(browser_for, db, new_case):
    case = new_case(dt.date(2024, 9, 2))  # final plan due 20 January 2025
    operations.record_exception(db, case.id, actor=None, on=dt.date(2025, 1, 25), reason="personal_circumstances",
                                starts_on=dt.date(2024, 12, 1), ends_on=dt.date(2025, 1, 20), applies_to="final_plan")
    page = browser_for("caseworker").client.get(f"/cases/{case.id}").text
    row = page[page.index("Final plan issued (20 weeks)"):]
    row = row[:row.index("</tr>")]
    assert "Late: exception applies" in row and "Overdue" not in row
    other = page[page.index("Decision whether to assess"):]
    assert "Overdue" in other[:other.index("</tr>")]  # no exception for that one: it reads overdue
