"""R4.1: the family's 15 days on the draft plan beginning with the day it is served (reg 13(1)); the worked
example (served Tuesday 1 October 2024, last day Tuesday 15 October) and a window ending on 29 February."""

from __future__ import annotations

import datetime as dt

import pytest

from casework import operations as ops
from tests.law.rules.paths import D, one, reads


def _draft_served(db, new_case, received_on: dt.date, served_on: dt.date):
    case = new_case(received_on)
    ops.agree_to_assess(db, case.id, actor=None, on=received_on + dt.timedelta(weeks=1))
    ops.decide_to_issue(db, case.id, actor=None, on=received_on + dt.timedelta(weeks=2))
    return ops.issue_draft(db, case.id, actor=None, on=served_on)


@pytest.mark.rule("R4.1", "met")
def test_the_window_from_15_february_2024_ends_on_29_february_and_then_reads_closed(db, new_case):
    case = _draft_served(db, new_case, D(2024, 1, 8), D(2024, 2, 15))
    window = one(case, "draft_representations")
    # 15 days beginning with Thursday 15 February 2024: days 1-15 are 15-29 February (a leap year).
    assert (window.rule, window.starts_on, window.due_on, window.is_duty) == ("R4.1", D(2024, 2, 15),
                                                                                D(2024, 2, 29), False)
    assert reads(db, case, "draft_representations", D(2024, 2, 29)) in ("pending", "due_soon")
    assert reads(db, case, "draft_representations", D(2024, 3, 1)) == "met"


@pytest.mark.rule("R4.1", "cancelled")
def test_a_request_withdrawn_while_the_window_runs_cancels_it(db, new_case):
    case = _draft_served(db, new_case, D(2024, 9, 2), D(2024, 10, 1))
    assert one(case, "draft_representations").due_on == D(2024, 10, 15)  # the worked example
    case = ops.withdraw(db, case.id, actor=None, on=D(2024, 10, 8), reason="The family withdrew the request")
    assert one(case, "draft_representations").cancelled_on == D(2024, 10, 8)
    assert reads(db, case, "draft_representations", D(2024, 10, 20)) == "cancelled"
