"""The family record, the communication log, the timeline's filter, exceptions and corrections on the case page,
through the forms with real CSRF tokens, for each role."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from freezegun import freeze_time
from sqlalchemy import select

from casework import operations, organisations
from casework.models import AuditEntry, Contact, Person
from tests.web.conftest import date_boxes, error_summary

TODAY = "2025-03-03"
D = dt.date


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).replace("&#39;", "'")


def _person(db, case) -> Person:
    with db.reading() as session:
        return session.get(Person, case.person_id)


MUM = {"name": "Grace Example", "relationship": "Mother", "parental_responsibility": "yes",
       "preferred_contact": "email", "email": "grace@example.org", "phone": "", "address": "1 Mill Lane, Northbridge",
       "interpreter_language": "", "reason": "Given on the request form"}


@freeze_time(TODAY)
def test_a_parents_contact_is_added_then_changed_with_a_reason_and_both_are_in_the_history(browser_for, db, new_case):
    case = new_case(D(2024, 9, 2))
    browser = browser_for("caseworker")
    added = browser.submit(f"/cases/{case.id}/family/contacts/new", MUM)
    assert added.status_code == 302, error_summary(added.text)
    [contact] = _person(db, case).contacts
    assert (contact.name, contact.parental_responsibility, contact.preferred_contact) == (
        "Grace Example", True, "email")
    moved = browser.submit(f"/cases/{case.id}/family/contacts/{contact.id}",
                           {**MUM, "address": "7 Station Road, Northbridge", "reason": "She phoned: the family moved"})
    assert moved.status_code == 302, error_summary(moved.text)
    page = _text(browser.client.get(f"/cases/{case.id}").text)
    assert "Grace Example (Mother)" in page and "7 Station Road, Northbridge" in page
    assert ("Address: 1 Mill Lane, Northbridge changed to 7 Station Road, Northbridge" in page
            and "Why: She phoned: the family moved" in page)
    assert "Contact's details changed: Grace Example" in page
    family_only = _text(browser.client.get(f"/cases/{case.id}?show=family").text)
    assert "Contact added: Grace Example" in family_only and "Request received on" not in family_only


@freeze_time(TODAY)
def test_an_address_is_never_changed_without_a_reason(browser_for, db, new_case):
    case = new_case(D(2024, 9, 2))
    browser = browser_for("caseworker")
    browser.submit(f"/cases/{case.id}/family/contacts/new", MUM)
    [contact] = _person(db, case).contacts
    refused = browser.submit(f"/cases/{case.id}/family/contacts/{contact.id}",
                             {**MUM, "address": "7 Station Road", "reason": ""})
    assert refused.status_code == 422
    assert error_summary(refused.text) == ["Enter why the details are changing"]
    with db.reading() as session:
        assert session.get(Contact, contact.id).address == "1 Mill Lane, Northbridge"


@freeze_time(TODAY)
def test_contact_refusals_are_shown_by_the_field_in_plain_words(browser_for, db, new_case):
    case = new_case(D(2024, 9, 2))
    browser = browser_for("caseworker")
    refused = browser.submit(f"/cases/{case.id}/family/contacts/new", {**MUM, "email": ""})
    assert refused.status_code == 422
    [message] = error_summary(refused.text)
    assert message.startswith("Grace Example prefers to be reached by email, but has no email address on record")
    assert 'href="#preferred_contact"' in refused.text
    refused = browser.submit(f"/cases/{case.id}/family/contacts/new", {**MUM, "parental_responsibility": ""})
    assert error_summary(refused.text) == ["Select whether they have parental responsibility"]
    assert _person(db, case).contacts == []


@freeze_time(TODAY)
def test_the_childs_identifiers_and_school_are_changed_with_a_reason(browser_for, db, new_case):
    school_id = organisations.add_organisation(db, "Northbridge Primary School", "school", urn="123456")[0].id
    case = new_case(D(2024, 9, 2))
    browser = browser_for("caseworker")
    form = browser.client.get(f"/cases/{case.id}/family/child")
    assert form.status_code == 200 and "Northbridge Primary School (URN 123456)" in form.text
    saved = browser.submit(f"/cases/{case.id}/family/child", {
        "given_name": "Ada", "family_name": "Example", "date_of_birth": date_boxes(4, 5, 2016),
        "upn": "", "nhs_number": "943 476 5919", "uln": "", "address": "1 Mill Lane", "postcode": "nb1 2ab",
        "first_language": "English", "setting": f"school:{school_id}", "reason": "From the school's records"})
    assert saved.status_code == 302, error_summary(saved.text)
    person = _person(db, case)
    assert (person.nhs_number, person.postcode, person.setting_urn) == ("9434765919", "NB1 2AB", "123456")
    page = _text(browser.client.get(f"/cases/{case.id}").text)
    assert "Northbridge Primary School (URN 123456)" in page and "9434765919" in page
    assert "NHS number: blank changed to 9434765919" in page and "Why: From the school's records" in page
    bad = browser.submit(f"/cases/{case.id}/family/child", {
        "given_name": "Ada", "family_name": "Example", "date_of_birth": date_boxes(4, 5, 2016),
        "nhs_number": "943 476 5918", "setting": "", "reason": "Typed from the letter"})
    assert bad.status_code == 422
    assert any("NHS number" in m for m in error_summary(bad.text)), error_summary(bad.text)


@freeze_time(TODAY)
def test_a_call_is_logged_and_shown_in_the_log_and_the_timeline(browser_for, db, new_case):
    case = new_case(D(2024, 9, 2))
    browser = browser_for("caseworker")
    form = browser.client.get(f"/cases/{case.id}/events/record_contact")
    assert form.text.index('name="on"') < form.text.index('name="direction"')  # the event's own date first
    logged = browser.submit(f"/cases/{case.id}/events/record_contact", {
        "on": date_boxes(10, 9, 2024), "direction": "in", "channel": "phone", "party": "Grace Example (mother)",
        "summary": "Asked when the decision is due"})
    assert logged.status_code == 302, error_summary(logged.text)
    page = _text(browser.client.get(f"/cases/{case.id}").text)
    assert "10 September 2024 Phone call In Grace Example (mother) Asked when the decision is due" in page
    only = _text(browser.client.get(f"/cases/{case.id}?show=communications").text)
    history = only[only.index("History"):]
    assert "Contact logged on 10 September 2024" in history and "Request received" not in history
    events = _text(browser.client.get(f"/cases/{case.id}?show=events").text)
    assert "Contact logged on" not in events[events.index("History"):]
    empty = browser.submit(f"/cases/{case.id}/events/record_contact", {"on": date_boxes(10, 9, 2024)})
    assert error_summary(empty.text) == ["Select which way the contact went", "Select how the contact was made",
                                         "Enter who the contact was with", "Enter a summary of what was said"]


@freeze_time(TODAY)
def test_an_entrys_details_are_corrected_on_the_page_and_the_history_says_how_and_why(browser_for, db, new_case):
    case = new_case(D(2024, 9, 2))
    operations.record_contact(db, case.id, actor=None, on=D(2024, 9, 10), direction="in", channel="phone",
                              party="Grace Example", summary="Asked about the decision")
    with db.reading() as session:
        entry_id = session.scalar(select(AuditEntry.id).where(AuditEntry.event == "record_contact"))
    browser = browser_for("caseworker")
    form = browser.client.get(f"/cases/{case.id}/history/{entry_id}/correct")
    assert form.status_code == 200 and 'name="channel"' in form.text
    corrected = browser.submit(f"/cases/{case.id}/history/{entry_id}/correct", {
        "on": date_boxes(11, 9, 2024), "direction": "in", "channel": "meeting", "party": "Grace Example",
        "summary": "Asked about the decision", "reason": "It was a meeting at school, the day after"})
    assert corrected.status_code == 302, error_summary(corrected.text)
    page = _text(browser.client.get(f"/cases/{case.id}?show=corrections").text)
    assert "Date: 10 September 2024 changed to 11 September 2024" in page
    assert "Means of contact: Phone call changed to Meeting" in page
    assert "Why: It was a meeting at school, the day after" in page
    unchanged = browser.submit(f"/cases/{case.id}/history/{entry_id}/correct", {
        "on": date_boxes(11, 9, 2024), "direction": "in", "channel": "meeting", "party": "Grace Example",
        "summary": "Asked about the decision", "reason": "Again"})
    assert unchanged.status_code == 422
    assert error_summary(unchanged.text) == ["The correction changes nothing: give the right date or details."]


@freeze_time(TODAY)
def test_advice_is_cancelled_and_an_exception_withdrawn_from_the_case_page(browser_for, db, new_case):
    case = new_case(D(2024, 9, 2))
    operations.agree_to_assess(db, case.id, actor=None, on=D(2024, 10, 7))
    organisations.add_organisation(db, "Northbridge NHS Trust", "nhs")
    case = operations.request_advice(db, case.id, actor=None, on=D(2024, 10, 8), advice_type="health",
                                     organisation="Northbridge NHS Trust", received_on=None)
    advice_id = case.advice_requests[0].id
    case = operations.record_exception(db, case.id, actor=None, on=D(2024, 11, 20), reason="personal_circumstances",
                                       starts_on=D(2024, 11, 1), ends_on=D(2024, 12, 31),
                                       applies_to=["final_plan"], family_told_on=D(2024, 11, 21),
                                       evidence="Letter from the family's GP")
    exception_id = case.exceptions[0].id
    browser = browser_for("caseworker")
    page = browser.client.get(f"/cases/{case.id}").text
    void_link = f"/cases/{case.id}/events/void_advice_request?advice_request_id={advice_id}"
    withdraw_link = f"/cases/{case.id}/events/withdraw_exception?exception_id={exception_id}"
    assert void_link in page.replace("&amp;", "&") and withdraw_link in page.replace("&amp;", "&")
    text = _text(page)
    assert "Limits it covers Final plan issued (20 weeks)" in text
    assert "Evidence Letter from the family's GP" in text and "Family told 21 November 2024" in text
    form = browser.client.get(void_link)
    assert re.search(rf'<option selected value="{advice_id}"|<option value="{advice_id}" selected', form.text)
    cancelled = browser.submit(void_link, {"on": date_boxes(1, 12, 2024), "advice_request_id": str(advice_id),
                                           "reason": "Asked of the wrong team"})
    assert cancelled.status_code == 302, error_summary(cancelled.text)
    withdrawn = browser.submit(withdraw_link, {"on": date_boxes(2, 12, 2024), "exception_id": str(exception_id),
                                               "reason": "The GP letter was about another child"})
    assert withdrawn.status_code == 302, error_summary(withdrawn.text)
    text = _text(browser.client.get(f"/cases/{case.id}").text)
    assert "Withdrawn 2 December 2024: The GP letter was about another child" in text
    assert "Why: Asked of the wrong team" in text and withdraw_link not in text


@freeze_time(TODAY)
def test_the_coronavirus_reason_is_offered_only_for_limits_that_ran_in_2020(browser_for, db, new_case):
    now = new_case(D(2024, 9, 2))
    browser = browser_for("caseworker")
    assert 'value="coronavirus"' not in browser.client.get(f"/cases/{now.id}/events/record_exception").text
    with freeze_time("2020-06-01"):
        then = new_case(D(2020, 5, 11), date_of_birth=D(2012, 1, 1))
    assert 'value="coronavirus"' in browser.client.get(f"/cases/{then.id}/events/record_exception").text


@freeze_time(TODAY)
def test_people_are_found_by_name_parent_postcode_and_identifiers(browser_for, db, new_case):
    case = new_case(D(2024, 9, 2))
    operations.update_person(db, case.person_id, actor=None, reason="From the form",
                             fields={"postcode": "NB1 2AB", "nhs_number": "9434765919"},
                             contacts=[{"name": "Grace Example", "parental_responsibility": True}])
    new_case(D(2024, 9, 3), given_name="Ben", family_name="Other")
    browser = browser_for("caseworker")
    for query in ("q=grace", "q=ada+exa", "postcode=NB1", "nhs_number=943+476+5919",
                  "date_of_birth=4&date_of_birth=5&date_of_birth=2016&q=example"):
        found = _text(browser.client.get(f"/people?{query}").text)
        assert "1 child or young person found" in found and "Ada Example" in found, query
        assert "Grace Example" in found and "Ben Other" not in found, query
    bad = browser.client.get("/people?date_of_birth=31&date_of_birth=2&date_of_birth=2016")
    assert bad.status_code == 422 and error_summary(bad.text) == ["Date of birth must be a real date"]


@pytest.mark.parametrize("role,status", [("manager", 200), ("adviser", 403), ("admin", 403)])
def test_roles_on_the_family_pages(browser_for, new_case, role, status):
    case = new_case(D(2024, 9, 2))
    browser = browser_for(role)
    for url in (f"/cases/{case.id}/family/child", f"/cases/{case.id}/family/contacts/new",
                f"/cases/{case.id}/events/record_contact", "/people?q=ada"):
        assert browser.client.get(url).status_code == status, url


def test_strangers_are_sent_to_sign_in_and_a_post_without_its_token_is_refused(app, browser_for, new_case, db):
    case = new_case(D(2024, 9, 2))
    assert app.test_client().get(f"/cases/{case.id}/family/child").status_code == 302
    browser = browser_for("caseworker")
    refused = browser.client.post(f"/cases/{case.id}/family/contacts/new", data={**MUM})
    assert refused.status_code == 400
    assert _person(db, case).contacts == []
    assert browser.client.get("/cases/999999/family/child").status_code == 404
    assert browser.client.get(f"/cases/{case.id}/family/contacts/999999").status_code == 404
