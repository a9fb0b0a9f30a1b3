"""Settings as operators write them: config.toml, EHCP_CONFIG and EHCP_<SECTION>_<KEY>.

A mistyped setting must stop every command at once, with one line naming the setting and what it must
be, rather than running with a default the operator did not mean.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from casework.core.settings import DEFAULT_CONFIG, SettingsError, load_settings
from casework.models import Organisation, User
from tests.support import TEST_DIRECTORY
from tests.test_cli import _count, _one_line_error, ehcp


def _config(tmp_path: Path, replace: str, by: str) -> Path:
    """A copy of the shipped config.toml with one line changed, as an operator would edit it."""
    text = DEFAULT_CONFIG.read_text()
    assert replace in text, replace
    path = tmp_path / "council.toml"
    path.write_text(text.replace(replace, by, 1))
    return path


# --------------------------------------------------------------------------------------------------- in process

def test_the_shipped_file_gives_every_setting_with_its_type() -> None:
    settings = load_settings(env={})
    assert settings["mail"]["port"] == 25 and settings["mail"]["starttls"] is False
    assert settings["scheduler"]["scan_times"] == ["06:00", "13:00"]
    assert settings["rules"] == {"event_day_is_day_one": False, "review_period_starts_at": "decision"}
    assert settings["alerts"]["due_soon_days"] == 14
    assert settings["alerts"]["due_soon_days_by_kind"]["final_plan"] == 28
    assert settings["database"]["url"].startswith("sqlite:////")  # anchored at the repository


def test_the_environment_overrides_the_file_in_the_settings_types() -> None:
    settings = load_settings(env={
        "EHCP_MAIL_PORT": "2525", "EHCP_MAIL_STARTTLS": "true", "EHCP_WEB_SECURE_COOKIES": "false",
        "EHCP_SCHEDULER_SCAN_TIMES": "13:00, 06:30", "EHCP_ALERTS_DUE_SOON_DAYS_BY_KIND_ADVICE": "7",
        "EHCP_DATABASE_URL": "postgresql+psycopg://ehcp:secret@db.example:5432/ehcp",
        # Not settings: the test suite's, the log's and the file's own names are left alone.
        "EHCP_TEST_DATABASE": "postgresql", "EHCP_LOG_LEVEL": "DEBUG", "EHCP_CONFIG": str(DEFAULT_CONFIG),
    })
    assert settings["mail"]["port"] == 2525 and settings["mail"]["starttls"] is True
    assert settings["web"]["secure_cookies"] is False
    assert settings["scheduler"]["scan_times"] == ["13:00", "06:30"]
    assert settings["alerts"]["due_soon_days_by_kind"]["advice"] == 7
    assert settings["alerts"]["due_soon_days_by_kind"]["final_plan"] == 28  # the rest of the table stays
    assert settings["database"]["url"] == "postgresql+psycopg://ehcp:secret@db.example:5432/ehcp"
    assert "test" not in settings and "log" not in settings


def test_a_file_that_leaves_settings_out_gets_the_defaults(tmp_path: Path) -> None:
    path = tmp_path / "short.toml"
    path.write_text('[mail]\nhost = "smtp.council.example"\n')
    settings = load_settings(path, env={})
    assert settings["mail"]["host"] == "smtp.council.example"
    assert settings["mail"]["port"] == 25
    assert settings["web"]["session_idle_minutes"] == 30
    assert settings["alerts"]["due_soon_days_by_kind"]["annual_review"] == 28


@pytest.mark.parametrize(("env", "says"), [
    ({"EHCP_MAIL_PASSWORD": "hunter2", "EHCP_MAIL_PORT": "0"}, "[mail] port must be a whole number from 1 to 65535"),
    ({"EHCP_DATABASE_URL": "not a url:secret"}, "[database] url must be a SQLAlchemy database URL"),
])
def test_a_secret_is_never_repeated_in_a_message(env: dict[str, str], says: str) -> None:
    with pytest.raises(SettingsError) as refused:
        load_settings(env=env)
    assert refused.value.message.startswith(says)
    assert "hunter2" not in refused.value.message and "secret" not in refused.value.message


# --------------------------------------------------------------------------------------------------- the script

BAD_FILES = [
    ("due_soon_days = 14", "due_soon_days = -3", "[alerts] due_soon_days must be a whole number of days from 0 to 365"),
    ('scan_times = ["06:00", "13:00"]', 'scan_times = ["06:00", "25:00"]',
     "[scheduler] scan_times must be a list of times of day written HH:MM"),
    ('review_period_starts_at = "decision"', 'review_period_starts_at = "tuesday"',
     '[rules] review_period_starts_at must be "decision" or "meeting", not \'tuesday\''),
    ('host = "127.0.0.1"', 'hots = "127.0.0.1"', "[mail] hots is not a setting"),
    ("[alerts]", "[alert]", "[alert] in "),
    ("advice = 14", "advice = 400", "[alerts.due_soon_days_by_kind] advice must be a whole number of days"),
    ("port = 25", "port = [", "is not valid TOML"),
]


@pytest.mark.parametrize(("replace", "by", "says"), BAD_FILES,
                         ids=["negative-days", "scan-time-25", "review-period", "unknown-key", "unknown-section",
                              "days-by-kind", "not-toml"])
def test_a_bad_setting_in_the_file_stops_the_command_in_one_line(replace: str, by: str, says: str,
                                                                 tmp_path: Path, database_url: str, db) -> None:
    config = _config(tmp_path, replace, by)
    message = _one_line_error(ehcp(database_url, "users", "create", "new.officer", "--role", "caseworker",
                                   env={"EHCP_CONFIG": str(config)}))
    assert says in message
    assert str(config) in message  # where to look
    assert _count(db, User) == 0


BAD_ENVIRONMENT = [
    ({"EHCP_MAIL_PORT": "abc"}, "[mail] port must be a whole number from 1 to 65535, not 'abc' (from EHCP_MAIL_PORT)"),
    ({"EHCP_MAIL_HOTS": "x"}, "[mail] hots is not a setting (from EHCP_MAIL_HOTS)"),
    ({"EHCP_ALERTS_DUE_SOON_DAYS": "-3"}, "[alerts] due_soon_days must be a whole number of days from 0 to 365"),
    ({"EHCP_SCHEDULER_SCAN_TIMES": "06:00,25:00"}, "'25:00' is not (from EHCP_SCHEDULER_SCAN_TIMES)"),
    ({"EHCP_RULES_REVIEW_PERIOD_STARTS_AT": "tuesday"}, '[rules] review_period_starts_at must be "decision" or'),
    ({"EHCP_WEB_SECURE_COOKIES": "sometimes"}, "[web] secure_cookies must be true or false, not 'sometimes'"),
    ({"EHCP_CONFIG": "/nowhere/council.toml"}, "the settings file /nowhere/council.toml does not exist"),
    ({"EHCP_LOG_LEVEL": "loud"}, "EHCP_LOG_LEVEL must be DEBUG, INFO, WARNING, ERROR or CRITICAL"),
]


@pytest.mark.parametrize(("env", "says"), BAD_ENVIRONMENT,
                         ids=["port-abc", "unknown-key", "negative-days", "scan-time-25", "review-period",
                              "not-a-flag", "no-such-file", "log-level"])
def test_a_bad_setting_in_the_environment_stops_the_command_in_one_line(env: dict[str, str], says: str,
                                                                        database_url: str, db) -> None:
    message = _one_line_error(ehcp(database_url, "users", "create", "new.officer", "--role", "caseworker", env=env))
    assert says in message
    assert _count(db, User) == 0


@pytest.mark.parametrize("command", [
    ["db", "upgrade"],
    ["users", "create", "new.adviser", "--role", "adviser", "--org", "Northbridge NHS Trust"],
    ["tokens", "create", "somebody"],
    ["organisations", "add", "Westfield ICB", "--kind", "nhs"],
    ["organisations", "list"],
    ["scan", "--as-of", "2025-03-01"],
    ["demo"],
    ["serve", "--port", "0"],
    ["scheduler"],
], ids=lambda command: " ".join(command[:2]))
def test_every_command_refuses_to_run_on_a_bad_setting(command: list[str], database_url: str, db) -> None:
    result = ehcp(database_url, *command, env={"EHCP_MAIL_PORT": "abc"}, timeout=60)
    assert _one_line_error(result) == ("ehcp: [mail] port must be a whole number from 1 to 65535, not 'abc' "
                                       "(from EHCP_MAIL_PORT)")
    assert "Traceback" not in result.stderr
    assert _count(db, User) == 0 and _count(db, Organisation) == len(TEST_DIRECTORY)
