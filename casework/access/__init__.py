"""Who may see what, as query filters every loader uses.

A record a user may not see answers 404, the same as one that does not exist, so an adviser cannot learn
that another organisation's advice request or a case exists by guessing numbers. A whole area a role may
never use answers 403.
"""

from __future__ import annotations

from sqlalchemy import Select, select

from casework.core.errors import Forbidden
from casework.models import AdviceRequest, Case, User

CASE_ROLES = frozenset({"caseworker", "manager"})
CASE_WRITE_ROLES = frozenset({"caseworker", "manager"})
ADVICE_ROLES = frozenset({"caseworker", "manager", "adviser"})
REPORT_ROLES = frozenset({"manager"})
ADMIN_ROLES = frozenset({"admin"})


def require(user: User, roles: frozenset[str], what: str) -> None:
    if user.role not in roles:
        raise Forbidden(f"Your role ({user.role}) may not {what}.")


def cases_query(user: User) -> Select[tuple[Case]]:
    require(user, CASE_ROLES, "see cases")
    return select(Case)


def advice_requests_query(user: User) -> Select[tuple[AdviceRequest]]:
    """Advisers see only the requests sent to their own organisation."""
    require(user, ADVICE_ROLES, "see advice requests")
    query = select(AdviceRequest)
    if user.role == "adviser":
        query = query.where(AdviceRequest.organisation_id == (user.organisation_id or -1))
    return query
