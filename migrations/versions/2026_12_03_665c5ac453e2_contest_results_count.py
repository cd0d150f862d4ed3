"""contest results count: the ledger, credentials, pathways that require a placing

A contest grants credits, hours (contest.credits, minutes; usually none) and a credential to
its first `winners` places (3 unless set). A published result is a ledger entry of the new
kind 'competition'; a winner's credential is of the new kind 'contest'. A pathway version may
require a contest placing (pathway_version.placing, JSON; NULL: none).

The ledger's kind check changes: on SQLite the batch recreates ledger_entry and drops its
append-only triggers, so they are created again here (the SQL of
*_ledger_entries_are_append_only.py, copied); the downgrade lifts them to remove the
'competition' entries, and puts them back.

Revision ID: 665c5ac453e2
Revises: 28b828d286cd
Create Date: 2026-12-03 10:13:10.000000

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "665c5ac453e2"
down_revision = "28b828d286cd"
branch_labels = None
depends_on = None

OLD_LEDGER = "kind IN ('module', 'course', 'prior_learning', 'recognition', 'reversal')"
NEW_LEDGER = "kind IN ('module', 'course', 'prior_learning', 'recognition', 'competition', 'reversal')"
OLD_CREDENTIAL = "kind IN ('course', 'recognition')"
NEW_CREDENTIAL = "kind IN ('course', 'recognition', 'contest')"

# The ledger's append-only triggers (migrations/versions/*_ledger_entries_are_append_only.py).
MESSAGE = "ledger entries are append-only: post a reversing entry instead"
SQLITE = [
    f"""CREATE TRIGGER ledger_entry_no_update BEFORE UPDATE ON ledger_entry
    BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END""",
    f"""CREATE TRIGGER ledger_entry_no_delete BEFORE DELETE ON ledger_entry
    BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END""",
]
SQLITE_DROP = ["DROP TRIGGER IF EXISTS ledger_entry_no_update", "DROP TRIGGER IF EXISTS ledger_entry_no_delete"]
POSTGRESQL_NO_CHANGE = """CREATE TRIGGER ledger_entry_no_change BEFORE UPDATE OR DELETE ON ledger_entry
    FOR EACH ROW EXECUTE FUNCTION ledger_entry_append_only()"""


def _sqlite():
    return op.get_bind().dialect.name == "sqlite"


def upgrade():
    with op.batch_alter_table("contest", schema=None) as batch_op:
        batch_op.add_column(sa.Column("credits", sa.Numeric(precision=8, scale=2), server_default="0", nullable=False))
        batch_op.add_column(sa.Column("minutes", sa.Integer(), server_default="0", nullable=False))
        batch_op.add_column(sa.Column("winners", sa.Integer(), server_default="3", nullable=False))

    with op.batch_alter_table("pathway_version", schema=None) as batch_op:
        batch_op.add_column(sa.Column("placing", sa.JSON(), nullable=True))

    with op.batch_alter_table("ledger_entry", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_ledger_entry_kind"), type_="check")
        batch_op.create_check_constraint("kind", sa.text(NEW_LEDGER))
    if _sqlite():
        for statement in SQLITE_DROP + SQLITE:
            op.execute(statement)

    with op.batch_alter_table("credential", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_credential_kind"), type_="check")
        batch_op.create_check_constraint("kind", sa.text(NEW_CREDENTIAL))


def downgrade():
    op.execute("DELETE FROM credential WHERE kind = 'contest'")
    if _sqlite():
        op.execute("DROP TRIGGER IF EXISTS ledger_entry_no_delete")
    else:
        op.execute("DROP TRIGGER IF EXISTS ledger_entry_no_change ON ledger_entry")
    op.execute("DELETE FROM ledger_entry WHERE kind = 'competition'")
    if not _sqlite():
        op.execute(POSTGRESQL_NO_CHANGE)
    with op.batch_alter_table("credential", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_credential_kind"), type_="check")
        batch_op.create_check_constraint("kind", sa.text(OLD_CREDENTIAL))

    with op.batch_alter_table("ledger_entry", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_ledger_entry_kind"), type_="check")
        batch_op.create_check_constraint("kind", sa.text(OLD_LEDGER))
    if _sqlite():
        for statement in SQLITE_DROP + SQLITE:
            op.execute(statement)

    with op.batch_alter_table("pathway_version", schema=None) as batch_op:
        batch_op.drop_column("placing")

    with op.batch_alter_table("contest", schema=None) as batch_op:
        batch_op.drop_column("winners")
        batch_op.drop_column("minutes")
        batch_op.drop_column("credits")
