"""The SEN2 mediation and tribunal flags, and which assessments the DfE 20-week figure leaves out.

SEN2 records, for the request, the assessment and "other" decisions, whether mediation took place and whether
an appeal was registered with the tribunal. The published 20-week measure counts only assessments with neither
(statutory-rules.md section 12), so the same test is offered as SQL for the timeliness report.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from sqlalchemy import ColumnElement, and_, exists, or_, select
from sqlalchemy.orm import Session

from casework.models import Dispute

# The SEN2 stage of each appealable decision.
STAGES: dict[str, str] = {
    "refuse_to_assess": "request",
    "decide_not_to_issue": "assessment", "issue_final": "assessment",
}
ASSESSMENT_DECISIONS = tuple(event for event, stage in STAGES.items() if stage == "assessment")
FLAG_STAGES = ("request", "assessment", "other")


def _had_mediation(as_of: dt.date | None = None) -> ColumnElement[bool]:
    if as_of is None:
        return or_(Dispute.wants_mediation.is_(True), Dispute.mediation_held_on.is_not(None))
    return or_(and_(Dispute.wants_mediation.is_(True), Dispute.contacted_on <= as_of),
               Dispute.mediation_held_on <= as_of)


def _had_tribunal(as_of: dt.date | None = None) -> ColumnElement[bool]:
    if as_of is None:
        return Dispute.appeal_registered_on.is_not(None)
    return Dispute.appeal_registered_on <= as_of


def with_mediation_or_tribunal(case_id: Any, decisions: Iterable[str] = ASSESSMENT_DECISIONS) -> ColumnElement[bool]:
    """SQL: the case had mediation or a tribunal appeal about one of these decisions (its assessment's, by
    default). ``case_id`` is a column to correlate with (``Deadline.case_id``) or a value."""
    return exists(select(Dispute.id).where(Dispute.case_id == case_id, Dispute.decision_event.in_(tuple(decisions)),
                                           or_(_had_mediation(), _had_tribunal())))


def sen2_flags(session: Session, case_ids: Iterable[int], as_of: dt.date | None = None
               ) -> dict[int, dict[str, dict[str, bool]]]:
    """For each case, ``{"request"|"assessment"|"other": {"mediation": bool, "tribunal": bool}}``: one query for
    the cases asked about, however many disputes they have. With ``as_of`` (the SEN2 census date), only
    mediation sought or held and appeals registered by that day count."""
    wanted = list(case_ids)
    flags: dict[int, dict[str, dict[str, bool]]] = {
        case_id: {stage: {"mediation": False, "tribunal": False} for stage in FLAG_STAGES} for case_id in wanted}
    if not wanted:
        return flags
    rows = session.execute(
        select(Dispute.case_id, Dispute.decision_event, _had_mediation(as_of), _had_tribunal(as_of))
        .where(Dispute.case_id.in_(wanted))).all()
    for case_id, event, mediation, tribunal in rows:
        stage = flags[case_id][STAGES.get(event, "other")]
        stage["mediation"] = stage["mediation"] or bool(mediation)
        stage["tribunal"] = stage["tribunal"] or bool(tribunal)
    return flags
