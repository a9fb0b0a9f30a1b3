"""All statutory date arithmetic, and the one source of "today".

The English Regulations count calendar days with no weekend or bank-holiday roll-over, so a deadline
may fall on a Sunday. Working days appear only where a rule names them. Every other module asks this one
for dates, so freezegun and ``--as-of`` move the whole service at once.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import lru_cache

import holidays
from dateutil.relativedelta import relativedelta


@dataclass(frozen=True)
class Counting:
    """How an authority counts "within N weeks of an event".

    The Regulations exclude the event day (due = event + 7N days). Some authorities treat the event day
    as day 1, which makes every such deadline one day earlier: a setting, off by default.
    """

    event_day_is_day_one: bool = False


STATUTORY = Counting()


def today() -> dt.date:
    """Today's date: the single source, so tests can freeze it."""
    return dt.date.today()


def now() -> dt.datetime:
    """The current moment in UTC (stored naive-free, so SQLite and PostgreSQL agree)."""
    return dt.datetime.now(dt.UTC)


def written(day: dt.date) -> str:
    """A date as people write it ("13 July 2026"), for every message a caseworker reads."""
    return f"{day.day} {day:%B %Y}"


def weeks_after(event: dt.date, weeks: int, counting: Counting = STATUTORY) -> dt.date:
    """Last day for a duty "within N weeks of" the event."""
    due = event + dt.timedelta(weeks=weeks)
    return due - dt.timedelta(days=1) if counting.event_day_is_day_one else due


def weeks_before(event: dt.date, weeks: int) -> dt.date:
    """Last day for something owed "at least N weeks before" the event (review invitations, papers)."""
    return event - dt.timedelta(weeks=weeks)


def days_beginning_with(first_day: dt.date, days: int) -> dt.date:
    """Last day of a period of N days "beginning with" a day, which counts as day 1."""
    return first_day + dt.timedelta(days=days - 1)


def days_after(event: dt.date, days: int) -> dt.date:
    """Last day for something owed "within N days of" the event: the event day is not counted (as "within N
    weeks" is not, statutory-rules.md section 0), so it is the event + N days, one day later than N days
    "beginning with" it."""
    return event + dt.timedelta(days=days)


def days_before(event: dt.date, days: int) -> dt.date:
    return event - dt.timedelta(days=days)


def months_after(event: dt.date, months: int) -> dt.date:
    """Same day number N months later; the month's last day when that day does not exist."""
    return event + relativedelta(months=months)


def months_before(event: dt.date, months: int) -> dt.date:
    return event - relativedelta(months=months)


def period_last_day(first_day: dt.date, months: int) -> dt.date:
    """Last day of a period of N months "starting with" a day: the day before the corresponding date N months
    later (plan made 1 Jan 2025: review by 31 Dec 2025), or, when there is no corresponding date, the last day of
    that month (made 29 Feb 2024: by 28 Feb 2025, not 27 Feb)."""
    later = months_after(first_day, months)
    if later.day != first_day.day:  # no corresponding date: months_after clipped to the month's last day
        return later
    return later - dt.timedelta(days=1)


def last_day_before(year: int, month: int, day: int) -> dt.date:
    """Last compliant day of "before <day month>" in a year, even when it is a weekend."""
    return dt.date(year, month, day) - dt.timedelta(days=1)


def later_of(*dates: dt.date) -> dt.date:
    return max(dates)


@lru_cache(maxsize=64)
def _bank_holidays(year: int) -> holidays.HolidayBase:
    return holidays.country_holidays("GB", subdiv="ENG", years=year)


def is_working_day(day: dt.date) -> bool:
    """Monday to Friday and not an England and Wales bank holiday."""
    return day.weekday() < 5 and day not in _bank_holidays(day.year)


def working_days_after(event: dt.date, days: int) -> dt.date:
    """The Nth working day after the event (the event day itself is not counted)."""
    day = event
    counted = 0
    while counted < days:
        day += dt.timedelta(days=1)
        if is_working_day(day):
            counted += 1
    return day


def working_days_beginning_with(first_day: dt.date, days: int) -> dt.date:
    """Last day of a period of N working days "beginning with" a day: that day is day 1 when it is a working
    day (reg 15(2)'s 15 working days from the day the old authority learned of the move)."""
    day = first_day
    counted = 1 if is_working_day(day) else 0
    while counted < days:
        day += dt.timedelta(days=1)
        if is_working_day(day):
            counted += 1
    return day


def closure_exception_window(closes_on: dt.date, reopens_on: dt.date) -> tuple[dt.date, dt.date]:
    """Reg 10(4)(a)/(b): advice asked of a school in [closure - 1 week, reopening - 1 week] is excused."""
    return closes_on - dt.timedelta(weeks=1), reopens_on - dt.timedelta(weeks=1)


def spans_four_weeks(starts_on: dt.date, ends_on: dt.date) -> bool:
    """Whether a closure or absence lasts the "4 or more continuous weeks" the exceptions need."""
    return (ends_on - starts_on).days >= 28
