"""The workflow table against the contract, and one shared Machine for every case."""

import datetime as dt

import transitions

from casework import operations as ops
from workflows import ehcp

D = dt.date

# A plan in `ceasing` (and one being amended) is still maintained: the review steps it owes stay recordable.
PLAN = {"plan_maintained", "amending", "ceasing"}
OPEN = {"request_received", "assessment", "drafting", "draft_issued", "plan_maintained", "under_review", "amending",
        "ceasing"}
CONTRACT = {  # event -> states it may fire from (contract.md)
    # from a refusal only while a tribunal order or concession to assess is on the case (reg 44(2), reg 45)
    "agree_to_assess": {"request_received", "refused_to_assess"},
    "request_school_information": {"request_received"},
    "refuse_to_assess": {"request_received"},
    # with a plan, only while a re-assessment is running (reg 27(1) applies regs 6-8)
    "request_advice": {"assessment", "plan_maintained", "amending"},
    # late advice is still advice: recordable (or the request cancelled) in any state while it is outstanding
    "record_advice": set(ehcp.STATES),
    "void_advice_request": set(ehcp.STATES),
    "decide_to_issue": {"assessment"},
    "decide_not_to_issue": {"assessment"},
    # after a decision not to issue only under an order or concession to make a plan (reg 44(2))
    "issue_draft": {"drafting", "not_issued"},
    "issue_final": {"draft_issued"},
    "record_exception": OPEN,
    "withdraw_exception": OPEN,
    "set_phase_transfer": {"plan_maintained"},
    "schedule_review_meeting": {"plan_maintained"},
    "send_review_invitations": PLAN,
    "circulate_review_papers": PLAN,
    "hold_review_meeting": {"plan_maintained"},
    "record_review_report": {"under_review", *PLAN},  # and after the decision, while owed
    "decide_review_outcome": {"under_review"},
    "propose_amendments": {"plan_maintained"},
    "issue_amended_plan": {"amending"},
    "decide_not_to_amend": {"amending"},
    "request_reassessment": {"plan_maintained"},
    "decide_to_reassess": {"plan_maintained"},
    "refuse_to_reassess": {"plan_maintained"},
    "cease_plan": {"plan_maintained", "amending"},
    "confirm_ceased": {"ceasing"},
    # the tribunal overturned the decision to cease, or the council conceded (CFA s.45(3), reg 44(2)); the
    # contract's table does not yet name an event for it
    "continue_plan": {"ceasing"},
    "withdraw": {"request_received", "assessment", "drafting", "draft_issued"},
    "record_contact": set(ehcp.STATES),  # the communication log: any state, a closed case too
    # additive to the contract: a school consulted on being named while the plan is drafted or amended, and its
    # answer wherever a consultation can still be open (every path into a closed state cancels it)
    "consult_school": {"drafting", "draft_issued", "amending"},
    "record_school_response": {"drafting", "draft_issued", "plan_maintained", "under_review", "amending", "ceasing"},
    "assign_caseworker": set(ehcp.STATES),  # allocation: whoever holds the case answers for it, closed or not
}


def test_states_are_the_contracts():
    assert set(ehcp.STATES) == {"request_received", "assessment", "refused_to_assess", "not_issued", "drafting",
                                "draft_issued", "plan_maintained", "under_review", "amending", "ceasing", "ceased",
                                "withdrawn"}


def test_allowed_events_per_state_match_the_contract():
    for state in ehcp.STATES:
        expected = {event for event, sources in CONTRACT.items() if state in sources}
        assert set(ehcp.allowed_events(state)) == expected, state


def test_terminal_states_allow_only_advice_still_owed_the_log_and_allocation():
    """And the decision a tribunal order puts right, which each case offers only under such an order."""
    reopened_by = {"refused_to_assess": ["agree_to_assess"], "not_issued": ["issue_draft"]}
    for state in ("refused_to_assess", "not_issued", "ceased", "withdrawn"):
        assert set(ehcp.allowed_events(state)) == {*reopened_by.get(state, []), "record_advice",
                                                   "void_advice_request", "record_contact", "assign_caseworker"}


def test_a_closed_case_with_no_advice_owed_allows_only_the_log(db, new_case):
    """Allocation is open in every state, but a closed case offers it only while advice on it is still owed."""
    case = new_case(D(2024, 9, 2))
    case = ops.withdraw(db, case.id, actor=None, on=D(2024, 9, 10), reason="Family moved away")
    assert ops.allowed_events(case) == ["record_contact"]


def test_review_outcome_chooses_the_destination():
    class Case:
        state = "under_review"

    for outcome, dest in (("maintain", "plan_maintained"), ("amend", "amending"), ("cease", "ceasing")):
        case = Case()
        assert ehcp.fire(case, "decide_review_outcome", outcome=outcome, on=D(2025, 1, 1))
        assert case.state == dest
    case = Case()
    assert not ehcp.fire(case, "decide_review_outcome", outcome="postpone", on=D(2025, 1, 1))
    assert case.state == "under_review"


def test_the_diagram_has_every_move():
    diagram = ehcp.mermaid()
    for event, sources, dest, _ in ehcp.TRANSITIONS:
        if dest is not None:
            for source in sources:
                assert f"{source} --> {dest}: {event}" in diagram


def test_loading_and_firing_events_builds_no_machine_per_case(db, new_case, monkeypatch):
    built = []
    original = transitions.Machine.__init__

    def counting_init(self, *args, **kwargs):
        built.append(self)
        original(self, *args, **kwargs)

    monkeypatch.setattr(transitions.Machine, "__init__", counting_init)
    for n in range(60):
        case = new_case(D(2024, 9, 2) + dt.timedelta(days=n % 7))
        ops.agree_to_assess(db, case.id, actor=None, on=D(2024, 10, 1))
        ops.decide_to_issue(db, case.id, actor=None, on=D(2024, 11, 1))
    assert built == []
