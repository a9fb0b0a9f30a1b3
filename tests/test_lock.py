"""The hashed lock files must agree with pyproject.toml.

`.ci/setup` installs only from the lock files, with --require-hashes; a dependency pinned in pyproject.toml but
missing from (or at another version in) a lock would mean the package declares one thing and installs another.
`bash .ci/lock` regenerates them.
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PIN = re.compile(r"^([A-Za-z0-9_.\-]+)(?:\[[^\]]*\])?==([^\s;\\]+)")


def _normal(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _lock(path: Path) -> dict[str, str]:
    pins: dict[str, str] = {}
    for line in path.read_text().splitlines():
        match = PIN.match(line)
        if match:
            pins[_normal(match.group(1))] = match.group(2)
    return pins


def _declared(requirements: list[str]) -> dict[str, str]:
    pins = {}
    for requirement in requirements:
        match = PIN.match(requirement)
        assert match, f"{requirement!r} in pyproject.toml is not pinned with =="
        pins[_normal(match.group(1))] = match.group(2)
    return pins


def test_every_pin_in_pyproject_is_in_the_locks_at_that_version() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    runtime = _declared(project["dependencies"])
    test = _declared(project["optional-dependencies"]["test"])
    runtime_lock = _lock(ROOT / ".ci" / "requirements.lock")
    test_lock = _lock(ROOT / ".ci" / "requirements-test.lock")
    for name, version in runtime.items():
        assert runtime_lock.get(name) == version, f"{name}=={version} is not in .ci/requirements.lock"
        assert test_lock.get(name) == version, f"{name}=={version} is not in .ci/requirements-test.lock"
    for name, version in test.items():
        assert test_lock.get(name) == version, f"{name}=={version} is not in .ci/requirements-test.lock"
    assert not (set(test) - set(runtime)) & set(runtime_lock), "a test-only package is in the service's lock"


def test_every_locked_line_carries_a_hash() -> None:
    for lock in (ROOT / ".ci").glob("*.lock"):
        text = lock.read_text()
        entries = [line for line in text.splitlines() if PIN.match(line)]
        assert entries, lock
        for entry in entries:
            assert entry.rstrip().endswith("\\"), f"{entry} in {lock.name} has no hash"
