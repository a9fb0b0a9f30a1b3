"""The ``ehcp`` console script as operators run it: a separate process, configured only by the environment.

Each test starts the installed script with EHCP_DATABASE_URL pointing at its own database (and no
EHCP_CONFIG), so what is checked is what a deployment script sees: the exit code, one line on stderr for
a typing mistake, and the rows the command did or did not write.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from alembic.script import ScriptDirectory
from sqlalchemy import create_engine, func, inspect, select, text

from casework import accounts
from casework.core.db import Database, alembic_config
from casework.models import ROLES, Alert, ApiToken, Base, Organisation, User
from tests.support import TEST_DIRECTORY

EHCP = Path(sys.executable).with_name("ehcp")
PASSWORD = "correct horse battery staple"
HEAD = ScriptDirectory.from_config(alembic_config("sqlite://")).get_current_head()


def _environment(database_url: str, extra: dict[str, str] | None = None) -> dict[str, str]:
    """The caller's environment without any EHCP_ setting of its own, then the database to use."""
    env = {name: value for name, value in os.environ.items() if not name.startswith("EHCP_")}
    env["EHCP_DATABASE_URL"] = database_url
    env.update(extra or {})
    return env


def ehcp(database_url: str, *args: str, stdin: str | None = None, cwd: Path | None = None,
         timeout: float = 120, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """Run the installed console script to completion, from a directory that is not the repository."""
    assert EHCP.exists(), f"the ehcp console script is not installed next to {sys.executable} (pip install -e .)"
    return subprocess.run([str(EHCP), *args], input=stdin, capture_output=True, text=True, timeout=timeout,
                          env=_environment(database_url, env), cwd=cwd or Path.home())


def _one_line_error(result: subprocess.CompletedProcess[str]) -> str:
    """Bad input: exit 2, nothing on stdout, a single 'ehcp: ...' line on stderr."""
    assert result.returncode == 2, (result.returncode, result.stdout, result.stderr)
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("ehcp: ") and len(lines[0]) > len("ehcp: ")
    return lines[0]


def _count(db: Database, model) -> int:
    with db.reading() as session:
        return session.scalar(select(func.count()).select_from(model))


def _schema(url: str) -> tuple[set[str], str | None]:
    """The tables a database has and the migration it is at."""
    engine = create_engine(url)
    try:
        tables = set(inspect(engine).get_table_names())
        with engine.connect() as conn:
            version = conn.scalar(text("SELECT version_num FROM alembic_version")) if "alembic_version" in tables \
                else None
        return tables, version
    finally:
        engine.dispose()


def _user(db: Database, username: str) -> User | None:
    with db.reading() as session:
        return session.scalars(select(User).where(User.username == username)).first()


# --------------------------------------------------------------------------------------------------- db upgrade

def test_db_upgrade_creates_every_table_in_an_empty_sqlite_file_and_can_run_again(tmp_path: Path) -> None:
    path = tmp_path / "new-authority.db"
    path.touch()
    url = f"sqlite:///{path}"
    model_tables = {table.name for table in Base.metadata.sorted_tables}

    first = ehcp(url, "db", "upgrade")
    assert first.returncode == 0, first.stderr
    assert "newest schema" in first.stdout
    tables, version = _schema(url)
    assert model_tables <= tables
    assert version == HEAD

    second = ehcp(url, "db", "upgrade")
    assert second.returncode == 0, second.stderr
    assert _schema(url) == (tables, HEAD)


def test_db_upgrade_on_a_database_in_use_changes_nothing(database_url: str, db: Database, make_user) -> None:
    """Re-running the upgrade during a deployment must be harmless to the data already there."""
    make_user("caseworker", username="existing.officer")
    before = _schema(database_url)
    assert before[1] == HEAD

    result = ehcp(database_url, "db", "upgrade")

    assert result.returncode == 0, result.stderr
    assert _schema(database_url) == before
    assert _user(db, "existing.officer") is not None


# --------------------------------------------------------------------------------------------------- users create

@pytest.mark.parametrize("role", ROLES)
def test_users_create_adds_each_role_with_an_argon2_password(role: str, database_url: str, db: Database) -> None:
    org = ["--org", "Northbridge NHS Trust"] if role == "adviser" else []
    result = ehcp(database_url, "users", "create", f"new.{role}", "--role", role, *org,
                  "--email", f"new.{role}@example.gov.uk", "--password-stdin", stdin=PASSWORD + "\n")

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().startswith(f"Created {role} new.{role}")
    user = _user(db, f"new.{role}")
    assert user is not None and user.role == role and user.active
    assert user.email == f"new.{role}@example.gov.uk"
    assert user.password_hash.startswith("$argon2id$") and PASSWORD not in user.password_hash
    assert "$m=65536,t=3,p=4$" in user.password_hash  # the service's profile (RFC 9106 low memory), not the tests'
    assert accounts.password_matches(user, PASSWORD)
    assert not accounts.password_matches(user, PASSWORD + "!")
    if role == "adviser":
        assert user.organisation is not None and user.organisation.name == "Northbridge NHS Trust"
    else:
        assert user.organisation is None


def test_an_adviser_joins_an_existing_organisation_whatever_the_capitals(database_url: str, db: Database,
                                                                          make_user) -> None:
    make_user("adviser", username="first.adviser", org="Northbridge NHS Trust")

    result = ehcp(database_url, "users", "create", "second.adviser", "--role", "adviser",
                  "--org", "NORTHBRIDGE nhs trust")

    assert result.returncode == 0, result.stderr
    assert _count(db, Organisation) == len(TEST_DIRECTORY)  # joined the directory's, added none
    assert _user(db, "second.adviser").organisation_id == _user(db, "first.adviser").organisation_id


@pytest.mark.parametrize(("args", "stdin", "says"), [
    (["users", "create", "someone", "--role", "wizard", "--org", "Nowhere Trust"], None, "invalid choice"),
    (["users", "create", "lone.adviser", "--role", "adviser"], None, "--org"),
    (["users", "create", "--role", "caseworker"], None, "username"),
    (["users", "create", "no.role"], None, "--role"),
    (["users", "create", "   ", "--role", "caseworker"], None, "username"),
    (["users", "create", "short.password", "--role", "adviser", "--org", "Nowhere Trust", "--password-stdin"],
     "secret\n", "at least"),
    (["users"], None, "required"),
], ids=["unknown-role", "adviser-without-org", "no-username", "no-role", "blank-username", "short-password",
        "no-subcommand"])
def test_users_create_refuses_bad_input_and_writes_nothing(args: list[str], stdin: str | None, says: str,
                                                           database_url: str, db: Database) -> None:
    message = _one_line_error(ehcp(database_url, *args, stdin=stdin))

    assert says in message
    assert _count(db, User) == 0
    assert _count(db, Organisation) == len(TEST_DIRECTORY)


def test_users_create_refuses_a_username_already_taken(database_url: str, db: Database, make_user) -> None:
    make_user("caseworker", username="j.smith", email="j.smith@example.gov.uk")

    message = _one_line_error(ehcp(database_url, "users", "create", "j.smith", "--role", "manager",
                                   "--email", "other@example.gov.uk", "--password-stdin", stdin=PASSWORD + "\n"))

    assert "j.smith" in message
    assert _count(db, User) == 1
    kept = _user(db, "j.smith")
    assert kept.role == "caseworker" and kept.email == "j.smith@example.gov.uk" and kept.password_hash is None


# --------------------------------------------------------------------------------------------------- tokens create

def test_tokens_create_prints_one_token_that_opens_the_api_and_stores_only_its_hash(
        database_url: str, db: Database, make_user, client) -> None:
    officer = make_user("caseworker", username="api.officer")

    result = ehcp(database_url, "tokens", "create", "api.officer")

    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert len(lines) == 1
    token = lines[0]
    assert len(token) >= 32 and token.strip() == token

    answer = client.get("/api/v1/cases", headers={"Authorization": f"Bearer {token}"})
    assert answer.status_code == 200, answer.get_json()
    assert answer.get_json()["total"] == 0
    refused = client.get("/api/v1/cases", headers={"Authorization": f"Bearer {token}x"})
    assert refused.status_code == 401

    with db.reading() as session:
        stored = session.scalars(select(ApiToken)).all()
        assert [row.user_id for row in stored] == [officer.id]
        assert stored[0].token_hash == accounts.token_digest(token)
        raw = session.execute(text("SELECT * FROM api_tokens")).all()
    assert all(token not in str(value) for row in raw for value in row)


def test_each_token_created_is_new_and_both_work(database_url: str, make_user, client) -> None:
    make_user("manager", username="team.manager")

    tokens = [ehcp(database_url, "tokens", "create", "team.manager").stdout.strip() for _ in range(2)]

    assert tokens[0] != tokens[1]
    for token in tokens:
        assert client.get("/api/v1/cases", headers={"Authorization": f"Bearer {token}"}).status_code == 200


@pytest.mark.parametrize("args", [["tokens", "create", "nobody"], ["tokens", "create"]], ids=["unknown-user",
                                                                                             "no-username"])
def test_tokens_create_for_no_such_user_exits_2_and_writes_nothing(args: list[str], database_url: str,
                                                                   db: Database, make_user) -> None:
    make_user("caseworker", username="somebody")

    message = _one_line_error(ehcp(database_url, *args))

    assert "nobody" in message or "username" in message
    assert _count(db, ApiToken) == 0


# --------------------------------------------------------------------------------------------------- scan

@pytest.mark.parametrize("as_of", ["not-a-date", "2025-02-30", "01/03/2025"])
def test_scan_refuses_a_date_it_cannot_read(as_of: str, database_url: str, db: Database, new_case) -> None:
    new_case()  # deadlines long overdue: a scan that ran would raise alerts

    message = _one_line_error(ehcp(database_url, "scan", "--as-of", as_of))

    assert as_of in message and "YYYY-MM-DD" in message
    assert _count(db, Alert) == 0


def test_an_unknown_command_exits_2(database_url: str) -> None:
    assert "invalid choice" in _one_line_error(ehcp(database_url, "frobnicate"))


def test_a_missing_subcommand_is_named_in_words(database_url: str) -> None:
    assert _one_line_error(ehcp(database_url, "users")) == "ehcp: the following arguments are required: SUBCOMMAND"


def test_a_database_never_upgraded_is_named_not_dumped(tmp_path: Path) -> None:
    result = ehcp(f"sqlite:///{tmp_path / 'new.db'}", "tokens", "create", "someone")
    assert result.returncode == 1
    assert result.stderr.strip().splitlines() == ["ehcp: the database has no tables yet: run `ehcp db upgrade` first"]


# --------------------------------------------------------------------------------------------------- serve

def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait_for_answer(url: str, process: subprocess.Popen[str], limit: float = 60):
    """Poll until the server answers, failing early if the process died instead. An answer slower than the
    poll's own timeout (a busy machine, the first request warming the app) is polled again, not a failure."""
    give_up = time.monotonic() + limit
    while True:
        if process.poll() is not None:
            pytest.fail(f"ehcp serve exited with {process.returncode}: {process.stderr.read()}")
        try:
            return urllib.request.urlopen(url, timeout=5)
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            if time.monotonic() > give_up:
                pytest.fail(f"ehcp serve did not answer {url} within {limit} seconds")
            time.sleep(0.1)


@contextlib.contextmanager
def _ctrl_c_as_at_a_terminal() -> Iterator[None]:
    """Children started inside this block get SIGINT at its default, as a terminal gives it.

    A shell that starts a job in the background (``cmd &`` in a script, nohup, many CI runners) sets SIGINT
    to ignored, every child inherits that, and a Python child started so installs no KeyboardInterrupt
    handler: Ctrl-C would never reach waitress and the test would wait out its timeout. A handler set here
    (any, not "ignore") is reset to the default in a child when it execs.
    """
    before = signal.getsignal(signal.SIGINT)
    if before is not signal.SIG_IGN:
        yield
        return
    signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, before)


@pytest.mark.parametrize(("stop", "exit_code"), [(signal.SIGINT, 0), (signal.SIGTERM, -signal.SIGTERM)],
                         ids=["ctrl-c", "terminate"])
def test_serve_answers_through_waitress_until_stopped(stop: signal.Signals, exit_code: int, database_url: str,
                                                       db: Database, make_user) -> None:
    make_user("caseworker", username="served.officer")
    token = accounts.create_token(db, "served.officer")
    port = _free_port()
    with _ctrl_c_as_at_a_terminal():
        process = subprocess.Popen([str(EHCP), "serve", "--host", "127.0.0.1", "--port", str(port)],
                                   env=_environment(database_url), cwd=Path.home(), stdout=subprocess.PIPE,
                                   stderr=subprocess.PIPE, text=True)
    try:
        base = f"http://127.0.0.1:{port}"
        with _wait_for_answer(f"{base}/api/v1/openapi.json", process) as answer:
            assert answer.status == 200
            assert answer.headers["Server"] == "ehcp"  # waitress's ident, not a development server
            assert answer.headers.get_content_type() == "application/json"
        # It serves this test's database: the token made there opens the API.
        request = urllib.request.Request(f"{base}/api/v1/cases", headers={"Authorization": f"Bearer {token}"})
        with urllib.request.urlopen(request, timeout=10) as cases:
            assert cases.status == 200

        process.send_signal(stop)
        process.wait(timeout=30)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    assert process.returncode == exit_code, process.stderr.read()
    assert f"Serving on http://127.0.0.1:{port}" in process.stdout.read()
