"""The demo caseload in bulk: the rows it writes are the rows the operations would write, and the service works
on them as on any other (pages, API, events), on both engines."""

from __future__ import annotations

import datetime as dt
import re
import shutil
import uuid
from collections import Counter
from collections.abc import Callable, Iterator
from typing import Any

import freezegun
import pytest
from sqlalchemy import func, select

from casework import accounts, operations
from casework.core.db import Database
from casework.core.policy import Policy
from casework.core.settings import load_settings
from casework.imports import bulk, demo
from casework.models import AdviceRequest, AuditEntry, Case, Contact, Deadline, Person, User
from tests.conftest import ENGINE
from tests.support import list_copies_out_of_step, postgres_database, replay_bulk_stories
from workflows import ehcp

TODAY = dt.date(2026, 3, 16)
CASES = 500
_CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


def _counts(db: Database) -> dict[str, int]:
    with db.reading() as session:
        return {model.__name__: session.scalar(select(func.count()).select_from(model))
                for model in (User, Person, Contact, Case, AdviceRequest, Deadline, AuditEntry)}


@pytest.fixture(scope="module")
def bulk_database_url(_migrated: str, tmp_path_factory) -> Iterator[str]:
    """A database of this module's own, loaded once for all the checks below."""
    if ENGINE == "sqlite":
        path = tmp_path_factory.mktemp("bulk") / "bulk.db"
        shutil.copyfile(_migrated[len("sqlite:///"):], path)
        yield f"sqlite:///{path}"
        return
    with postgres_database("ehcp_bulk") as url:
        Database(url).upgrade()
        yield url


@pytest.fixture(scope="module")
def loaded(bulk_database_url: str) -> Iterator[tuple[Database, dict[str, Any]]]:
    db = Database(bulk_database_url)
    with freezegun.freeze_time(TODAY):
        result = bulk.load_caseload(db, CASES, TODAY, seed=2014, keep=CASES)
    yield db, result
    db.dispose()


@pytest.fixture(scope="module")
def app(loaded, bulk_database_url: str, tmp_path_factory):
    from web import create_app

    settings = load_settings(env={"EHCP_DATABASE_URL": bulk_database_url})
    settings["web"]["secret_key"] = "test-secret-key-" + uuid.uuid4().hex
    settings["documents"]["path"] = str(tmp_path_factory.mktemp("documents"))
    application = create_app(settings, loaded[0])
    application.config.update(TESTING=True)
    return application


def _signed_in(app, username: str):
    user = next(u for u in demo.DEMO_USERS if u.username == username)
    client = app.test_client()
    page = client.get("/sign-in")
    answer = client.post("/sign-in", data={"csrf_token": _CSRF.search(page.text).group(1),
                                           "username": user.username, "password": user.password})
    assert answer.status_code == 302, answer.text
    return client


def _decided(story: bulk.Story, outcome: str) -> list[dt.date]:
    return [e["on"] for e in story.audit if e["event"] == "decide_review_outcome" and e["fields"]["outcome"] == outcome]


def _transfers(story: bulk.Story) -> list[dict[str, Any]]:
    return [d for d in story.deadlines if d["kind"] == "phase_transfer"]


def _early_years(story: bulk.Story) -> list[dict[str, Any]]:
    return [d for d in story.deadlines if d["kind"] == "early_years_review"]


# The paths of a plan's life a replay must cover beyond the first stories, each under its own rules.
REPLAYED_PATHS: dict[str, Callable[[bulk.Story], bool]] = {
    "a phase transfer met within the 12 months before it": lambda s: any(d["met_on"] for d in _transfers(s)),
    "a phase transfer still owed after a decision to maintain outside those 12 months": lambda s: any(
        d["met_on"] is None and any(on > d["starts_on"] for on in _decided(s, "maintain")) for d in _transfers(s)),
    "an amended plan issued after the family's 15 days": lambda s: any(
        e["event"] == "issue_amended_plan" for e in s.audit),
    "amendments proposed, the plan not yet amended": lambda s: s.state == "amending",
    "a plan ceased outside a review": lambda s: s.state == "ceased" and any(e["event"] == "cease_plan"
                                                                            for e in s.audit),
    "a plan ceased at a review": lambda s: s.state == "ceased" and bool(_decided(s, "cease")),
    "a plan ceased while being amended": lambda s: s.state == "ceased" and any(
        d["kind"] == "amended_plan" and d["cancelled_on"] for d in s.deadlines),
    "a decision to cease waiting out the appeal time": lambda s: s.state == "ceasing",
    # A plan for a child under 5 owes a review within 6 months (G7.2), again after each decision while under 5.
    "an early years review opened by the plan": lambda s: bool(_early_years(s)),
    "an early years review met, the next opened by a decision while under 5": lambda s: len(_early_years(s)) >= 2,
    "an early years review met by a decision to maintain on or after the fifth birthday, none opened": lambda s: bool(
        _early_years(s)) and _early_years(s)[-1]["met_on"] in _decided(s, "maintain"),
    "an early years review cancelled when the plan ceased": lambda s: any(d["cancelled_on"] for d in _early_years(s)),
}


def _more_stories(count: int) -> list[bulk.Story]:
    """Stories walked in Python only, for the paths too rare to be sure of among the cases loaded."""
    bodies = {kind: tuple((name, n) for n, name in enumerate(names, 1))
              for kind, names in bulk.ADVISORY_BODIES.items()}
    with freezegun.freeze_time(TODAY):
        caseload = bulk.Caseload(TODAY, Policy(), 2015, [(1, "caseworker")], bodies, bulk.IdSequence())
        stories = [caseload.story() for _ in range(count)]
    for story in stories:
        story.settle()
    return stories


def test_stories_replayed_through_the_operations_give_the_same_rows(loaded):
    _, result = loaded
    stories: list[bulk.Story] = result["kept"]
    sample = stories[:40]
    wanted = {f"in state {state}": (lambda s, state=state: s.state == state) for state in ehcp.STATES}
    more = _more_stories(5_000)
    for path, taken in {**wanted, **REPLAYED_PATHS}.items():  # the first story of each, if not sampled yet
        found = next((s for s in (*stories, *more) if taken(s)), None)
        assert found is not None, f"no bulk story has {path}"
        if all(found is not s for s in sample):
            sample.append(found)
    assert all(d["transfer_on"] == dt.date(d["due_on"].year, 9, 1) for s in sample for d in _transfers(s))
    assert replay_bulk_stories(sample, Policy()) == len(sample) > 40


def test_the_stored_list_copies_are_what_the_deadlines_say(loaded):
    db, _ = loaded
    with db.reading() as session:
        assert list_copies_out_of_step(session) == []
        owed = session.scalar(select(func.count()).select_from(AdviceRequest)
                              .where(AdviceRequest.owed_due_on.is_not(None)))
        with_next = session.scalar(select(func.count()).select_from(Case).where(Case.next_due_on.is_not(None)))
    assert owed > 0 and with_next > 0  # the check above compared something


def test_a_realistic_spread_over_caseworkers_states_and_the_last_two_years(loaded):
    db, result = loaded
    with db.reading() as session:
        cases = session.execute(select(Case.state, Case.assigned_caseworker_id, Case.received_on)).all()
        caseworker = session.scalars(select(User).where(User.username == "caseworker")).one()
        caseworkers = session.scalar(select(func.count()).select_from(User).where(User.role == "caseworker"))
    assert len(cases) == CASES == sum(result["states"].values())
    states = Counter(state for state, *_ in cases)
    assert set(states) == set(ehcp.STATES), states  # every state, open and closed, is seen
    assert states.most_common(1)[0][0] == "plan_maintained"  # most requests become plans
    assert caseworkers == bulk.CASEWORKERS
    mine = sum(1 for _, worker, _ in cases if worker == caseworker.id)
    assert 0 < mine < CASES / 10  # shared among forty: the demo caseworker has a caseload of their own
    assert all(TODAY - dt.timedelta(days=730) <= received < TODAY for *_, received in cases)


def test_people_have_contacts_and_a_history_of_their_own(loaded):
    db, _ = loaded
    with db.reading() as session:
        people = session.scalar(select(func.count()).select_from(Person))
        per_person = Counter(session.scalars(select(Contact.person_id)))
        added = Counter(session.scalars(select(AuditEntry.event).where(AuditEntry.person_id.is_not(None))))
        versions = set(session.scalars(select(Person.version)))
        postcodes = session.scalar(select(func.count()).select_from(Person).where(Person.postcode.is_(None)))
    assert people == CASES and len(per_person) == CASES and set(per_person.values()) <= {1, 2}
    assert added["person_added"] == CASES and added["person_changed"] == CASES
    assert added["contact_added"] == sum(per_person.values())
    assert versions == {2} and postcodes == 0  # created, then the family's details added: two versions


def test_advice_goes_to_directory_organisations_and_its_deadline_is_about_it(loaded):
    db, _ = loaded
    with db.reading() as session:
        asked_of = {}
        for entry in session.scalars(select(AuditEntry).where(AuditEntry.event == "request_advice")
                                     .order_by(AuditEntry.id)):
            asked_of.setdefault(entry.case_id, []).append(entry.fields["organisation"])
        names = {}
        for advice in session.scalars(select(AdviceRequest).order_by(AdviceRequest.id)):
            names.setdefault(advice.case_id, []).append(advice.organisation.name)
        subjects = session.execute(select(Deadline.kind, Deadline.subject_type, Deadline.subject_id,
                                          Deadline.case_id)).all()
        advice_cases = dict(session.execute(select(AdviceRequest.id, AdviceRequest.case_id)).tuples().all())
    assert names == asked_of and names
    assert {name for found in names.values() for name in found} <= {name for name, *_ in bulk.DIRECTORY}
    for kind, subject_type, subject_id, case_id in subjects:
        if kind == "advice":
            assert subject_type == "advice_request" and advice_cases[subject_id] == case_id
        else:
            assert (subject_type, subject_id) == ("case", case_id)


def test_case_pages_and_the_api_answer_for_a_case_in_every_state(loaded, app):
    db, _ = loaded
    with db.reading() as session:
        sample = {state: session.scalar(select(Case.id).where(Case.state == state).order_by(Case.id).limit(1))
                  for state in ehcp.STATES}
    caseworker = _signed_in(app, "caseworker")
    token = accounts.create_token(db, "manager")
    api = app.test_client()
    for state, case_id in sample.items():
        page = caseworker.get(f"/cases/{case_id}")
        assert page.status_code == 200, (state, page.status_code)
        answer = api.get(f"/api/v1/cases/{case_id}", headers={"Authorization": f"Bearer {token}"})
        assert answer.status_code == 200 and answer.json["state"] == state
    for url in ("/cases", "/cases?mine=no", "/cases?due=overdue", "/advice"):
        assert caseworker.get(url).status_code == 200, url
    assert _signed_in(app, "adviser").get("/advice").status_code == 200
    assert _signed_in(app, "manager").get("/dashboard").status_code == 200


def test_an_allowed_event_fires_on_a_bulk_case_and_keeps_its_copies(loaded):
    db, _ = loaded
    with db.reading() as session:
        case = session.scalars(select(Case).where(Case.state == "request_received").order_by(Case.id)).first()
        caseworker = session.scalars(select(User).where(User.username == "caseworker")).one()
        history = session.scalar(select(func.count()).select_from(AuditEntry).where(AuditEntry.case_id == case.id))
    assert "agree_to_assess" in ehcp.allowed_events(case.state)
    decided = case.received_on + dt.timedelta(days=20)  # within the 6 weeks, and after every recorded event
    with freezegun.freeze_time(TODAY):
        fired = operations.fire_event(db, case.id, "agree_to_assess", actor=caseworker, on=min(decided, TODAY))
    assert fired.state == "assessment" and fired.version == case.version + 1
    with db.reading() as session:
        assert session.scalar(select(func.count()).select_from(AuditEntry)
                              .where(AuditEntry.case_id == case.id)) == history + 1
        assert [line for line in list_copies_out_of_step(session) if line.startswith(f"case {case.id}:")] == []
        stored = session.get(Case, case.id)
        assert (stored.next_due_on, stored.next_due_kind) == (case.received_on + dt.timedelta(weeks=16),
                                                              "issue_decision")


def test_run_twice_the_bulk_demo_adds_nothing(loaded):
    db, _ = loaded
    with freezegun.freeze_time(TODAY):
        demo_users = [accounts.create_user(db, u.username, u.role, organisation=u.organisation, email=u.email,
                                           password=u.password)
                      for u in demo.DEMO_USERS if u.username not in demo.existing_demo_users(db)]
        before = _counts(db)
        printed: list[str] = []
        assert bulk.load(db, cases=CASES, out=printed.append) is None
    assert _counts(db) == before and "already exist" in printed[0]
    assert demo_users == []  # the loader made the demo users themselves


def test_ehcp_demo_with_many_cases_loads_in_bulk_once(database_url, monkeypatch):
    from casework.cli import main

    monkeypatch.setenv("EHCP_DATABASE_URL", database_url)
    with freezegun.freeze_time("2026-06-01"):
        assert main(["demo", "--cases", str(bulk.BULK_FROM), "--seed", "7"]) == 0
        assert main(["demo", "--cases", str(bulk.BULK_FROM), "--seed", "7"]) == 0  # run twice: nothing more
    db = Database(database_url)
    with db.reading() as session:
        assert session.scalar(select(func.count()).select_from(Case)) == bulk.BULK_FROM
        workers = session.scalar(select(func.count(func.distinct(Case.assigned_caseworker_id))))
        assert list_copies_out_of_step(session) == []
    db.dispose()
    assert workers == bulk.CASEWORKERS  # in bulk: shared among the caseworkers, not all the demo caseworker's
