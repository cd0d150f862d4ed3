"""skill contests and their entries

Skill competitions (技术比武, learnhub/contests): a contest of a union's subtree, drawn from the
banks of chosen courses, timed, with a window; each contestant's one entry with their paper,
answers, score and time.

Revision ID: d5f3fee44b54
Revises: 3007105b2dc9
Create Date: 2026-12-03 07:33:54.094466

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "d5f3fee44b54"
down_revision = "3007105b2dc9"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "contest",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=120), nullable=False),
        sa.Column("org_id", sa.Integer(), nullable=False),
        sa.Column("org_path", sa.String(length=255), nullable=False),
        sa.Column("occupation", sa.String(length=40), nullable=True),
        sa.Column("course_ids", sa.JSON(), nullable=False),
        sa.Column("rule", sa.JSON(), nullable=False),
        sa.Column("time_limit", sa.Integer(), nullable=False),
        sa.Column("opens_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("closes_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("results_published_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint("time_limit > 0 AND closes_at > opens_at", name=op.f("ck_contest_window")),
        sa.ForeignKeyConstraint(
            ["created_by_id"], ["user_account.id"], name=op.f("fk_contest_created_by_id_user_account")
        ),
        sa.ForeignKeyConstraint(["org_id"], ["org.id"], name=op.f("fk_contest_org_id_org")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_contest")),
    )
    with op.batch_alter_table("contest", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_contest_org_id"), ["org_id"], unique=False)

    op.create_table(
        "contest_entry",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("contest_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("org_id", sa.Integer(), nullable=False),
        sa.Column("paper", sa.JSON(), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("due_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("submitted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("answers", sa.JSON(), nullable=True),
        sa.Column("marks", sa.JSON(), nullable=True),
        sa.Column("score", sa.Integer(), nullable=True),
        sa.Column("seconds", sa.Integer(), nullable=True),
        sa.Column("is_late", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(["contest_id"], ["contest.id"], name=op.f("fk_contest_entry_contest_id_contest")),
        sa.ForeignKeyConstraint(["org_id"], ["org.id"], name=op.f("fk_contest_entry_org_id_org")),
        sa.ForeignKeyConstraint(["user_id"], ["user_account.id"], name=op.f("fk_contest_entry_user_id_user_account")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_contest_entry")),
        sa.UniqueConstraint("contest_id", "user_id", name=op.f("uq_contest_entry_contest_id_user_id")),
    )
    with op.batch_alter_table("contest_entry", schema=None) as batch_op:
        batch_op.create_index("ix_contest_entry_ranking", ["contest_id", "score", "seconds"], unique=False)
        batch_op.create_index(batch_op.f("ix_contest_entry_user_id"), ["user_id"], unique=False)


def downgrade():
    with op.batch_alter_table("contest_entry", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_contest_entry_user_id"))
        batch_op.drop_index("ix_contest_entry_ranking")

    op.drop_table("contest_entry")
    with op.batch_alter_table("contest", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_contest_org_id"))

    op.drop_table("contest")
