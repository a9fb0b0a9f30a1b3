"""The family record from the case page: the child's details, their school or setting and identifiers, and the
people to reach about them; and the search that finds a child before a request is logged.

Every change goes through ``casework.people.update_person`` with the reason the officer gives, so the case's
timeline shows who changed what, from what to what, and why; a parent's address is never changed silently.
"""

from __future__ import annotations

from typing import Any

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from govuk_frontend_wtf.wtforms_widgets import GovRadioInput, GovSelect, GovSubmitInput, GovTextArea, GovTextInput
from sqlalchemy import or_, select
from wtforms import HiddenField, RadioField, SelectField, StringField, SubmitField
from wtforms.validators import DataRequired, InputRequired, Length

from casework import access as authz
from casework import operations, organisations
from casework.core.errors import CaseworkError
from casework.law import codes
from casework.models import Contact, Organisation, Person
from casework.models.person import ADDRESS_LENGTH, CONTACT_NAME_LENGTH, LANGUAGE_LENGTH, RELATIONSHIP_LENGTH
from casework.people import profile, search
from casework.people.operations import REASON_LENGTH
from web import database, limits
from web.pages.access import section
from web.pages.forms import GovDateField, PageForm, attach_error, choice, error_list

bp = section("family", authz.CASE_ROLES, "children's records", "/cases")
search_bp = section("people", authz.CASE_ROLES, "search for children and young people", "/people")
PER_PAGE = 25
SCHOOL_PREFIX, SEN_PREFIX = "school:", "sen:"


def _reason_field() -> StringField:
    return StringField("Why is this changing?", widget=GovTextArea(),
                       validators=[DataRequired(message="Enter why the details are changing"),
                                   Length(max=REASON_LENGTH,
                                          message=f"The reason must be {REASON_LENGTH} characters or fewer")],
                       description="For example, the mother phoned to say the family has moved")


def _text(label: str, limit: int, hint: str | None = None, *, area: bool = False) -> StringField:
    return StringField(label, widget=GovTextArea() if area else GovTextInput(), description=hint,
                       validators=[Length(max=limit, message=f"{label} must be {limit} characters or fewer")])


class ChildForm(PageForm):
    """The child's own details; identifiers are checked (and put in one form) by casework."""

    version = HiddenField()
    given_name = StringField("Given name", widget=GovTextInput(),
                             validators=[DataRequired(message="Enter the child's given name"), Length(max=100)])
    family_name = StringField("Family name", widget=GovTextInput(),
                              validators=[DataRequired(message="Enter the child's family name"), Length(max=100)])
    date_of_birth = GovDateField("Date of birth", enter="the child's date of birth",
                                 description="For example, 27 3 2016")
    upn = _text("Unique pupil number (UPN)", 20, "13 characters: a letter, 11 numbers, then a number or a letter")
    nhs_number = _text("NHS number", 20, "10 numbers, like 485 777 3456")
    uln = _text("Unique learner number (ULN)", 20, "10 numbers, for a young person in further education")
    address = _text("Home address", ADDRESS_LENGTH, area=True)
    postcode = _text("Postcode", 10)
    first_language = _text("First language", LANGUAGE_LENGTH)
    setting = SelectField("School or setting", widget=GovSelect(), validate_choice=False, choices=[],
                          description="Schools and colleges come from the organisations directory")
    reason = _reason_field()
    submit = SubmitField("Save the child's details", widget=GovSubmitInput())


class ContactForm(PageForm):
    """A parent, carer or other person to reach about the child."""

    version = HiddenField()
    name = StringField("Name", widget=GovTextInput(),
                       validators=[DataRequired(message="Enter the contact's name"), Length(max=CONTACT_NAME_LENGTH)])
    relationship = _text("Relationship to the child", RELATIONSHIP_LENGTH, "For example, mother or foster carer")
    parental_responsibility = RadioField(
        "Do they have parental responsibility?", widget=GovRadioInput(), validate_choice=False,
        choices=[choice("yes", "Yes"), choice("no", "No")],
        validators=[InputRequired(message="Select whether they have parental responsibility")])
    preferred_contact = SelectField(
        "How do they prefer to be reached?", widget=GovSelect(), validate_choice=False,
        choices=[choice("", "No preference"),
                 *(choice(code, label) for code, label in codes.CONTACT_CHANNELS.items())])
    email = _text("Email address", 254)
    phone = _text("Phone number", 30)
    address = _text("Address", ADDRESS_LENGTH, "Where letters to them go", area=True)
    interpreter_language = _text("Interpreter needed (language)", LANGUAGE_LENGTH, "Leave blank if none is needed")
    reason = _reason_field()
    submit = SubmitField("Save the contact", widget=GovSubmitInput())


class PeopleSearchForm(PageForm):
    """Finding a child, read from the query string (a GET form needs no CSRF token)."""

    q = StringField("Name", widget=GovTextInput(), description="The child's or a parent's name, or part of it")
    date_of_birth = GovDateField("Date of birth", enter="the date of birth", required=False,
                                 description="For example, 27 3 2016")
    upn = StringField("UPN", widget=GovTextInput())
    nhs_number = StringField("NHS number", widget=GovTextInput())
    postcode = StringField("Postcode", widget=GovTextInput(), description="All of it, or its first part (NB1)")
    submit = SubmitField("Search", widget=GovSubmitInput())


# --------------------------------------------------------------------------------------------------- reading


def setting_name(session, setting: dict[str, str] | None) -> str | None:
    """Where the child is educated, in words: the directory's name for the URN or UKPRN, or the SEN2 label."""
    if not setting:
        return None
    if "sen_setting" in setting:
        return codes.SEN_SETTINGS.get(setting["sen_setting"], setting["sen_setting"])
    key, value = next(iter(setting.items()))
    column = Organisation.urn if key == "urn" else Organisation.ukprn
    name = session.scalar(select(Organisation.name).where(column == value).limit(1))
    reference = f"{key.upper()} {value}"
    return f"{name} ({reference})" if name else reference


def family_record(session, person: Person) -> dict[str, Any]:
    """The person as the case page shows them: their details, setting in words and contacts."""
    record = profile.person_dict(session, person)
    record["setting_name"] = setting_name(session, record["current_setting"])
    return record


def _person_of_case(session, case_id: int) -> Person:
    case = authz.visible_case(session, current_user, case_id)
    person = session.get(Person, case.person_id)
    if person is None:
        abort(404)
    return person


def _setting_choices(session) -> list:
    schools = [o for o in organisations.directory(session, ("school",)) if o.urn or o.ukprn]
    return [choice("", "Not known"),
            *(choice(f"{SCHOOL_PREFIX}{o.id}", f"{o.name} ({'URN ' + o.urn if o.urn else 'UKPRN ' + o.ukprn})")
              for o in schools),
            *(choice(f"{SEN_PREFIX}{code}", label) for code, label in codes.SEN_SETTINGS.items())]


def _setting_value(session, person: Person) -> str:
    if person.sen_setting:
        return SEN_PREFIX + person.sen_setting
    column, value = (Organisation.urn, person.setting_urn) if person.setting_urn else \
        (Organisation.ukprn, person.setting_ukprn)
    if value is None:
        return ""
    found = session.scalar(select(Organisation.id).where(column == value).limit(1))
    return f"{SCHOOL_PREFIX}{found}" if found else ""


def _setting_wanted(session, value: str | None) -> dict[str, str] | None:
    value = value or ""
    if value.startswith(SEN_PREFIX):
        return {"sen_setting": value.removeprefix(SEN_PREFIX)}
    if value.startswith(SCHOOL_PREFIX) and value.removeprefix(SCHOOL_PREFIX).isdigit():
        found = session.get(Organisation, int(value.removeprefix(SCHOOL_PREFIX)))
        if found is not None:
            return {"urn": found.urn} if found.urn else {"ukprn": found.ukprn}
    return None


def _version(form: Any) -> int | None:
    version = form.version.data
    return int(version) if version and version.isdigit() else None


def _place(form: Any, refused: CaseworkError) -> list[str]:
    """A refusal next to the field it names (``contacts[0].email`` is the form's ``email``)."""
    name = (refused.field or "").split(".")[-1] if refused.field else None
    if name in ("urn", "ukprn", "sen_setting", "current_setting"):
        name = "setting"
    return [] if attach_error(form, name, refused.message) else [refused.message]


# --------------------------------------------------------------------------------------------------- changing


@bp.route("/<id:case_id>/family/child", methods=["GET", "POST"])
def change_child(case_id: int):
    authz.require(current_user, authz.CASE_WRITE_ROLES, "change children's records")
    db = database()
    with db.reading() as session:
        person = _person_of_case(session, case_id)
        form = ChildForm()
        form.setting.choices = _setting_choices(session)
        if request.method == "GET":
            for name in ("given_name", "family_name", "date_of_birth", "upn", "nhs_number", "uln", "address",
                         "postcode", "first_language"):
                form[name].data = getattr(person, name)
            form.setting.data = _setting_value(session, person)
            form.version.data = str(person.version)
        wanted_setting = _setting_wanted(session, form.setting.data)
        before_setting = profile.current_setting(person)
    form_errors: list[str] = []
    if form.validate_on_submit():
        fields = {name: (form[name].data or "").strip() or None
                  for name in ("given_name", "family_name", "upn", "nhs_number", "uln", "address", "postcode",
                               "first_language")}
        fields["date_of_birth"] = form.date_of_birth.data
        if wanted_setting != before_setting:
            fields["current_setting"] = wanted_setting
        try:
            operations.update_person(db, person.id, actor=current_user, reason=form.reason.data, fields=fields,
                                     expected_version=_version(form))
        except CaseworkError as refused:
            form_errors = _place(form, refused)
        else:
            flash("The child's details were saved. The change and its reason are in the case history.", "success")
            return redirect(url_for("cases.case", case_id=case_id) + "#family")
    status = 422 if request.method == "POST" else 200
    return render_template("family/child.html", title="Change the child's details", form=form, case_id=case_id,
                           person=person, errors=error_list(form, form_errors)), status


@bp.route("/<id:case_id>/family/contacts/new", methods=["GET", "POST"], defaults={"contact_id": None})
@bp.route("/<id:case_id>/family/contacts/<id:contact_id>", methods=["GET", "POST"])
def contact(case_id: int, contact_id: int | None):
    authz.require(current_user, authz.CASE_WRITE_ROLES, "change children's records")
    db = database()
    with db.reading() as session:
        person = _person_of_case(session, case_id)
        existing: Contact | None = None
        if contact_id is not None:
            existing = next((c for c in person.contacts if c.id == contact_id), None)
            if existing is None:
                abort(404)
    form = ContactForm()
    if request.method == "GET":
        form.version.data = str(person.version)
        if existing is not None:
            for name in ("name", "relationship", "email", "phone", "address", "interpreter_language"):
                form[name].data = getattr(existing, name)
            form.preferred_contact.data = existing.preferred_contact or ""
            form.parental_responsibility.data = "yes" if existing.parental_responsibility else "no"
    form_errors: list[str] = []
    if form.validate_on_submit():
        given: dict[str, Any] = {name: (form[name].data or "").strip() or None
                                 for name in ("name", "relationship", "email", "phone", "address",
                                              "preferred_contact", "interpreter_language")}
        given["parental_responsibility"] = form.parental_responsibility.data == "yes"
        if existing is not None:
            given["id"] = existing.id
        try:
            operations.update_person(db, person.id, actor=current_user, reason=form.reason.data, contacts=[given],
                                     expected_version=_version(form))
        except CaseworkError as refused:
            form_errors = _place(form, refused)
        else:
            flash(f"{given['name']}: {'added' if existing is None else 'saved'}. The change and its reason are in "
                  "the case history.", "success")
            return redirect(url_for("cases.case", case_id=case_id) + "#family")
    heading = "Add a contact" if existing is None else f"Change {existing.name}'s details"
    status = 422 if request.method == "POST" else 200
    return render_template("family/contact.html", title=heading, heading=heading, form=form, case_id=case_id,
                           contact_id=contact_id, person=person, errors=error_list(form, form_errors)), status


# --------------------------------------------------------------------------------------------------- finding


@search_bp.get("", endpoint="search")
def find_people():
    form = PeopleSearchForm(request.args, meta={"csrf": False})
    page = limits.whole_number(request.args.get("page", "1")) or 1
    page = min(max(page, 1), limits.MAX_PAGE)
    searched = any(value.strip() for name in ("q", "upn", "nhs_number", "postcode", "date_of_birth")
                   for value in request.args.getlist(name))
    errors: list[dict[str, str]] = []
    items: list[dict[str, Any]] = []
    total = 0
    if searched and not form.date_of_birth.validate(form):
        errors = error_list(form)
    elif searched:
        filters = search.Filters(q=form.q.data, date_of_birth=form.date_of_birth.data, upn=form.upn.data,
                                 nhs_number=form.nhs_number.data, postcode=form.postcode.data)
        with database().reading() as session:
            items, total = search.find(session, authz.people_query(current_user), filters, page, PER_PAGE)
            parents = _parents(session, [i["id"] for i in items])
        for item in items:
            item["parents"] = parents.get(item["id"], [])
    pages = max(1, -(-total // PER_PAGE))
    args = {k: v for k, v in request.args.items() if k != "page"}
    return render_template("family/search.html", title="Find a child or young person", form=form, items=items,
                           total=total, searched=searched, page=page, pages=pages, errors=errors,
                           previous=url_for("people.search", **args, page=page - 1) if page > 1 else None,
                           next=url_for("people.search", **args, page=page + 1) if page < pages else None), \
        422 if errors else 200


def _parents(session, person_ids: list[int]) -> dict[int, list[str]]:
    """The names of each child's contacts with parental responsibility, for one page of results at once."""
    found: dict[int, list[str]] = {}
    if not person_ids:
        return found
    rows = session.execute(select(Contact.person_id, Contact.name).where(
        Contact.person_id.in_(person_ids), or_(Contact.parental_responsibility.is_(True))).order_by(Contact.id))
    for person_id, name in rows:
        found.setdefault(person_id, []).append(name)
    return found
