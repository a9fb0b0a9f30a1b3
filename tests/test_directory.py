"""The directory of organisations: kept by administrators, chosen from by everyone else, never added to on the
way. Through the operations and through the ``ehcp`` command as an operator runs it."""

from __future__ import annotations

import datetime as dt

import pytest
from freezegun import freeze_time
from sqlalchemy import func, select

from casework import operations as ops
from casework import organisations
from casework.core.errors import Invalid
from casework.models import AdviceRequest, AuditEntry, Organisation, User
from tests.support import TEST_DIRECTORY, snapshot
from tests.test_cli import _one_line_error, ehcp

D = dt.date


def _count(db, model) -> int:
    with db.reading() as session:
        return session.scalar(select(func.count()).select_from(model))


# --------------------------------------------------------------------------------------------------- keeping it


def test_adding_an_organisation_twice_changes_nothing_whatever_the_case_and_spacing(db):
    first, created = organisations.add_organisation(db, "Westfield  ICB", "nhs")
    again, created_again = organisations.add_organisation(db, " westfield icb ", "other")
    assert created and not created_again and again.id == first.id
    with db.reading() as session:
        kept = session.get(Organisation, first.id)
        assert (kept.name, kept.kind) == ("Westfield ICB", "nhs")
    assert _count(db, Organisation) == len(TEST_DIRECTORY) + 1


@pytest.mark.parametrize(("kind", "urn", "ukprn", "code", "field"), [
    ("school", None, None, "required", "urn"),
    ("school", "12345", None, "bad_urn", "urn"),
    ("school", "12345a", None, "bad_urn", "urn"),
    ("school", None, "20012345", "bad_ukprn", "ukprn"),
    ("school", None, "1001234", "bad_ukprn", "ukprn"),
    ("nhs", "123456", None, "not_a_school", "urn"),
    ("hospital", None, None, "invalid_choice", "kind"),
])
def test_a_school_needs_a_urn_or_ukprn_in_the_right_form_and_nothing_else_has_one(db, kind, urn, ukprn, code,
                                                                                    field):
    with pytest.raises(Invalid) as refused:
        organisations.add_organisation(db, "Hilltop Academy", kind, urn=urn, ukprn=ukprn)
    assert (refused.value.code, refused.value.field) == (code, field)
    assert _count(db, Organisation) == len(TEST_DIRECTORY)


def test_a_urn_belongs_to_one_school(db):
    organisations.add_organisation(db, "Hilltop Academy", "school", urn="654321", ukprn="10054321")
    with pytest.raises(Invalid, match="Hilltop Academy already has the URN 654321") as refused:
        organisations.add_organisation(db, "Hill Top Academy Trust", "school", urn="654321")
    assert refused.value.code == "duplicate_urn"


def test_a_renamed_organisation_keeps_its_advice_and_advisers(db, new_case, make_user):
    nurse = make_user("adviser", org="Northbridge NHS Trust")
    case = new_case(D(2024, 9, 2))
    ops.agree_to_assess(db, case.id, actor=None, on=D(2024, 10, 1))
    ops.request_advice(db, case.id, actor=None, on=D(2024, 10, 2), advice_type="health",
                       organisation="Northbridge NHS Trust")
    trust = nurse.organisation_id
    organisations.change_organisation(db, trust, "Northbridge and Southmoor NHS Trust", "nhs")
    with db.reading() as session:
        assert session.scalar(select(AdviceRequest.organisation_id)) == trust
        assert session.get(User, nurse.id).organisation.name == "Northbridge and Southmoor NHS Trust"
    with pytest.raises(Invalid, match="already in the directory") as refused:
        organisations.change_organisation(db, trust, "southmoor community HEALTH", "nhs")
    assert refused.value.code == "duplicate"


# --------------------------------------------------------------------------------------------------- choosing from it


@freeze_time("2024-11-01")
def test_an_unknown_organisation_is_refused_with_the_nearest_name_and_nothing_is_written(db, new_case):
    case = new_case(D(2024, 9, 2))
    ops.agree_to_assess(db, case.id, actor=None, on=D(2024, 10, 1))
    before, organisations_before = snapshot(db, case.id), _count(db, Organisation)
    with pytest.raises(Invalid) as refused:
        ops.request_advice(db, case.id, actor=None, on=D(2024, 10, 2), advice_type="health",
                           organisation="Northbrige NHS Trust")
    assert refused.value.code == "unknown_organisation" and refused.value.field == "organisation"
    assert refused.value.message == ("Northbrige NHS Trust is not in the directory of organisations. "
                                     "Did you mean Northbridge NHS Trust?")
    assert snapshot(db, case.id) == before and _count(db, Organisation) == organisations_before


@freeze_time("2024-11-01")
def test_a_name_like_nothing_in_the_directory_says_how_to_get_it_added(db, new_case):
    case = new_case(D(2024, 9, 2))
    ops.agree_to_assess(db, case.id, actor=None, on=D(2024, 10, 1))
    with pytest.raises(Invalid, match="ask an administrator to add it"):
        ops.request_advice(db, case.id, actor=None, on=D(2024, 10, 2), advice_type="health", organisation="Zzyzx")
    with pytest.raises(Invalid, match="no organisation 999999 in the directory"):
        ops.request_advice(db, case.id, actor=None, on=D(2024, 10, 2), advice_type="health", organisation=999999)


@freeze_time("2024-11-01")
def test_advice_is_asked_of_the_directorys_organisation_by_id_or_name_and_the_history_spells_it_its_way(db,
                                                                                                        new_case):
    case = new_case(D(2024, 9, 2))
    ops.agree_to_assess(db, case.id, actor=None, on=D(2024, 10, 1))
    with db.reading() as session:
        eps = session.scalars(select(Organisation).where(Organisation.name == "Educational Psychology Service")).one()
    ops.request_advice(db, case.id, actor=None, on=D(2024, 10, 2), advice_type="psychological", organisation=eps.id)
    ops.request_advice(db, case.id, actor=None, on=D(2024, 10, 2), advice_type="health",
                       organisation="northbridge  nhs TRUST")
    with db.reading() as session:
        asked = [(a.advice_type, a.organisation.name) for a in
                 session.scalars(select(AdviceRequest).order_by(AdviceRequest.id))]
        recorded = [e.fields["organisation"] for e in
                    session.scalars(select(AuditEntry).where(AuditEntry.event == "request_advice")
                                    .order_by(AuditEntry.id))]
    assert asked == [("psychological", "Educational Psychology Service"), ("health", "Northbridge NHS Trust")]
    assert recorded == ["Educational Psychology Service", "Northbridge NHS Trust"]
    assert _count(db, Organisation) == len(TEST_DIRECTORY)


@freeze_time("2024-11-01")
def test_a_correction_still_finds_an_organisation_renamed_since_and_may_name_another(db, new_case):
    from casework.cases import replay

    case = new_case(D(2024, 9, 2))
    ops.agree_to_assess(db, case.id, actor=None, on=D(2024, 10, 1))
    ops.request_advice(db, case.id, actor=None, on=D(2024, 10, 2), advice_type="health",
                       organisation="Northbridge NHS Trust")
    with db.reading() as session:
        entry = session.scalars(select(AuditEntry).where(AuditEntry.event == "request_advice")).one()
        trust = entry.fields["organisation_id"]
    organisations.change_organisation(db, trust, "Northbridge Health NHS Trust", "nhs")
    replay.correct_entry(db, case.id, actor=None, entry_id=entry.id, on=D(2024, 10, 1), reason="Sent a day earlier")
    with db.reading() as session:
        assert session.scalar(select(AdviceRequest.organisation_id)) == trust
    replay.correct_entry(db, case.id, actor=None, entry_id=entry.id, changes={"organisation": "Southmoor Community "
                                                                                               "Health"},
                         reason="Sent to the wrong trust")
    with db.reading() as session:
        assert session.scalar(select(AdviceRequest).limit(1)).organisation.name == "Southmoor Community Health"


def test_an_adviser_of_an_organisation_not_in_the_directory_is_refused_with_the_nearest_name(db, make_user):
    with pytest.raises(Invalid) as refused:
        make_user("adviser", username="nina", org="Northbridge NHS Trst")
    assert refused.value.code == "unknown_organisation" and refused.value.field == "org"
    assert "Did you mean Northbridge NHS Trust?" in refused.value.message
    assert _count(db, User) == 0 and _count(db, Organisation) == len(TEST_DIRECTORY)


# --------------------------------------------------------------------------------------------------- the ehcp command


def test_ehcp_organisations_add_twice_changes_nothing_and_list_shows_the_directory(database_url, db):
    added = ehcp(database_url, "organisations", "add", "Hilltop Academy", "--kind", "school", "--urn", "654321")
    assert added.returncode == 0, added.stderr
    assert added.stdout.startswith("Added Hilltop Academy (school) to the directory")
    again = ehcp(database_url, "organisations", "add", "HILLTOP  academy", "--kind", "school", "--urn", "654321")
    assert again.returncode == 0, again.stderr
    assert "already in the directory" in again.stdout and "nothing changed" in again.stdout
    assert _count(db, Organisation) == len(TEST_DIRECTORY) + 1

    listed = ehcp(database_url, "organisations", "list")
    assert listed.returncode == 0, listed.stderr
    rows = [line.split("\t") for line in listed.stdout.splitlines()]
    assert len(rows) == len(TEST_DIRECTORY) + 1
    assert [name for _id, name, *_ in rows] == sorted((name for _id, name, *_ in rows),
                                                      key=organisations.name_key)
    assert [r[1:] for r in rows if r[1] == "Hilltop Academy"] == [["Hilltop Academy", "school", "654321", ""]]


@pytest.mark.parametrize(("args", "says"), [
    (["organisations", "add", "Hilltop Academy", "--kind", "school"], "URN or the college's UKPRN"),
    (["organisations", "add", "Hilltop Academy", "--kind", "school", "--urn", "65432"], "6 numbers"),
    (["organisations", "add", "Hilltop Academy", "--kind", "hospital"], "invalid choice"),
    (["organisations", "add", "Hilltop Academy"], "--kind"),
])
def test_ehcp_organisations_add_refuses_bad_details_in_one_line(database_url, db, args, says):
    assert says in _one_line_error(ehcp(database_url, *args))
    assert _count(db, Organisation) == len(TEST_DIRECTORY)


def test_ehcp_users_create_refuses_an_adviser_of_an_unknown_organisation(database_url, db):
    line = _one_line_error(ehcp(database_url, "users", "create", "nina", "--role", "adviser", "--org",
                                "Southmor Community Health"))
    assert "Did you mean Southmoor Community Health?" in line
    assert _count(db, User) == 0 and _count(db, Organisation) == len(TEST_DIRECTORY)
