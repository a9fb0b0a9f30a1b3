"""A corrected phase transfer keeps its transfer date: reg 18 counts "within 12 months of a transfer" back from
it, so a replacement row without it would let a review more than 12 months before the move meet the deadline
(and the case would no longer equal its own rebuilt history)."""

from __future__ import annotations

import datetime as dt

from freezegun import freeze_time
from sqlalchemy import select

from casework import operations as ops
from casework.cases import replay
from casework.models import AuditEntry, Deadline
from tests.support import to_final_plan

D = dt.date


@freeze_time("2026-06-01")
def test_correcting_the_date_a_transfer_was_set_keeps_its_transfer_date(db, new_case):
    case = to_final_plan(db, new_case(D(2024, 9, 2)).id)  # final plan Monday 6 January 2025
    ops.set_phase_transfer(db, case.id, actor=None, on=D(2025, 9, 1), transfer="post16", year=2026)
    with db.reading() as session:
        entry_id = session.scalars(select(AuditEntry.id).where(AuditEntry.case_id == case.id,
                                                               AuditEntry.event == "set_phase_transfer")).one()
    replay.correct_entry(db, case.id, actor=None, entry_id=entry_id, on=D(2025, 9, 3), reason="Keyed a day wrong")
    with db.reading() as session:
        live = session.scalars(select(Deadline).where(Deadline.case_id == case.id, Deadline.kind == "phase_transfer",
                                                      Deadline.superseded_at.is_(None))).one()
        assert (live.starts_on, live.due_on, live.transfer_on) == (D(2025, 9, 3), D(2026, 3, 30), D(2026, 9, 1))
        assert replay.rebuilt_differences(session, case.id, db.policy) == []
