"""ledger entries are append-only in the database

Triggers refuse UPDATE and DELETE of ledger_entry rows (and TRUNCATE on PostgreSQL): a
correction is a new, reversing entry (credits.services.reverse_entry), never an edit. The
privacy erasure anonymises the account (accounts.services.erase_account) and leaves the ledger.

Careful, for whoever changes ledger_entry later:

- On SQLite a batch migration (op.batch_alter_table, which alembic uses for most changes there)
  recreates the table, and SQLite drops a table's triggers with it: a later migration that
  batch-alters ledger_entry must create these triggers again afterwards (call `_create()`
  of this file's SQL, copied), or the ledger stops being append-only without a word.
- A migration that must rewrite ledger rows (filling a new column, say) drops the triggers
  first and creates them again after, in the same migration.
- migrations/env.py runs SQLite migrations with foreign keys off; the triggers do not depend
  on them.

Revision ID: 5c0ffee1ed9e
Revises: e3fd2b668088
Create Date: 2026-12-02 18:35:00

"""

from alembic import op

# revision identifiers, used by Alembic.
revision = "5c0ffee1ed9e"
down_revision = "e3fd2b668088"
branch_labels = None
depends_on = None

MESSAGE = "ledger entries are append-only: post a reversing entry instead"

SQLITE = [
    f"""CREATE TRIGGER ledger_entry_no_update BEFORE UPDATE ON ledger_entry
    BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END""",
    f"""CREATE TRIGGER ledger_entry_no_delete BEFORE DELETE ON ledger_entry
    BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END""",
]
SQLITE_DROP = ["DROP TRIGGER IF EXISTS ledger_entry_no_update", "DROP TRIGGER IF EXISTS ledger_entry_no_delete"]

POSTGRESQL = [
    f"""CREATE FUNCTION ledger_entry_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        RAISE EXCEPTION '{MESSAGE}' USING ERRCODE = 'restrict_violation';
    END
    $$""",
    """CREATE TRIGGER ledger_entry_no_change BEFORE UPDATE OR DELETE ON ledger_entry
    FOR EACH ROW EXECUTE FUNCTION ledger_entry_append_only()""",
    """CREATE TRIGGER ledger_entry_no_truncate BEFORE TRUNCATE ON ledger_entry
    FOR EACH STATEMENT EXECUTE FUNCTION ledger_entry_append_only()""",
]
POSTGRESQL_DROP = [
    "DROP TRIGGER IF EXISTS ledger_entry_no_truncate ON ledger_entry",
    "DROP TRIGGER IF EXISTS ledger_entry_no_change ON ledger_entry",
    "DROP FUNCTION IF EXISTS ledger_entry_append_only()",
]


def _statements(create):
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        return SQLITE if create else SQLITE_DROP
    if dialect == "postgresql":
        return POSTGRESQL if create else POSTGRESQL_DROP
    raise NotImplementedError(f"no append-only triggers for {dialect}")


def upgrade():
    for statement in _statements(create=True):
        op.execute(statement)


def downgrade():
    for statement in _statements(create=False):
        op.execute(statement)
