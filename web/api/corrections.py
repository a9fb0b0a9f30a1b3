"""Corrections over the API: put one history entry right and see the case recomputed (contract.md).

The body names the entry, its right date (``on``) and/or the fields that were wrong, and why. What a field
may hold is checked by the event the entry records, so the same limits apply as when it was first keyed.
"""

from __future__ import annotations

from typing import Any

from flask import g
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from casework import access as authz
from casework.cases import replay
from web import database
from web.api import bodies, parsing
from web.api.views import _case_response, api


class CorrectionHeader(BaseModel):
    """The parts of a correction every entry shares; the rest are the entry's own fields."""

    model_config = ConfigDict(extra="allow")
    entry_id: bodies.WholeNumber = Field(description="the id of the history entry to correct")
    on: bodies.IsoDate | None = Field(None, description="the entry's right date")
    reason: str = Field(description="why the entry is corrected")
    version: bodies.WholeNumber | None = None


@api.post("/cases/<id:case_id>/corrections")
def correct(case_id: int):
    authz.require(g.user, authz.CASE_WRITE_ROLES, "correct cases")
    with database().reading() as session:
        authz.visible_case(session, g.user, case_id)
    body = parsing.json_body()
    try:
        header = CorrectionHeader.model_validate(body)
    except ValidationError as error:
        raise bodies.refusal(error, None, ("entry_id", "on", "reason", "version")) from None
    changes: dict[str, Any] = dict(header.model_extra or {})
    replay.correct_entry(database(), case_id, actor=g.user, entry_id=header.entry_id, reason=header.reason,
                         on=header.on, changes=changes, expected_version=header.version)
    return _case_response(case_id)

