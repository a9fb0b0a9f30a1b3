"""The school-closure exception to the 6-week decision (reg 5(4)(a)) rests on the head teacher asked for
information while the LA decides whether to assess; it enables that exception only. The spec's worked example:
a school closing 23 July 2025 and reopening 3 September 2025 gives the window 16 July to 27 August 2025."""

from __future__ import annotations

import datetime as dt

import pytest

from casework import operations as ops
from casework.core.errors import EventNotAllowed, Invalid
from casework.deadlines.status import excused, status
from tests.support import by_kind, snapshot

D = dt.date
CLOSURE = {"reason": "school_closure", "starts_on": D(2025, 7, 23), "ends_on": D(2025, 9, 3)}


@pytest.fixture
def summer_request(db, new_case):
    # the decision is due 14 July + 6 weeks = Monday 25 August 2025, a bank holiday: calendar weeks do not roll over
    return new_case(D(2025, 7, 14))


def test_asked_in_the_window_the_late_decision_is_excused(db, summer_request):
    case = ops.request_school_information(db, summer_request.id, actor=None, on=D(2025, 7, 17),
                                          organisation="Oak Primary School")
    assert case.state == "request_received" and case.school_information_requests == ["2025-07-17"]
    ops.agree_to_assess(db, case.id, actor=None, on=D(2025, 9, 5))
    case = ops.record_exception(db, case.id, actor=None, on=D(2025, 9, 8), applies_to="decision_to_assess",
                                **CLOSURE)
    [decision] = by_kind(case)["decision_to_assess"]
    assert decision.due_on == D(2025, 8, 25)
    assert status(decision, D(2025, 9, 8), db.policy) == "met_late"
    assert excused(decision, "met_late", case.exceptions, D(2025, 9, 8))


@pytest.mark.parametrize("asked_on", [None, D(2025, 7, 15), D(2025, 8, 28)])  # never, or just outside the window
def test_without_the_school_asked_in_the_window_the_exception_is_refused(db, summer_request, asked_on):
    if asked_on is not None:
        ops.request_school_information(db, summer_request.id, actor=None, on=asked_on, organisation="Oak Primary")
    ops.agree_to_assess(db, summer_request.id, actor=None, on=D(2025, 9, 5))
    before = snapshot(db, summer_request.id)
    with pytest.raises(Invalid) as refused:
        ops.record_exception(db, summer_request.id, actor=None, on=D(2025, 9, 8), applies_to="decision_to_assess",
                             **CLOSURE)
    assert refused.value.code == "closure_window"
    assert "16 July 2025" in refused.value.message and "27 August 2025" in refused.value.message
    assert snapshot(db, summer_request.id) == before


def test_it_enables_the_exception_to_the_decision_only(db, summer_request):
    ops.request_school_information(db, summer_request.id, actor=None, on=D(2025, 7, 17), organisation="Oak Primary")
    ops.agree_to_assess(db, summer_request.id, actor=None, on=D(2025, 9, 5))
    with pytest.raises(Invalid) as refused:  # the 20 weeks rest on educational advice under reg 6
        ops.record_exception(db, summer_request.id, actor=None, on=D(2025, 9, 8),
                             applies_to=["decision_to_assess", "final_plan"], **CLOSURE)
    assert refused.value.code == "closure_window" and "educational advice" in refused.value.message


def test_only_while_deciding_whether_to_assess(db, summer_request):
    ops.agree_to_assess(db, summer_request.id, actor=None, on=D(2025, 8, 1))
    with pytest.raises(EventNotAllowed):
        ops.request_school_information(db, summer_request.id, actor=None, on=D(2025, 8, 2), organisation="Oak")
