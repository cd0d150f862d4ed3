"""requirements for chosen occupations and skill levels

A required course may ask only some occupations and skill levels of its union's subtree;
existing requirements ask everyone ([] for both).

Revision ID: e3fd2b668088
Revises: 4e709977b379
Create Date: 2026-12-02 18:37:39.710269

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "e3fd2b668088"
down_revision = "4e709977b379"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("required_course", schema=None) as batch_op:
        batch_op.add_column(sa.Column("occupations", sa.JSON(), server_default="[]", nullable=False))
        batch_op.add_column(sa.Column("skill_levels", sa.JSON(), server_default="[]", nullable=False))


def downgrade():
    with op.batch_alter_table("required_course", schema=None) as batch_op:
        batch_op.drop_column("skill_levels")
        batch_op.drop_column("occupations")
