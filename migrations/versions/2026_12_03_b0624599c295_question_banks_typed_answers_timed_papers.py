"""question banks, typed answers, timed papers

A course's bank of questions (bank_question, bank_choice) with topics and difficulties, from
which a quiz with a `draw` rule takes each attempt's paper; questions that are answered with a
number or a short text (question.answer, and the kinds 'number' and 'text'); timed papers
(module_revision.time_limit, quiz_sitting: the paper being written and when it is due); and on
each attempt which answers were right (marks), when it was started and whether it came late.
Existing quizzes and attempts are unchanged: a quiz without `draw` asks its own questions.

Revision ID: b0624599c295
Revises: 3a077338253b
Create Date: 2026-12-03 07:02:46.123680

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "b0624599c295"
down_revision = "3a077338253b"
branch_labels = None
depends_on = None

OLD_KINDS = "kind IN ('single', 'multiple', 'true_false')"
NEW_KINDS = "kind IN ('single', 'multiple', 'true_false', 'number', 'text')"


def upgrade():
    op.create_table(
        "bank_question",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("course_id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=80), nullable=False),
        sa.Column("topic", sa.String(length=80), nullable=False),
        sa.Column("difficulty", sa.String(length=10), nullable=False),
        sa.Column("kind", sa.String(length=12), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("explanation", sa.Text(), nullable=False),
        sa.Column("answer", sa.JSON(), nullable=True),
        sa.Column("content_hash", sa.String(length=64), nullable=False),
        sa.Column("is_retired", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("difficulty IN ('basic', 'harder')", name=op.f("ck_bank_question_difficulty")),
        sa.CheckConstraint(
            "kind IN ('single', 'multiple', 'true_false', 'number', 'text')", name=op.f("ck_bank_question_kind")
        ),
        sa.ForeignKeyConstraint(["course_id"], ["course.id"], name=op.f("fk_bank_question_course_id_course")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_bank_question")),
    )
    with op.batch_alter_table("bank_question", schema=None) as batch_op:
        batch_op.create_index("ix_bank_question_course_live", ["course_id", "is_retired"], unique=False)

    op.create_table(
        "bank_choice",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("question_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("is_correct", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["question_id"], ["bank_question.id"], name=op.f("fk_bank_choice_question_id_bank_question")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_bank_choice")),
    )
    with op.batch_alter_table("bank_choice", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_bank_choice_question_id"), ["question_id"], unique=False)

    op.create_table(
        "quiz_sitting",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("module_id", sa.Integer(), nullable=False),
        sa.Column("revision_id", sa.Integer(), nullable=False),
        sa.Column("paper", sa.JSON(), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("due_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["module_id"], ["module.id"], name=op.f("fk_quiz_sitting_module_id_module")),
        sa.ForeignKeyConstraint(
            ["revision_id"], ["module_revision.id"], name=op.f("fk_quiz_sitting_revision_id_module_revision")
        ),
        sa.ForeignKeyConstraint(["user_id"], ["user_account.id"], name=op.f("fk_quiz_sitting_user_id_user_account")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_quiz_sitting")),
        sa.UniqueConstraint("user_id", "module_id", name=op.f("uq_quiz_sitting_user_id_module_id")),
    )
    with op.batch_alter_table("quiz_sitting", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_quiz_sitting_module_id"), ["module_id"], unique=False)

    with op.batch_alter_table("module_revision", schema=None) as batch_op:
        batch_op.add_column(sa.Column("draw", sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column("time_limit", sa.Integer(), nullable=True))

    with op.batch_alter_table("question", schema=None) as batch_op:
        batch_op.add_column(sa.Column("answer", sa.JSON(), nullable=True))
        batch_op.drop_constraint(op.f("ck_question_kind"), type_="check")
        batch_op.create_check_constraint("kind", sa.text(NEW_KINDS))

    with op.batch_alter_table("quiz_attempt", schema=None) as batch_op:
        batch_op.add_column(sa.Column("started_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("marks", sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column("is_late", sa.Boolean(), server_default=sa.false(), nullable=False))


def downgrade():
    with op.batch_alter_table("quiz_attempt", schema=None) as batch_op:
        batch_op.drop_column("is_late")
        batch_op.drop_column("marks")
        batch_op.drop_column("started_at")

    with op.batch_alter_table("question", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_question_kind"), type_="check")
        batch_op.create_check_constraint("kind", sa.text(OLD_KINDS))
        batch_op.drop_column("answer")

    with op.batch_alter_table("module_revision", schema=None) as batch_op:
        batch_op.drop_column("time_limit")
        batch_op.drop_column("draw")

    with op.batch_alter_table("quiz_sitting", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_quiz_sitting_module_id"))

    op.drop_table("quiz_sitting")
    with op.batch_alter_table("bank_choice", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_bank_choice_question_id"))

    op.drop_table("bank_choice")
    with op.batch_alter_table("bank_question", schema=None) as batch_op:
        batch_op.drop_index("ix_bank_question_course_live")

    op.drop_table("bank_question")
