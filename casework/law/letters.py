"""The statutory notices, as data: what each must say and which provision requires it.

A notice that leaves out the right of appeal, its time limit, the mediation adviser or the information,
advice and support service (IASS) leaves the family's appeal window uncertain, and is a common Ombudsman
finding. So each letter kind names its required elements here, each with the provision that requires it,
and a council's wording of a letter (casework.letters.templates) is refused when saved unless it uses every
one. An element is a value the service fills in (the reasons recorded, the date an appeal must be made by,
the contacts from the settings), so the wording around it is the council's, but the fact cannot be left out.

Citations are to the Children and Families Act 2014 (CFA), the SEND Regulations 2014 (Reg) and the SEND Code
of Practice (CoP), as statutory-rules.md gives them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Addressee = Literal["family", "body"]


@dataclass(frozen=True)
class Element:
    """One thing a letter must tell its reader: the template variable that carries it, and why it is owed."""

    name: str  # the template variable, e.g. {{ appeal_by }}
    label: str  # what a council officer calls it
    citation: str
    # The letter's variants that owe it (a review decision to maintain, amend or cease); empty: every variant.
    variants: tuple[str, ...] = ()

    def applies_to(self, variant: str | None) -> bool:
        return not self.variants or variant in self.variants


@dataclass(frozen=True)
class LetterKind:
    name: str
    title: str  # the letter's heading and its name in lists
    addressee: Addressee
    elements: tuple[Element, ...]
    variants: tuple[str, ...] = ()  # the values of the deciding field that change what the letter says
    appealable: bool = False  # its date starts the mediation and appeal clocks (R10.1, R10.6)

    def required(self, variant: str | None) -> tuple[Element, ...]:
        return tuple(e for e in self.elements if e.applies_to(variant))


def _reasons(citation: str, variants: tuple[str, ...] = ()) -> Element:
    return Element("reasons", "The reasons for the decision", citation, variants)


def _appeal(citation: str, variants: tuple[str, ...] = ()) -> Element:
    return Element("appeal_by", "The right of appeal to the First-tier Tribunal (SEND) and its time limit",
                   citation, variants)


def _mediation(citation: str, variants: tuple[str, ...] = ()) -> Element:
    return Element("mediation_adviser", "That mediation advice must be sought before appealing, and the "
                   "mediation adviser's contact", citation, variants)


def _iass(citation: str) -> Element:
    return Element("iass", "The information, advice and support service's contact", citation)


def _fifteen_days(citation: str, variants: tuple[str, ...] = ()) -> Element:
    return Element("representations_by", "The family's 15 days to make representations (the last day)", citation,
                   variants)


LETTER_KINDS: dict[str, LetterKind] = {kind.name: kind for kind in (
    LetterKind("refusal_to_assess", "Decision not to carry out an EHC needs assessment", "family", (
        _reasons("CFA s.36(5)"),
        _appeal("Reg 5(3)(a)-(b); CFA s.51(2)(a)"),
        _mediation("Reg 5(3)(c); CFA s.55"),
        _iass("Reg 5(3)(d)"),
    ), appealable=True),
    LetterKind("decision_to_assess", "Decision to carry out an EHC needs assessment", "family", (
        Element("decided_on", "The decision and its date", "Reg 5(1)"),
        Element("final_plan_due", "When the assessment and any plan must be completed (20 weeks)", "Reg 13(2)"),
        _iass("CFA s.32"),
    )),
    LetterKind("no_plan_notice", "Decision not to issue an EHC plan", "family", (
        _reasons("Reg 10(1)"),
        _appeal("Reg 10(3)(a)-(b); CFA s.51(2)(b)"),
        _mediation("Reg 10(3)(c); CFA s.55"),
        _iass("Reg 10(3)(d)"),
    ), appealable=True),
    LetterKind("draft_plan_notice", "Your draft EHC plan", "family", (
        _fifteen_days("Reg 13(1)(a)"),
        Element("school_request_by", "The right to ask for a particular school or college to be named, and by "
                "when", "CFA s.38(2)(b); Reg 13(1)(b)"),
        _iass("CFA s.32"),
    )),
    LetterKind("final_plan_notice", "Your final EHC plan", "family", (
        Element("named_setting", "The school or other setting named in the plan", "CFA s.39; Reg 12"),
        _appeal("Reg 14(2)(a)-(b); CFA s.51(2)(c)"),
        _mediation("Reg 14(2)(c); CFA s.55"),
        _iass("Reg 14(2)(d)"),
    ), appealable=True),
    LetterKind("review_decision", "Decision after the annual review of the EHC plan", "family", (
        # The reasons are shown when recorded; the review decision takes no reason field yet but the cease
        # reason the contract names, so they cannot be required of every wording.
        Element("outcome", "The decision: to keep the plan as it is, to amend it or to cease it", "Reg 20(10)"),
        _appeal("Reg 20(11)(a)", ("maintain", "cease")),
        _mediation("Reg 20(11)(b); CFA s.55", ("maintain", "cease")),
        _fifteen_days("Reg 22(2)(c)", ("amend",)),
        _iass("Reg 20(11)(c)"),
    ), variants=("maintain", "amend", "cease"), appealable=True),
    LetterKind("amendment_notice", "Your amended EHC plan", "family", (
        _appeal("Reg 22(5)(a)-(b); CFA s.51(2)(c)"),
        _mediation("Reg 22(5)(c); CFA s.55"),
        _iass("Reg 22(5)(d)"),
    ), appealable=True),
    LetterKind("cease_notice", "Decision to cease to maintain the EHC plan", "family", (
        _reasons("CFA s.45; Reg 31(1)"),
        _appeal("Reg 31(2)(a); CFA s.51(2)(f)"),
        _mediation("Reg 31(2)(b); CFA s.55"),
        _iass("Reg 31(2)(c)"),
    ), appealable=True),
    LetterKind("advice_request", "Request for advice for an EHC needs assessment", "body", (
        Element("advice_type", "The advice asked for", "Reg 6(1)"),
        Element("advice_due_on", "The date the advice must be given by (6 weeks from receipt)", "Reg 8(1)"),
    )),
)}

# The facts every letter carries in its letterhead, whatever the council's wording: the service adds them.
LETTERHEAD = ("authority_name", "case_reference", "letter_date", "addressee")
