"""The statutory notices issued on a case: the list, and each letter as the PDF that was sent."""

from __future__ import annotations

from typing import Any

from flask import Response, g, jsonify

from casework import access as authz
from casework.core.errors import Conflict
from casework.law.letters import LETTER_KINDS
from casework.models import Letter, LetterTemplate
from web import database
from web.api.views import api


def letter_dict(letter: Letter, template: LetterTemplate | None = None) -> dict[str, Any]:
    template = template or letter.template
    return {
        "id": letter.id, "case_id": letter.case_id, "kind": letter.kind, "title": LETTER_KINDS[letter.kind].title,
        "variant": letter.variant, "status": "issued" if letter.issued_on else "queued",
        "decided_on": letter.decided_on.isoformat(), "entry_id": letter.entry_id,
        "advice_request_id": letter.advice_request_id,
        "issued_on": letter.issued_on.isoformat() if letter.issued_on else None,
        "addressed_to": letter.addressed_to, "template_version": template.version if template else None,
        "pdf": f"/api/v1/letters/{letter.id}" if letter.issued_on else None,
    }


@api.get("/cases/<id:case_id>/letters")
def case_letters(case_id: int):
    with database().reading() as session:
        authz.visible_case(session, g.user, case_id)
        rows = session.scalars(authz.letters_query(g.user).where(Letter.case_id == case_id).order_by(Letter.id))
        items = [letter_dict(letter) for letter in rows]
    return jsonify({"items": items, "total": len(items)})


@api.get("/letters/<id:letter_id>")
def letter_pdf(letter_id: int):
    with database().reading() as session:
        letter = authz.visible_letter(session, g.user, letter_id)
        if letter.pdf is None:
            raise Conflict("This letter is queued and has not been produced yet. Try again in a few minutes.",
                           code="letter_queued")
        name = f"{letter.kind}-{letter.id}.pdf"
        pdf = letter.pdf
    return Response(pdf, mimetype="application/pdf",
                    headers={"Content-Disposition": f'inline; filename="{name}"'})
