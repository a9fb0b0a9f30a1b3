"""R10.10: an appeal conceded before the hearing (reg 45) runs the reg 44(2) steps from the day the tribunal was
told. A concession to assess told Monday 3 March 2025: the family told by Monday 17 March (2 weeks), the no-plan
notice by Monday 12 May (10 weeks) or the final plan by Monday 9 June (14 weeks), whichever the council makes."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from casework import disputes
from casework import operations as ops
from casework.deadlines.status import status
from casework.models import AuditEntry, Case, Deadline
from tests.law.rules.paths import D

TOLD = D(2025, 3, 3)


def _conceded(db, new_case) -> int:
    case = new_case(D(2024, 11, 4))
    ops.refuse_to_assess(db, case.id, actor=None, on=D(2024, 12, 9), reason="Needs can be met at SEN support")
    with db.transaction() as session:
        entry_id = session.scalars(select(AuditEntry.id).where(AuditEntry.case_id == case.id,
                                                               AuditEntry.event == "refuse_to_assess")).one()
        disputes.start_appeal_rights(session, session.get(Case, case.id), decision_entry_id=entry_id,
                                     letter_on=D(2025, 1, 10), policy=db.policy)
    disputes.record_mediation_contact(db, case.id, actor=None, on=D(2025, 1, 13), decision=entry_id,
                                      wants_mediation=False)
    disputes.issue_mediation_certificate(db, case.id, actor=None, on=D(2025, 1, 14), decision=entry_id)
    disputes.register_appeal(db, case.id, actor=None, on=D(2025, 1, 20), decision=entry_id,
                             tribunal_reference="EH/25/10", grounds=["assessment"])
    disputes.record_appeal_outcome(db, case.id, actor=None, on=D(2025, 3, 4), tribunal_reference="EH/25/10",
                                   outcome="conceded", order="assess", ordered_on=TOLD)
    return case.id


def _steps(db, case_id) -> dict[str, Deadline]:
    with db.reading() as session:
        rows = session.scalars(select(Deadline).where(Deadline.case_id == case_id, Deadline.kind == "tribunal_order",
                                                      Deadline.superseded_at.is_(None))).all()
    return {d.step: d for d in rows}


@pytest.mark.rule("R10.10", "met", "overdue", "met_late", "cancelled")
def test_a_concession_to_assess_met_overdue_met_late_and_the_alternative_cancelled(db, new_case):
    case_id = _conceded(db, new_case)
    steps = _steps(db, case_id)
    assert {s: (d.rule, d.starts_on, d.due_on) for s, d in steps.items()} == {
        "notify_assessment": ("R10.10", TOLD, D(2025, 3, 17)), "no_plan_notice": ("R10.10", TOLD, D(2025, 5, 12)),
        "final_plan": ("R10.10", TOLD, D(2025, 6, 9))}
    disputes.record_order_step(db, case_id, actor=None, on=D(2025, 3, 17), tribunal_reference="EH/25/10",
                               step="notify_assessment")
    assert status(steps["final_plan"], D(2025, 6, 9), db.policy) != "overdue"
    assert status(steps["final_plan"], D(2025, 6, 10), db.policy) == "overdue"
    disputes.record_order_step(db, case_id, actor=None, on=D(2025, 6, 11), tribunal_reference="EH/25/10",
                               step="final_plan")
    steps = _steps(db, case_id)
    assert status(steps["notify_assessment"], D(2025, 7, 1), db.policy) == "met"
    assert status(steps["final_plan"], D(2025, 7, 1), db.policy) == "met_late"
    assert (steps["no_plan_notice"].cancelled_on, status(steps["no_plan_notice"], D(2025, 7, 1), db.policy)) == (
        D(2025, 6, 11), "cancelled")
