"""The return's rows, read from the casework: one person each, with their requests and any active plan.

The rows are plain nested mappings whose keys are the return's element names (casework/reporting/sen2/
README.md); a key starting "_" is the casework's own (the person's and case's ids, for findings) and is not
written. So the XML writer, the parser that reads it back and the validator share one shape. Facts are
taken as they stand on the census date: a decision recorded for a later day is not yet in the return.

Who is in the return: everyone with a request received by the end of the reporting year whose case was still
open at its start (a request, an assessment or a plan with activity in the year, or an active plan on the
census date). A request received after the year belongs to next year's return.

A plan transferred in from another authority (reg 15; casework/transfers) was requested and assessed there: it
adds no request of ours, only the active plan, with ``TransferLA`` the authority it came from. The mediation and
tribunal flags of a request and of its assessment are read from disagreement resolution
(``casework.disputes.sen2_flags``); only a dispute begun by the census date counts.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from casework.deadlines import status as deadline_status
from casework.disputes.sen2 import sen2_flags
from casework.models import Case, Deadline, Sen2Details, Transfer
from casework.reporting.sen2 import details as sen2_details
from casework.reporting.sen2.census import census_date, reporting_period

Row = dict[str, Any]
PERSONAL_BUDGET_ELEMENTS = {"organised": "OPA", "direct_payments": "DP", "notional": "NPB"}
SETTING_ELEMENTS = {"urn": "URN", "ukprn": "UKPRN", "sen_setting": "SENsetting"}
NO_DISPUTE = {"mediation": False, "tribunal": False}
# The DfE's three-digit authority number; a transfer recorded with the authority's name gives no TransferLA.
LA_CODE = re.compile(r"[0-9]{3}")


def header(year: int, la_code: str, made_at: dt.datetime) -> Row:
    return {"Collection": "SEN2", "Year": year, "ReferenceDate": census_date(year), "SourceLevel": "L",
            "LEA": la_code, "SoftwareCode": "ehcp-casework", "Release": "1", "SerialNo": 1,
            "DateTime": made_at.replace(microsecond=0)}


def _known(day: dt.date | None, census: dt.date) -> dt.date | None:
    return day if day is not None and day <= census else None


def _deadline(case: Case, kind: str) -> Deadline | None:
    return next((d for d in case.deadlines if d.kind == kind), None)


def _exception_applies(case: Case, limit: Deadline, census: dt.date) -> bool:
    """An exception recorded by the census date, not withdrawn, that the 20-week rule admits for this limit."""
    return any(e.recorded_on <= census and (e.withdrawn_on is None or e.withdrawn_on > census)
               and deadline_status.applies_to(e, limit) and deadline_status.overlaps(e, limit)
               for e in case.exceptions)


def _placement(p: dict[str, Any]) -> Row:
    key = next(k for k in SETTING_ELEMENTS if k in p)
    return {SETTING_ELEMENTS[key]: p[key], "PlacementRank": p["rank"]}


def _flag(value: bool | None) -> int | None:
    return None if value is None else int(value)


def _named_plan(case: Case, found: Sen2Details | None, census: dt.date) -> Row | None:
    start = _known(case.plan_issued_on, census)
    if start is None:
        return None
    budget = found.personal_budget if found else []
    ceased = _known(case.closed_on, census) if case.state == "ceased" else None
    plan: Row = {
        "StartDate": start,
        "PlanRes": _flag(found.residential) if found else None,
        "PlanWBL": _flag(found.work_based_learning) if found else None,
        "PB": (1 if budget else 0) if found else None,
        **{element: (1 if item in budget else 0) if budget else None
           for item, element in PERSONAL_BUDGET_ELEMENTS.items()},
        "CeaseDate": ceased,
        "CeaseReason": case.cease_reason if ceased else None,
        "PlanDetail": [_placement(p) for p in (found.placements if found else []) if p["kind"] == "named"],
    }
    return plan


def _agreed_on(case: Case, census: dt.date) -> dt.date | None:
    """The decision to assess, when the decision (``decision_to_assess_on``, either way) was to assess."""
    if case.state == "refused_to_assess":
        return None
    return _known(case.decision_to_assess_on, census)


def _dispute_flags(stage: dict[str, bool]) -> Row:
    return {"Mediation": int(stage["mediation"]), "Tribunal": int(stage["tribunal"])}


def _assessment(case: Case, found: Sen2Details | None, census: dt.date, disputes: dict[str, bool]) -> Row | None:
    if _agreed_on(case, census) is None:
        return None
    closed = _known(case.closed_on, census)
    decision = _deadline(case, "issue_decision")
    decided_on = _known(decision.met_on, census) if decision is not None else None
    outcome, outcome_on = None, None
    if case.state == "not_issued" and closed:
        outcome, outcome_on = "H", closed
    elif decided_on is not None:
        outcome, outcome_on = "A", decided_on
    elif case.state == "withdrawn" and closed:
        outcome, outcome_on = "W", closed
    plan = _named_plan(case, found, census) if outcome == "A" else None
    week20 = None
    limit = _deadline(case, "final_plan")
    if plan is not None and limit is not None:
        week20 = int(_exception_applies(case, limit, census))
    return {"AssessmentOutcome": outcome, "AssessmentOutcomeDate": outcome_on, "Week20": week20,
            **_dispute_flags(disputes), "NamedPlan": plan}


def _request(case: Case, found: Sen2Details | None, census: dt.date, disputes: dict[str, dict[str, bool]]) -> Row:
    closed = _known(case.closed_on, census)
    assessed = _agreed_on(case, census)
    outcome, outcome_on = None, None
    if case.state == "refused_to_assess" and closed:
        outcome, outcome_on = "H", closed
    elif assessed is not None:
        outcome, outcome_on = "A", assessed
    elif case.state == "withdrawn" and closed:
        outcome, outcome_on = "W", closed
    return {
        "_case_id": case.id, "_reference": case.reference,
        "ReceivedDate": case.received_on,
        "RequestSource": found.request_source if found else None,
        "RYA": _flag(found.youth_accommodation) if found else None,
        "RequestOutcomeDate": outcome_on,
        "RequestOutcome": outcome,
        **_dispute_flags(disputes.get("request", NO_DISPUTE)),
        "Assessment": _assessment(case, found, census, disputes.get("assessment", NO_DISPUTE)),
    }


def _transfer_la(found: Sen2Details | None, transfer: Transfer | None) -> str | None:
    """The authority a plan came from: as entered in the SEN2 details, else the transfer in's own authority
    when it was recorded by its number."""
    if found is not None and found.transfer_la:
        return found.transfer_la
    if transfer is not None and LA_CODE.fullmatch(transfer.authority.strip()):
        return transfer.authority.strip()
    return None


def _active_plan(case: Case, found: Sen2Details | None, census: dt.date, transfer: Transfer | None) -> Row | None:
    """The plan in force on the census date: issued by then and not ceased by then."""
    if _known(case.plan_issued_on, census) is None:
        return None
    if case.state == "ceased" and _known(case.closed_on, census) is not None:
        return None
    needs = [{"SENtype": n["code"], "SENtypeRank": n["rank"]} for n in (found.sen_needs if found else [])]
    if not needs and case.primary_need:
        needs = [{"SENtype": case.primary_need, "SENtypeRank": 1}]
    return {
        "TransferLA": _transfer_la(found, transfer),
        "LastReview": _known(case.review_meeting_on, census),
        "PlacementDetail": [_placement(p) for p in (found.placements if found else []) if p["kind"] == "attended"],
        "SENneed": needs,
    }


def _person(case: Case) -> Row:
    p = case.person
    return {"_person_id": p.id, "Surname": p.family_name, "Forename": p.given_name, "PersonBirthDate": p.date_of_birth,
            "Sex": p.sex, "Ethnicity": p.ethnicity, "PostCode": p.postcode, "UPN": p.upn,
            "UniqueLearnerNumber": p.uln, "Requests": [], "ActivePlans": None}


def persons(session: Session, year: int) -> list[Row]:
    """Every person in the return for the January ``year`` census, ordered by person, their requests by date."""
    census = census_date(year)
    start, end = reporting_period(year)
    cases = session.scalars(
        select(Case).where(Case.received_on <= end, or_(Case.closed_on.is_(None), Case.closed_on >= start))
        .order_by(Case.person_id, Case.received_on, Case.id)
    ).all()
    ids = [c.id for c in cases]
    found = sen2_details.current_for(session, ids)
    disputes = sen2_flags(session, ids, as_of=census)
    transfers = {t.case_id: t for t in session.scalars(
        select(Transfer).where(Transfer.case_id.in_(ids), Transfer.direction == "in", Transfer.transferred_on <= census)
    )} if ids else {}
    people: dict[int, Row] = {}
    for case in cases:
        person = people.get(case.person_id)
        if person is None:
            person = people[case.person_id] = _person(case)
        transfer = transfers.get(case.id)
        if transfer is None:
            person["Requests"].append(_request(case, found.get(case.id), census, disputes.get(case.id, {})))
        active = _active_plan(case, found.get(case.id), census, transfer)
        if active is not None:
            person["ActivePlans"] = active
    return list(people.values())
