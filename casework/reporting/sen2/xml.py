"""The return as XML, read back, and checked against our own schema (schema.xsd beside this module).

One table, ``ELEMENTS``, says each element's children in order and what each holds; the writer, the parser
and the schema test all read it, so an element added here must be added to schema.xsd too (a test compares
them).
"""

from __future__ import annotations

import datetime as dt
from functools import cache
from importlib import resources
from typing import Any, Literal

from lxml import etree

Kind = Literal["text", "int", "flag", "date", "datetime", "one", "many"]
ROOT = "Message"
# Each container's children in document order: (element, what it holds). "one" is a nested element, "many" a
# repeated one; a "flag" is 1 or 0.
ELEMENTS: dict[str, tuple[tuple[str, Kind], ...]] = {
    "Header": (("CollectionDetails", "one"), ("Source", "one")),
    "CollectionDetails": (("Collection", "text"), ("Year", "int"), ("ReferenceDate", "date")),
    "Source": (("SourceLevel", "text"), ("LEA", "text"), ("SoftwareCode", "text"), ("Release", "text"),
               ("SerialNo", "int"), ("DateTime", "datetime")),
    "Person": (("Surname", "text"), ("Forename", "text"), ("PersonBirthDate", "date"), ("Sex", "text"),
               ("Ethnicity", "text"), ("PostCode", "text"), ("UPN", "text"), ("UniqueLearnerNumber", "text"),
               ("Requests", "many"), ("ActivePlans", "one")),
    "Requests": (("ReceivedDate", "date"), ("RequestSource", "int"), ("RYA", "flag"), ("RequestOutcomeDate", "date"),
                 ("RequestOutcome", "text"), ("Mediation", "flag"), ("Tribunal", "flag"), ("Assessment", "one")),
    "Assessment": (("AssessmentOutcome", "text"), ("AssessmentOutcomeDate", "date"), ("Week20", "flag"),
                   ("Mediation", "flag"), ("Tribunal", "flag"), ("NamedPlan", "one")),
    "NamedPlan": (("StartDate", "date"), ("PlanRes", "flag"), ("PlanWBL", "flag"), ("PB", "flag"), ("OPA", "flag"),
                  ("DP", "flag"), ("NPB", "flag"), ("CeaseDate", "date"), ("CeaseReason", "int"),
                  ("PlanDetail", "many")),
    "PlanDetail": (("URN", "text"), ("UKPRN", "text"), ("SENsetting", "text"), ("PlacementRank", "int")),
    "ActivePlans": (("TransferLA", "text"), ("LastReview", "date"), ("PlacementDetail", "many"), ("SENneed", "many")),
    "PlacementDetail": (("URN", "text"), ("UKPRN", "text"), ("SENsetting", "text"), ("PlacementRank", "int")),
    "SENneed": (("SENtype", "text"), ("SENtypeRank", "int")),
}
# A placement gives one of these three; the others are absent, not empty, in the rows as in the XML.
SETTING_CHOICE = frozenset({"URN", "UKPRN", "SENsetting"})


def _text(kind: Kind, value: Any) -> str:
    if kind in ("date", "datetime"):
        return value.isoformat()
    return str(value)


def _write(parent: etree._Element, name: str, row: dict[str, Any]) -> None:
    element = etree.SubElement(parent, name)
    for child, kind in ELEMENTS[name]:
        value = row.get(child)
        if value is None:
            continue
        if kind == "one":
            _write(element, child, value)
        elif kind == "many":
            for item in value:
                _write(element, child, item)
        else:
            etree.SubElement(element, child).text = _text(kind, value)


def _header_tree(header: dict[str, Any]) -> dict[str, Any]:
    collection = {k: header[k] for k, _ in ELEMENTS["CollectionDetails"]}
    source = {k: header[k] for k, _ in ELEMENTS["Source"]}
    return {"CollectionDetails": collection, "Source": source}


def to_xml(header: dict[str, Any], persons: list[dict[str, Any]]) -> bytes:
    """The return as UTF-8 XML: ``Header`` and ``Persons`` directly under the root."""
    root = etree.Element(ROOT)
    _write(root, "Header", _header_tree(header))
    people = etree.SubElement(root, "Persons")
    for person in persons:
        _write(people, "Person", person)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def _value(kind: Kind, text: str) -> Any:
    if kind == "date":
        return dt.date.fromisoformat(text)
    if kind == "datetime":
        return dt.datetime.fromisoformat(text)
    if kind in ("int", "flag"):
        return int(text)
    return text


def _read(element: etree._Element) -> dict[str, Any]:
    row: dict[str, Any] = {}
    for child, kind in ELEMENTS[element.tag]:
        found = element.findall(child)
        if kind == "many":
            row[child] = [_read(f) for f in found]
        elif kind == "one":
            row[child] = _read(found[0]) if found else None
        elif found:
            row[child] = _value(kind, found[0].text or "")
        elif child not in SETTING_CHOICE:
            row[child] = None
    return row


def from_xml(document: bytes) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """The header and persons of a return, as ``to_xml`` was given them (without the "_" keys)."""
    root = etree.fromstring(document, parser=etree.XMLParser(resolve_entities=False, no_network=True))
    tree = _read_header(root.find("Header"))
    return tree, [_read(p) for p in root.find("Persons").findall("Person")]


def _read_header(element: etree._Element) -> dict[str, Any]:
    parts = _read(element)
    return {**parts["CollectionDetails"], **parts["Source"]}


def schema_document() -> etree._Element:
    """schema.xsd as an XML tree (the tests read its enumerations)."""
    return etree.fromstring(resources.files("casework.reporting.sen2").joinpath("schema.xsd").read_bytes())


@cache
def schema() -> etree.XMLSchema:
    return etree.XMLSchema(schema_document())


def schema_errors(document: bytes) -> list[tuple[int, str]]:
    """Each way the document breaks our schema: (line, message); none for a valid return."""
    xsd = schema()
    try:
        tree = etree.fromstring(document, parser=etree.XMLParser(resolve_entities=False, no_network=True))
    except etree.XMLSyntaxError as exc:
        return [(exc.lineno or 0, str(exc))]
    if xsd.validate(tree):
        return []
    return [(e.line, e.message) for e in xsd.error_log]


def person_index(document: bytes, line: int) -> int | None:
    """Which ``Person`` (0-based) the given line of the document falls in; None for the header."""
    root = etree.fromstring(document)
    index = None
    for i, person in enumerate(root.find("Persons").findall("Person")):
        if person.sourceline is not None and person.sourceline <= line:
            index = i
    return index
