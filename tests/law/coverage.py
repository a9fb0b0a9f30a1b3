"""Which (rule, outcome) pairs the suite checks, read from the source rather than from a collection run.

The rule table of statutory-rules.md is the public promise; a test says which rule and which outcome of its
deadline it checks with ``@pytest.mark.rule("R10.9", "met_late")``. Reading the markers from the test files'
syntax trees means the coverage check gives the same answer under ``-k`` or a run of one directory, where a
collection hook would see only the tests selected.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterable
from pathlib import Path

OUTCOMES = ("met", "met_late", "overdue", "excused", "cancelled")
RULE_ID = re.compile(r"^[RMG]\d+\.\d+$")
# A deadline cell that states a time: "T0 + 6 weeks", "15 working days", "N + 14", "by Y-02-14", "immediately",
# or another rule's times from its own trigger ("the same steps as R10.9 run from D").
TIME_LIMIT = re.compile(r"\d+\s*(working\s+)?(weeks?|days?|months?)\b|\b[A-Z]\d?\s*[+-]\s*\d+|Y-\d\d-\d\d|immediately"
                        r"|same steps as [RM]\d+\.\d+")

Pair = tuple[str, str]


def rules_with_deadlines(text: str) -> dict[str, str]:
    """Each rule id of the spec's tables whose deadline cell states a time limit, with that cell."""
    found: dict[str, str] = {}
    for line in text.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) == 4 and RULE_ID.match(cells[0]) and TIME_LIMIT.search(cells[2]):
            found[cells[0]] = cells[2]
    return found


def _is_rule_mark(func: ast.expr) -> bool:
    """``pytest.mark.rule`` (or ``mark.rule`` after ``from pytest import mark``)."""
    if not (isinstance(func, ast.Attribute) and func.attr == "rule"):
        return False
    owner = func.value
    return (isinstance(owner, ast.Attribute) and owner.attr == "mark") or (isinstance(owner, ast.Name)
                                                                          and owner.id == "mark")


def marked_pairs(source: str, filename: str = "<test>") -> tuple[set[Pair], list[str]]:
    """The pairs one test file marks, and the problems with its markers (a non-literal argument, an unknown
    outcome, a mark with no outcome)."""
    pairs: set[Pair] = set()
    problems: list[str] = []
    for node in ast.walk(ast.parse(source, filename)):
        if not (isinstance(node, ast.Call) and _is_rule_mark(node.func)):
            continue
        values = [a.value if isinstance(a, ast.Constant) and isinstance(a.value, str) else None for a in node.args]
        where = f"{filename}:{node.lineno}"
        if len(values) < 2 or None in values:
            problems.append(f"{where}: rule marks take a rule id and at least one outcome, all string literals")
            continue
        rule_id, *outcomes = values
        for outcome in outcomes:
            if outcome not in OUTCOMES:
                problems.append(f"{where}: unknown outcome {outcome!r} (one of {', '.join(OUTCOMES)})")
            else:
                pairs.add((rule_id, outcome))  # type: ignore[arg-type]
    return pairs, problems


def scan(root: Path) -> tuple[dict[Pair, list[str]], list[str]]:
    """Every pair marked under ``root`` with the files that mark it, and every marker problem."""
    covered: dict[Pair, list[str]] = {}
    problems: list[str] = []
    for path in sorted(root.rglob("test_*.py")):
        pairs, found = marked_pairs(path.read_text(), str(path.relative_to(root.parent)))
        problems += found
        for pair in pairs:
            covered.setdefault(pair, []).append(str(path.relative_to(root.parent)))
    return covered, problems


def missing(rule_ids: Iterable[str], covered: Iterable[Pair], not_applicable: Iterable[Pair]) -> list[Pair]:
    """The (rule, outcome) pairs that no test marks and the table of pairs that cannot arise does not excuse."""
    have = set(covered) | set(not_applicable)
    return [(rule_id, outcome) for rule_id in rule_ids for outcome in OUTCOMES if (rule_id, outcome) not in have]
