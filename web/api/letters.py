"""The statutory notices issued on a case: the list, and each letter as the PDF that was sent."""

from __future__ import annotations

from flask import g, jsonify

from casework import access as authz
from casework import letters
from casework.core.errors import Conflict
from casework.models import Letter
from web import database
from web.api.views import api
from web.files import letter_response


@api.get("/cases/<id:case_id>/letters")
def case_letters(case_id: int):
    with database().reading() as session:
        authz.visible_case(session, g.user, case_id)
        rows = session.scalars(authz.letters_query(g.user).where(Letter.case_id == case_id).order_by(Letter.id))
        items = [letters.as_dict(letter) for letter in rows]
    return jsonify({"items": items, "total": len(items)})


@api.get("/letters/<id:letter_id>")
def letter_pdf(letter_id: int):
    with database().reading() as session:
        letter = authz.visible_letter(session, g.user, letter_id)
        if letter.pdf is None:
            raise Conflict("This letter is queued and has not been produced yet. Try again in a few minutes.",
                           code="letter_queued")
    return letter_response(letter)
