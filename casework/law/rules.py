"""The rule table: every statutory time limit the engine computes, with its id and citation.

A caseworker must be able to see where every date comes from, so each deadline row stores the id and
citation of the rule that made it. Time limits change by law, so rules carry effective dates and a case
uses the version in force on the date of the event that triggered the deadline.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from casework.core import clock
from casework.core.clock import Counting
from casework.law import codes
from casework.law.kinds import DEADLINE_KINDS, DeadlineKind  # noqa: F401  (where they were first kept)

CFA_COMMENCED = dt.date(2014, 9, 1)

# Reg 10(4)(a)-(d), applied by regs 5(4), 10, 13(3) and 27(3) to the LA's own assessment limits.
LA_EXCEPTIONS = frozenset({"school_closure", "personal_circumstances", "absent_from_area"})
# Reg 8(2): the exceptions to the 6-week advice duty. No school-closure exception; a waiting list is none.
ADVICE_EXCEPTIONS = frozenset({"personal_circumstances", "absent_from_area", "missed_appointment"})
# SI 2020/471 (1 May to 25 September 2020): a limit did not apply where meeting it was not reasonably
# practicable for a reason relating to coronavirus.
CORONAVIRUS = "coronavirus"
EXCEPTION_REASONS = codes.EXCEPTION_REASONS

DueFormula = Callable[..., dt.date]


@dataclass(frozen=True)
class Rule:
    """One version of one time limit."""

    id: str
    title: str
    citation: str
    due: DueFormula
    excusable_by: frozenset[str] = frozenset()
    effective_from: dt.date = CFA_COMMENCED
    effective_to: dt.date | None = None
    statutory: bool = True

    def in_force_on(self, day: dt.date) -> bool:
        return self.effective_from <= day and (self.effective_to is None or day <= self.effective_to)

    def due_on(self, trigger: dt.date, counting: Counting = clock.STATUTORY, **facts: Any) -> dt.date:
        return self.due(trigger, counting, **facts)


def _weeks(n: int) -> DueFormula:
    return lambda trigger, counting, **_: clock.weeks_after(trigger, n, counting)


def _post16_other(trigger: dt.date, counting: Counting, *, transfer_on: dt.date | None = None, **_: Any) -> dt.date:
    """At least 5 months before the move (reg 18(2)); the trigger is the move itself unless its date is given."""
    return clock.months_before(transfer_on or trigger, 5)


def _phase_transfer(trigger: dt.date, counting: Counting, *, year: int, transfer: str = "school",
                    transfer_on: dt.date | None = None, **_: Any) -> dt.date:
    if transfer == "post16_other":
        return _post16_other(trigger, counting, transfer_on=transfer_on)
    if transfer == "post16":
        return clock.last_day_before(year, 3, 31)
    return clock.last_day_before(year, 2, 15)


# Reg 18 counts "within 12 months of a transfer": unless recorded otherwise a school or post-16 transfer in
# year Y happens on 1 September of Y (statutory-rules.md section 8).
def transfer_date(year: int, transfer_on: dt.date | None = None) -> dt.date:
    return transfer_on if transfer_on is not None else dt.date(year, 9, 1)


PHASE_TRANSFER_RULES = {"school": "R8.1", "post16": "R8.2", "post16_other": "R8.3"}


def _appeal(trigger: dt.date, counting: Counting, *, certificate_on: dt.date | None = None, **_: Any) -> dt.date:
    by_letter = clock.months_after(trigger, 2)
    return by_letter if certificate_on is None else clock.later_of(by_letter, clock.months_after(certificate_on, 1))


# Reg 44(2) (as amended 2015): the steps a tribunal order (or a concession, reg 45) sets running, each with its
# time from the order. "At once" (an order to continue or to cease) is due on the order's own day.
ORDER_STEPS: dict[str, tuple[tuple[str, int], ...]] = {
    "assess": (("notify_assessment", 2), ("no_plan_notice", 10), ("final_plan", 14)),
    "make_plan": (("draft_plan", 5), ("final_plan", 11)),
    "amend_plan": (("amended_plan", 5),),
    "amend_section_i": (("amended_section_i", 2),),
    "continue_plan": (("continue_plan", 0),),
    "cease_plan": (("cease_plan", 0),),
}
ORDER_STEP_WEEKS: dict[str, dict[str, int]] = {order: dict(steps) for order, steps in ORDER_STEPS.items()}


def _order_step(trigger: dt.date, counting: Counting, *, order: str, order_step: str, **_: Any) -> dt.date:
    weeks = ORDER_STEP_WEEKS[order][order_step]
    return trigger if weeks == 0 else clock.weeks_after(trigger, weeks, counting)


def _transfer_out(trigger: dt.date, counting: Counting, *, moved_on: dt.date, **_: Any) -> dt.date:
    """Reg 15(2): the plan goes on the move date, or within 15 working days beginning with the day the old
    authority learned of the move when that is later."""
    return clock.later_of(moved_on, clock.working_days_beginning_with(trigger, 15))


def _transfer_review(trigger: dt.date, counting: Counting, *, review_due_on: dt.date, **_: Any) -> dt.date:
    """Reg 15(5): the later of the plan's own 12-month review date and 3 months from the transfer."""
    return clock.later_of(review_due_on, clock.months_after(trigger, 3))


_BASE_RULES: tuple[Rule, ...] = (
    Rule("R1.1", "Decision whether to assess notified", "SEND Regs 2014 reg 4(1), 5(1)", _weeks(6), LA_EXCEPTIONS),
    Rule("R2.1", "Advice provided within 6 weeks of the body's receipt of the request", "SEND Regs 2014 reg 8(1)",
         _weeks(6), ADVICE_EXCEPTIONS),
    Rule("R3.1", "Notice that no plan will be made (decision to issue by the same date: local milestone M3.2)",
         "SEND Regs 2014 reg 10(1)-(3)", _weeks(16), LA_EXCEPTIONS),
    Rule("R4.1", "Representations on the draft plan: at least 15 days beginning with service",
         "SEND Regs 2014 reg 13(1)", lambda t, c, **_: clock.days_beginning_with(t, 15)),
    # CoP 9.80: the school or college consulted on being named "should respond within 15 days". Guidance (the
    # Code's "should"), so a service level, never a breach; "within 15 days" of the consultation counts as
    # "within N weeks" does (section 0): the consultation day is not counted, due D + 15 (not D + 14, which is
    # "15 days beginning with D", the wording of reg 13(1)).
    Rule("G4.4", "School's answer to a consultation on being named, within 15 days: guidance, a service level, "
         "not a statutory breach", "Children and Families Act 2014 s.39; SEND Code of Practice 9.80 (guidance)",
         lambda t, c, **_: clock.days_after(t, 15), statutory=False),
    Rule("R5.1", "Final plan sent within 20 weeks of the request", "SEND Regs 2014 reg 13(2)", _weeks(20),
         LA_EXCEPTIONS),
    # Reg 25(1) is believed to give 15 days for the decision on a request to re-assess; until that is confirmed
    # the limit is tracked as a local service level and never counted as a breach (statutory-rules.md R5.3).
    Rule("R5.3", "Decision on a request to re-assess notified (15 days: a service level until confirmed)",
         "SEND Regs 2014 reg 24-25", lambda t, c, **_: t + dt.timedelta(days=15), statutory=False),
    Rule("R5.4", "Final plan within 14 weeks of a decision to re-assess", "SEND Regs 2014 reg 27(2)", _weeks(14),
         LA_EXCEPTIONS),
    Rule("R7.1", "Plan reviewed within each 12-month period", "Children and Families Act 2014 s.44(1)",
         lambda t, c, **_: clock.period_last_day(t, 12)),
    # The Code of Practice (9.178) says a plan for a child under 5 should be reviewed every 3 to 6 months: guidance,
    # tracked as a service level and never counted as a breach (statutory-rules.md G7.2). Its outer edge is "within
    # 6 months" of the plan or the last review decision, counted as the law counts "within N months of" a day (the
    # family's 2 months of R10.1): clock.months_after, the corresponding date 6 months on, or that month's last day
    # when there is none (31 August 2025: by 28 February 2026). clock.period_last_day, which ends the day before the
    # corresponding date, fits only R7.1's own words, "within the period of 12 months starting with" (s.44(1)).
    Rule("G7.2", "Review for a child under 5 every 3 to 6 months (a service level, not a statutory breach)",
         "SEND Code of Practice 2015 para 9.178", lambda t, c, **_: clock.months_after(t, 6), statutory=False),
    Rule("R7.4", "Review meeting invitations at least 2 weeks before", "SEND Regs 2014 reg 20(3)",
         lambda t, c, **_: clock.weeks_before(t, 2)),
    Rule("R7.5", "Review advice and papers circulated at least 2 weeks before the meeting",
         "SEND Regs 2014 reg 20(4)", lambda t, c, **_: clock.weeks_before(t, 2)),
    Rule("R7.7", "Review report sent within 2 weeks of the meeting", "SEND Regs 2014 reg 20(7), 21(7)", _weeks(2)),
    Rule("R7.8", "Review decision (maintain, amend or cease) notified within 4 weeks of the meeting; proposed "
         "amendments go with a decision to amend (R7.9)",
         "SEND Regs 2014 reg 20(10)-(11); R (L, M & P) v Devon CC [2022] EWHC 493 (Admin)", _weeks(4)),
    Rule("R7.10", "Representations on proposed amendments", "SEND Regs 2014 reg 22(2)(c)",
         lambda t, c, **_: clock.days_beginning_with(t, 15)),
    Rule("R7.11", "Final amended plan within 8 weeks of the amendment notice", "SEND Regs 2014 reg 22(3)", _weeks(8)),
    Rule("R7.12", "Decision not to amend after all, within 8 weeks of the amendment notice",
         "SEND Regs 2014 reg 22(4)", _weeks(8)),
    Rule("R8.1", "Phase transfer: plan amended naming the new school before 15 February",
         "SEND Regs 2014 reg 18(1)(b)", _phase_transfer),
    Rule("R8.2", "Transfer to post-16: plan amended naming the institution before 31 March",
         "SEND Regs 2014 reg 18(1)(a)", _phase_transfer),
    Rule("R8.3", "Post-16 to post-16 transfer at another time: at least 5 months before",
         "SEND Regs 2014 reg 18(2)", _post16_other),
    Rule("R10.1", "Family contacts a mediation adviser within 2 months of the decision letter",
         "SEND Regs 2014 reg 33", lambda t, c, **_: clock.months_after(t, 2)),
    Rule("R10.2", "Mediation certificate within 3 working days when mediation is declined",
         "SEND Regs 2014 reg 34", lambda t, c, **_: clock.working_days_after(t, 3)),
    Rule("R10.3", "Mediation held within 30 days of the authority being told it is wanted",
         "SEND Regs 2014 regs 35-37", lambda t, c, **_: t + dt.timedelta(days=30)),
    Rule("R10.6", "Appeal lodged by the later of decision letter + 2 months and certificate + 1 month",
         "Tribunal Procedure (First-tier Tribunal) (HESC) Rules 2008 r.20(1)(c)", _appeal),
    Rule("R10.9", "Tribunal order complied with in the time reg 44(2) sets for each step",
         "SEND Regs 2014 reg 44(2) (as amended by SI 2015/359)", _order_step),
    Rule("R10.10", "Appeal conceded before the hearing: the reg 44(2) steps run from the day the tribunal was told",
         "SEND Regs 2014 reg 45", _order_step),
    Rule("R9.1", "Plan sent to the new authority on the move, or within 15 working days of learning of it",
         "SEND Regs 2014 reg 15(1)-(2)", _transfer_out),
    Rule("R9.2", "New authority tells the family within 6 weeks that the plan has transferred, whether it will "
         "assess and when it will review", "SEND Regs 2014 reg 15(4)", _weeks(6)),
    Rule("R9.3", "Transferred plan reviewed by the later of its 12-month date and 3 months from the transfer",
         "SEND Regs 2014 reg 15(5)", _transfer_review),
)

# SI 2020/471 changed no length: from 1 May to 25 September 2020 inclusive it let a duty that coronavirus made
# impractical be met "as soon as reasonably practicable". A temporary exception applies by period, not by
# trigger: it is available to a deadline whose running time [starts_on, due_on] overlaps the period, for these
# limits only (statutory-rules.md section 0).
CORONAVIRUS_PERIOD = (dt.date(2020, 5, 1), dt.date(2020, 9, 25))
CORONAVIRUS_RULES = frozenset({"R1.1", "R2.1", "R3.1", "R5.1", "R5.4", "R7.1", "R7.7", "R7.8", "R7.9", "R7.10",
                               "R7.11", "R7.12", "R10.9"})

# A decision to issue is not a statutory time limit: met by a decision to issue, the 16-week deadline is
# recorded under this local milestone, which never counts as a breach (R3.1 stays for a decision not to issue).
LOCAL_MILESTONE = Rule("M3.2", "Decision to issue a plan by 16 weeks: a local milestone, not a statutory breach",
                       "Local practice (the SEND Regulations set no time limit for a decision to issue)",
                       _weeks(16), LA_EXCEPTIONS, statutory=False)


RULES: tuple[Rule, ...] = (*_BASE_RULES, LOCAL_MILESTONE)


class NoRuleInForce(LookupError):
    """Raised for a trigger date before the rule existed (before the 2014 Act commenced)."""


def rule_in_force(rule_id: str, on: dt.date, rules: tuple[Rule, ...] = RULES) -> Rule:
    for rule in rules:
        if rule.id == rule_id and rule.in_force_on(on):
            return rule
    raise NoRuleInForce(f"No version of rule {rule_id} was in force on {on.isoformat()}")


def exception_applies(rule: Rule, reason: str, starts_on: dt.date | None = None,
                      due_on: dt.date | None = None) -> bool:
    """Whether a recorded exception of this reason can excuse lateness against this rule version.

    The coronavirus exception needs the deadline's running time: it is there only for a limit it named whose
    time ran in its 2020 period."""
    if reason == CORONAVIRUS:
        if rule.id not in CORONAVIRUS_RULES or starts_on is None or due_on is None:
            return False
        first, last = CORONAVIRUS_PERIOD
        return starts_on <= last and due_on >= first
    return reason in rule.excusable_by
