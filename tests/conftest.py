"""Shared fixtures: the same suite runs on SQLite and on PostgreSQL.

EHCP_TEST_DATABASE=sqlite (default) or postgresql chooses the engine. On SQLite each test gets its own
copy of a freshly migrated database file; on PostgreSQL one database is created for the session (named
uniquely, so several runs on one server, and the workers of one run under pytest-xdist, never meet) and put
back to its freshly migrated rows before each test (see tests.support.PostgresReset).
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from casework import accounts, operations
from casework.accounts import passwords
from casework.core.db import Database
from casework.core.policy import Policy
from casework.core.settings import load_settings
from casework.models import User
from tests.support import PostgresReset, load_test_directory, postgres_database

ENGINE = os.environ.get("EHCP_TEST_DATABASE", "sqlite")

# Hundreds of test users are made and signed in; under the service's argon2 profile each hash and check would
# take a large share of a second. The suite, and the servers it starts (which inherit the environment), hash
# under argon2's cheapest profile instead: still argon2id, still checked for real. tests/test_cli.py runs its
# commands without any EHCP_ setting, and finds new passwords hashed under the service's own profile.
os.environ["EHCP_WEB_PASSWORD_HASHING"] = "cheapest"
passwords.use_hashing_profile("cheapest")


def pytest_report_header(config) -> str:
    return f"database engine under test: {ENGINE}"


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Under pytest-xdist with --dist loadgroup (as bash .ci/test runs it), tests go to whichever worker is
    free, except that the tests of a module sharing a module-scoped fixture (a database loaded once for the
    module, as in tests/test_demo.py) stay on one worker, so that fixture is still made once. It runs before
    pytest-xdist's own hook, which reads the group marker to keep a group together: marked after it, a group
    was spread over the workers and each loaded the module's database again."""
    for item in items:
        fixtures = getattr(getattr(item, "_fixtureinfo", None), "name2fixturedefs", {})
        if any(defs and defs[-1].scope == "module" for defs in fixtures.values()):
            item.add_marker(pytest.mark.xdist_group(item.module.__name__))


@pytest.fixture(scope="session")
def _migrated(tmp_path_factory) -> Iterator[str]:
    """A database migrated to head once per session (per worker under pytest-xdist), holding the test
    directory: a template file (SQLite) or a database (PostgreSQL)."""
    if ENGINE == "sqlite":
        path = tmp_path_factory.mktemp("db") / "template.db"
        url = f"sqlite:///{path}"
        template = Database(url)
        template.upgrade()
        load_test_directory(template)  # every copy starts with the directory
        template.dispose()
        yield url
        return
    if ENGINE != "postgresql":
        raise pytest.UsageError(f"EHCP_TEST_DATABASE must be sqlite or postgresql, not {ENGINE}")
    with postgres_database("ehcp_test") as url:
        Database(url).upgrade()
        seeded = Database(url)
        load_test_directory(seeded)
        seeded.dispose()
        yield url


@pytest.fixture(scope="session")
def _postgres_reset(_migrated: str) -> Iterator[PostgresReset]:
    """What puts the session's PostgreSQL database back as it was migrated, before each test."""
    reset = PostgresReset(_migrated)
    yield reset
    reset.dispose()


@pytest.fixture
def database_url(_migrated: str, tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[str]:
    """The URL of a migrated database for this test (also for subprocesses it starts), holding only the test
    directory."""
    if ENGINE == "sqlite":
        template = Path(_migrated[len("sqlite:///"):])
        copy = tmp_path / "ehcp.db"
        shutil.copyfile(template, copy)
        yield f"sqlite:///{copy}"
        return
    request.getfixturevalue("_postgres_reset").restore()
    yield _migrated


@pytest.fixture
def policy() -> Policy:
    return Policy()


@pytest.fixture
def db(database_url: str, policy: Policy) -> Iterator[Database]:
    database = Database(database_url, policy)
    yield database
    database.dispose()


@pytest.fixture
def settings(database_url: str, tmp_path: Path) -> dict[str, Any]:
    """Settings as the service reads them, pointed at this test's database."""
    loaded = load_settings(env={"EHCP_DATABASE_URL": database_url})
    loaded["web"]["secret_key"] = "test-secret-key-" + uuid.uuid4().hex
    loaded["documents"]["path"] = str(tmp_path / "documents")  # never the repository's own instance/
    return loaded


@pytest.fixture
def app(settings: dict[str, Any], db: Database):
    from web import create_app

    application = create_app(settings, db)
    application.config.update(TESTING=True)
    return application


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def make_user(db: Database):
    counter = iter(range(1, 10_000))

    def _make(role: str = "caseworker", *, username: str | None = None, org: str | None = None,
              email: str | None = None, password: str | None = None) -> User:
        name = username or f"{role}{next(counter)}"
        return accounts.create_user(db, name, role, organisation=org, email=email, password=password)

    return _make


@pytest.fixture
def auth_header(db: Database):
    """Authorization header for a user, through a real API token."""

    def _header(user: User) -> dict[str, str]:
        return {"Authorization": f"Bearer {accounts.create_token(db, user.username)}"}

    return _header


@pytest.fixture
def new_case(db: Database):
    """Create a case through the one operation that does it."""

    def _new(received_on: dt.date = dt.date(2024, 9, 2), **overrides: Any):
        fields = dict(given_name="Ada", family_name="Example", date_of_birth=dt.date(2016, 5, 4),
                      requested_by="parent", primary_need="ASD")
        fields.update(overrides)
        return operations.create_case(db, actor=None, received_on=received_on, **fields)

    return _new
