"""GET /exports/sen2 (managers only) and the SEN2 details of a case, every answer checked against the document."""

from __future__ import annotations

import pytest
from lxml import etree
from sqlalchemy import func, select

from casework.models import AuditEntry, Sen2Details
from casework.reporting.sen2 import xml
from tests.api.conftest import Api

DETAILS = {"request_source": 3, "youth_accommodation": False, "residential": True, "work_based_learning": False,
           "personal_budget": ["direct_payments"], "transfer_la": "202",
           "placements": [{"kind": "named", "urn": "100001", "rank": 1},
                          {"kind": "attended", "ukprn": "10012345", "rank": 1}],
           "sen_needs": [{"code": "ASD", "rank": 1}, {"code": "SLCN", "rank": 2}]}


def plan_in_2025(api: Api) -> int:
    """A plan issued 20 January 2025 for a request of 2 September 2024: in force on the 2026 census."""
    cid = api.new_case("2024-09-02")["id"]
    for event, on in (("agree_to_assess", "2024-10-01"), ("decide_to_issue", "2024-12-02"),
                      ("issue_draft", "2024-12-16"), ("issue_final", "2025-01-20")):
        assert api.event(cid, event, on).status_code == 200
    return cid


@pytest.fixture
def manager(api_as) -> Api:
    return api_as("manager")


def test_a_manager_downloads_the_validated_return(manager: Api) -> None:
    cid = plan_in_2025(manager)
    assert manager.call("PUT", f"/cases/{cid}/sen2", DETAILS).status_code == 200
    response = manager.get("/exports/sen2?year=2026")
    assert response.status_code == 200
    assert response.mimetype == "application/xml"
    assert 'filename="sen2-2026.xml"' in response.headers["Content-Disposition"]
    assert xml.schema_errors(response.data) == []
    root = etree.fromstring(response.data)
    assert root.findtext("Header/CollectionDetails/ReferenceDate") == "2026-01-15"
    person = root.find("Persons/Person")
    assert person.findtext("Requests/RequestSource") == "3"
    assert person.findtext("Requests/Assessment/NamedPlan/StartDate") == "2025-01-20"
    assert person.findtext("Requests/Assessment/NamedPlan/PlanRes") == "1"
    assert person.findtext("ActivePlans/TransferLA") == "202"
    assert person.findtext("ActivePlans/PlacementDetail/UKPRN") == "10012345"


def test_validate_only_gives_the_findings(manager: Api) -> None:
    plan_in_2025(manager)
    response = manager.get("/exports/sen2?year=2026&validate_only=true")
    assert response.status_code == 200
    body = response.get_json()
    assert (body["year"], body["census_date"], body["persons"], body["errors"]) == (2026, "2026-01-15", 1, 0)
    assert {f["rule"] for f in body["findings"]} >= {"SEN2-R01", "SEN2-N03", "SEN2-S02"}
    assert all(f["severity"] == "query" for f in body["findings"])


def test_a_return_with_errors_is_refused_with_its_findings(manager: Api) -> None:
    cid = plan_in_2025(manager)
    assert manager.call("PUT", f"/cases/{cid}/sen2", {**DETAILS, "transfer_la": "999"}).status_code == 200
    response = manager.get("/exports/sen2?year=2026")
    assert response.status_code == 422
    body = response.get_json()
    assert body["error"]["code"] == "sen2_errors"
    assert [f["rule"] for f in body["findings"] if f["severity"] == "error"] == ["SEN2-T01"]


@pytest.mark.parametrize("role", ["caseworker", "adviser", "admin"])
def test_only_managers_export(api_as, role: str) -> None:
    kwargs = {"org": "Northbridge NHS Trust"} if role == "adviser" else {}
    response = api_as(role, **kwargs).get("/exports/sen2?year=2026")
    assert response.status_code == 403
    assert response.get_json()["error"]["code"] == "forbidden"


@pytest.mark.parametrize(("query", "status", "code"), [
    ("year=2026x", 400, "malformed"), ("", 400, "malformed"), ("year=1999", 422, "out_of_range"),
    ("year=2014", 422, "out_of_range"), ("year=99999", 422, "out_of_range"),
    ("year=2026&validate_only=yes", 422, "invalid_choice"),
])
def test_a_bad_year_is_refused(manager: Api, query: str, status: int, code: str) -> None:
    response = manager.get(f"/exports/sen2?{query}")
    assert response.status_code == status
    assert response.get_json()["error"]["code"] == code


def test_details_are_recorded_and_audited(api: Api, db) -> None:
    cid = api.new_case("2025-03-03")["id"]
    empty = api.get(f"/cases/{cid}/sen2").get_json()
    assert empty["request_source"] is None and empty["placements"] == [] and empty["recorded_by"] is None
    recorded = api.call("PUT", f"/cases/{cid}/sen2", DETAILS).get_json()
    assert {k: recorded[k] for k in DETAILS} == {**DETAILS, "sen_needs": DETAILS["sen_needs"]}
    assert api.get(f"/cases/{cid}/sen2").get_json() == recorded
    # the same again changes nothing; a change is a new row, the old one kept
    assert api.call("PUT", f"/cases/{cid}/sen2", DETAILS).get_json() == recorded
    changed = api.call("PUT", f"/cases/{cid}/sen2", {**DETAILS, "request_source": 1}).get_json()
    assert changed["request_source"] == 1
    with db.reading() as s:
        assert s.scalar(select(func.count()).select_from(Sen2Details).where(Sen2Details.case_id == cid)) == 2
        entries = s.scalars(select(AuditEntry).where(AuditEntry.case_id == cid,
                                                     AuditEntry.event == "sen2_details_recorded")).all()
    assert len(entries) == 2
    assert entries[1].fields["changes"] == {"request_source": {"before": 3, "after": 1}}
    history = api.get(f"/cases/{cid}/history").get_json()
    assert "sen2_details_recorded" in [e["event"] for e in history]


@pytest.mark.parametrize(("body", "status", "code", "field"), [
    ({"request_source": 6}, 422, "unknown_code", "request_source"),
    ({"request_source": "3"}, 400, "bad_type", "request_source"),
    ({"requst_source": 3}, 400, "unknown_field", "requst_source"),
    ({"residential": "yes"}, 400, "bad_type", "residential"),
    ({"transfer_la": "20"}, 422, "invalid_la", "transfer_la"),
    ({"personal_budget": ["cash"]}, 422, "unknown_code", "personal_budget[0]"),
    ({"placements": [{"kind": "named", "rank": 1}]}, 422, "one_setting", "placements[0]"),
    ({"placements": [{"kind": "named", "urn": "100001", "ukprn": "10012345", "rank": 1}]}, 422, "one_setting",
     "placements[0]"),
    ({"placements": [{"kind": "named", "urn": "12", "rank": 1}]}, 422, "invalid_urn", "placements[0].urn"),
    ({"placements": [{"kind": "somewhere", "urn": "100001", "rank": 1}]}, 422, "unknown_code", "placements[0].kind"),
    ({"placements": [{"kind": "named", "urn": "100001", "rank": 1}, {"kind": "named", "urn": "100002", "rank": 1}]},
     422, "duplicate_rank", "placements"),
    ({"placements": [{"kind": "named", "urn": "100001", "rank": 2}]}, 422, "no_first_rank", "placements"),
    ({"placements": [{"kind": "named", "sen_setting": "XYZ", "rank": 1}]}, 422, "unknown_code",
     "placements[0].sen_setting"),
    ({"placements": [{"kind": "named", "urn": "100001", "rank": 1, "colour": "red"}]}, 400, "unknown_field",
     "placements[0].colour"),
    ({"sen_needs": [{"code": "ASD", "rank": 1}, {"code": "ASD", "rank": 2}]}, 422, "duplicate", "sen_needs"),
    ({"sen_needs": [{"code": "ASD", "rank": 2}]}, 422, "no_first_rank", "sen_needs"),
    ({"sen_needs": [{"code": "XX", "rank": 1}]}, 422, "unknown_code", "sen_needs[0].code"),
    ({"sen_needs": [{"code": "ASD", "rank": 99}]}, 422, "required", "sen_needs[0]"),
])
def test_bad_details_are_refused_and_nothing_written(api: Api, db, body, status, code, field) -> None:
    cid = api.new_case("2025-03-03")["id"]
    response = api.call("PUT", f"/cases/{cid}/sen2", body)
    assert response.status_code == status, response.get_json()
    assert response.get_json()["error"]["code"] == code
    assert response.get_json()["error"]["field"] == field
    with db.reading() as s:
        assert s.scalar(select(func.count()).select_from(Sen2Details)) == 0


def test_details_of_a_case_not_visible_are_404_and_advisers_may_not_write(api: Api, api_as) -> None:
    assert api.get("/cases/999999/sen2").status_code == 404
    assert api.call("PUT", "/cases/999999/sen2", DETAILS).status_code == 404
    cid = api.new_case("2025-03-03")["id"]
    adviser = api_as("adviser", org="Northbridge NHS Trust")
    assert adviser.call("PUT", f"/cases/{cid}/sen2", DETAILS).status_code == 403
    assert adviser.get(f"/cases/{cid}/sen2").status_code == 403
