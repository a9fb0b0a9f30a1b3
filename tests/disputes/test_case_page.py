"""The case page shows the dispute's deadlines beside the case's own, each with its rule and citation."""

from __future__ import annotations

import re

from casework import disputes
from tests.disputes.conftest import D


def test_the_case_page_shows_the_mediation_and_order_deadlines_with_rule_and_citation(browser_for, db, refused):
    case_id, decision = refused(letter_on=D(2025, 1, 10))
    disputes.record_mediation_contact(db, case_id, actor=None, on=D(2025, 1, 13), decision=decision,
                                      wants_mediation=False)
    disputes.issue_mediation_certificate(db, case_id, actor=None, on=D(2025, 1, 14), decision=decision)
    disputes.register_appeal(db, case_id, actor=None, on=D(2025, 1, 20), decision=decision,
                             tribunal_reference="EH/P/1", grounds=["assessment"])
    disputes.record_appeal_outcome(db, case_id, actor=None, on=D(2025, 2, 3), tribunal_reference="EH/P/1",
                                   outcome="order", order="make_plan", ordered_on=D(2025, 1, 31))
    browser = browser_for("caseworker")
    page = browser.client.get(f"/cases/{case_id}")
    assert page.status_code == 200
    text = re.sub(r'href="[^"]*"', "", page.text)  # what the officer reads, not the links' addresses
    for shown in ("Family contacts a mediation adviser", "Mediation certificate issued", "R10.2",
                  "SEND Regs 2014 reg 34", "Tribunal order complied with: Draft plan issued", "R10.9",
                  "SEND Regs 2014 reg 44(2) (as amended by SI 2015/359)", "18 April 2025", "7 March 2025"):
        assert shown in text, shown
    assert "tribunal_order" not in text and "mediation_certificate" not in text
