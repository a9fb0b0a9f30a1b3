"""The forms: what a person types, read into Python values. Whether the values make sense is for casework.

Forms only check what the browser could get wrong (an empty box, "31 2 2025", a letter in a year); every
rule about dates in order, windows, states and choices stays in casework.operations, and its refusals are
put next to the field they are about by ``attach_error``.
"""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Mapping
from typing import Any

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import (
    GovCheckboxesInput,
    GovDateInput,
    GovFileInput,
    GovPasswordInput,
    GovRadioInput,
    GovSelect,
    GovSubmitInput,
    GovTextArea,
    GovTextInput,
)
from wtforms import (
    Field,
    FileField,
    HiddenField,
    PasswordField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, Optional, Regexp, ValidationError

from casework.accounts import MIN_PASSWORD_LENGTH
from casework.law import codes
from casework.law.codes import ORGANISATION_KIND_LABELS, ORGANISATION_KINDS
from casework.law.events import EVENTS, EventField, EventSpec
from casework.models import PRIMARY_NEEDS, REQUESTERS, ROLES
from web.pages import presenters as p


class GovDateField(Field):
    """A GOV.UK date input (day, month, year boxes) that keeps what was typed and says what is wrong.

    Messages follow the Design System's date input pattern: "Enter ...", "... must include a month",
    "... must be a real date".
    """

    widget = GovDateInput()

    def __init__(self, label: str, *, enter: str, required: bool = True, **kwargs: Any) -> None:
        super().__init__(label, validators=[] if required else [Optional()], **kwargs)
        self.enter = enter
        self.required = required
        self.flags.required = required

    def _value(self) -> str:
        return self.data.strftime("%d %m %Y") if self.data else ""

    def process_formdata(self, valuelist: list[str]) -> None:
        parts = [v.strip() for v in valuelist][:3]
        if len(parts) == 1 and len(parts[0]) == 10:  # one ISO value, from a script rather than the form
            with contextlib.suppress(ValueError):
                parts = dt.date.fromisoformat(parts[0]).strftime("%d %m %Y").split(" ")
        parts += [""] * (3 - len(parts))
        self.raw_data = parts
        self.data = None
        day, month, year = parts
        if not any(parts):
            if self.required:
                raise ValueError(f"Enter {self.enter}")
            return
        missing = [name for name, value in (("day", day), ("month", month), ("year", year)) if not value]
        if missing:
            raise ValueError(f"{self.label.text} must include a {' and a '.join(missing)}")
        if not (day.isdigit() and month.isdigit() and year.isdigit()):
            raise ValueError(f"{self.label.text} must be a real date")
        if len(year) != 4:
            raise ValueError("Year must include 4 numbers")
        try:
            self.data = dt.date(int(year), int(month), int(day))
        except ValueError:
            raise ValueError(f"{self.label.text} must be a real date") from None

    def pre_validate(self, form: Any) -> None:
        if self.required and self.data is None and not self.process_errors:
            raise ValidationError(f"Enter {self.enter}")


class PageForm(FlaskForm):
    """A form of these pages. CSRFProtect checks the token of every POST before any view runs, so the form
    itself does not check it again (several forms share one page and one token)."""

    class Meta:
        csrf = False


def choice(value: str, label: str) -> SelectChoice:
    return SelectChoice(value, label)


def _choices(labels: dict[Any, str], codes: Any, *, blank: str | None = None) -> list[SelectChoice]:
    options = [choice(str(code), labels.get(code, str(code))) for code in codes]
    return [choice("", blank), *options] if blank else options


def _required_choice(message: str) -> list:
    return [DataRequired(message=message)]


# --------------------------------------------------------------------------------------------------- sign-in, users

class SignInForm(PageForm):
    username = StringField("Username", widget=GovTextInput(),
                           validators=[DataRequired(message="Enter your username")])
    password = PasswordField("Password", widget=GovPasswordInput(),
                             validators=[DataRequired(message="Enter your password")])
    submit = SubmitField("Sign in", widget=GovSubmitInput())


class UserForm(PageForm):
    username = StringField("Username", widget=GovTextInput(),
                           validators=[DataRequired(message="Enter a username"), Length(max=100)])
    role = RadioField("Role", widget=GovRadioInput(), choices=_choices(p.ROLE_LABELS, ROLES),
                      validators=[InputRequired(message="Select a role")], validate_choice=False)
    organisation = StringField("Organisation", widget=GovTextInput(), validators=[Length(max=200)],
                               description="Advisers only: the NHS trust, service or team the adviser works for, "
                                           "as the directory names it")
    email = StringField("Email address", widget=GovTextInput(), validators=[Length(max=254)],
                        description="Where overdue alerts and the link to set a password are sent")
    password = PasswordField("Password (optional)", widget=GovPasswordInput(), validators=[Length(max=200)],
                             description=f"At least {MIN_PASSWORD_LENGTH} characters, not a commonly used one. "
                                         "Leave it empty to give the user a one-time link to set their own.")
    submit = SubmitField("Add user", widget=GovSubmitInput())


class EditUserForm(PageForm):
    role = RadioField("Role", widget=GovRadioInput(), choices=_choices(p.ROLE_LABELS, ROLES),
                      validators=[InputRequired(message="Select a role")], validate_choice=False)
    organisation = StringField("Organisation", widget=GovTextInput(), validators=[Length(max=200)],
                               description="Advisers only: the organisation as the directory names it")
    email = StringField("Email address", widget=GovTextInput(), validators=[Length(max=254)],
                        description="Where overdue alerts are sent")
    submit = SubmitField("Save changes", widget=GovSubmitInput())


class SetPasswordForm(PageForm):
    password = PasswordField("New password", widget=GovPasswordInput(),
                             validators=[DataRequired(message="Enter a password"), Length(max=200)],
                             description=f"At least {MIN_PASSWORD_LENGTH} characters, not a commonly used one. "
                                         "Three or four unrelated words are easy to remember and hard to guess.")
    confirm = PasswordField("Confirm the password", widget=GovPasswordInput(),
                            validators=[DataRequired(message="Enter the password again")])
    submit = SubmitField("Set password", widget=GovSubmitInput())


class ActionForm(PageForm):
    """A button that changes one thing (disable, enable, unlock, revoke): only the CSRF token is sent."""


class OrganisationForm(PageForm):
    """An organisation of the directory. Whether a URN or UKPRN is right for the kind is casework's to say."""

    name = StringField("Name", widget=GovTextInput(),
                       validators=[DataRequired(message="Enter the organisation's name"), Length(max=200)],
                       description="As advisers and caseworkers know it, for example Northbridge NHS Trust")
    kind = RadioField("Kind of organisation", widget=GovRadioInput(), validate_choice=False,
                      choices=_choices(ORGANISATION_KIND_LABELS, ORGANISATION_KINDS),
                      validators=[InputRequired(message="Select the kind of organisation")])
    urn = StringField("URN (schools and early years settings)", widget=GovTextInput(), validators=[Length(max=20)],
                      description="Unique reference number: 6 numbers, like 123456")
    ukprn = StringField("UKPRN (colleges)", widget=GovTextInput(), validators=[Length(max=20)],
                        description="UK provider reference number: 8 numbers starting with 1, like 10012345")
    submit = SubmitField("Save organisation", widget=GovSubmitInput())


# --------------------------------------------------------------------------------------------------- cases

class NewChildForm(PageForm):
    """The child or young person, as a request or a plan taken on first names them (their fields come first)."""

    given_name = StringField("Child's given name", widget=GovTextInput(),
                             validators=[DataRequired(message="Enter the child's given name"), Length(max=100)])
    family_name = StringField("Child's family name", widget=GovTextInput(),
                              validators=[DataRequired(message="Enter the child's family name"), Length(max=100)])
    date_of_birth = GovDateField("Date of birth", enter="the child's date of birth",
                                 description="For example, 27 3 2016")


class NewRequestForm(NewChildForm):
    primary_need = SelectField("Primary need", widget=GovSelect(), validate_choice=False,
                               choices=_choices(p.PRIMARY_NEED_LABELS, PRIMARY_NEEDS, blank="Not known yet"),
                               description="The SEN2 primary need, if known")
    received_on = GovDateField("Date the request was received", enter="the date the request was received",
                               description="The day the council received the request. For example, 2 9 2024")
    requested_by = RadioField("Who made the request?", widget=GovRadioInput(), validate_choice=False,
                              choices=_choices(p.REQUESTER_LABELS, REQUESTERS),
                              validators=_required_choice("Select who made the request"))
    caseworker = SelectField("Allocate to", widget=GovSelect(), validate_choice=False, choices=[],
                             description="Leave it in the intake queue for a manager to allocate, or choose the "
                                         "caseworker now")
    submit = SubmitField("Log the request", widget=GovSubmitInput())


class TransferInForm(NewChildForm):
    """A plan taken on from another English authority (reg 15): the child, and the plan's dates from the other
    authority's records, which set the first review (R9.3) and the notice owed to the family (R9.2)."""

    primary_need = SelectField("Primary need", widget=GovSelect(), validate_choice=False,
                               choices=_choices(p.PRIMARY_NEED_LABELS, PRIMARY_NEEDS, blank="Not known yet"),
                               description="The SEN2 primary need named in the plan")
    from_authority = StringField("Authority the plan comes from", widget=GovTextInput(),
                                 description="The English local authority that maintained the plan",
                                 validators=[DataRequired(message="Enter the authority the plan comes from"),
                                             Length(max=200, message="The authority's name must be 200 characters "
                                                                     "or fewer")])
    transferred_on = GovDateField("Date the plan transferred", enter="the date the plan transferred",
                                  description="The day the family moved into the area and the plan became this "
                                              "council's. The family must be told within 6 weeks")
    plan_made_on = GovDateField("Date the plan was made", enter="the date the plan was made",
                                description="From the other authority's records. For example, 20 1 2025")
    last_reviewed_on = GovDateField("Date of the last annual review", enter="the date of the last annual review",
                                    required=False,
                                    description="Optional. Leave blank if the plan has not been reviewed yet. The "
                                                "first review here is due by the later of 12 months from this date "
                                                "and 3 months from the transfer")
    submit = SubmitField("Take on the plan", widget=GovSubmitInput())


class CaseloadFilterForm(PageForm):
    """The caseload's search and filters, read from the query string (a GET form needs no CSRF token)."""

    q = StringField("Reference or child's name", widget=GovTextInput())
    state = SelectField("State", widget=GovSelect(), validate_choice=False,
                        choices=_choices(p.STATE_LABELS, p.STATE_LABELS, blank="Any state"))
    due = SelectField("Deadlines", widget=GovSelect(), validate_choice=False,
                      choices=[choice("", "Any"), choice("overdue", "Overdue"),
                               choice("excused", "Late: exception applies"), choice("due_soon", "Due soon")])
    submit = SubmitField("Apply filters", widget=GovSubmitInput())


class AdviceFilterForm(PageForm):
    """The advice list's search and filters, read from the query string (a GET form needs no CSRF token)."""

    q = StringField("Case reference or child's name", widget=GovTextInput())
    advice_type = SelectField("Type of advice", widget=GovSelect(), validate_choice=False,
                              choices=_choices(p.ADVICE_TYPE_LABELS, p.ADVICE_TYPE_LABELS, blank="Any type"))
    organisation = SelectField("Asked of", widget=GovSelect(), validate_choice=False, choices=[])
    due = SelectField("Due", widget=GovSelect(), validate_choice=False,
                      choices=[choice("", "Any"), choice("overdue", "Overdue"), choice("not_overdue", "Not yet due")])
    submit = SubmitField("Apply filters", widget=GovSubmitInput())


# --------------------------------------------------------------------------------------------------- events

class EventForm(PageForm):
    """What every event carries: its date and the version of the case the person was looking at."""

    version = HiddenField()
    on = GovDateField("Date", enter="the date")


def event_field(declared: EventField) -> Field:
    """The form field for one declared event field: its label, hint, limit and the message for a missing value."""
    verb = "Select" if declared.widget in ("select", "radio") else "Enter"
    required = [DataRequired(message=f"{verb} {declared.enter}")] if declared.required else [Optional()]
    if declared.type == "date":
        return GovDateField(declared.label, enter=declared.enter, required=declared.required,
                            description=declared.hint)
    if declared.type == "year":
        return StringField(declared.label, widget=GovTextInput(), description=declared.hint,
                           validators=[*required, Regexp(r"^\d{4}$", message="Enter the year as 4 numbers, like 2026")])
    if declared.type in ("text", "long_text"):
        widget = GovTextArea() if declared.widget == "textarea" else GovTextInput()
        return StringField(declared.label, widget=widget, description=declared.hint,
                           validators=[*required, Length(max=declared.max_length)])
    if declared.type == "limits":  # a box to tick for each limit: one set of circumstances can hold up several
        return SelectMultipleField(declared.label, widget=GovCheckboxesInput(), validate_choice=False, choices=[],
                                   validators=required, description="Select all that apply: one set of "
                                   "circumstances can hold up several time limits")
    if declared.type == "caseworker":  # the officers who can hold cases, filled in by the page
        return SelectField(declared.label, widget=GovSelect(), validate_choice=False, description=declared.hint,
                           choices=[], validators=required)
    if declared.type == "organisation":  # the directory's organisations, filled in by the page
        return SelectField(declared.label, widget=GovSelect(), validate_choice=False, description=declared.hint,
                           choices=[], validators=[Optional()])
    options = [choice(str(code), declared.choice_labels.get(code, str(code))) for code in declared.choices]
    if declared.widget == "radio":
        return RadioField(declared.label, widget=GovRadioInput(), validate_choice=False, choices=options,
                          validators=required, description=declared.hint)
    # Choices that depend on the case (its advice requests, its time limits) are filled in by the page.
    return SelectField(declared.label, widget=GovSelect(), validate_choice=False, description=declared.hint,
                       choices=[choice("", f"Choose {declared.enter}"), *options] if options else [],
                       validators=required)


def event_form(spec: EventSpec) -> type[EventForm]:
    """The page form of an event, from its declaration: the event's own date first, then its fields."""
    attrs: dict[str, Any] = {
        "on": GovDateField(spec.date_label, enter=spec.date_enter, description=spec.date_hint),
        **{declared.name: event_field(declared) for declared in spec.fields},
        "submit": SubmitField(spec.button, widget=GovSubmitInput()),
    }
    return type(f"{spec.name.title().replace('_', '')}Form", (EventForm,), attrs)


def step_form(spec: EventSpec, fields: tuple[EventField, ...], **extra: Field) -> type[EventForm]:
    """The page form of a step beside the case (mediation, appeals, transfers), built as ``event_form`` builds
    the case's own: the step's date and button from its EventSpec, its fields declared by the page as EventFields
    (the operation checks them), and any ``extra`` fields the declarations cannot say (grounds to tick)."""
    attrs: dict[str, Any] = {
        "on": GovDateField(spec.date_label, enter=spec.date_enter, description=spec.date_hint),
        **{declared.name: event_field(declared) for declared in fields},
        **extra,
        "submit": SubmitField(spec.button, widget=GovSubmitInput()),
    }
    return type(f"{spec.name.title().replace('_', '')}Form", (EventForm,), attrs)


EVENT_FORMS: dict[str, type[EventForm]] = {name: event_form(spec) for name, spec in EVENTS.items()}
# Titles of the event forms, as a caseworker would name the step.
EVENT_TITLES: dict[str, str] = {name: spec.title for name, spec in EVENTS.items()}
_NUMBERS = ("whole_number", "advice_request", "exception", "year", "consultation")
# What a person typed into the organisation box when scripts turned the list into an autocomplete and
# nothing in the list was chosen: sent on, so the refusal can say which name was meant.
TYPED_SUFFIX = "_typed"


def event_values(event: str, form: EventForm, typed: Mapping[str, str] | None = None) -> dict[str, Any]:
    """The event's extra fields as its operation takes them (an empty optional box becomes None); ``typed`` is
    the posted form, for what was typed into an autocomplete without choosing from its list."""
    values: dict[str, Any] = {}
    for declared in EVENTS[event].fields:
        data = form._fields[declared.name].data
        value = (data.strip() or None) if isinstance(data, str) else data
        numeric = declared.type in _NUMBERS or any(isinstance(c, int) for c in declared.choices)
        if numeric and value is not None:
            value = int(value) if str(value).isdigit() else None
        if declared.type == "organisation":  # an id from the list, else the name typed
            typed_name = (typed.get(declared.name + TYPED_SUFFIX) or "").strip() if typed else ""
            value = int(value) if value is not None and value.isdigit() else (value or typed_name or None)
        values[declared.name] = value
    return values


class CorrectionForm(PageForm):
    """Putting an entry right: its right date (and, on the page, its own details), and why (every correction is
    kept with who made it and why)."""

    version = HiddenField()
    on = GovDateField("The right date", enter="the right date for this entry",
                      description="For example, 16 9 2024")
    reason = StringField("Why is it being corrected?", widget=GovTextArea(),
                         validators=[DataRequired(message="Enter why the entry is being corrected"),
                                     Length(max=2000, message="The reason must be 2000 characters or fewer")],
                         description="For example, the date stamp on the letter was misread")
    submit = SubmitField("Correct the entry", widget=GovSubmitInput())


class ReturnAdviceForm(PageForm):
    on = GovDateField("Date the advice was sent to the council", enter="the date the advice was sent",
                      description="For example, 27 3 2025")
    report = FileField("Attach the advice report (optional)", widget=GovFileInput(),
                       description="A PDF, a Word document or an image, up to 10 MB")
    submit = SubmitField("Mark advice returned", widget=GovSubmitInput())


class DocumentForm(PageForm):
    file = FileField("File", widget=GovFileInput(), description="A PDF, a Word document or an image, up to 10 MB")
    kind = SelectField("What is it?", widget=GovSelect(),
                       choices=_choices(codes.DOCUMENT_KIND_LABELS, codes.DOCUMENT_KINDS, blank="Choose"),
                       validators=[DataRequired(message="Select what the document is")], validate_choice=False)
    submit = SubmitField("Add the document", widget=GovSubmitInput())


class LetterTemplateForm(PageForm):
    body = StringField("Wording", widget=GovTextArea(), validators=[DataRequired(message="Enter the wording")],
                       description="HTML paragraphs; each {{ ... }} is filled in by the service")
    note = StringField("What changed and why", widget=GovTextInput(), validators=[Length(max=200)],
                       description="Kept with the version, for whoever reads it later")
    submit = SubmitField("Save as a new version", widget=GovSubmitInput())


def attach_error(form: PageForm, field_name: str | None, message: str, *, fallback: str | None = None) -> bool:
    """Put a refusal from casework next to the field it names; False when no field fits (shown in the summary)."""
    for candidate in (field_name, (field_name or "").removeprefix("child."), fallback):
        if candidate and candidate in form._fields and candidate not in ("submit", "version"):
            field = form._fields[candidate]
            field.errors = [*list(field.errors or []), message]
            return True
    return False


def error_list(form: PageForm, form_errors: list[str] | None = None) -> list[dict[str, str]]:
    """The GOV.UK error summary's items: each links to the field (the day box of a date) in page order."""
    items = [{"text": message} for message in form_errors or []]
    for field in form:
        if not field.errors:
            continue
        message = field.errors[0] if isinstance(field.errors, list) else str(field.errors)
        target = f"{field.name}-day" if isinstance(field, GovDateField) else field.id
        items.append({"text": message, "href": f"#{target}"})
    return items


# --------------------------------------------------------------------------------------------------- SEN2 return

YES_NO_UNKNOWN = [choice("yes", "Yes"), choice("no", "No"), choice("", "Not known")]
PLACEMENT_HINT = "A school's URN (6 numbers), a college's UKPRN (8 numbers starting with 1), or an SEN setting code"


def _placement_field(label: str) -> StringField:
    return StringField(label, widget=GovTextInput(), validators=[Length(max=20)], description=PLACEMENT_HINT)


class Sen2DetailsForm(PageForm):
    """What the SEN2 return needs beyond the casework. A placement is typed as its URN, UKPRN or SEN setting code
    (the form tells them apart by their shape); whether each is right is casework's to say."""

    request_source = RadioField("Who asked for the assessment?", widget=GovRadioInput(), validate_choice=False,
                                choices=[*_choices(codes.REQUEST_SOURCE_LABELS, codes.REQUEST_SOURCES),
                                         choice("", "Not known")])
    youth_accommodation = RadioField("Was the child or young person in relevant youth accommodation?",
                                     widget=GovRadioInput(), validate_choice=False, choices=YES_NO_UNKNOWN)
    named_main = _placement_field("Placement named in the plan")
    named_second = _placement_field("Second placement named in the plan (optional)")
    attended_main = _placement_field("Placement attended")
    attended_second = _placement_field("Second placement attended (optional)")
    primary_need = SelectField("Primary need", widget=GovSelect(), validate_choice=False,
                               choices=_choices(codes.PRIMARY_NEED_LABELS, codes.PRIMARY_NEEDS, blank="Not known"))
    secondary_need = SelectField("Secondary need (optional)", widget=GovSelect(), validate_choice=False,
                                 choices=_choices(codes.PRIMARY_NEED_LABELS, codes.PRIMARY_NEEDS, blank="None"))
    residential = RadioField("Is the placement residential?", widget=GovRadioInput(), validate_choice=False,
                             choices=YES_NO_UNKNOWN)
    work_based_learning = RadioField("Does the plan include work-based learning?", widget=GovRadioInput(),
                                     validate_choice=False, choices=YES_NO_UNKNOWN)
    personal_budget = SelectMultipleField("Personal budget", widget=GovCheckboxesInput(), validate_choice=False,
                                          choices=_choices(codes.PERSONAL_BUDGET_LABELS, codes.PERSONAL_BUDGET_ITEMS),
                                          description="Select each part the plan's personal budget has, if any")
    transfer_la = StringField("Authority the plan transferred in from (optional)", widget=GovTextInput(),
                              validators=[Length(max=20)], description="Its DfE number: 3 numbers, like 202")
    submit = SubmitField("Save SEN2 details", widget=GovSubmitInput())
