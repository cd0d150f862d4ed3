"""A reminder of a required course may be for the workers an admin ticked, not all.

Revision ID: 7c1e5a9d2b40
Revises: ecf9e4eca206
Create Date: 2026-12-03 10:45:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "7c1e5a9d2b40"
down_revision = "ecf9e4eca206"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("requirement_reminder", schema=None) as batch_op:
        batch_op.add_column(sa.Column("people", sa.JSON(), server_default="[]", nullable=False))


def downgrade():
    with op.batch_alter_table("requirement_reminder", schema=None) as batch_op:
        batch_op.drop_column("people")
