"""Each notice a decision owes: queued with it, produced after it, carrying every element the law requires.

Golden files (tests/letters/golden/*.txt) hold each letter's text as the service ships its wording; a change
of wording shows up as a diff to review. Set EHCP_UPDATE_GOLDEN=1 to rewrite them after a deliberate change.
"""

from __future__ import annotations

import io
import os
from pathlib import Path

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from casework import operations as ops
from casework.core.errors import Invalid
from casework.law.events import EVENTS
from casework.law.letters import LETTER_KINDS
from casework.letters import produce, render, templates
from casework.models import AuditEntry, Letter, LetterTemplate
from tests.letters.conftest import TODAY, D, produced, to_review_meeting

GOLDEN = Path(__file__).parent / "golden"


def _decide(db, case_id: int, letter: str) -> None:
    """Take a fresh case to the decision that owes this letter (and its variant, after a colon)."""
    kind, _, variant = letter.partition(":")
    if kind == "refusal_to_assess":
        ops.refuse_to_assess(db, case_id, actor=None, on=D(2024, 10, 7),
                             reason="The evidence from school shows that Ada's needs are being met from the "
                                    "resources it normally has.\nWe will review this with the school in a term.")
        return
    ops.agree_to_assess(db, case_id, actor=None, on=D(2024, 10, 7))
    if kind == "decision_to_assess":
        return
    if kind == "advice_request":
        ops.request_advice(db, case_id, actor=None, on=D(2024, 10, 8), advice_type="health",
                           organisation="Northbridge NHS Foundation Trust", received_on=D(2024, 10, 9))
        return
    if kind == "no_plan_notice":
        ops.decide_not_to_issue(db, case_id, actor=None, on=D(2024, 12, 16),
                                reason="The assessment shows Ada's needs can be met by her school with "
                                       "the support it already gives.")
        return
    ops.decide_to_issue(db, case_id, actor=None, on=D(2024, 11, 25))
    ops.issue_draft(db, case_id, actor=None, on=D(2024, 12, 9))
    if kind == "draft_plan_notice":
        return
    ops.issue_final(db, case_id, actor=None, on=D(2025, 1, 6), named_setting="Oak Primary School")
    if kind == "final_plan_notice":
        return
    if kind == "cease_notice":
        ops.cease_plan(db, case_id, actor=None, on=D(2025, 5, 1), reason=2)
        return
    ops.hold_review_meeting(db, case_id, actor=None, on=D(2025, 5, 5))
    if kind == "review_decision":
        ops.decide_review_outcome(db, case_id, actor=None, on=D(2025, 5, 19), outcome=variant,
                                  reason=2 if variant == "cease" else None)
        return
    assert kind == "amendment_notice"
    # the family's 15 days on the amendments proposed on 18 May run to 1 June: the amended plan follows
    ops.decide_review_outcome(db, case_id, actor=None, on=D(2025, 5, 18), outcome="amend")
    ops.issue_amended_plan(db, case_id, actor=None, on=D(2025, 6, 2))


LETTERS = ["refusal_to_assess", "decision_to_assess", "advice_request", "no_plan_notice", "draft_plan_notice",
           "final_plan_notice", "review_decision:maintain", "review_decision:amend", "review_decision:cease",
           "amendment_notice", "cease_notice"]


def _the_letter(db, settings, family_case, letter: str) -> Letter:
    case = family_case()
    _decide(db, case.id, letter)
    kind, _, variant = letter.partition(":")
    found = [x for x in produced(db, settings, case.id) if x.kind == kind]
    assert len(found) == 1, [x.kind for x in produced(db, settings, case.id)]
    assert found[0].variant == (variant or None)
    return found[0]


def test_every_notice_of_the_contract_is_declared_and_owed_by_an_event():
    owed = {spec.letter for spec in EVENTS.values() if spec.letter}
    assert owed == set(LETTER_KINDS)
    for kind in LETTER_KINDS.values():
        assert kind.elements and all(e.citation for e in kind.elements)


@pytest.mark.parametrize("letter", LETTERS)
def test_the_letter_reads_as_its_golden_file(db, settings, family_case, letter):
    issued = _the_letter(db, settings, family_case, letter)
    text = render.as_text(issued.html)
    golden = GOLDEN / f"{letter.replace(':', '_')}.txt"
    if os.environ.get("EHCP_UPDATE_GOLDEN") == "1":
        golden.write_text(text, encoding="utf-8")
    assert text == golden.read_text(encoding="utf-8")


@pytest.mark.parametrize("letter", LETTERS)
def test_the_letter_carries_every_element_the_law_requires(db, settings, family_case, letter):
    issued = _the_letter(db, settings, family_case, letter)
    kind = LETTER_KINDS[issued.kind]
    with db.reading() as session:
        from casework.models import AdviceRequest, Case

        case = session.get(Case, issued.case_id)
        advice = session.get(AdviceRequest, issued.advice_request_id) if issued.advice_request_id else None
        facts = render.facts_for(case, kind=issued.kind, variant=issued.variant, letter_date=issued.issued_on,
                                 decided_on=issued.decided_on, facts=issued.facts, advice=advice)
    values = render.values(facts, settings)
    text = render.as_text(issued.html)
    for element in kind.required(issued.variant):
        shown = render.as_text(f"<p>{values[element.name]}</p>").strip()
        assert shown and shown in text, f"{element.name} ({element.citation}) is missing"
    # Every letter: the council, the case reference, the date and whom it is to.
    for always in ("Demo Borough Council", case.reference, "2 June 2025"):
        assert always in text
    assert ("Northbridge NHS Foundation Trust" if kind.addressee == "body" else "Jane Example") in text


def test_the_appeal_window_runs_from_the_letter_date_and_the_issue_is_recorded_on_the_case(db, settings,
                                                                                          family_case):
    issued = _the_letter(db, settings, family_case, "refusal_to_assess")
    assert (issued.decided_on, issued.issued_on) == (D(2024, 10, 7), TODAY)  # keyed late: dated when sent
    assert "You must appeal by 2 August 2025" in render.as_text(issued.html)
    with db.reading() as session:
        from casework.cases import notices

        assert notices.issued_on(session, issued.entry_id) == TODAY
        entry = session.scalars(select(AuditEntry).where(AuditEntry.case_id == issued.case_id,
                                                         AuditEntry.event == produce.ISSUED)).one()
        assert (entry.on, entry.fields["letter_id"], entry.fields["kind"]) == (TODAY, issued.id, "refusal_to_assess")


def test_the_pdf_says_what_the_letter_says(db, settings, family_case):
    issued = _the_letter(db, settings, family_case, "refusal_to_assess")
    assert issued.pdf.startswith(b"%PDF-")
    pdf_text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(issued.pdf)).pages)
    flat = " ".join(pdf_text.split())
    for line in render.as_text(issued.html).splitlines():
        assert " ".join(line.split()) in flat, line


def test_the_address_comes_from_the_contacts_with_parental_responsibility(db, settings, family_case):
    issued = _the_letter(db, settings, family_case, "decision_to_assess")
    lines = render.as_text(issued.html).splitlines()
    assert lines[1:5] == ["Jane Example", "1 High Street", "Northbridge", "NB1 2AB"]
    assert "Dear Jane Example," in lines
    assert issued.addressed_to == "Jane Example"


def test_a_decision_that_rolls_back_issues_nothing(db, settings, new_case):
    case = new_case()
    with pytest.raises(RuntimeError), db.transaction() as session:
        ops.refuse_to_assess(db, case.id, actor=None, on=D(2024, 10, 7), reason="Needs met", uow=session)
        assert session.scalars(select(Letter)).one().kind == "refusal_to_assess"  # queued in the same unit
        raise RuntimeError("the caller's unit of work fails after the decision")
    assert produce.produce_queued(db, settings) == {"produced": 0, "failed": 0}
    with db.reading() as session:
        assert session.scalars(select(Letter)).all() == []
    # A refused decision queues nothing either.
    with pytest.raises(Invalid):
        ops.refuse_to_assess(db, case.id, actor=None, on=D(2024, 10, 7), reason="   ")
    assert produced(db, settings, case.id) == []


def test_a_correction_replays_the_history_without_queueing_letters_again(db, settings, new_case):
    from casework.cases import replay

    case = new_case()
    ops.agree_to_assess(db, case.id, actor=None, on=D(2024, 10, 7))
    assert len(produced(db, settings, case.id)) == 1
    with db.reading() as session:
        entry = session.scalars(select(AuditEntry).where(AuditEntry.case_id == case.id,
                                                         AuditEntry.event == "agree_to_assess")).one()
    replay.correct_entry(db, case.id, actor=None, entry_id=entry.id, on=D(2024, 10, 8), reason="Keyed a day early")
    assert len(produced(db, settings, case.id)) == 1


def test_the_letter_names_the_template_version_it_came_from_and_a_new_wording_is_a_new_version(db, settings,
                                                                                               family_case):
    first = _the_letter(db, settings, family_case, "decision_to_assess")
    body = templates.default_body("decision_to_assess").replace("We will now ask", "We are now asking")
    saved = templates.save(db, "decision_to_assess", body, actor=None, note="Plainer words")
    with db.reading() as session:
        versions = templates.versions(session, "decision_to_assess")
        assert [v.version for v in versions] == [2, 1]
        assert versions[1].body == templates.default_body("decision_to_assess")  # version 1 unchanged
        assert session.get(Letter, first.id).template.version == 1
    assert saved.version == 2
    second = _the_letter(db, settings, family_case, "decision_to_assess")
    assert second.template.version == 2 and "We are now asking" in render.as_text(second.html)
    assert "We will now ask" in render.as_text(first.html)  # the letter sent keeps the words it was sent with


@pytest.mark.parametrize("kind", list(LETTER_KINDS))
def test_a_template_missing_a_required_element_is_refused_when_saved(db, kind):
    for element in LETTER_KINDS[kind].elements:
        body = templates.default_body(kind).replace(f"{{{{ {element.name} }}}}", "(left out)")
        with pytest.raises(Invalid) as refused:
            templates.save(db, kind, body, actor=None)
        assert refused.value.code == "missing_element"
        assert element.citation in refused.value.message and f"{{{{ {element.name} }}}}" in refused.value.message
    with db.reading() as session:
        assert session.scalars(select(LetterTemplate)).all() == []


def test_an_element_hidden_behind_a_condition_that_never_holds_is_refused(db):
    body = templates.default_body("refusal_to_assess").replace(
        "{{ appeal_by }}", "{% if variant == 'never' %}{{ appeal_by }}{% endif %}")
    with pytest.raises(Invalid, match="never shows"):
        templates.save(db, "refusal_to_assess", body, actor=None)


@pytest.mark.parametrize(("body", "code"), [
    ("{{ reasons }} {{ appeal_by }} {{ mediation_adviser }} {{ iass }} {% if %}", "template_error"),
    ("{{ reasons }} {{ appeal_by }} {{ mediation_adviser }} {{ iass }} {{ secret_key }}", "unknown_value"),
    ("{{ reasons }} {{ appeal_by }} {{ mediation_adviser }} {{ iass }} {{ reasons.__class__.__mro__ }}",
     "template_error"),
    ("   ", "required"),
])
def test_wording_that_is_not_a_safe_template_is_refused(db, body, code):
    with pytest.raises(Invalid) as refused:
        templates.save(db, "refusal_to_assess", body, actor=None)
    assert refused.value.code == code


def test_what_a_caseworker_typed_cannot_become_markup_in_a_letter(db, settings, family_case):
    case = family_case()
    ops.refuse_to_assess(db, case.id, actor=None, on=D(2024, 10, 7), reason='<img src="http://example.org/x">')
    issued = produced(db, settings, case.id)[0]
    assert "<img" not in issued.html and "&lt;img" in issued.html


def test_a_letter_that_cannot_be_produced_waits_and_the_others_go_out(db, settings, family_case, monkeypatch):
    first, second = family_case(), family_case()
    ops.agree_to_assess(db, first.id, actor=None, on=D(2024, 10, 7))
    ops.agree_to_assess(db, second.id, actor=None, on=D(2024, 10, 7))
    real = render.to_pdf
    calls = iter([RuntimeError("renderer down"), None])

    def flaky(html: str) -> bytes:
        failure = next(calls, None)
        if failure is not None:
            raise failure
        return real(html)

    monkeypatch.setattr(render, "to_pdf", flaky)
    assert produce.produce_queued(db, settings) == {"produced": 1, "failed": 1}
    monkeypatch.setattr(render, "to_pdf", real)
    assert produce.produce_queued(db, settings) == {"produced": 1, "failed": 0}
    with db.reading() as session:
        assert all(x.issued_on == TODAY for x in session.scalars(select(Letter)))


def test_the_review_decision_follows_its_outcome(db, settings, family_case):
    case = family_case()
    to_review_meeting(db, case.id)
    ops.decide_review_outcome(db, case.id, actor=None, on=D(2025, 5, 19), outcome="amend")
    letter = [x for x in produced(db, settings, case.id) if x.kind == "review_decision"][0]
    text = render.as_text(letter.html)
    assert "15 days" in text and "You must appeal" not in text
