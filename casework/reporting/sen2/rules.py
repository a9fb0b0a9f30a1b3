"""The validator: our own checks of a return before a council uploads it to the DfE.

Each rule has an id (``SEN2-...``), a severity and a sentence saying what it checks and why; README.md beside
this module lists them. An error is something the DfE's COLLECT would refuse or count wrongly, so the return
is not handed out until it is put right in the casework; a query is something to check (COLLECT asks for an
explanation) but not necessarily wrong. Findings name the person, the case where a request is concerned, and
the field as the return names it, such as ``Requests[0].Assessment.Week20``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass
from typing import Any, Literal

from casework.core import clock
from casework.law import codes

Severity = Literal["error", "query"]


@dataclass(frozen=True)
class Finding:
    rule: str
    severity: Severity
    person_id: int | None
    person: str
    case_reference: str | None
    field: str
    message: str

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class Context:
    census: dt.date
    period_start: dt.date
    period_end: dt.date
    la_code: str


# A check yields (field, message, case reference or None) for each problem it finds in one person.
Check = Callable[[dict[str, Any], Context], Iterator[tuple[str, str, str | None]]]


@dataclass(frozen=True)
class Rule:
    id: str
    severity: Severity
    checks: str
    why: str
    check: Check


def _requests(person: dict[str, Any]) -> Iterator[tuple[str, dict[str, Any]]]:
    for i, request in enumerate(person.get("Requests") or []):
        yield f"Requests[{i}]", request


def _plans(person: dict[str, Any]) -> Iterator[tuple[str, dict[str, Any], dict[str, Any]]]:
    for where, request in _requests(person):
        assessment = request.get("Assessment") or {}
        if assessment.get("NamedPlan"):
            yield f"{where}.Assessment.NamedPlan", assessment["NamedPlan"], request


def _age_on(birth: dt.date, day: dt.date) -> int:
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))


def _birth(person: dict[str, Any], ctx: Context):
    birth = person.get("PersonBirthDate")
    if birth is not None and birth > ctx.census:
        yield "PersonBirthDate", f"The date of birth, {clock.written(birth)}, is after the census date.", None
    elif birth is not None and _age_on(birth, ctx.period_start) >= 26:
        yield ("PersonBirthDate", f"Born {clock.written(birth)}, the person was 26 or over for the whole reporting "
               "year, older than anyone a plan can cover.", None)


def _identifier(person: dict[str, Any], ctx: Context):
    if not person.get("UPN") and not person.get("UniqueLearnerNumber"):
        yield "UPN", "Neither a UPN nor a unique learner number is recorded.", None


def _sex(person: dict[str, Any], ctx: Context):
    if person.get("Sex") is None:
        yield "Sex", "Sex is not recorded.", None


def _ethnicity(person: dict[str, Any], ctx: Context):
    code = person.get("Ethnicity")
    if code is not None and code not in codes.ETHNICITIES:
        yield "Ethnicity", f"'{code}' is not one of the DfE ethnicity codes.", None


def _request_source(person: dict[str, Any], ctx: Context):
    for where, request in _requests(person):
        if request.get("RequestSource") is None:
            yield (f"{where}.RequestSource", f"Who asked for the assessment received "
                   f"{clock.written(request['ReceivedDate'])} is not recorded.", request.get("_reference"))


def _outcome_pair(person: dict[str, Any], ctx: Context):
    for where, request in _requests(person):
        pairs = [(where, request, "RequestOutcome", "RequestOutcomeDate")]
        if request.get("Assessment"):
            pairs.append((f"{where}.Assessment", request["Assessment"], "AssessmentOutcome", "AssessmentOutcomeDate"))
        for at, row, outcome, date in pairs:
            if (row.get(outcome) is None) != (row.get(date) is None):
                missing = date if row.get(date) is None else outcome
                yield f"{at}.{missing}", f"{outcome} and {date} must be given together.", request.get("_reference")


def _dates_in_order(person: dict[str, Any], ctx: Context):
    for where, request in _requests(person):
        received = request["ReceivedDate"]
        decided = request.get("RequestOutcomeDate")
        ref = request.get("_reference")
        if decided is not None and decided < received:
            yield (f"{where}.RequestOutcomeDate", f"The decision, {clock.written(decided)}, is before the request was "
                   f"received on {clock.written(received)}.", ref)
        assessment = request.get("Assessment") or {}
        assessed = assessment.get("AssessmentOutcomeDate")
        if assessed is not None and decided is not None and assessed < decided:
            yield (f"{where}.Assessment.AssessmentOutcomeDate", f"The assessment's outcome, {clock.written(assessed)}, "
                   f"is before the decision to assess of {clock.written(decided)}.", ref)
        plan = assessment.get("NamedPlan") or {}
        start = plan.get("StartDate")
        if start is not None and assessed is not None and start < assessed:
            yield (f"{where}.Assessment.NamedPlan.StartDate", f"The plan starts {clock.written(start)}, before the "
                   f"decision to issue it of {clock.written(assessed)}.", ref)


def _assessment_follows(person: dict[str, Any], ctx: Context):
    for where, request in _requests(person):
        if request.get("Assessment") is not None and request.get("RequestOutcome") != "A":
            yield (f"{where}.Assessment", "An assessment is given for a request that was not agreed.",
                   request.get("_reference"))
        plan = (request.get("Assessment") or {}).get("NamedPlan")
        if plan is not None and request["Assessment"].get("AssessmentOutcome") != "A":
            yield (f"{where}.Assessment.NamedPlan", "A plan is given for an assessment that did not decide to "
                   "issue one.", request.get("_reference"))


def _week20(person: dict[str, Any], ctx: Context):
    for where, _plan, request in _plans(person):
        if request["Assessment"].get("Week20") is None:
            yield (f"{where[:-len('.NamedPlan')]}.Week20", "Whether an exception applies to the 20 weeks is missing "
                   "for a plan issued.", request.get("_reference"))


def _cease(person: dict[str, Any], ctx: Context):
    for where, plan, request in _plans(person):
        ceased, reason = plan.get("CeaseDate"), plan.get("CeaseReason")
        ref = request.get("_reference")
        if ceased is None and reason is not None:
            yield f"{where}.CeaseDate", "A reason for ceasing is given for a plan that has not ceased.", ref
        if ceased is not None and ceased < plan["StartDate"]:
            yield (f"{where}.CeaseDate", f"The plan ceased {clock.written(ceased)}, before it started on "
                   f"{clock.written(plan['StartDate'])}.", ref)
        if ceased is not None and not ctx.period_start <= ceased <= ctx.census:
            yield (f"{where}.CeaseDate", f"The plan ceased {clock.written(ceased)}, outside the period this return "
                   "covers.", ref)


def _cease_reason(person: dict[str, Any], ctx: Context):
    for where, plan, request in _plans(person):
        if plan.get("CeaseDate") is not None and plan.get("CeaseReason") is None:
            yield (f"{where}.CeaseReason", "The plan ceased but the reason it ceased is not recorded.",
                   request.get("_reference"))


def _placements(rows: list[dict[str, Any]]) -> Iterator[str]:
    ranks = [p.get("PlacementRank") for p in rows]
    if len(ranks) != len(set(ranks)):
        yield "two placements have the same rank"
    if rows and 1 not in ranks:
        yield "no placement is ranked first"
    for p in rows:
        if sum(1 for k in ("URN", "UKPRN", "SENsetting") if p.get(k)) != 1:
            yield "a placement must give exactly one of URN, UKPRN or SEN setting"


def _placement_ranks(person: dict[str, Any], ctx: Context):
    for where, plan, request in _plans(person):
        for problem in _placements(plan.get("PlanDetail") or []):
            yield f"{where}.PlanDetail", f"In the placements named in the plan, {problem}.", request.get("_reference")
    active = person.get("ActivePlans")
    if active:
        for problem in _placements(active.get("PlacementDetail") or []):
            yield "ActivePlans.PlacementDetail", f"In the placements attended, {problem}.", None


def _named_placement(person: dict[str, Any], ctx: Context):
    for where, plan, request in _plans(person):
        if not plan.get("PlanDetail") and plan.get("CeaseDate") is None:
            yield f"{where}.PlanDetail", "No placement named in the plan is recorded.", request.get("_reference")


def _attended(person: dict[str, Any], ctx: Context):
    active = person.get("ActivePlans")
    if active is not None and not active.get("PlacementDetail"):
        yield "ActivePlans.PlacementDetail", "No placement attended on the census date is recorded.", None


def _needs(person: dict[str, Any], ctx: Context):
    active = person.get("ActivePlans")
    if active is None:
        return
    needs = active.get("SENneed") or []
    ranks = [n.get("SENtypeRank") for n in needs]
    if 1 not in ranks:
        yield "ActivePlans.SENneed", "The plan's primary need (rank 1) is not recorded.", None
    if len(ranks) != len(set(ranks)) or len({n.get("SENtype") for n in needs}) != len(needs):
        yield "ActivePlans.SENneed", "Two needs have the same rank, or one need is given twice.", None


def _transfer(person: dict[str, Any], ctx: Context):
    active = person.get("ActivePlans")
    if active is not None and active.get("TransferLA") == ctx.la_code:
        yield ("ActivePlans.TransferLA", f"The plan is shown as transferred in from this authority itself "
               f"({ctx.la_code}).", None)


def _one_active_plan(person: dict[str, Any], ctx: Context):
    live = [where for where, plan, _ in _plans(person)
            if plan.get("CeaseDate") is None]
    if len(live) > 1:
        yield live[1], "More than one plan is in force: only one plan can be maintained for a person.", None
    if live and person.get("ActivePlans") is None:
        yield "ActivePlans", "A plan that has not ceased is missing from the active plans.", None


def _open_request(person: dict[str, Any], ctx: Context):
    for where, request in _requests(person):
        if request.get("RequestOutcome") is None and (ctx.census - request["ReceivedDate"]).days > 6 * 7:
            yield (f"{where}.RequestOutcome", f"No decision is recorded on the request received "
                   f"{clock.written(request['ReceivedDate'])}, more than 6 weeks before the census date.",
                   request.get("_reference"))


RULES: tuple[Rule, ...] = (
    Rule("SEN2-P01", "error", "The date of birth is not after the census date, and the person was under 26 at "
         "some point in the reporting year.", "A plan covers no one aged 25 or over at the end of their academic "
         "year (CFA s.83(2)); a date like this is a typing mistake.", _birth),
    Rule("SEN2-P02", "query", "A UPN or a unique learner number is recorded.", "The DfE matches the return to the "
         "school census and learner records by them.", _identifier),
    Rule("SEN2-P03", "query", "Sex is recorded.", "The return reports every person's sex; a blank is sent as not "
         "known only after checking.", _sex),
    Rule("SEN2-P04", "error", "The ethnicity is one of the DfE extended codes.", "COLLECT refuses other codes.",
         _ethnicity),
    Rule("SEN2-R01", "query", "Who asked for the assessment (request source 1-5) is recorded.", "The DfE reports "
         "requests by who made them.", _request_source),
    Rule("SEN2-R02", "error", "An outcome and its date are given together, for the request and for the "
         "assessment.", "An outcome without a date (or the reverse) cannot be counted in the year.", _outcome_pair),
    Rule("SEN2-R03", "error", "The dates run in order: received, the decision to assess, the assessment's "
         "outcome, the plan's start.", "The DfE measures the time between them; dates out of order mean a "
         "mistyped date in the casework.", _dates_in_order),
    Rule("SEN2-R04", "query", "A request received more than 6 weeks before the census date has a decision.",
         "The decision is due 6 weeks from the request (reg 4(1)); an open one may be a decision never recorded.",
         _open_request),
    Rule("SEN2-A01", "error", "An assessment follows a request agreed to (outcome A), and a plan an assessment "
         "that decided to issue one.", "The DfE's model nests them so; anything else is inconsistent.",
         _assessment_follows),
    Rule("SEN2-A02", "error", "Week20 (whether an exception to the 20 weeks applies) is given for each plan "
         "issued.", "The published timeliness figure excludes plans to which an exception applies (reg 13(3)).",
         _week20),
    Rule("SEN2-N01", "error", "A plan's cease date is within the period and not before it started; a plan in "
         "force has no cease reason.", "The DfE counts the plans ceased in the calendar year.", _cease),
    Rule("SEN2-N05", "error", "A ceased plan has its cease reason (1-9).", "The DfE counts ceased plans by reason; "
         "every decision to cease, at a review or not, records its reason in the casework.", _cease_reason),
    Rule("SEN2-N02", "error", "Placements name exactly one of URN, UKPRN or SEN setting, one is ranked first and "
         "no two share a rank.", "COLLECT links each placement to its establishment by one identifier.",
         _placement_ranks),
    Rule("SEN2-N03", "query", "A plan in force names a placement.", "Section I of a plan names the school or "
         "type of setting (CFA s.39-40); a blank is usually a placement not yet entered.", _named_placement),
    Rule("SEN2-N04", "error", "No more than one plan is in force for a person, and a plan in force is in the "
         "active plans.", "An authority maintains one plan for a child or young person.", _one_active_plan),
    Rule("SEN2-S01", "error", "An active plan has its primary need (rank 1), each need once and each rank once.",
         "The DfE publishes plans by primary need.", _needs),
    Rule("SEN2-S02", "query", "An active plan records a placement attended on the census date.", "The DfE "
         "reports where children and young people with plans are educated.", _attended),
    Rule("SEN2-T01", "error", "A plan transferred in names another authority than this one.", "A transfer is "
         "between two authorities (reg 15); our own number is a mistake.", _transfer),
)


def _by_schema(person: dict[str, Any], ctx: Context):
    """Checked on the whole document, not person by person (casework.reporting.sen2.schema_findings)."""
    yield from ()


SCHEMA_RULE = Rule("SEN2-X01", "error", "The XML meets our schema of the return (schema.xsd): element names, "
                   "order, code lists and formats.", "COLLECT refuses a file that breaks the DfE's schema; ours "
                   "follows it.", _by_schema)
RULES_BY_ID = {rule.id: rule for rule in (SCHEMA_RULE, *RULES)}


def person_name(person: dict[str, Any]) -> str:
    return f"{person.get('Forename', '')} {person.get('Surname', '')}".strip()


def check(persons: list[dict[str, Any]], ctx: Context) -> list[Finding]:
    """Every finding of every rule, person by person in the order of the return, errors first within each."""
    findings: list[Finding] = []
    for person in persons:
        found: list[Finding] = []
        for rule in RULES:
            for field, message, reference in rule.check(person, ctx):
                found.append(Finding(rule.id, rule.severity, person.get("_person_id"), person_name(person), reference,
                                     field, message))
        found.sort(key=lambda f: f.severity != "error")
        findings.extend(found)
    return findings
