"""Helpers shared by tests and benchmarks: scratch PostgreSQL databases, snapshots of a case, a path through
the workflow."""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import uuid
from collections.abc import Iterator
from typing import Any

from sqlalchemy import create_engine, select, text
from sqlalchemy.pool import NullPool

from casework import operations as ops
from casework.core.db import Database
from casework.models import AuditEntry, Case, Deadline

D = dt.date

# The directory every test's database starts with: the organisations the tests ask for advice and advisers
# belong to, so a test names one as a caseworker would choose it. (name, kind, URN); an organisation that is
# not here is refused, as in service.
TEST_DIRECTORY: tuple[tuple[str, str, str | None], ...] = (
    ("Northbridge NHS Trust", "nhs", None),
    ("Northbridge NHS Foundation Trust", "nhs", None),
    ("Southmoor Community Health", "nhs", None),
    ("Demo NHS Trust", "nhs", None),
    ("NHS", "nhs", None),
    ("Trust", "nhs", None),
    ("health service", "nhs", None),
    ("Educational Psychology Service", "educational_psychology", None),
    ("Hillside Educational Psychology", "educational_psychology", None),
    ("Southfield Educational Psychology Service", "educational_psychology", None),
    ("EPS", "educational_psychology", None),
    ("psychological service", "educational_psychology", None),
    ("Children's Social Care", "social_care", None),
    ("social_care service", "social_care", None),
    ("Oak Primary School", "school", "100001"),
    ("Riverside Primary School", "school", "100002"),
    ("School", "school", "100003"),
    ("Riverside School", "school", "100004"),
    ("educational service", "other", None),
    ("Parent Partnership", "other", None),
    ("parent service", "other", None),
    ("Speech and Language Service", "other", None),
    ("other service", "other", None),
    ("Parent and carer contributions", "other", None),
    ("Special educational needs coordinators", "other", None),
    ("Sensory Support Service", "other", None),
)


def load_test_directory(db: Database) -> None:
    """Put TEST_DIRECTORY in an empty database, in one transaction (it runs before every test)."""
    from casework import organisations
    from casework.models import Organisation

    with db.transaction() as session:
        for name, kind, urn in TEST_DIRECTORY:
            details = organisations.checked(name, kind, urn)
            session.add(Organisation(name=details.name, name_key=organisations.name_key(details.name),
                                     kind=details.kind, urn=details.urn))


def add_organisation(db: Database, name: str, kind: str = "other", urn: str | None = None) -> int:
    """One more organisation in the directory, for a test that needs a name of its own; its id."""
    from casework import organisations

    return organisations.add_organisation(db, name, kind, urn=urn)[0].id
PG_ADMIN_URL = os.environ.get("EHCP_TEST_PG_ADMIN_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")


@contextlib.contextmanager
def postgres_database(prefix: str) -> Iterator[str]:
    """A new, empty PostgreSQL database named uniquely (runs on one server never meet), dropped afterwards."""
    name = f"{prefix}_{uuid.uuid4().hex[:12]}"
    admin = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield PG_ADMIN_URL.rsplit("/", 1)[0] + f"/{name}"
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


class PostgresReset:
    """Puts a PostgreSQL test database back to the rows it held when this was made (the migrated schema and
    the test directory), with every sequence where it stood, so each test starts as from a fresh copy.

    TRUNCATE would do the same but gives every table and index a new file, which costs about a second per
    test on a busy server; deleting the few rows a test wrote is a few milliseconds. The deletes run with
    session_replication_role = replica, so foreign keys and the audit trail's append-only trigger (which
    guard the service's data, not a scratch database being reset) neither order nor refuse them.
    """

    _TABLES = "SELECT tablename FROM pg_tables WHERE schemaname = 'public' AND tablename <> 'alembic_version'"
    _SEQUENCES = "SELECT sequencename, last_value FROM pg_sequences WHERE schemaname = 'public'"

    def __init__(self, url: str) -> None:
        from casework.models import Base

        self.engine = create_engine(url, poolclass=NullPool)
        self.tables = Base.metadata.tables
        with self.engine.connect() as conn:
            self.rows = {name: [dict(row) for row in conn.execute(text(f'SELECT * FROM "{name}"')).mappings()]
                         for name in conn.scalars(text(self._TABLES))}
            self.sequences = {name: last for name, last in conn.execute(text(self._SEQUENCES))}
        unknown = [name for name, rows in self.rows.items() if rows and name not in self.tables]
        assert not unknown, f"rows in tables the models do not describe: {unknown}"

    def restore(self) -> None:
        with self.engine.begin() as conn:
            tables = list(conn.scalars(text(self._TABLES)))
            sequences = list(conn.scalars(text("SELECT sequencename FROM pg_sequences WHERE schemaname = 'public'")))
            statements = ["SET LOCAL session_replication_role = replica"]
            statements += [f'DELETE FROM "{name}"' for name in tables]
            for name in sequences:
                last = self.sequences.get(name)
                statements.append(f"SELECT setval('\"{name}\"', {last}, true)" if last is not None
                                  else f"SELECT setval('\"{name}\"', 1, false)")
            conn.exec_driver_sql("; ".join(statements))
            for name, rows in self.rows.items():
                if rows:
                    conn.execute(self.tables[name].insert(), rows)

    def dispose(self) -> None:
        self.engine.dispose()


def snapshot(db: Database, case_id: int) -> dict[str, Any]:
    """Everything about a case that an operation could change, for before/after comparison."""
    with db.reading() as s:
        case = s.get(Case, case_id)
        columns = {c.key: getattr(case, c.key) for c in Case.__table__.columns}
        deadlines = [
            {c.key: getattr(d, c.key) for c in Deadline.__table__.columns if c.key != "created_at"}
            for d in s.scalars(select(Deadline).where(Deadline.case_id == case_id).order_by(Deadline.id))
        ]
        audit = [(a.id, a.event, a.state_before, a.state_after)
                 for a in s.scalars(select(AuditEntry).where(AuditEntry.case_id == case_id).order_by(AuditEntry.id))]
        advice = [(a.id, a.returned_on) for a in case.advice_requests]
        exceptions = [e.id for e in case.exceptions]
    return {"case": columns, "deadlines": deadlines, "audit": audit, "advice": advice, "exceptions": exceptions}


def by_kind(case: Case) -> dict[str, list[Deadline]]:
    found: dict[str, list[Deadline]] = {}
    for d in case.deadlines:
        found.setdefault(d.kind, []).append(d)
    return found


def to_final_plan(db: Database, case_id: int, start: dt.date = D(2024, 9, 2)) -> Case:
    """A timely path from request to final plan (the worked example's dates)."""
    ops.agree_to_assess(db, case_id, actor=None, on=start + dt.timedelta(weeks=5))
    ops.decide_to_issue(db, case_id, actor=None, on=start + dt.timedelta(weeks=12))
    ops.issue_draft(db, case_id, actor=None, on=start + dt.timedelta(weeks=14))
    return ops.issue_final(db, case_id, actor=None, on=start + dt.timedelta(weeks=18), named_setting="Oak School")


def list_copies_out_of_step(session: Any) -> list[str]:
    """Every case and advice request whose stored list copy (next deadline, advice due while owed) differs from
    the value worked out afresh in SQL from the deadlines as they stand; empty when the ledger kept them right."""
    from sqlalchemy import and_, func

    from casework.models import AdviceRequest
    from casework.models.subject import ADVICE_REQUEST

    open_duty = and_(Deadline.case_id == Case.id, Deadline.met_on.is_(None), Deadline.cancelled_on.is_(None),
                     Deadline.superseded_at.is_(None), Deadline.is_duty.is_(True))
    soonest = select(func.min(Deadline.due_on)).where(open_duty).correlate(Case).scalar_subquery()
    found: list[str] = []
    for case_id, stored_on, stored_kind, due_on in session.execute(
            select(Case.id, Case.next_due_on, Case.next_due_kind, soonest).order_by(Case.id)):
        kind = session.scalar(select(func.min(Deadline.kind)).where(
            Deadline.case_id == case_id, Deadline.met_on.is_(None), Deadline.cancelled_on.is_(None),
            Deadline.superseded_at.is_(None), Deadline.is_duty.is_(True), Deadline.due_on == due_on))
        if (stored_on, stored_kind) != (due_on, kind):
            found.append(f"case {case_id}: stored {(stored_on, stored_kind)} != {(due_on, kind)}")
    owed = (select(func.min(Deadline.due_on))
            .where(Deadline.about(ADVICE_REQUEST, AdviceRequest.id), Deadline.cancelled_on.is_(None),
                   Deadline.superseded_at.is_(None)).correlate(AdviceRequest).scalar_subquery())
    for advice_id, stored, returned_on, voided_on, due_on in session.execute(
            select(AdviceRequest.id, AdviceRequest.owed_due_on, AdviceRequest.returned_on, AdviceRequest.voided_on,
                   owed).order_by(AdviceRequest.id)):
        wanted = due_on if returned_on is None and voided_on is None else None
        if stored != wanted:
            found.append(f"advice request {advice_id}: stored {stored} != {wanted}")
    return found


# The replay check of the bulk loader: what ``casework.imports.bulk`` writes must be what the operations write.
_REPLAY_DATE_FIELDS = ("received_on",)
_REPLAY_COMPARED = ("kind", "rule", "citation", "starts_on", "due_on", "met_on", "cancelled_on", "is_duty",
                    "transfer_on")
_REPLAY_CASE_FACTS = ("state", "version", "received_on", "last_event_on", "decision_to_assess_on", "draft_issued_on",
                      "plan_issued_on", "named_setting", "review_meeting_on", "closed_on", "closed_reason",
                      "cease_reason", "cease_decided_on", "next_due_on", "next_due_kind")


def replay_bulk_stories(stories: list[Any], policy: Any) -> int:
    """Replay bulk stories event by event through ``casework.operations`` into a scratch SQLite database with
    the bulk directory, and require the same case facts, deadline rows and advice: the bulk rows are what the
    operations would have written."""
    import tempfile
    from pathlib import Path

    from casework import organisations
    from casework.imports import bulk

    with tempfile.TemporaryDirectory(prefix="ehcp-bulk-replay-") as directory:
        db = Database(f"sqlite:///{Path(directory) / 'replay.db'}", policy)
        try:
            db.upgrade()
            for name, kind, urn, ukprn in bulk.DIRECTORY:
                organisations.add_organisation(db, name, kind, urn=urn, ukprn=ukprn)
            for story in stories:
                _replay_one(db, story)
        finally:
            db.dispose()
    return len(stories)


def _replay_one(db: Database, story: Any) -> None:
    from casework.models import AdviceRequest

    synthetic = story.case
    case = ops.create_case(
        db, actor=None, given_name=story.person["given_name"], family_name=story.person["family_name"],
        date_of_birth=story.person["date_of_birth"], received_on=synthetic["received_on"],
        requested_by=synthetic["requested_by"], primary_need=synthetic["primary_need"])
    advice_ids: dict[int, int] = {}  # synthetic advice request id -> the replay's
    synthetic_advice = iter(a["id"] for a in story.advice)
    for entry in story.audit[1:]:
        fields = dict(entry["fields"])
        for name in _REPLAY_DATE_FIELDS:
            if name in fields:
                fields[name] = dt.date.fromisoformat(fields[name])
        if "advice_request_id" in fields:
            fields["advice_request_id"] = advice_ids[fields["advice_request_id"]]
        case = ops.fire_event(db, case.id, entry["event"], actor=None, on=entry["on"], **fields)
        if entry["event"] == "request_advice":
            advice_ids[next(synthetic_advice)] = max(a.id for a in case.advice_requests)
    reverse = {replayed: original for original, replayed in advice_ids.items()}
    with db.reading() as session:
        replayed = session.get(Case, case.id)
        facts = {name: getattr(replayed, name) for name in _REPLAY_CASE_FACTS}
        rows = [tuple(getattr(d, c) for c in _REPLAY_COMPARED) + (reverse.get(d.advice_request_id),)
                for d in session.scalars(select(Deadline).where(Deadline.case_id == case.id).order_by(Deadline.id))]
        advice = {reverse[a.id]: (a.returned_on, a.owed_due_on, a.organisation.name)
                  for a in session.scalars(select(AdviceRequest).where(AdviceRequest.case_id == case.id))}
    expected_rows = [tuple(d[c] for c in _REPLAY_COMPARED)
                     + (d["subject_id"] if d["subject_type"] == "advice_request" else None,) for d in story.deadlines]
    expected_facts = {name: synthetic[name] for name in _REPLAY_CASE_FACTS}
    asked_of = [e["fields"]["organisation"] for e in story.audit if e["event"] == "request_advice"]
    expected_advice = {a["id"]: (a["returned_on"], a["owed_due_on"], name)
                       for a, name in zip(story.advice, asked_of, strict=True)}
    if facts != expected_facts or rows != expected_rows or advice != expected_advice:
        raise AssertionError(f"bulk case {synthetic['reference']} differs from its replay through the "
                             f"operations:\n facts {facts}\n   vs  {expected_facts}\n rows {rows}\n  vs  "
                             f"{expected_rows}\n advice {advice}\n  vs  {expected_advice}")
