"""The forms: what a person types, read into Python values. Whether the values make sense is for casework.

Forms only check what the browser could get wrong (an empty box, "31 2 2025", a letter in a year); every
rule about dates in order, windows, states and choices stays in casework.operations, and its refusals are
put next to the field they are about by ``attach_error``.
"""

from __future__ import annotations

import contextlib
import datetime as dt
from typing import Any

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import (
    GovCheckboxesInput,
    GovDateInput,
    GovPasswordInput,
    GovRadioInput,
    GovSelect,
    GovSubmitInput,
    GovTextArea,
    GovTextInput,
)
from wtforms import (
    Field,
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
from casework.law import rules
from casework.models import ADVICE_TYPES, PRIMARY_NEEDS, REQUESTERS, ROLES
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
                               description="Advisers only: the NHS trust, service or team the adviser works for")
    email = StringField("Email address", widget=GovTextInput(), validators=[Length(max=254)],
                        description="Where overdue alerts are sent")
    password = PasswordField("Password", widget=GovPasswordInput(),
                             validators=[DataRequired(message="Enter a password")],
                             description=f"At least {MIN_PASSWORD_LENGTH} characters")
    submit = SubmitField("Add user", widget=GovSubmitInput())


# --------------------------------------------------------------------------------------------------- cases

class NewRequestForm(PageForm):
    given_name = StringField("Child's given name", widget=GovTextInput(),
                             validators=[DataRequired(message="Enter the child's given name"), Length(max=100)])
    family_name = StringField("Child's family name", widget=GovTextInput(),
                              validators=[DataRequired(message="Enter the child's family name"), Length(max=100)])
    date_of_birth = GovDateField("Date of birth", enter="the child's date of birth",
                                 description="For example, 27 3 2016")
    primary_need = SelectField("Primary need", widget=GovSelect(), validate_choice=False,
                               choices=_choices(p.PRIMARY_NEED_LABELS, PRIMARY_NEEDS, blank="Not known yet"),
                               description="The SEN2 primary need, if known")
    received_on = GovDateField("Date the request was received", enter="the date the request was received",
                               description="The day the council received the request. For example, 2 9 2024")
    requested_by = RadioField("Who made the request?", widget=GovRadioInput(), validate_choice=False,
                              choices=_choices(p.REQUESTER_LABELS, REQUESTERS),
                              validators=_required_choice("Select who made the request"))
    submit = SubmitField("Log the request", widget=GovSubmitInput())


class CaseloadFilterForm(PageForm):
    """The caseload's search and filters, read from the query string (a GET form needs no CSRF token)."""

    q = StringField("Reference or child's name", widget=GovTextInput())
    state = SelectField("State", widget=GovSelect(), validate_choice=False,
                        choices=_choices(p.STATE_LABELS, p.STATE_LABELS, blank="Any state"))
    due = SelectField("Deadlines", widget=GovSelect(), validate_choice=False,
                      choices=[choice("", "Any"), choice("overdue", "Overdue"), choice("due_soon", "Due soon")])
    submit = SubmitField("Apply filters", widget=GovSubmitInput())


# --------------------------------------------------------------------------------------------------- events

class EventForm(PageForm):
    """What every event carries: its date and the version of the case the person was looking at."""

    version = HiddenField()
    on = GovDateField("Date", enter="the date")


def _event_form(name: str, on_label: str, enter: str, button: str, hint: str | None = None,
                **fields: Any) -> type[EventForm]:
    attrs: dict[str, Any] = {
        "on": GovDateField(on_label, enter=enter, description=hint or "For example, 27 3 2025"),
        **fields,
        "submit": SubmitField(button, widget=GovSubmitInput()),
    }
    return type(f"{name.title().replace('_', '')}Form", (EventForm,), attrs)


def _reason(label: str, message: str) -> StringField:
    return StringField(label, widget=GovTextArea(), validators=[DataRequired(message=message), Length(max=2000)])


EVENT_FORMS: dict[str, type[EventForm]] = {
    "agree_to_assess": _event_form("agree_to_assess", "Date of the decision to assess",
                                   "the date of the decision to assess", "Record decision to assess"),
    "refuse_to_assess": _event_form(
        "refuse_to_assess", "Date of the decision", "the date of the decision", "Record refusal to assess",
        reason=_reason("Reason for refusing to assess", "Enter the reason for refusing to assess")),
    "request_advice": _event_form(
        "request_advice", "Date the request for advice was sent", "the date the request for advice was sent",
        "Record request for advice",
        advice_type=SelectField("Type of advice", widget=GovSelect(), validate_choice=False,
                                choices=_choices(p.ADVICE_TYPE_LABELS, ADVICE_TYPES, blank="Choose the type"),
                                validators=_required_choice("Select the type of advice")),
        organisation=StringField("Organisation asked", widget=GovTextInput(),
                                 validators=[DataRequired(message="Enter the organisation asked for advice"),
                                             Length(max=200)],
                                 description="For example, Northbridge NHS Trust"),
        received_on=GovDateField("Date the organisation received the request",
                                 enter="the date the organisation received the request", required=False,
                                 description="Its 6 weeks start from here. Leave blank if it is the day it was sent")),
    "record_advice": _event_form(
        "record_advice", "Date the advice was received", "the date the advice was received", "Record advice received",
        advice_request_id=SelectField("Advice request", widget=GovSelect(), validate_choice=False, choices=[],
                                      validators=_required_choice("Select the advice request"))),
    "decide_to_issue": _event_form("decide_to_issue", "Date of the decision to issue a plan",
                                   "the date of the decision to issue a plan", "Record decision to issue"),
    "decide_not_to_issue": _event_form(
        "decide_not_to_issue", "Date of the decision", "the date of the decision", "Record decision not to issue",
        reason=_reason("Reason for not issuing a plan", "Enter the reason for not issuing a plan")),
    "issue_draft": _event_form("issue_draft", "Date the draft plan was sent to the family",
                               "the date the draft plan was sent", "Record draft plan issued",
                               hint="The family's 15 days for representations begin on this day"),
    "issue_final": _event_form(
        "issue_final", "Date the final plan was issued", "the date the final plan was issued",
        "Record final plan issued",
        named_setting=StringField("Named school or setting", widget=GovTextInput(), validators=[Length(max=200)],
                                  description="Optional")),
    "record_exception": _event_form(
        "record_exception", "Date recorded", "the date the exception is recorded", "Record exception",
        reason=SelectField("Reason", widget=GovSelect(), validate_choice=False,
                           choices=_choices(p.EXCEPTION_LABELS, rules.EXCEPTION_REASONS, blank="Choose a reason"),
                           validators=_required_choice("Select the reason for the exception")),
        applies_to=SelectMultipleField(
            "Time limit it applies to", widget=GovCheckboxesInput(), validate_choice=False, choices=[],
            validators=_required_choice("Select the time limit the exception applies to"),
            description="Select all that apply: one set of circumstances can hold up several time limits"),
        starts_on=GovDateField("Start date", enter="the date the circumstances started"),
        ends_on=GovDateField("End date", enter="the date the circumstances ended"),
        family_told_on=GovDateField("Date the family was told", enter="the date the family was told",
                                    required=False, description="Optional"),
        evidence=StringField("Evidence", widget=GovTextArea(), validators=[Length(max=2000)],
                             description="Optional: what shows the exception applies")),
    "set_phase_transfer": _event_form(
        "set_phase_transfer", "Date recorded", "the date", "Record phase transfer",
        transfer=RadioField("Transfer", widget=GovRadioInput(), validate_choice=False,
                            choices=[choice("school", "Between school phases (plan amended before 15 February)"),
                                     choice("post16",
                                            "From secondary school to post-16 (plan amended before 31 March)")],
                            validators=_required_choice("Select the kind of transfer")),
        year=StringField("Year of the transfer", widget=GovTextInput(),
                         validators=[DataRequired(message="Enter the year of the transfer"),
                                     Regexp(r"^\d{4}$", message="Enter the year as 4 numbers, like 2026")],
                         description="For example, 2026")),
    "hold_review_meeting": _event_form("hold_review_meeting", "Date of the review meeting",
                                       "the date of the review meeting", "Record review meeting"),
    "record_review_report": _event_form("record_review_report", "Date the review report was sent",
                                        "the date the review report was sent", "Record review report sent"),
    "decide_review_outcome": _event_form(
        "decide_review_outcome", "Date of the decision", "the date of the decision", "Record review outcome",
        outcome=RadioField("Outcome", widget=GovRadioInput(), validate_choice=False,
                           choices=[choice("maintain", "Maintain the plan"), choice("amend", "Amend the plan"),
                                    choice("cease", "Cease the plan")],
                           validators=_required_choice("Select the outcome of the review"))),
    "issue_amended_plan": _event_form("issue_amended_plan", "Date the amended plan was issued",
                                      "the date the amended plan was issued", "Record amended plan issued"),
    "cease_plan": _event_form(
        "cease_plan", "Date the plan ceased", "the date the plan ceased", "Record plan ceased",
        reason=SelectField("Reason (SEN2)", widget=GovSelect(), validate_choice=False,
                           choices=_choices(p.CEASE_REASON_LABELS, p.CEASE_REASON_LABELS, blank="Choose a reason"),
                           validators=_required_choice("Select the reason the plan ceased"))),
    "withdraw": _event_form("withdraw", "Date of the withdrawal", "the date of the withdrawal",
                            "Record withdrawal",
                            reason=_reason("Reason for the withdrawal", "Enter the reason for the withdrawal")),
}

# Titles of the event forms, as a caseworker would name the step.
EVENT_TITLES: dict[str, str] = {
    "agree_to_assess": "Agree to assess",
    "refuse_to_assess": "Refuse to assess",
    "request_advice": "Request advice",
    "record_advice": "Record advice received",
    "decide_to_issue": "Decide to issue a plan",
    "decide_not_to_issue": "Decide not to issue a plan",
    "issue_draft": "Issue the draft plan",
    "issue_final": "Issue the final plan",
    "record_exception": "Record an exception to a time limit",
    "set_phase_transfer": "Set a phase transfer",
    "hold_review_meeting": "Hold the review meeting",
    "record_review_report": "Send the review report",
    "decide_review_outcome": "Decide the review outcome",
    "issue_amended_plan": "Issue the amended plan",
    "cease_plan": "Cease the plan",
    "withdraw": "Withdraw the request",
}


# Fields the operations take as whole numbers.
_INTEGER_FIELDS = {("record_advice", "advice_request_id"), ("cease_plan", "reason"), ("set_phase_transfer", "year")}


def event_values(event: str, form: EventForm) -> dict[str, Any]:
    """The event's extra fields as its operation takes them (an empty optional box becomes None)."""
    values: dict[str, Any] = {}
    for field in form:
        if field.short_name in ("version", "on", "submit"):
            continue
        value = field.data.strip() or None if isinstance(field.data, str) else field.data
        if (event, field.short_name) in _INTEGER_FIELDS and value is not None:
            value = int(value) if str(value).isdigit() else None
        values[field.short_name] = value
    return values


class ReturnAdviceForm(PageForm):
    on = GovDateField("Date the advice was sent to the council", enter="the date the advice was sent",
                      description="For example, 27 3 2025")
    submit = SubmitField("Mark advice returned", widget=GovSubmitInput())


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
