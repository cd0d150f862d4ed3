"""quiz papers and when a quiz reveals its answers

A quiz revision says when its right answers and explanations show (existing quizzes: once
passed, the new default); an attempt keeps the paper as it was shown (existing attempts: none).

Revision ID: 4e709977b379
Revises: 7c63a61b7a5c
Create Date: 2026-12-02 18:32:48.991070

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "4e709977b379"
down_revision = "7c63a61b7a5c"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("module_revision", schema=None) as batch_op:
        batch_op.add_column(sa.Column("reveal", sa.String(length=10), server_default="passed", nullable=False))

    with op.batch_alter_table("quiz_attempt", schema=None) as batch_op:
        batch_op.add_column(sa.Column("paper", sa.JSON(), nullable=True))


def downgrade():
    with op.batch_alter_table("quiz_attempt", schema=None) as batch_op:
        batch_op.drop_column("paper")

    with op.batch_alter_table("module_revision", schema=None) as batch_op:
        batch_op.drop_column("reveal")
