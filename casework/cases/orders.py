"""Tribunal orders carried out by the casework itself (reg 44(2), R10.9; a concession under reg 45, R10.10).

An order opens one compliance deadline per step (``casework.disputes``). Most steps are things the case's own
events already record: the notice that the council will assess is its decision to assess, the final plan is
the plan issued. So a case event dated on or after the order's date meets the step it carries out (late after
its due date), and a no-plan notice or a final plan cancels its alternative, exactly as ``record_order_step``
would; that step stays for what no case event records, or to record a step by hand.

Which event carries out which step is data (``casework.law.disputes.COMPLIED_BY``). One rule gives every path
the same answer: a step is met on the earliest date among the case events that carry it out dated on or after
the order, and the steps recorded by hand; an alternative is cancelled on the date the other was met. The live
event applies it through its ledger (``comply``), the order applies it to what the casework had already recorded
when the order is keyed late (``settle_on_order``), and a correction, which may move or remove the event that
met a step, restates it from the corrected history (``restate``).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from typing import Protocol

from sqlalchemy import select
from sqlalchemy.orm import Session

from casework.cases.operations import FOLLOW_UPS, Step
from casework.deadlines.ledger import Ledger, settle_next_due
from casework.law import disputes as law
from casework.models import AuditEntry, Case, Deadline, Subject
from casework.models.subject import DISPUTE

KIND = "tribunal_order"


class Recorded(Protocol):
    """A history entry as the rule reads it: which event, on which date."""

    event: str
    on: dt.date


def _order_steps(case: Case) -> list[Deadline]:
    return [d for d in case.deadlines if d.kind == KIND and d.superseded_at is None]


def _earliest(events: Iterable[str], ordered_on: dt.date, history: Iterable[Recorded]) -> dt.date | None:
    """The earliest of these case events dated on or after the order."""
    wanted = frozenset(events)
    return min((e.on for e in history if e.event in wanted and e.on >= ordered_on), default=None)


def _carried_out(step: str, ordered_on: dt.date, history: Iterable[Recorded]) -> dt.date | None:
    """The earliest case event carrying out the step dated on or after the order."""
    return _earliest(law.COMPLIED_BY.get(step, ()), ordered_on, history)


def settled(deadlines: list[Deadline], history: list[Recorded],
            by_hand: dict[str, dt.date]) -> dict[int, tuple[dt.date | None, dt.date | None]]:
    """(met_on, cancelled_on) for each step of one order, by ``id()`` of its row: the rule of this module."""
    met: dict[str, dt.date | None] = {}
    for d in deadlines:
        dates = [day for day in (_carried_out(d.step or "", d.starts_on, history), by_hand.get(d.step or ""))
                 if day is not None]
        met[d.step or ""] = min(dates, default=None)
    order = [d.step for d in deadlines]
    result: dict[int, tuple[dt.date | None, dt.date | None]] = {}
    for d in deadlines:
        own, other = met[d.step or ""], law.ALTERNATIVE_STEPS.get(d.step or "")
        rival = met.get(other) if other in order else None
        # the earlier of two alternatives stands; on the same day the one the order lists first
        wins = own is not None and (rival is None or own < rival
                                    or (own == rival and order.index(d.step) < order.index(other)))
        given_up = _earliest(law.GIVEN_UP_BY.get(d.step or "", ()), d.starts_on, history)
        cancelled = min((day for day in (rival, given_up) if day is not None), default=None)
        result[id(d)] = (own, None) if wins else (None, cancelled)
    return result


# --------------------------------------------------------------------------------------------------- a case event


def comply(step: Step) -> None:
    """The event carries out an ordered step still open whose order is dated on or before it."""
    carried = {s for s, events in law.COMPLIED_BY.items() if step.spec.name in events}
    given_up = {s for s, events in law.GIVEN_UP_BY.items() if step.spec.name in events}
    if not carried and not given_up:
        return
    for deadline in _order_steps(step.case):
        if deadline.is_open and deadline.step in given_up and step.on >= deadline.starts_on:
            step.ledger.cancel([KIND], subject=deadline.subject, step=deadline.step)
            continue
        if deadline.is_open and deadline.step in carried and step.on >= deadline.starts_on:
            subject = deadline.subject
            step.ledger.meet([KIND], subject=subject, step=deadline.step)
            alternative = law.ALTERNATIVE_STEPS.get(deadline.step or "")
            if alternative is not None:
                step.ledger.cancel([KIND], subject=subject, step=alternative)


FOLLOW_UPS.append(comply)


# --------------------------------------------------------------------------------------------------- the order


def settle_on_order(ledger: Ledger, opened: list[Deadline], history: list[Recorded]) -> None:
    """An order keyed after the casework carried out some of its steps: those steps are met on the date they
    were done (and an alternative cancelled on it), as if the order had been keyed first."""
    wanted = settled(opened, history, {})
    for deadline in opened:
        met_on, cancelled_on = wanted[id(deadline)]
        if met_on is not None:
            ledger.meet([KIND], subject=deadline.subject, step=deadline.step, on=met_on)
        elif cancelled_on is not None:
            ledger.cancel([KIND], subject=deadline.subject, step=deadline.step, on=cancelled_on)


# --------------------------------------------------------------------------------------------------- a correction


def _by_hand(session: Session, case_id: int) -> dict[int, dict[str, dt.date]]:
    """The steps recorded with ``record_order_step``, by dispute: the earliest date of each."""
    found: dict[int, dict[str, dt.date]] = defaultdict(dict)
    rows = session.scalars(select(AuditEntry).where(AuditEntry.case_id == case_id,
                                                    AuditEntry.event == "record_order_step"))
    for row in rows:
        fields = row.fields or {}
        dispute_id, step = fields.get("dispute_id"), fields.get("step")
        if dispute_id is None or step is None or row.on is None:
            continue
        known = found[int(dispute_id)].get(step)
        found[int(dispute_id)][step] = row.on if known is None else min(known, row.on)
    return found


def expected(session: Session, case: Case, history: list[Recorded]) -> dict[int, tuple[dt.date | None, dt.date | None]]:
    """What every ordered step on the case should be, by ``id()`` of its row, from the history as it stands."""
    by_dispute: dict[int, list[Deadline]] = defaultdict(list)
    for deadline in _order_steps(case):
        if deadline.subject_type == DISPUTE:
            by_dispute[deadline.subject_id].append(deadline)
    by_hand = _by_hand(session, case.id)
    result: dict[int, tuple[dt.date | None, dt.date | None]] = {}
    for dispute_id, deadlines in by_dispute.items():
        result.update(settled(deadlines, history, by_hand.get(dispute_id, {})))
    return result


def restate(session: Session, case: Case, history: list[Recorded]) -> list[Deadline]:
    """After a correction: each ordered step as the corrected history makes it. Returns the rows changed, whose
    alerts may no longer stand."""
    wanted = expected(session, case, history)
    touched = []
    for deadline in _order_steps(case):
        if id(deadline) in wanted and (deadline.met_on, deadline.cancelled_on) != wanted[id(deadline)]:
            deadline.met_on, deadline.cancelled_on = wanted[id(deadline)]
            touched.append(deadline)
    settle_next_due(case)
    return touched


def differences(session: Session, case: Case, history: list[Recorded]) -> list[str]:
    """How the stored ordered steps differ from what the history makes them; empty when it explains them."""
    wanted = expected(session, case, history)
    return [f"tribunal order step {d.step} of {Subject(d.subject_type, d.subject_id)}: "
            f"{(d.met_on, d.cancelled_on)!r} != {wanted[id(d)]!r}"
            for d in _order_steps(case) if id(d) in wanted and (d.met_on, d.cancelled_on) != wanted[id(d)]]
