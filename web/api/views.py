"""API routes: authenticate, check the role, call one operation, answer JSON.

Views stay thin; every rule lives in ``casework``. Errors always use the contract's JSON shape.
"""

from __future__ import annotations

from flask import Blueprint, g, jsonify, request
from flask_wtf.csrf import CSRFError
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload
from werkzeug.exceptions import HTTPException

from casework import access as authz
from casework import accounts, operations
from casework.audit import kept
from casework.cases import casefile, caseload, replay
from casework.core import clock
from casework.core.errors import CaseworkError, MalformedInput, Unauthenticated
from casework.models import AdviceRequest
from web import database, unavailable
from web.api import bodies, parsing
from web.security import access_hook
from workflows import ehcp

api = Blueprint("api", __name__, url_prefix="/api/v1")


@api.errorhandler(CaseworkError)
def _casework_error(exc: CaseworkError):
    return jsonify(exc.as_dict()), exc.status


HTTP_CODES = {400: "malformed", 404: "not_found", 405: "method_not_allowed", 413: "too_large", 415: "malformed"}
HTTP_MESSAGES = {
    400: "The request could not be read.",
    404: "There is nothing at this address.",
    405: "This address does not accept that method.",
    413: "The request is larger than 1 MB; send less at a time.",
}


@api.errorhandler(HTTPException)
def _http_error(exc: HTTPException):
    status = exc.code or 500
    message = HTTP_MESSAGES.get(status, exc.description or "The request could not be handled.")
    response = jsonify({"error": {"code": HTTP_CODES.get(status, "error"), "message": message}})
    # Keep what the exception says about the address (a 405's Allow), but answer in JSON.
    for name, value in exc.get_headers():
        if name.lower() != "content-type":
            response.headers[name] = value
    return response, status


for _unreachable in unavailable.DATABASE_UNREACHABLE:
    api.register_error_handler(_unreachable, unavailable.api_answer)


@api.errorhandler(Exception)
def _unexpected(exc: Exception):
    from flask import current_app

    current_app.logger.exception("unexpected error in API request")
    return jsonify({"error": {"code": "internal_error",
                              "message": "Something went wrong on our side; nothing was changed."}}), 500


@api.before_request
@access_hook
def _authenticate() -> None:
    if request.endpoint == "api.openapi":
        return
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise Unauthenticated("Send an API token in the Authorization header: 'Bearer <token>'.")
    user = accounts.user_for_token(database(), token.strip())
    if user is None:
        raise Unauthenticated("That API token is not valid.", code="bad_token")
    g.user = user


def _case_response(case_id: int, status: int = 200, as_of=None):
    db = database()
    with db.reading() as session:
        case = authz.visible_case(session, g.user, case_id)
        day = as_of or clock.today()
        state = casefile.state_on(session, case_id, day) if day < clock.today() else None
        return jsonify(casefile.case_dict(case, day, db.policy, state=state)), status


@api.post("/cases")
def create_case():
    authz.require(g.user, authz.CASE_WRITE_ROLES, "create cases")
    body = parsing.json_body()
    if "transfer_in" in body:  # a plan taken on from another authority (web.api.transfers)
        from web.api.transfers import create_transferred_case

        return _case_response(create_transferred_case(body), 201)
    request_body = bodies.read_new_request(body)
    if request_body.person_id is not None:  # a request for a child already known
        if request_body.child is not None:
            raise MalformedInput("Send either child (a new child's details) or person_id (a child already known), "
                                 "not both.", code="child_and_person", field="person_id")
        case = operations.create_case(
            database(), actor=g.user, person_id=request_body.person_id, primary_need=request_body.primary_need,
            received_on=request_body.received_on, requested_by=request_body.requested_by,
        )
        return _case_response(case.id, 201)
    child = request_body.child
    if child is None:
        raise MalformedInput("child is required: an object with given_name, family_name and date_of_birth "
                             "(or person_id, for a child already known).", code="missing_field", field="child")
    case = operations.create_case(
        database(), actor=g.user, given_name=child.given_name, family_name=child.family_name,
        date_of_birth=child.date_of_birth, primary_need=child.primary_need or request_body.primary_need,
        received_on=request_body.received_on, requested_by=request_body.requested_by,
    )
    return _case_response(case.id, 201)


@api.get("/cases")
def list_cases():
    extra = []
    due_soon = parsing.flag_param("due_soon")
    if due_soon is False:
        extra.append(~caseload.due_soon_on(clock.today(), database().policy))
    officer = request.args.get("assigned_to")
    if officer:  # a username, or none for the cases waiting for a caseworker
        extra.append(caseload.assigned_to_condition(parsing.short_text_param("assigned_to", officer)))
    filters = caseload.CaseloadFilters(
        # an empty state means any, as a blank form field would send it
        state=parsing.choice_param("state", ehcp.STATES) if request.args.get("state") else None,
        overdue=parsing.flag_param("overdue"), due_soon=due_soon is True,
        q=parsing.text_param("q"), extra=tuple(extra))
    page, per_page = parsing.page_params()
    db = database()
    with db.reading() as session:
        found = caseload.caseload_rows(session, g.user, filters, page=page, per_page=per_page,
                                       today=clock.today(), policy=db.policy, order="newest", clamp=False)
        items = [casefile.row_summary(row) for row in found.items]
    return jsonify({"items": items, "total": found.total, "page": found.page, "per_page": per_page})


@api.get("/cases/<id:case_id>")
def get_case(case_id: int):
    return _case_response(case_id, as_of=parsing.as_of_param())


@api.post("/cases/<id:case_id>/events")
def post_event(case_id: int):
    authz.require(g.user, authz.CASE_WRITE_ROLES, "change cases")
    body = parsing.json_body()
    with database().reading() as session:  # 404 before anything else for a case the user may not see
        authz.visible_case(session, g.user, case_id)
    # Disagreement resolution and transfers run beside the case's workflow, each from its own module.
    from web.api import disputes, transfers

    if body.get("event") in disputes.EVENT_NAMES:
        disputes.post_dispute_event(case_id, body)
        return _case_response(case_id)
    if body.get("event") in transfers.EVENT_NAMES:
        transfers.post_transfer_event(case_id, body)
        return _case_response(case_id)
    spec, on, version, fields = bodies.read_event(body)
    operations.fire_event(database(), case_id, spec.name, actor=g.user, on=on, expected_version=version, **fields)
    return _case_response(case_id)


@api.get("/cases/<id:case_id>/history")
def case_history(case_id: int):
    with database().reading() as session:
        authz.visible_case(session, g.user, case_id)
        return jsonify(replay.history_view(session, case_id))


ADVICE_STATUS_FILTERS = ("outstanding", "returned", "all")


@api.get("/advice-requests")
def list_advice_requests():
    """Paged like /cases: a count and one page of requests with their cases' deadlines, in a few statements."""
    status = parsing.choice_param("status", ADVICE_STATUS_FILTERS, default="all")
    query = authz.advice_requests_query(g.user)
    if status == "outstanding":  # never a cancelled request, nor one the case's path has closed
        query = query.where(AdviceRequest.owed_due_on.is_not(None))
    elif status == "returned":
        query = query.where(AdviceRequest.returned_on.is_not(None))
    page, per_page = parsing.page_params()
    db = database()
    with db.reading() as session:
        # Counting every request this user may see reads them all (340,000 at a large authority's scale); the
        # count changes only when something is recorded, so it is kept as the advice pages' counts are.
        scope = g.user.organisation_id if g.user.role == "adviser" else None
        total = kept.Figures(session, clock.today(), pool="advice counts").get(
            "advice requests (API)", g.user.role == "adviser", scope, status,
            compute=lambda: session.scalar(select(func.count()).select_from(query.order_by(None).subquery())) or 0)
        # Each request with its case's reference and its own deadline, not the case's whole file.
        found = [] if (page - 1) * per_page >= total else session.scalars(
            query.options(selectinload(AdviceRequest.case).options(*casefile.CASE_ROW_ONLY))
            .order_by(AdviceRequest.received_on, AdviceRequest.id).limit(per_page)
            .offset((page - 1) * per_page)).all()
        deadlines = casefile.advice_deadlines(session, [a.id for a in found])
        items = [casefile.advice_dict(a, clock.today(), db.policy, deadlines) for a in found]
    return jsonify({"items": items, "total": total, "page": page, "per_page": per_page})


@api.post("/advice-requests/<id:advice_request_id>/return")
def return_advice(advice_request_id: int):
    db = database()
    with db.reading() as session:
        authz.visible_advice_request(session, g.user, advice_request_id)
    on = bodies.read_return(parsing.json_body())
    operations.return_advice(db, advice_request_id, actor=g.user, on=on)
    with db.reading() as session:
        advice = authz.visible_advice_request(session, g.user, advice_request_id)
        return jsonify(casefile.advice_dict(advice, clock.today(), db.policy))


@api.get("/openapi.json")
def openapi():
    from web.api.openapi import document

    return jsonify(document())


def json_errors_for_api_paths(app) -> None:
    """Paths under /api/ that match no route never reach the blueprint; answer them in the JSON shape too."""

    def handler(exc: HTTPException):
        if request.path.startswith(api.url_prefix + "/") or request.path == api.url_prefix:
            if isinstance(exc, CSRFError) and isinstance(request.routing_exception, HTTPException):
                exc = request.routing_exception  # the pages' CSRF check ran first; the address is what is wrong
            return _http_error(exc)
        return exc

    for status in (400, 404, 405, 413):
        app.register_error_handler(status, handler)
    # A POST to an API path that matches no route meets the pages' CSRF check before the router's 404 or 405.
    app.register_error_handler(CSRFError, handler)
