"""One exception covering several time limits (statutory-rules.md section 6: "one record may cover several").

Exceptional personal circumstances that held up the assessment hold up both the decision whether to issue a
plan (R3.1) and the final plan (R5.1): recorded once, both are excused when late, and a list naming a limit the
reason is no exception to is refused whole.
"""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select

from casework import operations as ops
from casework.cases import casefile
from casework.core.errors import Invalid
from casework.deadlines.status import excused, status
from casework.models import AuditEntry, Case, ExceptionLimit, ExceptionRecord, Subject
from casework.reporting import timeliness
from tests.support import by_kind, snapshot

D = dt.date
T0 = D(2024, 9, 2)  # no-plan notice due 23 December 2024, final plan 20 January 2025


def case_json(db, case_id: int, as_of: dt.date) -> dict:
    with db.reading() as s:
        return casefile.case_dict(s.get(Case, case_id), as_of, db.policy)


def assessing(db, new_case):
    case = new_case(T0)
    ops.agree_to_assess(db, case.id, actor=None, on=D(2024, 10, 7))
    return ops.request_advice(db, case.id, actor=None, on=D(2024, 10, 8), advice_type="health",
                              organisation="Northbridge NHS Trust")


def test_one_exception_covering_two_limits_excuses_both_when_late(db, new_case):
    case = assessing(db, new_case)
    case = ops.record_exception(db, case.id, actor=None, on=D(2024, 11, 20), reason="personal_circumstances",
                                starts_on=D(2024, 11, 1), ends_on=D(2024, 12, 31),
                                applies_to=["final_plan", "issue_decision"], family_told_on=D(2024, 11, 20))
    [exception] = case.exceptions
    assert [(limit.deadline_kind, limit.subject) for limit in exception.limits] == [
        ("final_plan", Subject.case(case.id)), ("issue_decision", Subject.case(case.id))]
    assert exception.subject == Subject.case(case.id)

    ops.decide_to_issue(db, case.id, actor=None, on=D(2025, 1, 6))  # after 23 December: late
    ops.issue_draft(db, case.id, actor=None, on=D(2025, 1, 7))
    case = ops.issue_final(db, case.id, actor=None, on=D(2025, 2, 3))  # after 20 January: late
    as_of = D(2025, 2, 10)
    shown = {d["kind"]: d for d in case_json(db, case.id, as_of)["deadlines"]}
    assert {k: (shown[k]["status"], shown[k]["excused"]) for k in ("issue_decision", "final_plan")} == {
        "issue_decision": ("met_late", True), "final_plan": ("met_late", True)}
    advice = by_kind(case)["advice"][0]  # overdue, but not named by the exception
    assert not excused(advice, status(advice, as_of, db.policy), case.exceptions, as_of)
    [shown_exception] = case_json(db, case.id, as_of)["exceptions"]
    assert (shown_exception["applies_to"], shown_exception["limits"]) == (["final_plan", "issue_decision"],
                                                                          ["final_plan", "issue_decision"])
    with db.reading() as s:
        recorded = s.scalars(select(AuditEntry).where(AuditEntry.event == "record_exception")).one()
        figures = timeliness.timeliness(s, 2025, db.policy)
    assert recorded.fields["applies_to"] == ["final_plan", "issue_decision"]
    assert (figures["plans_issued"], figures["excluding_exceptions"]["plans_issued"]) == (1, 0)


def test_one_limit_reads_as_it_always_did_and_repeats_count_once(db, new_case):
    case = assessing(db, new_case)
    advice_id = case.advice_requests[0].id
    case = ops.record_exception(db, case.id, actor=None, on=D(2024, 11, 20), reason="missed_appointment",
                                starts_on=D(2024, 10, 20), ends_on=D(2024, 10, 20),
                                applies_to=[advice_id, str(advice_id)])
    [exception] = case.exceptions
    assert exception.subject == Subject.advice_request(advice_id)  # about that advice request alone
    assert [(limit.deadline_kind, limit.subject) for limit in exception.limits] == [
        ("advice", Subject.advice_request(advice_id))]
    [shown] = case_json(db, case.id, D(2024, 12, 1))["exceptions"]
    assert (shown["applies_to"], shown["limits"]) == (str(advice_id), [str(advice_id)])
    with db.reading() as s:
        assert s.scalars(select(AuditEntry.fields).where(AuditEntry.event == "record_exception")).one()[
            "applies_to"] == str(advice_id)


def test_a_list_with_one_limit_the_reason_does_not_cover_is_refused_whole(db, new_case):
    case = assessing(db, new_case)
    advice_id = case.advice_requests[0].id
    before = snapshot(db, case.id)
    with pytest.raises(Invalid) as refused:  # a missed appointment excuses late advice, not a late plan
        ops.record_exception(db, case.id, actor=None, on=D(2024, 11, 20), reason="missed_appointment",
                             starts_on=D(2024, 10, 20), ends_on=D(2024, 10, 20),
                             applies_to=[str(advice_id), "final_plan"])
    assert (refused.value.code, refused.value.field) == ("exception_not_applicable", "applies_to")
    assert "Final plan issued (20 weeks)" in refused.value.message and "R5.1" in refused.value.message
    with pytest.raises(Invalid) as missing:
        ops.record_exception(db, case.id, actor=None, on=D(2024, 11, 20), reason="personal_circumstances",
                             starts_on=D(2024, 10, 20), ends_on=D(2024, 11, 20),
                             applies_to=["final_plan", "annual_review"])
    assert missing.value.code == "no_such_deadline" and "Annual review" in missing.value.message
    with pytest.raises(Invalid) as empty:
        ops.record_exception(db, case.id, actor=None, on=D(2024, 11, 20), reason="personal_circumstances",
                             starts_on=D(2024, 10, 20), ends_on=D(2024, 11, 20), applies_to=[])
    assert empty.value.code == "required"
    assert snapshot(db, case.id) == before
    with db.reading() as s:
        assert s.scalar(select(func.count()).select_from(ExceptionRecord)) == 0
        assert s.scalar(select(func.count()).select_from(ExceptionLimit)) == 0


def test_a_limit_named_by_kind_covers_every_deadline_of_that_kind_on_the_case(db, new_case):
    case = assessing(db, new_case)
    case = ops.request_advice(db, case.id, actor=None, on=D(2024, 10, 8), advice_type="psychological",
                              organisation="Educational Psychology Service")
    case = ops.record_exception(db, case.id, actor=None, on=D(2024, 11, 25), reason="absent_from_area",
                                starts_on=D(2024, 10, 14), ends_on=D(2024, 11, 18), applies_to="advice")
    [limit] = case.exceptions[0].limits
    assert (limit.deadline_kind, limit.subject) == ("advice", Subject.case(case.id))
    late = D(2024, 12, 1)
    assert [excused(d, status(d, late, db.policy), case.exceptions, late) for d in by_kind(case)["advice"]] == [
        True, True]
    other = assessing(db, new_case)  # the same kind on another case is not covered
    assert not excused(by_kind(other)["advice"][0], "overdue", case.exceptions, late)
