"""GET /reports/timeliness: managers only, a four-digit year, the contract's shape (checked by the Api client)."""

import pytest

from casework.models import ADVICE_TYPES
from tests.api.conftest import Api


def plan(api: Api, received_on: str, agreed: str, decided: str, draft: str, final: str) -> int:
    cid = api.new_case(received_on)["id"]
    for event, on in (("agree_to_assess", agreed), ("decide_to_issue", decided), ("issue_draft", draft),
                      ("issue_final", final)):
        assert api.event(cid, event, on).status_code == 200
    return cid


@pytest.fixture
def manager(api_as) -> Api:
    return api_as("manager")


def test_a_manager_gets_the_years_figures(manager: Api):
    plan(manager, "2024-09-02", "2024-10-01", "2024-12-02", "2024-12-16", "2025-01-20")  # due 20 Jan: on time
    late = plan(manager, "2024-09-02", "2024-10-01", "2025-01-06", "2025-01-13", "2025-02-03")  # 2 weeks late
    manager.event(late, "record_exception", "2025-02-03", reason="personal_circumstances", starts_on="2024-11-01",
                  ends_on="2024-12-20", applies_to="final_plan")
    advised = manager.new_case("2025-01-06")["id"]
    manager.event(advised, "agree_to_assess", "2025-02-03")
    case = manager.event(advised, "request_advice", "2025-02-03", advice_type="health",
                         organisation="Northbridge NHS Foundation Trust").get_json()
    manager.event(advised, "record_advice", "2025-03-24", advice_request_id=case["advice_requests"][0]["id"])

    response = manager.get("/reports/timeliness?year=2025")
    assert response.status_code == 200
    figures = response.get_json()
    assert {k: figures[k] for k in ("year", "plans_issued", "within_20_weeks", "pct_within_20_weeks")} == \
        {"year": 2025, "plans_issued": 2, "within_20_weeks": 1, "pct_within_20_weeks": 50.0}
    assert figures["excluding_exceptions"] == {"plans_issued": 1, "within_20_weeks": 1, "pct_within_20_weeks": 100.0}
    assert set(figures["advice"]) == set(ADVICE_TYPES)
    assert figures["advice"]["health"] == {"returned": 1, "within_6_weeks": 0, "pct_within_6_weeks": 0.0}

    empty = manager.get("/reports/timeliness?year=2019").get_json()
    assert empty["plans_issued"] == 0 and empty["pct_within_20_weeks"] is None


@pytest.mark.parametrize("role", ["caseworker", "adviser", "admin"])
def test_other_roles_may_not_see_reports(api_as, role):
    who = api_as(role, org="Northbridge NHS Foundation Trust") if role == "adviser" else api_as(role)
    response = who.get("/reports/timeliness?year=2025")
    assert response.status_code == 403
    assert response.get_json()["error"]["code"] == "forbidden"


@pytest.mark.parametrize("query", ["", "?year=", "?year=25", "?year=twenty", "?year=2025-01", "?year=02025",
                                   "?year=0999", "?year=-2025", "?year=2025.0", "?years=2025"])
def test_a_missing_or_malformed_year_is_400(manager: Api, query):
    response = manager.get("/reports/timeliness" + query)
    assert response.status_code == 400
    error = response.get_json()["error"]
    assert error["code"] == "malformed" and error["field"] == "year" and "year" in error["message"]


def test_without_a_token_the_report_is_401(client):
    response = Api(client, {}).get("/reports/timeliness?year=2025")
    assert response.status_code == 401
    assert response.get_json()["error"]["code"] == "unauthenticated"
