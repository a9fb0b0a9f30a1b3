"""The dispute's progress table: the operations follow it, and the README shows the diagram it generates."""

from __future__ import annotations

from pathlib import Path

import pytest

from casework import disputes
from casework.core.errors import EventNotAllowed
from tests.disputes.conftest import D
from workflows import disputes as workflow

README = Path(__file__).resolve().parents[2] / "README.md"


def test_the_readme_shows_the_generated_dispute_diagram():
    blocks = [b.split("```", 1)[0].strip() for b in README.read_text().split("```mermaid\n")[1:]]
    assert workflow.mermaid().strip() in blocks


def test_every_step_of_the_table_is_an_operation():
    assert {event for event, _, _ in workflow.TRANSITIONS} == set(disputes.DISPUTE_OPERATIONS)


def test_a_step_out_of_turn_names_what_is_possible_now(db, refused):
    case_id, decision = refused(letter_on=D(2025, 1, 10))
    disputes.record_mediation_contact(db, case_id, actor=None, on=D(2025, 1, 20), decision=decision,
                                      wants_mediation=True)
    with pytest.raises(EventNotAllowed) as early:
        disputes.record_mediation_contact(db, case_id, actor=None, on=D(2025, 1, 21), decision=decision,
                                          wants_mediation=False)
    assert str(early.value) == ("That step is not possible while this disagreement is at 'Mediation being "
                                "arranged'. Possible now: record the mediation, issue the mediation certificate, "
                                "register an appeal.")
