"""publication review

A course that pays credits or reaches beyond its owner's union waits for an admin's review
(审核) before it goes live: one row per request, at most one pending per course. Courses already
published stay as they are; the review applies to what is published from now on.

Revision ID: f6380f1d0141
Revises: c2bf7e7ddd8b
Create Date: 2026-12-02 18:42:09.433761

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "f6380f1d0141"
down_revision = "c2bf7e7ddd8b"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "course_review",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("course_id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("org_id", sa.Integer(), nullable=False),
        sa.Column("submitted_by_id", sa.Integer(), nullable=True),
        sa.Column("submitted_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("decided_by_id", sa.Integer(), nullable=True),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.CheckConstraint(
            "status IN ('pending', 'approved', 'returned', 'withdrawn')", name=op.f("ck_course_review_status")
        ),
        sa.ForeignKeyConstraint(["course_id"], ["course.id"], name=op.f("fk_course_review_course_id_course")),
        sa.ForeignKeyConstraint(
            ["decided_by_id"], ["user_account.id"], name=op.f("fk_course_review_decided_by_id_user_account")
        ),
        sa.ForeignKeyConstraint(["org_id"], ["org.id"], name=op.f("fk_course_review_org_id_org")),
        sa.ForeignKeyConstraint(
            ["submitted_by_id"], ["user_account.id"], name=op.f("fk_course_review_submitted_by_id_user_account")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_course_review")),
    )
    with op.batch_alter_table("course_review", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_course_review_course_id"), ["course_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_course_review_org_id"), ["org_id"], unique=False)
        batch_op.create_index(
            "uq_course_review_pending",
            ["course_id"],
            unique=True,
            sqlite_where=sa.text("status = 'pending'"),
            postgresql_where=sa.text("status = 'pending'"),
        )


def downgrade():
    with op.batch_alter_table("course_review", schema=None) as batch_op:
        batch_op.drop_index(
            "uq_course_review_pending",
            sqlite_where=sa.text("status = 'pending'"),
            postgresql_where=sa.text("status = 'pending'"),
        )
        batch_op.drop_index(batch_op.f("ix_course_review_org_id"))
        batch_op.drop_index(batch_op.f("ix_course_review_course_id"))

    op.drop_table("course_review")
