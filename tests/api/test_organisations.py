"""GET and POST /organisations: every signed-in role reads the directory (an adviser only their own
organisation), only an administrator adds to it, and request_advice takes only an organisation of it."""

from __future__ import annotations

import pytest
from freezegun import freeze_time
from sqlalchemy import func, select

from casework.models import AdviceRequest, Organisation
from tests.support import TEST_DIRECTORY


def _count(db) -> int:
    with db.reading() as session:
        return session.scalar(select(func.count()).select_from(Organisation))


@pytest.mark.parametrize("role", ["caseworker", "manager", "admin"])
def test_staff_and_administrators_read_the_whole_directory_in_name_order(api_as, role):
    answer = api_as(role).get("/organisations")
    assert answer.status_code == 200
    listed = answer.get_json()
    assert listed["total"] == len(TEST_DIRECTORY) == len(listed["items"])
    names = [o["name"].casefold() for o in listed["items"]]
    assert names == sorted(names)
    oak = next(o for o in listed["items"] if o["name"] == "Oak Primary School")
    assert (oak["kind"], oak["urn"], oak["ukprn"]) == ("school", "100001", None)


def test_the_directory_can_be_read_by_kind(api_as):
    schools = api_as("caseworker").get("/organisations?kind=school").get_json()["items"]
    assert {o["name"] for o in schools} == {n for n, kind, _urn in TEST_DIRECTORY if kind == "school"}
    wrong = api_as("caseworker").get("/organisations?kind=hospital")
    assert wrong.status_code == 400 and wrong.get_json()["error"]["field"] == "kind"


def test_an_adviser_sees_only_their_own_organisation(api_as):
    listed = api_as("adviser", org="Southmoor Community Health").get("/organisations").get_json()
    assert [o["name"] for o in listed["items"]] == ["Southmoor Community Health"]


def test_an_administrator_adds_an_organisation_and_adding_it_again_answers_the_same_one(api_as, db):
    admin = api_as("admin")
    added = admin.post("/organisations", {"name": "Hilltop Academy", "kind": "school", "urn": "654321"})
    assert added.status_code == 201
    body = added.get_json()
    assert {k: body[k] for k in ("name", "kind", "urn", "ukprn")} == {"name": "Hilltop Academy", "kind": "school",
                                                                      "urn": "654321", "ukprn": None}
    again = admin.post("/organisations", {"name": "hilltop  ACADEMY", "kind": "school", "urn": "654321"})
    assert again.status_code == 200 and again.get_json() == body
    assert _count(db) == len(TEST_DIRECTORY) + 1


@pytest.mark.parametrize("role", ["caseworker", "manager", "adviser"])
def test_only_an_administrator_adds_to_the_directory(api_as, db, role):
    who = api_as(role, **({"org": "EPS"} if role == "adviser" else {}))
    answer = who.post("/organisations", {"name": "Hilltop Academy", "kind": "other"})
    assert answer.status_code == 403 and answer.get_json()["error"]["code"] == "forbidden"
    assert _count(db) == len(TEST_DIRECTORY)


@pytest.mark.parametrize(("body", "status", "code", "field"), [
    ({"name": "Hilltop Academy", "kind": "school"}, 422, "required", "urn"),
    ({"name": "Hilltop Academy", "kind": "school", "ukprn": "20012345"}, 422, "bad_ukprn", "ukprn"),
    ({"name": "Hilltop Academy", "kind": "hospital"}, 422, "invalid_choice", "kind"),
    ({"name": "", "kind": "other"}, 422, "required", "name"),
    ({"name": "x" * 201, "kind": "other"}, 422, "too_long", "name"),
    ({"name": "Hilltop Academy"}, 400, "missing_field", "kind"),
    ({"name": 12, "kind": "other"}, 400, "bad_type", "name"),
    ({"name": "Hilltop Academy", "kind": "other", "postcode": "NB1 1AA"}, 400, "unknown_field", "postcode"),
])
def test_a_bad_organisation_is_refused_and_nothing_is_added(api_as, db, body, status, code, field):
    answer = api_as("admin").post("/organisations", body)
    assert answer.status_code == status, answer.get_json()
    assert (answer.get_json()["error"]["code"], answer.get_json()["error"]["field"]) == (code, field)
    assert _count(db) == len(TEST_DIRECTORY)


@freeze_time("2024-11-01")
def test_request_advice_of_an_unknown_organisation_is_422_with_a_suggestion_and_writes_nothing(api, db):
    case = api.new_case()
    api.event(case["id"], "agree_to_assess", "2024-10-01")
    history = api.get(f"/cases/{case['id']}/history").get_json()
    answer = api.event(case["id"], "request_advice", "2024-10-02", advice_type="health",
                       organisation="Northbridge NHS")
    assert answer.status_code == 422
    error = answer.get_json()["error"]
    assert (error["code"], error["field"]) == ("unknown_organisation", "organisation")
    assert "Did you mean Northbridge NHS Trust?" in error["message"]
    assert api.get(f"/cases/{case['id']}/history").get_json() == history
    with db.reading() as session:
        assert session.scalar(select(func.count()).select_from(AdviceRequest)) == 0
    assert _count(db) == len(TEST_DIRECTORY)


@freeze_time("2024-11-01")
def test_request_advice_names_the_organisation_by_its_id(api):
    case = api.new_case()
    api.event(case["id"], "agree_to_assess", "2024-10-01")
    eps = next(o for o in api.get("/organisations").get_json()["items"] if o["name"] == "EPS")
    answer = api.event(case["id"], "request_advice", "2024-10-02", advice_type="psychological",
                       organisation=eps["id"])
    assert answer.status_code == 200, answer.get_json()
    assert [a["organisation"] for a in answer.get_json()["advice_requests"]] == ["EPS"]
    too_long = api.event(case["id"], "request_advice", "2024-10-02", advice_type="health", organisation="x" * 201)
    assert too_long.status_code == 422 and too_long.get_json()["error"]["code"] == "too_long"
    for wrong, status in ((True, 400), (1.5, 400), (999999, 422)):
        refused = api.event(case["id"], "request_advice", "2024-10-02", advice_type="health", organisation=wrong)
        assert refused.status_code == status, (wrong, refused.get_json())
