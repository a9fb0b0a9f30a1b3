"""casework.access: one record is loaded only if the user may see it, and a hidden one reads like a missing one."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from casework import access, operations
from casework.access.audience import visible_alert
from casework.alerts import scan
from casework.core.errors import Forbidden, NotFound
from casework.models import AdviceRequest, Alert
from casework.models.subject import ADVICE_REQUEST

D = dt.date


@pytest.fixture
def advice_case(db, new_case):
    """A case with one advice request to Northbridge and one to Southmoor."""
    case = new_case(D(2024, 9, 2))
    operations.agree_to_assess(db, case.id, actor=None, on=D(2024, 9, 20))
    for organisation in ("Northbridge NHS Trust", "Southmoor Community Health"):
        operations.request_advice(db, case.id, actor=None, on=D(2024, 9, 23), advice_type="health",
                                  organisation=organisation)
    with db.reading() as session:
        by_org = {a.organisation.name: a.id for a in session.scalars(select(AdviceRequest))}
    return case, by_org


def message(raised: pytest.ExceptionInfo) -> str:
    return raised.value.message


def test_visible_case_loads_a_case_for_a_caseworker_and_a_manager(db, make_user, new_case):
    case = new_case()
    for user in (make_user("caseworker"), make_user("manager")):
        with db.reading() as session:
            assert access.visible_case(session, user, case.id).reference == case.reference


def test_a_missing_case_raises_not_found_in_plain_words(db, make_user):
    caseworker = make_user("caseworker")
    with db.reading() as session, pytest.raises(NotFound) as raised:
        access.visible_case(session, caseworker, 424242)
    assert message(raised) == "There is no case 424242."


@pytest.mark.parametrize("role", ["adviser", "admin"])
def test_a_role_that_never_sees_cases_is_refused(db, make_user, new_case, role):
    case = new_case()
    user = make_user(role, org="Northbridge NHS Trust" if role == "adviser" else None)
    with db.reading() as session, pytest.raises(Forbidden):
        access.visible_case(session, user, case.id)


def test_an_adviser_sees_their_own_organisations_advice_request(db, make_user, advice_case):
    _, by_org = advice_case
    nurse = make_user("adviser", org="Northbridge NHS Trust")
    with db.reading() as session:
        found = access.visible_advice_request(session, nurse, by_org["Northbridge NHS Trust"])
        assert found.organisation.name == "Northbridge NHS Trust"


def test_another_organisations_advice_request_reads_exactly_like_a_missing_one(db, make_user, advice_case):
    _, by_org = advice_case
    nurse = make_user("adviser", org="Northbridge NHS Trust")
    theirs, missing = by_org["Southmoor Community Health"], 990_000
    with db.reading() as session:
        with pytest.raises(NotFound) as hidden:
            access.visible_advice_request(session, nurse, theirs)
        with pytest.raises(NotFound) as absent:
            access.visible_advice_request(session, nurse, missing)
    assert message(hidden) == f"There is no advice request {theirs}."
    assert message(absent) == f"There is no advice request {missing}."
    assert (hidden.value.status, hidden.value.code) == (absent.value.status, absent.value.code) == (404, "not_found")


def test_caseworkers_see_every_advice_request(db, make_user, advice_case):
    _, by_org = advice_case
    caseworker = make_user("caseworker")
    with db.reading() as session:
        for advice_id in by_org.values():
            assert access.visible_advice_request(session, caseworker, advice_id).id == advice_id


def test_an_alert_is_visible_only_to_those_who_hear_of_it(db, settings, make_user, advice_case):
    """Six weeks after the request the Southmoor advice is late: Southmoor hears of it, Northbridge does not."""
    scan.run_scan(db, settings, as_of=D(2024, 11, 20))
    with db.reading() as session:
        alert_id = session.scalar(select(Alert.id).where(
            Alert.about(ADVICE_REQUEST, advice_case[1]["Southmoor Community Health"]), Alert.kind == "overdue"))
    assert alert_id is not None
    southmoor, northbridge = (make_user("adviser", org="Southmoor Community Health"),
                              make_user("adviser", org="Northbridge NHS Trust"))
    admin = make_user("admin")
    with db.reading() as session:
        assert visible_alert(session, southmoor, alert_id).id == alert_id
        with pytest.raises(NotFound) as hidden:
            visible_alert(session, northbridge, alert_id)
        assert message(hidden) == f"There is no alert {alert_id}."
        with pytest.raises(Forbidden):
            visible_alert(session, admin, alert_id)
