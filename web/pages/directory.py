"""The administrator's pages for the directory of organisations: list, add and change.

Advice is asked only of organisations in the directory and advisers belong to one of them, so a new
installation loads its directory here (or with ``ehcp organisations add``) before its advisers.
"""

from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from sqlalchemy import func, select

from casework import access as authz
from casework import organisations
from casework.core.errors import CaseworkError, NotFound
from casework.law.codes import ORGANISATION_KIND_LABELS
from casework.models import Organisation, User
from web import database
from web.pages.access import section
from web.pages.forms import OrganisationForm, attach_error, choice, error_list

bp = section("directory", authz.ADMIN_ROLES, "keep the directory of organisations", "/admin/organisations")


def organisation_choices(kinds: tuple[str, ...] | None = None) -> list:
    """The directory as the options of a list, in name order (the Request advice page's organisation), of those
    kinds only when given (a school consulted)."""
    with database().reading() as session:
        return [choice(str(o.id), o.name) for o in organisations.directory(session, kinds)]


@bp.get("", endpoint="organisations")
def organisations_list():
    with database().reading() as session:
        members = dict(session.execute(select(User.organisation_id, func.count()).where(
            User.organisation_id.is_not(None), User.role == "adviser").group_by(User.organisation_id)).all())
        rows = [{"id": o.id, "name": o.name, "kind": ORGANISATION_KIND_LABELS.get(o.kind, o.kind),
                 "reference": " ".join(filter(None, (f"URN {o.urn}" if o.urn else None,
                                                     f"UKPRN {o.ukprn}" if o.ukprn else None))),
                 "advisers": members.get(o.id, 0)} for o in organisations.directory(session)]
    return render_template("directory/list.html", title="Organisations", organisations=rows)


def _save(form: OrganisationForm, organisation_id: int | None) -> tuple[Organisation | None, bool, list[str]]:
    """Add or change the organisation from the form: (it, whether it is new, messages for the summary)."""
    try:
        if organisation_id is None:
            found, created = organisations.add_organisation(database(), form.name.data, form.kind.data,
                                                            urn=form.urn.data, ukprn=form.ukprn.data)
            return found, created, []
        return organisations.change_organisation(database(), organisation_id, form.name.data, form.kind.data,
                                                 urn=form.urn.data, ukprn=form.ukprn.data), False, []
    except NotFound:
        raise
    except CaseworkError as refused:
        if not attach_error(form, refused.field, refused.message):
            return None, False, [refused.message]
        return None, False, []


@bp.route("/new", methods=["GET", "POST"])
def new_organisation():
    form = OrganisationForm()
    form_errors: list[str] = []
    if form.validate_on_submit():
        found, created, form_errors = _save(form, None)
        if found is not None:
            flash(f"Added {found.name} to the directory." if created else
                  f"{found.name} is already in the directory: nothing was changed.", "success")
            return redirect(url_for("directory.organisations"))
    status = 422 if form.is_submitted() else 200
    return render_template("directory/form.html", title="Add an organisation", heading="Add an organisation",
                           form=form, errors=error_list(form, form_errors)), status


@bp.route("/<id:organisation_id>/edit", methods=["GET", "POST"])
def edit_organisation(organisation_id: int):
    with database().reading() as session:
        current = session.get(Organisation, organisation_id)
        if current is None:
            raise NotFound(f"There is no organisation {organisation_id}.")
        before = organisations.as_dict(current)
    form = OrganisationForm()
    form_errors: list[str] = []
    if not form.is_submitted():
        form.name.data, form.kind.data = before["name"], before["kind"]
        form.urn.data, form.ukprn.data = before["urn"] or "", before["ukprn"] or ""
    elif form.validate_on_submit():
        found, _created, form_errors = _save(form, organisation_id)
        if found is not None:
            flash(f"Saved {found.name}.", "success")
            return redirect(url_for("directory.organisations"))
    status = 422 if form.is_submitted() else 200
    return render_template("directory/form.html", title=f"Change {before['name']}", heading=f"Change {before['name']}",
                           form=form, errors=error_list(form, form_errors)), status
