"""Alerts: what the deadline scan raised, as each user may see them, and acknowledging one."""

from __future__ import annotations

from typing import Any

from casework.law import rules
from web.api.openapi.common import (
    DATE,
    TEXT,
    paging,
    param,
    ref,
    responses,
    true_false_filter,
)


def alert_schemas() -> dict[str, Any]:
    alert = {
        "type": "object",
        "properties": {
            "id": {"type": "integer"},
            "kind": {"type": "string", "enum": ["overdue", "due_soon"]},
            "deadline_kind": {"type": "string", "enum": list(rules.DEADLINE_KINDS)},
            "case_id": {"type": "integer"},
            "case_reference": TEXT,
            "due_on": DATE,
            "rule": TEXT,
            "citation": TEXT,
            "created_at": {"type": "string"},
            "advice_request_id": {"type": ["integer", "null"]},
            "acknowledged_at": {"type": ["string", "null"]},
        },
        "required": ["id", "kind", "deadline_kind", "case_id", "case_reference", "due_on", "rule", "created_at"],
    }
    return {"Alert": alert}


def alert_paths() -> dict[str, Any]:
    alert_list = {
        "type": "object",
        "properties": {
            "items": {"type": "array", "items": ref("Alert")},
            "total": {"type": "integer"},
            "page": {"type": "integer"},
            "per_page": {"type": "integer"},
        },
        "required": ["items", "total"],
    }
    return {
        "/alerts": {
            "get": {
                "summary": "The alerts you may see",
                "operationId": "listAlerts",
                "parameters": [
                    param("kind", "query", {"type": "string", "enum": ["overdue", "due_soon"]}, "alert kind"),
                    true_false_filter("acknowledged",
                                      "only alerts someone has (true) or has not yet (false) acknowledged"),
                    *paging("alerts"),
                ],
                "responses": responses("200", alert_list, "Alerts, newest first", "400", "403", "422"),
            }
        },
        "/alerts/{alert_id}/acknowledge": {
            "post": {
                "summary": "Acknowledge an alert",
                "operationId": "acknowledgeAlert",
                "parameters": [param("alert_id", "path", {"type": "integer"}, "the alert's id")],
                "responses": responses("200", ref("Alert"), "The alert", "403", "404"),
            }
        },
    }
