"""The SEN2 return (managers only) and the details a caseworker records on a case for it."""

from __future__ import annotations

from flask import Response, current_app, g, jsonify, request

from casework import access as authz
from casework.core.errors import Invalid
from casework.reporting import sen2
from casework.reporting.sen2 import details
from web import database
from web.api import bodies, parsing
from web.api.reports import year_param
from web.api.views import api

VALIDATE_ONLY = ("true", "false")


@api.get("/exports/sen2")
def export_sen2():
    """The validated return as XML; with errors, 422 and the findings; ``validate_only=true``: the findings."""
    authz.require(g.user, authz.REPORT_ROLES, "export the SEN2 return")
    year = year_param()
    only = request.args.get("validate_only", "false")
    if only not in VALIDATE_ONLY:
        raise Invalid("validate_only must be true or false.", code="invalid_choice", field="validate_only")
    sen2.check_year(year)
    la_code = current_app.config["EHCP_SETTINGS"]["service"]["la_code"]
    with database().reading() as session:
        found = sen2.make_return(session, year, la_code)
    if only == "true":
        return jsonify(found.summary())
    if found.errors:
        body = Invalid(f"The SEN2 return for {year} has {len(found.errors)} errors to put right before it can be "
                       "exported.", code="sen2_errors", field="year").as_dict()
        body["findings"] = found.summary()["findings"]
        return jsonify(body), 422
    return Response(found.document, mimetype="application/xml", headers={
        "Content-Disposition": f'attachment; filename="sen2-{year}.xml"'})


@api.get("/cases/<id:case_id>/sen2")
def case_sen2(case_id: int):
    authz.require(g.user, authz.CASE_ROLES, "see a case's SEN2 details")
    with database().reading() as session:
        case = authz.visible_case(session, g.user, case_id)
        return jsonify(details.as_dict(details.current(session, case.id)))


@api.put("/cases/<id:case_id>/sen2")
def record_case_sen2(case_id: int):
    authz.require(g.user, authz.CASE_WRITE_ROLES, "record a case's SEN2 details")
    with database().reading() as session:  # 404 before the body is read, for a case the user may not see
        authz.visible_case(session, g.user, case_id)
    given = bodies.read_sen2_details(parsing.json_body())
    return jsonify(details.record(database(), case_id, actor=g.user, details=given))
