"""Video for phones: each course video's H.264/AAC rendition of at most 480p and its poster.

Revision ID: e1fb7d4ebce3
Revises: a7c41e9d2b10
Create Date: 2026-12-03 13:49:55.104418

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "e1fb7d4ebce3"
down_revision = "a7c41e9d2b10"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "video_rendition",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("course_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("source_key", sa.String(length=200), nullable=False),
        sa.Column("source_size", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("reason", sa.String(length=20), nullable=False),
        sa.Column("job_id", sa.Integer(), nullable=True),
        sa.Column("video_key", sa.String(length=200), nullable=True),
        sa.Column("poster_key", sa.String(length=200), nullable=True),
        sa.Column("width", sa.Integer(), nullable=True),
        sa.Column("height", sa.Integer(), nullable=True),
        sa.Column("size", sa.Integer(), nullable=True),
        sa.Column("duration_ms", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ready_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint("status IN ('waiting', 'ready', 'failed')", name=op.f("ck_video_rendition_status")),
        sa.ForeignKeyConstraint(["course_id"], ["course.id"], name=op.f("fk_video_rendition_course_id_course")),
        sa.ForeignKeyConstraint(["job_id"], ["job.id"], name=op.f("fk_video_rendition_job_id_job")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_video_rendition")),
        sa.UniqueConstraint("course_id", "name", name=op.f("uq_video_rendition_course_id_name")),
    )
    op.create_index(op.f("ix_video_rendition_course_id"), "video_rendition", ["course_id"], unique=False)


def downgrade():
    op.drop_index(op.f("ix_video_rendition_course_id"), table_name="video_rendition")
    op.drop_table("video_rendition")
