"""Settings: typed sections with their defaults, read from config.toml, then EHCP_<SECTION>_<KEY> overrides.

One place reads configuration so that every process (web, CLI, scheduler, tests) agrees on it, and one
place says what each setting may be, so a typing mistake stops the service at start with a sentence naming
the setting instead of surfacing later as a wrong deadline or a mail that never leaves.

The models below hold the defaults; config.toml repeats them with a comment each, for the people who
edit it. A key or section the models do not know is refused (``extra="forbid"``): a misspelt ``hots``
would otherwise leave the real ``host`` at its default without a word.
"""

from __future__ import annotations

import json
import os
import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator
from pydantic.fields import FieldInfo
from pydantic_core import ErrorDetails
from pydantic_settings import BaseSettings, PydanticBaseSettingsSource, SettingsConfigDict
from pydantic_settings.sources import TomlConfigSettingsSource
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

from casework.core.errors import CaseworkError

REPO_ROOT = Path(__file__).resolve().parents[2]
DEFAULT_CONFIG = REPO_ROOT / "config.toml"
ENV_PREFIX = "EHCP_"
# Settings whose values are never repeated back in a message: they may hold a password.
SECRET = frozenset({("database", "url"), ("web", "secret_key"), ("mail", "password")})


class SettingsError(CaseworkError):
    """A setting that is missing its file, misspelt or out of range; the service does not start on it."""

    status, code = 400, "bad_setting"


# --------------------------------------------------------------------------------------------------- the models

def _must_be(description: str, default: Any, *, each: str | None = None, **constraints: Any) -> Any:
    """A field whose description completes the sentence "[section] key must be ...".

    ``each`` does the same for one entry of a table ("[alerts.due_soon_days_by_kind] advice must be ...").
    """
    extra = {"each": each} if each else None
    if callable(default):
        return Field(default_factory=default, description=description, json_schema_extra=extra, **constraints)
    return Field(default, description=description, json_schema_extra=extra, **constraints)


def _as_list(value: Any) -> Any:
    """The environment gives text: a JSON list, or items separated by commas ("06:00, 13:00")."""
    if isinstance(value, str):
        text = value.strip()
        if text.startswith("["):
            try:
                return json.loads(text)
            except ValueError:
                return value
        return [part.strip() for part in text.split(",") if part.strip()]
    return value


def _as_table(value: Any) -> Any:
    """The environment gives text: a JSON object such as {"advice": 10}."""
    if isinstance(value, str):
        try:
            return json.loads(value)
        except ValueError:
            return value
    return value


class Section(BaseModel):
    model_config = ConfigDict(extra="forbid", validate_default=True)


Minutes = Annotated[int, Field(ge=1, le=1440)]
Days = Annotated[int, Field(ge=0, le=365)]
ScanTime = Annotated[str, Field(pattern=r"^([01]\d|2[0-3]):[0-5]\d$")]
DeadlineKind = Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]*$", max_length=60)]


class DatabaseSettings(Section):
    url: str = _must_be("a SQLAlchemy database URL, like sqlite:///instance/ehcp.db or "
                        "postgresql+psycopg://user:password@host:5432/ehcp", "sqlite:///instance/ehcp.db",
                        min_length=1)

    @field_validator("url")
    @classmethod
    def _a_url(cls, value: str) -> str:
        try:
            make_url(value)
        except ArgumentError:
            raise ValueError("not a database URL") from None
        return value


class ServiceSettings(Section):
    base_url: str = _must_be("the address people use to reach the service, starting http:// or https://",
                             "http://127.0.0.1:8000", pattern=r"^https?://[^\s/]+\S*$")
    authority_name: str = _must_be("the local authority's name (not empty)", "Demo Borough Council",
                                   min_length=1, max_length=200)
    reference_prefix: str = _must_be("1 to 20 letters or digits, like EHC", "EHC", pattern=r"^[A-Za-z0-9]{1,20}$")
    la_code: str = _must_be("the authority's DfE number: 3 digits, like 202", "999", pattern=r"^[0-9]{3}$")


class WebSettings(Section):
    secret_key: str = _must_be("text (left empty, a random key is made at each start)", "")
    session_idle_minutes: Minutes = _must_be("a whole number of minutes from 1 to 1440", 30)
    secure_cookies: bool = _must_be("true or false", True)
    max_failed_logins: int = _must_be("a whole number from 1 to 100", 5, ge=1, le=100)
    lockout_minutes: Minutes = _must_be("a whole number of minutes from 1 to 1440", 15)
    session_max_hours: int = _must_be("a whole number of hours from 1 to 168", 12, ge=1, le=168)
    max_failed_logins_per_address: int = _must_be("a whole number from 1 to 10000", 30, ge=1, le=10000)
    password_link_hours: int = _must_be("a whole number of hours from 1 to 336", 72, ge=1, le=336)
    trusted_proxy: str = _must_be("the address of the TLS proxy in front of the service, or empty for none", "",
                                  max_length=100)
    password_hashing: Literal["rfc_9106_low_memory", "cheapest"] = _must_be(
        '"rfc_9106_low_memory" (in service) or "cheapest" (for test suites only)', "rfc_9106_low_memory")


class ServeSettings(Section):
    # A process runs Python on one thread at a time: a few threads overlap one request's database waits with
    # another's work, more only make requests take turns (in bench_web, 16 clients on two processes, 10,000
    # cases: the pages' p95s summed 16% lower with 4 threads than with 8).
    # More throughput comes from more processes (the production layout), not more threads.
    threads: int = _must_be("a whole number of worker threads from 1 to 64", 4, ge=1, le=64)
    connection_limit: int = _must_be("a whole number of connections from 10 to 10000", 200, ge=10, le=10000)
    channel_timeout: int = _must_be("a whole number of seconds from 5 to 600", 30, ge=5, le=600)


class MailSettings(Section):
    host: str = _must_be("a host name or address (not empty)", "127.0.0.1", min_length=1)
    port: int = _must_be("a whole number from 1 to 65535", 25, ge=1, le=65535)
    sender: str = _must_be("an email address, like ehcp-alerts@example.gov.uk", "ehcp-alerts@example.gov.uk",
                           pattern=r"^[^@\s]+@[^@\s]+$")
    starttls: bool = _must_be("true or false", False)
    username: str = _must_be("text (empty when the server needs no sign-in)", "")
    password: str = _must_be("text", "")


class SchedulerSettings(Section):
    scan_times: list[ScanTime] = _must_be('a list of times of day written HH:MM (24-hour), like ["06:00", "13:00"]',
                                          lambda: ["06:00", "13:00"])

    @field_validator("scan_times", mode="before")
    @classmethod
    def _split(cls, value: Any) -> Any:
        return _as_list(value)


class RulesSettings(Section):
    event_day_is_day_one: bool = _must_be("true or false", False)
    review_period_starts_at: Literal["decision", "meeting"] = _must_be('"decision" or "meeting"', "decision")


class AlertsSettings(Section):
    due_soon_days: Days = _must_be("a whole number of days from 0 to 365", 14)
    due_soon_days_by_kind: dict[DeadlineKind, Days] = _must_be(
        "a table of deadline kinds, each a whole number of days from 0 to 365",
        lambda: {"advice": 14, "final_plan": 28, "issue_decision": 21, "decision_to_assess": 14, "annual_review": 28},
        each="a whole number of days from 0 to 365")

    @field_validator("due_soon_days_by_kind", mode="before")
    @classmethod
    def _parse(cls, value: Any) -> Any:
        return _as_table(value)


class LettersSettings(Section):
    mediation_adviser: str = _must_be(
        "the mediation adviser's name and how to reach them (not empty)",
        "Demo Mediation Service, 0300 000 0000, mediation@example.org.uk", min_length=1, max_length=500)
    iass: str = _must_be(
        "the information, advice and support service's name and how to reach it (not empty)",
        "Demo SENDIASS, 0300 000 0001, sendiass@example.org.uk", min_length=1, max_length=500)
    signed_by: str = _must_be("the team that signs the letters (not empty)", "SEN Assessment Team",
                              min_length=1, max_length=200)
    produce_every_minutes: Minutes = _must_be("a whole number of minutes from 1 to 1440", 5)


class DocumentsSettings(Section):
    path: str = _must_be("a folder for the documents uploaded to cases (not empty); a relative path is taken "
                         "from the repository root", "instance/documents", min_length=1)
    max_mb: int = _must_be("a whole number of megabytes from 1 to 100", 10, ge=1, le=100)


class Settings(BaseSettings):
    """Every setting of config.toml, typed; a dict of the same shape is what the rest of the service reads."""

    model_config = SettingsConfigDict(extra="forbid", validate_default=True)

    database: DatabaseSettings = Field(default_factory=DatabaseSettings)
    service: ServiceSettings = Field(default_factory=ServiceSettings)
    web: WebSettings = Field(default_factory=WebSettings)
    serve: ServeSettings = Field(default_factory=ServeSettings)
    mail: MailSettings = Field(default_factory=MailSettings)
    scheduler: SchedulerSettings = Field(default_factory=SchedulerSettings)
    rules: RulesSettings = Field(default_factory=RulesSettings)
    alerts: AlertsSettings = Field(default_factory=AlertsSettings)
    letters: LettersSettings = Field(default_factory=LettersSettings)
    documents: DocumentsSettings = Field(default_factory=DocumentsSettings)

    def as_dict(self) -> dict[str, Any]:
        """Plain nested dicts, as callers have always read settings; the database URL anchored for SQLite."""
        values = self.model_dump()
        values["database"]["url"] = resolve_database_url(values["database"]["url"])
        return values


SECTIONS: dict[str, type[Section]] = {
    name: field.annotation for name, field in Settings.model_fields.items()  # type: ignore[misc]
}


# --------------------------------------------------------------------------------------------------- the sources

class EnvironmentOverrides(PydanticBaseSettingsSource):
    """EHCP_<SECTION>_<KEY> from the given environment, for the sections the settings have.

    Other EHCP_ names (EHCP_CONFIG, EHCP_TEST_DATABASE, EHCP_LOG_LEVEL...) belong to the tools around the
    service and are left alone; a key the section does not have is passed on, so it is refused by name.
    A table inside a section takes its keys the same way: EHCP_ALERTS_DUE_SOON_DAYS_BY_KIND_ADVICE=10.
    """

    def __init__(self, settings_cls: type[BaseSettings], environ: Mapping[str, str]) -> None:
        super().__init__(settings_cls)
        self.environ = environ

    def get_field_value(self, field: FieldInfo, field_name: str) -> tuple[Any, str, bool]:
        return self().get(field_name), field_name, False

    def __call__(self) -> dict[str, Any]:
        overrides: dict[str, dict[str, Any]] = {}
        for name, raw in sorted(self.environ.items()):
            place = setting_for(name)
            if place is None:
                continue
            section, key, item = place
            table = overrides.setdefault(section, {})
            if item is None:
                table[key] = raw
            elif isinstance(table.get(key, {}), dict):
                table.setdefault(key, {})[item] = raw
        return overrides


def setting_for(env_name: str) -> tuple[str, str, str | None] | None:
    """(section, key, item in a table or None) that an environment variable sets, or None if it is no setting."""
    if not env_name.startswith(ENV_PREFIX):
        return None
    section, _, key = env_name[len(ENV_PREFIX):].lower().partition("_")
    if section not in SECTIONS or not key:
        return None
    fields = SECTIONS[section].model_fields
    if key not in fields:
        for table, field in fields.items():
            if key.startswith(table + "_") and _is_table(field):
                return section, table, key[len(table) + 1:]
    return section, key, None


def _is_table(field: FieldInfo) -> bool:
    return getattr(field.annotation, "__origin__", None) is dict


def env_name(section: str, key: str, item: str | None = None) -> str:
    return ENV_PREFIX + "_".join(part.upper() for part in (section, key, item) if part)


# --------------------------------------------------------------------------------------------------- reading

def read_settings(path: str | os.PathLike[str] | None = None, env: Mapping[str, str] | None = None) -> Settings:
    """The typed settings: the file (EHCP_CONFIG, or config.toml), then the environment over it.

    Raises SettingsError with one sentence naming the first setting at fault and what it must be.
    """
    environ = dict(os.environ if env is None else env)
    config_path = Path(path or environ.get("EHCP_CONFIG") or DEFAULT_CONFIG)
    if not config_path.is_file():
        raise SettingsError(f"the settings file {config_path} does not exist (check EHCP_CONFIG)")
    try:
        toml = TomlConfigSettingsSource(Settings, toml_file=config_path)
    except tomllib.TOMLDecodeError as exc:
        raise SettingsError(f"the settings file {config_path} is not valid TOML: {exc}") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise SettingsError(f"the settings file {config_path} cannot be read: {exc}") from None
    try:
        return Settings(_build_sources=((EnvironmentOverrides(Settings, environ), toml), {}))
    except ValidationError as exc:
        raise SettingsError(describe(exc.errors(), config_path, environ)) from None


def load_settings(path: str | os.PathLike[str] | None = None, env: Mapping[str, str] | None = None) -> dict:
    """Read and check the settings; returns them as plain dicts (section -> key -> value)."""
    return read_settings(path, env).as_dict()


def describe(errors: list[ErrorDetails], config_path: Path, environ: Mapping[str, str]) -> str:
    """One line for the first problem (and how many others there are), in the words of config.toml."""
    first = _sentence(errors[0], config_path, environ)
    others = len(errors) - 1
    return first + (f" (and {others} more problem{'s' if others != 1 else ''} in the settings)" if others else "")


def _sentence(error: ErrorDetails, config_path: Path, environ: Mapping[str, str]) -> str:
    loc = [str(part) for part in error["loc"]]
    section = loc[0]
    if section not in SECTIONS:
        known = ", ".join(f"[{name}]" for name in SECTIONS)
        return f"[{section}] in {config_path} is not a section of the settings; the sections are {known}"
    if len(loc) == 1:
        return f"[{section}] in {config_path} must be a table of settings"
    key, item = loc[1], (loc[2] if len(loc) > 2 else None)
    fields = SECTIONS[section].model_fields
    where = _where(section, key, item if key in fields and _is_table(fields[key]) else None, config_path, environ)
    if error["type"] == "extra_forbidden":
        return f"[{section}] {key} is not a setting {where}; the [{section}] settings are {', '.join(fields)}"
    field = fields[key]
    shown = _shown(error["input"])
    if item is not None and _is_table(field):
        if loc[-1] == "[key]":
            return f"[{section}.{key}] {shown} is not a name written in lower-case letters and _ {where}"
        each = (field.json_schema_extra or {}).get("each", field.description)  # type: ignore[union-attr]
        return f"[{section}.{key}] {item} must be {each}, not {shown} {where}"
    if item is not None:  # one entry of a list
        return f"[{section}] {key} must be {field.description}; {shown} is not {where}"
    said = "" if (section, key) in SECRET else f", not {shown}"
    return f"[{section}] {key} must be {field.description}{said} {where}"


def _where(section: str, key: str, item: str | None, config_path: Path, environ: Mapping[str, str]) -> str:
    for name in (env_name(section, key, item), env_name(section, key)):
        if name in environ:
            return f"(from {name})"
    return f"(in {config_path})"


def _shown(value: Any) -> str:
    text = value if isinstance(value, str) else json.dumps(value, default=str)
    text = text if len(text) <= 60 else text[:57] + "..."
    return f"'{text}'" if isinstance(value, str) else text


def resolve_database_url(url: str) -> str:
    """Anchor a relative SQLite path at the repository root, so every command finds the same file."""
    prefix = "sqlite:///"
    if url.startswith(prefix) and not url.startswith("sqlite:////") and url != "sqlite:///:memory:":
        relative = url[len(prefix):]
        if relative and not relative.startswith(":"):
            path = (REPO_ROOT / relative).resolve()
            path.parent.mkdir(parents=True, exist_ok=True)
            return prefix + str(path)
    return url
