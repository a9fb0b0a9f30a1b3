"""On SQLite a read takes no write lock: readers run beside each other and beside the one writer, so a slow
page never makes another request wait or fail with "database is locked". A unit of work still begins
IMMEDIATE, so two writers queue rather than fail half-way."""

from __future__ import annotations

import sqlite3

import pytest
from sqlalchemy import func, select

from casework.core.db import sqlite_path
from casework.models import Case
from tests.conftest import ENGINE

pytestmark = pytest.mark.skipif(ENGINE != "sqlite", reason="the write lock is SQLite's own")


def _write_lock_free(database_url: str) -> bool:
    """Whether another connection could take the write lock at once (no waiting)."""
    other = sqlite3.connect(sqlite_path(database_url), timeout=0, isolation_level=None)
    try:
        other.execute("BEGIN IMMEDIATE")
        other.execute("ROLLBACK")
        return True
    except sqlite3.OperationalError as locked:
        assert "locked" in str(locked)
        return False
    finally:
        other.close()


def test_a_read_in_progress_leaves_the_write_lock_free(db, database_url, new_case):
    new_case()
    with db.reading() as first, db.reading() as second:
        assert first.scalar(select(func.count()).select_from(Case)) == 1  # its read transaction is open now
        assert second.scalar(select(func.count()).select_from(Case)) == 1
        assert _write_lock_free(database_url)
        new_case(given_name="Bea")  # a writer goes ahead while both readers are mid-transaction
        # each reader goes on seeing the snapshot it began with
        assert first.scalar(select(func.count()).select_from(Case)) == 1
    with db.reading() as later:
        assert later.scalar(select(func.count()).select_from(Case)) == 2


def test_a_unit_of_work_holds_the_write_lock_from_its_start(db, database_url):
    with db.transaction() as session:
        session.execute(select(1))
        assert not _write_lock_free(database_url)
    assert _write_lock_free(database_url)
