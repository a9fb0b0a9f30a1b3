"""The manager's lists, each a page of 25 rows and the whole list as a CSV file of the same columns.

The rows come from ``casework.reporting.lists``; this module only reads the list's options from the address
(a bad one is answered with a message on the page, never a 500), puts codes into words and writes the CSV
with the standard library, streaming the rows so a long list is never held in memory at once.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from flask import Response, abort, render_template, request, stream_with_context, url_for
from flask_login import current_user

from casework import access as authz
from casework.core import clock
from casework.reporting import lists
from web import database, limits
from web.pages import presenters as p
from web.pages.access import section
from web.pages.paging import page_asked, pagination, read_page

bp = section("lists", authz.REPORT_ROLES, "see the manager's lists", "/reports")
CSV_BATCH = 500


@dataclass(frozen=True)
class Column:
    header: str
    page: Callable[[Any], str]  # the cell as the page shows it
    csv: Callable[[Any], Any]  # the value in the CSV file (dates as YYYY-MM-DD, to sort in a spreadsheet)


def _iso(value: Any) -> str:
    return value.isoformat() if value is not None else ""


def _child(row: Any) -> str:
    return f"{row.given_name} {row.family_name}"


def _officer(row: Any) -> str:
    return row.caseworker or "Not allocated"


def _days_late(row: Any) -> int:
    return (clock.today() - row.due_on).days


COMMON = (Column("Reference", lambda r: r.reference, lambda r: r.reference),
          Column("Child", _child, _child),
          Column("Caseworker", _officer, lambda r: r.caseworker or ""))
DUE = Column("Due", lambda r: p.long_date(r.due_on), lambda r: _iso(r.due_on))
STATUS = Column("Status", lambda r: p.STATUS_LABELS.get(r.status, r.status),
                lambda r: p.STATUS_LABELS.get(r.status, r.status))
WHAT = Column("What is owed", lambda r: p.kind_label(r.kind), lambda r: p.kind_label(r.kind))


@dataclass(frozen=True)
class ListPage:
    title: str
    what: str
    columns: tuple[Column, ...]
    options: tuple[str, ...] = ()


PAGES = {
    "annual-reviews": ListPage("Annual reviews due", "Annual reviews not yet decided that fall due within the weeks "
                               "chosen, with those already overdue (CFA 2014 s.44(1)).", (*COMMON, DUE, STATUS),
                               ("weeks",)),
    "phase-transfers": ListPage("Phase-transfer cohort", "Children whose plan must be reviewed and amended, naming "
                                "the new school or college, before 15 February (between school phases) or before "
                                "31 March (school to post-16) of the year of transfer (SEND Regs 2014 reg 18).",
                                (*COMMON, Column("Date of birth", lambda r: p.long_date(r.date_of_birth),
                                                 lambda r: _iso(r.date_of_birth)),
                                 Column("Stage", lambda r: p.STATE_LABELS.get(r.state, r.state),
                                        lambda r: p.STATE_LABELS.get(r.state, r.state)),
                                 Column("Amend by", lambda r: p.long_date(r.due_on), lambda r: _iso(r.due_on)),
                                 STATUS,
                                 Column("Done on", lambda r: p.long_date(r.met_on), lambda r: _iso(r.met_on))),
                                ("year", "cohort")),
    "overdue": ListPage("Everything overdue", "Every time limit the council has passed and still owes, oldest first.",
                        (*COMMON, WHAT, Column("Rule", lambda r: r.rule, lambda r: r.rule), DUE,
                         Column("Days overdue", lambda r: str(_days_late(r)), _days_late))),
    "decisions": ListPage("Decisions awaited", "Decisions still to be made: whether to assess, whether to issue a "
                          "plan, and the outcome of annual reviews, soonest due first.",
                          (*COMMON, Column("Decision", lambda r: p.kind_label(r.kind), lambda r: p.kind_label(r.kind)),
                           DUE, STATUS)),
}
COHORT_LABELS = {"february": "15 February (between school phases)", "march": "31 March (school to post-16)"}


def _params() -> tuple[lists.Params, list[dict[str, str]]]:
    """The list's options from the address; one out of range falls back to its default, with a message."""
    today = clock.today()
    errors: list[dict[str, str]] = []
    weeks, year, cohort = 8, today.year if today.month < 9 else today.year + 1, "february"
    raw = request.args.get("weeks", "").strip()
    if raw:
        number = limits.whole_number(raw)
        if number is None or not 1 <= number <= lists.MAX_WEEKS:
            errors.append({"text": f"Enter a number of weeks from 1 to {lists.MAX_WEEKS}, like 8", "href": "#weeks"})
        else:
            weeks = number
    raw = request.args.get("year", "").strip()
    if raw:
        number = limits.whole_number(raw)
        if number is None or not limits.year_in_range(number):
            errors.append({"text": f"Enter a year from {limits.FIRST_YEAR} to {limits.LAST_YEAR}, like {year}",
                           "href": "#year"})
        else:
            year = number
    raw = request.args.get("cohort", "").strip()
    if raw:
        if raw in lists.COHORTS:
            cohort = raw
        else:
            errors.append({"text": "Choose 15 February or 31 March", "href": "#cohort"})
    return lists.Params(today=today, weeks=weeks, year=year, cohort=cohort), errors


def _spec(name: str) -> ListPage:
    if name not in PAGES:
        abort(404)
    return PAGES[name]


@bp.get("")
def index():
    return render_template("lists/index.html", title="Reports and lists", pages=PAGES, errors=[])


@bp.get("/<name>")
def show(name: str):
    spec = _spec(name)
    params, errors = _params()
    page, page_error = page_asked()
    if page_error:
        errors.append({"text": page_error})
    db = database()
    with db.reading() as session:
        rows, total, pages, page = read_page(session, lists.list_query(name, current_user, db.policy, params), page)
    table = [[column.page(row) for column in spec.columns] for row in rows]
    links = [url_for("cases.case", case_id=row.case_id) for row in rows]
    csv_args = {k: v for k, v in request.args.items() if k in spec.options}
    html = render_template("lists/list.html", title=spec.title, spec=spec, name=name, table=table, links=links,
                           total=total, page=page, pages=pages, params=params, errors=errors,
                           cohorts=COHORT_LABELS, csv_href=url_for("lists.export", name=name, **csv_args),
                           pagination=pagination("lists.show", page, pages, name=name))
    return html, 422 if errors else 200


@bp.get("/<name>.csv")
def export(name: str):
    """The whole list as CSV: the page's columns, every row, read from the database in batches."""
    spec = _spec(name)
    params, errors = _params()
    if errors:
        return show(name)
    db = database()
    query = lists.list_query(name, current_user, db.policy, params)

    def lines() -> Iterator[str]:
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        writer.writerow([column.header for column in spec.columns])
        with db.reading(streaming=True) as session:
            for row in session.execute(query.execution_options(yield_per=CSV_BATCH)):
                writer.writerow([column.csv(row) for column in spec.columns])
                if buffer.tell() > 64 * 1024:
                    yield buffer.getvalue()
                    buffer.seek(0)
                    buffer.truncate()
        yield buffer.getvalue()

    filename = f"{name}-{params.today.isoformat()}.csv"
    response = Response(stream_with_context(lines()), mimetype="text/csv")
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.headers["Cache-Control"] = "private, no-store"
    return response
