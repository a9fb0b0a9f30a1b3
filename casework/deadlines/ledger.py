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

# What a deadline is about: an advice request row, or any subject (a dispute, a transfer); None for the case.
About = AdviceRequest | Subject | None


def _subject_of(case: Case, about: About) -> Subject:
    if about is None:
        return Subject.case(case.id)
    if isinstance(about, Subject):
        return about
    return Subject.advice_request(about.id)


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
             subject: About = None, starts_on: dt.date | None = None, step: str | None = None,
             **facts: Any) -> Deadline:
        """A new deadline row, its due date from the rule version in force on the trigger date."""
        self._allowed("open", [kind])
        return open_deadline(self.case, kind, trigger, self.policy, rule_id=rule_id, subject=subject,
                             starts_on=starts_on, step=step, **facts)

    def meet(self, kinds: Iterable[str], *, subject: About = None, on: dt.date | None = None,
             step: str | None = None) -> None:
        for deadline in open_deadlines(self.case, self._allowed("meet", kinds), subject, step):
            deadline.met_on = on or self.on
        settle_next_due(self.case)

    def meet_where(self, kind: str, applies: Callable[[Deadline], bool]) -> None:
        """Meet the open deadlines of a kind that this event meets only on a condition of each (a review within
        the 12 months before that deadline's transfer)."""
        for deadline in open_deadlines(self.case, self._allowed("meet", [kind]), None):
            if applies(deadline):
                deadline.met_on = self.on

    def cancel(self, kinds: Iterable[str], *, subject: About = None, step: str | None = None,
               on: dt.date | None = None) -> None:
        for deadline in open_deadlines(self.case, self._allowed("cancel", kinds), subject, step):
            deadline.cancelled_on = on or self.on
        settle_next_due(self.case)

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
        settle_next_due(self.case)

    def apply_declared(self, subject: About = None) -> None:
        """The meets and cancels every firing of this event makes, whatever its outcome."""
        self.meet(self.spec.meets, subject=subject)
        self.cancel(self.spec.cancels, subject=subject)


def open_deadline(case: Case, kind: str, trigger: dt.date, policy: Policy, *, rule_id: str | None = None,
                  subject: About = None, starts_on: dt.date | None = None, step: str | None = None,
                  **facts: Any) -> Deadline:
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
        due_on=due_on, is_duty=spec.is_duty, step=step, subject=_subject_of(case, subject),
    )
    # Added through the case's collection, which carries it into the case's session (or keeps it with a case
    # that is not stored, in a replay); setting deadline.case alone would not.
    case.deadlines.append(deadline)
    settle_next_due(case)
    return deadline


def next_due(deadlines: Iterable[Deadline]) -> Deadline | None:
    """The deadline a list sorts a case by: its soonest open duty, the earlier kind by name on a tie (the same
    rule ``next_due_sql`` checks the stored copy against)."""
    return min((d for d in deadlines if d.is_open and d.is_duty and d.superseded_at is None),
               key=lambda d: (d.due_on, d.kind), default=None)


def owed_due_on(advice: AdviceRequest, deadlines: Iterable[Deadline]) -> dt.date | None:
    """When advice still owed is due; None once it is returned or cancelled or the case's path has closed its
    deadline (the rule of ``casework.deadlines.status.advice_owed``)."""
    if advice.returned_on is not None or advice.voided_on is not None:
        return None
    subject = Subject.advice_request(advice.id)
    return min((d.due_on for d in deadlines
                if d.subject == subject and d.cancelled_on is None and d.superseded_at is None), default=None)


def settle_next_due(case: Case) -> None:
    """Keep the copies lists sort and filter on (the case's next deadline, each advice request's due date while
    it is owed) equal to the deadlines, in the same unit of work as the change: called after every change the
    ledger, an event or a correction makes."""
    deadlines = list(case.deadlines)
    soonest = next_due(deadlines)
    due_on, kind = (soonest.due_on, soonest.kind) if soonest is not None else (None, None)
    if (case.next_due_on, case.next_due_kind) != (due_on, kind):
        case.next_due_on, case.next_due_kind = due_on, kind
    for advice in case.advice_requests:
        if advice.id is None:  # not yet flushed: its deadline is opened (and this runs again) once it has an id
            continue
        owed = owed_due_on(advice, deadlines)
        if advice.owed_due_on != owed:
            advice.owed_due_on = owed


def open_deadlines(case: Case, kinds: Iterable[str], subject: About = None,
                   step: str | None = None) -> list[Deadline]:
    """The case's open deadlines of these kinds; with a subject, only that subject's (and with a step, only
    that step of a tribunal order)."""
    wanted = set(kinds)
    return [d for d in case.deadlines if d.kind in wanted and d.is_open
            and (subject is None or d.subject == _subject_of(case, subject))
            and (step is None or d.step == step)]
