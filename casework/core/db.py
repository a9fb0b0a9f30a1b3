"""The database handle: engine, sessions and the one-transaction-per-operation rule.

SQLite is the embedded default and PostgreSQL the production engine; both must behave the same for
concurrent changes. On SQLite a unit of work begins IMMEDIATE, so two writers queue for the write lock
instead of one failing half-way with "database is locked"; a read session begins DEFERRED, so in WAL mode any
number of readers run beside each other and beside the one writer, and a slow page never holds up the rest.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.orm import Session, sessionmaker

from casework.core.policy import Policy
from casework.core.settings import REPO_ROOT

MIGRATIONS = REPO_ROOT / "migrations"


def make_engine(url: str, **kwargs) -> Engine:
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"timeout": 30, "check_same_thread": False}, **kwargs)
        _sqlite_setup(engine)
        return engine
    return create_engine(url, pool_pre_ping=True, **kwargs)


def _sqlite_setup(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record) -> None:  # pragma: no cover - exercised through every test
        dbapi_connection.isolation_level = None  # let SQLAlchemy's "begin" below emit BEGIN itself
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection) -> None:
        reading = connection.get_execution_options().get(READING, False)
        connection.exec_driver_sql("BEGIN DEFERRED" if reading else "BEGIN IMMEDIATE")


# The execution option that marks a read session's connection (SQLite begins it DEFERRED).
READING = "ehcp_reading"


def _read_options(engine: Engine) -> dict[str, object]:
    """How a read session's connection runs. On SQLite it begins DEFERRED, so it takes no write lock. On
    PostgreSQL it runs in autocommit: under READ COMMITTED each statement already sees what was committed when
    it began, so a transaction around reads adds nothing but its BEGIN and ROLLBACK, two more round trips to
    the server for every page (and a page opens two or three read sessions)."""
    if engine.dialect.name == "postgresql":
        return {READING: True, "isolation_level": "AUTOCOMMIT"}
    return {READING: True}


class Database:
    """An engine, its session factory and the authority's policy; every operation takes one of these."""

    def __init__(self, url: str, policy: Policy | None = None, **engine_kwargs) -> None:
        self.url = url
        self.policy = policy or Policy()
        self.engine = make_engine(url, **engine_kwargs)
        self.sessions = sessionmaker(self.engine, expire_on_commit=False)
        self.read_sessions = sessionmaker(self.engine.execution_options(**_read_options(self.engine)),
                                          expire_on_commit=False)
        # A read that streams its rows through a server-side cursor, which PostgreSQL opens only in a transaction.
        self.streaming_sessions = sessionmaker(self.engine.execution_options(**{READING: True}),
                                               expire_on_commit=False)

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    @contextlib.contextmanager
    def transaction(self) -> Iterator[Session]:
        """One unit of work: commits when the block ends, rolls everything back if it raises."""
        with self.sessions() as session, session.begin():
            yield session

    @contextlib.contextmanager
    def reading(self, *, streaming: bool = False) -> Iterator[Session]:
        """A session for reads; nothing is committed, and what it loaded stays readable after it closes. On
        SQLite it takes no write lock, so readers never queue behind each other or behind a writer.
        ``streaming``: for rows read in batches (``yield_per``), which on PostgreSQL need a transaction."""
        with (self.streaming_sessions if streaming else self.read_sessions)() as session:
            yield session

    def upgrade(self, revision: str = "head") -> None:
        command.upgrade(alembic_config(self.url), revision)

    def dispose(self) -> None:
        self.engine.dispose()


def alembic_config(url: str) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return cfg


def sqlite_path(url: str) -> Path | None:
    prefix = "sqlite:///"
    return Path(url[len(prefix):]) if url.startswith(prefix) else None
