"""``ehcp sen2 validate`` and ``ehcp sen2 export`` as an operator runs them (the demo caseload's return is checked
in tests/test_demo.py, on the caseload loaded once there)."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select

from casework.core.db import Database
from casework.models import Case
from casework.reporting.sen2 import details, xml
from tests.sen2.conftest import YEAR
from tests.test_cli import ehcp


def test_validate_lists_every_finding_and_export_writes_the_file(database_url: str, caseload, tmp_path: Path
                                                                 ) -> None:
    result = ehcp(database_url, "sen2", "validate", "--year", str(YEAR))
    assert result.returncode == 0, result.stderr
    lines = result.stdout.strip().splitlines()
    assert lines[-1] == "11 people; 0 errors, 35 queries for the census of 2026-01-15."
    ongoing = next(line.split("\t") for line in lines if "\tSEN2-R04\t" in line and "Ongoing" in line)
    assert ongoing[:2] == ["query", "SEN2-R04"] and ongoing[3] == "Ongoing Test"
    assert ongoing[5] == "Requests[0].RequestOutcome"

    out = tmp_path / "sen2.xml"
    result = ehcp(database_url, "sen2", "export", "--year", str(YEAR), "--out", str(out))
    assert result.returncode == 0, result.stderr
    assert xml.schema_errors(out.read_bytes()) == []
    assert [p["Forename"] for p in xml.from_xml(out.read_bytes())[1]][:3] == ["Refused", "Withdrawn", "OnTime"]

    to_stdout = ehcp(database_url, "sen2", "export", "--year", str(YEAR))
    assert to_stdout.returncode == 0 and to_stdout.stdout.startswith("<?xml")


def test_export_with_errors_writes_nothing(database_url: str, db: Database, caseload, make_user,
                                           tmp_path: Path) -> None:
    with db.reading() as s:
        case_id = s.scalar(select(Case.id).where(Case.person_id == caseload["Late"]))
    details.record(db, case_id, actor=make_user("caseworker"), details={"transfer_la": "999", "request_source": 1})
    out = tmp_path / "sen2.xml"
    result = ehcp(database_url, "sen2", "export", "--year", str(YEAR), "--out", str(out))
    assert result.returncode == 1
    assert "\tSEN2-T01\t" in result.stderr and "has errors" in result.stderr
    assert not out.exists()
    assert ehcp(database_url, "sen2", "validate", "--year", str(YEAR)).returncode == 1


def test_a_bad_year_is_one_line_and_exit_2(database_url: str) -> None:
    for year in ("2014", "abc"):
        result = ehcp(database_url, "sen2", "validate", "--year", year)
        assert result.returncode == 2
        assert len(result.stderr.strip().splitlines()) == 1 and result.stderr.startswith("ehcp: ")
