"""The manager's dashboard: what is overdue now, the latest alerts, and timeliness as the DfE measures it.

Figures come from casework.reports (the same numbers as the API's timeliness report); this module only
chooses the year and lays them out, with each chart backed by a table of the same figures.
"""

from __future__ import annotations

from flask import Response, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import and_, func, select

from casework import access as authz
from casework import alerts as alerting
from casework.audit import kept
from casework.core import clock
from casework.deadlines import status as deadline_status
from casework.models import AdviceRequest, Alert, Case, Deadline, Organisation, User
from casework.models.subject import ADVICE_REQUEST
from casework.reporting import timeliness as reports
from web import database, limits
from web.pages import charts
from web.pages.access import section
from web.pages.presenters import STATE_LABELS, kind_label

bp = section("dashboard", authz.REPORT_ROLES, "see the dashboard", "/dashboard")
RECENT_ALERTS = 20



def _years(session) -> list[int]:
    first = session.scalar(select(func.min(Case.received_on)))
    this_year = clock.today().year
    return list(range(this_year, (first.year if first else this_year) - 1, -1))


def _chosen_year(years: list[int]) -> tuple[int, str | None]:
    """The year asked for, or the latest with a message when it is not a year the figures can cover."""
    raw = request.args.get("year", "").strip()
    if not raw:
        return years[0], None
    number = limits.whole_number(raw)
    if number is None or not limits.year_in_range(number):
        return years[0], f"Enter a year from {limits.FIRST_YEAR} to {limits.LAST_YEAR}, like {years[0]}"
    return number, None


def _overdue(session, today, policy) -> tuple[list[dict], int, int]:
    """The oldest overdue duties, and how many are overdue: raw, and excused (a late limit with an exception
    that applies is not a breach to chase)."""
    late = (Deadline.is_duty.is_(True), Deadline.met_on.is_(None), Deadline.cancelled_on.is_(None),
            Deadline.superseded_at.is_(None), Deadline.due_on < today)
    overdue_total = session.scalar(select(func.count(Deadline.id)).where(*late))
    excused_total = session.scalar(select(func.count(Deadline.id)).where(*late, deadline_status.excused_sql(today)))
    return reports.overdue_deadlines(session, today, policy), overdue_total, excused_total


@bp.get("")
def dashboard():
    db = database()
    today = clock.today()
    with db.reading() as session:
        # Everything but the alerts is kept until something is recorded (casework.audit.kept): each figure
        # aggregates the whole caseload, and sixteen managers opening the page must not each compute it.
        kept_figures = kept.Figures(session, today)
        years = kept_figures.get("years", compute=lambda: _years(session))
        year, year_error = _chosen_year(years)
        if year not in years:  # a year with no requests yet still has its (empty) figures
            years = sorted({*years, year}, reverse=True)
        figures = kept_figures.get("timeliness", year, compute=lambda: reports.timeliness(session, year, db.policy))
        monthly = kept_figures.get("monthly", year,
                                   compute=lambda: reports.monthly_20_week_rate(session, year, db.policy))
        stages = kept_figures.get("stages", compute=lambda: reports.open_cases_by_stage(session))
        overdue, overdue_total, excused_total = kept_figures.get(
            "overdue", compute=lambda: _overdue(session, today, db.policy))
        # An advice alert names the organisation that owes the advice; an acknowledged one, who saw it.
        alerts = session.execute(
            select(Alert, Case.reference, Organisation.name, User.username).join(Case, Case.id == Alert.case_id)
            .outerjoin(AdviceRequest, and_(Alert.subject_type == ADVICE_REQUEST, AdviceRequest.id == Alert.subject_id))
            .outerjoin(Organisation, Organisation.id == AdviceRequest.organisation_id)
            .outerjoin(User, User.id == Alert.acknowledged_by_id)
            .where(Alert.kind == "overdue", Alert.closed_at.is_(None))  # a closed alert no longer stands
            .order_by(Alert.created_at.desc(), Alert.id.desc()).limit(RECENT_ALERTS)
        ).all()
    errors = [{"text": year_error, "href": "#year"}] if year_error else []
    html = render_template("dashboard/dashboard.html", title="Dashboard", year=year, years=years, figures=figures,
                           monthly=monthly, stages=stages, overdue=overdue, overdue_total=overdue_total,
                           excused_total=excused_total,
                           alerts=alerts, errors=errors, year_error=year_error)
    return html, 422 if year_error else 200


@bp.post("/alerts/<id:alert_id>/acknowledge")
def acknowledge(alert_id: int):
    """The manager has seen the alert; it stays on the list, marked with who acknowledged it, until the time
    limit behind it is met."""
    alert = alerting.acknowledge(database(), current_user, alert_id)
    flash(f"Alert acknowledged: {kind_label(alert.deadline_kind)} due {clock.written(alert.due_on)}.", "success")
    return redirect(url_for("dashboard.dashboard") + "#alerts")


def _svg(body: bytes) -> Response:
    response = Response(body, mimetype="image/svg+xml")
    # The SVG carries matplotlib's own inline styles and no scripts.
    response.headers["Content-Security-Policy"] = "default-src 'none'; style-src 'unsafe-inline'"
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.get("/charts/monthly-<year:year>.svg")
def monthly_chart(year: int):
    db = database()
    with db.reading() as session:
        monthly = kept.Figures(session, clock.today()).get(
            "monthly", year, compute=lambda: reports.monthly_20_week_rate(session, year, db.policy))
    return _svg(charts.monthly_rate([m["month"] for m in monthly], [m["pct_within_20_weeks"] for m in monthly],
                                    year))


@bp.get("/charts/open-cases.svg")
def stages_chart():
    with database().reading() as session:
        stages = kept.Figures(session, clock.today()).get(
            "stages", compute=lambda: reports.open_cases_by_stage(session))
    return _svg(charts.open_by_stage([STATE_LABELS[s["state"]] for s in stages], [s["cases"] for s in stages]))
