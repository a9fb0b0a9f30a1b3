"""People through the API: a second request for a known child, finding children, changing their details
with a reason and a history, identifiers checked, and what an adviser may see.

Every response is checked against the OpenAPI document by the Api client.
"""

from __future__ import annotations

from typing import Any

import freezegun
import pytest

from tests.api.conftest import Api

NHS_NUMBER = "9434765919"
UPN = "H801200001001"


def person_of(api: Api, person_id: int) -> dict[str, Any]:
    response = api.get(f"/people/{person_id}")
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def history_of(api: Api, person_id: int) -> list[dict[str, Any]]:
    response = api.get(f"/people/{person_id}/history")
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def change(api: Api, person_id: int, **body: Any) -> dict[str, Any]:
    response = api.patch(f"/people/{person_id}", body)
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def found(api: Api, query: str) -> list[str]:
    response = api.get(f"/people?{query}")
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert body["total"] == len(body["items"])
    return sorted(f"{p['given_name']} {p['family_name']}" for p in body["items"])


def known_child_request(api: Api, person_id: int, received_on: str = "2025-03-03"):
    return api.post("/cases", {"person_id": person_id, "received_on": received_on, "requested_by": "school",
                               "primary_need": "SLCN"})


# --------------------------------------------------------------------------------------------------- requests

def test_a_second_request_for_a_known_child_joins_them_and_is_refused_while_one_is_open(api):
    first = api.new_case("2024-09-02")
    person_id = first["person_id"]
    assert first["child"] == {"given_name": "Sam", "family_name": "Taylor", "date_of_birth": "2016-05-04",
                              "primary_need": "ASD"}

    refused = known_child_request(api, person_id)
    assert refused.status_code == 409
    error = refused.get_json()["error"]
    assert error["code"] == "open_request_exists" and first["reference"] in error["message"]
    assert "2 September 2024" in error["message"] and error["field"] == "person_id"
    assert api.get("/cases").get_json()["total"] == 1

    refusal = api.event(first["id"], "refuse_to_assess", "2024-10-01", reason="Needs met at SEN support")
    assert refusal.status_code == 200
    second = known_child_request(api, person_id)
    assert second.status_code == 201, second.get_json()
    again = second.get_json()
    assert again["person_id"] == person_id and again["id"] != first["id"]
    assert again["child"] == {**first["child"], "primary_need": "SLCN"}  # the need is the new request's own
    assert [(c["reference"], c["state"]) for c in person_of(api, person_id)["cases"]] == [
        (first["reference"], "refused_to_assess"), (again["reference"], "request_received")]
    assert known_child_request(api, person_id, "2025-03-04").get_json()["error"]["code"] == "open_request_exists"


@pytest.mark.parametrize(("body", "status", "code"), [
    ({"person_id": 999999}, 422, "unknown_person"),
    ({"person_id": 2**40}, 422, "out_of_range"),  # no id is that large: refused at the door
    ({"person_id": "one"}, 400, "bad_type"),
    ({"person_id": 1, "child": {"given_name": "A", "family_name": "B", "date_of_birth": "2016-01-01"}}, 400,
     "child_and_person"),
])
def test_a_request_naming_no_known_child_is_refused_and_creates_nothing(api, body, status, code):
    response = api.post("/cases", {"received_on": "2024-09-02", "requested_by": "parent", **body})
    assert (response.status_code, response.get_json()["error"]["code"]) == (status, code)
    assert api.get("/cases").get_json()["total"] == 0
    assert api.get("/people").get_json()["total"] == 0


def test_a_case_shows_the_child_as_the_person_record_has_them_now(api):
    case = api.new_case()
    change(api, case["person_id"], reason="Name changed by deed poll", family_name="Taylor-Reid")
    assert api.get(f"/cases/{case['id']}").get_json()["child"]["family_name"] == "Taylor-Reid"
    assert api.get("/cases").get_json()["items"][0]["child"]["family_name"] == "Taylor-Reid"


# --------------------------------------------------------------------------------------------------- search

@pytest.fixture
def three_children(api) -> dict[str, int]:
    ids = {}
    for given, family, born in (("Sam", "Taylor", "2016-05-04"), ("Samira", "Khan", "2012-01-20"),
                                ("Ola", "Nowak", "2016-05-04")):
        ids[given] = api.new_case(given_name=given, family_name=family, date_of_birth=born)["person_id"]
    change(api, ids["Sam"], reason="From the school's records", upn=UPN, postcode="nb1 2ab",
           contacts=[{"name": "Joanne Taylor", "relationship": "Mother", "parental_responsibility": True}])
    change(api, ids["Samira"], reason="From the GP", nhs_number="943 476 5919", postcode="NB1 4HX",
           contacts=[{"name": "Imran Khan", "relationship": "Father", "parental_responsibility": True}])
    change(api, ids["Ola"], reason="From the request form", postcode="NB2 7QD")
    return ids


@pytest.mark.parametrize(("query", "expected"), [
    ("q=sam", ["Sam Taylor", "Samira Khan"]),
    ("q=TAYLOR", ["Sam Taylor"]),
    ("q=sam%20taylor", ["Sam Taylor"]),
    ("q=imran", ["Samira Khan"]),  # a parent's name
    ("q=joanne%20tay", ["Sam Taylor"]),
    ("q=%25", []),  # a wildcard typed is a character, not "anything"
    ("date_of_birth=2016-05-04", ["Ola Nowak", "Sam Taylor"]),
    ("upn=h8012%2000001001", ["Sam Taylor"]),
    ("nhs_number=943%20476%205919", ["Samira Khan"]),
    ("postcode=nb12ab", ["Sam Taylor"]),
    ("postcode=NB1", ["Sam Taylor", "Samira Khan"]),  # the outward code: the whole district
    ("q=sam&date_of_birth=2016-05-04", ["Sam Taylor"]),  # every filter given must match
    ("q=nobody", []),
])
def test_people_are_found_by_name_date_of_birth_upn_nhs_number_postcode_and_a_parents_name(
        api, three_children, query, expected):
    assert found(api, query) == expected


def test_each_person_found_comes_with_their_cases_and_the_list_is_paged(api, three_children):
    page = api.get("/people?per_page=2&page=2").get_json()
    assert (page["total"], len(page["items"])) == (3, 1)
    first = api.get("/people?q=samira").get_json()["items"][0]
    assert [c["state"] for c in first["cases"]] == ["request_received"]
    assert set(first["cases"][0]) >= {"id", "reference", "state"}
    assert api.get("/people?date_of_birth=04/05/2016").status_code == 400


# --------------------------------------------------------------------------------------------------- changes

def test_a_change_without_a_reason_is_refused_and_nothing_is_written(api):
    person_id = api.new_case()["person_id"]
    before, trail = person_of(api, person_id), history_of(api, person_id)
    for body, status, code in (({"postcode": "NB1 2AB"}, 400, "missing_field"),
                               ({"postcode": "NB1 2AB", "reason": "   "}, 422, "required"),
                               ({"reason": "x", "favourite_colour": "blue"}, 400, "unknown_field"),
                               ({"reason": "x", "contacts": [{"name": "A", "shoe_size": 9}]}, 400, "unknown_field")):
        response = api.patch(f"/people/{person_id}", body)
        assert (response.status_code, response.get_json()["error"]["code"]) == (status, code), body
    assert person_of(api, person_id) == before and history_of(api, person_id) == trail


def test_a_contacts_address_change_is_in_the_history_with_who_when_before_after_and_why(api_as):
    officer = api_as("caseworker", username="r.patel")
    person_id = officer.new_case()["person_id"]
    with freezegun.freeze_time("2025-01-13 09:30:00"):
        added = change(officer, person_id, reason="Details from the request form", contacts=[
            {"name": "Joanne Taylor", "relationship": "Mother", "parental_responsibility": True,
             "address": "1 Mill Lane\nNorthbridge", "email": "joanne@example.com", "preferred_contact": "email"},
            {"name": "Mark Taylor", "relationship": "Father", "parental_responsibility": True, "phone": "07700 900123",
             "preferred_contact": "phone", "interpreter_language": "Polish"},
        ])
    mother, father = added["contacts"]
    with freezegun.freeze_time("2025-02-03 14:05:00"):
        moved = change(officer, person_id, reason="Mother phoned: the family has moved",
                       contacts=[{"id": mother["id"], "address": "22 River Road\nNorthbridge"}])
    assert moved["contacts"] == [{**mother, "address": "22 River Road\nNorthbridge"}, father]  # the father is kept

    trail = history_of(officer, person_id)
    assert [e["event"] for e in trail] == ["person_added", "contact_added", "contact_added", "contact_changed"]
    last = trail[-1]
    assert (last["actor"], last["at"], last["reason"], last["contact_id"]) == (
        "r.patel", "2025-02-03T14:05:00+00:00", "Mother phoned: the family has moved", mother["id"])
    assert last["changes"] == {"address": {"before": "1 Mill Lane\nNorthbridge", "after": "22 River Road\nNorthbridge"}}
    assert trail[1]["changes"]["name"] == {"before": None, "after": "Joanne Taylor"}
    assert trail[1]["at"] == "2025-01-13T09:30:00+00:00"

    same_phone = [{"id": father["id"], "phone": "07700 900123"}]
    unchanged = api_as("manager").patch(f"/people/{person_id}", {"reason": "checking", "contacts": same_phone})
    assert unchanged.status_code == 200 and len(history_of(officer, person_id)) == 4  # no change, no entry


def test_a_person_changed_by_someone_else_first_is_409(api):
    person = person_of(api, api.new_case()["person_id"])
    change(api, person["id"], reason="From the GP", nhs_number=NHS_NUMBER, version=person["version"])
    stale = api.patch(f"/people/{person['id']}", {"reason": "From school", "upn": UPN, "version": person["version"]})
    assert (stale.status_code, stale.get_json()["error"]["code"]) == (409, "conflict")
    assert person_of(api, person["id"])["upn"] is None


def test_a_contact_of_another_child_cannot_be_changed_through_this_one(api):
    first = api.new_case(given_name="Ann")["person_id"]
    api.event(api.get("/cases").get_json()["items"][0]["id"], "withdraw", "2024-09-03", reason="Moved away")
    second = api.new_case(given_name="Bea")["person_id"]
    contact = change(api, first, reason="Form", contacts=[{"name": "Pat Doe"}])["contacts"][0]
    response = api.patch(f"/people/{second}", {"reason": "Form", "contacts": [{"id": contact["id"], "name": "X"}]})
    assert (response.status_code, response.get_json()["error"]["code"]) == (422, "unknown_contact")
    assert person_of(api, first)["contacts"][0]["name"] == "Pat Doe"


@pytest.mark.parametrize(("field", "value", "code"), [
    ("nhs_number", "943 476 5918", "invalid_nhs_number"),
    ("nhs_number", "12345", "invalid_nhs_number"),
    ("upn", "A801200001001", "invalid_upn"),
    ("upn", "H8012000010", "invalid_upn"),
    ("uln", "123456789", "invalid_uln"),
    ("postcode", "NB1", "invalid_postcode"),
    ("postcode", "QQ1 1AA", "invalid_postcode"),
    ("ethnicity", "XXXX", "invalid_choice"),
    ("given_name", "A" * 101, "too_long"),
    ("address", "1 Mill Lane\x07", "control_characters"),
])
def test_an_invalid_identifier_or_detail_is_422_naming_the_field_with_nothing_written(api, field, value, code):
    person_id = api.new_case()["person_id"]
    before, trail = person_of(api, person_id), history_of(api, person_id)
    response = api.patch(f"/people/{person_id}", {"reason": "From the school", "postcode": "NB2 7QD", field: value,
                                                  "contacts": [{"name": "Joanne Taylor"}]})
    assert response.status_code == 422
    error = response.get_json()["error"]
    assert (error["code"], error["field"]) == (code, field)
    assert "_" not in error["message"]  # a sentence a caseworker reads, not our names
    assert person_of(api, person_id) == before and history_of(api, person_id) == trail


def test_an_identifier_already_recorded_for_another_child_is_refused(api):
    first = api.new_case(given_name="Ann")["person_id"]
    second = api.new_case(given_name="Bea", date_of_birth="2015-01-01")["person_id"]
    change(api, first, reason="From the GP", nhs_number=NHS_NUMBER)
    response = api.patch(f"/people/{second}", {"reason": "From the GP", "nhs_number": NHS_NUMBER})
    assert (response.status_code, response.get_json()["error"]["code"]) == (422, "already_recorded")


def test_a_preferred_way_of_being_reached_needs_the_detail_it_uses(api):
    person_id = api.new_case()["person_id"]
    response = api.patch(f"/people/{person_id}", {"reason": "Form", "contacts": [
        {"name": "Joanne Taylor", "preferred_contact": "email"}]})
    assert (response.status_code, response.get_json()["error"]["field"]) == (422, "contacts[0].preferred_contact")
    assert person_of(api, person_id)["contacts"] == []


def test_every_detail_of_the_contract_can_be_recorded_and_read_back(api):
    person_id = api.new_case()["person_id"]
    person = change(api, person_id, reason="From the school census", sex="F", ethnicity="wbri", upn=UPN,
                    uln="1234567890", nhs_number=NHS_NUMBER, postcode="NB1 2AB", address="1 Mill Lane",
                    first_language="English", current_setting={"urn": "123456"})
    assert {k: person[k] for k in ("sex", "ethnicity", "upn", "uln", "nhs_number", "current_setting")} == {
        "sex": "F", "ethnicity": "WBRI", "upn": UPN, "uln": "1234567890", "nhs_number": NHS_NUMBER,
        "current_setting": {"urn": "123456"}}
    person = change(api, person_id, reason="Now home educated", current_setting={"sen_setting": "EHE"})
    assert person["current_setting"] == {"sen_setting": "EHE"}
    assert history_of(api, person_id)[-1]["changes"] == {
        "current_setting": {"before": {"urn": "123456"}, "after": {"sen_setting": "EHE"}}}
    both = api.patch(f"/people/{person_id}",
                     {"reason": "x", "current_setting": {"urn": "123456", "sen_setting": "EHE"}})
    assert (both.status_code, both.get_json()["error"]["code"]) == (422, "one_setting")
    assert change(api, person_id, reason="Wrong child's UPN", upn=None)["upn"] is None


# --------------------------------------------------------------------------------------------------- advisers

def test_an_adviser_sees_only_what_their_advice_needs_and_404_for_another_organisations_child(api, api_as):
    asked = api.new_case(given_name="Asked")
    api.event(asked["id"], "agree_to_assess", "2024-10-01")
    api.event(asked["id"], "request_advice", "2024-10-02", advice_type="health", organisation="Northbridge NHS Trust")
    other = api.new_case(given_name="Other", family_name="Child", date_of_birth="2014-02-02")
    for person_id in (asked["person_id"], other["person_id"]):
        change(api, person_id, reason="From the GP and the school", nhs_number=None, postcode="NB1 2AB",
               address="1 Mill Lane", ethnicity="WBRI", current_setting={"urn": "123456"},
               contacts=[{"name": "Joanne Taylor", "parental_responsibility": True}])
    change(api, asked["person_id"], reason="From the GP", nhs_number=NHS_NUMBER)

    nhs = api_as("adviser", org="Northbridge NHS Trust")
    seen = person_of(nhs, asked["person_id"])
    assert seen == {"id": asked["person_id"], "given_name": "Asked", "family_name": "Taylor",
                    "date_of_birth": "2016-05-04", "nhs_number": NHS_NUMBER, "current_setting": {"urn": "123456"}}
    for path in (f"/people/{other['person_id']}", "/people/999999"):
        missing = nhs.get(path)
        assert (missing.status_code, missing.get_json()["error"]["code"]) == (404, "not_found")
    assert nhs.get("/people?q=asked").status_code == 403
    assert nhs.get(f"/people/{asked['person_id']}/history").status_code == 403
    assert nhs.patch(f"/people/{asked['person_id']}", {"reason": "x", "postcode": "NB2 7QD"}).status_code == 403

    elsewhere = api_as("adviser", org="Educational Psychology Service")
    assert elsewhere.get(f"/people/{asked['person_id']}").status_code == 404
    assert api_as("admin").get(f"/people/{asked['person_id']}").status_code == 403
