"""The rule table: ids, citations, versions and which exceptions excuse which limits."""

import datetime as dt

import pytest

from casework.law import rules

D = dt.date
DEADLINE_RULES = {"R1.1", "R2.1", "R3.1", "R4.1", "R5.1", "R5.3", "R5.4", "R7.1", "G7.2", "R7.4", "R7.5", "R7.7",
                  "R7.8", "R7.10", "R7.11", "R7.12", "R8.1", "R8.2", "R8.3", "R9.1", "R9.2", "R10.1", "R10.2", "R10.3",
                  "R10.6", "R10.9", "R10.10"}
DEADLINE_RULES |= {"G4.4"}  # the school's answer to a consultation: a service level


def test_every_deadline_kind_of_the_contract_has_its_rules():
    assert set(rules.DEADLINE_KINDS) == {
        "decision_to_assess", "issue_decision", "final_plan", "advice", "draft_representations", "annual_review",
        "review_invitations", "review_papers", "review_report", "review_decision", "amendment_representations",
        "amended_plan", "phase_transfer", "reassessment_decision", "reassessment_final", "early_years_review",
        "school_consultation",
        "mediation_contact", "mediation_certificate", "mediation_meeting", "appeal_window", "tribunal_order",
        "transfer_out", "transfer_notice",
    }
    used = {rule_id for kind in rules.DEADLINE_KINDS.values() for rule_id in kind.rule_ids}
    assert used == DEADLINE_RULES


@pytest.mark.parametrize("rule_id", sorted(DEADLINE_RULES))
def test_each_rule_carries_a_citation_in_force_today(rule_id):
    rule = rules.rule_in_force(rule_id, D(2025, 6, 1))
    assert rule.citation.strip()
    assert rule.title.strip()


def test_citations_name_the_regulations():
    assert rules.rule_in_force("R5.1", D(2025, 1, 1)).citation == "SEND Regs 2014 reg 13(2)"
    assert "s.44(1)" in rules.rule_in_force("R7.1", D(2025, 1, 1)).citation
    assert "Devon" in rules.rule_in_force("R7.8", D(2025, 1, 1)).citation


def test_no_rule_before_the_act_commenced():
    with pytest.raises(rules.NoRuleInForce):
        rules.rule_in_force("R5.1", D(2014, 8, 31))
    assert rules.rule_in_force("R5.1", D(2014, 9, 1)).id == "R5.1"


@pytest.mark.parametrize(("rule_id", "starts_on", "due_on", "applies"), [
    ("R5.1", D(2020, 3, 2), D(2020, 7, 20), True),     # ran into the period
    ("R5.1", D(2020, 9, 1), D(2021, 1, 19), True),     # started in it
    ("R5.1", D(2019, 9, 2), D(2020, 1, 20), False),    # over before it began
    ("R5.1", D(2020, 9, 26), D(2021, 2, 13), False),   # began after it ended
    ("R7.7", D(2020, 6, 1), D(2020, 6, 15), True),     # the review steps were covered too
    ("R7.1", D(2019, 7, 1), D(2020, 6, 30), True),     # and the review itself (a temporary reg 18A)
    ("R4.1", D(2020, 6, 1), D(2020, 6, 15), False),    # the family's window was not a duty it eased
    ("R8.1", D(2020, 1, 6), D(2020, 2, 14), False),
])
def test_the_2020_coronavirus_exception_applies_by_period_to_the_limits_it_named(rule_id, starts_on, due_on, applies):
    rule = rules.rule_in_force(rule_id, starts_on)
    assert rules.exception_applies(rule, rules.CORONAVIRUS, starts_on, due_on) is applies
    # and it changed no length: a request in 2020 still has 20 weeks
    assert rules.rule_in_force("R5.1", D(2020, 6, 1)).due_on(D(2020, 6, 1)) == D(2020, 10, 19)


def test_the_decision_to_issue_is_a_local_milestone_not_a_statutory_limit():
    milestone = rules.rule_in_force("M3.2", D(2024, 9, 2))
    assert not milestone.statutory and "Local practice" in milestone.citation
    assert milestone.due_on(D(2024, 9, 2)) == D(2024, 12, 23)  # the worked example's 16 weeks


def test_versions_do_not_overlap():
    for rule_id in {r.id for r in rules.RULES}:
        versions = sorted((r for r in rules.RULES if r.id == rule_id), key=lambda r: r.effective_from)
        for earlier, later in zip(versions, versions[1:], strict=False):
            assert earlier.effective_to is not None and earlier.effective_to < later.effective_from


@pytest.mark.parametrize(("rule_id", "reason", "applies"), [
    ("R1.1", "school_closure", True), ("R3.1", "school_closure", True), ("R5.1", "school_closure", True),
    ("R2.1", "school_closure", False),  # reg 8(2) has no school-closure exception
    ("R1.1", "personal_circumstances", True), ("R5.1", "absent_from_area", True),
    ("R5.1", "missed_appointment", False), ("R2.1", "missed_appointment", True),
    ("R2.1", "personal_circumstances", True), ("R2.1", "absent_from_area", True),
    ("R4.1", "personal_circumstances", False), ("R7.1", "personal_circumstances", False),
    ("R7.8", "absent_from_area", False), ("R8.1", "school_closure", False), ("R7.11", "personal_circumstances", False),
])
def test_which_exceptions_excuse_which_limits(rule_id, reason, applies):
    assert rules.exception_applies(rules.rule_in_force(rule_id, D(2025, 1, 1)), reason) is applies
