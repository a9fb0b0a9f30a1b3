"""Alerts: raising them (scan); who hears of them lives in casework.access.audience, and closing those a
correction no longer justifies in casework.deadlines.justified (a correction, in the cases room, closes them)."""

from casework.alerts.acknowledge import acknowledge
from casework.deadlines.justified import close_unjustified

__all__ = ["acknowledge", "close_unjustified"]
