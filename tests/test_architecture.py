"""The rooms depend on each other in one direction only, read from the source with ``ast``.

A room may import its own modules, the rooms of its own tier and the rooms of lower tiers; never a higher
one. That keeps the statute, the models and the visibility rules free of the operations, the operations
free of the jobs and the web, and lets a newcomer read the code from the bottom up. casework/ARCHITECTURE.md
explains the tiers; this file is where they are kept.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("casework", "workflows", "web")

# Lowest first. A room not listed here is reported, so a new room gets a place before it gets callers.
TIERS: tuple[tuple[str, ...], ...] = (
    ("casework",),                       # the package itself: its docstring, nothing else
    ("casework.core",),
    ("casework.law", "workflows"),       # the statute and the state machines, as data
    ("casework.models",),
    ("casework.audit",),                 # the trail every operation writes
    ("casework.deadlines",),
    ("casework.access",),                # who may see what: every visibility filter
    ("casework.cases", "casework.people", "casework.disputes", "casework.transfers", "casework.documents",
     "casework.organisations", "casework.operations"),  # operations per concept, and their index
    ("casework.mail",),                  # the outbox and SMTP, below the alerts that fill it
    ("casework.alerts", "casework.letters", "casework.reporting", "casework.imports", "casework.accounts"),
    ("web",),                            # calls rooms' public functions and access; never starts a job
    ("casework.jobs", "casework.cli"),
)
TIER_OF = {room: index for index, rooms in enumerate(TIERS) for room in rooms}

# Rooms held to a short list of what they may use, stricter than their tier.
ONLY: dict[str, frozenset[str]] = {
    "casework.law": frozenset({"casework.core"}),
    "casework.models": frozenset({"casework.core", "casework.law"}),
    "workflows": frozenset({"casework.core"}),
}

# Third-party packages the domain never imports: it must run (CLI, scheduler, tests) without a web framework.
WEB_FRAMEWORK = ("flask", "flask_login", "flask_wtf", "werkzeug", "govuk_frontend_jinja", "govuk_frontend_wtf")

# The one sanctioned upward import, allowed only inside a function so the rest of the room loads without it.
LAZY_EXCEPTIONS: dict[tuple[str, str], str] = {
    ("casework.cli", "web"): "`ehcp serve` starts the web app; the command imports it when it runs",
}


def room_of(module: str) -> str | None:
    """The room a module belongs to (``casework.cases.operations`` is in ``casework.cases``)."""
    parts = module.split(".")
    if parts[0] in ("workflows", "web"):
        return parts[0]
    if parts[0] != "casework":
        return None
    return "casework" if len(parts) == 1 else f"casework.{parts[1]}"


def _resolve(node: ast.ImportFrom, module: str, is_package: bool) -> str:
    if not node.level:
        return node.module or ""
    package = module.split(".") if is_package else module.split(".")[:-1]
    base = package[: len(package) - (node.level - 1)]
    return ".".join(base + ([node.module] if node.module else []))


def _imported(tree: ast.Module, module: str, is_package: bool) -> list[tuple[str, int, bool]]:
    """(imported module, line, inside a function) for every import statement, at any depth."""
    found: list[tuple[str, int, bool]] = []

    def visit(node: ast.AST, in_function: bool) -> None:
        for child in ast.iter_child_nodes(node):
            nested = in_function or isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda)
            if isinstance(child, ast.Import):
                found.extend((alias.name, child.lineno, in_function) for alias in child.names)
            elif isinstance(child, ast.ImportFrom):
                target = _resolve(child, module, is_package)
                if target == "casework":  # `from casework import access` names a room, not the package
                    found.extend((f"casework.{alias.name}", child.lineno, in_function) for alias in child.names)
                else:
                    found.append((target, child.lineno, in_function))
            visit(child, nested)

    visit(tree, False)
    return found


def violations(module: str, source: str, *, is_package: bool = False) -> list[str]:
    """Every import in this module's source that goes against the direction, in words a reviewer can act on."""
    importer = room_of(module)
    if importer is None:
        return []
    if importer not in TIER_OF:
        return [f"{module}: the room {importer} has no tier; place it in TIERS (tests/test_architecture.py)"]
    problems = []
    for target, line, lazy in _imported(ast.parse(source), module, is_package):
        where = f"{module} line {line} imports {target}"
        top = target.split(".")[0]
        if importer != "web" and top in WEB_FRAMEWORK:
            problems.append(f"{where}: the domain never imports a web framework")
            continue
        imported = room_of(target)
        if imported is None or imported == importer:
            continue
        if lazy and (importer, imported) in LAZY_EXCEPTIONS:
            continue
        if importer in ONLY and imported not in ONLY[importer]:
            allowed = ", ".join(sorted(ONLY[importer]))
            problems.append(f"{where}: {importer} may import only {allowed}")
        elif imported not in TIER_OF:
            problems.append(f"{where}: the room {imported} has no tier; place it in TIERS")
        elif importer != "web" and imported == "web":
            problems.append(f"{where}: casework and workflows never import web")
        elif TIER_OF[imported] > TIER_OF[importer]:
            problems.append(f"{where}: {imported} sits above {importer}; move what it needs down to the tier "
                            f"of {importer} or below")
    return problems


def project_modules() -> list[tuple[str, Path]]:
    modules = []
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            relative = path.relative_to(ROOT)
            if "node_modules" in relative.parts:
                continue
            parts = list(relative.with_suffix("").parts)
            if parts[-1] == "__init__":
                parts.pop()
            modules.append((".".join(parts), path))
    return modules


def test_every_module_imports_only_along_the_direction():
    modules = project_modules()
    assert len(modules) > 40, "the walk found too few modules to be reading the project"
    problems = [problem for module, path in modules
                for problem in violations(module, path.read_text(), is_package=path.name == "__init__.py")]
    assert problems == [], "imports against the direction of the rooms:\n" + "\n".join(problems)


@pytest.mark.parametrize(("module", "source"), [
    ("casework.law.rules", "from casework.cases import operations\n"),
    ("casework.law.rules", "import casework.models\n"),
    ("casework.models.case", "from casework.deadlines.status import status\n"),
    ("casework.cases.operations", "from casework.accounts import organisation_named\n"),
    ("casework.mail.notify", "from casework.alerts.scan import run_scan\n"),
    ("casework.access", "from casework import operations\n"),
    ("casework.reporting.timeliness", "def later():\n    from casework.jobs import scheduler\n"),
    ("casework.alerts.scan", "from flask import current_app\n"),
    ("casework.cli", "from web import create_app\n"),  # at the top of the module, not inside the command
    ("casework.imports.demo", "from web.api import views\n"),
    ("workflows.ehcp", "from casework.models import Case\n"),
    ("web.api.views", "from casework.jobs.scheduler import run\n"),
    ("casework.cases.operations", "from casework import helpdesk\n"),
    ("casework.helpdesk", "from casework.core import clock\n"),
    ("casework.law", "from ..cases import operations\n"),
])
def test_the_checker_reports_an_import_against_the_direction(module, source):
    found = violations(module, source, is_package=module == "casework.law")
    assert len(found) == 1, found
    assert found[0].startswith(module)


@pytest.mark.parametrize(("module", "source"), [
    ("casework.law.rules", "from casework.core import clock\nimport datetime\n"),
    ("casework.models.case", "from casework.law import rules\nfrom casework.models.base import Base\n"),
    ("casework.cases.operations", "from casework import access, audit\nfrom casework.organisations import x\n"),
    ("casework.alerts.scan", "from casework.mail import notify\n"),
    ("casework.accounts", "from casework.imports import demo\n"),  # its own tier
    ("casework.cli", "def serve():\n    from web import create_app\n"),
    ("web.pages.cases", "from flask import abort\nfrom casework import access, operations\n"),
    ("workflows.ehcp", "from casework.core import clock\nfrom transitions import Machine\n"),
    ("casework.deadlines.status", "from . import ledger\nfrom ..law import rules\n"),
])
def test_the_checker_lets_an_import_along_the_direction_pass(module, source):
    assert violations(module, source) == []
