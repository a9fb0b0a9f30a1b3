"""Alerts: who hears of them (audience), raising them (scan) and closing those no longer justified (closing)."""

from casework.alerts.closing import close_unjustified

__all__ = ["close_unjustified"]
