"""The administrator's pages: who can use the service, in which role and organisation.

Passwords are set here and stored only as argon2 hashes; an adviser must belong to one organisation,
because that organisation is all an adviser can see.
"""

from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from sqlalchemy import select

from casework import access as authz
from casework import accounts
from casework.core.errors import CaseworkError
from casework.models import User
from web import database
from web.pages.access import section
from web.pages.forms import UserForm, attach_error, error_list

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
