"""The advice tray: outstanding advice requests and a way to mark one returned.

An adviser sees only their own organisation's requests (casework.access filters every query), and a request
of another organisation answers 404 exactly like one that does not exist.
"""

from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask_login import current_user
from werkzeug.utils import secure_filename

from casework import access as authz
from casework import documents, operations
from casework.cases import casefile
from casework.core import clock
from casework.core.errors import CaseworkError
from casework.deadlines import status as deadline_status
from casework.documents import checks
from casework.models import AdviceRequest
from web import database, files, limits
from web.pages.access import section
from web.pages.forms import ReturnAdviceForm, attach_error, error_list
from web.pages.presenters import ADVICE_TYPE_LABELS, long_date

bp = section("advice", authz.ADVICE_ROLES, "see advice requests", "/advice")



def _with_child(advice: AdviceRequest, row: dict) -> dict:
    """Advisers need to know whose advice it is; the reference alone would not tell them."""
    return {**row, "child_name": advice.case.child_name, "child_date_of_birth": advice.case.person.date_of_birth}


@bp.get("")
def tray():
    db = database()
    today = clock.today()
    query = authz.advice_requests_query(current_user).where(deadline_status.advice_owed())
    with db.reading() as session:
        items = [_with_child(a, casefile.advice_dict(a, today, db.policy))
                 for a in session.scalars(query.order_by(AdviceRequest.received_on, AdviceRequest.id))]
    items.sort(key=lambda item: (item["due_on"] or "9999", item["id"]))
    overdue = sum(1 for item in items if item["status"] == "overdue")
    return render_template("advice/tray.html", title="Advice requests", items=items, overdue=overdue)


def _load(advice_request_id: int) -> dict:
    db = database()
    with db.reading() as session:
        advice = authz.visible_advice_request(session, current_user, advice_request_id)
        return _with_child(advice, casefile.advice_dict(advice, clock.today(), db.policy))


@bp.route("/<id:advice_request_id>/return", methods=["GET", "POST"])
def mark_returned(advice_request_id: int):
    advice = _load(advice_request_id)
    if advice["returned_on"] is not None:
        flash(f"This advice was already marked returned on {long_date(advice['returned_on'])}.", "info")
        return redirect(url_for("advice.tray"))
    form = ReturnAdviceForm()
    form_errors: list[str] = []
    if form.validate_on_submit():
        upload = form.report.data if getattr(form.report.data, "filename", None) else None
        data = upload.read(limits.document_bytes() + 1) if upload is not None else None
        try:
            if data is not None:  # the report is checked before anything is recorded, so a refusal leaves no trace
                checks.content_type(data, max_bytes=limits.document_bytes())
            operations.return_advice(database(), advice_request_id, actor=current_user, on=form.on.data)
            if data is not None:
                documents.add(database(), files.storage(), actor=current_user, case_id=advice["case_id"],
                              data=data, filename=secure_filename(upload.filename), kind="advice_report",
                              advice_request_id=advice_request_id, max_bytes=limits.document_bytes())
        except CaseworkError as refused:
            field = "report" if refused.field == "file" else refused.field
            if not attach_error(form, field, refused.message, fallback="on"):
                form_errors = [refused.message]
        else:
            attached = " with its report" if data is not None else ""
            flash(f"{ADVICE_TYPE_LABELS[advice['advice_type']]} advice for {advice['case_reference']} marked "
                  f"returned{attached}.", "success")
            return redirect(url_for("advice.tray"))
    status = 422 if form.is_submitted() else 200
    return render_template("advice/return.html", title=f"Mark advice returned: {advice['case_reference']}",
                           form=form, advice=advice, errors=error_list(form, form_errors)), status


@bp.get("/documents/<id:document_id>")
def document(document_id: int):
    """A document the adviser's organisation added (or any, for staff), byte for byte."""
    with database().reading() as session:
        found = authz.visible_document(session, current_user, document_id)
    return files.document_response(found)
