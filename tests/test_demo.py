"""The demo caseload: loaded through the operations, spread over the workflow, national in its mix, loaded once."""

from __future__ import annotations

import datetime as dt
import shutil
from collections import Counter
from collections.abc import Iterator

import freezegun
import pytest
from sqlalchemy import func, select

from casework import accounts
from casework.core.db import Database
from casework.imports import demo
from casework.models import (
    ADVICE_TYPES,
    AdviceRequest,
    AuditEntry,
    Case,
    Contact,
    Deadline,
    ExceptionRecord,
    Organisation,
    Person,
    User,
)
from casework.reporting import sen2
from casework.reporting import timeliness as reports
from casework.reporting.sen2 import xml
from tests.conftest import ENGINE
from tests.support import list_copies_out_of_step, postgres_database
from workflows import ehcp

TODAY = dt.date(2026, 3, 16)


def test_the_same_seed_on_the_same_day_plans_the_same_caseload():
    first = demo.plan_caseload(2014, TODAY)
    assert first == demo.plan_caseload(2014, TODAY)
    assert first != demo.plan_caseload(2015, TODAY)
    assert len(first) == demo.DEMO_CASES
    assert len({(s.given_name, s.family_name) for s in first}) > 150  # a mix of names, not a handful


def test_no_planned_event_is_in_the_future_or_before_two_years_ago():
    for script in demo.plan_caseload(7, TODAY):
        assert TODAY - dt.timedelta(days=demo.HISTORY_DAYS) <= script.received_on <= TODAY
        assert script.date_of_birth < script.received_on
        dates = [on for on, *_ in script.steps]
        assert dates == sorted(dates) and all(script.received_on <= on <= TODAY for on in dates)


def _counts(db: Database) -> dict[str, int]:
    with db.reading() as s:
        return {model.__name__: s.scalar(select(func.count()).select_from(model))
                for model in (User, Organisation, Case, Person, Contact, AuditEntry, AdviceRequest, Deadline,
                              ExceptionRecord)}


@pytest.fixture(scope="module")
def demo_database_url(_migrated: str, tmp_path_factory) -> Iterator[str]:
    """A database of this module's own, so the caseload is loaded once for all the checks below."""
    if ENGINE == "sqlite":
        path = tmp_path_factory.mktemp("demo") / "demo.db"
        shutil.copyfile(_migrated[len("sqlite:///"):], path)
        yield f"sqlite:///{path}"
        return
    with postgres_database("ehcp_demo") as url:
        Database(url).upgrade()
        yield url


@pytest.fixture(scope="module")
def loaded(demo_database_url: str) -> Iterator[tuple[Database, str]]:
    db = Database(demo_database_url)
    printed: list[str] = []
    with freezegun.freeze_time(TODAY):
        demo.load(db, out=printed.append)
    yield db, "\n".join(printed)
    db.dispose()


def test_the_demo_users_can_sign_in_with_the_printed_passwords(loaded):
    db, printed = loaded
    assert demo.SIGN_IN_ADDRESS == "http://127.0.0.1:8000/sign-in" and demo.SIGN_IN_ADDRESS in printed
    with db.reading() as s:
        users = {u.username: u for u in s.scalars(select(User))}
        organisations = set(s.scalars(select(Organisation.name)))
    assert set(organisations) >= set(demo.ORGANISATIONS)
    for expected in demo.DEMO_USERS:
        user = users[expected.username]
        assert (user.role, user.email) == (expected.role, f"{expected.username}@demo.example")
        assert len(expected.password) >= accounts.MIN_PASSWORD_LENGTH
        assert accounts.password_matches(user, expected.password)
        assert expected.username in printed and expected.password in printed
    assert users["adviser"].organisation.name == "Northbridge NHS Foundation Trust"
    assert {u.role for u in users.values()} == {"caseworker", "adviser", "manager", "admin"}


def test_the_caseload_covers_every_state_with_the_national_mix_of_needs(loaded):
    db, _ = loaded
    with db.reading() as s:
        cases = list(s.scalars(select(Case)))
        officers = {u.username: u.id for u in s.scalars(select(User).where(User.role == "caseworker"))}
    assert 250 <= len(cases) <= 350
    states = Counter(c.state for c in cases)
    assert set(states) == set(ehcp.STATES), states
    # Requests not yet decided wait in the intake queue; the rest are shared by the two demo caseworkers.
    assert all(c.assigned_caseworker_id is None for c in cases if c.state == "request_received")
    held = Counter(c.assigned_caseworker_id for c in cases if c.state != "request_received")
    assert set(held) == {officers["caseworker"], officers["caseworker2"]}
    assert held[officers["caseworker"]] > held[officers["caseworker2"]] > 50
    assert all(TODAY - dt.timedelta(days=demo.HISTORY_DAYS) <= c.received_on <= TODAY for c in cases)
    needs = Counter(c.primary_need for c in cases)
    for need, national in (("ASD", 31.5), ("SLCN", 21.3), ("SEMH", 20.7), ("MLD", 10.6), ("SLD", 3.9), ("PD", 3.9)):
        assert abs(100 * needs[need] / len(cases) - national) < 3, (need, needs)


def test_advice_of_every_type_some_late_some_still_overdue(loaded):
    db, _ = loaded
    with db.reading() as s:
        advice = s.execute(
            select(AdviceRequest, Deadline).join(Deadline, Deadline.about("advice_request", AdviceRequest.id))).all()
        late_returns = sum(1 for a, d in advice if a.returned_on is not None and a.returned_on > d.due_on)
        overdue = [(a.advice_type, a.organisation.name) for a, d in advice
                   if a.returned_on is None and d.cancelled_on is None and d.due_on < TODAY]
        returned_by_adviser = s.scalar(select(func.count()).select_from(AuditEntry)
                                       .where(AuditEntry.actor == "adviser", AuditEntry.event == "record_advice"))
    assert {a.advice_type for a, _ in advice} == set(ADVICE_TYPES)
    assert late_returns >= 20
    assert len(overdue) >= 5
    assert ("health", "Northbridge NHS Foundation Trust") in overdue
    assert returned_by_adviser > 0  # the adviser's trust returns its advice through the adviser's own tray


def test_about_half_of_new_plans_are_in_time_and_a_few_exceptions_are_recorded(loaded):
    db, _ = loaded
    with db.reading() as s:
        years = [reports.timeliness(s, year, db.policy) for year in (TODAY.year - 1, TODAY.year)]
        exceptions = Counter(s.scalars(select(ExceptionRecord.reason)))
        overdue = reports.overdue_deadlines(s, TODAY, db.policy, limit=500)
    issued = sum(y["plans_issued"] for y in years)
    within = sum(y["within_20_weeks"] for y in years)
    assert issued >= 80 and 0.35 <= within / issued <= 0.6, (within, issued)
    assert 3 <= sum(exceptions.values()) <= 30 and len(exceptions) >= 2
    assert sum(y["excluding_exceptions"]["plans_issued"] for y in years) < issued
    assert {"advice", "decision_to_assess", "final_plan"} <= {d["kind"] for d in overdue}


def test_every_case_was_made_by_audited_events_and_none_is_dated_in_the_future(loaded):
    db, _ = loaded
    with db.reading() as s:
        cases = {c.id: c for c in s.scalars(select(Case))}
        trail: dict[int, list[AuditEntry]] = {}
        for entry in s.scalars(select(AuditEntry).order_by(AuditEntry.id)):
            trail.setdefault(entry.case_id, []).append(entry)
        latest_met = s.scalar(select(func.max(Deadline.met_on)))
    assert latest_met is not None and latest_met <= TODAY
    for case_id, case in cases.items():
        entries = trail[case_id]
        # a request, or a plan taken on from another authority (received on the day it transferred)
        assert entries[0].event in ("request_received", "transfer_in") and entries[0].on == case.received_on
        versions = [e.version_after for e in entries]  # every change to the case has its entry
        assert versions == list(range(versions[0], versions[0] + len(entries)))
        # the steps of a disagreement run beside the case: their entries record no state
        states = [e.state_after for e in entries if e.state_after is not None]
        assert states[-1] == case.state and entries[-1].version_after == case.version
        assert all(e.on is not None and case.received_on <= e.on <= TODAY for e in entries)
        assert [e.on for e in entries] == sorted(e.on for e in entries)


def test_a_manager_sees_mediation_an_appeal_a_tribunal_order_and_a_transfer_in(loaded):
    """The handful of disagreement cases (casework.imports.demo_disputes), each as the service itself made it."""
    from casework.cases import replay
    from casework.deadlines import status as deadline_status
    from casework.models import Dispute, Transfer

    db, printed = loaded
    with db.reading() as s:
        found = list(s.scalars(select(Dispute).order_by(Dispute.id)))
        moves = list(s.scalars(select(Transfer)))
        steps = {d.step: deadline_status.status(d, TODAY, db.policy)
                 for d in s.scalars(select(Deadline).where(Deadline.kind == "tribunal_order"))}
        meeting = [deadline_status.status(d, TODAY, db.policy)
                   for d in s.scalars(select(Deadline).where(Deadline.kind == "mediation_meeting"))]
        ordered = s.get(Case, next(d.case_id for d in found if d.order is not None))
        notice = [deadline_status.status(d, TODAY, db.policy)
                  for d in s.scalars(select(Deadline).where(Deadline.kind == "transfer_notice"))]
        for dispute in found:
            assert replay.rebuilt_differences(s, dispute.case_id, db.policy) == []
        overdue = reports.overdue_deadlines(s, TODAY, db.policy, limit=500)
    assert len(found) == 3 and "tribunal order" in printed
    assert any(d.wants_mediation and d.mediation_held_on is None for d in found)
    assert len(meeting) == 1 and meeting[0] in ("pending", "due_soon")  # still to be held
    assert any(d.appeal_registered_on is not None and d.appeal_outcome is None for d in found)
    # The order to assess: notice met (the council agreed to assess), no-plan notice overdue, final plan running.
    assert {k: v for k, v in steps.items() if k != "final_plan"} == {"notify_assessment": "met",
                                                                     "no_plan_notice": "overdue"}
    assert steps["final_plan"] in ("pending", "due_soon")
    assert ordered.state == "assessment"
    assert "tribunal_order" in {d["kind"] for d in overdue}
    assert [m.direction for m in moves] == ["in"] and len(notice) == 1 and notice[0] in ("pending", "due_soon")


def test_the_demo_caseload_makes_a_sen2_return_with_no_errors(loaded):
    db, _ = loaded
    for year in (TODAY.year, TODAY.year + 1):
        with freezegun.freeze_time(TODAY), db.reading() as session:
            made = sen2.make_return(session, year, "999")
        assert made.errors == [], [f.as_dict() for f in made.errors[:5]]
        assert made.persons, year
        assert xml.schema_errors(made.document) == []
        assert xml.from_xml(made.document)[1] == _public(made.persons)


def _public(value):
    """The return as published: the fields the XML carries, without the working ones (named with a _)."""
    if isinstance(value, dict):
        return {k: _public(v) for k, v in value.items() if not k.startswith("_")}
    if isinstance(value, list):
        return [_public(v) for v in value]
    return value


def test_each_child_is_a_person_with_one_or_two_parents_who_can_be_reached(loaded):
    db, _ = loaded
    with db.reading() as s:
        cases = list(s.scalars(select(Case)))
        people = {p.id: p for p in s.scalars(select(Person))}
        reasons = list(s.scalars(select(AuditEntry.fields).where(AuditEntry.event == "contact_added")))
        contacts = s.scalar(select(func.count()).select_from(Contact))
    assert len(people) == len(cases) == len({c.person_id for c in cases})  # a request each: no child twice
    for case in cases:
        family = people[case.person_id].contacts
        assert 1 <= len(family) <= 2 and all(c.parental_responsibility for c in family)
        for contact in family:
            reachable = {"email": contact.email, "phone": contact.phone, "text": contact.phone, "letter": True}
            assert reachable[contact.preferred_contact], contact.preferred_contact
    assert contacts > len(cases) * 1.3  # many children have two
    assert {"email", "phone", "text", "letter"} == {c.preferred_contact for p in people.values() for c in p.contacts}
    assert reasons and all(r["reason"] == demo.FAMILY_DETAILS_REASON for r in reasons)


def test_ehcp_demo_loads_a_small_caseload_runs_the_scan_and_prints_the_address_it_is_given(
        tmp_path, capsys, monkeypatch):
    """The command as .ci/demo runs it: the address printed is the one passed, and the manager signs in to
    alerts already raised (the scan ran, sending no mail)."""
    from casework.cli import main
    from casework.models import Alert, OutboxMail

    url = f"sqlite:///{tmp_path / 'demo.sqlite'}"
    monkeypatch.setenv("EHCP_DATABASE_URL", url)
    with freezegun.freeze_time(TODAY):
        assert main(["db", "upgrade"]) == 0
        assert main(["demo", "--cases", "40", "--address", "http://0.0.0.0:8123/sign-in"]) == 0
    printed = capsys.readouterr().out
    assert "sign in at http://0.0.0.0:8123/sign-in as:" in printed
    assert "Deadline scan run as of 16 March 2026:" in printed
    db = Database(url)
    try:
        with db.reading() as s:
            assert s.scalar(select(func.count()).select_from(Case)) == 40
            assert s.scalar(select(func.count()).select_from(Alert).where(Alert.kind == "overdue")) > 0
            assert s.scalar(select(func.count()).select_from(OutboxMail)) == 0
            waiting = s.scalar(select(func.count()).select_from(Case).where(Case.assigned_caseworker_id.is_(None)))
            assert waiting == s.scalar(select(func.count()).select_from(Case)
                                       .where(Case.state == "request_received")) > 0
    finally:
        db.dispose()
    assert main(["demo", "--cases", "0"]) == 2


def test_loading_again_adds_nothing(loaded):
    db, _ = loaded
    before = _counts(db)
    messages: list[str] = []
    with freezegun.freeze_time(TODAY + dt.timedelta(days=1)):
        demo.load(db, seed=99, out=messages.append)
    assert _counts(db) == before
    assert "already exist" in messages[0]



def test_the_demo_loads_the_number_of_cases_asked_for_once(database_url, monkeypatch):
    import freezegun
    from sqlalchemy import func, select

    from casework.cli import main
    from casework.core.db import Database
    from casework.models import Case

    monkeypatch.setenv("EHCP_DATABASE_URL", database_url)
    with freezegun.freeze_time("2026-06-01"):
        assert main(["demo", "--cases", "12", "--seed", "7"]) == 0
        assert main(["demo", "--cases", "12", "--seed", "7"]) == 0  # run twice: nothing more
    db = Database(database_url)
    with db.reading() as session:
        assert session.scalar(select(func.count()).select_from(Case)) == 12
        assert list_copies_out_of_step(session) == []
    db.dispose()
