"""study time as evidence

Progress keeps the active seconds the player's heartbeats measured, when the last one came,
and the ranges of a video played; a ledger entry keeps the minutes declared and measured when
it was paid. Every entry already paid stays as it is: old rows have none of these (NULL), which
the pages show as "not measured".

Revision ID: 7c63a61b7a5c
Revises: 3673fb922d6e
Create Date: 2026-12-02 18:16:02.359493

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "7c63a61b7a5c"
down_revision = "3673fb922d6e"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("ledger_entry", schema=None) as batch_op:
        batch_op.add_column(sa.Column("declared_minutes", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("measured_minutes", sa.Integer(), nullable=True))

    with op.batch_alter_table("progress", schema=None) as batch_op:
        batch_op.add_column(sa.Column("active_seconds", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("last_seen_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("played", sa.JSON(), nullable=True))


def downgrade():
    with op.batch_alter_table("progress", schema=None) as batch_op:
        batch_op.drop_column("played")
        batch_op.drop_column("last_seen_at")
        batch_op.drop_column("active_seconds")

    with op.batch_alter_table("ledger_entry", schema=None) as batch_op:
        batch_op.drop_column("measured_minutes")
        batch_op.drop_column("declared_minutes")
