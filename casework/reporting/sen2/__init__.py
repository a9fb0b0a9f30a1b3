"""The SEN2 person-level return: built from the casework, checked by our validator and schema, written as XML.

``make_return`` is the one way in for the CLI, the API and the pages: it builds the rows (``build``), writes
them (``xml``), checks the XML against our schema and the rows against our rules (``rules``), and gives back
all of it, so no caller can hand out a return that was not validated. README.md beside this module gathers
the element names, the codes and their sources.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.orm import Session

from casework.core import clock
from casework.core.errors import Invalid
from casework.reporting.sen2 import build, rules, xml
from casework.reporting.sen2.census import census_date, reporting_period

# The first return is January 2015's, for the Children and Families Act's first months.
FIRST_YEAR, LAST_YEAR = 2015, 2100
SCHEMA_RULE = rules.SCHEMA_RULE

__all__ = ["FIRST_YEAR", "LAST_YEAR", "Sen2Return", "census_date", "make_return", "reporting_period"]


@dataclass
class Sen2Return:
    year: int
    census_date: dt.date
    header: dict[str, Any]
    persons: list[dict[str, Any]]
    document: bytes
    findings: list[rules.Finding] = field(default_factory=list)

    @property
    def errors(self) -> list[rules.Finding]:
        return [f for f in self.findings if f.severity == "error"]

    @property
    def queries(self) -> list[rules.Finding]:
        return [f for f in self.findings if f.severity == "query"]

    def summary(self) -> dict[str, Any]:
        """The findings as the API gives them (``?validate_only=true``)."""
        start, end = reporting_period(self.year)
        return {"year": self.year, "census_date": self.census_date.isoformat(), "period_start": start.isoformat(),
                "period_end": end.isoformat(), "persons": len(self.persons), "errors": len(self.errors),
                "queries": len(self.queries), "findings": [f.as_dict() for f in self.findings]}


def check_year(year: int) -> None:
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise Invalid(f"The SEN2 return is for a census from January {FIRST_YEAR} to January {LAST_YEAR}, not "
                      f"{year}.", code="out_of_range", field="year")


def schema_findings(document: bytes, persons: list[dict[str, Any]]) -> list[rules.Finding]:
    """Each break of our schema as a finding, against the person whose part of the file it is in."""
    found = []
    for line, message in xml.schema_errors(document):
        index = xml.person_index(document, line)
        person = persons[index] if index is not None and index < len(persons) else {}
        found.append(rules.Finding(SCHEMA_RULE.id, "error", person.get("_person_id"), rules.person_name(person), None,
                                   f"line {line}", message))
    return found


def validate(year: int, header: dict[str, Any], persons: list[dict[str, Any]], la_code: str) -> Sen2Return:
    """Write and check rows already built (the tests seed mistakes in them this way)."""
    start, end = reporting_period(year)
    document = xml.to_xml(header, persons)
    findings = schema_findings(document, persons)
    findings += rules.check(persons, rules.Context(census_date(year), start, end, la_code))
    return Sen2Return(year, census_date(year), header, persons, document, findings)


def make_return(session: Session, year: int, la_code: str) -> Sen2Return:
    """The return for the January ``year`` census, built from the casework and validated."""
    check_year(year)
    return validate(year, build.header(year, la_code, clock.now()), build.persons(session, year), la_code)
