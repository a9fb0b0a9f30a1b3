"""API routes for the directory of organisations that advice is asked of and advisers belong to.

Everyone signed in may read the directory (an adviser sees only their own organisation); only an
administrator adds to it. Adding an organisation already there answers it as it is (200) and changes nothing,
so a script loading a directory can be run again.
"""

from __future__ import annotations

from flask import g, jsonify

from casework import access as authz
from casework import organisations
from casework.core.errors import MalformedInput
from casework.law.codes import ORGANISATION_KINDS
from casework.models import Organisation
from web import database
from web.api import parsing
from web.api.views import api

FIELDS = ("name", "kind", "urn", "ukprn")


@api.get("/organisations")
def list_organisations():
    kind = parsing.choice_param("kind", ORGANISATION_KINDS)
    with database().reading() as session:
        query = authz.organisations_query(g.user)
        if kind is not None:
            query = query.where(Organisation.kind == kind)
        items = [organisations.as_dict(o) for o in session.scalars(query)]
    return jsonify({"items": items, "total": len(items)})


@api.post("/organisations")
def add_organisation():
    authz.require(g.user, authz.ADMIN_ROLES, "add organisations to the directory")
    body = parsing.json_body()
    for name in body:
        if name not in FIELDS:
            raise MalformedInput(f"An organisation has no field called '{name}': give {', '.join(FIELDS)}.",
                                 code="unknown_field", field=name)
    found, created = organisations.add_organisation(
        database(), parsing.text_field(body, "name"), parsing.text_field(body, "kind"),
        urn=parsing.text_field(body, "urn", required=False), ukprn=parsing.text_field(body, "ukprn", required=False))
    return jsonify(organisations.as_dict(found)), 201 if created else 200
