"""The time limits an exception is recorded against, as the caseworker names them.

One exception may cover several limits (statutory-rules.md section 6: "the time limits it covers (one record
may cover several)"): personal circumstances that held up both the decision whether to issue and the final
plan are one set of circumstances, recorded once. Each limit is named by its deadline kind (``final_plan``),
which covers every deadline of that kind on the case, or by an advice request's id, which covers that
request's 6 weeks only.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from casework.core.errors import Invalid
from casework.law import rules
from casework.models import Case, Deadline, Subject
from casework.models.subject import CASE

AppliesTo = str | int | Sequence[str | int]


@dataclass(frozen=True)
class NamedLimit:
    """One limit named for an exception, found on the case."""

    name: str  # as it was named: a deadline kind, or an advice request's id
    label: str  # as a caseworker reads it
    deadline_kind: str
    subject: Subject
    deadlines: tuple[Deadline, ...]  # the case's deadlines it covers


def _is_id(name: str) -> bool:
    return name.isascii() and name.isdecimal()


def names(applies_to: Any) -> list[str]:
    """The limits named, each once, in the order given: one name, or a list of them."""
    items = list(applies_to) if isinstance(applies_to, list | tuple) else [applies_to]
    found: list[str] = []
    for item in items:
        if item is None:
            continue
        if isinstance(item, bool) or not isinstance(item, str | int):
            raise Invalid("Name each time limit by its kind or by the number of its advice request.",
                          code="bad_type", field="applies_to")
        name = str(item).strip()
        if name and name not in found:
            found.append(name)
    if not found:
        raise Invalid("Enter the time limit the exception applies to.", code="required", field="applies_to")
    return found


def as_recorded(named: list[str]) -> str | list[str]:
    """How the history records what was named: one limit as it always was (a word), several as a list."""
    return named[0] if len(named) == 1 else list(named)


def _label(case: Case, name: str) -> str:
    if _is_id(name):
        advice = next((a for a in case.advice_requests if a.id == int(name)), None)
        if advice is None:
            return f"advice request {name}"
        return f"the {advice.advice_type.replace('_', ' ')} advice from {advice.organisation.name}"
    kind = rules.DEADLINE_KINDS.get(name)
    return f"'{kind.label}'" if kind is not None else f"'{name}'"


def resolve(case: Case, named: list[str]) -> list[NamedLimit]:
    """Each named limit with the case's deadlines it covers; a name the case has no deadline for is refused."""
    limits = []
    for name in named:
        if _is_id(name):
            subject = Subject.advice_request(int(name))
            covered = tuple(d for d in case.deadlines if d.subject == subject)
        else:
            subject = Subject.case(case.id)
            covered = tuple(d for d in case.deadlines if d.kind == name)
        label = _label(case, name)
        if not covered:
            raise Invalid(f"Case {case.reference} has no time limit for {label} for this exception to apply to.",
                          code="no_such_deadline", field="applies_to")
        limits.append(NamedLimit(name=name, label=label, deadline_kind=covered[0].kind if _is_id(name) else name,
                                 subject=subject, deadlines=covered))
    return limits


def subject_of(case: Case, limits: list[NamedLimit]) -> Subject:
    """The exception's own subject: the one thing all its limits are about, or else the case."""
    subjects = {limit.subject for limit in limits}
    return subjects.pop() if len(subjects) == 1 else Subject(CASE, case.id)
