"""Alembic environment: migrations run against the URL the ehcp CLI passes in.

On SQLite a migration that changes a column rebuilds the table (copy, drop, rename). A table other tables
refer to (cases, say) cannot be dropped while SQLite enforces foreign keys, and the pragma that turns
enforcement off is ignored inside a transaction, so it is turned off on the connection before any migration
begins; each migration then checks, before its transaction commits, that it left every reference whole.
"""

from __future__ import annotations

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


def _sqlite_foreign_keys(connection: Connection, enforced: bool) -> None:
    """SQLite changes a table by copying it, dropping the old one and renaming the copy. With foreign keys
    enforced, dropping a table other rows point at fails, so they are off while migrating (the pragma only
    takes effect outside a transaction, hence on the driver's connection before ours begins) and checked at
    the end instead."""
    connection.connection.driver_connection.execute(f"PRAGMA foreign_keys={'ON' if enforced else 'OFF'}")


def _check_sqlite_foreign_keys(connection: Connection) -> None:
    broken = connection.exec_driver_sql("PRAGMA foreign_key_check").all()
    if broken:
        raise RuntimeError(f"the migration left rows pointing at rows that do not exist: {broken[:10]}")


def run_migrations_online() -> None:
    engine = make_engine(config.get_main_option("sqlalchemy.url"))
    with engine.connect() as connection:
        sqlite = connection.dialect.name == "sqlite"
        if sqlite:
            _sqlite_foreign_keys(connection, enforced=False)
        context.configure(connection=connection, target_metadata=target_metadata, render_as_batch=sqlite)
        with context.begin_transaction():
            context.run_migrations()
            if sqlite:
                _check_sqlite_foreign_keys(connection)
        if sqlite:
            _sqlite_foreign_keys(connection, enforced=True)
    engine.dispose()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
