"""Breaches by rule for a year, on a caseload worked out by hand: a deadline cancelled after its due date is a
raw breach (the duty was already missed when the case took another path); one cancelled before it is none."""

from __future__ import annotations

import datetime as dt

from casework import operations as ops
from casework.reporting.breaches import breaches

D = dt.date
T0 = D(2024, 9, 2)  # decision whether to assess due 14 October 2024 (R1.1); no-plan notice 23 December (R3.1)


def test_breaches_count_late_open_and_cancelled_after_due_with_excused(db, new_case):
    withdrawn = new_case(T0)  # withdrawn 1 November, after the 6 weeks ran out: still a breach of R1.1
    ops.withdraw(db, withdrawn.id, actor=None, on=D(2024, 11, 1), reason="Family moved away")
    on_time = new_case(T0)
    ops.agree_to_assess(db, on_time.id, actor=None, on=D(2024, 10, 10))
    late_excused = new_case(T0)
    ops.agree_to_assess(db, late_excused.id, actor=None, on=D(2024, 10, 21))
    ops.record_exception(db, late_excused.id, actor=None, on=D(2024, 10, 22), reason="personal_circumstances",
                         starts_on=D(2024, 10, 1), ends_on=D(2024, 10, 15), applies_to="decision_to_assess")
    new_case(T0)  # never decided: still open, overdue
    with db.reading() as session:
        found = breaches(session, 2024, D(2025, 6, 1))
    assert found["R1.1"] == {"due": 4, "raw": 3, "excused": 1}
    # the withdrawn case's 16 weeks were cancelled on 1 November, before 23 December: no breach; the other
    # three are still undecided on 1 June 2025
    assert found["R3.1"] == {"due": 4, "raw": 3, "excused": 0}
    assert set(found) == {"R1.1", "R3.1"}  # the 20 weeks fall due in 2025
    with db.reading() as session:
        assert breaches(session, 2024, D(2024, 10, 14))["R1.1"]["raw"] == 0  # nothing late on its due date


def test_a_local_milestone_is_never_a_breach(db, new_case):
    case = new_case(T0)
    ops.agree_to_assess(db, case.id, actor=None, on=D(2024, 10, 10))
    ops.decide_to_issue(db, case.id, actor=None, on=D(2025, 1, 6))  # after 16 weeks: M3.2, a local milestone
    with db.reading() as session:
        found = breaches(session, 2024, D(2025, 6, 1))
    assert "M3.2" not in found and "R3.1" not in found
