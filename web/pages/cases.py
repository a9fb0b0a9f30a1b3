"""The caseworker's pages: the caseload, a new request, a case, and one form page per event.

Each event page is reached from the case page only when the case's state allows that event; the form posts
to the same operation the API calls, so a refusal (a date out of order, a window still open, someone else's
change) comes back from casework and is shown next to the field it is about.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import exists
from werkzeug.utils import secure_filename

from casework import access as authz
from casework import disputes, documents, letters, operations
from casework.cases import casefile, replay
from casework.cases import caseload as caseload_lists
from casework.core import clock
from casework.core.errors import CaseworkError, Conflict, EventNotAllowed
from casework.deadlines import status as deadline_status
from casework.law import rules
from casework.law.events import CONSULTED_KINDS, EVENTS
from casework.models import Case, Deadline, Document, Letter, Person, User
from casework.people import profile
from web import database, files, limits
from web.pages import presenters as p
from web.pages import timeline
from web.pages.access import section
from web.pages.allocation import caseworker_choices
from web.pages.directory import organisation_choices
from web.pages.disputes import STEP_TITLES
from web.pages.family import family_record
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
    event_field,
    event_values,
)
from web.pages.paging import pagination
from web.pages.transfers import steps_now as transfer_steps_now
from workflows import ehcp

bp = section("cases", authz.CASE_ROLES, "open cases", "/cases")
PER_PAGE = 25


def _late(today: dt.date, excused: bool) -> Any:
    """A duty already late on the case, with (excused) or without an exception that applies: the case's next
    deadline has passed (the indexed copy) and such a duty exists."""
    condition = deadline_status.excused_sql(today)
    return exists().where(Deadline.case_id == Case.id, Deadline.is_duty.is_(True), Deadline.met_on.is_(None),
                          Deadline.cancelled_on.is_(None), Deadline.superseded_at.is_(None), Deadline.due_on < today,
                          condition if excused else ~condition)


def _filters(filters: CaseloadFilterForm, view: str, officer: str | None,
             today: dt.date) -> caseload_lists.CaseloadFilters:
    extra = [*caseload_lists.view_conditions(view, current_user)]
    if officer:
        extra.append(caseload_lists.assigned_to_condition(officer))
    due = filters.due.data
    if due == "overdue":  # late with no exception that applies: a breach to chase
        extra.append(_late(today, excused=False))
    elif due == "excused":  # late, but an exception applies: owed as soon as practicable
        extra.append(_late(today, excused=True))
    return caseload_lists.CaseloadFilters(
        state=filters.state.data if filters.state.data in ehcp.STATES else None,
        overdue=True if due in ("overdue", "excused") else None,
        due_soon=due == "due_soon",
        q=filters.q.data,
        extra=tuple(extra),
        # the extra conditions are made from these values alone, so the list's count can be kept for them
        extra_key=(view, current_user.id, officer, due, today),
    )


def _view() -> str:
    """Whose cases: mine, the team's, the unallocated, or all. ``mine=yes|no`` is the older spelling."""
    asked = request.args.get("view") or {"yes": "mine", "no": "all"}.get(request.args.get("mine", ""), "")
    if asked in caseload_lists.VIEWS:
        return asked
    return "mine" if current_user.role == "caseworker" else "all"


@bp.get("")
def caseload(errors: list[dict[str, str]] | None = None, chosen: tuple[list[str], str] = ([], "")):
    filters = CaseloadFilterForm(request.args, meta={"csrf": False})
    view = _view()
    officer = (request.args.get("assigned_to") or "").strip()[:100] or None
    page_number = limits.whole_number(request.args.get("page", "1"))
    page_error = None
    if page_number is None or not 1 <= page_number <= limits.MAX_PAGE:
        page_error, page_number = "Page numbers are whole numbers from 1; the first page is shown.", 1
    db = database()
    today = clock.today()
    with db.reading() as session:
        found = caseload_lists.caseload_rows(session, current_user, _filters(filters, view, officer, today),
                                             page=page_number, per_page=PER_PAGE, today=today, policy=db.policy)
        items = [{"case": row, "next_due": row.next_due_on, "next_kind": row.next_due_kind,
                  "next_status": caseload_lists.next_status(row, today, db.policy)} for row in found.items]
        officers = caseworker_choices(session)
    errors = list(errors or []) + ([{"text": page_error}] if page_error else [])
    html = render_template("cases/caseload.html", title="Cases", filters=filters, items=items, total=found.total,
                           page=found.page, pages=found.pages, view=view, views=caseload_lists.VIEW_LABELS,
                           officer=officer, pagination=pagination("cases.caseload", found.page, found.pages),
                           errors=errors, officers=officers, chosen_ids=chosen[0],
                           chosen_officer=chosen[1])
    return html, 422 if errors else 200


@bp.route("/new", methods=["GET", "POST"])
def new_request():
    authz.require(current_user, authz.CASE_WRITE_ROLES, "log requests")
    form = NewRequestForm()
    form.caseworker.choices = [choice("", "Leave in the intake queue")] + caseworker_choices()
    if form.validate_on_submit():
        with database().reading() as session:
            officer = next((u for u in operations.allocatable(session) if u.username == form.caseworker.data), None)
        if form.caseworker.data and officer is None:
            form.caseworker.errors = ["Choose a caseworker from the list"]
            return _new_request_page(form), 422
        try:
            case = operations.create_case(
                database(), assigned_caseworker_id=officer.id if officer is not None else None,
                actor=current_user, given_name=form.given_name.data,
                family_name=form.family_name.data, date_of_birth=form.date_of_birth.data,
                received_on=form.received_on.data, requested_by=form.requested_by.data,
                primary_need=form.primary_need.data or None,
            )
        except CaseworkError as refused:
            form_errors = [] if attach_error(form, refused.field, refused.message) else [refused.message]
            return _new_request_page(form, form_errors), 422
        where = f"allocated to {officer.username}" if officer is not None else "in the intake queue"
        flash(f"Request logged as {case.reference}, {where}. The 6-week decision and 20-week plan clocks have "
              "started.", "success")
        return redirect(url_for("cases.case", case_id=case.id))
    return _new_request_page(form), 422 if form.is_submitted() else 200


def _new_request_page(form: NewRequestForm, form_errors: list[str] | None = None) -> str:
    return render_template("cases/new.html", title="Log a request for an EHC needs assessment", form=form,
                           errors=error_list(form, form_errors))


def _load_case(session, case_id: int, *, whole: bool = False) -> Case:
    """A case hidden from this user answers the same 404 page as a missing one."""
    return authz.visible_case(session, current_user, case_id, whole=whole)


def _name_the_advice(history: list[dict[str, Any]], advice_requests: list[dict[str, Any]]) -> None:
    """An entry about one advice request says which ("Health advice from Northbridge NHS Trust, asked on 2
    October 2024"), so a case with several requests reads plainly."""
    named = {a["id"]: f"{p.ADVICE_TYPE_LABELS.get(a['advice_type'], a['advice_type'])} advice from "
                      f"{a['organisation']}, asked on {p.long_date(a['requested_on'])}" for a in advice_requests}
    for entry in history:
        advice_id = (entry.get("fields") or {}).get("advice_request_id")
        if advice_id in named:
            entry["about"] = named[advice_id]


def consulted(history: list[dict[str, Any]]) -> dict[int, str]:
    """Each consultation named by the entry that recorded it, as the entry now reads ("Oak Primary School,
    consulted on 3 March 2025"): a consultation has no row of its own to carry the school's name."""
    named: dict[int, str] = {}
    for entry in history:
        if entry["event"] == "consult_school":
            reads = entry.get("now_reads") or entry
            named[entry["id"]] = f"{reads['fields'].get('organisation')}, consulted on {p.long_date(reads['on'])}"
    return named


def _name_the_consultations(history: list[dict[str, Any]], deadlines: list[dict[str, Any]]) -> None:
    """A consultation's deadline, and the answer that met it, say which school it was."""
    named = consulted(history)
    for d in deadlines:
        if d["consultation_id"] in named:
            d["about"] = named[d["consultation_id"]]
    for entry in history:
        consultation = (entry.get("fields") or {}).get("consultation")
        if consultation in named:
            entry["about"] = named[consultation]


@bp.get("/<id:case_id>")
def case(case_id: int):
    return _case_page(case_id, DocumentForm())


def _case_page(case_id: int, form: DocumentForm, form_errors: list[str] | None = None) -> str:
    db = database()
    today = clock.today()
    with db.reading() as session:
        found = _load_case(session, case_id, whole=True)
        data = casefile.case_dict(found, today, db.policy)
        entries = replay.case_entries(session, case_id)  # read once: the timeline and the contacts log show it
        history = replay.history_view(session, case_id, entries)
        caseworker = session.get(User, found.assigned_caseworker_id) if found.assigned_caseworker_id else None
        data["assigned_caseworker"] = caseworker.display_name if caseworker else None
        case_letters = [letters.as_dict(x) for x in session.scalars(
            authz.letters_query(current_user).where(Letter.case_id == case_id).order_by(Letter.id))]
        case_documents = [documents.as_dict(x) for x in session.scalars(
            authz.documents_query(current_user).where(Document.case_id == case_id).order_by(Document.id))]
        person = session.get(Person, found.person_id)
        family = family_record(session, person)
        person_history = profile.history(session, person.id)
        communications = operations.communications(session, case_id, entries)
        has_disputes = bool(disputes.disputes_of(session, case_id))
        transfer_steps = transfer_steps_now(session, found) if current_user.role in authz.CASE_WRITE_ROLES else []
    _name_the_advice(history, data["advice_requests"])
    _name_the_consultations(history, data["deadlines"])
    shown = request.args.get("show")
    shown = shown if shown in timeline.KINDS else None
    contacts = {c["id"]: c["name"] for c in family["contacts"]}
    entries = timeline.build(list(reversed(history)), person_history, contacts, shown)
    events = [(event, EVENT_TITLES[event]) for event in data["allowed_events"] if event != "record_contact"]
    return render_template("cases/case.html", title=f"{data['reference']}: {data['child']['given_name']} "
                           f"{data['child']['family_name']}", case=data, timeline=entries, shown=shown,
                           kinds=timeline.KINDS, family=family, communications=communications,
                           can_log="record_contact" in data["allowed_events"],
                           dispute_steps=list(STEP_TITLES.items()) if has_disputes else [],
                           transfer_steps=transfer_steps,
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


def _prepare(form: Any, event: str, case: dict[str, Any], named: dict[int, str] | None = None) -> None:
    """Fill the choices that depend on the case: its outstanding advice requests, its consultations still waiting
    for an answer (``named`` by ``consulted``) and its deadlines."""
    if event == "record_school_response":
        form.consultation.choices = [choice("", "Choose the consultation")] + [
            choice(str(d["consultation_id"]), f"{(named or {}).get(d['consultation_id'], 'A school consulted')} "
                                              f"(answer due {p.long_date(d['due_on'])})")
            for d in case["deadlines"]
            if d["consultation_id"] is not None and d["status"] in deadline_status.OPEN
        ]
    if event in ("record_advice", "void_advice_request"):
        form.advice_request_id.choices = [choice("", "Choose the advice request")] + [
            choice(str(a["id"]), f"{p.ADVICE_TYPE_LABELS[a['advice_type']]} advice from {a['organisation']}, "
                                 f"requested {p.long_date(a['requested_on'])}")
            for a in case["advice_requests"] if a["outstanding"]
        ]
    for declared in EVENTS[event].fields:
        if declared.type == "organisation":
            kinds = CONSULTED_KINDS if event == "consult_school" else None  # only a school is consulted on naming
            form[declared.name].choices = [choice("", "Choose the organisation")] + organisation_choices(kinds)
        if declared.type == "caseworker":
            form[declared.name].choices = [choice("", "Choose the caseworker")] + caseworker_choices()
    if event == "withdraw_exception":
        form.exception_id.choices = [choice("", "Choose the exception")] + [
            choice(str(e["id"]), f"{p.EXCEPTION_LABELS[e['reason']]}, {p.long_date(e['starts_on'])} to "
                                 f"{p.long_date(e['ends_on'])}, recorded {p.long_date(e['recorded_on'])}")
            for e in case["exceptions"] if e["withdrawn_on"] is None
        ]
    if event == "record_exception":
        # The coronavirus reason is offered only when one of the case's limits ran in its 2020 period.
        start, end = rules.CORONAVIRUS_PERIOD
        ran_then = any(dt.date.fromisoformat(d["starts_on"]) <= end and dt.date.fromisoformat(d["due_on"]) >= start
                       for d in case["deadlines"])
        if not ran_then:
            form.reason.choices = [c for c in form.reason.choices if c.value != rules.CORONAVIRUS]
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
        named = consulted(replay.history_view(session, case_id)) if event == "record_school_response" else None
    form = EVENT_FORMS[event]()
    _prepare(form, event, data, named)
    if request.method == "GET":
        if event not in data["allowed_events"]:
            flash(f"{EVENT_TITLES[event]} is not possible while the case is "
                  f"{p.STATE_LABELS[data['state']].lower()}.", "info")
            return redirect(url_for("cases.case", case_id=case_id))
        form.version.data = str(data["version"])
        for name in ("advice_request_id", "exception_id", "consultation"):  # chosen already on the case page's link
            if name in form._fields and request.args.get(name, "").isdigit():
                form[name].data = request.args[name]
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


# Fields a correction may put right on the page; those naming a thing on the case (an advice request, an
# exception, the limits covered, an organisation) are put right over the API, where the thing is named by id.
CORRECTABLE_TYPES = ("text", "long_text", "choice", "date", "year", "whole_number")


def _correctable_fields(event: str) -> list[Any]:
    spec = EVENTS.get(event)
    return [d for d in spec.fields if d.type in CORRECTABLE_TYPES] if spec else []


def _correction_form(event: str) -> type[CorrectionForm]:
    """The correction form with the entry's own details to put right beside its date."""
    fields = {d.name: event_field(d) for d in _correctable_fields(event)}
    return type("EntryCorrectionForm", (CorrectionForm,), fields) if fields else CorrectionForm


def _as_form_value(declared: Any, value: Any) -> Any:
    if declared.type == "date" and isinstance(value, str):
        return dt.date.fromisoformat(value)
    return str(value) if value is not None and declared.type != "date" else value


def _changes(event: str, form: Any, stored: dict[str, Any]) -> dict[str, Any]:
    """What the form says differently from the entry, as the entry stores it (dates as ISO, numbers as numbers)."""
    changes: dict[str, Any] = {}
    for declared in _correctable_fields(event):
        data = form[declared.name].data
        value = (data.strip() or None) if isinstance(data, str) else data
        if isinstance(value, dt.date):
            value = value.isoformat()
        elif value is not None and (declared.type in ("year", "whole_number")
                                    or any(isinstance(c, int) for c in declared.choices)):
            value = int(value) if str(value).isdigit() else value
        if value != stored.get(declared.name):
            changes[declared.name] = value
    return changes


@bp.route("/<id:case_id>/history/<id:entry_id>/correct", methods=["GET", "POST"])
def correct_entry(case_id: int, entry_id: int):
    """A colleague's mistake put right on the page: the entry's right date or details, with why. The case is
    recomputed from its corrected history; the entry stays, marked corrected."""
    authz.require(current_user, authz.CASE_WRITE_ROLES, "correct cases")
    db = database()
    with db.reading() as session:
        data = casefile.case_dict(_load_case(session, case_id), clock.today(), db.policy)
        entry = next((e for e in replay.effective_history(session, case_id) if e.id == entry_id), None)
    if entry is None:
        abort(404)
    form = _correction_form(entry.event)()
    label = p.EVENT_LABELS.get(entry.event, entry.event)
    form_errors: list[str] = []
    if request.method == "GET":
        form.version.data = str(data["version"])
        form.on.data = entry.on
        for declared in _correctable_fields(entry.event):
            form[declared.name].data = _as_form_value(declared, entry.fields.get(declared.name))
    elif form.validate_on_submit():
        version = form.version.data
        try:
            replay.correct_entry(db, case_id, actor=current_user, entry_id=entry_id,
                                 on=form.on.data if form.on.data != entry.on else None, reason=form.reason.data,
                                 changes=_changes(entry.event, form, entry.fields),
                                 expected_version=int(version) if version and version.isdigit() else None)
        except CaseworkError as refused:
            placed = refused.field in form._fields and attach_error(form, refused.field, refused.message)
            form_errors = [] if placed else [refused.message]
        else:
            flash(f"{label} of {p.long_date(form.on.data)}: corrected. The case was recomputed from its history.",
                  "success")
            return redirect(url_for("cases.case", case_id=case_id))
    status = 422 if request.method == "POST" else 200
    own = [form[d.name] for d in _correctable_fields(entry.event)]
    return render_template("cases/correct.html", title=f"Correct an entry: {data['reference']}", form=form,
                           case=data, entry=entry, label=label, own_fields=own,
                           errors=error_list(form, form_errors)), status
