"""The record each completed deadline scan leaves: the date it scanned as of, when, and with which warning windows.

A scan only has to look at what has changed since the last one it can build on. Every open duty deadline due
before that scan's date already has its overdue alert, and every one inside its warning window then already has
its warning, so the next scan reads the due dates that crossed a line since, plus the deadlines recorded since
(an event entered late can open a deadline already past due). The row is written in the scan's own transaction,
so it exists exactly when that scan's alerts do.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Index, String
from sqlalchemy.orm import Mapped, mapped_column

from casework.models.base import Base, created_at_column


class ScanRun(Base):
    __tablename__ = "scan_runs"
    __table_args__ = (Index("ix_scan_runs_as_of", "as_of"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    as_of: Mapped[dt.date]
    # The warning windows in force, e.g. "advice=14,final_plan=28,*=14": a later scan under other windows
    # cannot trust this one's warnings and looks at every open deadline again.
    warning_windows: Mapped[str] = mapped_column(String(1000))
    started_at: Mapped[dt.datetime]
    full_scan: Mapped[bool]
    deadlines_examined: Mapped[int]
    overdue: Mapped[int]
    new_alerts: Mapped[int]
    new_warnings: Mapped[int]
    created_at: Mapped[dt.datetime] = created_at_column()
