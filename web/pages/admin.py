"""The administrator's pages: who can use the service, in which role and organisation, and the wording of
the letters (each save a new version; the law's required elements are checked before it is kept).

Passwords are set here and stored only as argon2 hashes; an adviser must belong to one organisation,
because that organisation is all an adviser can see.
"""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select

from casework import access as authz
from casework import accounts
from casework.core.errors import CaseworkError
from casework.law.letters import LETTER_KINDS
from casework.letters import templates
from casework.models import User
from web import database
from web.pages.access import section
from web.pages.forms import LetterTemplateForm, UserForm, attach_error, error_list
from web.pages.presenters import date_time

bp = section("admin", authz.ADMIN_ROLES, "manage users", "/admin")



@bp.get("/users")
def users():
    with database().reading() as session:
        people = session.scalars(select(User).order_by(User.role, User.username)).all()
        rows = [{"username": u.username, "role": u.role, "organisation": u.organisation.name if u.organisation else "",
                 "email": u.email or "", "active": u.active} for u in people]
    return render_template("admin/users.html", title="Users", users=rows)


@bp.route("/users/new", methods=["GET", "POST"])
def new_user():
    form = UserForm()
    form_errors: list[str] = []
    if form.validate_on_submit():
        try:
            user = accounts.create_user(database(), form.username.data, form.role.data,
                                        organisation=(form.organisation.data or "").strip() or None,
                                        email=(form.email.data or "").strip() or None, password=form.password.data)
        except CaseworkError as refused:
            field = {"org": "organisation"}.get(refused.field or "", refused.field)
            if not attach_error(form, field, refused.message.replace("give --org", "enter the organisation")):
                form_errors = [refused.message]
        else:
            flash(f"Added {user.username}.", "success")
            return redirect(url_for("admin.users"))
    status = 422 if form.is_submitted() else 200
    return render_template("admin/new_user.html", title="Add a user", form=form,
                           errors=error_list(form, form_errors)), status


@bp.get("/letters")
def letter_templates():
    with database().reading() as session:
        rows = []
        for kind in LETTER_KINDS.values():
            saved = templates.current(session, kind.name)
            rows.append({"kind": kind.name, "title": kind.title,
                         "version": saved.version if saved else None,
                         "saved": f"{saved.created_by}, {date_time(saved.created_at)}" if saved else None})
    return render_template("admin/letters.html", title="Letter wording", rows=rows)


@bp.route("/letters/<kind>", methods=["GET", "POST"])
def letter_template(kind: str):
    if kind not in LETTER_KINDS:
        abort(404)
    letter_kind = LETTER_KINDS[kind]
    form = LetterTemplateForm()
    form_errors: list[str] = []
    if form.validate_on_submit():
        try:
            saved = templates.save(database(), kind, form.body.data, actor=current_user, note=form.note.data)
        except CaseworkError as refused:
            if not attach_error(form, refused.field, refused.message, fallback="body"):
                form_errors = [refused.message]
        else:
            flash(f"Saved version {saved.version} of '{letter_kind.title}'. Letters produced from now on use it.",
                  "success")
            return redirect(url_for("admin.letter_template", kind=kind))
    with database().reading() as session:
        saved_versions = [{"version": v.version, "by": v.created_by, "at": v.created_at, "note": v.note}
                          for v in templates.versions(session, kind)]
        current = templates.current(session, kind)
    if request.method == "GET":
        form.body.data = current.body if current else templates.default_body(kind)
    status = 422 if form.is_submitted() else 200
    return render_template("admin/letter.html", title=f"Letter wording: {letter_kind.title}", kind=letter_kind,
                           form=form, versions=saved_versions, errors=error_list(form, form_errors)), status
