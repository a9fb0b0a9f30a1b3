"""The administrator's directory pages, and Request advice choosing from the directory, through the forms
with real CSRF tokens."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from freezegun import freeze_time
from sqlalchemy import func, select

from casework import operations
from casework.models import AdviceRequest, Organisation, User
from tests.support import TEST_DIRECTORY, snapshot
from tests.web.conftest import date_boxes, error_summary

TODAY = "2025-03-03"


def _count(db, model=Organisation) -> int:
    with db.reading() as session:
        return session.scalar(select(func.count()).select_from(model))


def _id_of(db, name: str) -> int:
    with db.reading() as session:
        return session.scalars(select(Organisation.id).where(Organisation.name == name)).one()


def test_an_administrator_lists_adds_and_changes_organisations(browser_for, db):
    admin = browser_for("admin")
    listing = admin.client.get("/admin/organisations")
    assert listing.status_code == 200 and "Oak Primary School" in listing.text and "URN 100001" in listing.text

    added = admin.submit("/admin/organisations/new", {"name": "Hilltop Academy", "kind": "school", "urn": "654321",
                                                      "ukprn": ""})
    assert added.status_code == 302
    assert "Added Hilltop Academy to the directory" in admin.client.get(added.headers["Location"]).text
    again = admin.submit("/admin/organisations/new", {"name": "hilltop academy", "kind": "other", "urn": "",
                                                      "ukprn": ""})
    assert again.status_code == 302
    assert "already in the directory: nothing was changed" in admin.client.get(again.headers["Location"]).text
    assert _count(db) == len(TEST_DIRECTORY) + 1

    hilltop = _id_of(db, "Hilltop Academy")
    form = admin.client.get(f"/admin/organisations/{hilltop}/edit").text
    assert 'value="Hilltop Academy"' in form and 'value="654321"' in form
    changed = admin.submit(f"/admin/organisations/{hilltop}/edit", {"name": "Hilltop Church Academy",
                                                                    "kind": "school", "urn": "654321",
                                                                    "ukprn": "10054321"})
    assert changed.status_code == 302
    with db.reading() as session:
        kept = session.get(Organisation, hilltop)
        assert (kept.name, kept.urn, kept.ukprn) == ("Hilltop Church Academy", "654321", "10054321")


@pytest.mark.parametrize(("data", "says"), [
    ({"name": "Hilltop Academy", "kind": "school", "urn": "", "ukprn": ""}, "Enter the school's URN"),
    ({"name": "Hilltop Academy", "kind": "school", "urn": "65432", "ukprn": ""}, "A URN is 6 numbers"),
    ({"name": "Hilltop Academy", "kind": "nhs", "urn": "654321", "ukprn": ""}, "Only a school"),
    ({"name": "", "kind": "other", "urn": "", "ukprn": ""}, "Enter the organisation's name"),
    ({"name": "Hilltop Academy", "urn": "", "ukprn": ""}, "Select the kind of organisation"),
])
def test_a_bad_organisation_is_refused_next_to_its_field_and_nothing_is_added(browser_for, db, data, says):
    answer = browser_for("admin").submit("/admin/organisations/new", data)
    assert answer.status_code == 422
    summary = error_summary(answer.text)
    assert summary and says in summary[0]
    assert _count(db) == len(TEST_DIRECTORY)


def test_renaming_onto_another_organisations_name_is_refused(browser_for, db):
    admin = browser_for("admin")
    eps = _id_of(db, "EPS")
    answer = admin.submit(f"/admin/organisations/{eps}/edit", {"name": "educational psychology service",
                                                               "kind": "educational_psychology", "urn": "",
                                                               "ukprn": ""})
    assert answer.status_code == 422 and "already in the directory" in error_summary(answer.text)[0]
    assert admin.client.get("/admin/organisations/999999/edit").status_code == 404


def test_the_directory_pages_need_an_administrator_and_a_csrf_token(browser_for, app, db):
    for role in ("caseworker", "manager", "adviser"):
        assert browser_for(role).client.get("/admin/organisations").status_code == 403, role
    assert app.test_client().get("/admin/organisations").status_code == 302  # a stranger is sent to sign in
    admin = browser_for("admin")
    forged = admin.client.post("/admin/organisations/new", data={"name": "Forged Trust", "kind": "nhs"})
    assert forged.status_code == 400
    assert _count(db) == len(TEST_DIRECTORY)


def test_an_administrator_cannot_add_an_adviser_of_an_organisation_not_in_the_directory(browser_for, db):
    admin = browser_for("admin")
    users = _count(db, User)
    answer = admin.submit("/admin/users/new", {"username": "hana", "role": "adviser",
                                               "organisation": "Northbridge NHS Foundation Trst", "email": "",
                                               "password": "long-enough-pw"})
    assert answer.status_code == 422
    assert "Did you mean Northbridge NHS Foundation Trust?" in error_summary(answer.text)[0]
    assert _count(db, User) == users and _count(db) == len(TEST_DIRECTORY)


# --------------------------------------------------------------------------------------------------- Request advice


@pytest.fixture
def assessed(db, new_case):
    case = new_case(dt.date(2024, 9, 2))
    operations.agree_to_assess(db, case.id, actor=None, on=dt.date(2024, 10, 1))
    return case


@freeze_time(TODAY)
def test_request_advice_offers_the_directory_as_a_list_that_works_without_scripts(browser_for, db, assessed):
    browser = browser_for("caseworker")
    page = browser.client.get(f"/cases/{assessed.id}/events/request_advice").text
    options = re.findall(r'<option value="(\d*)"[^>]*>([^<]*)</option>', page.split('name="organisation"')[1]
                         .split("</select>")[0])
    assert [name.replace("&#39;", "'") for _value, name in options[1:]] == sorted(
        (n for n, _k, _u in TEST_DIRECTORY), key=lambda n: n.replace(" ", "").casefold())
    assert 'data-autocomplete="organisation"' in page and "accessible-autocomplete.min.js" in page
    trust = _id_of(db, "Southmoor Community Health")
    answer = browser.submit(f"/cases/{assessed.id}/events/request_advice",
                            {"on": date_boxes(2, 10, 2024), "advice_type": "health", "organisation": str(trust)})
    assert answer.status_code == 302, error_summary(answer.text)
    with db.reading() as session:
        assert session.scalar(select(AdviceRequest.organisation_id)) == trust


@freeze_time(TODAY)
def test_a_mistyped_organisation_is_refused_with_the_nearest_name_and_nothing_is_recorded(browser_for, db,
                                                                                           assessed):
    browser = browser_for("caseworker")
    before = snapshot(db, assessed.id)
    answer = browser.submit(f"/cases/{assessed.id}/events/request_advice",
                            {"on": date_boxes(2, 10, 2024), "advice_type": "health", "organisation": "",
                             "organisation_typed": "Northbrige NHS Trust"})
    assert answer.status_code == 422
    assert error_summary(answer.text) == ["Northbrige NHS Trust is not in the directory of organisations. "
                                          "Did you mean Northbridge NHS Trust?"]
    assert snapshot(db, assessed.id) == before and _count(db) == len(TEST_DIRECTORY)
    nothing = browser.submit(f"/cases/{assessed.id}/events/request_advice",
                             {"on": date_boxes(2, 10, 2024), "advice_type": "health", "organisation": ""})
    assert nothing.status_code == 422 and error_summary(nothing.text) == ["Select the organisation asked for advice."]


def test_the_autocomplete_is_served_with_gov_uk_frontend(client):
    for name in ("accessible-autocomplete.min.js", "accessible-autocomplete.min.css"):
        answer = client.get(f"/assets/{name}")
        assert answer.status_code == 200 and len(answer.data) > 1000, name
    assert client.get("/static/autocomplete.js").status_code == 200
