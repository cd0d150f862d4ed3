"""Jobs (core/jobs.py): heavy work a person starts, its state, progress and finished file.

Revision ID: 52f46d802967
Revises: dd0ee617034a
Create Date: 2026-12-03 07:26:47.522703

"""

import sqlalchemy as sa
from alembic import op

revision = "52f46d802967"
down_revision = "dd0ee617034a"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "job",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("owner_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("params", sa.JSON(), nullable=False),
        sa.Column("state", sa.String(length=12), nullable=False),
        sa.Column("progress", sa.Integer(), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("result_key", sa.String(length=200), nullable=True),
        sa.Column("result_name", sa.String(length=200), nullable=False),
        sa.Column("result_mime", sa.String(length=100), nullable=False),
        sa.Column("error", sa.String(length=500), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("heartbeat_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint("state IN ('queued', 'running', 'done', 'failed')", name=op.f("ck_job_state")),
        sa.CheckConstraint("progress BETWEEN 0 AND 100", name=op.f("ck_job_progress")),
        sa.ForeignKeyConstraint(["owner_id"], ["user_account.id"], name=op.f("fk_job_owner_id_user_account")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_job")),
    )
    with op.batch_alter_table("job", schema=None) as batch_op:
        batch_op.create_index("ix_job_owner_created", ["owner_id", "created_at"], unique=False)
        batch_op.create_index("ix_job_state_heartbeat", ["state", "heartbeat_at"], unique=False)


def downgrade():
    with op.batch_alter_table("job", schema=None) as batch_op:
        batch_op.drop_index("ix_job_state_heartbeat")
        batch_op.drop_index("ix_job_owner_created")
    op.drop_table("job")
