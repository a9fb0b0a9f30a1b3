"""Words and order: every event form asks for the event's own date first, and no message, hint or page shows
an ISO date, a code or an internal state or field name; dates read as people write them."""

from __future__ import annotations

import datetime as dt
import re

from freezegun import freeze_time

from casework import operations
from casework.law.events import EVENTS
from tests.web.conftest import date_boxes, error_summary
from web.pages.family import ChildForm, ContactForm
from web.pages.forms import EVENT_FORMS, CorrectionForm, TransferInForm
from workflows import ehcp

ISO = re.compile(r"\b\d{4}-\d{2}-\d{2}\b")
IDENTIFIER = re.compile(r"\b[a-z]+_[a-z_]+\b")  # a field, state or event name as code spells it
D = dt.date


def _visible(html: str) -> str:
    body = html[html.index("<main"):html.index("</main>")]
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", body))


def _plain(message: str) -> bool:
    return not ISO.search(message) and not IDENTIFIER.search(message)


def test_every_event_form_asks_for_its_own_date_first(app):
    with app.test_request_context():
        for event, form_class in EVENT_FORMS.items():
            names = [f.short_name for f in form_class() if f.short_name not in ("version", "csrf_token")]
            assert names[0] == "on", event
            assert EVENTS[event].date_label.startswith(("Date", "Date ")), event


def test_every_form_error_reads_in_plain_words(app):
    """Post every form empty, then with nonsense in each box: each message names no code and no ISO date."""
    forms = {**{f"event {name}": cls for name, cls in EVENT_FORMS.items()}, "correction": CorrectionForm,
             "child": ChildForm, "contact": ContactForm, "transfer in": TransferInForm}
    walked = 0
    for label, form_class in forms.items():
        for data in ({}, {"on": ["31", "2", "2025"], "starts_on": ["x", "1", "2025"], "ends_on": ["1", "", "2025"],
                          "year": "twenty", "date_of_birth": ["1", "13", "20"], "reason": "x" * 3000}):
            with app.test_request_context(method="POST", data=data):
                form = form_class(meta={"csrf": False})
                form.validate()
                for field, messages in form.errors.items():
                    for message in messages if isinstance(messages, list) else [messages]:
                        walked += 1
                        assert _plain(str(message)), (label, field, message)
    assert walked > 100
    for spec in EVENTS.values():  # hints and labels too
        for text in (spec.title, spec.date_label, spec.date_hint,
                     *(t for f in spec.fields for t in (f.label, f.hint or "", f"Enter {f.enter}"))):
            assert _plain(text), (spec.name, text)


@freeze_time("2025-03-03")
def test_refusals_from_casework_give_dates_as_people_write_them(browser_for, db, new_case):
    case = new_case(D(2024, 9, 2))
    operations.agree_to_assess(db, case.id, actor=None, on=D(2024, 10, 7))
    browser = browser_for("caseworker")
    for event in ("decide_to_issue", "record_contact", "record_exception", "withdraw"):
        for day, month, year in ((1, 9, 2024), (1, 1, 2099)):
            answer = browser.submit(f"/cases/{case.id}/events/{event}", {"on": date_boxes(day, month, year)})
            assert answer.status_code == 422, event
            for message in error_summary(answer.text):
                assert _plain(message), (event, message)
    future = browser.submit(f"/cases/{case.id}/events/decide_to_issue", {"on": date_boxes(1, 1, 2099)})
    assert "The date 1 January 2099 is in the future." in error_summary(future.text)
    early = browser.submit(f"/cases/{case.id}/events/decide_to_issue", {"on": date_boxes(1, 10, 2024)})
    assert error_summary(early.text) == [
        "The date 1 October 2024 is before the case's last step (7 October 2024)."]


@freeze_time("2025-03-03")
def test_the_case_page_shows_no_iso_date_and_no_internal_name(browser_for, db, new_case):
    case = new_case(D(2024, 9, 2))
    operations.agree_to_assess(db, case.id, actor=None, on=D(2024, 10, 7))
    operations.record_contact(db, case.id, actor=None, on=D(2024, 10, 8), direction="out", channel="letter",
                              party="Grace Example", summary="Sent the decision letter")
    operations.record_exception(db, case.id, actor=None, on=D(2024, 10, 9), reason="personal_circumstances",
                                starts_on=D(2024, 10, 1), ends_on=D(2024, 11, 30), applies_to=["final_plan"],
                                family_told_on=D(2024, 10, 9), evidence="GP letter")
    operations.update_person(db, case.person_id, actor=None, reason="From the form",
                             fields={"postcode": "NB1 2AB"},
                             contacts=[{"name": "Grace Example", "preferred_contact": "in_person",
                                        "parental_responsibility": True}])
    text = _visible(browser_for("caseworker").client.get(f"/cases/{case.id}").text)
    assert not ISO.search(text), ISO.findall(text)
    names = {n for n in (*ehcp.STATES, *EVENTS, "in_person", "personal_circumstances", "final_plan",
                         "preferred_contact") if "_" in n}
    shown = [n for n in names if re.search(rf"\b{n}\b", text)]
    assert not shown and not IDENTIFIER.search(text), (shown, IDENTIFIER.findall(text))
    assert "Postcode: blank changed to NB1 2AB" in text and "In person" in text
    assert "Exception recorded on 9 October 2024 Recorded by system" in text
    assert "Exceptional personal circumstances, 1 October 2024 to 30 November 2024" in text
