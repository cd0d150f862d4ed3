"""contest stages and entry by skill level

A contest is for workers of given skill levels (contest.levels, empty: any) and is a round of a
stage (enterprise, city, province) that may admit only the best of the round below it
(previous_id, and admit_top or admit_percent of each union of that round). When results are
published each paper handed in on time keeps its rank, the union of the round's stage it
counts for and its rank there (contest_entry.rank, union_id, union_rank). Existing contests
become enterprise rounds for every level; their entries get ranks when their results are
published (already published ones keep none).

Revision ID: 28b828d286cd
Revises: 7c1e5a9b3d20
Create Date: 2026-12-03 10:10:36.748437

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "28b828d286cd"
down_revision = "7c1e5a9b3d20"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("contest", schema=None) as batch_op:
        batch_op.add_column(sa.Column("levels", sa.JSON(), server_default="[]", nullable=False))
        batch_op.add_column(sa.Column("stage", sa.String(length=12), server_default="enterprise", nullable=False))
        batch_op.add_column(sa.Column("previous_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("admit_top", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("admit_percent", sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f("ix_contest_previous_id"), ["previous_id"], unique=False)
        batch_op.create_foreign_key(batch_op.f("fk_contest_previous_id_contest"), "contest", ["previous_id"], ["id"])
        batch_op.create_check_constraint("stage", sa.text("stage IN ('enterprise', 'city', 'province')"))
        batch_op.create_check_constraint(
            "admission",
            sa.text(
                "(previous_id IS NULL AND admit_top IS NULL AND admit_percent IS NULL)"
                " OR (previous_id IS NOT NULL AND (admit_top IS NULL) <> (admit_percent IS NULL))"
            ),
        )

    with op.batch_alter_table("contest_entry", schema=None) as batch_op:
        batch_op.add_column(sa.Column("rank", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("union_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("union_rank", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f("fk_contest_entry_union_id_org"), "org", ["union_id"], ["id"])


def downgrade():
    with op.batch_alter_table("contest_entry", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_contest_entry_union_id_org"), type_="foreignkey")
        batch_op.drop_column("union_rank")
        batch_op.drop_column("union_id")
        batch_op.drop_column("rank")

    with op.batch_alter_table("contest", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("ck_contest_admission"), type_="check")
        batch_op.drop_constraint(batch_op.f("ck_contest_stage"), type_="check")
        batch_op.drop_constraint(batch_op.f("fk_contest_previous_id_contest"), type_="foreignkey")
        batch_op.drop_index(batch_op.f("ix_contest_previous_id"))
        batch_op.drop_column("admit_percent")
        batch_op.drop_column("admit_top")
        batch_op.drop_column("previous_id")
        batch_op.drop_column("stage")
        batch_op.drop_column("levels")
