"""Every rule of statutory-rules.md that sets a time limit is tested from its trigger to each way its deadline
can end: met, met late, overdue, excused (where an exception applies) and cancelled (where the case takes
another path). A test names the pair it checks with ``@pytest.mark.rule(rule_id, outcome, ...)``; a pair that
cannot arise is listed below with the reason, so coverage cannot silently shrink."""

from __future__ import annotations

from pathlib import Path

import pytest

from casework.core.settings import REPO_ROOT
from casework.law import rules
from tests.law import coverage

SPEC = REPO_ROOT.parent / "shared" / "spec" / "statutory-rules.md"
TESTS = Path(__file__).resolve().parents[1]

_WINDOW = ("a window the family has, not a duty of the council: once its last day passes it reads as closed "
           "(met), never overdue")
_CLOSES = "met on its own last day when it closes; no event meets it, so it is never met late"
_NOTHING_LATE = "the family's window is never late, so there is nothing for an exception to excuse"
_NO_EXCEPTION = ("no exception applies to this limit (statutory-rules.md section 6 and SI 2020/471 name the limits "
                 "that have one)")


# (rule, outcome) pairs that cannot arise, each with why. A pair covered by a test must not be listed here.
NOT_APPLICABLE: dict[coverage.Pair, str] = {
    ("R4.1", "met_late"): _CLOSES, ("R4.1", "overdue"): _WINDOW, ("R4.1", "excused"): _NOTHING_LATE,
    ("G4.4", "excused"): "guidance tracked as a service level: no exception applies to it (record_exception "
                         "refuses one for the school's answer)",
    ("G7.2", "excused"): "guidance tracked as a service level (CoP 9.178): no exception applies to it",
    ("M3.2", "overdue"): "while neither decision is made the row cites R3.1; it becomes M3.2 only when met by a "
                         "decision to issue, so an open or overdue row is R3.1's",
    ("M3.2", "cancelled"): "a row cancelled before any decision (refusal to assess, withdrawal) still cites R3.1",
    ("R5.3", "excused"): "a local service level until its 15 days are confirmed; no exception applies to it",
    ("R7.4", "excused"): _NO_EXCEPTION, ("R7.5", "excused"): _NO_EXCEPTION,
    ("R7.8", "cancelled"): "nothing cancels the review decision: it is owed whatever the case does next "
                           "(contract.md: no cancelling event)",
    ("R7.9", "cancelled"): "the proposed amendments go with the review decision (R7.8's row), which nothing cancels",
    ("R7.10", "met_late"): _CLOSES, ("R7.10", "overdue"): _WINDOW, ("R7.10", "excused"): _NOTHING_LATE,
    ("R7.12", "overdue"): "an open amended-plan row cites R7.11; it cites R7.12 only once met by a decision not to "
                          "amend, so an overdue row is R7.11's",
    ("R7.12", "cancelled"): "a cancelled amended-plan row (the plan ceased) cites R7.11: R7.12 is only ever a "
                            "decision not to amend that met it",
    ("R8.1", "excused"): _NO_EXCEPTION, ("R8.2", "excused"): _NO_EXCEPTION, ("R8.3", "excused"): _NO_EXCEPTION,
    ("R9.1", "excused"): _NO_EXCEPTION, ("R9.2", "excused"): _NO_EXCEPTION, ("R9.3", "excused"): _NO_EXCEPTION,
    ("R9.2", "cancelled"): "nothing cancels the new authority's notice to the family (contract.md names none)",
    ("R10.1", "overdue"): _WINDOW, ("R10.1", "excused"): _NO_EXCEPTION,
    ("R10.1", "cancelled"): "nothing cancels the family's time to contact a mediation adviser; a certificate "
                            "meets it",
    ("R10.2", "excused"): _NO_EXCEPTION,
    ("R10.2", "cancelled"): "nothing cancels a certificate once owed: it is the family's key to an appeal",
    ("R10.3", "excused"): _NO_EXCEPTION,
    ("R10.6", "overdue"): _WINDOW, ("R10.6", "excused"): _NO_EXCEPTION,
    ("R10.10", "excused"): "SI 2020/471 named tribunal-order compliance (R10.9) only; no exception applies to a "
                           "concession's steps",
}


def _spec_rules() -> dict[str, str]:
    if not SPEC.exists():
        pytest.skip(f"the statutory rules are not beside this checkout ({SPEC})")
    return coverage.rules_with_deadlines(SPEC.read_text())


def test_the_spec_names_the_rules_with_deadlines():
    found = _spec_rules()
    # Rules without a time limit (reasons in a notice, a draft naming no school, the list of exceptions) are not
    # deadlines; every rule the engine computes is one.
    assert {"R1.3", "R2.2", "R4.3"}.isdisjoint(found)
    assert {rule.id for rule in rules.RULES} <= set(found)


def test_every_rule_with_a_deadline_is_tested_for_every_outcome_that_can_arise():
    covered, problems = coverage.scan(TESTS)
    assert problems == []
    gaps = coverage.missing(sorted(_spec_rules()), covered, NOT_APPLICABLE)
    assert gaps == [], "no test marks these (rule, outcome) pairs; write one or give the reason it cannot arise"


def test_the_table_of_pairs_that_cannot_arise_stays_honest():
    covered, _ = coverage.scan(TESTS)
    spec = _spec_rules()
    assert [pair for pair in NOT_APPLICABLE if pair in covered] == [], "a tested pair is not 'not applicable'"
    assert [pair for pair in NOT_APPLICABLE if pair[0] not in spec or pair[1] not in coverage.OUTCOMES] == []
    assert [pair for pair in covered if pair[0] not in spec] == [], "a mark names a rule the spec does not have"


def test_a_missing_pair_is_reported():
    """The check can fail: with one marked pair taken away, that pair is what it reports."""
    covered, _ = coverage.scan(TESTS)
    dropped = ("R10.2", "met_late")
    assert dropped in covered
    rule_ids = sorted(_spec_rules())
    with_it = set(coverage.missing(rule_ids, covered, NOT_APPLICABLE))
    without_it = set(coverage.missing(rule_ids, set(covered) - {dropped}, NOT_APPLICABLE))
    assert without_it - with_it == {dropped}


def test_markers_are_read_from_every_form_a_test_uses():
    source = '''
import pytest
from pytest import mark

pytestmark = [pytest.mark.rule("R1.1", "met")]

@pytest.mark.rule("R5.1", "met_late", "overdue")
def test_a(): ...

@pytest.mark.parametrize("x", [pytest.param(1, marks=mark.rule("R2.1", "excused"))])
def test_b(x): ...

@pytest.mark.rule("R7.1", "late")
def test_c(): ...

@pytest.mark.rule("R7.1")
def test_d(): ...
'''
    pairs, problems = coverage.marked_pairs(source, "t.py")
    assert pairs == {("R1.1", "met"), ("R5.1", "met_late"), ("R5.1", "overdue"), ("R2.1", "excused")}
    assert len(problems) == 2 and "unknown outcome 'late'" in problems[0] and "t.py:16" in problems[1]


def test_the_spec_table_parser_reads_time_limits_only():
    text = """
| Id | Trigger | Deadline | Citation |
|---|---|---|---|
| R1.1 | request | decision by T0 + 6 weeks | Regs 4(1) |
| R1.3 | refusal | notice gives reasons | CFA s.36(5) |
| R7.10 | notice N | representations window, last day N + 14 | Reg 22 |
| R8.1 | transfer | by Y-02-14 | Reg 18 |
| R2.2 | exceptions | - | Reg 8(2) |
| R10.10 | concession on D | the same steps as R10.9 run from D | Reg 45 |
"""
    assert set(coverage.rules_with_deadlines(text)) == {"R1.1", "R7.10", "R8.1", "R10.10"}
