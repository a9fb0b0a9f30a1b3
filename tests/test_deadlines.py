"""Status in Python and in SQL give the same answer for every row and date."""

import datetime as dt
import itertools

from sqlalchemy import select

from casework import operations as ops
from casework.core.policy import Policy
from casework.deadlines.status import status, status_sql
from casework.models import Deadline
from tests.support import to_final_plan

D = dt.date


def varied_caseload(db, new_case):
    on_time = to_final_plan(db, new_case(D(2024, 9, 2)).id)
    ops.hold_review_meeting(db, on_time.id, actor=None, on=D(2025, 6, 2))
    late = new_case(D(2024, 9, 2))
    ops.agree_to_assess(db, late.id, actor=None, on=D(2024, 11, 1))
    ops.request_advice(db, late.id, actor=None, on=D(2024, 11, 2), advice_type="health", organisation="NHS")
    withdrawn = new_case(D(2024, 10, 1))
    ops.withdraw(db, withdrawn.id, actor=None, on=D(2024, 10, 2), reason="moved")
    drafted = new_case(D(2024, 9, 2))
    ops.agree_to_assess(db, drafted.id, actor=None, on=D(2024, 9, 20))
    ops.decide_to_issue(db, drafted.id, actor=None, on=D(2024, 9, 30))
    ops.issue_draft(db, drafted.id, actor=None, on=D(2024, 10, 1))


def test_python_and_sql_status_agree(db, new_case):
    varied_caseload(db, new_case)
    policy = Policy(due_soon_days=10, due_soon_days_by_kind={"final_plan": 28, "advice": 14})
    dates = [D(2024, 9, 1) + dt.timedelta(days=n) for n in range(0, 700, 3)]
    seen = set()
    with db.reading() as s:
        rows = list(s.scalars(select(Deadline)))
        assert len(rows) > 15
        for as_of in dates:
            by_sql = dict(s.execute(select(Deadline.id, status_sql(as_of, policy))).all())
            for row in rows:
                expected = status(row, as_of, policy)
                seen.add(expected)
                assert by_sql[row.id] == expected, (row.kind, row.due_on, as_of)
    assert seen == {"pending", "due_soon", "overdue", "met", "met_late", "cancelled"}


def test_due_soon_window_is_per_kind():
    policy = Policy(due_soon_days=14, due_soon_days_by_kind={"final_plan": 28})
    final = Deadline(kind="final_plan", due_on=D(2025, 1, 20), starts_on=D(2024, 9, 2), is_duty=True)
    advice = Deadline(kind="advice", due_on=D(2025, 1, 20), starts_on=D(2024, 12, 9), is_duty=True)
    assert [status(final, d, policy) for d in (D(2024, 12, 22), D(2024, 12, 23))] == ["pending", "due_soon"]
    assert [status(advice, d, policy) for d in (D(2025, 1, 5), D(2025, 1, 6))] == ["pending", "due_soon"]
    assert list(itertools.islice((policy.warning_days(k) for k in ("final_plan", "advice")), 2)) == [28, 14]
