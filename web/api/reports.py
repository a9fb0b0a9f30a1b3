"""Report routes: the DfE timeliness figures for a calendar year, for managers only."""

from __future__ import annotations

import re

from flask import g, jsonify, request

from casework import access as authz
from casework.audit import kept
from casework.core import clock
from casework.core.errors import Invalid, MalformedInput
from casework.reporting import breaches
from casework.reporting import timeliness as reports
from web import database, limits
from web.api.views import api

_YEAR = re.compile(r"[1-9][0-9]{3,}")  # four digits, or more for a year far out of range


def year_param() -> int:
    raw = request.args.get("year")
    if raw is None or raw == "":
        raise MalformedInput("year is required: the calendar year to report on, like 2025.", field="year")
    if not _YEAR.fullmatch(raw):
        raise MalformedInput(f"year must be a calendar year written with four digits, like 2025, not '{raw}'.",
                             field="year")
    if len(raw) > 4 or not limits.year_in_range(int(raw)):
        raise Invalid(f"year must be from {limits.FIRST_YEAR} (the Children and Families Act) to {limits.LAST_YEAR}, "
                      f"not {raw}.", code="out_of_range", field="year")
    return int(raw)


@api.get("/reports/timeliness")
def timeliness():
    """New plans within 20 weeks (with and without exceptions) and advice within 6 weeks, for one year."""
    authz.require(g.user, authz.REPORT_ROLES, "see reports")
    year = year_param()
    db = database()
    today = clock.today()
    with db.reading() as session:
        # beside the DfE figures, each statutory limit due in the year: breached (raw) and excused; kept until
        # something is recorded (casework.audit.kept), as they aggregate the whole year's deadlines
        figures = kept.Figures(session, today).get("timeliness report", year, compute=lambda: {
            **reports.timeliness(session, year, db.policy), "breaches": breaches.breaches(session, year, today)})
    return jsonify(figures)
