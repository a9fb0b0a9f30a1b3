"""Alerts a case's deadlines no longer justify are closed, never deleted, and the deadline can be alerted again.

Corrections (which recompute a case's deadlines) are not built yet; where a test needs a deadline to move, it
rewrites the row as the recomputation will (``as_if_corrected``) and then calls ``close_unjustified`` as the
correction will, in the same transaction. Meeting and cancelling go through the real operations.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import freezegun
import pytest
from sqlalchemy import func, insert, select
from sqlalchemy.exc import IntegrityError

from casework import operations as ops
from casework.access.audience import alerts_for
from casework.alerts import close_unjustified, scan
from casework.core.db import Database
from casework.models import Alert, Deadline, OutboxMail, User

D = dt.date
DAY = dt.timedelta(days=1)
RECEIVED = D(2024, 9, 2)  # decision whether to assess due 14 October 2024


def utc(moment: dt.datetime) -> dt.datetime:
    """SQLite hands stored moments back without their zone; they were stored in UTC."""
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)


def morning(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(7, 30), dt.UTC)


@pytest.fixture
def clock() -> Iterator[Any]:
    """Wall-clock time that moves with the story, so each scan can build on the one before."""
    with freezegun.freeze_time(morning(RECEIVED)) as frozen:
        yield frozen


def decision_deadline(db: Database, case_id: int) -> Deadline:
    with db.reading() as s:
        return s.scalars(select(Deadline).where(Deadline.case_id == case_id,
                                                Deadline.kind == "decision_to_assess")).one()


def alerts_of(db: Database, deadline_id: int) -> list[Alert]:
    with db.reading() as s:
        return list(s.scalars(select(Alert).where(Alert.deadline_id == deadline_id).order_by(Alert.id)))


def as_if_corrected(db: Database, case_id: int, *, received_on: dt.date, as_of: dt.date, reason: str) -> list[Alert]:
    """The request's receipt date was wrong: its decision deadline is recomputed from the right date, and the
    alerts it no longer justifies are closed in the same unit of work."""
    with db.transaction() as s:
        deadline = s.scalars(select(Deadline).where(Deadline.case_id == case_id,
                                                    Deadline.kind == "decision_to_assess")).one()
        deadline.starts_on, deadline.due_on = received_on, received_on + 6 * 7 * DAY
        return close_unjustified(s, case_id, as_of, reason)


def test_a_deadline_moved_later_loses_its_overdue_alert_and_is_alerted_again_when_it_falls_due(db, settings,
                                                                                               new_case, clock):
    case = new_case(RECEIVED)
    decision = decision_deadline(db, case.id)
    clock.move_to(morning(D(2024, 10, 15)))
    assert scan.run_scan(db, settings, as_of=D(2024, 10, 15))["new_alerts"] == 1

    clock.move_to(dt.datetime(2024, 10, 16, 11, 0, tzinfo=dt.UTC))
    closed = as_if_corrected(db, case.id, received_on=D(2024, 9, 16), as_of=D(2024, 10, 16),
                             reason="Correction of the request date")  # decision now due 28 October
    assert [(a.deadline_id, a.kind) for a in closed] == [(decision.id, "overdue")]
    [alert] = alerts_of(db, decision.id)
    assert alert.closed_at is not None
    assert (utc(alert.closed_at), alert.closed_reason) == (dt.datetime(2024, 10, 16, 11, 0, tzinfo=dt.UTC),
                                                            "Correction of the request date")

    clock.move_to(morning(D(2024, 10, 17)))
    before_due = scan.run_scan(db, settings, as_of=D(2024, 10, 17))
    assert (before_due["overdue"], before_due["new_alerts"], before_due["new_warnings"]) == (0, 0, 1)

    clock.move_to(morning(D(2024, 10, 29)))
    late_again = scan.run_scan(db, settings, as_of=D(2024, 10, 29))
    assert (late_again["overdue"], late_again["new_alerts"]) == (1, 1)
    assert scan.run_scan(db, settings, as_of=D(2024, 10, 29))["new_alerts"] == 0  # and only once
    overdue = [(a.raised_on, a.due_on, a.closed_at is None) for a in alerts_of(db, decision.id) if a.kind == "overdue"]
    assert overdue == [(D(2024, 10, 15), D(2024, 10, 14), False), (D(2024, 10, 29), D(2024, 10, 28), True)]


def test_a_corrected_date_already_past_is_alerted_again_by_the_next_scan(db, settings, new_case, clock):
    case = new_case(RECEIVED)
    decision = decision_deadline(db, case.id)
    for day in (D(2024, 10, 15), D(2024, 10, 24)):
        clock.move_to(morning(day))
        scan.run_scan(db, settings, as_of=day)

    clock.move_to(dt.datetime(2024, 10, 25, 11, 0, tzinfo=dt.UTC))
    closed = as_if_corrected(db, case.id, received_on=D(2024, 9, 9), as_of=D(2024, 10, 25),
                             reason="Correction of the request date")  # now due 21 October: still late
    assert len(closed) == 1

    # The next scan builds on the last one: the new due date is before the range it reads and the deadline
    # was recorded long ago, so only the closed alert tells it to look again.
    clock.move_to(morning(D(2024, 10, 26)))
    result = scan.run_scan(db, settings, as_of=D(2024, 10, 26))
    assert (result["overdue"], result["new_alerts"]) == (1, 1)
    standing = [(a.raised_on, a.due_on) for a in alerts_of(db, decision.id) if a.closed_at is None]
    assert standing == [(D(2024, 10, 26), D(2024, 10, 21))]


def test_met_or_cancelled_deadlines_close_their_alerts_as_of_the_date_given(db, settings, new_case, clock):
    case = new_case(RECEIVED)
    clock.move_to(morning(D(2024, 12, 10)))
    scan.run_scan(db, settings, as_of=D(2024, 12, 10))  # decision late; decision whether to issue due soon
    with db.reading() as s:
        raised = {(a.deadline_kind, a.kind) for a in s.scalars(select(Alert))}
    assert raised == {("decision_to_assess", "overdue"), ("issue_decision", "due_soon")}

    ops.agree_to_assess(db, case.id, actor=None, on=D(2024, 12, 10))
    with db.transaction() as s:
        assert close_unjustified(s, case.id, D(2024, 12, 9), "Recomputed") == []  # still open on 9 December
    with db.transaction() as s:
        closed = close_unjustified(s, case.id, D(2024, 12, 10), "Recomputed")
        assert [(a.deadline_kind, a.kind) for a in closed] == [("decision_to_assess", "overdue")]

    ops.withdraw(db, case.id, actor=None, on=D(2024, 12, 10), reason="The family moved away")
    with db.transaction() as s:
        closed = close_unjustified(s, case.id, D(2024, 12, 10), "Recomputed")
        assert [(a.deadline_kind, a.kind) for a in closed] == [("issue_decision", "due_soon")]
    with db.reading() as s:
        assert s.scalar(select(func.count()).select_from(Alert)) == 2  # closed, not deleted
        assert s.scalar(select(func.count()).select_from(Alert).where(Alert.closed_at.is_(None))) == 0


def test_alerts_still_justified_and_other_cases_alerts_stay_open(db, settings, new_case, clock):
    case, other = new_case(RECEIVED), new_case(RECEIVED)
    clock.move_to(morning(D(2024, 10, 15)))
    scan.run_scan(db, settings, as_of=D(2024, 10, 15))
    # Received earlier than recorded: due 11 October, so it was late when the alert was raised on the 15th.
    assert as_if_corrected(db, case.id, received_on=D(2024, 8, 30), as_of=D(2024, 10, 16), reason="Corrected") == []
    # Received a day later than recorded: due 15 October, the very day of the alert, which was then not late.
    assert len(as_if_corrected(db, case.id, received_on=D(2024, 9, 3), as_of=D(2024, 10, 16),
                               reason="Corrected")) == 1
    with db.reading() as s:
        still_open = {a.case_id for a in s.scalars(select(Alert).where(Alert.closed_at.is_(None)))}
    assert still_open == {other.id}
    with db.transaction() as s, pytest.raises(ValueError):
        close_unjustified(s, case.id, D(2024, 10, 16), "   ")


def test_only_one_open_alert_per_deadline_and_kind_is_possible(db, new_case, clock):
    case = new_case(RECEIVED)
    decision = decision_deadline(db, case.id)
    row = {"kind": "overdue", "deadline_id": decision.id, "case_id": case.id, "deadline_kind": decision.kind,
           "rule": decision.rule, "due_on": decision.due_on, "subject_type": "case", "subject_id": case.id,
           "raised_on": D(2024, 10, 15), "created_at": morning(D(2024, 10, 15))}
    with db.transaction() as s:
        s.execute(insert(Alert), [row])
    with pytest.raises(IntegrityError), db.transaction() as s:
        s.execute(insert(Alert), [row])
    with db.transaction() as s:
        s.execute(Alert.__table__.update().values(closed_at=morning(D(2024, 10, 16)), closed_reason="Corrected"))
        s.execute(insert(Alert), [{**row, "raised_on": D(2024, 10, 29)}])
    assert [a.closed_at is None for a in alerts_of(db, decision.id)] == [False, True]


def test_closed_alerts_leave_the_lists_and_the_digests(db, settings, new_case, make_user, clock):
    manager = make_user("manager")  # no email address yet: the first scan queues no digest
    late, moved = new_case(RECEIVED), new_case(RECEIVED)
    clock.move_to(morning(D(2024, 10, 15)))
    scan.run_scan(db, settings, as_of=D(2024, 10, 15))
    as_if_corrected(db, moved.id, received_on=D(2024, 9, 30), as_of=D(2024, 10, 15),
                    reason="Correction of the request date")
    with db.transaction() as s:
        user = s.get(User, manager.id)
        user.email = "manager@example.gov.uk"
    with db.reading() as s:
        heard = [a.case_id for a in s.scalars(alerts_for(s.get(User, manager.id)))]
    assert heard == [late.id]

    clock.move_to(morning(D(2024, 10, 16)))
    scan.run_scan(db, settings, as_of=D(2024, 10, 16))
    with db.reading() as s:
        [digest] = s.scalars(select(OutboxMail)).all()
    assert late.reference in digest.body and moved.reference not in digest.body
    assert digest.subject.startswith("1 overdue")
