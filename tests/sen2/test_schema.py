"""Our schema of the return holds the same code lists and elements as the code that writes it."""

from __future__ import annotations

from lxml import etree

from casework.law import codes
from casework.reporting.sen2 import xml

XS = "{http://www.w3.org/2001/XMLSchema}"


def _enumeration(name: str) -> list[str]:
    tree = xml.schema_document()
    simple = tree.find(f"{XS}simpleType[@name='{name}']")
    return [e.get("value") for e in simple.iter(f"{XS}enumeration")]


def test_the_schema_enumerations_are_the_code_lists() -> None:
    assert _enumeration("SENtypeType") == list(codes.PRIMARY_NEEDS)
    assert _enumeration("SENsettingType") == list(codes.SEN_SETTINGS)
    assert _enumeration("SexType") == list(codes.SEXES)
    assert _enumeration("RequestOutcomeType") == list(codes.REQUEST_OUTCOME_LABELS)
    assert _enumeration("AssessmentOutcomeType") == list(codes.ASSESSMENT_OUTCOME_LABELS)
    assert _enumeration("CeaseReasonType") == [str(c) for c in codes.CEASE_REASONS]
    assert _enumeration("RequestSourceType") == [str(c) for c in codes.REQUEST_SOURCES]
    assert _enumeration("PlacementRankType") == [str(c) for c in codes.PLACEMENT_RANKS]


def test_the_schema_names_the_elements_the_writer_writes_in_its_order() -> None:
    tree = xml.schema_document()
    for container, children in xml.ELEMENTS.items():
        if container in ("Header", "CollectionDetails", "Source"):
            continue
        type_name = "PlacementType" if container in ("PlanDetail", "PlacementDetail") else f"{container}Type"
        complex_type = tree.find(f"{XS}complexType[@name='{type_name}']")
        assert complex_type is not None, container
        named = [e.get("name") for e in complex_type.iter(f"{XS}element")]
        assert named == [name for name, _ in children], container


def test_a_file_that_breaks_the_schema_is_reported_by_line() -> None:
    broken = b"<?xml version='1.0' encoding='UTF-8'?>\n<Message>\n<Persons/>\n</Message>\n"
    problems = xml.schema_errors(broken)
    assert problems and problems[0][0] == 3
    assert "Header" in problems[0][1]
    assert xml.schema_errors(b"<Message") and xml.schema_errors(b"<Message")[0][1]
    assert isinstance(etree.fromstring(broken), etree._Element)
