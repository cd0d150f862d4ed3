"""drills and the wrong-answer book

Drills (岗位练兵, learnhub/contests): a person's drills with the questions asked and the answers
given (at most one daily drill a day), and per person and bank question how they did and
whether it is in their wrong-answer book (错题本).

Revision ID: 3007105b2dc9
Revises: b0624599c295
Create Date: 2026-12-03 07:17:18.263663

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "3007105b2dc9"
down_revision = "b0624599c295"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "drill",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("questions", sa.JSON(), nullable=False),
        sa.Column("answers", sa.JSON(), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint("kind IN ('daily', 'book')", name=op.f("ck_drill_kind")),
        sa.ForeignKeyConstraint(["user_id"], ["user_account.id"], name=op.f("fk_drill_user_id_user_account")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_drill")),
    )
    with op.batch_alter_table("drill", schema=None) as batch_op:
        batch_op.create_index("ix_drill_user_day", ["user_id", "day"], unique=False)
        batch_op.create_index(
            "uq_drill_daily",
            ["user_id", "day"],
            unique=True,
            sqlite_where=sa.text("kind = 'daily'"),
            postgresql_where=sa.text("kind = 'daily'"),
        )

    op.create_table(
        "drill_item",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("question_id", sa.Integer(), nullable=False),
        sa.Column("times_answered", sa.Integer(), nullable=False),
        sa.Column("times_missed", sa.Integer(), nullable=False),
        sa.Column("last_answer", sa.JSON(), nullable=True),
        sa.Column("is_in_book", sa.Boolean(), nullable=False),
        sa.Column("last_answered_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["question_id"], ["bank_question.id"], name=op.f("fk_drill_item_question_id_bank_question")
        ),
        sa.ForeignKeyConstraint(["user_id"], ["user_account.id"], name=op.f("fk_drill_item_user_id_user_account")),
        sa.PrimaryKeyConstraint("user_id", "question_id", name=op.f("pk_drill_item")),
    )
    with op.batch_alter_table("drill_item", schema=None) as batch_op:
        batch_op.create_index("ix_drill_item_book", ["user_id", "is_in_book"], unique=False)


def downgrade():
    with op.batch_alter_table("drill_item", schema=None) as batch_op:
        batch_op.drop_index("ix_drill_item_book")

    op.drop_table("drill_item")
    with op.batch_alter_table("drill", schema=None) as batch_op:
        batch_op.drop_index(
            "uq_drill_daily", sqlite_where=sa.text("kind = 'daily'"), postgresql_where=sa.text("kind = 'daily'")
        )
        batch_op.drop_index("ix_drill_user_day")

    op.drop_table("drill")
