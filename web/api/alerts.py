"""Alerts over the API: the ones this person hears of (casework.access.audience), and acknowledging them.

An alert someone may not see answers 404 like one that does not exist; a role that hears of no alerts
(admin) answers 403.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from flask import g, jsonify
from sqlalchemy import Select, func, select
from sqlalchemy.orm import aliased

from casework import access as authz
from casework.access.audience import AUDIENCE_ROLES, alerts_for, visible_alert
from casework.core import clock
from casework.models import ALERT_KINDS, Alert, Case, Deadline, User
from web import database
from web.api import parsing
from web.api.views import api


def _iso(value: dt.date | None) -> str | None:
    return value.isoformat() if value is not None else None


def _utc(value: dt.datetime | None) -> str | None:
    """A stored moment in UTC with its offset; SQLite hands times back without one, PostgreSQL with it."""
    if value is None:
        return None
    return (value if value.tzinfo is not None else value.replace(tzinfo=dt.UTC)).astimezone(dt.UTC).isoformat()


def alert_dict(alert: Alert, case_reference: str, citation: str) -> dict[str, Any]:
    return {
        "id": alert.id, "kind": alert.kind, "deadline_kind": alert.deadline_kind, "case_id": alert.case_id,
        "case_reference": case_reference, "due_on": _iso(alert.due_on), "rule": alert.rule, "citation": citation,
        "advice_request_id": alert.advice_request_id, "created_at": _utc(alert.created_at),
        "acknowledged_at": _utc(alert.acknowledged_at),
    }


def _visible(user: User) -> Select[tuple[Alert]]:
    authz.require(user, AUDIENCE_ROLES, "see alerts")
    return alerts_for(user)


def _with_case_and_rule(alerts: Select[tuple[Alert]]) -> Select[tuple[Alert, str, str]]:
    """The alerts with their case's reference and their rule's citation, in one statement that walks the open
    alerts' index newest first. The case and deadline are joined under aliases, so an audience filter that
    reads ``cases`` itself (a caseworker's own cases) stays its own subquery, never correlated with the join."""
    case, deadline = aliased(Case), aliased(Deadline)
    return alerts.add_columns(case.reference, deadline.citation).join(case, case.id == Alert.case_id).join(
        deadline, deadline.id == Alert.deadline_id)


@api.get("/alerts")
def list_alerts():
    query = _visible(g.user)
    kind = parsing.choice_param("kind", ALERT_KINDS)
    if kind is not None:
        query = query.where(Alert.kind == kind)
    acknowledged = parsing.flag_param("acknowledged")
    if acknowledged is not None:
        query = query.where(Alert.acknowledged_at.is_not(None) if acknowledged else Alert.acknowledged_at.is_(None))
    page, per_page = parsing.page_params()
    with database().reading() as session:
        total = session.scalar(select(func.count()).select_from(query.subquery()))
        rows = session.execute(_with_case_and_rule(query).order_by(Alert.created_at.desc(), Alert.id.desc())
                               .limit(per_page).offset((page - 1) * per_page)).all()
        items = [alert_dict(alert, reference, citation) for alert, reference, citation in rows]
    return jsonify({"items": items, "total": total, "page": page, "per_page": per_page})


@api.post("/alerts/<id:alert_id>/acknowledge")
def acknowledge_alert(alert_id: int):
    """Mark an alert seen; the first acknowledgement (who and when) stands if it is acknowledged again."""
    with database().transaction() as session:
        alert = visible_alert(session, g.user, alert_id, for_update=True)
        reference, citation = session.execute(
            select(Case.reference, Deadline.citation).join(Deadline, Deadline.case_id == Case.id)
            .where(Case.id == alert.case_id, Deadline.id == alert.deadline_id)).one()
        if alert.acknowledged_at is None:
            alert.acknowledged_at, alert.acknowledged_by_id = clock.now(), g.user.id
        session.flush()
        answer = alert_dict(alert, reference, citation)
    return jsonify(answer)
