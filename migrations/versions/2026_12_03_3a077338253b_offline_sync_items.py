"""offline sync items

What a phone sends from its offline queue (heartbeats, modules finished, quiz answers): one row
per item under the key the phone made, UNIQUE(user_id, key), so that a replay changes nothing.

Revision ID: 3a077338253b
Revises: f2d736a623e6
Create Date: 2026-12-03 07:05:08.297456

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "3a077338253b"
down_revision = "f2d736a623e6"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "sync_item",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("module_id", sa.Integer(), nullable=True),
        sa.Column("at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("seconds", sa.Integer(), nullable=True),
        sa.Column("score", sa.Integer(), nullable=True),
        sa.Column("message", sa.String(length=300), nullable=False),
        sa.ForeignKeyConstraint(["module_id"], ["module.id"], name=op.f("fk_sync_item_module_id_module")),
        sa.ForeignKeyConstraint(["user_id"], ["user_account.id"], name=op.f("fk_sync_item_user_id_user_account")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sync_item")),
        sa.UniqueConstraint("user_id", "key", name=op.f("uq_sync_item_user_id_key")),
    )
    with op.batch_alter_table("sync_item", schema=None) as batch_op:
        batch_op.create_index("ix_sync_item_user_kind_at", ["user_id", "kind", "at"], unique=False)


def downgrade():
    with op.batch_alter_table("sync_item", schema=None) as batch_op:
        batch_op.drop_index("ix_sync_item_user_kind_at")

    op.drop_table("sync_item")
