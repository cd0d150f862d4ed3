"""Files sent with answers to reviewers: a worker answers "ask for more" with photos and PDFs.

The files are kept as prior learning's certificates are (prior_learning_file, in storage);
this table says which step of an application each belongs to.

Revision ID: ecf9e4eca206
Revises: 0318d9a9f0be
Create Date: 2026-12-03 08:41:43.077287

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "ecf9e4eca206"
down_revision = "0318d9a9f0be"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "recognition_event_file",
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("file_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["event_id"], ["recognition_event.id"], name=op.f("fk_recognition_event_file_event_id_recognition_event")
        ),
        sa.ForeignKeyConstraint(
            ["file_id"], ["prior_learning_file.id"], name=op.f("fk_recognition_event_file_file_id_prior_learning_file")
        ),
        sa.PrimaryKeyConstraint("event_id", "file_id", name=op.f("pk_recognition_event_file")),
    )
    with op.batch_alter_table("recognition_event_file", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_recognition_event_file_file_id"), ["file_id"], unique=False)


def downgrade():
    with op.batch_alter_table("recognition_event_file", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_recognition_event_file_file_id"))

    op.drop_table("recognition_event_file")
