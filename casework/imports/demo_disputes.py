"""The demo's disagreements and moves between authorities, so a manager sees them beside the main path.

About 25,000 appeals a year reach the tribunal and families win nearly all of those decided, so a caseload
without them hides a council's highest-stakes deadlines. A handful of cases, each recorded through the same
operations a caseworker uses, dated back from today:

- a refusal to assess whose family has asked for mediation, the mediation still to be held (R10.3);
- a decision not to issue a plan under appeal, registered after a mediation certificate (R10.6);
- a refusal to assess put right by a tribunal order to assess: the council agreed to assess in time, so the
  order's first step is met, and the no-plan notice's 10 weeks have passed with the assessment still running,
  so that step is overdue while the final plan's 14 weeks still run (R10.9);
- a plan taken on from another authority, the family still to be told it has transferred (R9.2).

The letters that start a family's time are produced by the letters job in the service; here their dates are
given straight to ``disputes.start_appeal_rights``, which is what producing them calls.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable
from typing import Any

from casework import disputes, operations, transfers
from casework.core.db import Database
from casework.models import AuditEntry, Case, User

# Loaded only into a caseload this large, and counted in it (a small demo stays the main path alone).
MIN_CASES = 20
DISPUTE_CASES = 4
FROM_AUTHORITY = "Southshire County Council"


def _decision(db: Database, case_id: int, event: str, letter_on: dt.date) -> int:
    """The decision's letter issued on ``letter_on``: the family's time starts. Returns the decision's entry."""
    from sqlalchemy import select

    with db.transaction() as session:
        entry_id = session.scalars(select(AuditEntry.id).where(AuditEntry.case_id == case_id,
                                                               AuditEntry.event == event)
                                   .order_by(AuditEntry.id.desc())).first()
        case = session.get(Case, case_id)
        disputes.start_appeal_rights(session, case, decision_entry_id=entry_id, letter_on=letter_on,
                                     policy=db.policy)
    return entry_id


def load(db: Database, caseworker: User, today: dt.date, seed: int,
         family: Callable[[random.Random, str], list[dict[str, Any]]], reason: str,
         postcodes: tuple[str, ...]) -> list[str]:
    """Record the handful of cases; returns their references."""
    rng = random.Random(f"disputes-{seed}")

    def day(n: int) -> dt.date:
        return today - dt.timedelta(days=n)

    def new(given: str, surname: str, born: dt.date, need: str, received: int) -> Case:
        case = operations.create_case(db, actor=caseworker, given_name=given, family_name=surname,
                                      date_of_birth=born, received_on=day(received), requested_by="parent",
                                      primary_need=need, assigned_caseworker_id=caseworker.id)
        operations.update_person(db, case.person_id, actor=caseworker, reason=reason,
                                 fields={"postcode": rng.choice(postcodes)}, contacts=family(rng, surname))
        return case

    def fire(case: Case, event: str, n: int, **fields: Any) -> None:
        operations.fire_event(db, case.id, event, actor=caseworker, on=day(n), **fields)

    def appeal(case: Case, decision: int, days_ago: tuple[int, int, int], reference: str, grounds: list[str]) -> None:
        """Mediation declined, its certificate issued, then the appeal registered, so many days ago each."""
        contacted, certified, registered = days_ago
        disputes.record_mediation_contact(db, case.id, actor=caseworker, on=day(contacted), decision=decision,
                                          wants_mediation=False)
        disputes.issue_mediation_certificate(db, case.id, actor=caseworker, on=day(certified), decision=decision)
        disputes.register_appeal(db, case.id, actor=caseworker, on=day(registered), decision=decision,
                                 tribunal_reference=reference, grounds=grounds)

    references = []
    # Mediation wanted after a refusal to assess.
    case = new("Hamza", "Rahman", day(365 * 9), "SEMH", 110)
    fire(case, "refuse_to_assess", 75, reason="Needs can be met from the resources normally available to the "
                                              "school (SEN support).")
    decision = _decision(db, case.id, "refuse_to_assess", day(74))
    disputes.record_mediation_contact(db, case.id, actor=caseworker, on=day(20), decision=decision,
                                      wants_mediation=True)
    references.append(case.reference)

    # An appeal registered against a decision not to issue a plan.
    case = new("Lily", "Marsh", day(365 * 6), "SLCN", 260)
    fire(case, "agree_to_assess", 225)
    fire(case, "decide_not_to_issue", 120, reason="The assessment shows needs can be met with targeted SEN "
                                                  "support in the current school.")
    decision = _decision(db, case.id, "decide_not_to_issue", day(119))
    appeal(case, decision, (110, 108, 80), "EH/DEMO/0217", ["issue"])
    references.append(case.reference)

    # A tribunal order to assess after a refusal: one step met, one overdue, one still running.
    case = new("Kofi", "Asante", day(365 * 11), "ASD", 420)
    fire(case, "refuse_to_assess", 385, reason="The evidence does not show that the child may need provision "
                                               "through an EHC plan.")
    decision = _decision(db, case.id, "refuse_to_assess", day(384))
    appeal(case, decision, (375, 374, 350), "EH/DEMO/0093", ["assessment"])
    disputes.record_appeal_outcome(db, case.id, actor=caseworker, on=day(78), tribunal_reference="EH/DEMO/0093",
                                   outcome="order", order="assess", ordered_on=day(80))
    fire(case, "agree_to_assess", 72)  # within the order's 2 weeks: that step is met
    references.append(case.reference)

    # A plan transferred in from another authority, the family still to be told.
    moved = transfers.transfer_in(db, actor=caseworker, from_authority=FROM_AUTHORITY, transferred_on=day(30),
                                  plan_made_on=day(500), last_reviewed_on=day(150), given_name="Maja",
                                  family_name="Kowalska", date_of_birth=day(365 * 8), primary_need="MLD")
    operations.update_person(db, moved.person_id, actor=caseworker, reason=reason,
                             fields={"postcode": rng.choice(postcodes)}, contacts=family(rng, "Kowalska"))
    references.append(moved.reference)
    assert len(references) == DISPUTE_CASES
    return references
