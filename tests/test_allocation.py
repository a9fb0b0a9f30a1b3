"""Allocation: every allocation is a history entry; bulk allocation is all or nothing; the caseload views,
the intake queue and the officers' counts read the rows they should."""

from __future__ import annotations

import datetime as dt

import pytest
from freezegun import freeze_time
from sqlalchemy import select

from casework import operations as ops
from casework.cases import caseload
from casework.core.errors import Invalid, NotFound
from casework.models import AuditEntry, Case

D = dt.date
T0 = D(2024, 9, 2)


def _history(db, case_id):
    with db.reading() as s:
        return [(e.event, e.actor, e.fields) for e in s.scalars(
            select(AuditEntry).where(AuditEntry.case_id == case_id).order_by(AuditEntry.id))]


@freeze_time("2024-09-20")
def test_allocation_and_reallocation_are_entries_of_the_history(db, make_user, new_case):
    manager, anna = make_user("manager", username="mgr"), make_user(username="anna")
    ben = make_user(username="ben")
    case = new_case(T0)
    assert case.assigned_caseworker_id is None
    ops.fire_event(db, case.id, "assign_caseworker", actor=manager, on=D(2024, 9, 3), caseworker="anna")
    ops.fire_event(db, case.id, "assign_caseworker", actor=manager, on=D(2024, 9, 10), caseworker="ben")
    with db.reading() as s:
        assert s.get(Case, case.id).assigned_caseworker_id == ben.id
    entries = [e for e in _history(db, case.id) if e[0] == "assign_caseworker"]
    assert entries == [("assign_caseworker", "mgr", {"caseworker": "anna"}),
                       ("assign_caseworker", "mgr", {"caseworker": "ben", "previous_caseworker": "anna"})]
    assert anna.id != ben.id


@freeze_time("2024-09-20")
@pytest.mark.parametrize(("username", "code"), [("nobody", "unknown_caseworker"), ("adv", "unknown_caseworker"),
                                                ("anna", "already_allocated")])
def test_an_allocation_refused_leaves_no_trace(db, make_user, new_case, username, code):
    make_user(username="anna")
    make_user("adviser", username="adv", org="Northbridge NHS Foundation Trust")
    case = new_case(T0)
    ops.fire_event(db, case.id, "assign_caseworker", actor=None, on=D(2024, 9, 3), caseworker="anna")
    before = _history(db, case.id)
    with pytest.raises(Invalid) as refused:
        ops.fire_event(db, case.id, "assign_caseworker", actor=None, on=D(2024, 9, 4), caseworker=username)
    assert refused.value.code == code and refused.value.field == "caseworker"
    assert _history(db, case.id) == before


@freeze_time("2024-09-20")
def test_bulk_allocation_is_all_or_nothing(db, make_user, new_case):
    anna = make_user(username="anna")
    first, second = new_case(T0), new_case(T0, given_name="Bo")
    with pytest.raises(NotFound):
        ops.allocate(db, [first.id, 999_999], caseworker="anna", actor=None)
    with db.reading() as s:
        assert s.get(Case, first.id).assigned_caseworker_id is None
    assert ops.allocate(db, [first.id, second.id], caseworker="anna", actor=None) == [first.id, second.id]
    # already with anna: nothing to do, and no entry written twice
    assert ops.allocate(db, [first.id, second.id], caseworker="anna", actor=None) == []
    with db.reading() as s:
        assert {s.get(Case, c).assigned_caseworker_id for c in (first.id, second.id)} == {anna.id}
    assert sum(e[0] == "assign_caseworker" for e in _history(db, first.id)) == 1


@freeze_time("2024-09-20")
def test_a_request_allocated_as_it_is_logged_says_so_in_its_first_entry(db, make_user):
    anna = make_user(username="anna")
    case = ops.create_case(db, actor=None, given_name="A", family_name="B", date_of_birth=D(2015, 1, 1),
                           received_on=T0, requested_by="school", assigned_caseworker_id=anna.id)
    assert case.assigned_caseworker_id == anna.id
    assert _history(db, case.id)[0][2]["caseworker"] == "anna"


@freeze_time("2024-10-10")
def test_views_intake_and_officer_counts(db, make_user, new_case, policy):
    manager, anna = make_user("manager", username="mgr"), make_user(username="anna")
    make_user(username="ben")
    old = new_case(D(2024, 8, 1))        # decision due 12 September 2024: overdue on 10 October
    soon = new_case(D(2024, 9, 2))       # decision due 14 October 2024: due soon on 10 October
    fresh = new_case(D(2024, 10, 1))     # decision due 12 November 2024: pending
    waiting = new_case(D(2024, 9, 30))   # left in the intake queue
    ops.allocate(db, [old.id, soon.id], caseworker="anna", actor=manager)
    ops.allocate(db, [fresh.id], caseworker="ben", actor=manager)
    today = D(2024, 10, 10)
    with db.reading() as s:
        def ids(view, user):
            return [c.id for c in s.scalars(caseload.in_view(select(Case), view, user).order_by(Case.id))]
        assert ids("mine", anna) == [old.id, soon.id]
        assert ids("team", anna) == [old.id, soon.id, fresh.id]
        assert ids("unassigned", anna) == [waiting.id]
        intake = s.execute(caseload.intake_query(manager)).all()
        assert [(c.id, due) for c, due in intake] == [(waiting.id, D(2024, 11, 11))]
        counts = caseload.officer_counts(s, manager, today, policy)
        assert [(c.username, c.open, c.overdue, c.due_soon) for c in counts] == [
            ("anna", 2, 1, 1), ("ben", 1, 0, 0), ("mgr", 0, 0, 0)]
        assert caseload.unallocated_open(s, manager) == 1


@freeze_time("2024-09-20")
def test_an_allocation_is_corrected_in_its_date_but_put_right_by_allocating_again(db, make_user, new_case):
    from casework.cases import replay

    make_user(username="anna")
    case = new_case(T0)
    ops.fire_event(db, case.id, "assign_caseworker", actor=None, on=D(2024, 9, 10), caseworker="anna")
    with db.reading() as s:
        entry = next(e for e in replay.effective_history(s, case.id) if e.event == "assign_caseworker")
    with pytest.raises(Invalid) as refused:
        replay.correct_entry(db, case.id, actor=None, entry_id=entry.id, reason="Wrong officer",
                             changes={"caseworker": "ben"})
    assert refused.value.code == "reallocate_instead"
    replay.correct_entry(db, case.id, actor=None, entry_id=entry.id, on=D(2024, 9, 4), reason="Keyed late")
    with db.reading() as s:
        assert s.get(Case, case.id).assigned_caseworker.username == "anna"
        [now] = [e for e in replay.effective_history(s, case.id) if e.event == "assign_caseworker"]
        assert now.on == D(2024, 9, 4)
