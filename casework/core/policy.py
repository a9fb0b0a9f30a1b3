"""The authority's local choices within the law: counting convention, review periods, warning windows."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from casework.core.clock import Counting


@dataclass(frozen=True)
class Policy:
    counting: Counting = Counting()
    review_period_starts_at: str = "decision"  # or "meeting"
    due_soon_days: int = 14
    due_soon_days_by_kind: dict[str, int] = field(default_factory=dict)
    reference_prefix: str = "EHC"

    def warning_days(self, kind: str) -> int:
        return int(self.due_soon_days_by_kind.get(kind, self.due_soon_days))

    def due_soon_from(self, kind: str, due_on: dt.date) -> dt.date:
        """First day on which a deadline shows as due soon."""
        return due_on - dt.timedelta(days=self.warning_days(kind))

    @classmethod
    def from_settings(cls, settings: dict) -> Policy:
        rules = settings.get("rules", {})
        alerts = settings.get("alerts", {})
        service = settings.get("service", {})
        return cls(
            counting=Counting(event_day_is_day_one=bool(rules.get("event_day_is_day_one", False))),
            review_period_starts_at=str(rules.get("review_period_starts_at", "decision")),
            due_soon_days=int(alerts.get("due_soon_days", 14)),
            due_soon_days_by_kind={k: int(v) for k, v in dict(alerts.get("due_soon_days_by_kind", {})).items()},
            reference_prefix=str(service.get("reference_prefix", "EHC")),
        )
