"""reminders of required courses

When an admin reminded a union's workers of a required course: one a day per requirement and union.

Revision ID: c2bf7e7ddd8b
Revises: b5d2e8a41c07
Create Date: 2026-12-02 19:14:30.856284

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "c2bf7e7ddd8b"
down_revision = "b5d2e8a41c07"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "requirement_reminder",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("requirement_id", sa.Integer(), nullable=False),
        sa.Column("org_id", sa.Integer(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("sent_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["org_id"], ["org.id"], name=op.f("fk_requirement_reminder_org_id_org")),
        sa.ForeignKeyConstraint(
            ["requirement_id"],
            ["required_course.id"],
            name=op.f("fk_requirement_reminder_requirement_id_required_course"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["sent_by_id"], ["user_account.id"], name=op.f("fk_requirement_reminder_sent_by_id_user_account")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_requirement_reminder")),
        sa.UniqueConstraint(
            "requirement_id", "org_id", "day", name=op.f("uq_requirement_reminder_requirement_id_org_id_day")
        ),
    )
    with op.batch_alter_table("requirement_reminder", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_requirement_reminder_requirement_id"), ["requirement_id"], unique=False)


def downgrade():
    with op.batch_alter_table("requirement_reminder", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_requirement_reminder_requirement_id"))

    op.drop_table("requirement_reminder")
