"""The advice tray: outstanding advice requests and a way to mark one returned.

An adviser sees only their own organisation's requests (casework.access filters every query), and a request
of another organisation answers 404 exactly like one that does not exist.
"""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user
from werkzeug.utils import secure_filename

from casework import access as authz
from casework import documents, operations
from casework.cases import advice_tray, casefile
from casework.core import clock
from casework.core.errors import CaseworkError
from casework.documents import checks
from casework.models import AdviceRequest
from web import database, files, limits
from web.pages.access import section
from web.pages.directory import organisation_choices
from web.pages.forms import AdviceFilterForm, ReturnAdviceForm, attach_error, choice, error_list
from web.pages.paging import pagination
from web.pages.presenters import ADVICE_TYPE_LABELS, long_date

bp = section("advice", authz.ADVICE_ROLES, "see advice requests", "/advice")



def _with_child(advice: AdviceRequest, row: dict) -> dict:
    """Advisers need to know whose advice it is; the reference alone would not tell them."""
    return {**row, "child_name": advice.case.child_name, "child_date_of_birth": advice.case.person.date_of_birth}


PER_PAGE = 25


def _filters(form: AdviceFilterForm) -> advice_tray.TrayFilters:
    organisation = limits.whole_number(form.organisation.data or "")
    return advice_tray.TrayFilters(
        advice_type=form.advice_type.data if form.advice_type.data in ADVICE_TYPE_LABELS else None,
        organisation_id=organisation if current_user.role != "adviser" else None,
        overdue={"overdue": True, "not_overdue": False}.get(form.due.data or ""),
        q=form.q.data,
    )


@bp.get("")
def tray():
    """Only what is still owed, soonest due first, one page at a time."""
    form = AdviceFilterForm(request.args, meta={"csrf": False})
    if current_user.role != "adviser":
        form.organisation.choices = [choice("", "Any organisation"), *organisation_choices()]
    page_number = limits.whole_number(request.args.get("page", "1"))
    page_error = None
    if page_number is None or not 1 <= page_number <= limits.MAX_PAGE:
        page_error, page_number = "Page numbers are whole numbers from 1; the first page is shown.", 1
    db = database()
    with db.reading() as session:
        found, overdue = advice_tray.tray_page(session, current_user, _filters(form), page=page_number,
                                               per_page=PER_PAGE, today=clock.today(), policy=db.policy)
    filtered = any(request.args.get(name) for name in ("q", "advice_type", "organisation", "due"))
    html = render_template("advice/tray.html", title="Advice requests", items=found.items, total=found.total,
                           overdue=overdue, page=found.page, pages=found.pages, filters=form, filtered=filtered,
                           pagination=pagination("advice.tray", found.page, found.pages),
                           errors=[{"text": page_error}] if page_error else [])
    return html, 422 if page_error else 200


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
