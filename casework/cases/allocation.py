"""Allocation: which officer works on a case.

A case is allocated and reallocated by the ``assign_caseworker`` event, so every allocation is an entry of the
case's history (who allocated it, when, to whom and from whom), never a silent change of a column. Requests
logged through the API, or by business support on the page without choosing an officer, start unallocated and
wait in the intake queue until a manager or caseworker allocates them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from casework.cases.operations import Step, check, effect, fire_event, unit_of_work
from casework.core import clock
from casework.core.db import Database
from casework.core.errors import Invalid, NotFound
from casework.models import Case, User

# The roles that can hold a caseload: a manager may keep cases of their own.
ALLOCATABLE_ROLES = ("caseworker", "manager")
MAX_CASES_AT_ONCE = 100


def _allocatable(what: Any) -> Select[Any]:
    """Active caseworkers and managers, by name: ``what`` to read of each."""
    return select(what).where(User.role.in_(ALLOCATABLE_ROLES), User.active.is_(True)).order_by(User.username)


def allocatable(session: Session) -> list[User]:
    """The officers a case can be allocated to, by name: active caseworkers and managers."""
    return list(session.scalars(_allocatable(User)))


def allocatable_usernames(session: Session) -> list[str]:
    """The same officers' usernames alone, for the "Allocate to" list under every caseload page."""
    return list(session.scalars(_allocatable(User.username)))


def _officer(session: Session, username: str) -> User | None:
    return session.scalars(select(User).where(User.username == username)).first()


@check("assign_caseworker")
def _check_assign(step: Step) -> None:
    if step.replaying:  # an allocation recorded stays as it was, even if the officer has since left
        return
    officer = _officer(step.session, step.fields["caseworker"])
    if officer is None or officer.role not in ALLOCATABLE_ROLES or not officer.active:
        raise Invalid(f"There is no caseworker called '{step.fields['caseworker']}' who can be allocated cases.",
                      code="unknown_caseworker", field="caseworker")
    if step.case.assigned_caseworker_id == officer.id:
        raise Invalid(f"The case is already allocated to {officer.display_name}.", code="already_allocated",
                      field="caseworker")


@effect("assign_caseworker")
def _assign(step: Step) -> None:
    officer = _officer(step.session, step.fields["caseworker"])
    previous = step.session.get(User, step.case.assigned_caseworker_id) if step.case.assigned_caseworker_id else None
    if not step.replaying:
        step.made["previous_caseworker"] = previous.username if previous is not None else None
    step.case.assigned_caseworker_id = officer.id if officer is not None else None


def allocate(db: Database, case_ids: Sequence[int], *, caseworker: str, actor: User | None,
             on: dt.date | None = None) -> list[int]:
    """Allocate several cases to one officer in one unit of work: all of them or, if one is refused, none.
    Cases already with that officer are left as they are (no entry); the ids of those allocated are returned."""
    wanted = list(dict.fromkeys(case_ids))
    if not wanted:
        raise Invalid("Select at least one case to allocate.", code="required", field="case_ids")
    if len(wanted) > MAX_CASES_AT_ONCE:
        raise Invalid(f"Allocate at most {MAX_CASES_AT_ONCE} cases at once.", code="out_of_range", field="case_ids")
    day = on or clock.today()
    done: list[int] = []
    with unit_of_work(db, None) as session:
        officer = _officer(session, caseworker)
        holders = dict(session.execute(select(Case.id, Case.assigned_caseworker_id).where(Case.id.in_(wanted))).all())
        missing = [case_id for case_id in wanted if case_id not in holders]
        if missing:
            raise NotFound(f"There is no case {missing[0]}.")
        for case_id in wanted:
            if officer is not None and holders[case_id] == officer.id:
                continue
            fire_event(db, case_id, "assign_caseworker", actor=actor, on=day, uow=session, caseworker=caseworker)
            done.append(case_id)
    return done
