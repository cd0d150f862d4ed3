"""rollups keep hours as shown

Both rollup tables gain `tenths`: the hours of their ledger entries as shown, each entry
rounded once to a tenth of an hour (learnhub.core.hours), so that a union's hours are the
sum of its rows however the dashboard breaks them down. Existing rows are filled from their
minutes, which is exact for a row of one entry and within a tenth per entry otherwise;
`flask stats rebuild` (which the README asks for after an upgrade) recomputes them exactly.

Revision ID: b5d2e8a41c07
Revises: 91d09383ebb5
Create Date: 2026-12-02 18:45:00.000000

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "b5d2e8a41c07"
down_revision = "91d09383ebb5"
branch_labels = None
depends_on = None

TABLES = ("rollup", "rollup_subtree")


def upgrade():
    for table in TABLES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column("tenths", sa.Integer(), server_default="0", nullable=False))
        # Half away from zero, as core.hours rounds: |m| rounded, sign kept.
        op.execute(
            f"UPDATE {table} SET tenths = CASE WHEN minutes >= 0 THEN (minutes * 10 + 30) / 60 "
            "ELSE -((-minutes * 10 + 30) / 60) END"
        )


def downgrade():
    for table in TABLES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_column("tenths")
