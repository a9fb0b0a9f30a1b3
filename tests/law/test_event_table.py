"""The event declarations against contract.md's table of deadline kinds and the events that open, meet and
cancel them: the table is the public promise, the declarations are what the ledger enforces."""

from __future__ import annotations

import re

import pytest

from casework.core.settings import REPO_ROOT
from casework.law import rules
from casework.law.disputes import DISPUTE_EVENT_SPECS
from casework.law.events import EVENTS, REQUEST_RECEIVED
from casework.law.transfers import TRANSFER_EVENT_SPECS
from workflows import ehcp

CONTRACT = REPO_ROOT.parent / "shared" / "spec" / "contract.md"
# Phrases the table uses for an event, beside the events' own names.
PHRASES = {"case created": REQUEST_RECEIVED.name, "a decision to amend": "decide_review_outcome",
           "a decision to maintain": "decide_review_outcome", "each review decision": "decide_review_outcome",
           "the adviser's return": "record_advice"}
# Where the code departs from the table: none, and it must stay so.
KNOWN_DEPARTURES: set[tuple[str, str, str]] = set()
# Kinds the contract names in its prose rather than its table (re-assessment), the service level of R5.3, and the
# early years review of G7.2: guidance (CoP 9.178) tracked as a service level, for which the contract's deadline
# table has no row.
NAMED_OUTSIDE_THE_TABLE = {"reassessment_final", "reassessment_decision", "early_years_review"}
# Additive to the contract, which has no event that records a consultation: G4.4's service level (the school's
# answer within 15 days, CoP 9.80), opened by consult_school and met by record_school_response, named nowhere
# in its tables.
NAMED_OUTSIDE_THE_TABLE |= {"school_consultation", "consult_school", "record_school_response"}
KNOWN_EVENTS = {REQUEST_RECEIVED.name, *EVENTS}


def _events_named(cell: str) -> set[str]:
    cell = cell.split(": ")[0]  # what follows a colon explains the row ("`issue_final` is refused until...")
    named = {name for name in re.findall(r"[a-z_]+", cell) if name in KNOWN_EVENTS}
    named |= {event for phrase, event in PHRASES.items() if phrase in cell}
    # "(an overdue one is never cancelled by a new set_phase_transfer)" names an event the kind is NOT cancelled by
    named -= set(re.findall(r"never cancelled by a new ([a-z_]+)", cell))
    return named


def _contract_table() -> dict[str, dict[str, set[str]]]:
    if not CONTRACT.exists():
        pytest.skip(f"the public contract is not beside this checkout ({CONTRACT})")
    table: dict[str, dict[str, set[str]]] = {}
    for line in CONTRACT.read_text().splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) != 5 or not cells[0].startswith("`"):
            continue
        kind = cells[0].strip("`")
        if kind in rules.DEADLINE_KINDS:
            table[kind] = {"open": _events_named(cells[2]), "meet": _events_named(cells[3]),
                           "cancel": _events_named(cells[4])}
    return table


def _declared(kind: str, action: str) -> set[str]:
    specs = [REQUEST_RECEIVED, *EVENTS.values()]
    found = {spec.name for spec in specs if kind in spec.may(action)}  # type: ignore[arg-type]
    if action == "meet":  # a family's window closed on its last day is "met once closed", named by no event
        found -= {spec.name for spec in specs if kind in spec.closes}
    return found


# Kinds whose steps run beside the case (disputes, transfers): contract.md names them in its own sections.
BESIDE_THE_CASE = {kind for spec in (*DISPUTE_EVENT_SPECS, *TRANSFER_EVENT_SPECS)
                   for action in ("open", "meet", "cancel") for kind in spec.may(action)} - {"annual_review"}


def test_every_deadline_kind_of_the_code_is_in_the_contract():
    assert set(_contract_table()) == set(rules.DEADLINE_KINDS) - BESIDE_THE_CASE - NAMED_OUTSIDE_THE_TABLE
    text = CONTRACT.read_text()
    assert {kind for kind in BESIDE_THE_CASE if f"`{kind}`" not in text} == set()
    assert "`reassessment_final`" in text


def test_declarations_agree_with_the_contract_table():
    departures = set()
    for kind, roles in _contract_table().items():
        for action, promised in roles.items():
            declared = _declared(kind, action)
            # the table also names events of the law still to come; compare what both know
            departures |= {(kind, action, e) for e in declared - promised}
            departures |= {(kind, action, e) for e in promised - declared if e in KNOWN_EVENTS}
    assert departures == KNOWN_DEPARTURES


def test_what_the_code_adds_to_the_contract_is_not_in_it():
    """The consultation's event and kind are additive: the contract names them nowhere (were it to, the reason
    above would be stale and the table test would hold them to its rows instead)."""
    _contract_table()
    text = CONTRACT.read_text()
    added = {"school_consultation", "consult_school", "record_school_response"}
    assert added <= NAMED_OUTSIDE_THE_TABLE
    assert {name for name in added if f"`{name}`" in text} == set()


def test_every_declared_event_is_a_workflow_event_and_the_reverse():
    assert set(EVENTS) == set(ehcp.EVENTS)


def test_every_declared_field_has_a_label_and_text_has_a_limit():
    for spec in EVENTS.values():
        assert spec.title and spec.history and spec.date_label and spec.button, spec.name
        for declared in spec.fields:
            assert declared.label and declared.enter, (spec.name, declared.name)
            if declared.type in ("text", "long_text"):
                assert declared.max_length, (spec.name, declared.name)
            if declared.type == "choice":
                assert set(declared.choice_labels) == set(declared.choices), (spec.name, declared.name)
