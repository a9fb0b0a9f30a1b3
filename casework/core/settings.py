"""Settings: config.toml, then EHCP_<SECTION>_<KEY> environment overrides.

One place reads configuration so that every process (web, CLI, scheduler, tests) agrees on it.
"""

from __future__ import annotations

import json
import os
import tomllib
from pathlib import Path
from typing import Any

REPO_ROOT = Path(__file__).resolve().parents[2]
DEFAULT_CONFIG = REPO_ROOT / "config.toml"


def _coerce(raw: str, current: Any) -> Any:
    """Turn an environment string into the type the setting already has in the file."""
    if isinstance(current, bool):
        return raw.strip().lower() in {"1", "true", "yes", "on"}
    if isinstance(current, int):
        return int(raw)
    if isinstance(current, float):
        return float(raw)
    if isinstance(current, list):
        raw = raw.strip()
        if raw.startswith("["):
            return json.loads(raw)
        return [part.strip() for part in raw.split(",") if part.strip()]
    return raw


def load_settings(path: str | os.PathLike[str] | None = None, env: dict[str, str] | None = None) -> dict:
    """Read the TOML file and apply environment overrides.

    Overrides follow the contract: EHCP_<SECTION>_<KEY> (upper case); EHCP_DATABASE_URL is the same rule
    applied to [database] url. Keys the file does not have can be added the same way.
    """
    env = dict(os.environ if env is None else env)
    config_path = Path(path or env.get("EHCP_CONFIG") or DEFAULT_CONFIG)
    with config_path.open("rb") as fh:
        settings: dict[str, Any] = tomllib.load(fh)
    for name, raw in env.items():
        if not name.startswith("EHCP_") or name == "EHCP_CONFIG":
            continue
        rest = name[len("EHCP_"):].lower()
        section, _, key = rest.partition("_")
        if not key:
            continue
        table = settings.setdefault(section, {})
        if not isinstance(table, dict):
            continue
        table[key] = _coerce(raw, table.get(key, ""))
    settings["database"]["url"] = resolve_database_url(settings["database"]["url"])
    return settings


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
