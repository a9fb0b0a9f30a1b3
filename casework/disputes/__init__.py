"""Disagreement resolution: mediation, appeals and tribunal orders on a case's decisions."""

from casework.disputes.operations import (
    DISPUTE_OPERATIONS,
    disputes_of,
    fire_dispute_event,
    hold_mediation,
    issue_mediation_certificate,
    record_appeal_outcome,
    record_mediation_contact,
    record_order_step,
    register_appeal,
    start_appeal_rights,
)
from casework.disputes.sen2 import ASSESSMENT_DECISIONS, sen2_flags, with_mediation_or_tribunal

__all__ = [
    "ASSESSMENT_DECISIONS", "DISPUTE_OPERATIONS", "disputes_of", "fire_dispute_event", "hold_mediation",
    "issue_mediation_certificate", "record_appeal_outcome", "record_mediation_contact", "record_order_step",
    "register_appeal", "sen2_flags", "start_appeal_rights", "with_mediation_or_tribunal",
]
