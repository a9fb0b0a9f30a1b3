"""Who hears of which alerts: the one rule the alerts page, the API and the email digests all use.

A manager answers for the whole service, so hears of every breach but not of every warning; an adviser
hears of the advice their own organisation owes (late or nearly due) and of nothing else; a caseworker
hears of everything on the cases assigned to them. Admins run the system and hear of no casework.
Keeping this in one place means a person is never emailed about an alert they could not open. A closed
alert (its deadline no longer justifies it) is no one's to hear of.
"""

from __future__ import annotations

from sqlalchemy import Select, false, select
from sqlalchemy.orm import Session

from casework.access import require
from casework.core.errors import NotFound
from casework.models import AdviceRequest, Alert, Case, User
from casework.models.subject import ADVICE_REQUEST

# Roles that can hear of alerts at all; anyone else gets nothing and the alerts API answers 403.
AUDIENCE_ROLES = frozenset({"manager", "adviser", "caseworker"})


def alerts_for(user: User) -> Select[tuple[Alert]]:
    """The alerts this person may see and is told about, as a query to filter and order further."""
    query = select(Alert).where(Alert.closed_at.is_(None))
    if user.role == "manager":
        return query.where(Alert.kind == "overdue")
    if user.role == "adviser":
        own_requests = select(AdviceRequest.id).where(AdviceRequest.organisation_id == (user.organisation_id or -1))
        return query.where(Alert.subject_type == ADVICE_REQUEST, Alert.subject_id.in_(own_requests))
    if user.role == "caseworker":
        own_cases = select(Case.id).where(Case.assigned_caseworker_id == user.id)
        return query.where(Alert.case_id.in_(own_cases))
    return query.where(false())


def visible_alert(session: Session, user: User, alert_id: int, *, for_update: bool = False) -> Alert:
    """The alert, if this person hears of it; any other reads like one that does not exist.

    ``for_update`` locks the alert's row, so two people acknowledging it at once cannot both be first.
    """
    require(user, AUDIENCE_ROLES, "see alerts")
    query = alerts_for(user).where(Alert.id == alert_id)
    alert = session.scalars(query.with_for_update(of=Alert) if for_update else query).first()
    if alert is None:
        raise NotFound(f"There is no alert {alert_id}.")
    return alert
