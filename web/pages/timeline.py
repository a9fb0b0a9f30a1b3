"""The case's timeline: its history, the communication log, letters, documents and changes to the family's
record, in one list a caseworker can narrow to one kind of entry.

Each entry is worded for the person reading it: what happened, on what day, who recorded it, and for a
correction or a change of details what it said before and what it says now, with the reason given. Field names
and codes never reach the page: every value is shown by its label.
"""

from __future__ import annotations

from typing import Any

from casework.law import codes
from casework.law.events import EVENTS
from casework.people.profile import CONTACT_FIELDS
from web.pages import presenters as p

# The kinds the timeline can be narrowed to, in the order the filter offers them.
KINDS: dict[str, str] = {
    "events": "Steps and decisions",
    "communications": "Calls, emails, letters and meetings",
    "corrections": "Corrections",
    "letters": "Letters sent",
    "documents": "Documents",
    "family": "Changes to the family's details",
}
FAMILY_EVENTS = frozenset({"person_added", "person_changed", "contact_added", "contact_changed"})
OWN_KIND = {"correction": "corrections", "record_contact": "communications", "letter_issued": "letters",
            "document_added": "documents"}
CORRECTABLE = frozenset({"request_received", *EVENTS})
FAMILY_LABELS = {"person_added": "Child's record made", "person_changed": "Child's details changed",
                 "contact_added": "Contact added", "contact_changed": "Contact's details changed"}
PERSON_FIELD_LABELS = {
    "given_name": "Given name", "family_name": "Family name", "date_of_birth": "Date of birth", "sex": "Sex",
    "ethnicity": "Ethnicity", "upn": "UPN", "uln": "ULN", "nhs_number": "NHS number", "postcode": "Postcode",
    "address": "Address", "first_language": "First language", "current_setting": "School or setting",
}
CONTACT_FIELD_LABELS = {
    "name": "Name", "relationship": "Relationship", "parental_responsibility": "Parental responsibility",
    "email": "Email address", "phone": "Phone number", "address": "Address",
    "preferred_contact": "Preferred way to be reached", "interpreter_language": "Interpreter",
}
assert set(CONTACT_FIELD_LABELS) == set(CONTACT_FIELDS)
REQUEST_FIELD_LABELS = {"requested_by": ("Who made the request", codes.REQUESTER_LABELS),
                        "primary_need": ("Primary need", codes.PRIMARY_NEED_LABELS)}


def kind_of(event: str) -> str:
    if event in FAMILY_EVENTS:
        return "family"
    return OWN_KIND.get(event, "events")


def _shown(value: Any, labels: dict | None = None) -> str:
    """A stored value in words: a date as people write it, a code by its label, nothing as "blank"."""
    if value is None or value == "" or value == []:
        return "blank"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, dict):  # a current setting
        (key, code), = value.items()
        return codes.SEN_SETTINGS.get(code, code) if key == "sen_setting" else f"{key.upper()} {code}"
    if isinstance(value, list):
        return ", ".join(_shown(v, labels) for v in value)
    if labels and value in labels:
        return str(labels[value])
    if isinstance(value, str) and len(value) == 10 and value[4] == "-" and value[7] == "-":
        return p.long_date(value) or value
    return str(value)


def field_label(event: str, name: str) -> tuple[str, dict | None]:
    """The words a form uses for one of an event's fields, and the labels of its choices."""
    if event == "request_received":
        return REQUEST_FIELD_LABELS.get(name, (name, None))
    spec = EVENTS.get(event)
    if spec is not None and name in spec.field_names:
        declared = spec.field(name)
        return declared.label, declared.choice_labels or None
    return name.replace("_", " ").capitalize(), None


def _contact_lines(fields: dict[str, Any]) -> list[str]:
    direction = codes.CONTACT_DIRECTION_LABELS.get(fields.get("direction"), "")
    channel = codes.COMMUNICATION_CHANNEL_LABELS.get(fields.get("channel"), "Contact")
    return [f"{channel}, {direction[0].lower() + direction[1:] if direction else ''}, with {fields.get('party')}",
            str(fields.get("summary") or "")]


def _changes(changes: dict[str, Any], labels: dict[str, str]) -> list[str]:
    lines = []
    for name, change in changes.items():
        value_labels = codes.CONTACT_CHANNELS if name == "preferred_contact" else None
        lines.append(f"{labels.get(name, name)}: {_shown(change.get('before'), value_labels)} changed to "
                     f"{_shown(change.get('after'), value_labels)}")
    return lines


def _correction_lines(fields: dict[str, Any], corrected: dict[str, Any] | None) -> list[str]:
    what = corrected["event"] if corrected else None
    lines = []
    if corrected is not None:
        lines.append(f"Corrected the entry \u2018{p.EVENT_LABELS.get(what, what)}\u2019 first recorded as "
                     f"{p.long_date(corrected['on'])}")
    if fields.get("on"):
        before = p.long_date(corrected["on"]) if corrected else "blank"
        lines.append(f"Date: {before} changed to {p.long_date(fields['on'])}")
    for name, value in (fields.get("changes") or {}).items():
        label, labels = field_label(what or "", name)
        before = corrected["fields"].get(name) if corrected else None
        lines.append(f"{label}: {_shown(before, labels)} changed to {_shown(value, labels)}")
    lines.append(f"Why: {fields.get('reason')}")
    return lines


def build(history: list[dict[str, Any]], person_history: list[dict[str, Any]], contacts: dict[int, str],
          kind: str | None) -> list[dict[str, Any]]:
    """The case history (newest first, as the page shows it) and the family's changes as timeline entries,
    narrowed to one kind when one is chosen."""
    by_id = {h["id"]: h for h in history}
    items: list[dict[str, Any]] = []
    for h in history:
        event, fields = h["event"], h["fields"] or {}
        item = {"kind": kind_of(event), "title": p.EVENT_LABELS.get(event, FAMILY_LABELS.get(event, event)),
                "on": h["on"], "at": h["at"], "actor": h["actor"], "entry": h, "lines": [],
                "correctable": event in CORRECTABLE and bool(h["on"]), "sort": h["on"] or h["at"][:10]}
        if event == "record_contact":
            item["lines"] = _contact_lines(fields)
        elif event == "correction":
            item["lines"] = _correction_lines(fields, by_id.get(int(fields.get("entry_id", 0))))
        elif event in ("void_advice_request", "withdraw_exception", "withdraw", "refuse_to_assess",
                       "decide_not_to_issue") and fields.get("reason"):
            item["lines"] = [f"Why: {fields['reason']}"]
        elif event == "assign_caseworker":
            item["lines"] = [f"To {fields.get('caseworker')}"
                             + (f", from {fields['previous_caseworker']}" if fields.get("previous_caseworker") else "")]
        elif event == "request_received" and fields.get("caseworker"):
            item["lines"] = [f"Allocated to {fields['caseworker']}"]
        elif event == "record_exception":
            item["lines"] = [f"{codes.EXCEPTION_REASON_LABELS.get(fields.get('reason'), fields.get('reason'))}, "
                             f"{p.long_date(fields.get('starts_on'))} to {p.long_date(fields.get('ends_on'))}"]
        elif event == "document_added":
            item["lines"] = [f"{fields.get('filename')} ({codes.DOCUMENT_KIND_LABELS.get(fields.get('kind'), '')})"]
        if h.get("about"):  # which advice request the entry is about
            item["about"] = h["about"]
        if h.get("corrected"):
            now = h["now_reads"]
            item["now_reads"] = p.long_date(now["on"])
        items.append(item)
    for h in person_history:
        if h["event"] == "person_added":
            continue
        labels = CONTACT_FIELD_LABELS if h["event"].startswith("contact") else PERSON_FIELD_LABELS
        who = contacts.get(h["contact_id"]) if h["contact_id"] else None
        title = FAMILY_LABELS[h["event"]] + (f": {who}" if who else "")
        items.append({"kind": "family", "title": title, "on": None, "at": h["at"], "actor": h["actor"],
                      "entry": None, "correctable": False, "sort": h["at"][:10],
                      "lines": [*_changes(h["changes"], labels), f"Why: {h['reason']}"]})
    items.sort(key=lambda i: (i["sort"], i["at"]), reverse=True)
    return [i for i in items if kind is None or i["kind"] == kind]
