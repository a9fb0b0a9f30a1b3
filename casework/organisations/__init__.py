"""The organisations advice is asked of and advisers belong to.

It sits beside the case operations rather than with the user accounts because recording an advice request
names an organisation, and an operation on a case may only lean on rooms at its own level or below.
"""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from casework.models import Organisation


def organisation_named(session: Session, name: str) -> Organisation:
    """The organisation of that name (case-insensitive), created on first use."""
    found = session.scalars(select(Organisation).where(func.lower(Organisation.name) == name.strip().lower())).first()
    if found is None:
        found = Organisation(name=name.strip())
        session.add(found)
        session.flush()
    return found
