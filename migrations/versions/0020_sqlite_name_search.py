"""On SQLite, full-text indexes (FTS5, trigram) of the child's full name and the case reference, so the
caseload's search reads the matching rows rather than every person; PostgreSQL has trigram indexes already

Revision ID: 0020
Revises: 0018
Create Date: 2026-12-01 16:20:00

Each index is an FTS5 table whose rowid is the person's (or case's) id, filled from the rows as they stand and
kept by triggers on the table, so every insert and every change of name or reference updates it in the same
transaction, whichever code writes the row (the operations, the bulk loader, a correction). The trigram
tokenizer matches any part of three characters or more, ignoring case, which is what LIKE '%part%' did.

A later migration that rebuilds ``people`` or ``cases`` on SQLite (batch mode copies the table, drops it and
renames the copy) drops these triggers with the old table and must create them again; the caseload search
tests, which add people after migrating, fail if it does not.
"""

from __future__ import annotations

from alembic import op

revision = '0020'
down_revision = '0018'
branch_labels = None
depends_on = None

# (index, table, the text indexed as SQL over the row, the columns whose change re-indexes it)
SEARCH_INDEXES = (
    ("people_name_search", "people", "{row}.given_name || ' ' || {row}.family_name", "given_name, family_name"),
    ("cases_reference_search", "cases", "{row}.reference", "reference"),
)


def upgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        return
    for index, table, indexed, columns in SEARCH_INDEXES:
        new = indexed.format(row="new")
        op.execute(f"CREATE VIRTUAL TABLE {index} USING fts5(indexed, tokenize='trigram')")
        op.execute(f"INSERT INTO {index} (rowid, indexed) SELECT id, {indexed.format(row=table)} FROM {table}")
        op.execute(f"CREATE TRIGGER {index}_insert AFTER INSERT ON {table} BEGIN "
                   f"INSERT INTO {index} (rowid, indexed) VALUES (new.id, {new}); END")
        op.execute(f"CREATE TRIGGER {index}_update AFTER UPDATE OF {columns} ON {table} BEGIN "
                   f"UPDATE {index} SET indexed = {new} WHERE rowid = old.id; END")
        op.execute(f"CREATE TRIGGER {index}_delete AFTER DELETE ON {table} BEGIN "
                   f"DELETE FROM {index} WHERE rowid = old.id; END")


def downgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        return
    for index, _table, _indexed, _columns in SEARCH_INDEXES:
        for trigger in ("insert", "update", "delete"):
            op.execute(f"DROP TRIGGER IF EXISTS {index}_{trigger}")
        op.execute(f"DROP TABLE IF EXISTS {index}")
