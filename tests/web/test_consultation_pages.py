"""Consulting a school on being named, and recording its answer, through the case page's forms (G4.4: the
school's 15 days to answer, a service level)."""

from __future__ import annotations

import datetime as dt
import html
import re

import pytest
from freezegun import freeze_time
from sqlalchemy import select

from casework import operations
from casework.models import AuditEntry, Deadline, Organisation
from tests.support import TEST_DIRECTORY, snapshot
from tests.web.conftest import date_boxes, error_summary

TODAY = "2024-10-20"


@pytest.fixture
def drafting(db, new_case):
    case = new_case(dt.date(2024, 9, 2))
    operations.agree_to_assess(db, case.id, actor=None, on=dt.date(2024, 9, 9))
    operations.decide_to_issue(db, case.id, actor=None, on=dt.date(2024, 9, 23))
    return case


def _options(page: str, field: str) -> list[tuple[str, str]]:
    select_html = page.split(f'name="{field}"')[1].split("</select>")[0]
    return [(value, html.unescape(label)) for value, label in
            re.findall(r'<option value="(\d*)"[^>]*>([^<]*)</option>', select_html)]


@freeze_time(TODAY)
def test_a_school_consulted_and_its_answer_recorded_through_the_forms(browser_for, db, drafting):
    browser = browser_for("caseworker")
    page = browser.client.get(f"/cases/{drafting.id}").text
    assert f"/cases/{drafting.id}/events/consult_school" in page
    assert f"/cases/{drafting.id}/events/record_school_response" not in page  # nothing to answer yet
    form = browser.client.get(f"/cases/{drafting.id}/events/consult_school").text
    schools = sorted((n for n, kind, _urn in TEST_DIRECTORY if kind == "school"),
                     key=lambda n: n.replace(" ", "").casefold())
    assert [label for _value, label in _options(form, "organisation")[1:]] == schools  # schools only
    with db.reading() as session:
        oak = session.scalars(select(Organisation.id).where(Organisation.name == "Oak Primary School")).one()
    answer = browser.submit(f"/cases/{drafting.id}/events/consult_school",
                            {"on": date_boxes(1, 10, 2024), "organisation": str(oak)})
    assert answer.status_code == 302, error_summary(answer.text)
    with db.reading() as session:
        entry_id = session.scalars(select(AuditEntry.id).where(AuditEntry.case_id == drafting.id,
                                                               AuditEntry.event == "consult_school")).one()
    page = browser.client.get(f"/cases/{drafting.id}").text
    # Consulted Tuesday 1 October 2024: due Wednesday 16 October, overdue on 20 October.
    row = html.unescape(page.split("School&#39;s answer to the consultation")[1].split("</tr>")[0])
    assert "(15 days: a service level)" in row and "Oak Primary School, consulted on 1 October 2024" in row
    assert "16 October 2024" in row and "Overdue" in row and "G4.4" in row
    assert "SEND Code of Practice 9.80 (guidance)" in row
    link = f"/cases/{drafting.id}/events/record_school_response?consultation={entry_id}"
    assert link in html.unescape(page)
    form = browser.client.get(link).text
    assert _options(form, "consultation")[1:] == [
        (str(entry_id), "Oak Primary School, consulted on 1 October 2024 (answer due 16 October 2024)")]
    assert re.search(rf'<option value="{entry_id}"[^>]*selected', form)  # chosen already by the link
    answer = browser.submit(link, {"on": date_boxes(18, 10, 2024), "consultation": str(entry_id)})
    assert answer.status_code == 302, error_summary(answer.text)
    with db.reading() as session:
        deadline = session.scalars(select(Deadline).where(Deadline.case_id == drafting.id,
                                                          Deadline.kind == "school_consultation")).one()
    assert deadline.met_on == dt.date(2024, 10, 18)
    page = html.unescape(browser.client.get(f"/cases/{drafting.id}").text)
    assert "Met late" in page.split("School's answer to the consultation")[1].split("</tr>")[0]
    assert "School's answer received" in page  # the history, in words


@freeze_time(TODAY)
def test_a_trust_is_refused_as_no_school_and_nothing_is_recorded(browser_for, db, drafting):
    browser = browser_for("caseworker")
    before = snapshot(db, drafting.id)
    answer = browser.submit(f"/cases/{drafting.id}/events/consult_school",
                            {"on": date_boxes(1, 10, 2024), "organisation": "",
                             "organisation_typed": "Northbridge NHS Trust"})
    assert answer.status_code == 422
    assert error_summary(answer.text) == ["Northbridge NHS Trust is not a school, college or early years setting: "
                                          "only one can be consulted on being named in the plan."]
    assert snapshot(db, drafting.id) == before
