"""The administrator's pages: who can use the service, in which role and organisation, and the wording of
the letters (each save a new version; the law's required elements are checked before it is kept).

Passwords are set here and stored only as argon2 hashes; an adviser must belong to one organisation,
because that organisation is all an adviser can see.
"""

from __future__ import annotations

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import func, select

from casework import access as authz
from casework import accounts
from casework.core.errors import CaseworkError
from casework.law.letters import LETTER_KINDS
from casework.letters import templates
from casework.models import User
from web import database
from web.pages.access import section
from web.pages.forms import (
    ActionForm,
    EditUserForm,
    LetterTemplateForm,
    SetPasswordForm,
    UserForm,
    attach_error,
    error_list,
)
from web.pages.presenters import date_time

bp = section("admin", authz.ADMIN_ROLES, "manage users", "/admin")


USERS_PER_PAGE = 50


@bp.get("/users")
def users():
    page = max(1, min(request.args.get("page", 1, type=int) or 1, 100_000))
    with database().reading() as session:
        total = session.scalar(select(func.count(User.id))) or 0
        people = session.scalars(select(User).order_by(User.role, User.username, User.id)
                                 .limit(USERS_PER_PAGE).offset((page - 1) * USERS_PER_PAGE)).all()
        rows = [{"id": u.id, "username": u.username, "role": u.role,
                 "organisation": u.organisation.name if u.organisation else "", "email": u.email or "",
                 "active": u.active, "paused": accounts.is_paused(u), "no_password": not u.password_hash}
                for u in people]
    pages = max(1, -(-total // USERS_PER_PAGE))
    return render_template("admin/users.html", title="Users", users=rows, page=page, pages=pages)


def _settings() -> dict:
    return current_app.config["EHCP_SETTINGS"]


def _link_for(key: str) -> str:
    return _settings()["service"]["base_url"].rstrip("/") + url_for("auth.set_password", key=key)


@bp.route("/users/new", methods=["GET", "POST"])
def new_user():
    form = UserForm()
    form_errors: list[str] = []
    if form.validate_on_submit():
        try:
            user = accounts.create_user(database(), form.username.data, form.role.data,
                                        organisation=(form.organisation.data or "").strip() or None,
                                        email=(form.email.data or "").strip() or None,
                                        password=form.password.data or None, actor=current_user)
        except CaseworkError as refused:
            field = {"org": "organisation"}.get(refused.field or "", refused.field)
            if not attach_error(form, field, refused.message.replace("give --org", "enter the organisation")):
                form_errors = [refused.message]
        else:
            if form.password.data:
                flash(f"Added {user.username}.", "success")
                return redirect(url_for("admin.users"))
            return _show_link(user)
    status = 422 if form.is_submitted() else 200
    return render_template("admin/new_user.html", title="Add a user", form=form,
                           errors=error_list(form, form_errors)), status


def _show_link(user: User):
    """Make a one-time link for the user, mail it when they have an address, and show it to the administrator."""
    hours = int(_settings()["web"]["password_link_hours"])
    link = _link_for(accounts.create_password_link(database(), user.username, hours, actor=current_user))
    mailed = bool(user.email) and _mail_link(user, link, hours)
    return render_template("admin/password_link.html", title=f"A link for {user.username} to set a password",
                           username=user.username, user_id=user.id, link=link, hours=hours, mailed=mailed,
                           email=user.email)


def _mail_link(user: User, link: str, hours: int) -> bool:
    """Send the link to the user's address; the page shows it either way, so a mail fault only says so."""
    from casework.mail.notify import send_message

    settings = _settings()
    try:
        authority = settings["service"]["authority_name"]
        send_message(settings, to=user.email or "", subject=f"Set your password for {authority} EHCP casework",
                     body=(f"An account has been made for you with the username {user.username}.\n\n"
                           f"Set your password here (the link works once, for {hours} hours):\n{link}\n"))
    except OSError:
        current_app.logger.warning("could not send the password link to user %s", user.id)
        return False
    return True


def _user_or_404(user_id: int) -> User:
    with database().reading() as session:
        user = session.get(User, user_id)
    if user is None:
        abort(404)
    return user


@bp.route("/users/<id:user_id>", methods=["GET", "POST"])
def user_detail(user_id: int):
    """One user: change their role, organisation and email; the buttons to disable, unlock and so on."""
    user = _user_or_404(user_id)
    form = EditUserForm()
    form_errors: list[str] = []
    if form.validate_on_submit():
        try:
            accounts.update_user(database(), user.username, role=form.role.data,
                                 organisation=form.organisation.data, email=form.email.data, actor=current_user)
        except CaseworkError as refused:
            field = {"org": "organisation"}.get(refused.field or "", refused.field)
            if not attach_error(form, field, refused.message.replace("give --org", "enter the organisation")):
                form_errors = [refused.message]
        else:
            flash(f"Saved the changes to {user.username}.", "success")
            return redirect(url_for("admin.user_detail", user_id=user_id))
    elif request.method == "GET":
        form.role.data = user.role
        form.organisation.data = user.organisation.name if user.organisation else ""
        form.email.data = user.email or ""
    with database().reading() as session:
        tokens = accounts.list_tokens(session, user.username)
    status = 422 if form.is_submitted() else 200
    return render_template("admin/user.html", title=f"User {user.username}", user=user, form=form,
                           paused=accounts.is_paused(user), tokens=tokens, action=ActionForm(),
                           password_form=SetPasswordForm(), errors=error_list(form, form_errors)), status


def _action(user_id: int, change, done: str):
    form = ActionForm()
    if not form.validate_on_submit():
        abort(400)
    user = _user_or_404(user_id)
    try:
        change(database(), user.username, actor=current_user)
    except CaseworkError as refused:
        flash(refused.message, "error")
    else:
        flash(done.format(username=user.username), "success")
    return redirect(url_for("admin.user_detail", user_id=user_id))


@bp.post("/users/<id:user_id>/disable")
def disable_user(user_id: int):
    return _action(user_id, accounts.disable_user,
                   "{username} is disabled: they are signed out everywhere and their API tokens are refused.")


@bp.post("/users/<id:user_id>/enable")
def enable_user(user_id: int):
    return _action(user_id, accounts.enable_user, "{username} can sign in again.")


@bp.post("/users/<id:user_id>/unlock")
def unlock_user(user_id: int):
    return _action(user_id, accounts.unlock_user, "{username} can try to sign in again now.")


@bp.post("/users/<id:user_id>/password-link")
def password_link(user_id: int):
    form = ActionForm()
    if not form.validate_on_submit():
        abort(400)
    return _show_link(_user_or_404(user_id))


@bp.route("/users/<id:user_id>/password", methods=["GET", "POST"])
def set_password(user_id: int):
    user = _user_or_404(user_id)
    form = SetPasswordForm()
    form_errors: list[str] = []
    if form.validate_on_submit():
        if form.password.data != form.confirm.data:
            attach_error(form, "confirm", "Enter the same password twice")
        else:
            try:
                accounts.set_password(database(), user.username, form.password.data, actor=current_user)
            except CaseworkError as refused:
                if not attach_error(form, refused.field, refused.message, fallback="password"):
                    form_errors = [refused.message]
            else:
                flash(f"Set a new password for {user.username}; they are signed out everywhere.", "success")
                return redirect(url_for("admin.user_detail", user_id=user_id))
    status = 422 if form.is_submitted() else 200
    return render_template("admin/set_password.html", title=f"Set a password for {user.username}", user=user,
                           form=form, errors=error_list(form, form_errors)), status


@bp.post("/users/<id:user_id>/tokens/<id:token_id>/revoke")
def revoke_token(user_id: int, token_id: int):
    form = ActionForm()
    if not form.validate_on_submit():
        abort(400)
    user = _user_or_404(user_id)
    with database().reading() as session:
        theirs = {t.id for t in accounts.list_tokens(session, user.username)}
    if token_id not in theirs:
        abort(404)
    accounts.revoke_token(database(), token_id, actor=current_user)
    flash(f"Revoked API token {token_id} of {user.username}.", "success")
    return redirect(url_for("admin.user_detail", user_id=user_id))


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
