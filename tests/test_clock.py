"""The legal clock against statutory-rules.md: every worked example, month ends, leap years, working days."""

import datetime as dt

import pytest

from casework.core import clock
from casework.core.clock import Counting
from casework.law import rules

D = dt.date


def due(rule_id: str, trigger: dt.date, counting: Counting = clock.STATUTORY, **facts) -> dt.date:
    return rules.rule_in_force(rule_id, trigger).due_on(trigger, counting, **facts)


# --- the worked examples of statutory-rules.md, through the rules the deadline rows use

def test_request_received_2_september_2024():
    received = D(2024, 9, 2)
    assert due("R1.1", received) == D(2024, 10, 14)
    assert due("R3.1", received) == D(2024, 12, 23)
    assert due("R5.1", received) == D(2025, 1, 20)


def test_draft_served_1_october_2024_window_ends_15_october():
    assert due("R4.1", D(2024, 10, 1)) == D(2024, 10, 15)


def test_within_15_days_of_a_consultation_is_a_day_later_than_15_days_beginning_with_it():
    # Consulted Tuesday 1 October 2024: "within 15 days" leaves the day out (day 15 is 16 October); the draft's
    # "15 days beginning with" the day counts it (day 15 is 15 October).
    assert clock.days_after(D(2024, 10, 1), 15) == due("G4.4", D(2024, 10, 1)) == D(2024, 10, 16)
    assert clock.days_beginning_with(D(2024, 10, 1), 15) == D(2024, 10, 15)
    assert due("G4.4", D(2023, 12, 20)) == D(2024, 1, 4)  # over the year end


def test_plan_issued_1_january_2025_review_by_31_december():
    assert due("R7.1", D(2025, 1, 1)) == D(2025, 12, 31)


def test_review_meeting_5_march_2025():
    meeting = D(2025, 3, 5)
    assert due("R7.4", meeting) == D(2025, 2, 19)
    assert due("R7.5", meeting) == D(2025, 2, 19)
    assert due("R7.7", meeting) == D(2025, 3, 19)
    assert due("R7.8", meeting) == D(2025, 4, 2)
    assert due("R7.11", D(2025, 4, 2)) == D(2025, 5, 28)


def test_school_closure_exception_window():
    assert clock.closure_exception_window(D(2025, 7, 23), D(2025, 9, 3)) == (D(2025, 7, 16), D(2025, 8, 27))


def test_appeal_deadline_is_the_later_of_letter_and_certificate():
    assert due("R10.6", D(2025, 1, 10), certificate_on=D(2025, 2, 20)) == D(2025, 3, 20)
    assert due("R10.6", D(2025, 1, 10), certificate_on=D(2025, 1, 15)) == D(2025, 3, 10)
    assert due("R10.6", D(2025, 1, 10)) == D(2025, 3, 10)


# --- counting conventions

def test_within_weeks_excludes_the_event_day_unless_the_authority_counts_it():
    assert clock.weeks_after(D(2024, 9, 2), 6) == D(2024, 10, 14)
    day_one = Counting(event_day_is_day_one=True)
    assert clock.weeks_after(D(2024, 9, 2), 6, day_one) == D(2024, 10, 13)
    assert due("R5.1", D(2024, 9, 2), day_one) == D(2025, 1, 19)


def test_deadlines_fall_on_weekends_without_roll_over():
    # 20 weeks from Saturday 7 Sep 2024 is Saturday 25 Jan 2025: no move to Monday.
    assert due("R5.1", D(2024, 9, 7)) == D(2025, 1, 25)
    assert due("R5.1", D(2024, 9, 7)).weekday() == 5


@pytest.mark.parametrize(("start", "months", "expected"), [
    (D(2025, 1, 31), 1, D(2025, 2, 28)),
    (D(2024, 1, 31), 1, D(2024, 2, 29)),   # leap year
    (D(2024, 2, 29), 12, D(2025, 2, 28)),  # 29 Feb does not exist in 2025
    (D(2024, 8, 31), 2, D(2024, 10, 31)),
    (D(2024, 12, 31), 2, D(2025, 2, 28)),
])
def test_calendar_months_clip_to_the_last_day_of_the_month(start, months, expected):
    assert clock.months_after(start, months) == expected


def test_review_period_from_a_leap_day_and_from_a_month_end():
    # plan made 29 Feb 2024: there is no 29 Feb 2025, so the period ends on the last day of that month,
    # 28 Feb (statutory-rules.md section 0: the corresponding-date rule), not 27 Feb.
    assert due("R7.1", D(2024, 2, 29)) == D(2025, 2, 28)
    assert due("R7.1", D(2023, 3, 1)) == D(2024, 2, 29)
    assert due("R7.1", D(2025, 3, 31)) == D(2026, 3, 30)


def test_before_15_february_and_31_march_even_on_a_weekend():
    assert due("R8.1", D(2025, 9, 1), year=2026, transfer="school") == D(2026, 2, 14)  # a Saturday
    assert D(2026, 2, 14).weekday() == 5
    assert due("R8.2", D(2025, 9, 1), year=2026, transfer="post16") == D(2026, 3, 30)


def test_post16_transfer_at_another_time_is_five_months_before():
    assert due("R8.3", D(2026, 1, 31)) == D(2025, 8, 31)
    assert due("R8.3", D(2025, 7, 31)) == D(2025, 2, 28)


# --- working days (England and Wales bank holidays from the holidays package)

def test_working_days_skip_christmas_and_boxing_day():
    assert not clock.is_working_day(D(2025, 12, 25))
    assert not clock.is_working_day(D(2025, 12, 26))
    assert clock.working_days_after(D(2025, 12, 24), 3) == D(2025, 12, 31)
    assert due("R10.2", D(2025, 12, 24)) == D(2025, 12, 31)


def test_working_days_skip_easter_and_weekends():
    # Good Friday 18 Apr 2025, Easter Monday 21 Apr 2025.
    assert clock.working_days_after(D(2025, 4, 17), 1) == D(2025, 4, 22)
    # 22 Apr is the 1st; 2 May the 9th; Mon 5 May (early May bank holiday) skipped; 13 May the 15th.
    assert clock.working_days_after(D(2025, 4, 17), 15) == D(2025, 5, 13)
    assert clock.working_days_after(D(2025, 1, 3), 1) == D(2025, 1, 6)


def test_scottish_bank_holidays_do_not_count_in_england():
    assert clock.is_working_day(D(2025, 1, 2))  # a bank holiday in Scotland only
    assert clock.is_working_day(D(2025, 8, 4))  # the Scottish summer bank holiday


def test_four_continuous_weeks():
    assert clock.spans_four_weeks(D(2025, 7, 23), D(2025, 8, 20))
    assert not clock.spans_four_weeks(D(2025, 10, 27), D(2025, 11, 3))  # a half term never qualifies
