"""Figures kept between views until a case changes: the dashboard's, the timeliness report's, the lists' counts.

Those figures aggregate the whole caseload (every new plan in a year, every overdue duty), so computing them
on each view costs the same as the first time, and sixteen managers opening the dashboard at once queue behind
each other for seconds. They change only when something is recorded, and everything recorded writes an entry
in the append-only audit trail in the same transaction, so the trail's newest entries are the marker: figures
are kept under the marker they were computed at (and the day, which moves what is overdue), and the first view
after any change sees a new marker and computes them afresh.

The marker is the newest entry's id and how many entries lie in the last ``WINDOW`` ids. The id alone could
miss a change on PostgreSQL, where ids are handed out when a row is written but become visible when its
transaction commits: a transaction that took id 100 can commit after one that took 101 was already seen. Its
entry then adds one to the count in the window, so the marker still moves. Both are read from the primary
key's index: a couple of index probes, whatever the size of the trail.

The lists' counts (how many requests are owed, and how many of them overdue) are kept the same way: the
page's rows are an index walk, but counting every row that matches is not.

One computation per marker: when many views ask at once for figures not yet kept, one computes them and the
others wait for its answer rather than each repeating the work. Each database (engine) has its own figures.
"""

from __future__ import annotations

import copy
import datetime as dt
import threading
import weakref
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any, TypeVar

from sqlalchemy import func, select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from casework.models import AuditEntry

T = TypeVar("T")
WINDOW = 1000  # ids: far more than the transactions that can be in flight at once
KEPT = 64  # sets of figures kept per database (years, days and markers), the oldest forgotten first


def last_change(session: Session) -> tuple[int, int]:
    """A marker that moves whenever anything is recorded: the newest audit entry and how many are recent."""
    newest = session.scalar(select(func.max(AuditEntry.id))) or 0
    recent = session.scalar(select(func.count()).select_from(AuditEntry).where(AuditEntry.id > newest - WINDOW))
    return newest, int(recent or 0)


class Kept:
    """Values by key, at most ``size`` of them; a value being computed is computed once for all who ask."""

    def __init__(self, size: int = KEPT) -> None:
        self._size = size
        self._values: OrderedDict[Hashable, Any] = OrderedDict()
        self._computing: dict[Hashable, threading.Lock] = {}
        self._lock = threading.Lock()

    def get(self, key: Hashable, compute: Callable[[], T]) -> T:
        with self._lock:
            if key in self._values:
                self._values.move_to_end(key)
                return copy.deepcopy(self._values[key])
            gate = self._computing.setdefault(key, threading.Lock())
        with gate:
            with self._lock:
                if key in self._values:  # another view computed it while this one waited
                    return copy.deepcopy(self._values[key])
            try:
                value = compute()
                with self._lock:
                    self._values[key] = value
                    while len(self._values) > self._size:
                        self._values.popitem(last=False)
            finally:
                with self._lock:
                    self._computing.pop(key, None)
        return copy.deepcopy(value)  # a caller may change its copy; the kept one stays as computed


_BY_ENGINE: weakref.WeakKeyDictionary[Engine, dict[str, Kept]] = weakref.WeakKeyDictionary()
_BY_ENGINE_LOCK = threading.Lock()


def _kept_for(session: Session, pool: str) -> Kept:
    engine = session.get_bind().engine
    with _BY_ENGINE_LOCK:
        pools = _BY_ENGINE.setdefault(engine, {})
        kept = pools.get(pool)
        if kept is None:
            kept = pools[pool] = Kept()
        return kept


class Figures:
    """The figures of one view: each computed at most once per change to the caseload and day.

    The marker is read once, before any figure, in the view's own session: a figure computed after it is at
    least as new as the marker, so a change recorded meanwhile only means the next view computes it again.
    Each ``pool`` keeps its own ``KEPT`` sets, so the many lists' counts never push out the dashboard's figures.
    """

    def __init__(self, session: Session, today: dt.date, pool: str = "reports") -> None:
        self._session = session
        self._kept = _kept_for(session, pool)
        self._marker = (today, last_change(session))

    def get(self, name: str, *args: Hashable, compute: Callable[[], T]) -> T:
        return self._kept.get((name, *args, self._marker), compute)
