"""The progress of one disputed decision, as data: where it stands and which step may come next.

A dispute runs beside the case (its state never moves the case's): from the decision letter the family takes
mediation advice, mediates or declines, may appeal with a certificate (or without one about the school named
alone), and the tribunal decides. The stage is read from the dispute's own facts, so it needs no column; the
operations (``casework.disputes``) refuse a step this table does not allow with a 409 naming what is possible.
"""

from __future__ import annotations

from typing import Any

STAGES: dict[str, str] = {
    "mediation_advice": "Mediation advice to be sought",
    "mediation_arranged": "Mediation being arranged",
    "certificate_owed": "Mediation certificate owed",
    "mediation_agreed": "Agreed at mediation",
    "certificate_issued": "Mediation certificate issued",
    "appealed": "Appeal registered",
    "decided": "Appeal decided",
}
INITIAL = "mediation_advice"
BEFORE_A_CERTIFICATE = ("mediation_advice", "mediation_arranged", "certificate_owed", "mediation_agreed")

# (event, stages it may come from, stages it may lead to)
TRANSITIONS: tuple[tuple[str, tuple[str, ...], tuple[str, ...]], ...] = (
    ("record_mediation_contact", ("mediation_advice",), ("mediation_arranged", "certificate_owed")),
    ("hold_mediation", ("mediation_arranged",), ("mediation_agreed", "certificate_owed")),
    ("issue_mediation_certificate", BEFORE_A_CERTIFICATE, ("certificate_issued",)),
    # Before a certificate only about the school or institution named alone (CFA s.55), which the step checks.
    ("register_appeal", (*BEFORE_A_CERTIFICATE, "certificate_issued"), ("appealed",)),
    ("record_appeal_outcome", ("appealed",), ("decided",)),
    ("record_order_step", ("decided",), ("decided",)),
)
EVENT_TITLES = {
    "record_mediation_contact": "record the family's contact with the mediation adviser",
    "hold_mediation": "record the mediation", "issue_mediation_certificate": "issue the mediation certificate",
    "register_appeal": "register an appeal", "record_appeal_outcome": "record the appeal outcome",
    "record_order_step": "record a step complying with the tribunal order",
}


def stage_of(dispute: Any) -> str:
    """Where a dispute stands, from its facts."""
    if dispute.appeal_outcome is not None:
        return "decided"
    if dispute.appeal_registered_on is not None:
        return "appealed"
    if dispute.certificate_on is not None:
        return "certificate_issued"
    if dispute.mediation_held_on is not None:
        return "mediation_agreed" if dispute.mediation_outcome == "agreed" else "certificate_owed"
    if dispute.contacted_on is not None:
        return "mediation_arranged" if dispute.wants_mediation else "certificate_owed"
    return INITIAL


def allowed_events(stage: str) -> list[str]:
    return [event for event, sources, _ in TRANSITIONS if stage in sources]


def mermaid() -> str:
    """The dispute's progress as a Mermaid state diagram, generated from the table above for the README."""
    lines = ["stateDiagram-v2", f"    [*] --> {INITIAL}"]
    for event, sources, destinations in TRANSITIONS:
        for source in sources:
            for destination in destinations:
                lines.append(f"    {source} --> {destination}: {event}")
    return "\n".join(lines)


if __name__ == "__main__":  # python -m workflows.disputes > diagram, pasted into the README
    print(mermaid())
