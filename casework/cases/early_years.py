"""The review of a plan for a child under 5 (SEND Code of Practice 2015 para 9.178, statutory-rules.md G7.2).

The Code says a young child's plan should be reviewed every 3 to 6 months, because a young child's needs change
fast. It is guidance, so it is tracked as a service level (rule G7.2, never a statutory breach): a plan issued
for a child under 5, and each review decision to maintain or amend while the child is still under 5, owes the
next review within 6 months. A child is 5 from the start of their fifth birthday (Family Law Reform Act 1969
s.9), so a plan or decision dated on that birthday owes none; a child born on 29 February is 5 on 28 February,
as the age limit of a new request counts it (``casework.cases.child``). The bulk loader asks the same question.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy.orm import Session

from casework.core import clock
from casework.deadlines.ledger import Ledger
from casework.models import Case

KIND = "early_years_review"
EARLY_YEARS_END = 5  # the Code's "under 5"


def under_five(date_of_birth: dt.date, on: dt.date) -> bool:
    """Whether a child born on ``date_of_birth`` is still under 5 on ``on`` (not yet at their fifth birthday)."""
    return on < clock.months_after(date_of_birth, 12 * EARLY_YEARS_END)


def open_if_under_five(session: Session, case: Case, ledger: Ledger, on: dt.date) -> None:
    """The next early years review, due 6 months from ``on``, when the child is under 5 that day."""
    # The child is loaded on first use; loading must not flush the event's changes half made (a second write
    # of the case would move its version on twice for one event).
    with session.no_autoflush:
        born = case.person.date_of_birth
    if under_five(born, on):
        ledger.open(KIND, on)
