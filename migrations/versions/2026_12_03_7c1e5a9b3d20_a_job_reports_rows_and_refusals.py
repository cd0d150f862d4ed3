"""A job's report (core/jobs.py): the rows its runner refused and why, or why the job was refused.

Revision ID: 7c1e5a9b3d20
Revises: 7c1e5a9d2b40
Create Date: 2026-12-03 10:12:00.000000

"""

import sqlalchemy as sa
from alembic import op

revision = "7c1e5a9b3d20"
down_revision = "7c1e5a9d2b40"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("job", schema=None) as batch_op:
        batch_op.add_column(sa.Column("report", sa.JSON(), nullable=False, server_default="{}"))


def downgrade():
    with op.batch_alter_table("job", schema=None) as batch_op:
        batch_op.drop_column("report")
