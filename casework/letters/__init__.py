"""Statutory letters: the council's versioned wording (templates), rendering (render) and production (produce).

Decisions queue their notices (casework.cases.notices); this room turns them into the letters sent.
"""

from __future__ import annotations

from typing import Any

from casework.law.letters import LETTER_KINDS
from casework.models import Letter


def as_dict(letter: Letter) -> dict[str, Any]:
    """A letter as the API and the case page list it."""
    template = letter.template
    return {
        "id": letter.id, "case_id": letter.case_id, "kind": letter.kind, "title": LETTER_KINDS[letter.kind].title,
        "variant": letter.variant, "status": "issued" if letter.issued_on else "queued",
        "decided_on": letter.decided_on.isoformat(), "entry_id": letter.entry_id,
        "advice_request_id": letter.advice_request_id,
        "issued_on": letter.issued_on.isoformat() if letter.issued_on else None,
        "addressed_to": letter.addressed_to, "template_version": template.version if template else None,
        "pdf": f"/api/v1/letters/{letter.id}" if letter.issued_on else None,
    }
