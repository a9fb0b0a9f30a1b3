"""The communication log over the API: contacts logged on a case, and a new one logged (contract.md).

A body is the ``record_contact`` event's own: ``on``, ``direction``, ``channel``, ``party`` and ``summary``
(and the ``version`` the client saw), checked by the same declaration as ``POST /cases/{id}/events``.
"""

from __future__ import annotations

from flask import g, jsonify

from casework import access as authz
from casework import operations
from casework.core.errors import MalformedInput
from web import database
from web.api import bodies, parsing
from web.api.views import api


@api.get("/cases/<id:case_id>/communications")
def list_communications(case_id: int):
    with database().reading() as session:
        authz.visible_case(session, g.user, case_id)
        return jsonify(operations.communications(session, case_id))


@api.post("/cases/<id:case_id>/communications")
def log_communication(case_id: int):
    authz.require(g.user, authz.CASE_WRITE_ROLES, "log contacts")
    body = parsing.json_body()
    with database().reading() as session:  # 404 before anything else for a case the user may not see
        authz.visible_case(session, g.user, case_id)
    if "event" in body:
        raise MalformedInput("A contact is logged without naming an event.", code="unknown_field", field="event")
    _spec, on, version, fields = bodies.read_event({**body, "event": "record_contact"})
    logged = operations.log_communication(database(), case_id, actor=g.user, on=on, expected_version=version,
                                          **fields)
    return jsonify(logged), 201
