"""People and their contacts: every case belongs to a person, made from the child's details the case held

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-26 09:00:00

Each existing case gets a person of its own, with the same id as the case, so the move is one set-based
statement on either engine and nothing is matched by guesswork: two requests for the same child stay two
people until a caseworker who knows them says otherwise. The downgrade writes each case's child back from
its person.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None

ONE_SETTING = ("(CASE WHEN setting_urn IS NULL THEN 0 ELSE 1 END) + (CASE WHEN setting_ukprn IS NULL THEN 0 "
               "ELSE 1 END) + (CASE WHEN sen_setting IS NULL THEN 0 ELSE 1 END) <= 1")
CHILD_COLUMNS = (("child_given_name", "given_name", sa.String(length=100)),
                 ("child_family_name", "family_name", sa.String(length=100)),
                 ("child_date_of_birth", "date_of_birth", sa.Date()))


def upgrade() -> None:
    op.create_table('people',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('given_name', sa.String(length=100), nullable=False),
    sa.Column('family_name', sa.String(length=100), nullable=False),
    sa.Column('date_of_birth', sa.Date(), nullable=False),
    sa.Column('sex', sa.String(length=1), nullable=True),
    sa.Column('ethnicity', sa.String(length=4), nullable=True),
    sa.Column('upn', sa.String(length=13), nullable=True),
    sa.Column('uln', sa.String(length=10), nullable=True),
    sa.Column('nhs_number', sa.String(length=10), nullable=True),
    sa.Column('postcode', sa.String(length=8), nullable=True),
    sa.Column('address', sa.String(length=500), nullable=True),
    sa.Column('first_language', sa.String(length=60), nullable=True),
    sa.Column('setting_urn', sa.String(length=6), nullable=True),
    sa.Column('setting_ukprn', sa.String(length=8), nullable=True),
    sa.Column('sen_setting', sa.String(length=4), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint(ONE_SETTING, name=op.f('ck_people_one_current_setting')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_people'))
    )
    with op.batch_alter_table('people', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_people_date_of_birth'), ['date_of_birth'], unique=False)
        batch_op.create_index('ix_people_family_name_given_name', ['family_name', 'given_name', 'id'], unique=False)
        batch_op.create_index(batch_op.f('ix_people_nhs_number'), ['nhs_number'], unique=False)
        batch_op.create_index(batch_op.f('ix_people_postcode'), ['postcode'], unique=False)
        batch_op.create_index(batch_op.f('ix_people_upn'), ['upn'], unique=False)

    op.create_table('contacts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('relationship', sa.String(length=60), nullable=True),
    sa.Column('parental_responsibility', sa.Boolean(), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=True),
    sa.Column('phone', sa.String(length=30), nullable=True),
    sa.Column('address', sa.String(length=500), nullable=True),
    sa.Column('preferred_contact', sa.String(length=20), nullable=True),
    sa.Column('interpreter_language', sa.String(length=60), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['person_id'], ['people.id'], name=op.f('fk_contacts_person_id_people')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_contacts'))
    )
    with op.batch_alter_table('contacts', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_contacts_person_id'), ['person_id'], unique=False)

    # One person per case, sharing the case's id; then the column that points to it.
    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.add_column(sa.Column('person_id', sa.Integer(), nullable=True))
    op.execute("INSERT INTO people (id, version, given_name, family_name, date_of_birth, created_at) "
               "SELECT id, 1, child_given_name, child_family_name, child_date_of_birth, created_at FROM cases")
    op.execute("UPDATE cases SET person_id = id")
    if op.get_bind().dialect.name == "postgresql":  # explicit ids: the next person is numbered after them
        op.execute("SELECT setval(pg_get_serial_sequence('people', 'id'), COALESCE(MAX(id), 0) + 1, false) "
                   "FROM people")
    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.alter_column('person_id', existing_type=sa.Integer(), nullable=False)
        batch_op.create_index(batch_op.f('ix_cases_person_id'), ['person_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_cases_person_id_people'), 'people', ['person_id'], ['id'])
        for column, _, _ in CHILD_COLUMNS:
            batch_op.drop_column(column)

    _add_audit_person()


def _add_audit_person() -> None:
    """Plain ALTERs: rebuilding audit_entries on SQLite would drop the triggers that keep it append-only."""
    if op.get_bind().dialect.name == "sqlite":
        # SQLite takes a reference in ADD COLUMN (an added constraint it cannot); Alembic's add_column would
        # try the latter.
        op.execute("ALTER TABLE audit_entries ADD COLUMN person_id INTEGER "
                   "CONSTRAINT fk_audit_entries_person_id_people REFERENCES people (id)")
    else:
        op.add_column('audit_entries', sa.Column('person_id', sa.Integer(), nullable=True))
        op.create_foreign_key(op.f('fk_audit_entries_person_id_people'), 'audit_entries', 'people',
                              ['person_id'], ['id'])
    op.create_index(op.f('ix_audit_entries_person_id'), 'audit_entries', ['person_id'], unique=False)


def downgrade() -> None:
    op.drop_index(op.f('ix_audit_entries_person_id'), table_name='audit_entries')
    if op.get_bind().dialect.name == "sqlite":
        op.execute("ALTER TABLE audit_entries DROP COLUMN person_id")  # SQLite 3.35+, triggers kept
    else:
        op.drop_constraint(op.f('fk_audit_entries_person_id_people'), 'audit_entries', type_='foreignkey')
        op.drop_column('audit_entries', 'person_id')

    with op.batch_alter_table('cases', schema=None) as batch_op:
        for column, _, kind in CHILD_COLUMNS:
            batch_op.add_column(sa.Column(column, kind, nullable=True))
    for column, source, _ in CHILD_COLUMNS:
        op.execute(f"UPDATE cases SET {column} = (SELECT {source} FROM people WHERE people.id = cases.person_id)")
    with op.batch_alter_table('cases', schema=None) as batch_op:
        for column, _, kind in CHILD_COLUMNS:
            batch_op.alter_column(column, existing_type=kind, nullable=False)
        batch_op.drop_constraint(batch_op.f('fk_cases_person_id_people'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_cases_person_id'))
        batch_op.drop_column('person_id')

    with op.batch_alter_table('contacts', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_contacts_person_id'))
    op.drop_table('contacts')
    with op.batch_alter_table('people', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_people_upn'))
        batch_op.drop_index(batch_op.f('ix_people_postcode'))
        batch_op.drop_index(batch_op.f('ix_people_nhs_number'))
        batch_op.drop_index('ix_people_family_name_given_name')
        batch_op.drop_index(batch_op.f('ix_people_date_of_birth'))
    op.drop_table('people')
