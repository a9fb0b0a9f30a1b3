"""Alembic environment: migrations run against the URL the ehcp CLI passes in.

On SQLite a migration that changes a column rebuilds the table (copy, drop, rename). A table other tables
refer to (cases, say) cannot be dropped while SQLite enforces foreign keys, and the pragma that turns
enforcement off is ignored inside a transaction, so it is turned off on the connection before any migration
begins; each migration then checks, before its transaction commits, that it left every reference whole.
"""

from __future__ import annotations

from typing import Any

from alembic import context
from sqlalchemy import Connection

from casework.core.db import make_engine
from casework.models import Base

config = context.config
target_metadata = Base.metadata


def run_migrations_offline() -> None:
    context.configure(url=config.get_main_option("sqlalchemy.url"), target_metadata=target_metadata,
                      literal_binds=True, render_as_batch=True)
    with context.begin_transaction():
        context.run_migrations()


def _sqlite_foreign_keys_off(connection: Connection) -> None:
    """Straight on the driver's connection, which is in autocommit mode here, so the pragma takes effect."""
    connection.connection.driver_connection.execute("PRAGMA foreign_keys=OFF")


def _references_whole(ctx: Any, step: Any, **_: Any) -> None:
    """Refuse (and so roll back) a SQLite migration that left a row pointing at nothing."""
    broken = ctx.connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
    if broken:
        raise RuntimeError(f"Migration {step} left {len(broken)} broken references, first: {broken[0]}")


def run_migrations_online() -> None:
    engine = make_engine(config.get_main_option("sqlalchemy.url"))
    with engine.connect() as connection:
        sqlite = connection.dialect.name == "sqlite"
        if sqlite:
            _sqlite_foreign_keys_off(connection)
        context.configure(connection=connection, target_metadata=target_metadata, render_as_batch=sqlite,
                          on_version_apply=[_references_whole] if sqlite else [])
        with context.begin_transaction():
            context.run_migrations()
    engine.dispose()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
