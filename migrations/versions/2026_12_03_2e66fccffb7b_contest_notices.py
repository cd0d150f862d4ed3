"""contest notices: when a contest's workers were told it opened, and that it closes soon

Contests already open or closed are marked told, so that an upgrade tells nobody of an old one.

Revision ID: 2e66fccffb7b
Revises: 665c5ac453e2
Create Date: 2026-12-03 10:16:00.000000

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "2e66fccffb7b"
down_revision = "665c5ac453e2"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("contest", schema=None) as batch_op:
        batch_op.add_column(sa.Column("opening_told_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("closing_told_at", sa.DateTime(timezone=True), nullable=True))
    op.execute(
        "UPDATE contest SET opening_told_at = opens_at, closing_told_at = closes_at WHERE opens_at <= CURRENT_TIMESTAMP"
    )


def downgrade():
    with op.batch_alter_table("contest", schema=None) as batch_op:
        batch_op.drop_column("closing_told_at")
        batch_op.drop_column("opening_told_at")
