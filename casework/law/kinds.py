"""The kinds of deadline row the public contract names, each with its label and the rules it may carry.

A kind is what a caseworker sees ("Advice returned (6 weeks)"); its rule id says which limit of the law made
the date. Kept apart from the rule table so the event declarations can name kinds without the formulas.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class DeadlineKind:
    """A kind of deadline row, as the public contract names it."""

    name: str
    label: str
    rule_ids: tuple[str, ...]
    is_duty: bool = True  # False for a window the family has (no breach when it passes)
    advice: bool = False


DEADLINE_KINDS: dict[str, DeadlineKind] = {
    k.name: k
    for k in (
        DeadlineKind("decision_to_assess", "Decision whether to assess", ("R1.1",)),
        DeadlineKind("issue_decision", "Decision whether to issue a plan", ("R3.1",)),
        DeadlineKind("final_plan", "Final plan issued (20 weeks)", ("R5.1",)),
        DeadlineKind("advice", "Advice returned (6 weeks)", ("R2.1",), advice=True),
        DeadlineKind("draft_representations", "Family's representations on the draft", ("R4.1",), is_duty=False),
        DeadlineKind("annual_review", "Annual review", ("R7.1",)),
        DeadlineKind("review_invitations", "Review meeting invitations sent", ("R7.4",)),
        DeadlineKind("review_papers", "Review advice and papers circulated", ("R7.5",)),
        DeadlineKind("review_report", "Review report sent", ("R7.7",)),
        DeadlineKind("review_decision", "Review decision and any proposed amendments", ("R7.8",)),
        DeadlineKind("amendment_representations", "Family's representations on the proposed amendments",
                     ("R7.10",), is_duty=False),
        DeadlineKind("amended_plan", "Final amended plan, or a decision not to amend", ("R7.11", "R7.12")),
        DeadlineKind("phase_transfer", "Phase transfer amendment", ("R8.1", "R8.2", "R8.3")),
        # Guidance, tracked as a service level (G4.4): one per school or college consulted on being named.
        DeadlineKind("school_consultation", "School's answer to the consultation (15 days: a service level)",
                     ("G4.4",)),
        DeadlineKind("reassessment_decision", "Decision on a request to re-assess", ("R5.3",)),
        DeadlineKind("reassessment_final", "Final plan after a re-assessment (14 weeks)", ("R5.4",)),
        # Guidance, not a time limit of the law: tracked so that a young child's reviews are seen to, never a breach.
        DeadlineKind("early_years_review", "Review for a child under 5 (every 3 to 6 months: a service level)",
                     ("G7.2",)),
        # Disagreement resolution (casework.disputes): the family's windows are not the authority's duties.
        DeadlineKind("mediation_contact", "Family contacts a mediation adviser", ("R10.1",), is_duty=False),
        DeadlineKind("mediation_certificate", "Mediation certificate issued", ("R10.2",)),
        DeadlineKind("mediation_meeting", "Mediation held", ("R10.3",)),
        DeadlineKind("appeal_window", "Family's time to appeal to the tribunal", ("R10.6",), is_duty=False),
        DeadlineKind("tribunal_order", "Tribunal order complied with", ("R10.9", "R10.10")),
        # Transfers between English authorities (casework.transfers).
        DeadlineKind("transfer_out", "Plan sent to the new authority", ("R9.1",)),
        DeadlineKind("transfer_notice", "Family told the plan has transferred", ("R9.2",)),
    )
}
