"""A letter made from its template: the values filled in, the letterhead around it, then text or PDF.

The letterhead (the council's name, the addressee and their address, the date, the case reference) and the
signature are the service's, not the template's, so a council's wording can never drop them. The family is
addressed through the contacts with parental responsibility; a young person with none named is written to
themselves; a request for advice goes to the body asked.

PDFs come from WeasyPrint, from the same HTML and CSS; it is given no way to fetch anything (a template's
``<img src="http://...">`` fetches nothing), so producing a letter never reaches out of the machine.
"""

from __future__ import annotations

import datetime as dt
import html
import re
from dataclasses import dataclass
from html.parser import HTMLParser
from typing import Any

from markupsafe import Markup, escape

from casework.core import clock
from casework.law import codes, rules
from casework.law.letters import LETTER_KINDS, LetterKind
from casework.letters import templates
from casework.models import AdviceRequest, Case, Person

YOUNG_PERSON_AGE = 16
OUTCOME_WORDS = {
    "maintain": "to keep the plan as it is",
    "amend": "to amend the plan",
    "cease": "to cease to maintain the plan",
}


@dataclass(frozen=True)
class Addressee:
    names: str
    address: str | None
    greeting: str  # what follows "Dear"


@dataclass(frozen=True)
class Facts:
    """What one letter states, gathered before rendering so the same facts give the same letter."""

    kind: LetterKind
    variant: str | None
    letter_date: dt.date
    decided_on: dt.date
    case_reference: str
    person: Person
    facts: dict[str, Any]
    final_plan_due: dt.date | None = None
    advice: AdviceRequest | None = None
    advice_due_on: dt.date | None = None


def _lines(text: str) -> Markup:
    """Text typed by a person, escaped, its line breaks kept."""
    return Markup("<br>").join(escape(line) for line in text.strip().splitlines())


def family_addressee(person: Person, on: dt.date) -> Addressee:
    """Those with parental responsibility, at the first one's address; a young person with none, themselves."""
    responsible = [c for c in person.contacts if c.parental_responsibility]
    if responsible:
        address = next((c.address for c in responsible if c.address), None) or person.address
        names = " and ".join(c.name for c in responsible)
        return Addressee(names, address, names)
    age = on.year - person.date_of_birth.year - ((on.month, on.day) < (person.date_of_birth.month,
                                                                       person.date_of_birth.day))
    if age >= YOUNG_PERSON_AGE:
        return Addressee(person.full_name, person.address, person.full_name)
    return Addressee(f"The parent or carer of {person.full_name}", person.address, "parent or carer")


def addressee_for(facts: Facts) -> Addressee:
    if facts.kind.addressee == "body":
        name = facts.advice.organisation.name if facts.advice is not None else facts.facts.get("organisation", "")
        return Addressee(str(name), None, f"colleague at {name}")
    return family_addressee(facts.person, facts.letter_date)


def values(facts: Facts, settings: dict[str, Any]) -> dict[str, Any]:
    """Every value a template may use, written as the reader reads it."""
    letters = settings.get("letters", {})
    letter_date = facts.letter_date
    found = dict(facts.facts)
    reason = found.get("reason")
    if (facts.kind.name == "cease_notice" or facts.variant == "cease") and str(reason).isdigit():
        reason = codes.CEASE_REASON_LABELS.get(int(reason), str(reason))
    representations_by = rules.rule_in_force("R4.1", facts.decided_on).due_on(facts.decided_on)
    addressee = addressee_for(facts)
    organisation = facts.advice.organisation.name if facts.advice is not None else found.get("organisation", "")
    return {
        "title": facts.kind.title,
        "variant": facts.variant,
        "authority_name": settings.get("service", {}).get("authority_name", ""),
        "case_reference": facts.case_reference,
        "letter_date": clock.written(letter_date),
        "addressee": addressee.names,
        "greeting": addressee.greeting,
        "child_name": facts.person.full_name,
        "child_date_of_birth": clock.written(facts.person.date_of_birth),
        "signed_by": letters.get("signed_by", ""),
        "reasons": _lines(str(reason)) if reason else "",
        "appeal_by": clock.written(rules.rule_in_force("R10.6", letter_date).due_on(letter_date)),
        "mediation_by": clock.written(rules.rule_in_force("R10.1", letter_date).due_on(letter_date)),
        "mediation_adviser": letters.get("mediation_adviser", ""),
        "iass": letters.get("iass", ""),
        "representations_by": clock.written(representations_by),
        "school_request_by": clock.written(representations_by),
        "decided_on": clock.written(facts.decided_on),
        "final_plan_due": clock.written(facts.final_plan_due) if facts.final_plan_due else "",
        "named_setting": found.get("named_setting") or "none is named yet",
        "outcome": OUTCOME_WORDS.get(facts.variant or "", facts.variant or ""),
        "advice_type": codes.ADVICE_TYPE_LABELS.get(found.get("advice_type", ""), "").lower(),
        "advice_due_on": clock.written(facts.advice_due_on) if facts.advice_due_on else "",
        "organisation": organisation,
    }


STYLE = """
@page { size: A4; margin: 20mm 20mm 22mm 20mm;
        @bottom-center { content: "Page " counter(page) " of " counter(pages); font-size: 9pt; } }
body { font-family: "DejaVu Sans", Arial, sans-serif; font-size: 11pt; line-height: 1.4; color: #0b0c0c; }
.letterhead { border-bottom: 2px solid #0b0c0c; margin-bottom: 8mm; padding-bottom: 3mm; }
.authority { font-size: 16pt; font-weight: bold; }
.address { margin: 0 0 6mm 0; }
.meta { margin: 0 0 6mm 0; }
.meta dt { float: left; width: 40mm; font-weight: bold; }
h1 { font-size: 14pt; margin: 4mm 0; }
h2 { font-size: 12pt; margin: 5mm 0 1mm 0; }
p { margin: 0 0 3mm 0; }
.signature { margin-top: 8mm; }
"""

_LETTER = templates.environment.from_string("""<!DOCTYPE html>
<html lang="en-GB">
<head><meta charset="utf-8"><title>{{ title }}: {{ case_reference }}</title><style>{{ style }}</style></head>
<body>
<div class="letterhead"><div class="authority">{{ authority_name }}</div></div>
<div class="address">{{ addressee }}{% if address %}<br>{{ address }}{% endif %}</div>
<dl class="meta">
<dt>Date</dt><dd>{{ letter_date }}</dd>
<dt>Our reference</dt><dd>{{ case_reference }}</dd>
<dt>Child or young person</dt><dd>{{ child_name }}, born {{ child_date_of_birth }}</dd>
</dl>
<h1>{{ title }}</h1>
{{ body }}
<div class="signature"><p>Yours sincerely,</p><p>{{ signed_by }}<br>{{ authority_name }}</p></div>
</body>
</html>
""")


def render_body(body: str, context: dict[str, Any]) -> Markup:
    return Markup(templates.environment.from_string(body).render(context))


def render_html(body: str, facts: Facts, settings: dict[str, Any]) -> str:
    """The whole letter as HTML: the letterhead, the template's wording with its values, the signature."""
    context = values(facts, settings)
    address = addressee_for(facts).address
    return _LETTER.render(**context, body=render_body(body, context), style=Markup(STYLE),
                          address=_lines(address) if address else None)


def _no_fetching(url: str, *args: Any, **kwargs: Any) -> dict[str, Any]:
    raise ValueError(f"letters fetch nothing: {url[:60]}")


def to_pdf(letter_html: str) -> bytes:
    """The letter as PDF; WeasyPrint is imported here so that the rest of the service loads without it."""
    from weasyprint import HTML

    return HTML(string=letter_html, url_fetcher=_no_fetching).write_pdf()


class _Text(HTMLParser):
    BLOCKS = frozenset({"p", "h1", "h2", "h3", "div", "dd", "dt", "li", "tr", "br", "title"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("style", "title", "head"):
            self.skip += 1
        elif tag in self.BLOCKS:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in ("style", "title", "head"):
            self.skip -= 1
        elif tag in self.BLOCKS:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if not self.skip:
            self.parts.append(re.sub(r"\s+", " ", data))


def as_text(letter_html: str) -> str:
    """The letter's words, one paragraph a line: what golden files keep and what a reader of the PDF sees."""
    parser = _Text()
    parser.feed(letter_html)
    text = html.unescape("".join(parser.parts))
    lines = [re.sub(r"\s+", " ", line).strip() for line in text.split("\n")]
    return "\n".join(line for line in lines if line) + "\n"


def facts_for(case: Case, *, kind: str, variant: str | None, letter_date: dt.date, decided_on: dt.date,
              facts: dict[str, Any], advice: AdviceRequest | None) -> Facts:
    """The facts a letter about this case states, read from the case as it stands."""
    final_plan = next((d for d in case.deadlines if d.kind == "final_plan"), None)
    advice_due = next((d.due_on for d in case.deadlines if advice is not None and d.advice_request_id == advice.id),
                      None)
    return Facts(kind=LETTER_KINDS[kind], variant=variant, letter_date=letter_date, decided_on=decided_on,
                 case_reference=case.reference, person=case.person, facts=facts,
                 final_plan_due=final_plan.due_on if final_plan else None, advice=advice, advice_due_on=advice_due)
