"""Allocation pages: the intake queue of requests nobody has yet, allocating one case or many at once, and the
manager's view of each officer's caseload.

Every allocation goes through ``casework.operations.allocate`` (the ``assign_caseworker`` event), so each one
is an entry in the case's history with who made it and when.
"""

from __future__ import annotations

from typing import Any

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy.orm import Session

from casework import access as authz
from casework import operations
from casework.cases import allocation, caseload
from casework.core import clock
from casework.core.errors import CaseworkError
from web import database, limits
from web.pages.access import section
from web.pages.forms import choice
from web.pages.paging import page_asked, pagination, read_page

bp = section("allocation", authz.CASE_ROLES, "allocate cases", "/allocation")
# Where the allocation form may send a person back to: the lists that carry it.
RETURNS = {"intake": "allocation.intake", "caseload": "cases.caseload"}


def caseworker_choices(session: Session | None = None) -> list:
    """The officers who can hold cases, as the options of a list; read in the page's own session when it has
    one open, rather than in one more."""
    if session is None:
        with database().reading() as own:
            return caseworker_choices(own)
    return [choice(name, name) for name in allocation.allocatable_usernames(session)]


def _intake_rows(session, page: int) -> tuple[list[dict[str, Any]], int, int, int]:
    today = clock.today()
    rows, total, pages, page = read_page(session, caseload.intake_query(current_user), page)
    items = []
    for case, decision_due in rows:
        items.append({"case": case, "days_waiting": (today - case.received_on).days, "decision_due": decision_due,
                      "days_left": (decision_due - today).days if decision_due else None})
    return items, total, pages, page


@bp.get("/intake")
def intake(errors: list[dict[str, str]] | None = None, chosen: tuple[list[str], str] = ([], "")):
    page, page_error = page_asked()
    with database().reading() as session:
        items, total, pages, page = _intake_rows(session, page)
        officers = caseworker_choices(session)
    errors = list(errors or []) + ([{"text": page_error}] if page_error else [])
    html = render_template("allocation/intake.html", title="Intake: requests not yet allocated", items=items,
                           total=total, page=page, pages=pages, pagination=pagination("allocation.intake", page, pages),
                           officers=officers, errors=errors, chosen_ids=chosen[0],
                           chosen_officer=chosen[1])
    return html, 422 if errors else 200


@bp.post("")
def allocate():
    """Allocate the ticked cases to the officer chosen, all at once (one refused: none allocated)."""
    authz.require(current_user, authz.CASE_WRITE_ROLES, "allocate cases")
    back = request.form.get("back", "caseload")
    back = back if back in RETURNS else "caseload"
    raw_ids = request.form.getlist("case_ids")
    numbers = (limits.whole_number(v) for v in raw_ids)
    case_ids = [n for n in numbers if n is not None and limits.FIRST_ID <= n <= limits.LAST_ID]
    officer = (request.form.get("caseworker") or "").strip()
    errors = []
    if not case_ids:
        errors.append({"text": "Select at least one case to allocate", "href": "#allocation-cases"})
    if not officer:
        errors.append({"text": "Select the caseworker to allocate the cases to", "href": "#caseworker"})
    if not errors:
        try:
            done = operations.allocate(database(), case_ids, caseworker=officer, actor=current_user)
        except CaseworkError as refused:
            errors.append({"text": refused.message, "href": "#caseworker"})
        else:
            count = len(done)
            flash(f"{count} case{'s' if count != 1 else ''} allocated to {officer}." if count else
                  f"The cases chosen were already allocated to {officer}.", "success")
            return redirect(url_for(RETURNS[back]))
    if back == "intake":
        return intake(errors=errors, chosen=(raw_ids, officer))
    from web.pages.cases import caseload as caseload_page

    return caseload_page(errors=errors, chosen=(raw_ids, officer))


@bp.get("/team")
def team():
    """Each officer's open cases, those with something overdue and those with something due soon."""
    authz.require(current_user, authz.REPORT_ROLES, "see the team's caseloads")
    db = database()
    with db.reading() as session:
        counts = caseload.officer_counts(session, current_user, clock.today(), db.policy)
        unallocated = caseload.unallocated_open(session, current_user)
    return render_template("allocation/team.html", title="Caseloads by caseworker", counts=counts,
                           unallocated=unallocated, errors=[])
