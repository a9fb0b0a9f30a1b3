"""Allocation over the API: give a case to a caseworker, or to another one (contract.md ``assign_caseworker``).

``POST /cases/{id}/allocation`` records the same event as the case page's "Allocate the case", so every
allocation is in the case's history with who made it and when.
"""

from __future__ import annotations

from flask import g
from pydantic import BaseModel, Field, StrictStr, ValidationError

from casework import access as authz
from casework import operations
from casework.core import clock
from web import database
from web.api import bodies, parsing
from web.api.views import _case_response, api


class Allocation(BaseModel):
    """Who the case goes to, and from when (today unless given)."""

    model_config = bodies.STRICT
    caseworker: StrictStr = Field(max_length=100, description="the username of a caseworker or manager")
    on: bodies.IsoDate | None = Field(None, description="the date of the allocation (default today)")
    version: bodies.WholeNumber | None = Field(None, description="the case version you saw; a newer one answers 409")


@api.post("/cases/<id:case_id>/allocation")
def allocate(case_id: int):
    authz.require(g.user, authz.CASE_WRITE_ROLES, "allocate cases")
    with database().reading() as session:  # 404 before anything else for a case the user may not see
        authz.visible_case(session, g.user, case_id)
    try:
        body = Allocation.model_validate(parsing.json_body())
    except ValidationError as error:
        raise bodies.refusal(error, None, ("caseworker", "on", "version")) from None
    operations.fire_event(database(), case_id, "assign_caseworker", actor=g.user, on=body.on or clock.today(),
                          expected_version=body.version, caseworker=body.caseworker)
    return _case_response(case_id)
