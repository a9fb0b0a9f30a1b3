"""The manager's dashboard: what is overdue now, the latest alerts, and timeliness as the DfE measures it.

Figures come from casework.reports (the same numbers as the API's timeliness report); this module only
chooses the year and lays them out, with each chart backed by a table of the same figures.
"""

from __future__ import annotations

from flask import Response, render_template, request
from sqlalchemy import func, select

from casework import access as authz
from casework.core import clock
from casework.models import Alert, Case, Deadline
from casework.reporting import timeliness as reports
from web import database
from web.pages import charts
from web.pages.access import section
from web.pages.presenters import STATE_LABELS

bp = section("dashboard", authz.REPORT_ROLES, "see the dashboard", "/dashboard")
RECENT_ALERTS = 20



def _years(session) -> list[int]:
    first = session.scalar(select(func.min(Case.received_on)))
    this_year = clock.today().year
    return list(range(this_year, (first.year if first else this_year) - 1, -1))


def _chosen_year(years: list[int]) -> int:
    raw = request.args.get("year", "")
    return int(raw) if raw.isdigit() and int(raw) in years else years[0]


@bp.get("")
def dashboard():
    db = database()
    today = clock.today()
    with db.reading() as session:
        years = _years(session)
        year = _chosen_year(years)
        figures = reports.timeliness(session, year, db.policy)
        monthly = reports.monthly_20_week_rate(session, year, db.policy)
        stages = reports.open_cases_by_stage(session)
        overdue = reports.overdue_deadlines(session, today, db.policy)
        overdue_total = session.scalar(select(func.count(Deadline.id)).where(
            Deadline.is_duty.is_(True), Deadline.met_on.is_(None), Deadline.cancelled_on.is_(None),
            Deadline.due_on < today))
        alerts = session.execute(
            select(Alert, Case.reference).join(Case, Case.id == Alert.case_id)
            .where(Alert.kind == "overdue", Alert.closed_at.is_(None))  # a closed alert no longer stands
            .order_by(Alert.created_at.desc(), Alert.id.desc()).limit(RECENT_ALERTS)
        ).all()
    return render_template("dashboard/dashboard.html", title="Dashboard", year=year, years=years, figures=figures,
                           monthly=monthly, stages=stages, overdue=overdue, overdue_total=overdue_total,
                           alerts=alerts)


def _svg(body: bytes) -> Response:
    response = Response(body, mimetype="image/svg+xml")
    # The SVG carries matplotlib's own inline styles and no scripts.
    response.headers["Content-Security-Policy"] = "default-src 'none'; style-src 'unsafe-inline'"
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.get("/charts/monthly-<int:year>.svg")
def monthly_chart(year: int):
    db = database()
    with db.reading() as session:
        monthly = reports.monthly_20_week_rate(session, year, db.policy)
    return _svg(charts.monthly_rate([m["month"] for m in monthly], [m["pct_within_20_weeks"] for m in monthly],
                                    year))


@bp.get("/charts/open-cases.svg")
def stages_chart():
    with database().reading() as session:
        stages = reports.open_cases_by_stage(session)
    return _svg(charts.open_by_stage([STATE_LABELS[s["state"]] for s in stages], [s["cases"] for s in stages]))
