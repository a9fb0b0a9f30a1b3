"""The deadline ledger: the only code that opens, meets and cancels deadline rows.

Every event declares (``casework.law.events``) which kinds it opens, meets and cancels. The ledger applies the
declared meets and cancels itself, and refuses any change the declaration does not allow, so the event table of
contract.md is data that the code cannot quietly depart from. A deadline is always added through its case
(never straight into a session), so the same ledger serves a live event and a replay of the history into a
case that is not stored (corrections, ``as_of`` checks, the rebuild test).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from typing import Any

from casework.core.errors import Invalid
from casework.core.policy import Policy
from casework.law import rules
from casework.law.events import EventSpec
from casework.models import AdviceRequest, Case, Deadline, Subject


class UndeclaredDeadlineChange(AssertionError):
    """An operation tried to change a deadline kind its event does not declare: a fault in the code."""


class Ledger:
    """The deadline changes one event makes on one case."""

    def __init__(self, case: Case, spec: EventSpec, on: dt.date, policy: Policy) -> None:
        self.case, self.spec, self.on, self.policy = case, spec, on, policy

    def _allowed(self, action: str, kinds: Iterable[str]) -> list[str]:
        wanted = list(kinds)
        undeclared = set(wanted) - self.spec.may(action)  # type: ignore[arg-type]
        if undeclared:
            raise UndeclaredDeadlineChange(f"{self.spec.name} may not {action} {sorted(undeclared)}")
        return wanted

    def open(self, kind: str, trigger: dt.date, *, rule_id: str | None = None,
             subject: AdviceRequest | None = None, starts_on: dt.date | None = None, **facts: Any) -> Deadline:
        """A new deadline row, its due date from the rule version in force on the trigger date."""
        self._allowed("open", [kind])
        return open_deadline(self.case, kind, trigger, self.policy, rule_id=rule_id, subject=subject,
                             starts_on=starts_on, **facts)

    def meet(self, kinds: Iterable[str], *, subject: AdviceRequest | None = None, on: dt.date | None = None) -> None:
        for deadline in open_deadlines(self.case, self._allowed("meet", kinds), subject):
            deadline.met_on = on or self.on

    def meet_where(self, kind: str, applies: Callable[[Deadline], bool]) -> None:
        """Meet the open deadlines of a kind that this event meets only on a condition of each (a review within
        the 12 months before that deadline's transfer)."""
        for deadline in open_deadlines(self.case, self._allowed("meet", [kind]), None):
            if applies(deadline):
                deadline.met_on = self.on

    def cancel(self, kinds: Iterable[str], *, subject: AdviceRequest | None = None) -> None:
        for deadline in open_deadlines(self.case, self._allowed("cancel", kinds), subject):
            deadline.cancelled_on = self.on

    def end_window(self, kind: str) -> None:
        """A family's window that the case no longer needs: cancelled while it is still running, met on its last
        day if it had already run its course."""
        for deadline in open_deadlines(self.case, self._allowed("close", [kind]), None):
            if self.on > deadline.due_on:
                deadline.met_on = deadline.due_on
            else:
                self._allowed("cancel", [kind])
                deadline.cancelled_on = self.on

    def close_window(self, kind: str) -> None:
        """A family's window that has run its course is met on its last day."""
        for deadline in open_deadlines(self.case, self._allowed("close", [kind]), None):
            deadline.met_on = deadline.due_on

    def apply_declared(self, subject: AdviceRequest | None = None) -> None:
        """The meets and cancels every firing of this event makes, whatever its outcome."""
        self.meet(self.spec.meets, subject=subject)
        self.cancel(self.spec.cancels, subject=subject)


def open_deadline(case: Case, kind: str, trigger: dt.date, policy: Policy, *, rule_id: str | None = None,
                  subject: AdviceRequest | None = None, starts_on: dt.date | None = None, **facts: Any) -> Deadline:
    """``starts_on`` is the trigger unless given: a duty owed before its trigger (invitations two weeks before
    a meeting) starts when it became known, or on its due date if it was late from the start."""
    spec = rules.DEADLINE_KINDS[kind]
    rule_id = rule_id or spec.rule_ids[0]
    try:
        rule = rules.rule_in_force(rule_id, trigger)
    except rules.NoRuleInForce as exc:
        raise Invalid(f"{exc}: the statutory timetable starts on 1 September 2014.", code="no_rule_in_force") from exc
    due_on = rule.due_on(trigger, policy.counting, **facts)
    deadline = Deadline(
        kind=kind, rule=rule.id, citation=rule.citation, starts_on=min(starts_on or trigger, due_on),
        due_on=due_on, is_duty=spec.is_duty,
        subject=Subject.advice_request(subject.id) if subject is not None else Subject.case(case.id),
    )
    # Added through the case's collection, which carries it into the case's session (or keeps it with a case
    # that is not stored, in a replay); setting deadline.case alone would not.
    case.deadlines.append(deadline)
    return deadline


def open_deadlines(case: Case, kinds: Iterable[str], subject: AdviceRequest | None = None) -> list[Deadline]:
    """The case's open deadlines of these kinds; with a subject, only that subject's."""
    wanted = set(kinds)
    return [d for d in case.deadlines if d.kind in wanted and d.is_open
            and (subject is None or d.subject == Subject.advice_request(subject.id))]
