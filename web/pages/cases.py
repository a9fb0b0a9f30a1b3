"""The caseworker's pages: the caseload, a new request, a case, and one form page per event.

Each event page is reached from the case page only when the case's state allows that event; the form posts
to the same operation the API calls, so a refusal (a date out of order, a window still open, someone else's
change) comes back from casework and is shown next to the field it is about.
"""

from __future__ import annotations

from typing import Any

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from werkzeug.utils import secure_filename

from casework import access as authz
from casework import documents, letters, operations
from casework.cases import casefile, replay
from casework.cases import caseload as caseload_list
from casework.core import clock
from casework.core.errors import CaseworkError, Conflict, EventNotAllowed
from casework.law.events import EVENTS
from casework.models import Case, Document, Letter, User
from web import database, files, limits
from web.pages import presenters as p
from web.pages.access import section
from web.pages.directory import organisation_choices
from web.pages.forms import (
    EVENT_FORMS,
    EVENT_TITLES,
    TYPED_SUFFIX,
    CaseloadFilterForm,
    CorrectionForm,
    DocumentForm,
    NewRequestForm,
    attach_error,
    choice,
    error_list,
    event_values,
)
from web.pages.paging import pagination
from workflows import ehcp

bp = section("cases", authz.CASE_ROLES, "open cases", "/cases")
PER_PAGE = 25



def _filters(filters: CaseloadFilterForm, mine: bool) -> caseload_list.CaseloadFilters:
    return caseload_list.CaseloadFilters(
        state=filters.state.data if filters.state.data in ehcp.STATES else None,
        overdue=True if filters.due.data == "overdue" else None,
        due_soon=filters.due.data == "due_soon",
        q=filters.q.data,
        assigned_to_id=current_user.id if mine else None,
    )


@bp.get("")
def caseload():
    filters = CaseloadFilterForm(request.args, meta={"csrf": False})
    mine = request.args.get("mine", "yes" if current_user.role == "caseworker" else "no") == "yes"
    page_number = limits.whole_number(request.args.get("page", "1"))
    page_error = None
    if page_number is None or not 1 <= page_number <= limits.MAX_PAGE:
        page_error, page_number = "Page numbers are whole numbers from 1; the first page is shown.", 1
    db = database()
    today = clock.today()
    with db.reading() as session:
        found = caseload_list.caseload_page(session, current_user, _filters(filters, mine), page=page_number,
                                       per_page=PER_PAGE, today=today, policy=db.policy)
        items = [{"case": case, "next_due": case.next_due_on, "next_kind": case.next_due_kind,
                  "next_status": caseload_list.next_status(case, today, db.policy)} for case in found.items]
    html = render_template("cases/caseload.html", title="Cases", filters=filters, items=items, total=found.total,
                           page=found.page, pages=found.pages, mine=mine,
                           pagination=pagination("cases.caseload", found.page, found.pages),
                           errors=[{"text": page_error}] if page_error else [])
    return html, 422 if page_error else 200


@bp.route("/new", methods=["GET", "POST"])
def new_request():
    authz.require(current_user, authz.CASE_WRITE_ROLES, "log requests")
    form = NewRequestForm()
    if form.validate_on_submit():
        try:
            case = operations.create_case(
                database(), actor=current_user, given_name=form.given_name.data,
                family_name=form.family_name.data, date_of_birth=form.date_of_birth.data,
                received_on=form.received_on.data, requested_by=form.requested_by.data,
                primary_need=form.primary_need.data or None,
            )
        except CaseworkError as refused:
            form_errors = [] if attach_error(form, refused.field, refused.message) else [refused.message]
            return _new_request_page(form, form_errors), 422
        flash(f"Request logged as {case.reference}. The 6-week decision and 20-week plan clocks have started.",
              "success")
        return redirect(url_for("cases.case", case_id=case.id))
    return _new_request_page(form), 422 if form.is_submitted() else 200


def _new_request_page(form: NewRequestForm, form_errors: list[str] | None = None) -> str:
    return render_template("cases/new.html", title="Log a request for an EHC needs assessment", form=form,
                           errors=error_list(form, form_errors))


def _load_case(session, case_id: int) -> Case:
    """A case hidden from this user answers the same 404 page as a missing one."""
    return authz.visible_case(session, current_user, case_id)


def _name_the_advice(history: list[dict[str, Any]], advice_requests: list[dict[str, Any]]) -> None:
    """An entry about one advice request says which ("Health advice from Northbridge NHS Trust, asked on 2
    October 2024"), so a case with several requests reads plainly."""
    named = {a["id"]: f"{p.ADVICE_TYPE_LABELS.get(a['advice_type'], a['advice_type'])} advice from "
                      f"{a['organisation']}, asked on {p.long_date(a['requested_on'])}" for a in advice_requests}
    for entry in history:
        advice_id = (entry.get("fields") or {}).get("advice_request_id")
        if advice_id in named:
            entry["about"] = named[advice_id]


@bp.get("/<id:case_id>")
def case(case_id: int):
    return _case_page(case_id, DocumentForm())


def _case_page(case_id: int, form: DocumentForm, form_errors: list[str] | None = None) -> str:
    db = database()
    today = clock.today()
    with db.reading() as session:
        found = _load_case(session, case_id)
        data = casefile.case_dict(found, today, db.policy)
        history = replay.history_view(session, case_id)
        caseworker = session.get(User, found.assigned_caseworker_id) if found.assigned_caseworker_id else None
        data["assigned_caseworker"] = caseworker.display_name if caseworker else None
        case_letters = [letters.as_dict(x) for x in session.scalars(
            authz.letters_query(current_user).where(Letter.case_id == case_id).order_by(Letter.id))]
        case_documents = [documents.as_dict(x) for x in session.scalars(
            authz.documents_query(current_user).where(Document.case_id == case_id).order_by(Document.id))]
    events = [(event, EVENT_TITLES[event]) for event in data["allowed_events"]]
    _name_the_advice(history, data["advice_requests"])
    return render_template("cases/case.html", title=f"{data['reference']}: {data['child']['given_name']} "
                           f"{data['child']['family_name']}", case=data, history=list(reversed(history)),
                           events=events, letters=case_letters, documents=case_documents, document_form=form,
                           errors=error_list(form, form_errors) if form_errors is not None or form.errors else [])


@bp.get("/<id:case_id>/letters/<id:letter_id>")
def letter(case_id: int, letter_id: int):
    with database().reading() as session:
        found = authz.visible_letter(session, current_user, letter_id)
        if found.case_id != case_id or found.pdf is None:
            abort(404)
    return files.letter_response(found)


@bp.get("/<id:case_id>/documents/<id:document_id>")
def document(case_id: int, document_id: int):
    with database().reading() as session:
        found = authz.visible_document(session, current_user, document_id)
    if found.case_id != case_id:
        abort(404)
    return files.document_response(found)


@bp.post("/<id:case_id>/documents")
def add_document(case_id: int):
    authz.require(current_user, authz.CASE_WRITE_ROLES, "add documents")
    form = DocumentForm()
    if form.validate_on_submit():
        upload = form.file.data
        if upload is None or not getattr(upload, "filename", None):
            form.file.errors = ["Choose a file to add"]
        else:
            try:
                added = documents.add(database(), files.storage(), actor=current_user, case_id=case_id,
                                      data=upload.read(limits.document_bytes() + 1),
                                      filename=secure_filename(upload.filename), kind=form.kind.data,
                                      max_bytes=limits.document_bytes())
            except CaseworkError as refused:
                if refused.status == 404:
                    raise
                if not attach_error(form, refused.field, refused.message, fallback="file"):
                    return _case_page(case_id, form, [refused.message]), 422
            else:
                flash(f"{added.filename} added to the case.", "success")
                return redirect(url_for("cases.case", case_id=case_id) + "#documents")
    return _case_page(case_id, form), 422


def _prepare(form: Any, event: str, case: dict[str, Any]) -> None:
    """Fill the choices that depend on the case: its outstanding advice requests and its deadlines."""
    if event in ("record_advice", "void_advice_request"):
        form.advice_request_id.choices = [choice("", "Choose the advice request")] + [
            choice(str(a["id"]), f"{p.ADVICE_TYPE_LABELS[a['advice_type']]} advice from {a['organisation']}, "
                                 f"requested {p.long_date(a['requested_on'])}")
            for a in case["advice_requests"] if a["outstanding"]
        ]
    for declared in EVENTS[event].fields:
        if declared.type == "organisation":
            form[declared.name].choices = [choice("", "Choose the organisation")] + organisation_choices()
    if event == "withdraw_exception":
        form.exception_id.choices = [choice("", "Choose the exception")] + [
            choice(str(e["id"]), f"{p.EXCEPTION_LABELS[e['reason']]}, {p.long_date(e['starts_on'])} to "
                                 f"{p.long_date(e['ends_on'])}, recorded {p.long_date(e['recorded_on'])}")
            for e in case["exceptions"] if e["withdrawn_on"] is None
        ]
    if event == "record_exception":  # a box to tick for each limit: one exception may cover several
        choices = []
        for d in case["deadlines"]:
            if d["advice_request_id"] is not None:
                advice = next(a for a in case["advice_requests"] if a["id"] == d["advice_request_id"])
                choices.append(choice(str(d["advice_request_id"]),
                                      f"{p.ADVICE_TYPE_LABELS[advice['advice_type']]} advice from "
                                      f"{advice['organisation']} (due {p.long_date(d['due_on'])})"))
            elif d["kind"] not in [c.value for c in choices]:
                choices.append(choice(d["kind"], f"{p.kind_label(d['kind'])} (due {p.long_date(d['due_on'])})"))
        form.applies_to.choices = choices


@bp.route("/<id:case_id>/events/<event>", methods=["GET", "POST"])
def event(case_id: int, event: str):
    authz.require(current_user, authz.CASE_WRITE_ROLES, "change cases")
    if event not in EVENT_FORMS:
        abort(404)
    db = database()
    with db.reading() as session:
        data = casefile.case_dict(_load_case(session, case_id), clock.today(), db.policy)
    form = EVENT_FORMS[event]()
    _prepare(form, event, data)
    if request.method == "GET":
        if event not in data["allowed_events"]:
            flash(f"{EVENT_TITLES[event]} is not possible while the case is "
                  f"{p.STATE_LABELS[data['state']].lower()}.", "info")
            return redirect(url_for("cases.case", case_id=case_id))
        form.version.data = str(data["version"])
        return _event_page(form, event, data)
    form_errors: list[str] = []
    if form.validate_on_submit():
        version = form.version.data
        try:
            operations.fire_event(db, case_id, event, actor=current_user, on=form.on.data,
                                  expected_version=int(version) if version and version.isdigit() else None,
                                  **event_values(event, form, typed=request.form))
        except (Conflict, EventNotAllowed) as refused:
            form_errors = [refused.message]
        except CaseworkError as refused:
            if not attach_error(form, refused.field, refused.message, fallback="on"):
                form_errors = [refused.message]
        else:
            flash(f"{p.EVENT_LABELS[event]}: recorded on {data['reference']}.", "success")
            return redirect(url_for("cases.case", case_id=case_id))
    return _event_page(form, event, data, form_errors), 422


def _event_page(form: Any, event: str, case: dict[str, Any], form_errors: list[str] | None = None) -> str:
    autocomplete = " ".join(d.name for d in EVENTS[event].fields if d.type == "organisation")
    # What was typed into an autocomplete without choosing, shown again beside the refusal that names it.
    typed = {name: request.form.get(name + TYPED_SUFFIX, "") for name in autocomplete.split()}
    return render_template("cases/event.html", title=f"{EVENT_TITLES[event]}: {case['reference']}", form=form,
                           autocomplete=autocomplete, typed=typed,
                           event=event, heading=EVENT_TITLES[event], case=case,
                           errors=error_list(form, form_errors))


@bp.route("/<id:case_id>/history/<id:entry_id>/correct", methods=["GET", "POST"])
def correct_entry(case_id: int, entry_id: int):
    """A colleague's mistake put right on the page: the entry's right date, with why. The case is recomputed
    from its corrected history; the entry stays, marked corrected."""
    authz.require(current_user, authz.CASE_WRITE_ROLES, "correct cases")
    db = database()
    with db.reading() as session:
        data = casefile.case_dict(_load_case(session, case_id), clock.today(), db.policy)
        entry = next((e for e in replay.effective_history(session, case_id) if e.id == entry_id), None)
    if entry is None:
        abort(404)
    form = CorrectionForm()
    label = p.EVENT_LABELS.get(entry.event, entry.event)
    form_errors: list[str] = []
    if request.method == "GET":
        form.version.data = str(data["version"])
        form.on.data = entry.on
    elif form.validate_on_submit():
        version = form.version.data
        try:
            replay.correct_entry(db, case_id, actor=current_user, entry_id=entry_id, on=form.on.data,
                                 reason=form.reason.data,
                                 expected_version=int(version) if version and version.isdigit() else None)
        except CaseworkError as refused:
            placed = refused.field in ("on", "reason") and attach_error(form, refused.field, refused.message)
            form_errors = [] if placed else [refused.message]
        else:
            flash(f"{label}: corrected to {p.long_date(form.on.data)}. The case was recomputed.", "success")
            return redirect(url_for("cases.case", case_id=case_id))
    status = 422 if request.method == "POST" else 200
    return render_template("cases/correct.html", title=f"Correct an entry: {data['reference']}", form=form,
                           case=data, entry=entry, label=label, errors=error_list(form, form_errors)), status
