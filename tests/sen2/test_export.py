"""The January 2026 return over a caseload worked out by hand (tests/sen2/conftest.py builds it).

Census: the third Thursday of January 2026 is the 15th; the return reports 2025.

- Refused (request 3 Mar 2025): refused 7 Apr 2025 -> request H, 7 Apr 2025; source 1.
- Withdrawn (5 May 2025): withdrawn 20 May 2025 -> request W, 20 May 2025; source 2, RYA 0.
- OnTime (2 Sep 2024): assess 7 Oct, issue 16 Dec 2024, plan 20 Jan 2025 (due that very day), review meeting
  3 Nov 2025 -> Week20 0; active on the census date with LastReview 3 Nov 2025, two needs, two placements.
- Late (6 Jan 2025): assess 10 Feb, issue 12 May, plan 16 Jun 2025 (due 26 May) -> Week20 0 (late, but no
  exception); TransferLA 202.
- Excepted (3 Feb 2025): assess 10 Mar, exception 1 Apr to 12 May on the 20 weeks, issue 2 Jun, plan
  14 Jul 2025 -> Week20 1; no details recorded, so the request's primary need ASD is rank 1.
- NotIssued (3 Feb 2025): assess 10 Mar, not issued 2 Jun 2025 -> assessment H, 2 Jun 2025.
- Ceased (4 Sep 2023): plan 15 Jan 2024, decision to cease 1 Sep 2025 with reason 4; the family's time to
  appeal ran to 1 Nov 2025 (+ 2 months), and the ceasing was confirmed on Monday 3 Nov 2025 -> CeaseDate
  3 Nov 2025 (the day the plan ceased, not the decision) and CeaseReason 4; no active plan.
- Ongoing (3 Nov 2025): nothing yet -> a request with no outcome.
- AfterCensus (6 Oct 2025): agreed to assess on 20 Jan 2026, after the census -> no outcome yet.
- Mediated (3 Mar 2025): assess 7 Apr, issue 7 Jul, plan 11 Aug 2025 (due 21 Jul) -> Week20 0; the family
  sought mediation on the plan (18 Aug), held 1 Sep, certificate 3 Sep, appeal on section B registered 1 Oct
  2025 -> the assessment's Mediation 1 and Tribunal 1, the request's 0 and 0 (the refusal to assess was never
  in dispute); active, its primary need ASD.
- TransferredIn: a plan made by authority 202 on 1 Mar 2023 transferred to us on 2 Jun 2025 (reg 15) -> no
  request of ours, an active plan with TransferLA 202 and the primary need SLCN given at the transfer.
- NextYear (5 Jan 2026) is next year's; OldClosed (refused 3 Apr 2023) closed before 2025: neither is in.
"""

from __future__ import annotations

import copy
import datetime as dt
from typing import Any

import pytest
from lxml import etree

from casework.core.db import Database
from casework.reporting import sen2
from casework.reporting.sen2 import census_date, xml
from tests.sen2.conftest import YEAR

D = dt.date
LA = "999"


def person(name: str, requests: list[dict[str, Any]], active: dict[str, Any] | None = None,
           born: dt.date = D(2016, 5, 4)) -> dict[str, Any]:
    return {"Surname": "Test", "Forename": name, "PersonBirthDate": born, "Sex": None, "Ethnicity": None,
            "PostCode": None, "UPN": None, "UniqueLearnerNumber": None, "Requests": requests, "ActivePlans": active}


def request(received: dt.date, outcome: str | None = None, on: dt.date | None = None, *, source: int | None = None,
            rya: int | None = None, assessment: dict[str, Any] | None = None, mediation: int = 0,
            tribunal: int = 0) -> dict[str, Any]:
    return {"ReceivedDate": received, "RequestSource": source, "RYA": rya, "RequestOutcomeDate": on,
            "RequestOutcome": outcome, "Mediation": mediation, "Tribunal": tribunal, "Assessment": assessment}


def assessment(outcome: str, on: dt.date, week20: int | None = None, plan: dict[str, Any] | None = None,
               mediation: int = 0, tribunal: int = 0):
    return {"AssessmentOutcome": outcome, "AssessmentOutcomeDate": on, "Week20": week20, "Mediation": mediation,
            "Tribunal": tribunal, "NamedPlan": plan}


def plan(start: dt.date, placements: list[dict[str, Any]] = (), **given: Any) -> dict[str, Any]:
    base = {"StartDate": start, "PlanRes": None, "PlanWBL": None, "PB": None, "OPA": None, "DP": None, "NPB": None,
            "CeaseDate": None, "CeaseReason": None}
    return {**base, **given, "PlanDetail": list(placements)}


def active(needs: list[tuple[str, int]], placements: list[dict[str, Any]] = (), **given: Any) -> dict[str, Any]:
    return {"TransferLA": None, "LastReview": None, **given, "PlacementDetail": list(placements),
            "SENneed": [{"SENtype": code, "SENtypeRank": rank} for code, rank in needs]}


EXPECTED = [
    person("Refused", [request(D(2025, 3, 3), "H", D(2025, 4, 7), source=1)]),
    person("Withdrawn", [request(D(2025, 5, 5), "W", D(2025, 5, 20), source=2, rya=0)]),
    person("OnTime", [request(D(2024, 9, 2), "A", D(2024, 10, 7), source=3, assessment=assessment(
        "A", D(2024, 12, 16), 0, plan(D(2025, 1, 20), [{"URN": "100001", "PlacementRank": 1}], PlanRes=0, PlanWBL=0,
                                      PB=1, OPA=1, DP=1, NPB=0)))],
           active([("ASD", 1), ("SLCN", 2)], [{"URN": "100001", "PlacementRank": 1},
                                              {"SENsetting": "OLA", "PlacementRank": 2}], LastReview=D(2025, 11, 3))),
    person("Late", [request(D(2025, 1, 6), "A", D(2025, 2, 10), source=1, assessment=assessment(
        "A", D(2025, 5, 12), 0, plan(D(2025, 6, 16), [{"UKPRN": "10012345", "PlacementRank": 1}], PlanRes=1, PB=0)))],
           active([("SEMH", 1)], [{"UKPRN": "10012345", "PlacementRank": 1}], TransferLA="202")),
    person("Excepted", [request(D(2025, 2, 3), "A", D(2025, 3, 10), assessment=assessment(
        "A", D(2025, 6, 2), 1, plan(D(2025, 7, 14))))], active([("ASD", 1)])),
    person("NotIssued", [request(D(2025, 2, 3), "A", D(2025, 3, 10), assessment=assessment("H", D(2025, 6, 2)))]),
    person("Ceased", [request(D(2023, 9, 4), "A", D(2023, 10, 2), assessment=assessment(
        "A", D(2023, 12, 4), 0, plan(D(2024, 1, 15), CeaseDate=D(2025, 11, 3), CeaseReason=4)))], born=D(2006, 5, 4)),
    person("Ongoing", [request(D(2025, 11, 3))]),
    person("AfterCensus", [request(D(2025, 10, 6))]),
    person("Mediated", [request(D(2025, 3, 3), "A", D(2025, 4, 7), assessment=assessment(
        "A", D(2025, 7, 7), 0, plan(D(2025, 8, 11)), mediation=1, tribunal=1))], active([("ASD", 1)])),
    person("TransferredIn", [], active([("SLCN", 1)], TransferLA="202")),
]


def public(value: Any) -> Any:
    """The rows without the casework's own "_" keys, as the XML carries them."""
    if isinstance(value, dict):
        return {k: public(v) for k, v in value.items() if not k.startswith("_")}
    if isinstance(value, list):
        return [public(v) for v in value]
    return value


@pytest.fixture
def made(db: Database, caseload) -> sen2.Sen2Return:
    with db.reading() as session:
        return sen2.make_return(session, YEAR, LA)


def test_census_dates_are_the_third_thursday_of_january() -> None:
    # January 2026 begins on a Thursday (1st), so the third is the 15th; 2027 begins on a Friday: 7th, 14th, 21st.
    assert census_date(2026) == D(2026, 1, 15)
    assert census_date(2027) == D(2027, 1, 21)
    assert census_date(2024) == D(2024, 1, 18)  # the DfE's own census date for SEN2 2024
    assert sen2.reporting_period(2026) == (D(2025, 1, 1), D(2025, 12, 31))


def test_the_return_holds_exactly_the_rows_worked_out_by_hand(made: sen2.Sen2Return, caseload) -> None:
    assert public(made.persons) == EXPECTED
    assert [p["_person_id"] for p in made.persons] == [caseload[p["Forename"]] for p in EXPECTED]


def test_the_export_meets_our_schema_and_parses_back_into_the_same_rows(made: sen2.Sen2Return) -> None:
    assert xml.schema_errors(made.document) == []
    assert xml.schema().validate(etree.fromstring(made.document))
    header, persons = xml.from_xml(made.document)
    assert persons == EXPECTED
    assert header == made.header
    assert header["ReferenceDate"] == D(2026, 1, 15) and header["LEA"] == LA and header["Year"] == YEAR


def test_element_names_and_nesting(made: sen2.Sen2Return) -> None:
    root = etree.fromstring(made.document)
    assert [child.tag for child in root] == ["Header", "Persons"]
    on_time = root.find("Persons/Person[Forename='OnTime']")
    assert on_time.findtext("Requests/Assessment/Week20") == "0"
    assert on_time.findtext("Requests/Assessment/NamedPlan/PlanDetail/URN") == "100001"
    assert [e.findtext("SENtype") for e in on_time.findall("ActivePlans/SENneed")] == ["ASD", "SLCN"]
    assert on_time.findtext("ActivePlans/PlacementDetail[2]/SENsetting") == "OLA"
    excepted = root.find("Persons/Person[Forename='Excepted']")
    assert excepted.findtext("Requests/Assessment/Week20") == "1"
    ceased = root.find("Persons/Person[Forename='Ceased']")
    assert ceased.findtext("Requests/Assessment/NamedPlan/CeaseDate") == "2025-11-03"
    assert ceased.find("ActivePlans") is None
    mediated = root.find("Persons/Person[Forename='Mediated']")
    assert [mediated.findtext(f"Requests/{e}") for e in ("Mediation", "Tribunal")] == ["0", "0"]
    assert [mediated.findtext(f"Requests/Assessment/{e}") for e in ("Mediation", "Tribunal")] == ["1", "1"]
    moved_in = root.find("Persons/Person[Forename='TransferredIn']")
    assert moved_in.find("Requests") is None and moved_in.findtext("ActivePlans/TransferLA") == "202"
    # nothing is written for a detail not known
    assert root.find("Persons/Person[Forename='Ongoing']/Requests/RequestOutcome") is None


def test_the_caseload_has_no_errors_and_these_queries(made: sen2.Sen2Return, caseload) -> None:
    assert made.errors == []
    everyone = [p["Forename"] for p in EXPECTED]
    expected = {("SEN2-P02", name) for name in everyone} | {("SEN2-P03", name) for name in everyone}
    expected |= {("SEN2-R01", name) for name in ("Excepted", "NotIssued", "Ceased", "Ongoing", "AfterCensus",
                                                 "Mediated")}
    expected |= {("SEN2-R04", "Ongoing"), ("SEN2-R04", "AfterCensus")}
    expected |= {("SEN2-N03", name) for name in ("Excepted", "Mediated")}
    expected |= {("SEN2-S02", name) for name in ("Excepted", "Mediated", "TransferredIn")}
    assert {(f.rule, f.person.removesuffix(" Test")) for f in made.queries} == expected
    r04 = next(f for f in made.queries if f.rule == "SEN2-R04" and f.person == "Ongoing Test")
    assert r04.field == "Requests[0].RequestOutcome"
    assert "3 November 2025" in r04.message and r04.person_id == caseload["Ongoing"]
    assert r04.case_reference.startswith("EHC-2025-")


# --- the validator: a seeded mistake of each rule is reported with its id, person and field

def _by_name(persons: list[dict[str, Any]], name: str) -> dict[str, Any]:
    return next(p for p in persons if p["Forename"] == name)


def _set(path: str, value: Any):
    def seed(persons: list[dict[str, Any]]) -> None:
        name, *keys = path.split(".")
        target: Any = _by_name(persons, name)
        for key in keys[:-1]:
            target = target[int(key)] if key.isdigit() else target[key]
        target[keys[-1]] = value
    return seed


SEEDED = [
    ("SEN2-X01", "OnTime", _set("OnTime.Sex", "Q"), "line"),
    ("SEN2-P01", "OnTime", _set("OnTime.PersonBirthDate", D(2026, 2, 1)), "PersonBirthDate"),
    ("SEN2-P04", "OnTime", _set("OnTime.Ethnicity", "ABCD"), "Ethnicity"),
    ("SEN2-R02", "Refused", _set("Refused.Requests.0.RequestOutcomeDate", None), "Requests[0].RequestOutcomeDate"),
    ("SEN2-R03", "Refused", _set("Refused.Requests.0.RequestOutcomeDate", D(2025, 3, 1)),
     "Requests[0].RequestOutcomeDate"),
    ("SEN2-A01", "Refused", _set("Refused.Requests.0.Assessment", assessment("H", D(2025, 5, 1))),
     "Requests[0].Assessment"),
    ("SEN2-A02", "OnTime", _set("OnTime.Requests.0.Assessment.Week20", None), "Requests[0].Assessment.Week20"),
    ("SEN2-N01", "OnTime", _set("OnTime.Requests.0.Assessment.NamedPlan.CeaseDate", D(2020, 10, 1)),
     "Requests[0].Assessment.NamedPlan.CeaseDate"),
    ("SEN2-N05", "Ceased", _set("Ceased.Requests.0.Assessment.NamedPlan.CeaseReason", None),
     "Requests[0].Assessment.NamedPlan.CeaseReason"),
    ("SEN2-N02", "OnTime", _set("OnTime.Requests.0.Assessment.NamedPlan.PlanDetail",
                                [{"URN": "100001", "PlacementRank": 1}, {"URN": "100002", "PlacementRank": 1}]),
     "Requests[0].Assessment.NamedPlan.PlanDetail"),
    ("SEN2-N04", "OnTime", _set("OnTime.ActivePlans", None), "ActivePlans"),
    ("SEN2-S01", "OnTime", _set("OnTime.ActivePlans.SENneed", [{"SENtype": "ASD", "SENtypeRank": 2}]),
     "ActivePlans.SENneed"),
    ("SEN2-T01", "Late", _set("Late.ActivePlans.TransferLA", LA), "ActivePlans.TransferLA"),
]
# Rules the caseload breaks as it stands (queries): each is seen in test_the_caseload_has_no_errors_and_these_queries.
NATURAL = {"SEN2-P02", "SEN2-P03", "SEN2-R01", "SEN2-R04", "SEN2-N03", "SEN2-S02"}


def test_every_rule_is_seeded_or_met_in_the_caseload() -> None:
    assert {rule for rule, *_ in SEEDED} | NATURAL == set(sen2.rules.RULES_BY_ID)


@pytest.mark.parametrize(("rule", "name", "seed", "field"), SEEDED, ids=[s[0] for s in SEEDED])
def test_a_seeded_mistake_is_reported_with_its_rule(made: sen2.Sen2Return, caseload, rule, name, seed, field) -> None:
    persons = copy.deepcopy(made.persons)
    seed(persons)
    checked = sen2.validate(YEAR, made.header, persons, LA)
    new = [f for f in checked.findings if f not in made.findings]
    assert {f.rule for f in new} >= {rule}, [f.as_dict() for f in new]
    found = next(f for f in new if f.rule == rule)
    assert found.severity == sen2.rules.RULES_BY_ID[rule].severity
    assert found.person == f"{name} Test" and found.person_id == caseload[name]
    assert found.field.startswith(field)
    assert bool(checked.errors) == (found.severity == "error")


def test_every_rule_is_documented() -> None:
    from importlib import resources

    readme = resources.files("casework.reporting.sen2").joinpath("README.md").read_text()
    for rule in sen2.rules.RULES_BY_ID.values():
        assert f"| `{rule.id}` | {rule.severity} | {rule.checks} | {rule.why} |" in readme, rule.id
