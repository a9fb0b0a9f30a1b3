"""The council's wording of each notice: versioned, checked when saved, never changed once saved.

A template is the body of a letter in HTML with ``{{ ... }}`` places for what the service fills in; the
letterhead (the council's name, the addressee, the date, the case reference) is added around it by
casework.letters.render, so no wording can lose it. Wording is edited on the admin pages without code. Saving
always makes a new version and leaves the old ones as they were, so every letter already issued still names
the exact wording it was produced from.

Templates run in Jinja's sandbox with autoescaping: the people who edit them are trusted with words, not with
the server, and a value typed by a caseworker (a reason) cannot become markup in a letter.
"""

from __future__ import annotations

from importlib import resources

from jinja2 import StrictUndefined, TemplateError, meta
from jinja2.sandbox import SandboxedEnvironment
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from casework.core.db import Database
from casework.core.errors import Invalid, NotFound
from casework.law.letters import LETTER_KINDS, LetterKind
from casework.models import LetterTemplate, User

MAX_TEMPLATE_LENGTH = 50_000
NOTE_LENGTH = 200
DEFAULT_AUTHOR = "system"

# Every value a template may use beyond its kind's required elements.
COMMON_VALUES = ("authority_name", "case_reference", "letter_date", "addressee", "greeting", "child_name",
                 "child_date_of_birth", "signed_by", "mediation_by", "title")
ALL_VALUES = frozenset(COMMON_VALUES) | {e.name for kind in LETTER_KINDS.values() for e in kind.elements} | {
    "variant", "organisation"}

environment = SandboxedEnvironment(autoescape=True, undefined=StrictUndefined, trim_blocks=True,
                                   lstrip_blocks=True)


def kind_named(kind: str) -> LetterKind:
    if kind not in LETTER_KINDS:
        raise NotFound(f"There is no letter called '{kind}'.")
    return LETTER_KINDS[kind]


def default_body(kind: str) -> str:
    """The wording the service ships with, until the council saves its own."""
    return resources.files("casework.letters").joinpath("defaults", f"{kind}.html").read_text(encoding="utf-8")


def check(kind: LetterKind, body: str) -> None:
    """Refuse wording that leaves out a required element, uses a value the service does not fill in, or is not
    a template at all. The message names the element and the provision that requires it."""
    if not body.strip():
        raise Invalid("Enter the wording of the letter.", code="required", field="body")
    if len(body) > MAX_TEMPLATE_LENGTH:
        raise Invalid(f"The wording must be {MAX_TEMPLATE_LENGTH:,} characters or fewer.", code="too_long",
                      field="body")
    try:
        used = meta.find_undeclared_variables(environment.parse(body))
    except TemplateError as exc:
        line = f" (line {exc.lineno})" if getattr(exc, "lineno", None) else ""
        raise Invalid(f"The wording has a mistake in a {{{{ }}}} or {{% %}} place{line}: {exc.message}.",
                      code="template_error", field="body") from None
    for element in kind.elements:
        if element.name not in used:
            raise Invalid(f"The wording of '{kind.title}' must include {{{{ {element.name} }}}}: "
                          f"{element.label[0].lower()}{element.label[1:]} ({element.citation}).",
                          code="missing_element", field="body")
    unknown = sorted(used - ALL_VALUES)
    if unknown:
        raise Invalid(f"The wording uses {{{{ {unknown[0]} }}}}, which the service does not fill in.",
                      code="unknown_value", field="body")
    for variant in kind.variants or (None,):
        shown = _try(body, variant)
        for element in kind.required(variant):
            if _marker(element.name) not in shown:
                when = f" when the decision is to {variant}" if variant else ""
                raise Invalid(f"The wording of '{kind.title}' never shows {{{{ {element.name} }}}}{when}: "
                              f"{element.label[0].lower()}{element.label[1:]} ({element.citation}).",
                              code="missing_element", field="body")


def _marker(name: str) -> str:
    return f"[{name}]"


def _try(body: str, variant: str | None) -> str:
    """The wording filled with a marker for each value, so a required element hidden behind a condition that
    never holds is found as surely as one left out."""
    sample: dict[str, object] = {name: _marker(name) for name in ALL_VALUES}
    sample["variant"] = variant
    try:
        return environment.from_string(body).render(sample)
    except Exception as exc:  # the sandbox's refusals, a filter given the wrong thing: all mistakes in wording
        raise Invalid(f"The wording cannot be filled in: {exc}.", code="template_error", field="body") from None


def current(session: Session, kind: str) -> LetterTemplate | None:
    """The newest saved version of the kind's wording, or None while the council has saved none."""
    return session.scalars(select(LetterTemplate).where(LetterTemplate.kind == kind)
                           .order_by(LetterTemplate.version.desc()).limit(1)).first()


def versions(session: Session, kind: str) -> list[LetterTemplate]:
    return list(session.scalars(select(LetterTemplate).where(LetterTemplate.kind == kind)
                                .order_by(LetterTemplate.version.desc())))


def in_use(session: Session, kind: str) -> LetterTemplate:
    """The version letters of this kind are produced from now; the shipped wording becomes version 1 the first
    time it is needed, so that every letter names a saved version."""
    found = current(session, kind)
    if found is not None:
        return found
    return _add(session, kind_named(kind), default_body(kind), None, "The wording the service ships with")


def save(db: Database, kind: str, body: str, *, actor: User | None, note: str | None = None) -> LetterTemplate:
    """A new version of the kind's wording, checked first; the versions before it stay exactly as they were."""
    letter_kind = kind_named(kind)
    body = body.replace("\r\n", "\n")
    check(letter_kind, body)
    note = (note or "").strip() or None
    if note is not None and len(note) > NOTE_LENGTH:
        raise Invalid(f"The note must be {NOTE_LENGTH} characters or fewer.", code="too_long", field="note")
    with db.transaction() as session:
        if current(session, kind) is None:  # the shipped wording stays on record as version 1
            _add(session, letter_kind, default_body(kind), None, "The wording the service ships with")
        return _add(session, letter_kind, body, actor, note)


def _add(session: Session, kind: LetterKind, body: str, actor: User | None, note: str | None) -> LetterTemplate:
    number = (session.scalar(select(func.max(LetterTemplate.version)).where(LetterTemplate.kind == kind.name))
              or 0) + 1
    template = LetterTemplate(kind=kind.name, version=number, body=body, note=note,
                              created_by_id=actor.id if actor is not None else None,
                              created_by=actor.username if actor is not None else DEFAULT_AUTHOR)
    session.add(template)
    session.flush()
    return template
