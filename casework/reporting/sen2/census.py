"""The census a return is for: its date (the third Thursday of January) and the calendar year it reports."""

from __future__ import annotations

import datetime as dt

THURSDAY = 3


def census_date(year: int) -> dt.date:
    """The third Thursday of January of ``year``: 15 to 21 January."""
    first = dt.date(year, 1, 1)
    first_thursday = first + dt.timedelta(days=(THURSDAY - first.weekday()) % 7)
    return first_thursday + dt.timedelta(weeks=2)


def reporting_period(year: int) -> tuple[dt.date, dt.date]:
    """The calendar year before the census: the activity a January ``year`` return reports."""
    return dt.date(year - 1, 1, 1), dt.date(year - 1, 12, 31)
