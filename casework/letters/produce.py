"""Producing the letters that decisions queued: ``ehcp letters produce`` and the scheduler's letters job.

Each letter is produced in a unit of work of its own: the wording in use is fixed as the letter's template
version, the letter is rendered to HTML and PDF, dated today (the date the appeal and mediation clocks run
from) and the case's history records that it was issued. A letter that cannot be produced is logged and left
queued for the next run, and the run goes on with the others; one bad letter never holds up the rest.
Two producers at once never issue a letter twice: each takes its letter with a row lock (PostgreSQL skips a
letter another holds; SQLite runs one writer at a time).
"""

from __future__ import annotations

import logging
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from casework import audit
from casework.core import clock
from casework.core.db import Database
from casework.core.policy import Policy
from casework.disputes import start_appeal_rights
from casework.law.disputes import APPEALABLE_LETTERS
from casework.letters import render, templates
from casework.models import AdviceRequest, Case, Letter

logger = logging.getLogger("casework.letters")
ISSUED = "letter_issued"


def produce_queued(db: Database, settings: dict[str, Any], *, limit: int | None = None) -> dict[str, int]:
    """Produce every queued letter (or the first ``limit``); returns how many were produced and failed."""
    produced = failed = 0
    after = 0
    while limit is None or produced + failed < limit:
        try:
            with db.transaction() as session:
                letter = _next(session, after, db.dialect)
                if letter is None:
                    break
                after = letter.id
                produce(session, letter, settings)
            produced += 1
            logger.info("letter issued letter_id=%d kind=%s case_id=%d", letter.id, letter.kind, letter.case_id)
        except Exception as exc:
            failed += 1
            logger.exception("letter not produced letter_id=%d error=%s", after, type(exc).__name__)
    return {"produced": produced, "failed": failed}


def _next(session: Session, after: int, dialect: str) -> Letter | None:
    query = (select(Letter).where(Letter.issued_on.is_(None), Letter.id > after).order_by(Letter.id).limit(1))
    if dialect == "postgresql":
        query = query.with_for_update(skip_locked=True, of=Letter)
    return session.scalars(query).first()


def produce(session: Session, letter: Letter, settings: dict[str, Any]) -> Letter:
    """One queued letter, rendered and issued today."""
    case = session.get(Case, letter.case_id)
    assert case is not None
    template = templates.in_use(session, letter.kind)
    advice = session.get(AdviceRequest, letter.advice_request_id) if letter.advice_request_id else None
    today = clock.today()
    facts = render.facts_for(case, kind=letter.kind, variant=letter.variant, letter_date=today,
                             decided_on=letter.decided_on, facts=dict(letter.facts or {}), advice=advice)
    html = render.render_html(template.body, facts, settings)
    letter.html, letter.pdf = html, render.to_pdf(html)
    letter.template_id, letter.addressed_to = template.id, render.addressee_for(facts).names
    letter.issued_on, letter.issued_at = today, clock.now()
    audit.record(session, case=case, actor=None, event=ISSUED, on=today,
                 fields={"letter_id": letter.id, "kind": letter.kind, "variant": letter.variant,
                         "template_version": template.version, "entry_id": letter.entry_id},
                 state_before=None, state_after=None)  # a letter moves no state: it must not read as one
    variants = APPEALABLE_LETTERS.get(letter.kind)
    if letter.entry_id is not None and variants is not None and (not variants or letter.variant in variants):
        # The notice of an appealable decision starts the family's mediation and appeal time from its date.
        start_appeal_rights(session, case, decision_entry_id=letter.entry_id, letter_on=today,
                            policy=Policy.from_settings(settings))
    return letter
