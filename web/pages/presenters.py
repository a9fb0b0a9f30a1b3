"""How things read on the page: labels, dates, status tags, navigation. No rules live here.

Statuses come from casework.deadlines and casefile; this module only chooses the words and GOV.UK tag
colours a council officer expects, so a status is always written out and never shown by colour alone.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from flask import Flask, current_app, request, url_for
from flask_login import current_user
from markupsafe import Markup, escape

from casework.core import clock
from casework.law import codes, rules
from casework.law import disputes as disputes_law
from casework.law import transfers as transfers_law
from casework.law.events import EVENTS, OTHER_HISTORY, history_label
from casework.models import ADVICE_TYPES
from web import csp_nonce
from workflows import ehcp

SERVICE_NAME = "EHCP casework"

STATE_LABELS: dict[str, str] = ehcp.STATE_LABELS
assert set(STATE_LABELS) == set(ehcp.STATES), "every workflow state needs a label"

STATE_TAGS: dict[str, str] = {
    "request_received": "govuk-tag--turquoise",
    "assessment": "govuk-tag--teal",
    "drafting": "govuk-tag--purple",
    "draft_issued": "govuk-tag--purple",
    "plan_maintained": "govuk-tag--green",
    "under_review": "govuk-tag--yellow",
    "amending": "govuk-tag--orange",
}

# Deadline statuses of the contract, in words and GOV.UK tag colours.
STATUS_LABELS: dict[str, str] = {
    "pending": "Pending",
    "due_soon": "Due soon",
    "overdue": "Overdue",
    "met": "Met",
    "met_late": "Met late",
    "cancelled": "Cancelled",
}
STATUS_TAGS: dict[str, str] = {
    "pending": "",  # the default GOV.UK tag is blue
    "due_soon": "govuk-tag--orange",
    "overdue": "govuk-tag--red",
    "met": "govuk-tag--green",
    "met_late": "govuk-tag--pink",
    "cancelled": "govuk-tag--grey",
}

ADVICE_TYPE_LABELS = codes.ADVICE_TYPE_LABELS
assert set(ADVICE_TYPE_LABELS) == set(ADVICE_TYPES)

REQUESTER_LABELS = codes.REQUESTER_LABELS

PRIMARY_NEED_LABELS = codes.PRIMARY_NEED_LABELS

EXCEPTION_LABELS = codes.EXCEPTION_REASON_LABELS
assert set(EXCEPTION_LABELS) == set(rules.EXCEPTION_REASONS)

CEASE_REASON_LABELS = codes.CEASE_REASON_LABELS

EVENT_LABELS: dict[str, str] = {name: history_label(name) for name in ("request_received", "correction", *EVENTS,
                                                                     *OTHER_HISTORY)}
EVENT_LABELS.update({"letter_issued": "Letter sent", "document_added": "Document added"})
# Mediation, appeal and transfer steps run beside the case: their entries are not replayed, so not corrected.
BESIDE_THE_CASE = frozenset({*disputes_law.DISPUTE_EVENTS, *transfers_law.TRANSFER_EVENTS})
EVENT_LABELS.update({name: history_label(name) for name in BESIDE_THE_CASE})
ROLE_LABELS = {"caseworker": "Caseworker", "adviser": "Adviser", "manager": "Manager", "admin": "Administrator"}


def long_date(value: dt.date | str | None) -> str:
    """1 September 2024, the GOV.UK style for dates."""
    if value is None or value == "":
        return ""
    if isinstance(value, str):
        value = dt.date.fromisoformat(value[:10])
    return f"{value.day} {value:%B %Y}"


def date_time(value: dt.datetime | str | None) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        value = dt.datetime.fromisoformat(value)
    return f"{value.day} {value:%B %Y}, {value:%H:%M}"


def days_phrase(due_on: dt.date | str | None, as_of: dt.date | None = None) -> str:
    """"12 days left", "due today" or "3 days overdue", counted in calendar days from today."""
    if due_on is None:
        return ""
    if isinstance(due_on, str):
        due_on = dt.date.fromisoformat(due_on)
    days = (due_on - (as_of or clock.today())).days
    if days == 0:
        return "Due today"
    if days > 0:
        return f"{days} day{'s' if days != 1 else ''} left"
    return f"{-days} day{'s' if days != -1 else ''} overdue"


def status_tag(status: str | None, *, excused: bool = False) -> dict[str, Any]:
    """Parameters for govukTag: the status in words, with its colour as a second signal. A late deadline with an
    exception that applies is still owed "as soon as practicable", not a breach to chase: it reads so."""
    if excused and status == "overdue":
        return {"text": "Late: exception applies", "classes": "govuk-tag--yellow"}
    if excused and status == "met_late":
        return {"text": "Met late: exception applied", "classes": "govuk-tag--grey"}
    return {"text": STATUS_LABELS.get(status or "", "No deadline"), "classes": STATUS_TAGS.get(status or "", "")}


def govuk_tag(params: dict[str, Any]) -> Markup:
    """GOV.UK's tag markup for a text and its colour classes, as ``govukTag`` writes it. A list shows two tags a
    row; the macro imports its helpers on every call, which made tags a large share of a list page's time."""
    classes = params.get("classes")
    return Markup(f'<strong class="govuk-tag{" " + escape(classes) if classes else ""}">'
                  f'{escape(params.get("text", ""))}</strong>')


def state_tag(state: str) -> dict[str, Any]:
    return {"text": STATE_LABELS.get(state, state), "classes": STATE_TAGS.get(state, "govuk-tag--grey")}


ORDER_STEP_LABELS = disputes_law.STEP_LABELS


def kind_label(kind: str) -> str:
    spec = rules.DEADLINE_KINDS.get(kind)
    return spec.label if spec else kind.replace("_", " ").capitalize()


def need_label(code: str | None) -> str:
    return f"{PRIMARY_NEED_LABELS[code]} ({code})" if code in PRIMARY_NEED_LABELS else (code or "Not recorded")


def home_for(role: str) -> str:
    return {"caseworker": "cases.caseload", "manager": "dashboard.dashboard", "adviser": "advice.tray",
            "admin": "admin.users"}.get(role, "auth.sign_in")


def navigation() -> list[dict[str, Any]]:
    """Service navigation for the signed-in user's role; the current section is marked for screen readers."""
    if not current_user.is_authenticated:
        return []
    sections = {
        "caseworker": [("Cases", "cases.caseload"), ("Intake", "allocation.intake"), ("Find a child", "people.search"),
                       ("New request", "cases.new_request"), ("Advice", "advice.tray")],
        "manager": [("Dashboard", "dashboard.dashboard"), ("Cases", "cases.caseload"),
                    ("Intake", "allocation.intake"), ("Caseloads", "allocation.team"), ("Reports", "lists.index"),
                    ("Find a child", "people.search"), ("New request", "cases.new_request"), ("Advice", "advice.tray"),
                    ("SEN2 return", "sen2.sen2")],
        "adviser": [("Advice requests", "advice.tray")],
        "admin": [("Users", "admin.users"), ("Letter wording", "admin.letter_templates"),
                  ("Organisations", "directory.organisations")],
    }[current_user.role]
    here = request.endpoint or ""
    items = []
    for text, endpoint in sections:
        current = here == endpoint or (endpoint == "cases.caseload" and (here in ("cases.case", "cases.event")
                                                                          or here.startswith("family."))) or (
            endpoint == "advice.tray" and here.startswith("advice.")) or (
            endpoint == "admin.users" and here in ("admin.users", "admin.new_user")) or (
            endpoint == "admin.letter_templates" and here.startswith("admin.letter")) or (
            endpoint == "directory.organisations" and here.startswith("directory.")) or (
            endpoint == "lists.index" and here.startswith("lists.")) or (
            endpoint == "sen2.sen2" and here.startswith("sen2."))
        items.append({"text": text, "href": url_for(endpoint), "current": current})
    return items


def _page_context() -> dict[str, Any]:
    service = current_app.config["EHCP_SETTINGS"].get("service", {})
    return {
        "cspNonce": csp_nonce(),
        "assetPath": "/assets",
        "serviceName": SERVICE_NAME,
        "authorityName": service.get("authority_name", "Local authority"),
        "navigation": navigation,
        "today": clock.today(),
        "role_label": lambda role: ROLE_LABELS.get(role, role),
    }


def register_template_helpers(app: Flask) -> None:
    app.context_processor(_page_context)
    for name, helper in {
        "long_date": long_date, "date_time": date_time, "days_phrase": days_phrase, "kind_label": kind_label,
        "order_step_label": lambda step: ORDER_STEP_LABELS.get(step, step),
        "state_label": lambda s: STATE_LABELS.get(s, s), "event_label": lambda e: EVENT_LABELS.get(e, e),
        "advice_type_label": lambda t: ADVICE_TYPE_LABELS.get(t, t),
        "document_kind_label": lambda k: codes.DOCUMENT_KIND_LABELS.get(k, k),
        "requester_label": lambda r: REQUESTER_LABELS.get(r, r),
        "need_label": need_label,
        "month_label": lambda month: f"{dt.date.fromisoformat(month + '-01'):%B %Y}",
        "exception_label": lambda r: EXCEPTION_LABELS.get(r, r),
        "contact_channel_label": lambda c: codes.CONTACT_CHANNELS.get(c, c) if c else None,
        "communication_channel_label": lambda c: codes.COMMUNICATION_CHANNEL_LABELS.get(c, c),
        "govuk_tag": govuk_tag,
        "correctable": lambda event: event != "person_added" and event not in BESIDE_THE_CASE,
    }.items():
        app.add_template_filter(helper, name)
    app.add_template_global(status_tag)
    app.add_template_global(state_tag)
