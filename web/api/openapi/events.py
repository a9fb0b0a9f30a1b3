"""The event bodies: one schema per declared event, and the mediation, appeal and transfer steps posted as
events on the case but run beside it, gathered under one discriminated ``Event``."""

from __future__ import annotations

from typing import Any

from casework.law.events import EVENTS
from web.api import bodies
from web.api import disputes as web_disputes
from web.api import transfers as web_transfers
from web.api.openapi.common import (
    model_schema,
    ref,
)


def event_schemas() -> dict[str, Any]:
    events = {f"Event_{e}": bodies.event_schema(e) for e in EVENTS}
    events.update(beside_the_case_events())
    return {
        "Event": {
            "oneOf": [ref(name) for name in events],
            "discriminator": {
                "propertyName": "event",
                "mapping": {name.removeprefix("Event_"): f"#/components/schemas/{name}" for name in events},
            },
        },
        **events,
    }


def beside_the_case_events() -> dict[str, Any]:
    """The disagreement-resolution and transfer steps, posted as events on the case but run beside it."""
    found = {f"Event_{name}": model_schema(model, name) for name, model in web_disputes.BODIES.items()}
    found.update({f"Event_{name}": model_schema(model, name) for name, model in web_transfers.BODIES.items()})
    return found
