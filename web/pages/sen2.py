"""The SEN2 return on the pages: the manager's page (check the return, see the findings, download it) and the
form on which a caseworker records a case's SEN2 details."""

from __future__ import annotations

import re
from collections import Counter
from typing import Any

from flask import Response, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user

from casework import access as authz
from casework.core import clock
from casework.core.errors import CaseworkError, NotFound
from casework.law import codes
from casework.reporting import sen2
from casework.reporting.sen2 import details
from web import database, limits
from web.pages.access import section
from web.pages.forms import Sen2DetailsForm, attach_error, error_list

bp = section("sen2", authz.REPORT_ROLES, "see the SEN2 return", "/sen2")
case_bp = section("sen2_case", authz.CASE_WRITE_ROLES, "record a case's SEN2 details", "/cases")

FLAG_FIELDS = ("youth_accommodation", "residential", "work_based_learning")
PLACEMENT_FIELDS = {"named_main": ("named", 1), "named_second": ("named", 2), "attended_main": ("attended", 1),
                    "attended_second": ("attended", 2)}
DIGITS = re.compile(r"[0-9]+")


def _la_code() -> str:
    return current_app.config["EHCP_SETTINGS"]["service"]["la_code"]


def _default_year() -> int:
    """The next January census once the year's activity is complete: this January's until December."""
    today = clock.today()
    return today.year + 1 if today.month == 12 else today.year


def _year() -> tuple[int, str | None]:
    raw = request.args.get("year", "").strip()
    if not raw:
        return _default_year(), None
    number = limits.whole_number(raw)
    if number is None or not sen2.FIRST_YEAR <= number <= sen2.LAST_YEAR:
        return _default_year(), (f"Enter a census year from {sen2.FIRST_YEAR} to {sen2.LAST_YEAR}, like "
                                 f"{_default_year()}")
    return number, None


def _by_person(found: sen2.Sen2Return) -> list[dict[str, Any]]:
    people: dict[Any, dict[str, Any]] = {}
    for f in found.findings:
        key = f.person_id if f.person_id is not None else f.person
        entry = people.setdefault(key, {"person": f.person or "The file as a whole", "findings": [], "errors": 0})
        entry["findings"].append(f)
        entry["errors"] += f.severity == "error"
    return sorted(people.values(), key=lambda p: (p["errors"] == 0,))


@bp.get("", endpoint="sen2")
def sen2_page():
    """Builds and checks the return only when a year is asked for: the check reads every case of the
    reporting year, so opening the page to reach the button must not cost a whole check, and a mistyped year
    must not cost one either (it is refused beside the box, 422, with nothing built)."""
    year, year_error = _year()
    asked = bool(request.args.get("year", "").strip()) and not year_error
    found, by_rule, people = None, [], []
    if asked:
        with database().reading() as session:
            found = sen2.make_return(session, year, _la_code())
        counted = Counter(f.rule for f in found.findings)
        by_rule = [{"rule": rule, "count": counted[rule.id]} for rule in sen2.rules.RULES_BY_ID.values()
                   if counted[rule.id]]
        people = _by_person(found)
    errors = [{"text": year_error, "href": "#year"}] if year_error else []
    page = render_template("sen2/return.html", title="SEN2 return", year=year, year_error=year_error,
                           found=found, by_rule=by_rule, people=people, errors=errors,
                           period=sen2.reporting_period(year))
    return page, 422 if year_error else 200


@bp.get("/download", endpoint="download")
def download():
    year, year_error = _year()
    if year_error:
        return redirect(url_for("sen2.sen2", year=request.args.get("year", "")))
    with database().reading() as session:
        found = sen2.make_return(session, year, _la_code())
    if found.errors:
        flash(f"The return for January {year} has {len(found.errors)} errors to put right before it can be "
              "downloaded.", "important")
        return redirect(url_for("sen2.sen2", year=year))
    return Response(found.document, mimetype="application/xml",
                    headers={"Content-Disposition": f'attachment; filename="sen2-{year}.xml"'})


# --------------------------------------------------------------------------------------------------- a case's details

def _placement(typed: str) -> dict[str, str]:
    """A placement as typed: its URN or UKPRN by the count of its digits, else an SEN setting code."""
    text = typed.strip().upper()
    if DIGITS.fullmatch(text):
        return {"urn": text} if len(text) != 8 else {"ukprn": text}
    return {"sen_setting": text}


def _values(form: Sen2DetailsForm) -> dict[str, Any]:
    values: dict[str, Any] = {
        "request_source": int(form.request_source.data) if (form.request_source.data or "").isdigit() else None,
        "personal_budget": list(form.personal_budget.data or []),
        "transfer_la": (form.transfer_la.data or "").strip() or None,
        "placements": [], "sen_needs": [],
    }
    for name in FLAG_FIELDS:
        values[name] = {"yes": True, "no": False}.get(form[name].data or "")
    for name, (kind, rank) in PLACEMENT_FIELDS.items():
        typed = form[name].data or ""
        if typed.strip():
            values["placements"].append({"kind": kind, "rank": rank, **_placement(typed)})
    for code, rank in ((form.primary_need.data, 1), (form.secondary_need.data, 2)):
        if code:
            values["sen_needs"].append({"code": code, "rank": rank})
    return values


def _fill(form: Sen2DetailsForm, current: dict[str, Any]) -> None:
    form.request_source.data = str(current["request_source"] or "")
    for name in FLAG_FIELDS:
        form[name].data = {True: "yes", False: "no"}.get(current[name], "")
    form.personal_budget.data = list(current["personal_budget"])
    form.transfer_la.data = current["transfer_la"] or ""
    for name, (kind, rank) in PLACEMENT_FIELDS.items():
        found = next((p for p in current["placements"] if p["kind"] == kind and p["rank"] == rank), None)
        form[name].data = next((found[k] for k in ("urn", "ukprn", "sen_setting") if found and k in found), "")
    needs = {n["rank"]: n["code"] for n in current["sen_needs"]}
    form.primary_need.data, form.secondary_need.data = needs.get(1, ""), needs.get(2, "")


def _field_for(field: str | None) -> str | None:
    """The form's field for a refusal's field (``placements[1].urn`` is the second placement typed)."""
    if not field:
        return None
    if field.startswith("sen_needs"):
        return "secondary_need" if "[1]" in field else "primary_need"
    if field.startswith("personal_budget"):
        return "personal_budget"
    return field


@case_bp.route("/<id:case_id>/sen2", methods=["GET", "POST"], endpoint="details")
def case_details(case_id: int):
    with database().reading() as session:
        case = authz.visible_case(session, current_user, case_id)
        reference = case.reference
        current = details.as_dict(details.current(session, case.id))
    form = Sen2DetailsForm()
    form_errors: list[str] = []
    if not form.is_submitted():
        _fill(form, current)
    elif form.validate_on_submit():
        values = _values(form)
        try:
            details.record(database(), case_id, actor=current_user, details=values)
        except NotFound:
            raise
        except CaseworkError as refused:
            target = _field_for(refused.field)
            if refused.field and refused.field.startswith("placements"):
                typed = [n for n in PLACEMENT_FIELDS if (form[n].data or "").strip()]
                index = int(refused.field[11]) if refused.field[10:11] == "[" else None
                target = typed[index] if index is not None and index < len(typed) else None
            if not attach_error(form, target, refused.message):
                form_errors.append(refused.message)
        else:
            flash("SEN2 details saved.", "success")
            return redirect(url_for("cases.case", case_id=case_id))
    status = 422 if form.is_submitted() else 200
    return render_template("sen2/details.html", title=f"SEN2 return details for {reference}", case_id=case_id,
                           reference=reference, form=form, errors=error_list(form, form_errors),
                           settings=codes.SEN_SETTINGS), status
