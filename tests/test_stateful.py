"""Random events on random dates against the real database, checking the workflow's invariants."""

from __future__ import annotations

import datetime as dt

from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, precondition, rule
from sqlalchemy import func, select

from casework import disputes, transfers
from casework import operations as ops
from casework.alerts import scan
from casework.cases import replay
from casework.core import clock
from casework.core.db import Database
from casework.core.errors import CaseworkError, EventNotAllowed
from casework.law import disputes as disputes_law
from casework.law import transfers as transfers_law
from casework.law.events import PLAN_KINDS
from casework.models import Alert, AuditEntry, Case, Deadline
from tests.support import list_copies_out_of_step, snapshot
from workflows import ehcp

D = dt.date
START = D(2023, 1, 9)
# The child: a teenager, a child of 2 at the request (under 5 at the plan and its first reviews: G7.2; drawn
# most often), or one who turns 5 on 9 March 2023, so that a plan or a review decision falls either side of the
# fifth birthday.
BORN = (D(2012, 3, 4), D(2020, 6, 1), D(2020, 6, 1), D(2018, 3, 9))

FIELDS = {
    "refuse_to_assess": st.fixed_dictionaries({"reason": st.sampled_from(["Needs met", ""])}),
    "request_advice": st.fixed_dictionaries({
        "advice_type": st.sampled_from(["health", "educational", "psychological", "social_care", "nonsense"]),
        "organisation": st.sampled_from(["Northbridge NHS Trust", "EPS"]),
    }),
    "decide_not_to_issue": st.fixed_dictionaries({"reason": st.just("Needs can be met")}),
    "issue_final": st.fixed_dictionaries({"named_setting": st.sampled_from([None, "Oak School"])}),
    "set_phase_transfer": st.one_of(
        st.fixed_dictionaries({"transfer": st.sampled_from(["school", "post16"]), "year": st.integers(2023, 2027)}),
        st.fixed_dictionaries({"transfer": st.just("post16_other"), "year": st.just(2026),
                               "transfer_on": st.sampled_from([D(2026, 7, 31), D(2026, 1, 15), None])}),
    ),
    "decide_review_outcome": st.one_of(
        st.fixed_dictionaries({"outcome": st.sampled_from(["maintain", "amend", "x"])}),
        st.fixed_dictionaries({"outcome": st.just("cease"), "reason": st.sampled_from([2, 9, None])}),
    ),
    "request_school_information": st.fixed_dictionaries({"organisation": st.sampled_from(["Oak Primary", ""])}),
    # schools of the directory twice over, so walks consult and answer; now and then a trust or a name not in it
    "consult_school": st.fixed_dictionaries({"organisation": st.sampled_from(
        ["Oak Primary School", "Riverside Primary School"] * 2 + ["Northbridge NHS Trust", "Nowhere Academy"])}),
    "decide_not_to_amend": st.fixed_dictionaries({"reason": st.just("Representations accepted")}),
    "request_reassessment": st.fixed_dictionaries({"requested_by": st.sampled_from(["parent", "school", "x"])}),
    "refuse_to_reassess": st.fixed_dictionaries({"reason": st.just("Assessed four months ago")}),
    "issue_amended_plan": st.fixed_dictionaries({"named_setting": st.sampled_from([None, "Elm College"])}),
    "cease_plan": st.fixed_dictionaries({"reason": st.integers(0, 10)}),
    "withdraw": st.fixed_dictionaries({"reason": st.just("Family withdrew")}),
    "void_advice_request": st.fixed_dictionaries({"reason": st.just("Sent to the wrong service")}),
    "schedule_review_meeting": st.fixed_dictionaries({"meeting_on": st.sampled_from([D(2026, 7, 1), D(2026, 9, 9)])}),
    "withdraw_exception": st.fixed_dictionaries({"reason": st.just("Recorded in error")}),
    "record_exception": st.fixed_dictionaries({
        "reason": st.sampled_from(["personal_circumstances", "absent_from_area", "missed_appointment"]),
        "starts_on": st.just(START), "ends_on": st.just(START + dt.timedelta(days=40)),
        "applies_to": st.sampled_from(["final_plan", "decision_to_assess", "advice", "annual_review"]),
    }),
    "record_contact": st.fixed_dictionaries({
        "direction": st.sampled_from(["in", "out", "sideways"]), "channel": st.sampled_from(["phone", "meeting"]),
        "party": st.just("Ms Test (mother)"), "summary": st.sampled_from(["Asked about the plan", ""]),
    }),
}


# Steps beside the case's own workflow (contract.md, "Disagreement resolution", "Re-assessment and transfers"):
# they never move the case's state, and each one refused leaves the case as it was.
TRANSFER_STEPS = {
    "record_move_out": lambda on: st.fixed_dictionaries({
        "new_authority": st.sampled_from(["Southshire County Council"] * 3 + [" "]),
        "moved_on": st.integers(-5, 40).map(lambda days: on + dt.timedelta(days=days)),
        "learned_on": st.sampled_from([on, on, on - dt.timedelta(days=3), on + dt.timedelta(days=1)])}),
    "send_plan_to_new_authority": lambda on: st.just({}),
    "cancel_move_out": lambda on: st.fixed_dictionaries({"reason": st.sampled_from(["The move fell through", ""])}),
    "send_transfer_notice": lambda on: st.just({}),
}
TRANSFER_OPERATIONS = {"record_move_out": transfers.record_move_out,
                       "send_plan_to_new_authority": transfers.send_plan_to_new_authority,
                       "cancel_move_out": transfers.cancel_move_out,
                       "send_transfer_notice": transfers.send_transfer_notice}


# the first steps of a dispute twice over, so walks go on to appeals and orders
DISPUTE_STEPS = ["record_mediation_contact", "issue_mediation_certificate", "register_appeal",
                 *sorted(set(disputes_law.DISPUTE_EVENTS) - {disputes_law.OPEN_DISPUTE.name})]


def dispute_fields(event: str, on: dt.date, decisions: list[int], references: list[str]):
    """The fields of one disagreement-resolution step, now and then wrong (an unknown decision or choice)."""
    # three in four name a decision or appeal the case has, when it has one; the fourth names none
    decision = st.sampled_from([*decisions * 3, 999_999])
    reference = st.sampled_from([*references * 3, "EH/99/99"])
    return {
        "record_mediation_contact": st.fixed_dictionaries({"decision": decision, "wants_mediation": st.booleans()}),
        "issue_mediation_certificate": st.fixed_dictionaries({"decision": decision}),
        "hold_mediation": st.fixed_dictionaries({"decision": decision,
                                                 "outcome": st.sampled_from(["agreed", "not_agreed", "x"])}),
        "register_appeal": st.fixed_dictionaries({
            "decision": decision, "tribunal_reference": st.sampled_from(["EH/26/1", "EH/26/2", "EH/26/3", " "]),
            "grounds": st.sampled_from([["assessment"], ["contents_i"], ["contents_i"], ["contents_b", "cease"], []])}),
        "record_appeal_outcome": st.fixed_dictionaries({
            "tribunal_reference": reference,
            "outcome": st.sampled_from(["dismissed", "withdrawn", "conceded", "order", "order", "x"]),
            "order": st.sampled_from([None, *disputes_law.ORDERS]),
            "ordered_on": st.sampled_from([None, on, on, on - dt.timedelta(days=2)])}),
        "record_order_step": st.fixed_dictionaries({
            "tribunal_reference": reference, "step": st.sampled_from(sorted(disputes_law.STEP_LABELS))}),
    }[event]


VISITED: set[str] = set()
FIRED: set[str] = set()  # events of the case that went through, across all the walks
BESIDE_RECORDED: set[str] = set()  # steps beside the case that went through, across all the walks
CORRECTED: list[int] = []  # corrections that went through, across all the walks
ENDINGS = ("withdraw", "refuse_to_assess", "decide_not_to_issue", "cease_plan", "confirm_ceased")


def make_machine(url: str, settings_for_scan: dict):
    class CaseLife(RuleBasedStateMachine):
        """One case; each step fires an event (allowed or not) a random number of days after the last."""

        def __init__(self) -> None:
            super().__init__()
            self.db = Database(url)
            self.settings = settings_for_scan
            self.today = START

        @initialize(transferred_in=st.integers(0, 2), born=st.sampled_from(BORN))
        def open_case(self, transferred_in: int, born: dt.date) -> None:
            """Mostly a new request; one walk in three starts from a plan transferred in from another authority."""
            if transferred_in == 0:
                case = transfers.transfer_in(self.db, actor=None, from_authority="Westshire Council",
                                             transferred_on=START, plan_made_on=START - dt.timedelta(days=200),
                                             given_name="Rae", family_name="Test", date_of_birth=born)
            else:
                case = ops.create_case(self.db, actor=None, given_name="Rae", family_name="Test",
                                       date_of_birth=born, received_on=START, requested_by="parent")
            self.person_id = case.person_id
            self.born_corrected_at = -1
            self.case_id = case.id
            self.audits = 1
            self.events_fired = 0
            self.beside_possible = case.state in transfers_law.PLAN_STATES

        @rule(any_event=st.sampled_from(ehcp.EVENTS), pick_allowed=st.integers(0, 3), days=st.integers(-3, 60),
              data=st.data())
        def fire(self, any_event: str, pick_allowed: int, days: int, data) -> None:
            """Three steps in four fire an event the state allows that does not end the case, so walks reach
            reviews and amendments; the fourth is any event at all, allowed or not."""
            with self.db.reading() as s:
                allowed = ehcp.allowed_events(s.get(Case, self.case_id).state)
            onward = [e for e in allowed if e not in ENDINGS] or allowed
            event = data.draw(st.sampled_from(onward)) if pick_allowed and onward else any_event
            with self.db.reading() as s:  # a school consulted once a plan is drafted, then its answer, each at
                found = s.get(Case, self.case_id)  # one step in two, so walks record both before the plan
                consulted = any(d.kind == "school_consultation" for d in found.deadlines)
                wanted = "record_school_response" if consulted else "consult_school"
                if pick_allowed and wanted in ops.allowed_events(found) and data.draw(st.booleans()):
                    event = wanted
            on = self.today + dt.timedelta(days=days)
            fields = dict(data.draw(FIELDS.get(event, st.just({}))))
            if event in ("record_advice", "void_advice_request"):
                with self.db.reading() as s:
                    ids = [a.id for a in s.get(Case, self.case_id).advice_requests] or [999_999]
                fields["advice_request_id"] = data.draw(st.sampled_from(ids))
            if event == "record_school_response":  # a consultation of the case, named by its entry
                with self.db.reading() as s:
                    ids = list(s.scalars(select(AuditEntry.id).where(AuditEntry.case_id == self.case_id,
                                                                     AuditEntry.event == "consult_school")
                                         .order_by(AuditEntry.id)))  # the same order in a replayed example
                fields["consultation"] = data.draw(st.sampled_from(ids or [999_999]))
            if event == "withdraw_exception":
                with self.db.reading() as s:
                    ids = [e.id for e in s.get(Case, self.case_id).exceptions] or [999_999]
                fields["exception_id"] = data.draw(st.sampled_from(ids))
            before = snapshot(self.db, self.case_id)
            state_before = before["case"]["state"]
            with self.db.reading() as s:  # what the case offers now: its state, less what it has nothing for
                offered = ops.allowed_events(s.get(Case, self.case_id))
            try:
                case = ops.fire_event(self.db, self.case_id, event, actor=None, on=on, **fields)
            except EventNotAllowed:
                assert event not in offered
                assert snapshot(self.db, self.case_id) == before
                return
            except CaseworkError:
                assert snapshot(self.db, self.case_id) == before
                return
            assert event in ehcp.allowed_events(state_before)
            self.events_fired += 1
            assert case.version == before["case"]["version"] + 1
            self.audits += 1
            self.today = max(self.today, on)
            VISITED.add(case.state)
            FIRED.add(event)
            self.beside_possible = self.beside_possible or case.state in transfers_law.PLAN_STATES
            if event in disputes_law.APPEALABLE:  # its letter goes the same day: the family's time starts
                with self.db.transaction() as s:
                    entry_id = s.scalars(select(AuditEntry.id).where(AuditEntry.case_id == self.case_id)
                                         .order_by(AuditEntry.id.desc())).first()
                    disputes.start_appeal_rights(s, s.get(Case, self.case_id), decision_entry_id=entry_id,
                                                 letter_on=on, policy=self.db.policy)
                self.audits += 1
                self.beside_possible = True
            if data.draw(st.integers(0, 7)) == 0:  # now and then the morning scan raises alerts
                scan.run_scan(self.db, self.settings, as_of=clock.today())

        # only once there is a plan to move or a decision to dispute, so walks still reach reviews and amendments
        @precondition(lambda self: self.beside_possible)
        @rule(dispute_step=st.integers(0, 3), days=st.integers(-3, 30), data=st.data())
        def beside_the_case(self, dispute_step: int, days: int, data) -> None:
            """A step of mediation, appeal or tribunal order, or of a move between authorities: allowed or
            refused, it never moves the case's state, and a refusal leaves the case exactly as it was."""
            on = min(self.today + dt.timedelta(days=days), clock.today())
            with self.db.reading() as s:
                found = disputes.disputes_of(s, self.case_id)
                decisions = [d.decision_entry_id for d in found]
                references = [d.tribunal_reference for d in found if d.tribunal_reference]
            # with a decision letter out, three steps in four are of its dispute; without one, one in four
            if (dispute_step > 0) == bool(decisions):
                event = data.draw(st.sampled_from(DISPUTE_STEPS))
                fields = data.draw(dispute_fields(event, on, decisions, references))
                step = lambda: disputes.fire_dispute_event(self.db, self.case_id, event, actor=None, on=on,  # noqa: E731
                                                           **fields)
            else:
                event = data.draw(st.sampled_from(sorted(TRANSFER_STEPS)))
                fields = data.draw(TRANSFER_STEPS[event](on))
                step = lambda: TRANSFER_OPERATIONS[event](self.db, self.case_id, actor=None, on=on,  # noqa: E731
                                                          **fields)
            before = snapshot(self.db, self.case_id)
            try:
                step()
            except CaseworkError:
                assert snapshot(self.db, self.case_id) == before
                return
            after = snapshot(self.db, self.case_id)
            assert after["case"]["state"] == before["case"]["state"]
            assert after["case"]["version"] == before["case"]["version"] + 1
            self.audits += 1
            self.today = max(self.today, on)
            BESIDE_RECORDED.add(event)

        @precondition(lambda self: self.events_fired % 4 == 3)  # now and then, so walks still go far
        @rule(shift=st.integers(-20, 20), data=st.data())
        def correct(self, shift: int, data) -> None:
            """A colleague's mistake put right: one entry's date moved. Either the corrected history still
            holds and the case is rebuilt from it, or the correction is refused and nothing changes."""
            with self.db.reading() as s:
                entries = [e for e in replay.effective_history(s, self.case_id)]
            entry = data.draw(st.sampled_from(entries))
            on = min(entry.on + dt.timedelta(days=shift), clock.today())
            before = snapshot(self.db, self.case_id)
            try:
                replay.correct_entry(self.db, self.case_id, actor=None, entry_id=entry.id, on=on,
                                     reason="Keyed with the wrong date")
            except CaseworkError:
                assert snapshot(self.db, self.case_id) == before
                return
            self.audits += 1
            CORRECTED.append(entry.id)

        # now and then, and once at most between two events, so that walks still go far
        @precondition(lambda self: self.events_fired % 6 == 5 and self.born_corrected_at != self.events_fired)
        @rule(born=st.sampled_from(BORN))
        def correct_date_of_birth(self, born: dt.date) -> None:
            """The child's date of birth put right: what the case owes for a child under 5 (G7.2) is rebuilt, and
            the case still equals its own history replayed. It adds no entry to the case's history."""
            self.born_corrected_at = self.events_fired
            try:
                ops.update_person(self.db, self.person_id, actor=None, reason="Birth certificate seen",
                                  fields={"date_of_birth": born})
            except CaseworkError:  # a date of birth after the request is refused
                return

        @invariant()
        def the_history_rebuilds_exactly_this_case(self) -> None:
            """Replaying the (corrected) history gives exactly the case, its advice, exceptions and deadlines."""
            with self.db.reading() as s:
                assert replay.rebuilt_differences(s, self.case_id, self.db.policy) == []

        @invariant()
        def the_copies_lists_read_equal_the_deadlines(self) -> None:
            """The next deadline the caseload sorts by, and each advice request's due date the trays sort by,
            are what the deadlines say after every event and correction."""
            with self.db.reading() as s:
                assert list_copies_out_of_step(s) == []

        @invariant()
        def no_open_alert_stands_on_figures_a_correction_replaced(self) -> None:
            open_alerts = (select(Alert, Deadline).join(Deadline, Deadline.id == Alert.deadline_id)
                           .where(Alert.case_id == self.case_id, Alert.closed_at.is_(None)))
            with self.db.reading() as s:
                for alert, deadline in s.execute(open_alerts):
                    assert deadline.superseded_at is None
                    assert alert.kind != "overdue" or deadline.due_on < alert.raised_on

        @invariant()
        def every_change_is_audited_once(self) -> None:
            with self.db.reading() as s:
                count = s.scalar(select(func.count()).select_from(AuditEntry).where(AuditEntry.case_id == self.case_id))
            assert count == self.audits

        @invariant()
        def deadlines_are_consistent(self) -> None:
            with self.db.reading() as s:
                for d in s.scalars(select(Deadline).where(Deadline.case_id == self.case_id)):
                    assert d.superseded_at is None or not d.is_open
                    assert not (d.met_on is not None and d.cancelled_on is not None)
                    assert d.due_on >= d.starts_on
                if s.get(Case, self.case_id).state in ehcp.TERMINAL_STATES:
                    open_duties = [d for d in s.get(Case, self.case_id).deadlines
                                   if d.is_open and d.kind in ("decision_to_assess", "final_plan", "issue_decision")]
                    assert open_duties == []
                if s.get(Case, self.case_id).state == "ceased":  # a plan that has ceased owes nothing more
                    assert [d.kind for d in s.get(Case, self.case_id).deadlines
                            if d.is_open and d.kind in PLAN_KINDS] == []

        def teardown(self) -> None:
            self.db.dispose()

    return CaseLife


def test_random_event_sequences_keep_the_invariants(database_url, settings):
    machine = make_machine(database_url, settings)
    machine.TestCase.settings = hypothesis_settings(max_examples=25, stateful_step_count=30, deadline=None,
                                         suppress_health_check=[HealthCheck.too_slow])
    import freezegun

    with freezegun.freeze_time("2026-06-01"):
        machine.TestCase().runTest()
    # the random walks must really move cases through the workflow, not only collect refusals
    assert len(VISITED) >= 6, VISITED
    # and schools must really be consulted and answer (G4.4), not only be refused
    assert {"consult_school", "record_school_response"} <= FIRED, FIRED
    assert len(CORRECTED) >= 5, CORRECTED  # and corrections must really be made, not only refused
    # and steps beside the case must really be recorded, of a dispute and of a move, not only refusals
    assert BESIDE_RECORDED & set(DISPUTE_STEPS) and BESIDE_RECORDED & set(TRANSFER_STEPS), BESIDE_RECORDED
