"""GET /alerts and acknowledging an alert: each role sees exactly the alerts it hears of, and no more.

Every response is checked against the OpenAPI document by the Api client.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from casework import operations as ops
from casework.alerts import close_unjustified, scan
from tests.api.conftest import Api

D = dt.date
AS_OF = D(2024, 11, 29)


@pytest.fixture
def people(make_user) -> dict[str, Any]:
    return {
        "owner": make_user("caseworker", username="owner"),
        "colleague": make_user("caseworker", username="colleague"),
        "manager": make_user("manager", username="manager"),
        "admin": make_user("admin", username="admin"),
        "nhs": make_user("adviser", username="nhs", org="Northbridge NHS Trust"),
        "eps": make_user("adviser", username="eps", org="Educational Psychology Service"),
    }


@pytest.fixture
def alerts(db, settings, people) -> dict[str, Any]:
    """Scanned on 29 November 2024: late and nearly due advice on the owner's case, a late decision on another."""
    owned = ops.create_case(db, actor=people["owner"], assigned_caseworker_id=people["owner"].id, given_name="Sam",
                            family_name="Taylor", date_of_birth=D(2016, 3, 1), received_on=D(2024, 9, 2),
                            requested_by="parent")
    ops.agree_to_assess(db, owned.id, actor=None, on=D(2024, 10, 1))
    ops.request_advice(db, owned.id, actor=None, on=D(2024, 10, 2), advice_type="health",
                       organisation="Northbridge NHS Trust")
    ops.request_advice(db, owned.id, actor=None, on=D(2024, 10, 2), advice_type="psychological",
                       organisation="Educational Psychology Service")
    case = ops.request_advice(db, owned.id, actor=None, on=D(2024, 11, 1), advice_type="health",
                              organisation="Northbridge NHS Trust")
    advice = {(a.advice_type, a.requested_on): a.id for a in case.advice_requests}
    colleagues = ops.create_case(db, actor=people["colleague"], assigned_caseworker_id=people["colleague"].id,
                                 given_name="Alex", family_name="Jones",
                                 date_of_birth=D(2012, 7, 9), received_on=D(2024, 9, 16), requested_by="school")
    result = scan.run_scan(db, settings, as_of=AS_OF)
    assert (result["new_alerts"], result["new_warnings"]) == (3, 1)
    return {"owned": owned, "colleagues": colleagues, "health_late": advice[("health", D(2024, 10, 2))],
            "health_soon": advice[("health", D(2024, 11, 1))], "psychology": advice[("psychological", D(2024, 10, 2))]}


def as_user(client, auth_header, user) -> Api:
    return Api(client, auth_header(user))


def listed(api: Api, query: str = "") -> list[dict[str, Any]]:
    response = api.get("/alerts" + query)
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert body["total"] == len(body["items"]) and body["page"] == 1
    return body["items"]


def summary(items: list[dict[str, Any]]) -> set[tuple[Any, ...]]:
    return {(a["kind"], a["deadline_kind"], a["case_id"], a["advice_request_id"]) for a in items}


def test_a_manager_sees_every_overdue_alert_and_no_warnings(client, auth_header, people, alerts):
    items = listed(as_user(client, auth_header, people["manager"]))
    assert summary(items) == {
        ("overdue", "advice", alerts["owned"].id, alerts["health_late"]),
        ("overdue", "advice", alerts["owned"].id, alerts["psychology"]),
        ("overdue", "decision_to_assess", alerts["colleagues"].id, None),
    }
    decision = next(a for a in items if a["deadline_kind"] == "decision_to_assess")
    assert decision == {**decision, "case_reference": alerts["colleagues"].reference, "due_on": "2024-10-28",
                        "rule": "R1.1", "citation": "SEND Regs 2014 reg 4(1), 5(1)", "acknowledged_at": None}
    assert "child" not in decision


def test_an_adviser_sees_only_their_own_organisations_advice_alerts(client, auth_header, people, alerts):
    nhs = listed(as_user(client, auth_header, people["nhs"]))
    assert summary(nhs) == {("overdue", "advice", alerts["owned"].id, alerts["health_late"]),
                            ("due_soon", "advice", alerts["owned"].id, alerts["health_soon"])}
    eps = listed(as_user(client, auth_header, people["eps"]))
    assert summary(eps) == {("overdue", "advice", alerts["owned"].id, alerts["psychology"])}


def test_a_caseworker_sees_the_alerts_of_their_own_cases_only(client, auth_header, people, alerts):
    owner = listed(as_user(client, auth_header, people["owner"]))
    assert {a["case_id"] for a in owner} == {alerts["owned"].id}
    assert sorted(a["kind"] for a in owner) == ["due_soon", "overdue", "overdue"]
    colleague = listed(as_user(client, auth_header, people["colleague"]))
    assert summary(colleague) == {("overdue", "decision_to_assess", alerts["colleagues"].id, None)}
    assert listed(as_user(client, auth_header, people["owner"]), "?kind=due_soon")[0]["due_on"] == "2024-12-13"


def test_an_admin_may_not_see_alerts(client, auth_header, people, alerts):
    admin = as_user(client, auth_header, people["admin"])
    response = admin.get("/alerts")
    assert response.status_code == 403 and response.get_json()["error"]["code"] == "forbidden"
    some_alert = listed(as_user(client, auth_header, people["manager"]))[0]["id"]
    assert admin.post(f"/alerts/{some_alert}/acknowledge").status_code == 403


def test_acknowledging_an_alert_records_the_first_acknowledgement(client, auth_header, people, alerts):
    manager = as_user(client, auth_header, people["manager"])
    target = next(a for a in listed(manager) if a["deadline_kind"] == "decision_to_assess")
    response = manager.post(f"/alerts/{target['id']}/acknowledge")
    assert response.status_code == 200
    acknowledged = response.get_json()
    assert acknowledged["id"] == target["id"] and acknowledged["acknowledged_at"]
    assert acknowledged == {**target, "acknowledged_at": acknowledged["acknowledged_at"]}

    again = as_user(client, auth_header, people["colleague"]).post(f"/alerts/{target['id']}/acknowledge")
    assert again.status_code == 200 and again.get_json()["acknowledged_at"] == acknowledged["acknowledged_at"]
    assert target["id"] not in {a["id"] for a in listed(manager, "?acknowledged=false")}
    assert [a["id"] for a in listed(manager, "?acknowledged=true")] == [target["id"]]
    assert len(listed(manager, "?acknowledged=false")) == 2


def test_an_alert_the_user_may_not_see_answers_404_and_stays_unacknowledged(client, auth_header, people, alerts):
    nhs = as_user(client, auth_header, people["nhs"])
    eps = as_user(client, auth_header, people["eps"])
    psychology = listed(eps)[0]
    for api in (nhs, as_user(client, auth_header, people["colleague"])):
        response = api.post(f"/alerts/{psychology['id']}/acknowledge")
        assert response.status_code == 404 and response.get_json()["error"]["code"] == "not_found"
    assert nhs.post("/alerts/999999/acknowledge").status_code == 404
    assert listed(eps)[0]["acknowledged_at"] is None


def test_alerts_need_an_api_token(client, alerts):
    anonymous = Api(client, {})
    for response in (anonymous.get("/alerts"), anonymous.post("/alerts/1/acknowledge")):
        assert response.status_code == 401 and response.get_json()["error"]["code"] == "unauthenticated"


@pytest.mark.parametrize("query", ["?kind=late", "?acknowledged=maybe", "?page=0", "?per_page=x"])
def test_a_bad_filter_is_a_400_naming_it(client, auth_header, people, alerts, query):
    response = as_user(client, auth_header, people["manager"]).get("/alerts" + query)
    assert response.status_code == 400
    assert response.get_json()["error"]["field"] == query[1:].split("=")[0]


def test_alerts_are_listed_newest_first_and_paged(client, auth_header, db, settings, people, alerts):
    scan.run_scan(db, settings, as_of=D(2024, 12, 14))  # the second health advice becomes late
    manager = as_user(client, auth_header, people["manager"])
    items = listed(manager)
    assert len(items) == 4 and items[0]["advice_request_id"] == alerts["health_soon"]
    assert [(a["created_at"], a["id"]) for a in items] == sorted(((a["created_at"], a["id"]) for a in items),
                                                                  reverse=True)
    page = manager.get("/alerts?per_page=3&page=2").get_json()
    assert (page["total"], page["page"], page["per_page"]) == (4, 2, 3)
    assert [a["id"] for a in page["items"]] == [items[3]["id"]]


def test_a_closed_alert_is_left_out_of_every_list_and_cannot_be_acknowledged(client, auth_header, db, people, alerts):
    nhs, manager = as_user(client, auth_header, people["nhs"]), as_user(client, auth_header, people["manager"])
    late = next(a for a in listed(manager) if a["advice_request_id"] == alerts["health_late"])
    assert nhs.post(f"/advice-requests/{alerts['health_late']}/return", {"on": "2024-11-29"}).status_code == 200
    with db.transaction() as session:  # as a correction recomputing the case will
        closed = close_unjustified(session, alerts["owned"].id, D(2024, 11, 29), "Recomputed after a correction")
    assert [a.id for a in closed] == [late["id"]]

    assert late["id"] not in {a["id"] for a in listed(manager)}
    assert summary(listed(nhs)) == {("due_soon", "advice", alerts["owned"].id, alerts["health_soon"])}
    assert late["id"] not in {a["id"] for a in listed(as_user(client, auth_header, people["owner"]))}
    response = manager.post(f"/alerts/{late['id']}/acknowledge")
    assert response.status_code == 404 and response.get_json()["error"]["code"] == "not_found"
